"""Disclosure control of the publishable tables: which counts to hide, and how to round the rest
(DOMAIN.md, "Privacy is part of the product").

A table here is its true counts per entry (:data:`~graph.analysis.counting.Key`: a cell, a row
or column total, the grand total), worked out by :mod:`graph.analysis.aggregates`. The rules,
in this order, on the true counts of the whole table:

1. **Primary suppression**: every cell or total that counts persons with a true count from 1
   to ``min_cell - 1`` (:data:`MIN_CELL` = 10) is hidden. Counts of initiatives or
   organisations are not counts of persons: they are hidden only where rules 3 and 4 need
   them to protect a count of persons.
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
4b. **Nothing left that shows a count is small**: a reader who knows the rules, the rounding
   and the sums can still bound a hidden entry (two small cells alone in a row add up to
   what the row total leaves, which may be under ``min_cell``). The largest value each hidden
   small count can take is worked out by linear programming (:mod:`graph.analysis.exposure`);
   while one is under ``min_cell``, the cheapest published entry of its lines that lifts it
   is hidden too, and rules 3 and 4 run again.
4c. **Nothing small between two counts of one table**: where someone counts in two cells
   (a resident both without ties and without participation), a total holds each of its
   cells without being their sum, and the difference of two published counts, one holding
   the other, is a count of persons that is no entry of the table. The audit of
   :mod:`graph.analysis.atoms` works on the people with the same entries: while a hidden
   small count, or such a difference of 1 to ``min_cell - 1`` persons, can be told small,
   the entry that protects it with the fewest hidden is hidden too, and rules 1 to 4b run
   again (:func:`graph.analysis.whole_tables._no_small_rest`).
5. **Rounding**: published counts of persons are rounded to the nearest multiple of
   :data:`ROUNDING` (5); other counts are published as they are.
6. **Over time** (a table published for several dates, :mod:`graph.analysis.series`): a count
   of persons whose people hold, or are held by, the people of a count published for an
   earlier date, with 1 to ``min_cell - 1`` persons between the two (residents who came or
   went), is hidden at the later date (:func:`changed`), and rules 3 and 4 protect it as they
   protect a small count. Counts that differ by 0 or by ``min_cell`` or more stay published,
   and so does every count whose people changed both ways: its difference is no count of
   anyone. Hiding the later of the two keeps what was published before as it was. The
   present is the last date of the series (:mod:`graph.analysis.present`): what is published
   now is hidden by this rule and the next as any later date is.
7. **One pattern for a series**: an entry hidden for one date stays hidden for the later
   dates while it counts anyone. Tables of two dates whose secondary suppression chose
   different cells would give a hidden count away together (each publishes what the other
   hides, of mostly the same people); with every earlier hidden entry hidden again, a later
   table publishes less of each line, never more.

Rules 1 to 4b are :func:`protect`, 4c is applied by :mod:`graph.analysis.whole_tables`, rule 5
is :func:`rounded`, rule 6 :func:`changed`; rule 7
is applied by :mod:`graph.analysis.series`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from itertools import pairwise

import networkx as nx

from graph.analysis import exposure
from graph.analysis.counting import Key

#: Cells and totals with a true count from 1 to MIN_CELL - 1 are never published.
MIN_CELL = 10
#: Published counts are multiples of this.
ROUNDING = 5


class Suppression(StrEnum):
    """Why a value is hidden."""

    PRIMARY = "primary"
    SECONDARY = "secondary"
    SCOPE_TOTAL = "scope_total"
    #: a part of another table's cell, whose rest (that cell less this one) would be small
    DIFFERENCE = "difference"
    #: the same people as a count published for an earlier date, but for 1 to 9 (rule 6)
    CHANGE = "change"
    #: hidden for an earlier date of a series: it stays hidden (rule 7)
    SERIES = "series"
    #: one of two counts of the same table, one holding the other, whose difference would
    #: be a small count of persons (rule 4c)
    NESTED = "nested"


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
    Suppression.DIFFERENCE: (
        "Verborgen: afgetrokken van dezelfde cel in een andere tabel zou het minder dan "
        "{min_cell} overlaten.",
        "Hidden: subtracted from the same cell of another table, it would leave fewer than "
        "{min_cell}.",
    ),
    Suppression.CHANGE: (
        "Verborgen: het verschil met een getal van een eerder kwartaal zou minder dan "
        "{min_cell} bewoners laten zien die erbij kwamen of weggingen.",
        "Hidden: its difference from a count of an earlier quarter would show fewer than "
        "{min_cell} residents who came or went.",
    ),
    Suppression.SERIES: (
        "Verborgen zoals in een eerder kwartaal, zodat de kwartalen samen niets verraden.",
        "Hidden as in an earlier quarter, so that the quarters together give nothing away.",
    ),
    Suppression.NESTED: (
        "Verborgen: het verschil met een ander getal van deze tabel dat dezelfde personen "
        "telt en meer, zou minder dan {min_cell} personen laten zien.",
        "Hidden: its difference from another count of this table that counts the same "
        "persons and more would show fewer than {min_cell} persons.",
    ),
}

#: Reasons a count of at least ``min_cell`` is hidden for itself, which rules 3 and 4 protect
#: as they protect a small one.
_PROTECTED = frozenset({Suppression.PRIMARY, Suppression.CHANGE, Suppression.SERIES})


def entry_order(key: Key) -> tuple[bool, str, bool, str]:
    """Sorts cells before totals, then by code.

    >>> sorted([(None, None), ("BU2", "a"), ("BU1", None), ("BU1", "a")], key=entry_order)
    [('BU1', 'a'), ('BU1', None), ('BU2', 'a'), (None, None)]
    """
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


def protect(
    true: Mapping[Key, int],
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    min_cell: int,
    persons: Callable[[Key], bool] = lambda key: True,
    changed: Mapping[Key, Suppression] | None = None,
) -> dict[Key, Suppression]:
    """Which entries to hide, and why (rules 1 to 4 of the module docstring).

    ``true`` holds the true count of every cell and total of a table with these ``rows`` and
    ``columns`` (none for a one-dimensional table); ``persons`` says which entries count
    persons (all, unless said otherwise); ``changed``: entries rule 6 hides (:func:`changed`).

    >>> true = {("BU1", None): 12, ("BU2", None): 3, (None, None): 15}
    >>> hidden = protect(true, ["BU1", "BU2"], [], min_cell=10)
    >>> {key: str(why) for key, why in hidden.items()}
    {('BU2', None): 'primary', ('BU1', None): 'secondary'}
    """
    hidden = {
        key: Suppression.PRIMARY for key, n in true.items() if 0 < n < min_cell and persons(key)
    }
    for key, why in (changed or {}).items():
        hidden.setdefault(key, why)
    lines = _lines(rows, columns)
    while True:
        if _complete_a_line(true, lines, hidden):
            continue
        if columns and _break_a_bridge(true, hidden):
            continue
        if _lift_an_exposed_count(true, rows, columns, hidden, min_cell=min_cell, persons=persons):
            continue
        return hidden


def _lift_an_exposed_count(
    true: Mapping[Key, int],
    rows: Sequence[str],
    columns: Sequence[str],
    hidden: dict[Key, Suppression],
    *,
    min_cell: int,
    persons: Callable[[Key], bool],
) -> bool:
    """Hide the cheapest published entry that keeps the first exposed small count from being
    told small (rule 4b); the smallest candidate if no single one does. False: none exposed."""
    grid = {"min_cell": min_cell, "rounding": ROUNDING, "persons": persons}
    found = exposure.exposed(true, list(hidden), rows, columns, **grid)  # type: ignore[arg-type]
    if not found:
        return False
    key = found[0]
    near = {entry for line in _lines(rows, columns) if key in line for entry in line}
    candidates = sorted(
        (entry for entry in near if entry not in hidden and true[entry] > 0),
        key=lambda entry: (true[entry], None in entry, entry_order(entry)),
    )
    for candidate in candidates:
        trial = [*hidden, candidate]
        largest = exposure.largest_values(true, trial, [key], rows, columns, **grid)  # type: ignore[arg-type]
        if largest[key] >= min_cell - 1e-6:
            hidden[candidate] = Suppression.SECONDARY
            return True
    if not candidates:  # every entry of its lines is hidden or zero: a zero as last resort,
        # then anything still published
        candidates = sorted((e for e in near if e not in hidden), key=entry_order) or sorted(
            (e for e in true if e not in hidden), key=lambda e: (true[e], entry_order(e))
        )
    if not candidates:  # everything is hidden already
        return False
    hidden[candidates[0]] = Suppression.SECONDARY
    return True


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
                key=lambda k: (on_lonely[k] < 2, None not in k, true[k], entry_order(k)),
            )
            hidden[cheapest] = Suppression.SECONDARY
            return True
    return False


def _node(key: Key, side: int) -> tuple[str, str | None]:
    return ("row", key[0]) if side == 0 else ("column", key[1])


def _break_a_bridge(true: Mapping[Key, int], hidden: dict[Key, Suppression]) -> bool:
    """Put the first primary entry that could be computed from the lines on a cycle."""
    graph = nx.Graph()
    for key in sorted(hidden, key=entry_order):
        graph.add_edge(_node(key, 0), _node(key, 1), entry=key)
    bridges = sorted((graph.edges[a, b]["entry"] for a, b in nx.bridges(graph)), key=entry_order)
    for bridge in bridges:
        if hidden[bridge] in _PROTECTED:
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
    for key in sorted(true, key=entry_order):
        if key != bridge:
            cost = 0 if key in hidden else true[key] or zero_cost
            graph.add_edge(_node(key, 0), _node(key, 1), weight=cost, entry=key)
    try:
        path = nx.dijkstra_path(graph, _node(bridge, 0), _node(bridge, 1))
    except nx.NetworkXNoPath:
        return []
    on_path = (graph.edges[a, b]["entry"] for a, b in pairwise(path))
    return [key for key in on_path if key not in hidden]


def changed(
    now: Mapping[Key, frozenset[str]],
    earlier: Iterable[frozenset[str]],
    *,
    min_cell: int,
) -> dict[Key, Suppression]:
    """Rule 6: the counts of persons ``now`` (each entry's people) to hide because the people
    of one of the counts published for earlier dates (``earlier``) hold them or are held by
    them, with 1 to ``min_cell - 1`` persons between.

    >>> old = frozenset(f"r{i}" for i in range(12))
    >>> grown, swapped = old | {"r12", "r13", "r14"}, (old | {"x"}) - {"r0"}
    >>> now = {("BU1", None): grown, ("BU2", None): swapped}
    >>> changed(now, [old], min_cell=10)
    {('BU1', None): <Suppression.CHANGE: 'change'>}
    """
    by_size: dict[int, list[frozenset[str]]] = {}
    for people in earlier:
        by_size.setdefault(len(people), []).append(people)
    hidden: dict[Key, Suppression] = {}
    for key, people in now.items():
        size = len(people)
        if size < min_cell:  # empty, or hidden by rule 1 already
            continue
        near = (
            other
            for step in range(1, min_cell)
            for n in (size - step, size + step)
            for other in by_size.get(n, ())
        )
        if any(other < people or people < other for other in near):
            hidden[key] = Suppression.CHANGE
    return hidden


def rounded(count: int) -> int:
    """A published count: the nearest multiple of :data:`ROUNDING`, halves rounded up.

    >>> rounded(12), rounded(13), rounded(0)
    (10, 15, 0)
    """
    return (count + ROUNDING // 2) // ROUNDING * ROUNDING
