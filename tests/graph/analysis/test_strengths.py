"""Unused strengths and reciprocity on the sample neighbourhood."""

from __future__ import annotations

from graph.analysis.context import NetworkContext
from graph.analysis.results import Scope
from graph.analysis.strengths import answer_strengths
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.synthetic import SAMPLE_PLANTED, sample_files


def test_planted_unused_strengths_meet_the_initiatives_that_need_them(
    store: GraphStore, store_settings: Settings
) -> None:
    run_import(store, store_settings, sample_files(), ImportOptions())
    key = installation_key(store_settings)
    context = NetworkContext.load(store)
    answer = answer_strengths(context, Scope(), limit=500)
    by_id = {item.id: item for item in answer.items}
    holders = SAMPLE_PLANTED["unused_skill_holders"]
    targets = SAMPLE_PLANTED["initiatives_needing_them"]
    for holder, target in zip(holders, targets, strict=True):
        item = by_id[pseudonym(key, "resident", holder)]
        best = [m for m in item.figures["matches"] if m["score"] == item.score]
        assert pseudonym(key, "initiative", target) in {m["initiative"] for m in best}, holder
        assert item.figures["distance"] == "buurt"
        fabric = context.fabric
        inside = [f for f in fabric.adj[item.id] if fabric.has_edge(f, item.path[-1])]
        assert any(
            fabric.has_edge(f, pseudonym(key, "initiative", target)) for f in fabric.adj[item.id]
        ), "each planted holder knows someone who takes part"
        # the one who can introduce them agreed to be contacted (issue 14), else no via
        willing = sorted(
            (f for f in inside if context.may_contact(f)),
            key=lambda f: (fabric.nodes[f]["label"] != "Resident", f),
        )
        assert item.path[1:-1] == willing[:1], holder
        assert item.score == 1.0
        reason = next(r for r in item.reasons if r.code == "unused_strength")
        assert all(context.name(via) in reason.nl for via in item.path[1:-1])
        own = [
            i
            for i in context.fabric.adj[item.id]
            if context.fabric.edges[item.id, i]["type"] == "PARTICIPATES_IN"
        ]
        assert item.figures["skill"] not in set().union(
            *(context.skills_needed.get(i, set()) for i in own)
        )


def test_reciprocity_names_residents_who_receive_support_and_can_give(
    store: GraphStore, store_settings: Settings
) -> None:
    run_import(store, store_settings, sample_files(), ImportOptions())
    key = installation_key(store_settings)
    answer = answer_strengths(NetworkContext.load(store), Scope(), limit=500)
    giving = {
        item.id for item in answer.items if any(r.code == "reciprocity" for r in item.reasons)
    }
    assert {pseudonym(key, "resident", s) for s in SAMPLE_PLANTED["reciprocity"]} <= giving
    assert answer.summary["reciprocity"] == len(giving)
    scores = [item.score for item in answer.items]
    assert scores == sorted(scores, reverse=True)
