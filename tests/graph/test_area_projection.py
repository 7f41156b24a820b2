"""The projection of some areas, read on its own, is the part the whole one is cut to.

``NetworkContext.load(store, areas=codes)`` must hold what ``load(store).restricted(codes)``
holds for the nodes in the part, down to the order of nodes and ties (igraph numbers vertices
in that order, and seeded community detection follows the numbers), so that every question
gets the same answer either way.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph.analysis.context import NetworkContext
from graph.analysis.engine import CATALOGUE, Analyst
from graph.analysis.results import Answer, Scope
from graph.model import NodeLabel, RelType
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files

#: a buurt, two buurten, the wijk they lie in, the municipality, and a code no area has
AREAS = [
    ("BU99990101",),
    ("BU99990102", "BU99990103"),
    ("WK999901",),
    ("GM9999",),
    ("BU00000000",),
]


def _answers(context: NetworkContext, scope: Scope, settings: Settings) -> dict[str, Answer]:
    answers = {}
    for key, question in CATALOGUE.items():
        options: dict[str, Any] = {
            kw: getattr(settings, name) for kw, name in question.settings.items()
        }
        answers[key] = question.answer(context, scope, limit=500, **options)
    return answers


def _kept(values: dict[str, Any], nodes: Any) -> dict[str, Any]:
    return {node: value for node, value in values.items() if node in nodes}


def _assert_same_part(part: NetworkContext, cut: NetworkContext, codes: tuple[str, ...]) -> None:
    assert part.version == cut.version
    assert list(part.fabric.nodes(data=True)) == list(cut.fabric.nodes(data=True)), codes
    assert list(part.fabric.edges(data=True)) == list(cut.fabric.edges(data=True)), codes
    assert part.areas == cut.areas
    assert part.theme_names == cut.theme_names
    assert part.skill_names == cut.skill_names
    nodes = part.fabric
    # residents' attributes only for those in the part; initiatives' everywhere, as in the cut
    assert part.skills == _kept(cut.skills, nodes), codes
    assert part.needs == _kept(cut.needs, nodes), codes
    assert part.interests == _kept(cut.interests, nodes), codes
    assert part.addresses == cut.addresses
    assert part.skills_needed == cut.skills_needed


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> NetworkContext:
    report = run_import(store, store_settings, sample_files(), ImportOptions())
    assert report.errors == []
    return NetworkContext.load(store)


def test_each_area_read_on_its_own_equals_the_whole_cut_to_it(
    store: GraphStore, store_settings: Settings, sample: NetworkContext
) -> None:
    for codes in AREAS:
        part = NetworkContext.load(store, areas=codes)
        cut = sample.restricted(codes)
        _assert_same_part(part, cut, codes)
        for scope in (Scope(), Scope(neighbourhoods=codes), Scope(theme="eenzaamheid")):
            expected = _answers(cut, scope, store_settings)
            for key, answer in _answers(part, scope, store_settings).items():
                assert answer == expected[key], (codes, scope, key)


def test_a_buurt_holds_its_own_and_the_system_world_tied_to_it(
    store: GraphStore, sample: NetworkContext
) -> None:
    part = NetworkContext.load(store, areas=("BU99990101",)).fabric
    labels = {data["label"] for _, data in part.nodes(data=True)}
    assert labels == {"Resident", "Initiative", "Organisation", "Professional"}
    elsewhere = [
        node for node, data in part.nodes(data=True) if data.get("neighbourhood") != "BU99990101"
    ]
    assert elsewhere, "organisations and professionals from elsewhere serve the buurt"
    assert all(part.nodes[n]["label"] in ("Organisation", "Professional") for n in elsewhere)
    assert 0 < part.number_of_nodes() < sample.fabric.number_of_nodes()


def test_a_wijk_holds_every_resident_of_its_buurten(
    store: GraphStore, sample: NetworkContext
) -> None:
    part = NetworkContext.load(store, areas=("WK999901",)).fabric
    residents = {n.id for n in store.nodes(NodeLabel.RESIDENT)}
    assert residents <= set(part)


def test_an_unknown_area_has_an_empty_part(store: GraphStore, sample: NetworkContext) -> None:
    projection = store.projection(("BU00000000",))
    assert projection.fabric.number_of_nodes() == 0
    assert not projection.attribute_ties[RelType.HAS_SKILL]
    assert projection.attribute_nodes[NodeLabel.NEIGHBOURHOOD]  # the area tree is still read
    assert projection.attribute_ties[RelType.ADDRESSES]


def test_a_question_within_areas_reads_only_their_part_until_the_whole_is_in_hand(
    store: GraphStore, sample: NetworkContext
) -> None:
    codes = ("BU99990101",)
    analyst = Analyst(store)
    mine = analyst.ask("isolated", Scope(neighbourhoods=codes), limit=500, within=codes)
    assert analyst.current_context() is None, "no whole city was loaded for one buurt"
    assert analyst.has_current(codes) and not analyst.has_current(("BU99990102",))
    assert analyst.area_codes(codes) == {"BU99990101"}
    part = analyst.context_within(codes)
    assert 0 < part.fabric.number_of_nodes() < sample.fabric.number_of_nodes()
    whole = Analyst(store)
    whole.context()
    assert whole.ask("isolated", Scope(neighbourhoods=codes), limit=500, within=codes) == mine

    store.upsert_nodes(NodeLabel.RESIDENT, [{"id": "r-new", "neighbourhood": "BU99990101"}])
    assert not analyst.has_current(codes), "a write makes the part of the past"
    again = analyst.ask("isolated", Scope(neighbourhoods=codes), limit=500, within=codes)
    assert again.version > mine.version and analyst.current_context() is None
    assert "r-new" in analyst.context_within(codes).fabric

    analyst.context()  # once the whole is in hand, a part is cut from it
    assert analyst.context_within(codes) is analyst.context().restricted(codes)


def test_located_labels_are_indexed_by_neighbourhood(store: GraphStore) -> None:
    """One area's part is read from the ``neighbourhood`` index, not by scanning a city."""
    from graph.falkordb_store import FalkorDBStore
    from graph.model import LOCATED_LABELS
    from graph.queries import Query

    if isinstance(store, FalkorDBStore):
        indexed = store._indexed()
    else:
        show = Query("show_indexes", "SHOW INDEXES YIELD labelsOrTypes, properties")
        indexed = {
            (labels[0], field)
            for labels, fields in store._read(show, {})
            if labels
            for field in fields
        }
    assert LOCATED_LABELS
    for label in LOCATED_LABELS:
        assert (label.value, "neighbourhood") in indexed, label
