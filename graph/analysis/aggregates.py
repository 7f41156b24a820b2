"""Aggregate tables for policymakers: counts per neighbourhood, theme and five-O sector that
are safe to publish (DOMAIN.md, "Privacy is part of the product").

The tables are fixed (:data:`TABLES`, listed in :mod:`graph.analysis.table_specs`): each is
neighbourhood (or, for initiatives, theme) × at most one second dimension, and nobody can ask
for another cross-tabulation. Every cell counts **distinct** persons (or initiatives): a
resident who takes part in two initiatives of one buurt counts once in that buurt; someone
counted in several cells of a table is fine. A total counts the
distinct members of the cells it adds up, so a row of the needs table holds the residents with
any support need in that buurt, which can be fewer than the sum of its cells. Rows are the
areas where the counted people and initiatives are recorded, at whatever level: an initiative
for a whole wijk counts in the wijk's row, not in its buurten. Whoever has no neighbourhood is
not counted. A table without totals (``TableSpec.totals``: indicators, or the cells of
another table) has cells only, each standing alone.

The counting is :mod:`graph.analysis.counting`, the disclosure control
:mod:`graph.analysis.disclosure`: on the true counts of the whole table it hides every cell or
total of 1 to ``min_cell - 1`` (:data:`MIN_CELL` = 10) and whatever else would let one be
worked out from the totals, publishes zeros, and rounds the rest to multiples of
:data:`ROUNDING` (5).

A selection of neighbourhoods (a wijk includes its buurten) is a window on the whole table:
its cells and row totals read exactly as in the whole table, so no combination of selections
shows a cell the whole table hides. The selection's own column totals and grand total are
published only when every entry they add up is published; then they say nothing about any
hidden entry. A table whose rows are not neighbourhoods (themes × five-O sectors,
:attr:`TableSpec.over_selection`) counts the initiatives recorded in the selection instead,
a table of its own per selection: it counts no persons, so nothing in it needs hiding.

A whole table is worked out once per network context (a graph version) and every later
request, for it or any selection of it, reads from that: at a million residents the first
takes a pass over everyone, the next a few milliseconds.

What leaves for a role that may not see persons now reads these tables through
:mod:`graph.analysis.present`: where the store has a dated history, the present is the last
date of the trends' series and its tables are worked out there, under rules 6 and 7 of
:mod:`graph.analysis.disclosure` besides; without one, they are the tables worked out here.

Not covered: comparing tables of two graph versions (one person more or less) where they are
no dates of a series; rounding blurs such differences but does not rule them out.

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
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from graph.analysis.context import NetworkContext
from graph.analysis.counting import Counts, Key
from graph.analysis.disclosure import (
    MIN_CELL,
    ROUNDING,
    SUPPRESSION_TEXT,
    Suppression,
    entry_order,
)
from graph.analysis.results import Lang
from graph.analysis.table_names import Names, names_of
from graph.analysis.table_specs import (
    SECTOR_NAMES,
    SIGNAL_NAMES,
    TABLES,
    Dimension,
    TableSpec,
)
from graph.analysis.whole_tables import _counted_in, _value, _Whole, _whole
from graph.errors import ConfigurationError, NotFoundError

# What callers import from here, the names defined in counting and disclosure included: the
# tables' thresholds, the counts they are made of and why a value is hidden.
__all__ = [
    "MIN_CELL",
    "ROUNDING",
    "SECTOR_NAMES",
    "SIGNAL_NAMES",
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
    "published_values",
    "table_spec",
    "worked_out",
]


class CellKind(StrEnum):
    CELL = "cell"
    ROW_TOTAL = "row_total"
    COLUMN_TOTAL = "column_total"
    TOTAL = "total"


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
    #: whether the table has totals; without, every cell stands alone (indicators, or the
    #: cells of another table) and no line adds up
    totals: bool = True
    #: what a reader should know to read the table right, beside its title ("" if nothing)
    note_nl: str = ""
    note_en: str = ""
    #: names of the dimension values: names["theme"]["armoede"].en == "Poverty"
    names: dict[Dimension, dict[str, Names]]
    cells: list[AggregateCell]

    def title(self, lang: Lang = "nl") -> str:
        return self.title_nl if lang == "nl" else self.title_en

    def note(self, lang: Lang = "nl") -> str:
        return self.note_nl if lang == "nl" else self.note_en

    @property
    def over_selection(self) -> bool:
        """Whether the rows are no neighbourhoods: the cells count over ``neighbourhoods``
        (all of them when none were asked), see :attr:`TableSpec.over_selection`."""
        return self.dimensions[0] is not Dimension.NEIGHBOURHOOD

    def cell(self, **dimensions: str) -> AggregateCell:
        """The cell or total fixing exactly these dimension values."""
        for cell in self.cells:
            if cell.dimensions == dimensions:
                return cell
        raise KeyError(dimensions)

    def reason_text(self, reason: Suppression, lang: Lang = "nl") -> str:
        nl, en = SUPPRESSION_TEXT[reason]
        return (nl if lang == "nl" else en).format(min_cell=self.min_cell)


# --- the tables: worked out whole once per context ------------------------------------


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


def published_values(context: NetworkContext, table_name: str) -> dict[Key, int | None]:
    """Every entry of the whole table (no selection) as it is published, ``None`` where it is
    hidden: what a single figure elsewhere (an integration's recommendation) must show. Read
    from the whole table worked out once per context, without building its cells."""
    return _WHOLE_TABLES.table(context, TABLES[table_name], MIN_CELL).published


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
    spec = table_spec(table_name, min_cell=min_cell)
    whole = _WHOLE_TABLES.table(context, spec, min_cell)
    return _publish(context, spec, whole, neighbourhoods, min_cell)


def table_spec(table_name: str, *, min_cell: int = MIN_CELL) -> TableSpec:
    """The table ``table_name`` of :data:`TABLES`, or a refusal naming them; refused too with a
    ``min_cell`` below :data:`MIN_CELL`."""
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
    return spec


def _publish(
    context: NetworkContext,
    spec: TableSpec,
    whole: _Whole,
    neighbourhoods: tuple[str, ...] | None,
    min_cell: int,
) -> AggregateTable:
    """``whole`` as published, for the whole graph or the ``neighbourhoods`` asked."""
    codes = neighbourhoods or ()
    if spec.over_selection:  # rows are themes: the selection is what the cells count
        _known(context, codes, rows=[])
        if codes:
            whole = _counted_in(context, spec, whole, codes, min_cell)
        selected = whole.rows
    else:
        selected = _select(context, whole.rows, codes)
    true, hidden = whole.true, whole.hidden
    if len(selected) < len(whole.rows):
        chosen = set(selected)
        true = {key: n for key, n in true.items() if key[0] in chosen}
        hidden = {key: why for key, why in hidden.items() if key[0] in chosen}
        for column in [*whole.columns, None] if spec.totals else []:
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
        neighbourhoods=codes,
        version=context.version,
        min_cell=min_cell,
        rounding=ROUNDING,
        totals=spec.totals,
        note_nl=spec.note_nl,
        note_en=spec.note_en,
        names=names_of(context, spec, selected, whole.columns, codes),
        cells=[
            _cell(spec, key, true[key], hidden.get(key)) for key in sorted(true, key=entry_order)
        ],
    )


def _select(context: NetworkContext, rows: list[str], codes: tuple[str, ...]) -> list[str]:
    if not codes:
        return rows
    _known(context, codes, rows=rows)
    within = context.area_codes(codes)
    return [row for row in rows if row in within]


def _known(context: NetworkContext, codes: tuple[str, ...], *, rows: list[str]) -> None:
    """Refuse a selection naming an area that is neither known nor a row of the table."""
    unknown = tuple(code for code in codes if code not in context.areas and code not in rows)
    if unknown:
        listed = ", ".join(unknown)
        raise NotFoundError(
            f"Onbekende buurt of wijk: {listed}.",
            f"Unknown neighbourhood or district: {listed}.",
            missing=unknown,
        )


def _cell(spec: TableSpec, key: Key, count: int, reason: Suppression | None) -> AggregateCell:
    row, column = key
    dimensions: dict[Dimension, str] = {}
    if row is not None:
        dimensions[spec.dimensions[0]] = row
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
        value=_value(spec, key, count, reason is not None),
        suppressed=reason is not None,
        reason=reason,
        persons=spec.persons(key),
    )
