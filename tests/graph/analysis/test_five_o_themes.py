"""Five-O suggestions fit the initiative's themes (issue 14): a vegetable garden is not offered
the debt counselling service as its government partner."""

from __future__ import annotations

import pytest

from graph.analysis.collective import organisation_themes
from graph.analysis.engine import Analyst
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.synthetic import sample_files


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> tuple[Analyst, bytes]:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return Analyst(store), installation_key(store_settings)


def test_nearby_organisations_work_on_the_initiatives_themes(
    sample: tuple[Analyst, bytes],
) -> None:
    analyst, key = sample
    context = analyst.context()
    work = organisation_themes(context)
    answer = analyst.ask("five-o", limit=100)
    suggested = 0
    for item in answer.items:
        themes = context.addresses.get(item.id, set())
        for sector, organisations in item.figures["nearby"].items():
            fits = [work.fit(org, themes) for org in organisations]
            # each of the missing O, works on one of the themes or nothing is known of it
            assert all(fit is None or fit > 0 for fit in fits), (item.name, sector)
            assert all(context.fabric.nodes[o]["o_sector"] == sector for o in organisations)
            # those known to fit come first, the best fitting first
            known = [fit for fit in fits if fit is not None]
            assert fits[: len(known)] == known and known == sorted(known, reverse=True)
            suggested += len(organisations)
    assert suggested >= 20

    moestuin = next(i for i in answer.items if i.id == pseudonym(key, "initiative", "I01"))
    schuldhulp = pseudonym(key, "organisation", "O23")
    assert "overheid" in moestuin.figures["missing"]
    assert schuldhulp not in moestuin.figures["nearby"]["overheid"]
    assert "Schuldhulp" not in moestuin.reasons[0].nl
    # the debt counselling service is offered where it fits: the clothing bank (armoede)
    kledingbank = next(i for i in answer.items if i.id == pseudonym(key, "initiative", "I07"))
    assert schuldhulp in kledingbank.figures["nearby"]["overheid"]
    assert "werkt al aan armoede" in kledingbank.reasons[0].nl
    assert "lacks: businesses, education, research, government" in kledingbank.reasons[0].en


def test_initiative_recommendations_offer_fitting_organisations_only(
    sample: tuple[Analyst, bytes],
) -> None:
    analyst, key = sample
    context = analyst.context()
    work = organisation_themes(context)
    moestuin = pseudonym(key, "initiative", "I01")
    offered = [
        item
        for item in analyst.recommend(initiative=moestuin, limit=300).items
        if item.kind == "Organisation"
    ]
    assert offered
    for item in offered:
        assert work.fit(item.id, context.addresses[moestuin]) != 0, item.name
    assert pseudonym(key, "organisation", "O23") not in {item.id for item in offered}
