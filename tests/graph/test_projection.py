"""The projection the network questions read: every backend's fast read equals the exact one.

The embedded database reads it as one statement of JSON strings; these tests hold that read
to the row-by-row one, including the values FalkorDB's JSON does not escape.
"""

from __future__ import annotations

import copy

import networkx as nx
import pytest

from graph.errors import InvalidDataError
from graph.model import NodeLabel, RelType
from graph.projection import Projection, fabric_graph
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files


def _assert_same(fast: Projection, exact: Projection) -> None:
    assert fast.version == exact.version
    assert nx.utils.graphs_equal(fast.fabric, exact.fabric)
    assert fast.attribute_nodes == exact.attribute_nodes
    assert fast.attribute_ties.keys() == exact.attribute_ties.keys()
    for rel, ties in fast.attribute_ties.items():
        assert sorted(ties) == sorted(exact.attribute_ties[rel]), rel


def test_the_projection_of_the_sample_equals_the_row_by_row_read(
    store: GraphStore, store_settings: Settings
) -> None:
    run_import(store, store_settings, sample_files(), ImportOptions())
    fast = store.projection()
    _assert_same(fast, store.projection_by_rows())
    assert fast.fabric.number_of_nodes() > 100
    assert fast.attribute_ties[RelType.HAS_SKILL]
    partner = next(d for _, _, d in fast.fabric.edges(data=True) if d["type"] == "PARTNER_OF")
    assert isinstance(partner.get("contribution", []), list)


@pytest.mark.parametrize("areas", [("BU99990101",), ("WK999901",), ("BU00000000",)])
def test_the_projection_of_some_areas_equals_the_row_by_row_read(
    store: GraphStore, store_settings: Settings, areas: tuple[str, ...]
) -> None:
    run_import(store, store_settings, sample_files(), ImportOptions())
    fast = store.projection(areas)
    _assert_same(fast, store.projection_by_rows(areas))
    assert list(fast.fabric.nodes) == sorted(fast.fabric), "a part is built in id order"


@pytest.mark.parametrize(
    "name",
    [
        'Jan "de Bakker"',
        "back\\slash",
        'X", "BU1", "45-66", true], [999, "r-forged',
        "tab\tand\x01",
    ],
    ids=["quotes", "backslash", "forged-row", "control"],
)
def test_names_that_json_would_not_escape_come_through_intact(store: GraphStore, name: str) -> None:
    store.upsert_nodes(NodeLabel.NEIGHBOURHOOD, [{"id": "BU1", "name": "Buurt", "level": "buurt"}])
    store.upsert_nodes(
        NodeLabel.RESIDENT,
        [
            {"id": "r-a", "display_name": name, "neighbourhood": "BU1"},
            {"id": "r-b", "display_name": "Bea", "neighbourhood": "BU1"},
        ],
    )
    store.upsert_relationships(
        RelType.KNOWS,
        [{"source": "r-a", "target": "r-b", "strength": 2}],
        source_label=NodeLabel.RESIDENT,
        target_label=NodeLabel.RESIDENT,
    )
    fast = store.projection()
    _assert_same(fast, store.projection_by_rows())
    assert sorted(fast.fabric) == ["r-a", "r-b"]
    assert fast.fabric.nodes["r-a"]["display_name"] == name
    assert fast.fabric.edges["r-a", "r-b"] == {"type": "KNOWS", "strength": 2}
    part = store.projection(("BU1",))
    _assert_same(part, store.projection_by_rows(("BU1",)))
    assert part.fabric.nodes["r-a"]["display_name"] == name
    assert part.fabric.edges["r-a", "r-b"] == {"type": "KNOWS", "strength": 2}


def test_an_empty_store_projects_to_nothing(store: GraphStore) -> None:
    projection = store.projection()
    assert projection.fabric.number_of_nodes() == 0
    assert all(not nodes for nodes in projection.attribute_nodes.values())
    assert all(not ties for ties in projection.attribute_ties.values())


def test_the_fabric_is_built_as_networkx_would_build_it() -> None:
    nodes = [
        ("r-a", {"label": "Resident", "neighbourhood": "BU1"}),
        ("r-b", {"label": "Resident"}),
        ("r-a", {"label": "Resident", "age_band": "18-26"}),
    ]
    edges = [
        ("r-a", "r-b", {"type": "KNOWS", "strength": 2}),
        ("r-b", "r-a", {"type": "KNOWS", "kind": "friend"}),
        ("r-b", "i-x", {"type": "PARTICIPATES_IN"}),
        ("r-a", "r-a", {"type": "KNOWS"}),
    ]
    expected = nx.Graph()
    expected.add_nodes_from(copy.deepcopy(nodes))
    expected.add_edges_from(copy.deepcopy(edges))
    built = fabric_graph(nodes, edges)
    assert nx.utils.graphs_equal(built, expected)
    assert list(built.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(built.edges(data=True)) == list(expected.edges(data=True))


def test_an_id_under_two_labels_is_refused() -> None:
    nodes = [("x-1", {"label": "Resident"}), ("x-1", {"label": "Organisation"})]
    with pytest.raises(InvalidDataError, match=r"Resident.*Organisation"):
        fabric_graph(nodes, [])
