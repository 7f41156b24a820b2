"""Aggregate tables for policymakers: counts per neighbourhood, theme and five-O sector that
are safe to publish (DOMAIN.md, "Privacy is part of the product").

The tables are fixed (:data:`TABLES`); their dimensions come from {neighbourhood, theme,
sector} and nobody can ask for another cross-tabulation. Every cell counts **distinct**
persons (or initiatives): a resident who takes part in two initiatives of one buurt counts
once in that buurt; someone counted in several cells of a table is fine. A total counts the
distinct members of the cells it adds up, so a row of the needs table holds the residents with
any support need in that buurt, which can be fewer than the sum of its cells. Rows are the
areas where the counted people and initiatives are recorded, at whatever level: an initiative
for a whole wijk counts in the wijk's row, not in its buurten. Whoever has no neighbourhood is
not counted.

Disclosure control, in this order, on the true counts of the whole table:

1. **Primary suppression**: every cell or total with a true count from 1 to ``min_cell - 1``
   (:data:`MIN_CELL` = 10) is hidden.
2. **Zeros are published** as 0, and never hidden to protect another cell. This is how
   τ-ARGUS, the CBS tool, treats empty cells by default: a count of nobody says nothing about
   a person, and hiding it protects little because an empty cell can often be told from
   context. (The one exception is rule 4's last resort.)
3. **Secondary suppression, line by line**: a row or column (with its total) that has
   exactly one hidden entry would give it away as total minus published cells, so its
   next-smallest non-zero entry is hidden too, preferring one whose crossing line also has
   exactly one hidden entry (one more hidden cell then mends two lines); repeated until no
   line has exactly one.
4. **Secondary suppression, across lines**: hidden entries can still be computed from several
   lines together (two blocks of hidden cells joined by one hidden cell: that cell is the sum
   of some rows minus the sum of some columns). In a two-dimensional table with totals an
   entry can be computed exactly when it is a bridge of the graph whose nodes are the lines
   and whose edges are the hidden entries; for each primary cell that is a bridge, the
   cheapest set of published entries that closes a cycle through it is hidden too (zeros only
   when nothing else can).
5. **Rounding**: published counts are rounded to the nearest multiple of :data:`ROUNDING` (5).

A selection of neighbourhoods (a wijk includes its buurten) is a window on the whole table:
its cells and row totals read exactly as in the whole table, so no combination of selections
shows a cell the whole table hides. The selection's own column totals and grand total are
published only when every entry they add up is published; then they say nothing about any
hidden entry.

A whole table is worked out once per network context (a graph version) and every later
request, for it or any selection of it, reads from that: at a million residents the first
takes a pass over everyone, the next a few milliseconds.

Not covered: comparing tables of two graph versions (one person more or less); rounding blurs
such differences but does not rule them out.

>>> import networkx as nx
>>> fabric = nx.Graph()
>>> fabric.add_nodes_from(
...     (f"r{i}", {"label": "Resident", "neighbourhood": "BU1" if i < 12 else "BU2"})
...     for i in range(15)
... )
>>> table = aggregate(NetworkContext(1, fabric), "residents_by_neighbourhood")
>>> [(cell.dimensions.get("neighbourhood"), cell.value, str(cell.reason)) for cell in table.cells]
[('BU1', None, 'secondary'), ('BU2', None, 'primary'), (None, 15, 'None')]
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise

import networkx as nx
from pydantic import BaseModel, ConfigDict

from graph.analysis.collective import ACTIVE
from graph.analysis.context import NetworkContext
from graph.analysis.results import Lang
from graph.errors import ConfigurationError, NotFoundError
from graph.model import OSector

#: Cells and totals with a true count from 1 to MIN_CELL - 1 are never published.
MIN_CELL = 10
#: Published counts are multiples of this.
ROUNDING = 5

#: An entry of a table: (neighbourhood, column value); None stands for "all" (a total). A
#: one-dimensional table has only the column None: its cells are (neighbourhood, None).
Key = tuple[str | None, str | None]


class Dimension(StrEnum):
    NEIGHBOURHOOD = "neighbourhood"
    THEME = "theme"
    SECTOR = "sector"


class CellKind(StrEnum):
    CELL = "cell"
    ROW_TOTAL = "row_total"
    COLUMN_TOTAL = "column_total"
    TOTAL = "total"


class Suppression(StrEnum):
    """Why a value is hidden."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    SCOPE_TOTAL = "scope_total"


