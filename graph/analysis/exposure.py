"""What a reader can work out about a hidden count, by linear programming.

A reader of a published table knows every published value and how it was made: a published
count of persons ``v`` is a true count from ``v - 2`` to ``v + 2`` (rounded to 5), counts of
persons from 1 to ``min_cell - 1`` are never published, other counts are published as they
are, and every line of the table adds up to its total (exactly, or, where someone counts in
two cells, at most). The largest true value a hidden entry can have under all of that is a
linear programme (:func:`largest_values`, solved with HiGHS through ``scipy.optimize``). A
hidden count of persons is **exposed** when that largest value is under ``min_cell``: the
reader then knows it is a small count, which is what the rules promise they never will.

:func:`graph.analysis.disclosure.protect` hides more until no count is exposed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from graph.analysis.counting import Key


def lines(rows: Sequence[str], columns: Sequence[str]) -> list[tuple[Key, list[Key]]]:
    """Every total of a table with the entries it adds up."""
    if not columns:
        return [((None, None), [(row, None) for row in rows])]
    found: list[tuple[Key, list[Key]]] = [
        ((row, None), [(row, c) for c in columns]) for row in rows
    ]
    found += [((None, c), [(row, c) for row in rows]) for c in columns]
    found.append(((None, None), [(row, None) for row in rows]))
    found.append(((None, None), [(None, c) for c in columns]))
    return found


def largest_values(
    true: Mapping[Key, int],
    hidden: Sequence[Key],
    asked: Sequence[Key],
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    min_cell: int,
    rounding: int,
    persons: Callable[[Key], bool],
) -> dict[Key, float]:
    """The largest value each entry of ``asked`` (hidden ones) can take, given what is
    published when ``hidden`` are hidden and every other entry of ``true`` is published
    (counts of persons rounded to ``rounding``)."""
    # scipy only where a table has a hidden small count to check (not at every start)
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import lil_matrix

    slack = rounding // 2
    keys = list(true)
    index = {key: i for i, key in enumerate(keys)}
    concealed = set(hidden)
    bounds: list[tuple[float, float | None]] = []
    for key in keys:
        count = true[key]
        if key in concealed:
            bounds.append((0, None))
        elif count == 0:
            bounds.append((0, 0))
        elif persons(key):
            shown = (count + slack) // rounding * rounding
            bounds.append((max(shown - slack, min_cell), shown + slack))
        else:
            bounds.append((count, count))
    equal: list[tuple[Key, list[Key]]] = []
    at_most: list[tuple[Key, list[Key]]] = []
    for total, parts in lines(rows, columns):
        adds_up = sum(true[part] for part in parts) == true[total]
        (equal if adds_up else at_most).append((total, parts))
    a_eq = lil_matrix((len(equal), len(keys)))
    for row, (total, parts) in enumerate(equal):
        a_eq[row, index[total]] = 1
        for part in parts:
            a_eq[row, index[part]] = -1
    size = sum(1 + len(parts) for _, parts in at_most)
    a_ub = lil_matrix((size, len(keys)))
    row = 0
    for total, parts in at_most:
        a_ub[row, index[total]] = 1  # a total is at most the sum of its parts
        for part in parts:
            a_ub[row, index[part]] = -1
        row += 1
        for part in parts:  # and at least each of them
            a_ub[row, index[part]], a_ub[row, index[total]] = 1, -1
            row += 1
    largest: dict[Key, float] = {}
    for key in asked:
        objective = np.zeros(len(keys))
        objective[index[key]] = -1
        result = linprog(
            objective,
            A_ub=a_ub.tocsr() if size else None,
            b_ub=np.zeros(size) if size else None,
            A_eq=a_eq.tocsr() if equal else None,
            b_eq=np.zeros(len(equal)) if equal else None,
            bounds=bounds,
            method="highs",
        )
        # unbounded: it can be anything; infeasible cannot happen for a true table
        largest[key] = float("inf") if result.status != 0 else float(-result.fun)
    return largest


def exposed(
    true: Mapping[Key, int],
    hidden: Sequence[Key],
    rows: Sequence[str],
    columns: Sequence[str],
    *,
    min_cell: int,
    rounding: int,
    persons: Callable[[Key], bool],
) -> list[Key]:
    """The hidden small counts of persons a reader can tell are small.

    >>> true = {("BU1", "a"): 3, ("BU1", "b"): 35, ("BU1", "c"): 3, ("BU1", None): 41,
    ...         (None, "a"): 3, (None, "b"): 35, (None, "c"): 3, (None, None): 41}
    >>> hidden = [("BU1", "a"), ("BU1", "c"), (None, "a"), (None, "c")]
    >>> exposed(true, hidden, ["BU1"], ["a", "b", "c"], min_cell=10, rounding=5,
    ...         persons=lambda k: True)
    [('BU1', 'a'), ('BU1', 'c'), (None, 'a'), (None, 'c')]
    """
    small = [key for key in hidden if 0 < true[key] < min_cell and persons(key)]
    if not small:
        return []
    largest = largest_values(
        true, hidden, small, rows, columns, min_cell=min_cell, rounding=rounding, persons=persons
    )
    return [key for key in small if largest[key] < min_cell - 1e-6]
