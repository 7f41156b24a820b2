"""Opportunities, five-O coverage and ownership on the sample neighbourhood."""

from __future__ import annotations

import pytest

from graph.analysis.engine import Analyst
from graph.analysis.results import Scope
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.synthetic import SAMPLE_PLANTED, sample_files


@pytest.fixture
def analyst(store: GraphStore, store_settings: Settings) -> Analyst:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return Analyst(store)


def test_the_uncovered_theme_is_the_opportunity_with_candidate_owners(analyst: Analyst) -> None:
    answer = analyst.ask("opportunities", limit=50)
    (theme,) = SAMPLE_PLANTED["uncovered_theme"]
    (place,) = SAMPLE_PLANTED["uncovered_theme_neighbourhood"]
    found = {item.id: item for item in answer.items}
    assert f"{place}:{theme}" in found
    item = found[f"{place}:{theme}"]
    assert item.figures["residents_with_need"] >= 12
    assert item.figures["candidates"], "someone in the buurt could take it up"
    assert "bewoners in Havenkwartier" in item.reasons[0].nl
    assert all(i.figures["residents_with_need"] >= 10 for i in answer.items)


def test_a_higher_threshold_hides_smaller_groups(
    store: GraphStore, store_settings: Settings
) -> None:
    run_import(store, store_settings, sample_files(), ImportOptions())
    strict = store_settings.model_copy(update={"opportunity_min_residents": 100})
    from graph.backends import open_store

    with open_store(strict) as strict_store:
        assert Analyst(strict_store).ask("opportunities").items == []


def test_five_o_gaps_and_complete_initiatives(analyst: Analyst, store_settings: Settings) -> None:
    key = installation_key(store_settings)
    answer = analyst.ask("five-o", limit=100)
    by_id = {item.id: item for item in answer.items}
    for source in SAMPLE_PLANTED["initiatives_missing_an_o"]:
        item = by_id[pseudonym(key, "initiative", source)]
        assert item.figures["missing"], source
        assert set(item.figures["missing"]) <= set(item.figures["nearby"])
    for source in SAMPLE_PLANTED["initiatives_all_five_o"]:
        assert by_id[pseudonym(key, "initiative", source)].figures["missing"] == [], source
    assert answer.summary["initiatives"] == 25


def test_ownership_shares_count_professional_led_initiatives(analyst: Analyst) -> None:
    answer = analyst.ask("ownership", limit=100)
    assert answer.summary["initiatives"] == 25
    assert answer.summary["professionals"] == len(SAMPLE_PLANTED["professional_led"])
    assert 0 < answer.summary["resident_led_share"] < 1
    hood = [i for i in answer.items if i.kind == "neighbourhood"]
    assert sum(i.figures["initiatives"] for i in hood) == 25
    havenkwartier = Analyst(analyst.store).ask("ownership", Scope(neighbourhoods=("BU99990102",)))
    assert havenkwartier.summary["initiatives"] < 25