SUPPRESSION_TEXT: dict[Suppression, tuple[str, str]] = {
    Suppression.PRIMARY: (
        "Minder dan {min_cell}: niet gepubliceerd.",
        "Fewer than {min_cell}: not published.",
    ),
    Suppression.SECONDARY: (
        "Verborgen zodat een kleiner getal niet uit de totalen te berekenen is.",
        "Hidden so that a small count cannot be worked out from the totals.",
    ),
    Suppression.SCOPE_TOTAL: (
        "Totaal van de selectie verborgen: het telt verborgen cellen op.",
        "Total of the selection hidden: it adds up hidden cells.",
    ),
}

SECTOR_NAMES: dict[str, tuple[str, str]] = {
    OSector.ONDERNEMERS: ("Ondernemers", "Businesses"),
    OSector.ONDERWIJS: ("Onderwijs", "Education"),
    OSector.ONDERZOEK: ("Onderzoek", "Research"),
    OSector.OVERHEID: ("Overheid", "Government"),
    OSector.OMGEVING: ("Omgeving (bewoners)", "Community (residents)"),
}


class Names(BaseModel):
    model_config = ConfigDict(frozen=True)

    nl: str
    en: str


class AggregateCell(BaseModel):
    """One published number. ``dimensions`` holds the values the cell fixes; a total leaves
    out the dimension it adds up (the grand total fixes none)."""

    model_config = ConfigDict(frozen=True)

    kind: CellKind
    dimensions: dict[Dimension, str]
    value: int | None
    suppressed: bool
    reason: Suppression | None = None


class AggregateTable(BaseModel):
    """A table as it may be published: rounded values, suppressed ones ``None``."""

    name: str
    title_nl: str
    title_en: str
    unit_nl: str
    unit_en: str
    dimensions: tuple[Dimension, ...]
    #: the selection asked for; () is the whole table
    neighbourhoods: tuple[str, ...]
    version: int
    min_cell: int
    rounding: int
    #: names of the dimension values: names["theme"]["armoede"].en == "Poverty"
    names: dict[Dimension, dict[str, Names]]
    cells: list[AggregateCell]

    def title(self, lang: Lang = "nl") -> str:
        return self.title_nl if lang == "nl" else self.title_en

    def cell(self, **dimensions: str) -> AggregateCell:
        """The cell or total fixing exactly these dimension values."""
        for cell in self.cells:
            if cell.dimensions == dimensions:
                return cell
        raise KeyError(dimensions)

    def reason_text(self, reason: Suppression, lang: Lang = "nl") -> str:
        nl, en = SUPPRESSION_TEXT[reason]
        return (nl if lang == "nl" else en).format(min_cell=self.min_cell)


# --- counting -----------------------------------------------------------------------------


@dataclass
class Counts:
    """Who is counted where, before any disclosure control."""

    rows: set[str] = field(default_factory=set)  # every neighbourhood of the population
    columns: list[str] = field(default_factory=list)  # empty for one-dimensional tables
    members: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, row: str, column: str | None, member: str) -> None:
        self.members[(row, column)].add(member)


def _located(context: NetworkContext, label: str) -> Iterator[tuple[str, str]]:
    """(id, neighbourhood) of the nodes of a label that have a neighbourhood.

    One pass over the node data as the plain dicts they are: a million residents take a
    fraction of a second, through networkx's views of each node several times that."""
    for node, data in context.fabric.nodes(data=True):
        if data.get("label") == label and (home := data.get("neighbourhood")):
            yield node, str(home)


