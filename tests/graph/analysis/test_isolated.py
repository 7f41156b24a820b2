"""Isolated people on the sample neighbourhood: the planted ones, ranked needs first."""

from __future__ import annotations

import pytest

from graph.analysis.context import NetworkContext
from graph.analysis.isolated import answer_isolated
from graph.analysis.results import Answer, Scope
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.synthetic import SAMPLE_PLANTED, sample_files


@pytest.fixture
def sample(
    store: GraphStore, store_settings: Settings
) -> tuple[Answer, dict[str, str], NetworkContext]:
    run_import(store, store_settings, sample_files(), ImportOptions())
    key = installation_key(store_settings)
    ids = {
        pseudonym(key, "resident", s): s
        for key_ in SAMPLE_PLANTED
        for s in SAMPLE_PLANTED[key_]
        if s.startswith("B")
    }
    context = NetworkContext.load(store)
    return answer_isolated(context, Scope(), limit=300), ids, context


def test_every_planted_isolated_resident_is_found_with_its_signal(
    sample: tuple[Answer, dict[str, str], NetworkContext],
) -> None:
    answer, ids, _ = sample
    signals = {ids.get(item.id, item.id): item.figures["signals"] for item in answer.items}
    for source in SAMPLE_PLANTED["isolated_without_needs"]:
        assert "no_ties" in signals[source], source
    for source in SAMPLE_PLANTED["supported_only"]:
        assert "only_support" in signals[source], source
    for source in set(SAMPLE_PLANTED["isolated_with_needs"]) - set(
        SAMPLE_PLANTED["supported_only"]
    ):
        assert "no_ties" in signals[source], source
    for source in SAMPLE_PLANTED["small_component"]:
        assert "cut_off" in signals[source], source


def test_support_needs_come_first(sample: tuple[Answer, dict[str, str], NetworkContext]) -> None:
    answer, ids, _ = sample
    with_needs = [bool(item.figures["needs"]) for item in answer.items]
    assert with_needs == sorted(with_needs, reverse=True), (
        "everyone with a need before anyone without"
    )
    ranked_with_needs = {ids.get(item.id) for item in answer.items if item.figures["needs"]}
    assert set(SAMPLE_PLANTED["isolated_with_needs"]) <= ranked_with_needs
    assert answer.items[0].reasons[0].code == "has_support_need"


def test_a_fitting_initiative_and_a_warm_path_where_one_exists(
    sample: tuple[Answer, dict[str, str], NetworkContext],
) -> None:
    answer, _, context = sample
    fitted = [item for item in answer.items if item.path]
    assert fitted, "the sample's isolated residents have interests an initiative addresses"
    for item in fitted:
        initiative = item.path[-1]
        assert context.fabric.nodes[initiative]["label"] == "Initiative"
        # it fits their needs or interests, or (issue 14) it looks for a strength of theirs
        wanted = set(context.needs.get(item.id, {})) | context.interests.get(item.id, set())
        strengths = {s for s, willing in context.skills.get(item.id, {}).items() if willing}
        assert context.addresses.get(initiative, set()) & wanted or (
            context.skills_needed.get(initiative, set()) & strengths
        )
        if len(item.path) == 3:
            # someone they know who agreed to be contacted, or (issue 14) who supports them
            friend = item.path[1]
            tie = context.fabric.edges[item.id, friend]["type"]
            assert tie == "SUPPORTED_BY" or (tie == "KNOWS" and context.may_contact(friend))
            assert context.fabric.has_edge(friend, initiative)
        reason = next(r for r in item.reasons if r.data.get("initiative") == initiative)
        assert reason.code in ("fitting_initiative", "strength_wanted")
        assert context.name(initiative) in reason.nl
