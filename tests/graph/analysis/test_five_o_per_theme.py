"""The five-O question per theme, as a policymaker may read it (issue 13): active initiatives
per theme and O taking part or missing, over the neighbourhoods asked together (a buurt, a
wijk with its buurten, or the whole municipality). Counts of initiatives: nothing hidden."""

from __future__ import annotations

from collections import Counter

import pytest

from graph.analysis.aggregates import aggregate
from graph.analysis.collective import answer_five_o
from graph.analysis.context import NetworkContext
from graph.analysis.results import Scope
from graph.errors import NotFoundError
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.graph.analysis.test_publishable_questions import _active_only


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> NetworkContext:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return NetworkContext.load(store)


PRESENT_BY_THEME = "five_o_present_by_theme_and_sector"
MISSING_BY_THEME = "five_o_missing_by_theme_and_sector"


@pytest.mark.parametrize(
    "codes", [(), ("BU99990102",), ("BU99990101", "BU99990103"), ("WK999901",)]
)
def test_the_five_o_theme_tables_count_what_the_question_finds(
    sample: NetworkContext, codes: tuple[str, ...]
) -> None:
    """Per theme and O, over the neighbourhoods asked (a wijk with its buurten, nothing asked:
    the whole municipality): the initiatives the five-O answer finds there."""
    active = _active_only(sample)
    within = sample.area_codes(codes) if codes else None
    expected: dict[str, Counter[tuple[str, str]]] = {
        PRESENT_BY_THEME: Counter(),
        MISSING_BY_THEME: Counter(),
    }
    for item in answer_five_o(active, Scope(), limit=10_000).items:
        if within is not None and active.fabric.nodes[item.id]["neighbourhood"] not in within:
            continue
        for theme in sample.addresses.get(item.id, ()):
            expected[PRESENT_BY_THEME].update((theme, o) for o in item.figures["present"])
            expected[MISSING_BY_THEME].update((theme, o) for o in item.figures["missing"])
    for name, found in expected.items():
        table = aggregate(sample, name, codes or None)
        assert table.dimensions == ("theme", "sector") and table.neighbourhoods == codes
        cells = {
            (c.dimensions["theme"], c.dimensions["sector"]): c.value
            for c in table.cells
            if c.kind == "cell" and c.value
        }
        assert cells == dict(found), name
        assert not any(c.persons or c.suppressed for c in table.cells), name
        # every known theme is a row, so an empty one reads 0
        assert {c.dimensions.get("theme") for c in table.cells} >= set(sample.theme_names)
    assert sum(expected[PRESENT_BY_THEME].values()) > 0


def test_a_five_o_theme_table_counts_a_wijk_with_its_buurten(sample: NetworkContext) -> None:
    """The initiative recorded for the whole wijk counts in the wijk's table, not in a buurt's;
    the municipality's is the whole table."""

    def total(codes: tuple[str, ...]) -> int | None:
        return aggregate(sample, PRESENT_BY_THEME, codes or None).cell().value

    buurten = ("BU99990101", "BU99990102", "BU99990103")
    wijk, whole = total(("WK999901",)), total(())
    assert wijk == whole  # the sample's only wijk
    assert sum(total((code,)) or 0 for code in buurten) < wijk == total((*buurten, "WK999901"))
    table = aggregate(sample, PRESENT_BY_THEME, ("BU99990102",))
    assert table.names["neighbourhood"]["BU99990102"].nl == "Havenkwartier"  # type: ignore[index]
    assert table.names["sector"]["omgeving"].nl == "Omgeving (bewoners)"  # type: ignore[index]
    assert "not persons" in table.note("en") and "geen personen" in table.note("nl")
    with pytest.raises(NotFoundError):
        aggregate(sample, PRESENT_BY_THEME, ("armoede",))  # a row, but no area