def _active_initiatives(context: NetworkContext) -> Iterator[tuple[str, str]]:
    nodes = context.fabric.nodes
    for node, home in _located(context, "Initiative"):
        if nodes[node].get("status") in ACTIVE:
            yield node, home


def _themes(context: NetworkContext, used: Iterable[str]) -> list[str]:
    return sorted(set(context.theme_names) | set(used))


def count_residents(context: NetworkContext) -> Counts:
    by_home: defaultdict[str, list[str]] = defaultdict(list)
    for resident, home in _located(context, "Resident"):
        by_home[home].append(resident)
    counts = Counts(rows=set(by_home))
    counts.members.update(((home, None), set(people)) for home, people in by_home.items())
    return counts


def count_needs(context: NetworkContext) -> Counts:
    """Residents with a support need, by their home and the need's theme."""
    counts = Counts(rows={home for _, home in _located(context, "Resident")})
    nodes = context.fabric.nodes
    for resident, themes in context.needs.items():
        # the residents with a need, not every resident: most have none
        data = nodes[resident] if themes and resident in nodes else {}
        home = data.get("neighbourhood")
        if data.get("label") == "Resident" and home:
            row = str(home)
            for theme in themes:
                counts.add(row, theme, resident)
    counts.columns = _themes(context, (theme for _, theme in counts.members if theme))
    return counts


def count_participants(context: NetworkContext) -> Counts:
    """Who takes part in active initiatives, by the initiative's neighbourhood and O-sector.

    As in the five-O question: residents taking part count as Omgeving, partner organisations
    by their ``o_sector``; professionals who coach are not participants.
    """
    fabric = context.fabric
    nodes = fabric.nodes
    counts = Counts(columns=[o.value for o in OSector])
    sectors = set(counts.columns)
    omgeving = OSector.OMGEVING.value
    for initiative, home in _active_initiatives(context):
        counts.rows.add(home)
        # the ties as the plain dicts they are, not through an edge view each
        for other, tie in fabric.adj[initiative].items():
            kind = tie.get("type")
            if kind == "PARTICIPATES_IN":
                if nodes[other].get("label") == "Resident":
                    counts.add(home, omgeving, other)
            elif kind == "PARTNER_OF":
                sector = nodes[other].get("o_sector")
                if sector in sectors:
                    counts.add(home, str(sector), other)
    return counts


def count_initiatives(context: NetworkContext) -> Counts:
    """Active initiatives, by their neighbourhood and the themes they address."""
    counts = Counts()
    for initiative, home in _active_initiatives(context):
        counts.rows.add(home)
        for theme in context.addresses.get(initiative, ()):
            counts.add(home, theme, initiative)
    counts.columns = _themes(context, (theme for _, theme in counts.members if theme))
    return counts


@dataclass(frozen=True)
class TableSpec:
    name: str
    title_nl: str
    title_en: str
    unit_nl: str
    unit_en: str
    dimensions: tuple[Dimension, ...]
    count: Callable[[NetworkContext], Counts]


_HOOD, _THEME, _SECTOR = Dimension.NEIGHBOURHOOD, Dimension.THEME, Dimension.SECTOR
TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "residents_by_neighbourhood",
            "Bewoners per buurt",
            "Residents per neighbourhood",
            "bewoners",
            "residents",
            (_HOOD,),
            count_residents,
        ),
        TableSpec(
            "needs_by_neighbourhood_and_theme",
            "Bewoners met een hulpvraag per buurt en thema",
            "Residents with a support need per neighbourhood and theme",
            "bewoners",
            "residents",
            (_HOOD, _THEME),
            count_needs,
        ),
        TableSpec(
            "participants_by_neighbourhood_and_sector",
            "Deelnemers aan actieve initiatieven per buurt en O",
            "Participants in active initiatives per neighbourhood and O-sector",
            "bewoners en organisaties",
            "residents and organisations",
            (_HOOD, _SECTOR),
            count_participants,
        ),
        TableSpec(
            "initiatives_by_neighbourhood_and_theme",
            "Actieve initiatieven per buurt en thema",
            "Active initiatives per neighbourhood and theme",
            "initiatieven",
            "initiatives",
            (_HOOD, _THEME),
            count_initiatives,
        ),
    )
}


