"""An audit of the published tables as statistical offices audit theirs: by linear programming.

An attacker knows every published value, how values are rounded (a published ``v`` is a true
count from ``v - 2`` to ``v + 2``), that counts of persons from 1 to 9 are never published,
and which sums a table's lines hold (a row total adds up its cells exactly when nobody counts
in two of them; otherwise it is at most their sum and at least each of them). Over all the
tables that agree with that, the largest value a hidden count of persons can take is worked
out with ``scipy.optimize.linprog``. The promise of the rules (graph/analysis/disclosure.py):
no one can tell from what is published that a hidden count of persons is a small one, so for
every hidden count of 1 to 9 persons that largest value is at least ``MIN_CELL``.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

import pytest
from scipy.optimize import linprog

from graph.analysis.aggregates import TABLES, AggregateTable, aggregate
from graph.analysis.context import NetworkContext
from graph.analysis.counting import Key
from graph.analysis.disclosure import MIN_CELL, ROUNDING
from graph.analysis.whole_tables import _whole
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.graph.analysis.test_aggregates import NEEDS, needs_context


def _key(table: AggregateTable, dimensions: Mapping[str, str]) -> Key:
    values = [dimensions.get(d) for d in table.dimensions]
    return (values[0], values[1] if len(values) > 1 else None)


def _lines(true: Mapping[Key, int]) -> list[tuple[Key, list[Key]]]:
    """Every (total, the entries it adds up) of a table: only the totals it has (a table of
    indicators, or of another table's cells, has none, and nothing in it adds up)."""
    rows = sorted({row for row, _ in true if row is not None})
    columns = sorted({column for _, column in true if column is not None})
    if not columns:
        lines = [((None, None), [(row, None) for row in rows])]
    else:
        lines = [((row, None), [(row, c) for c in columns]) for row in rows]
        lines += [((None, c), [(row, c) for row in rows]) for c in columns]
        lines += [((None, None), [(row, None) for row in rows])]
        lines += [((None, None), [(None, c) for c in columns])]
    return [(total, parts) for total, parts in lines if total in true]


def largest_hidden_values(
    table: AggregateTable, true: Mapping[Key, int], persons: object
) -> dict[Key, float]:
    """For every hidden entry, the largest true count the published table allows."""
    keys = sorted(true, key=lambda k: (k[0] is None, k[0] or "", k[1] is None, k[1] or ""))
    index = {key: i for i, key in enumerate(keys)}
    bounds: list[tuple[float, float | None]] = [(0, None)] * len(keys)
    hidden = []
    for cell in table.cells:
        key = _key(table, cell.dimensions)
        i = index[key]
        if cell.value is None:
            hidden.append(key)
        elif cell.value == 0:
            bounds[i] = (0, 0)
        elif persons(key):  # type: ignore[operator]
            bounds[i] = (max(cell.value - ROUNDING // 2, MIN_CELL), cell.value + ROUNDING // 2)
        else:
            bounds[i] = (cell.value, cell.value)
    equal_rows, equal_values, upper_rows, upper_values = [], [], [], []
    for total, parts in _lines(true):
        if sum(true[p] for p in parts) == true[total]:  # the line adds up exactly
            row = [0.0] * len(keys)
            row[index[total]] = 1.0
            for part in parts:
                row[index[part]] -= 1.0
            equal_rows.append(row)
            equal_values.append(0.0)
            continue
        row = [0.0] * len(keys)  # total <= sum of its parts
        row[index[total]] = 1.0
        for part in parts:
            row[index[part]] -= 1.0
        upper_rows.append(row)
        upper_values.append(0.0)
        for part in parts:  # each part <= total
            row = [0.0] * len(keys)
            row[index[part]], row[index[total]] = 1.0, -1.0
            upper_rows.append(row)
            upper_values.append(0.0)
    largest = {}
    for key in hidden:
        objective = [0.0] * len(keys)
        objective[index[key]] = -1.0
        result = linprog(
            objective,
            A_ub=upper_rows or None,
            b_ub=upper_values or None,
            A_eq=equal_rows or None,
            b_eq=equal_values or None,
            bounds=bounds,
            method="highs",
        )
        largest[key] = float("inf") if result.status == 3 else -result.fun
        assert result.status in (0, 3), result.message
    return largest


def assert_small_counts_protected(context: NetworkContext, name: str) -> int:
    """The audit of one table; returns how many small hidden counts it checked."""
    spec = TABLES[name]
    table = aggregate(context, name)
    true = _whole(context, spec, MIN_CELL).true
    largest = largest_hidden_values(table, true, spec.persons)
    small = [key for key in largest if 0 < true[key] < MIN_CELL and spec.persons(key)]
    exposed = {key: largest[key] for key in small if largest[key] < MIN_CELL - 1e-6}
    assert exposed == {}, f"{name}: hidden small counts shown to be small"
    return len(small)


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> NetworkContext:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return NetworkContext.load(store)


def test_the_sample_tables_pass_the_audit(sample: NetworkContext) -> None:
    checked = sum(assert_small_counts_protected(sample, name) for name in TABLES)
    assert checked > 0, "the sample has small counts to protect"


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_pass_the_audit(seed: int) -> None:
    draw = random.Random(seed)
    hoods, themes = [f"BU{i}" for i in range(draw.randint(2, 6))], ["a", "b", "c", "d", "e"]
    grid = {
        (hood, theme): draw.choice([0, 0, 1, 2, 3, 5, 8, 9, 11, 14, 20, 35])
        for hood in hoods
        for theme in themes[: draw.randint(2, 5)]
    }
    assert_small_counts_protected(needs_context(grid, themes=themes), NEEDS)
