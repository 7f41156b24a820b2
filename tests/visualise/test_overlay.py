"""A network question drawn over the map: the answer's people, places and ties stand out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import pytest

from graph.analysis.context import NetworkContext
from graph.analysis.engine import Analyst
from graph.analysis.results import Answer, Item, Scope
from graph.backends import open_store
from graph.settings import Settings
from importers.synthetic import SAMPLE_PLANTED
from tests.visualise.conftest import page_data
from visualise import OVERLAY_QUESTIONS, build_map, render_map
from visualise.overlay import overlay_for
from visualise.style import ROLE_ORDER

HAVENKWARTIER = "BU99990102"


@pytest.fixture(scope="module")
def answers(sample_settings: Settings) -> dict[str, Answer]:
    with open_store(sample_settings) as store:
        analyst = Analyst(store)
        return {q: analyst.ask(q, Scope(), limit=300) for q in OVERLAY_QUESTIONS}


def _nodes(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["id"]: node for node in data["view"]["nodes"]}


def _at_least(node: dict[str, Any], role: str) -> bool:
    """The node has ``role`` or a stronger one."""
    return "role" in node and ROLE_ORDER.index(node["role"]) <= ROLE_ORDER.index(role)


@pytest.mark.parametrize("question", OVERLAY_QUESTIONS)
def test_every_item_of_the_answer_stands_out_and_the_rest_is_dimmed(
    sample_context: NetworkContext, answers: dict[str, Answer], question: str
) -> None:
    answer = answers[question]
    data = build_map(sample_context, answer=answer)
    nodes = _nodes(data)
    items = [item for item in answer.items if item.id in nodes]
    assert items or question == "opportunities"
    for rank, item in enumerate(answer.items, start=1):
        if item.id in nodes:
            node = nodes[item.id]
            assert node["role"] == "answer"
            assert {r.nl for r in item.reasons} <= set(node["reasons"])
            assert ["plaats", str(rank)] in node["details"]
    marked = [n for n in nodes.values() if "role" in n]
    assert all(n.get("dim") for n in nodes.values() if "role" not in n)
    assert 0 < len(marked) < len(nodes)
    assert data["overlay"]["question"] == question
    assert "score" in data["sizeModes"]


def test_bridges_mark_the_planted_bridges_and_the_bridge_ties(
    sample_context: NetworkContext, answers: dict[str, Answer], pid: Callable[[str], str]
) -> None:
    answer = answers["bridges"]
    data = build_map(sample_context, answer=answer)
    nodes = _nodes(data)
    for source in SAMPLE_PLANTED["bridges"]:
        assert nodes[pid(source)]["role"] == "answer", source
    ties = {frozenset(tie) for tie in answer.summary["ties"]}
    marked = {
        frozenset((e["from"], e["to"])) for e in data["view"]["edges"] if e.get("role") == "bridge"
    }
    assert ties and marked == ties
    legend = {entry["label"] for entry in data["legend"]["edges"]}
    assert any(label.startswith("Brugband") for label in legend)


def test_isolated_people_are_shown_the_way_in(
    sample_context: NetworkContext, answers: dict[str, Answer]
) -> None:
    answer = answers["isolated"]
    data = build_map(sample_context, answer=answer)
    nodes = _nodes(data)
    suggested = {(e["from"], e["to"]) for e in data["view"]["edges"] if e["type"] == "SUGGESTION"}
    routed = [item for item in answer.items if item.path]
    assert routed
    for item in routed:
        target = item.path[-1]
        assert _at_least(nodes[target], "target")
        if not sample_context.fabric.has_edge(item.id, target):
            assert (item.id, target) in suggested
        for via in item.path[1:-1]:
            assert _at_least(nodes[via], "via")


def test_unused_strengths_point_to_the_initiative_that_needs_them(
    sample_context: NetworkContext, answers: dict[str, Answer], pid: Callable[[str], str]
) -> None:
    answer = answers["unused-strengths"]
    data = build_map(sample_context, answer=answer)
    nodes = _nodes(data)
    edges = {(e["from"], e["to"]): e for e in data["view"]["edges"] if e["type"] == "SUGGESTION"}
    matched = [item for item in answer.items if "initiative" in item.figures]
    assert len(matched) >= len(SAMPLE_PLANTED["unused_skill_holders"])
    for item in matched:
        initiative = item.figures["initiative"]
        assert _at_least(nodes[initiative], "target")
        edge = edges[(item.id, initiative)]
        assert edge["dashes"] is True and edge["role"] == "suggestion"
        assert sample_context.name(initiative) in edge["note"]
    for source in SAMPLE_PLANTED["unused_skill_holders"]:
        assert nodes[pid(source)]["role"] == "answer", source


def test_an_opportunity_marks_its_possible_owners_and_who_needs_it(
    sample_context: NetworkContext, answers: dict[str, Answer]
) -> None:
    answer = answers["opportunities"]
    item = next(i for i in answer.items if i.id == f"{HAVENKWARTIER}:schulden")
    data = build_map(sample_context, scope=Scope(neighbourhoods=(HAVENKWARTIER,)), answer=answer)
    nodes = _nodes(data)
    candidates = [c["id"] for c in item.figures["candidates"]]
    assert candidates and all(_at_least(nodes[c], "candidate") for c in candidates)
    needing = {
        resident
        for resident, needs in sample_context.needs.items()
        if needs.get("schulden") is False
        and sample_context.fabric.nodes[resident].get("neighbourhood") == HAVENKWARTIER
    }
    assert len(needing) == item.figures["residents_with_need"]
    assert {n for n, node in nodes.items() if node.get("role") == "need"} <= needing
    assert all(_at_least(nodes[n], "need") for n in needing)


def test_a_special_need_is_never_marked_on_a_person() -> None:
    fabric = nx.Graph()
    for person in ("r-1", "r-2", "r-3"):
        fabric.add_node(person, label="Resident", neighbourhood="BU1")
    context = NetworkContext(1, fabric, needs={"r-1": {"psyche": True}, "r-2": {"psyche": False}})
    item = Item(id="BU1:psyche", kind="opportunity", name="Psyche — BU1", score=2,
                figures={"neighbourhood": "BU1", "theme": "psyche", "candidates": [{"id": "r-3"}]})  # fmt: skip
    answer = Answer(question="opportunities", scope=Scope(), version=1, items=[item])
    overlay = overlay_for(answer, context, lang="nl")
    assert overlay.roles == {"r-3": ["candidate"], "r-2": ["need"]}


def test_answers_outside_the_map_are_counted_in_a_note(
    sample_context: NetworkContext, answers: dict[str, Answer]
) -> None:
    answer = answers["bridges"]
    scope = Scope(neighbourhoods=(HAVENKWARTIER,))
    data = build_map(sample_context, scope=scope, answer=answer)
    drawn = set(_nodes(data))
    outside = sum(1 for item in answer.items if item.id not in drawn)
    assert 0 < outside < len(answer.items)
    assert (
        f"{outside} van de {len(answer.items)} antwoorden vallen buiten deze kaart."
        in data["notes"]
    )


def test_an_overlay_speaks_english_on_request(
    sample_context: NetworkContext, answers: dict[str, Answer]
) -> None:
    html = render_map(sample_context, answer=answers["isolated"], lang="en")
    data = page_data(html)
    assert "Who is isolated?" in html
    nodes = _nodes(data)
    for item in answers["isolated"].items:
        assert {r.en for r in item.reasons} <= set(nodes[item.id]["reasons"])
        assert not {r.nl for r in item.reasons} & set(nodes[item.id]["reasons"])
    assert {e["label"] for e in data["legend"]["roles"]} >= {"Answer to the question"}