# --- disclosure control -------------------------------------------------------------------


def _order(key: Key) -> tuple[bool, str, bool, str]:
    """Sorts cells before totals, then by code."""
    return (key[0] is None, key[0] or "", key[1] is None, key[1] or "")


def _lines(rows: Sequence[str], columns: Sequence[str]) -> list[list[Key]]:
    """The rows and columns of the table, each with its total: the sums a reader can do."""
    if not columns:
        return [[*((row, None) for row in rows), (None, None)]]
    all_rows: list[str | None] = [*rows, None]
    all_columns: list[str | None] = [*columns, None]
    return [[(r, c) for c in all_columns] for r in all_rows] + [
        [(r, c) for r in all_rows] for c in all_columns
    ]


def _protect(
    true: Mapping[Key, int], rows: Sequence[str], columns: Sequence[str], *, min_cell: int
) -> dict[Key, Suppression]:
    """Which entries to hide, and why (rules 1 to 4 of the module docstring)."""
    hidden = {key: Suppression.PRIMARY for key, n in true.items() if 0 < n < min_cell}
    lines = _lines(rows, columns)
    while True:
        if _complete_a_line(true, lines, hidden):
            continue
        if columns and _break_a_bridge(true, hidden):
            continue
        return hidden


def _complete_a_line(
    true: Mapping[Key, int], lines: list[list[Key]], hidden: dict[Key, Suppression]
) -> bool:
    """Hide the next-smallest entry of the first line with exactly one hidden entry."""
    lonely = [line for line in lines if sum(1 for key in line if key in hidden) == 1]
    on_lonely: dict[Key, int] = {}
    for line in lonely:
        for key in line:
            on_lonely[key] = on_lonely.get(key, 0) + 1
    for line in lonely:
        candidates = [key for key in line if key not in hidden and true[key] > 0]
        if candidates:
            cheapest = min(
                candidates,
                key=lambda k: (on_lonely[k] < 2, true[k], None in k, _order(k)),
            )
            hidden[cheapest] = Suppression.SECONDARY
            return True
    return False


def _node(key: Key, side: int) -> tuple[str, str | None]:
    return ("row", key[0]) if side == 0 else ("column", key[1])


def _break_a_bridge(true: Mapping[Key, int], hidden: dict[Key, Suppression]) -> bool:
    """Put the first primary entry that could be computed from the lines on a cycle."""
    graph = nx.Graph()
    for key in sorted(hidden, key=_order):
        graph.add_edge(_node(key, 0), _node(key, 1), entry=key)
    bridges = sorted((graph.edges[a, b]["entry"] for a, b in nx.bridges(graph)), key=_order)
    for bridge in bridges:
        if hidden[bridge] is Suppression.PRIMARY:
            detour = _cheapest_detour(true, hidden, bridge)
            for key in detour:
                hidden[key] = Suppression.SECONDARY
            if detour:
                return True
    return False


def _cheapest_detour(
    true: Mapping[Key, int], hidden: Mapping[Key, Suppression], bridge: Key
) -> list[Key]:
    """The published entries to hide so that a path of hidden entries joins the bridge's two
    lines without it: hidden entries cost nothing, others their count, zeros the most."""
    zero_cost = sum(true.values()) + 1
    graph = nx.Graph()
    for key in sorted(true, key=_order):
        if key != bridge:
            cost = 0 if key in hidden else true[key] or zero_cost
            graph.add_edge(_node(key, 0), _node(key, 1), weight=cost, entry=key)
    try:
        path = nx.dijkstra_path(graph, _node(bridge, 0), _node(bridge, 1))
    except nx.NetworkXNoPath:
        return []
    on_path = (graph.edges[a, b]["entry"] for a, b in pairwise(path))
    return [key for key in on_path if key not in hidden]


