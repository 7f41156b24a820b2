"""The network questions as publishable tables (issue 13): the isolated question's signals per
neighbourhood, counted by the question's own rule and published under the one policy."""

from __future__ import annotations

import pytest

from graph.analysis.aggregates import TABLES, _whole, aggregate
from graph.analysis.context import NetworkContext
from graph.analysis.disclosure import MIN_CELL
from graph.analysis.isolated import WEIGHTS, answer_isolated
from graph.analysis.results import Scope
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files

SIGNALS = "isolated_by_neighbourhood_and_signal"
WITH_NEEDS = "isolated_with_needs_by_neighbourhood_and_theme"


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> NetworkContext:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return NetworkContext.load(store)


def test_the_isolated_table_counts_what_the_question_finds(sample: NetworkContext) -> None:
    answer = answer_isolated(sample, Scope(), limit=10_000)
    assert answer.items, "the sample has isolated residents"
    true = _whole(sample, TABLES[SIGNALS], MIN_CELL).true
    for signal in WEIGHTS:
        assert true[(None, signal)] == answer.summary["signals"][signal], signal
    # every isolated resident counts once in the total, whatever their signals
    assert true[(None, None)] == answer.summary["isolated"] == len(answer.items)
    with_needs = _whole(sample, TABLES[WITH_NEEDS], MIN_CELL).true
    needing = {item.id for item in answer.items if item.figures["needs"]}
    assert with_needs[(None, None)] == len(needing) > 0


def test_the_isolated_tables_publish_no_small_count(sample: NetworkContext) -> None:
    for name in (SIGNALS, WITH_NEEDS):
        table = aggregate(sample, name)
        assert table.cells and all(cell.persons for cell in table.cells)
        for cell in table.cells:
            assert cell.value is None or (cell.value % 5 == 0 and cell.value not in range(1, 10))
        assert table.names["signal" if name == SIGNALS else "theme"]  # type: ignore[index]
    signals = aggregate(sample, SIGNALS)
    assert signals.names["signal"]["no_ties"].nl == "Geen banden"  # type: ignore[index]
