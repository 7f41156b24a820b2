"""What a reader can work out from a table whose cells count some people twice, by the people
themselves (rule 4c of :mod:`graph.analysis.disclosure`).

In most tables a resident counts in one cell of a row, and a row adds up to its total; that is
what :mod:`graph.analysis.exposure` audits. In others a resident counts in several cells (the
isolated per signal: no ties and no participation at once; the needs per theme), and the totals
count each resident once. Such a table says more than its lines: a total always holds each of
its cells, and when the two are published and close, their difference is a count of persons
that is no entry of the table (the isolated residents who do take part somewhere, when the
total of the isolated is 15 and of those who take part nowhere also 15).

So the audit here works on *atoms*: the people with the same *signature*, the set of the
table's entries they are counted in. Each published entry holds its atoms' sizes within its
rounding (a published ``v`` of persons from ``max(v - 2, min_cell)`` to ``v + 2``, 0 exactly,
a count of things exactly); a reader who knows all that and no more can still make the
atoms as large or small as those bounds allow. A count of persons is **exposed** when the
largest value that linear programme allows it is under ``min_cell``:

- a hidden entry of 1 to ``min_cell - 1`` persons;
- the *rest* of two entries, one holding the other (``outer`` less ``inner``), of 1 to
  ``min_cell - 1`` persons, whatever is published of the two.

This reader is stronger than a real one, who does not know which signatures occur at all, so
a table that passes it passes the real reader. The same audit of all tables together is
``tests/graph/analysis/test_disclosure_joint.py``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from graph.analysis.counting import Key


@dataclass(frozen=True)
class Exposure:
    """A count of persons a reader can tell is small: a hidden ``entry`` (``inner`` None), or
    the people of ``entry`` who are not in ``inner``."""

    entry: Key
    inner: Key | None = None


def nested_pairs(
    members: Mapping[Key, Collection[str]],
    persons: Callable[[Key], bool],
    *,
    min_cell: int,
    thing: Callable[[str], bool] = lambda member: False,
) -> list[tuple[Key, Key]]:
    """Every two entries of persons, ``outer`` holding ``inner``, whose rest counts 1 to
    ``min_cell - 1`` persons (things in the rest, such as organisations, do not count).

    >>> members = {("a", None): {"1", "2", "3"}, ("a", "x"): {"1", "2"}, ("b", None): {"9"}}
    >>> nested_pairs(members, lambda key: True, min_cell=10)
    [(('a', None), ('a', 'x'))]
    """
    # with inner inside outer, the rest counts the persons of outer less those of inner
    shown = sorted(
        (
            (sum(1 for member in ids if not thing(member)), key, frozenset(ids))
            for key, ids in members.items()
            if ids and persons(key)
        ),
        key=lambda item: item[0],
    )
    sizes = [size for size, _, _ in shown]
    pairs: list[tuple[Key, Key]] = []
    for size, inner, small in shown:
        start, stop = bisect_right(sizes, size), bisect_left(sizes, size + min_cell)
        for _, outer, large in shown[start:stop]:
            if small < large:
                pairs.append((outer, inner))
    return pairs


def exposed(
    members: Mapping[Key, Collection[str]],
    hidden: Collection[Key],
    *,
    persons: Callable[[Key], bool],
    min_cell: int,
    rounding: int,
    thing: Callable[[str], bool] = lambda member: False,
    asked: Collection[Exposure] | None = None,
) -> list[Exposure]:
    """The small counts of persons a reader of the table can tell are small, when the
    entries ``hidden`` are hidden and the rest published (counts of persons rounded to
    ``rounding``); ``asked``: only these (else every small hidden entry and small rest).

    The rest of the isolated who take part somewhere, from totals of 16 and 15 both
    published as 15:

    >>> people = {f"r{i}" for i in range(16)}
    >>> members = {(None, "alone"): people - {"r0"}, (None, None): people}
    >>> exposed(members, [], persons=lambda k: True, min_cell=10, rounding=5)
    [Exposure(entry=(None, None), inner=(None, 'alone'))]
    >>> exposed(members, [(None, "alone")], persons=lambda k: True, min_cell=10, rounding=5)
    []
    """
    concealed = set(hidden)
    if asked is None:
        asked = [
            Exposure(key)
            for key in sorted(concealed, key=str)
            if persons(key) and 0 < len(members[key]) < min_cell
        ] + [
            Exposure(outer, inner)
            for outer, inner in nested_pairs(members, persons, min_cell=min_cell, thing=thing)
        ]
    if not asked:
        return []
    programme = _Programme(members, concealed, persons, min_cell, rounding, thing)
    return [found for found in asked if programme.largest(found) < min_cell - 1e-6]


class _Programme:
    """The linear programme of one table's atoms under what it publishes."""

    def __init__(
        self,
        members: Mapping[Key, Collection[str]],
        hidden: set[Key],
        persons: Callable[[Key], bool],
        min_cell: int,
        rounding: int,
        thing: Callable[[str], bool],
    ) -> None:
        # scipy only where a table has something to audit (not at every start)
        from scipy.sparse import lil_matrix

        keys = list(members)
        signatures: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            for member in members[key]:
                signatures.setdefault(member, []).append(index)
        atoms = sorted({(frozenset(s), thing(m)) for m, s in signatures.items()}, key=str)
        self._atoms = atoms
        self._index = {key: i for i, key in enumerate(keys)}
        slack = rounding // 2
        limits: list[tuple[int, float, float]] = []  # (entry, least, most)
        for index, key in enumerate(keys):
            if key in hidden:
                continue
            count = len(members[key])
            if count == 0 or not persons(key):
                limits.append((index, count, count))
            else:
                shown = (count + slack) // rounding * rounding
                limits.append((index, max(shown - slack, min_cell), shown + slack))
        holding: dict[int, list[int]] = {}
        for column, (signature, _) in enumerate(atoms):
            for index in signature:
                holding.setdefault(index, []).append(column)
        matrix = lil_matrix((2 * len(limits), len(atoms)))
        bounds: list[float] = []
        for row, (index, least, most) in enumerate(limits):
            for column in holding.get(index, ()):
                matrix[2 * row, column] = -1  # at least
                matrix[2 * row + 1, column] = 1  # at most
            bounds += [-least, most]
        self._matrix = matrix.tocsr()
        self._bounds = bounds

    def largest(self, asked: Exposure) -> float:
        """The largest count of persons ``asked`` can be under what is published."""
        import numpy as np
        from scipy.optimize import linprog

        outer = self._index[asked.entry]
        inner = None if asked.inner is None else self._index[asked.inner]
        objective = np.array(
            [
                -1.0 if outer in signature and inner not in signature and not is_thing else 0.0
                for signature, is_thing in self._atoms
            ]
        )
        result = linprog(
            objective,
            A_ub=self._matrix if self._bounds else None,
            b_ub=np.array(self._bounds) if self._bounds else None,
            bounds=(0, None),
            method="highs",
        )
        # unbounded: it can be anything; infeasible cannot happen for a true table
        return float("inf") if result.status != 0 else float(-result.fun)