def _published(count: int) -> int:
    return (count + ROUNDING // 2) // ROUNDING * ROUNDING


# --- the tables ---------------------------------------------------------------------------


def _union(sets: Iterable[set[str]]) -> set[str]:
    result: set[str] = set()
    for members in sets:
        result |= members
    return result


def _members(counts: Counts, rows: Sequence[str]) -> dict[Key, set[str]]:
    """Members of every cell and total (totals: the distinct members of their cells)."""
    columns: list[str | None] = [*counts.columns] or [None]
    members: dict[Key, set[str]] = {
        (r, c): counts.members.get((r, c), set()) for r in rows for c in columns
    }
    if counts.columns:
        for row in rows:
            members[(row, None)] = _union(members[(row, c)] for c in columns)
        for column in counts.columns:
            members[(None, column)] = _union(members[(r, column)] for r in rows)
    members[(None, None)] = _union(members[(r, None)] for r in rows)
    return members


@dataclass(frozen=True)
class _Whole:
    """A whole table after disclosure control: what every selection of it reads from."""

    rows: list[str]
    columns: list[str]
    #: the true count of every cell and total
    true: dict[Key, int]
    hidden: dict[Key, Suppression]
    #: the members of each cell and row total, kept only where someone counts in several rows
    #: (a resident taking part in initiatives of two buurten): a selection's totals count them
    #: once. Where nobody does, a selection's totals are sums and no one is kept.
    shared: dict[Key, set[str]] | None

    def selection_total(self, parts: Iterable[Key]) -> int:
        if self.shared is None:
            return sum(self.true[part] for part in parts)
        return len(_union(self.shared[part] for part in parts))


def _whole(context: NetworkContext, spec: TableSpec, min_cell: int) -> _Whole:
    counts = spec.count(context)
    rows = sorted(counts.rows)
    members = _members(counts, rows)
    true = {key: len(ids) for key, ids in members.items()}
    hidden = _protect(true, rows, counts.columns, min_cell=min_cell)
    disjoint = sum(true[(row, None)] for row in rows) == true[(None, None)]
    shared = None if disjoint else {key: ids for key, ids in members.items() if key[0]}
    return _Whole(rows, counts.columns, true, hidden, shared)


class _LastContext:
    """The whole tables of the context last asked about, each worked out once.

    A server asks the same few tables of one graph version again and again, for the whole
    city or any selection, and each is a pass over every person (about a second for a million
    residents). Held by a weak reference: the tables go with their context, which nothing
    changes once loaded (a new graph version is a new context)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._context: weakref.ref[NetworkContext] | None = None
        self._tables: dict[tuple[str, int], _Whole] = {}

    def table(self, context: NetworkContext, spec: TableSpec, min_cell: int) -> _Whole:
        with self._lock:
            if self._context is None or self._context() is not context:
                self._context = weakref.ref(context, self._forget)
                self._tables = {}
            key = (spec.name, min_cell)
            if key not in self._tables:
                self._tables[key] = _whole(context, spec, min_cell)
            return self._tables[key]

    def _forget(self, gone: weakref.ref[NetworkContext]) -> None:
        # no lock: the collector may call this in the middle of table() on this thread
        if self._context is gone:
            self._tables = {}


_WHOLE_TABLES = _LastContext()


def aggregate(
    context: NetworkContext,
    table_name: str,
    neighbourhoods: tuple[str, ...] | None = None,
    *,
    min_cell: int = MIN_CELL,
) -> AggregateTable:
    """One of :data:`TABLES`, safe to publish, for the whole graph or some neighbourhoods.

    ``min_cell`` may be raised above :data:`MIN_CELL`, never lowered below it.
    """
    spec = TABLES.get(table_name)
    if spec is None:
        known = ", ".join(TABLES)
        raise NotFoundError(
            f"Onbekende tabel {table_name!r}; kies uit: {known}.",
            f"Unknown table {table_name!r}; choose from: {known}.",
        )
    if min_cell < MIN_CELL:
        raise ConfigurationError(
            f"De drempel voor kleine aantallen is minstens {MIN_CELL}, niet {min_cell}.",
            f"The threshold for small counts is at least {MIN_CELL}, not {min_cell}.",
        )
    whole = _WHOLE_TABLES.table(context, spec, min_cell)
    true, hidden = whole.true, whole.hidden
    selected = _select(context, whole.rows, neighbourhoods or ())
    if len(selected) < len(whole.rows):
        chosen = set(selected)
        true = {key: n for key, n in true.items() if key[0] in chosen}
        hidden = {key: why for key, why in hidden.items() if key[0] in chosen}
        for column in [*whole.columns, None]:
            parts = [(row, column) for row in selected]
            total = true[(None, column)] = whole.selection_total(parts)
            if 0 < total < min_cell:
                hidden[(None, column)] = Suppression.PRIMARY
            elif any(part in hidden for part in parts):
                hidden[(None, column)] = Suppression.SCOPE_TOTAL
    return AggregateTable(
        name=spec.name,
        title_nl=spec.title_nl,
        title_en=spec.title_en,
        unit_nl=spec.unit_nl,
        unit_en=spec.unit_en,
        dimensions=spec.dimensions,
        neighbourhoods=tuple(neighbourhoods or ()),
        version=context.version,
        min_cell=min_cell,
        rounding=ROUNDING,
        names=_names(context, spec, selected, whole.columns),
        cells=[_cell(spec, key, true[key], hidden.get(key)) for key in sorted(true, key=_order)],
    )


def _select(context: NetworkContext, rows: list[str], codes: tuple[str, ...]) -> list[str]:
    if not codes:
        return rows
    unknown = tuple(code for code in codes if code not in context.areas and code not in rows)
    if unknown:
        listed = ", ".join(unknown)
        raise NotFoundError(
            f"Onbekende buurt of wijk: {listed}.",
            f"Unknown neighbourhood or district: {listed}.",
            missing=unknown,
        )
    within = context.area_codes(codes)
    return [row for row in rows if row in within]


def _cell(spec: TableSpec, key: Key, count: int, reason: Suppression | None) -> AggregateCell:
    row, column = key
    dimensions: dict[Dimension, str] = {}
    if row is not None:
        dimensions[Dimension.NEIGHBOURHOOD] = row
    if column is not None:
        dimensions[spec.dimensions[1]] = column
    if len(spec.dimensions) == 1:
        kind = CellKind.CELL if row is not None else CellKind.TOTAL
    else:
        kinds = {
            (True, True): CellKind.CELL,
            (True, False): CellKind.ROW_TOTAL,
            (False, True): CellKind.COLUMN_TOTAL,
            (False, False): CellKind.TOTAL,
        }
        kind = kinds[(row is not None, column is not None)]
    return AggregateCell(
        kind=kind,
        dimensions=dimensions,
        value=None if reason else _published(count),
        suppressed=reason is not None,
        reason=reason,
    )


def _names(
    context: NetworkContext, spec: TableSpec, rows: Sequence[str], columns: Sequence[str]
) -> dict[Dimension, dict[str, Names]]:
    names = {
        Dimension.NEIGHBOURHOOD: {
            row: Names(nl=context.area_name(row), en=context.area_name(row)) for row in rows
        }
    }
    if Dimension.THEME in spec.dimensions:
        names[Dimension.THEME] = {
            theme: Names(nl=context.theme_name(theme, "nl"), en=context.theme_name(theme, "en"))
            for theme in columns
        }
    if Dimension.SECTOR in spec.dimensions:
        names[Dimension.SECTOR] = {
            sector: Names(nl=SECTOR_NAMES[sector][0], en=SECTOR_NAMES[sector][1])
            for sector in columns
        }
    return names
