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

The counting is :mod:`graph.analysis.counting`, the disclosure control
:mod:`graph.analysis.disclosure`: on the true counts of the whole table it hides every cell or
total of 1 to ``min_cell - 1`` (:data:`MIN_CELL` = 10) and whatever else would let one be
worked out from the totals, publishes zeros, and rounds the rest to multiples of
:data:`ROUNDING` (5).

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from graph.analysis.context import NetworkContext
from graph.analysis.counting import (
    Counts,
    Key,
    count_initiatives,
    count_isolated,
    count_isolated_needs,
    count_needs,
    count_participants,
    count_residents,
)
from graph.analysis.disclosure import (
    MIN_CELL,
    ROUNDING,
    SUPPRESSION_TEXT,
    Suppression,
    entry_order,
    protect,
    rounded,
)
from graph.analysis.results import Lang
from graph.errors import ConfigurationError, NotFoundError
from graph.model import OSector

# What callers import from here, the names defined in counting and disclosure included: the
# tables' thresholds, the counts they are made of and why a value is hidden.
__all__ = [
    "MIN_CELL",
    "ROUNDING",
    "SECTOR_NAMES",
    "TABLES",
    "AggregateCell",
    "AggregateTable",
    "CellKind",
    "Counts",
    "Dimension",
    "Key",
    "Names",
    "Suppression",
    "TableSpec",
    "aggregate",
    "worked_out",
]


class Dimension(StrEnum):
    NEIGHBOURHOOD = "neighbourhood"
    THEME = "theme"
    SECTOR = "sector"
    #: a signal of the isolated question (no ties, only support, cut off, …)
    SIGNAL = "signal"


class CellKind(StrEnum):
    CELL = "cell"
    ROW_TOTAL = "row_total"
    COLUMN_TOTAL = "column_total"
    TOTAL = "total"


SECTOR_NAMES: dict[str, tuple[str, str]] = {
    OSector.ONDERNEMERS: ("Ondernemers", "Businesses"),
    OSector.ONDERWIJS: ("Onderwijs", "Education"),
    OSector.ONDERZOEK: ("Onderzoek", "Research"),
    OSector.OVERHEID: ("Overheid", "Government"),
    OSector.OMGEVING: ("Omgeving (bewoners)", "Community (residents)"),
}


SIGNAL_NAMES: dict[str, tuple[str, str]] = {
    "no_ties": ("Geen banden", "No ties"),
    "only_support": ("Alleen hulpverleners", "Only support workers"),
    "cut_off": ("Afgesneden van de rest", "Cut off from the rest"),
    "low_coreness": ("Aan de rand van het netwerk", "At the edge of the network"),
    "no_participation": ("Doet nergens aan mee", "Takes part in nothing"),
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
    #: whether it counts persons (rounded to 5, never 1 to 9); otherwise initiatives or
    #: organisations, published as they are
    persons: bool = True


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


@dataclass(frozen=True)
class TableSpec:
    name: str
    title_nl: str
    title_en: str
    unit_nl: str
    unit_en: str
    dimensions: tuple[Dimension, ...]
    count: Callable[[NetworkContext], Counts]
    #: which entries count persons; the others (initiatives, organisations) are published
    #: exactly unless a count of persons needs them hidden
    persons: Callable[[Key], bool] = lambda key: True


def _residents_and_totals(key: Key) -> bool:
    """The participants table: residents take part as Omgeving, organisations in the other
    columns; a row or the grand total adds up both."""
    return key[1] is None or key[1] == OSector.OMGEVING.value


def _none(key: Key) -> bool:
    return False


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
            _residents_and_totals,
        ),
        TableSpec(
            "initiatives_by_neighbourhood_and_theme",
            "Actieve initiatieven per buurt en thema",
            "Active initiatives per neighbourhood and theme",
            "initiatieven",
            "initiatives",
            (_HOOD, _THEME),
            count_initiatives,
            _none,
        ),
        TableSpec(
            "isolated_by_neighbourhood_and_signal",
            "Bewoners die alleen staan per buurt en signaal",
            "Isolated residents per neighbourhood and signal",
            "bewoners",
            "residents",
            (_HOOD, Dimension.SIGNAL),
            count_isolated,
        ),
        TableSpec(
            "isolated_with_needs_by_neighbourhood_and_theme",
            "Bewoners die alleen staan met een hulpvraag, per buurt en thema",
            "Isolated residents with a support need, per neighbourhood and theme",
            "bewoners",
            "residents",
            (_HOOD, _THEME),
            count_isolated_needs,
        ),
    )
}


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
    hidden = protect(true, rows, counts.columns, min_cell=min_cell, persons=spec.persons)
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

    def ready(self, context: NetworkContext, spec: TableSpec, min_cell: int) -> bool:
        """Whether :meth:`table` would answer from what it holds (no pass over everyone)."""
        with self._lock:
            held = self._context is not None and self._context() is context
            return held and (spec.name, min_cell) in self._tables

    def _forget(self, gone: weakref.ref[NetworkContext]) -> None:
        # no lock: the collector may call this in the middle of table() on this thread
        if self._context is gone:
            self._tables = {}


_WHOLE_TABLES = _LastContext()


def worked_out(context: NetworkContext, table_name: str, *, min_cell: int = MIN_CELL) -> bool:
    """Whether :func:`aggregate` of this table would read a whole table already worked out for
    ``context``, so that it costs milliseconds (a server's event loop may then call it)."""
    spec = TABLES.get(table_name)
    return spec is not None and _WHOLE_TABLES.ready(context, spec, min_cell)


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
            if 0 < total < min_cell and spec.persons((None, column)):
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
        cells=[
            _cell(spec, key, true[key], hidden.get(key)) for key in sorted(true, key=entry_order)
        ],
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
        value=None if reason else rounded(count) if spec.persons(key) else count,
        suppressed=reason is not None,
        reason=reason,
        persons=spec.persons(key),
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
    if Dimension.SIGNAL in spec.dimensions:
        names[Dimension.SIGNAL] = {
            signal: Names(nl=SIGNAL_NAMES[signal][0], en=SIGNAL_NAMES[signal][1])
            for signal in columns
        }
    if Dimension.SECTOR in spec.dimensions:
        names[Dimension.SECTOR] = {
            sector: Names(nl=SECTOR_NAMES[sector][0], en=SECTOR_NAMES[sector][1])
            for sector in columns
        }
    return names
