"""Bridges a coach can act on (issue 14): people in a list of their own, what hangs on each
bridge named, the bridge ties listed."""

from __future__ import annotations

import pytest

from graph.analysis.engine import Analyst
from graph.analysis.results import Scope
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.synthetic import SAMPLE_PLANTED, sample_files

PEOPLE = {"Resident", "Professional"}


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> tuple[Analyst, bytes]:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return Analyst(store), installation_key(store_settings)


def _stored(key: bytes, source: str) -> str:
    kind = {"B": "resident", "I": "initiative", "O": "organisation"}[source[0]]
    return pseudonym(key, kind, source)


def test_people_only_lists_people_and_the_places_apart(sample: tuple[Analyst, bytes]) -> None:
    analyst, key = sample
    everyone = analyst.ask("bridges", Scope())
    people = analyst.ask("bridges", Scope(people_only=True))
    # the default answer still ranks places among people: the filter is asked for
    assert {i.kind for i in everyone.items} - PEOPLE
    assert "places" not in everyone.summary
    assert len(people.items) == 20 and {i.kind for i in people.items} <= PEOPLE
    assert {_stored(key, s) for s in SAMPLE_PLANTED["bridges"]} <= {i.id for i in people.items}
    # each person keeps the score and reasons they have among everyone
    scores = {i.id: i.score for i in analyst.ask("bridges", Scope(), limit=500).items}
    assert all(scores[i.id] == i.score for i in people.items)
    places = people.summary["places"]
    assert places and all(p["kind"] in ("Initiative", "Organisation") for p in places)
    first_place = next(i for i in everyone.items if i.kind not in PEOPLE)
    assert places[0]["id"] == first_place.id and places[0]["name"] == first_place.name
    # the same part of the network: cut once, answered apart
    context = analyst.context()
    assert context.scoped(Scope(people_only=True)) is context.scoped(Scope())
    assert Scope(people_only=True).describe("nl") == "hele graaf; alleen mensen"


def test_what_hangs_on_a_bridge_is_named(sample: tuple[Analyst, bytes]) -> None:
    analyst, key = sample
    context = analyst.context()
    answer = analyst.ask("bridges", Scope(people_only=True))
    for source in SAMPLE_PLANTED["bridges"]:
        item = next(i for i in answer.items if i.id == _stored(key, source))
        reason = next(r for r in item.reasons if r.code == "articulation_point")
        group = {_stored(key, s) for s in SAMPLE_PLANTED[f"bridge_group:{source}"]}
        assert set(reason.data["cut_off_ids"]) == group, source
        assert reason.data["cut_off"] == len(group)
        named = reason.data["cut_off_ids"][:3]
        assert all(context.name(n) in reason.nl and context.name(n) in reason.en for n in named)
        assert f"en {len(group) - 3} anderen los" in reason.nl
    fatima = next(i for i in answer.items if i.id == _stored(key, "B001"))
    # the place first: the moestuin hangs on Fatima
    assert fatima.reasons[0].data["cut_off_ids"][0] == _stored(key, "I01")


def test_bridge_ties_are_listed_with_what_hangs_on_them(sample: tuple[Analyst, bytes]) -> None:
    analyst, _ = sample
    context = analyst.context()
    answer = analyst.ask("bridges", Scope(), limit=50)
    notes = [n for n in answer.notes if n.code == "bridge_tie"]
    assert len(notes) == len(answer.summary["ties"]) == min(50, answer.summary["bridge_ties"])
    assert {tuple(n.data["tie"]) for n in notes} == {tuple(t) for t in answer.summary["ties"]}
    sizes = [n.data["cut_off"] for n in notes]
    assert sizes == sorted(sizes, reverse=True)
    for note in notes:
        a, b = note.data["tie"]
        assert context.fabric.has_edge(a, b)
        assert context.name(a) in note.nl and context.name(b) in note.nl
        fabric = context.fabric.copy()
        fabric.remove_edge(a, b)
        cut = set(note.data["cut_off_ids"])
        assert cut in ({*nx_component(fabric, a)}, {*nx_component(fabric, b)})


def nx_component(graph: object, node: str) -> set[str]:
    import networkx as nx

    assert isinstance(graph, nx.Graph)
    return set(nx.node_connected_component(graph, node))
