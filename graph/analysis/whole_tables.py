"""The whole tables after disclosure control: what every selection of a publishable table
reads from (:mod:`graph.analysis.aggregates` publishes them, whole or for a selection).

A whole table is the true count of every entry, worked out from the members
(:mod:`graph.analysis.counting`), and what to hide: rules 1 to 4b of
:mod:`graph.analysis.disclosure` on a table with totals, rule 4c on one whose cells or rows
overlap (:mod:`graph.analysis.atoms`), and, on a table without totals, the rules that tie it
to the tables it lies within, repeats, or is compared with, and to the buurten its wijk and
gemeente rows add up.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.analysis import atoms
from graph.analysis.context import NetworkContext
from graph.analysis.counting import Counts, Key
from graph.analysis.disclosure import ROUNDING, Suppression, entry_order, protect, rounded
from graph.analysis.table_specs import TABLES, TableSpec


def _union(sets: Iterable[set[str]]) -> set[str]:
    result: set[str] = set()
    for members in sets:
        result |= members
    return result


def _members(counts: Counts, rows: Sequence[str], *, totals: bool = True) -> dict[Key, set[str]]:
    """Members of every cell and total (totals: the distinct members of their cells)."""
    columns: list[str | None] = [*counts.columns] or [None]
    members: dict[Key, set[str]] = {
        (r, c): counts.members.get((r, c), set()) for r in rows for c in columns
    }
    if not totals:
        return members
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
    #: every entry as the whole table publishes it (None: hidden)
    published: dict[Key, int | None]

    def selection_total(self, parts: Iterable[Key]) -> int:
        if self.shared is None:
            return sum(self.true[part] for part in parts)
        return len(_union(self.shared[part] for part in parts))


def _whole(
    context: NetworkContext,
    spec: TableSpec,
    min_cell: int,
    *,
    counts: Counts | None = None,
    changed: dict[Key, Suppression] | None = None,
) -> _Whole:
    """The whole table after disclosure control; ``changed``: entries hidden for their change
    since an earlier date (rule 6 of :mod:`graph.analysis.disclosure`)."""
    return _protected(context, spec, counts or spec.count(context), min_cell, changed=changed)


def _protected(
    context: NetworkContext,
    spec: TableSpec,
    counts: Counts,
    min_cell: int,
    *,
    changed: dict[Key, Suppression] | None = None,
) -> _Whole:
    rows = sorted(counts.rows)
    members = _members(counts, rows, totals=spec.totals)
    true = {key: len(ids) for key, ids in members.items()}
    if not spec.totals:
        alone = _alone(context, spec, true, min_cell)
        for key, why in (changed or {}).items():
            alone.setdefault(key, why)
        if spec.area_rows:
            _area_rows(context, spec, members, alone, min_cell)
        for name in spec.compared:
            _apart(context, spec, members, alone, TABLES[name], min_cell)
        return _Whole(rows, counts.columns, true, alone, None, _shown(spec, true, alone))
    hidden = protect(
        true, rows, counts.columns, min_cell=min_cell, persons=spec.persons, changed=changed
    )
    if _overlapping(true, rows, counts.columns):
        hidden = _no_small_rest(context, spec, members, rows, counts.columns, hidden, min_cell)
    disjoint = sum(true[(row, None)] for row in rows) == true[(None, None)]
    # a table over a selection keeps its members: a selection counts them again
    kept = spec.over_selection or not disjoint
    shared = {key: ids for key, ids in members.items() if key[0]} if kept else None
    return _Whole(rows, counts.columns, true, hidden, shared, _shown(spec, true, hidden))


def _overlapping(true: dict[Key, int], rows: Sequence[str], columns: Sequence[str]) -> bool:
    """Whether someone counts in two cells of a row or in two rows: then a total holds more
    than what its lines say, and the atoms of :mod:`graph.analysis.atoms` are audited."""
    across = sum(true[(row, None)] for row in rows) != true[(None, None)]
    return across or any(
        sum(true[(row, column)] for column in columns) != true[(row, None)]
        for row in (rows if columns else ())
    )


def _no_small_rest(
    context: NetworkContext,
    spec: TableSpec,
    members: dict[Key, set[str]],
    rows: Sequence[str],
    columns: Sequence[str],
    hidden: dict[Key, Suppression],
    min_cell: int,
) -> dict[Key, Suppression]:
    """Rule 4c of :mod:`graph.analysis.disclosure`: hide more until no small count of persons
    can be told small from the table's people (:func:`graph.analysis.atoms.exposed`).

    For the first exposed count, each published entry that could protect it (of two nested
    entries, the inner and the outer; of a hidden cell, the entries of its lines) is tried
    with rules 1 to 4b run again; the one that protects it with the fewest entries hidden
    is kept, and the audit runs again."""
    nodes = context.fabric.nodes

    def thing(member: str) -> bool:
        return nodes[member].get("label") not in _PERSON_LABELS if member in nodes else True

    true = {key: len(ids) for key, ids in members.items()}
    audit = {"persons": spec.persons, "min_cell": min_cell, "rounding": ROUNDING, "thing": thing}
    extra: dict[Key, Suppression] = {k: why for k, why in hidden.items() if why in _GIVEN}
    for _ in range(len(true)):
        found = atoms.exposed(members, hidden, **audit)  # type: ignore[arg-type]
        shielded = [(f, _shielding(f, members, hidden)) for f in found]
        shielded = [(f, candidates) for f, candidates in shielded if candidates]
        if not shielded:  # nothing exposed, or nothing published left that could help
            return hidden
        first, candidates = shielded[0]
        trials = [
            protect(
                true,
                rows,
                columns,
                min_cell=min_cell,
                persons=spec.persons,
                changed={**extra, candidate: Suppression.NESTED},
            )
            for candidate in candidates
        ]
        protecting = [
            trial
            for trial in trials
            if not atoms.exposed(members, trial, asked=[first], **audit)  # type: ignore[arg-type]
        ]
        # the fewest hidden; if no one entry protects it, the smallest helps and it goes on
        best = min(protecting, key=len) if protecting else trials[0]
        extra.update({k: why for k, why in best.items() if why == Suppression.NESTED})
        hidden = best
    return hidden


#: the labels of the members that are persons; the rest a table counts are things
_PERSON_LABELS = frozenset({"Resident", "Professional"})
#: reasons given to :func:`protect` from outside rules 1 to 4 (kept when it runs again)
_GIVEN = frozenset({Suppression.CHANGE, Suppression.SERIES, Suppression.NESTED})


def _shielding(
    exposure: atoms.Exposure, members: dict[Key, set[str]], hidden: dict[Key, Suppression]
) -> list[Key]:
    """The published entries that could keep ``exposure`` from being told small, the
    smallest first: of a rest, its two entries; of a hidden entry, those that count any of
    its people."""
    if exposure.inner is not None:
        near = [exposure.inner, exposure.entry]
    else:
        people = members[exposure.entry]
        near = [key for key, ids in members.items() if not people.isdisjoint(ids)]
    return sorted(
        (key for key in near if key not in hidden and members[key]),
        key=lambda key: (len(members[key]), entry_order(key)),
    )


def _counted_in(
    context: NetworkContext, spec: TableSpec, whole: _Whole, codes: tuple[str, ...], min_cell: int
) -> _Whole:
    """A table over a selection (:attr:`TableSpec.over_selection`) for the neighbourhoods
    ``codes`` and those within them: the whole table's cells, keeping the members (the
    initiatives) recorded there."""
    within = context.area_codes(codes)
    nodes = context.fabric.nodes
    counts = Counts(rows=set(whole.rows), columns=whole.columns)
    for (row, column), ids in (whole.shared or {}).items():
        if column is not None:
            counts.members[(row, column)] = {
                member for member in ids if nodes[member].get("neighbourhood") in within
            }
    return _protected(context, spec, counts, min_cell)


def _value(spec: TableSpec, key: Key, count: int, hidden: bool) -> int | None:
    """An entry as published: hidden, a count of persons rounded, any other count as it is."""
    return None if hidden else rounded(count) if spec.persons(key) else count


def _shown(
    spec: TableSpec, true: dict[Key, int], hidden: dict[Key, Suppression]
) -> dict[Key, int | None]:
    return {key: _value(spec, key, count, key in hidden) for key, count in true.items()}


def _alone(
    context: NetworkContext, spec: TableSpec, true: dict[Key, int], min_cell: int
) -> dict[Key, Suppression]:
    """What a table without totals hides: with no line to add up, a cell can be worked out
    from nothing else in it, so only rule 1 of :mod:`graph.analysis.disclosure` applies (a
    count of persons from 1 to ``min_cell - 1``), and whatever its ``linked`` table hides of
    the same entries, so that neither table shows what the other protects."""
    hidden = {
        key: Suppression.PRIMARY
        for key, n in true.items()
        if 0 < n < min_cell and spec.persons(key)
    }
    if spec.linked is not None:
        # worked out here, not read from the cache: its lock is held while this table is made
        other = _whole(context, TABLES[spec.linked], min_cell).hidden
        for key, n in true.items():
            if n > 0 and key not in hidden and key in other:
                hidden[key] = other[key]
    if spec.within is not None:
        outer = _whole(context, TABLES[spec.within], min_cell)
        for key, n in true.items():
            if n == 0 or key in hidden:
                continue
            if key in outer.hidden:
                hidden[key] = outer.hidden[key]
            elif spec.persons(key) and 0 < outer.true.get(key, n) - n < min_cell:
                hidden[key] = Suppression.DIFFERENCE  # a rest of things is published anyway
    return hidden


def _area_rows(
    context: NetworkContext,
    spec: TableSpec,
    members: dict[Key, set[str]],
    hidden: dict[Key, Suppression],
    min_cell: int,
) -> None:
    """What the wijk and gemeente rows of a table :attr:`TableSpec.area_rows` hide besides
    rule 1: a row that adds up the rows within it (and whoever is recorded at the area itself)
    is published only when it tells nothing they do not. So it is hidden where a row within
    it is hidden, or where those recorded at the area itself, its rows within left out, are 1
    to ``min_cell - 1`` persons; a wijk before its gemeente. With every part published, any
    difference it makes with them, or with the same area in the table it lies within, is a
    sum of parts of 0 or at least ``min_cell``."""
    rows = {row for row, _ in members if row}
    parent = {row: str(context.areas.get(row, {}).get("parent") or "") for row in rows}
    within: dict[str, list[str]] = {}
    for row, up in parent.items():
        if up in rows:
            within.setdefault(up, []).append(row)

    def depth(code: str) -> int:
        steps = 0
        while code := parent.get(code, ""):
            steps += 1
        return steps

    for area in sorted(within, key=lambda code: (-depth(code), code)):
        for key, ids in members.items():
            column = key[1]
            if key[0] != area or not ids or key in hidden:
                continue
            parts = [(inner, column) for inner in within[area]]
            rest = ids - set().union(*(members.get(part, set()) for part in parts))
            small = spec.persons(key) and 0 < len(rest) < min_cell
            if small or any(part in hidden for part in parts):
                hidden[key] = Suppression.SCOPE_TOTAL


def _apart(
    context: NetworkContext,
    spec: TableSpec,
    members: dict[Key, set[str]],
    hidden: dict[Key, Suppression],
    other: TableSpec,
    min_cell: int,
) -> None:
    """Hide each count of persons of this table (without totals) that holds, or lies within,
    the people of a published count of persons of ``other`` with 1 to ``min_cell - 1``
    persons between them (:attr:`TableSpec.compared`). Hidden here, it has no line that
    bounds it, so the difference can be anything."""
    # worked out here, not read from the cache: its lock is held while this table is made
    counts = other.count(context)
    theirs = _members(counts, sorted(counts.rows), totals=other.totals)
    shown = _whole(context, other, min_cell, counts=counts).published
    sized = sorted(
        (len(ids), frozenset(ids))
        for key, ids in theirs.items()
        if ids and other.persons(key) and shown.get(key)
    )
    sizes = [size for size, _ in sized]
    for key, ids in members.items():
        if key in hidden or not spec.persons(key) or len(ids) < min_cell:
            continue
        near = sized[
            bisect_right(sizes, len(ids) - min_cell) : bisect_left(sizes, len(ids) + min_cell)
        ]
        if any(size != len(ids) and (ids < them or them < ids) for size, them in near):
            hidden[key] = Suppression.DIFFERENCE
