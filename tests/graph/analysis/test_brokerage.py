"""Brokerage measures agree with networkx and with brute force on published and random graphs."""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections.abc import Callable, Mapping

import igraph
import networkx as nx
import pytest

from graph.analysis import brokerage
from graph.analysis.brokerage import ROLES


def _strings(graph: nx.Graph) -> nx.Graph:
    return nx.relabel_nodes(graph, str)


def _florentine() -> nx.Graph:
    return nx.florentine_families_graph()


def _karate() -> nx.Graph:
    return _strings(nx.karate_club_graph())


def _davis() -> nx.Graph:
    return nx.davis_southern_women_graph()


def _random(seed: int) -> nx.Graph:
    """Sparse enough to have isolated nodes, several components and cut nodes."""
    return _strings(nx.gnm_random_graph(60 + 10 * seed, 70 + 15 * seed, seed=seed))


GRAPHS: dict[str, Callable[[], nx.Graph]] = {
    "florentine": _florentine,
    "karate": _karate,
    "davis": _davis,
    **{f"random-{seed}": functools.partial(_random, seed) for seed in range(5)},
}


@pytest.fixture(params=sorted(GRAPHS))
def graph(request: pytest.FixtureRequest) -> nx.Graph:
    return GRAPHS[request.param]()


def _assert_same(ours: Mapping[str, float], theirs: Mapping[str, float]) -> None:
    assert ours.keys() == theirs.keys()
    for node, expected in theirs.items():
        if math.isnan(expected):
            assert math.isnan(ours[node]), node
        else:
            assert ours[node] == pytest.approx(expected, abs=1e-9), node


def test_random_graphs_include_isolated_nodes() -> None:
    # the NaN cases below are only exercised if some random graph has isolated nodes
    assert any(nx.number_of_isolates(_random(seed)) for seed in range(5))


# --- to_igraph -------------------------------------------------------------------------------


def test_to_igraph_keeps_every_node_and_tie(graph: nx.Graph) -> None:
    g, names = brokerage.to_igraph(graph)
    assert names == sorted(graph), "vertices in id order, whatever order the graph has"
    assert g.vcount() == graph.number_of_nodes()
    ties = {frozenset((names[u], names[v])) for u, v in g.get_edgelist()}
    assert ties == {frozenset(edge) for edge in graph.edges()}
    assert g.ecount() == graph.number_of_edges()


def test_to_igraph_drops_self_loops() -> None:
    graph = nx.Graph([("a", "a"), ("a", "b")])
    g, _ = brokerage.to_igraph(graph)
    assert g.get_edgelist() == [(0, 1)]


@pytest.mark.parametrize("kind", [nx.DiGraph, nx.MultiGraph])
def test_to_igraph_refuses_directed_and_multigraphs(kind: type[nx.Graph]) -> None:
    with pytest.raises(nx.NetworkXNotImplemented, match="undirected simple graph"):
        brokerage.to_igraph(kind([("a", "b")]))


def test_a_prepared_twin_of_another_graph_is_refused() -> None:
    prepared = brokerage.to_igraph(nx.path_graph(["a", "b", "c"]))
    with pytest.raises(ValueError, match="another graph"):
        brokerage.constraint(nx.path_graph(["a", "b"]), ig=prepared)


# --- betweenness -----------------------------------------------------------------------------


def test_betweenness_equals_networkx(graph: nx.Graph) -> None:
    _assert_same(brokerage.betweenness(graph), nx.betweenness_centrality(graph))


def test_medici_have_the_highest_betweenness() -> None:
    between = brokerage.betweenness(_florentine())
    assert max(between, key=between.__getitem__) == "Medici"


def test_bounded_betweenness_counts_only_short_paths() -> None:
    path = nx.path_graph(["a", "b", "c", "d", "e"])
    # pairs of the other 4 nodes: 6; at most 2 steps "b" lies only between "a" and "c"
    assert brokerage.betweenness(path, cutoff=2) == pytest.approx(
        {"a": 0, "b": 1 / 6, "c": 1 / 6, "d": 1 / 6, "e": 0}
    )
    assert brokerage.betweenness(path) == pytest.approx(
        {"a": 0, "b": 3 / 6, "c": 4 / 6, "d": 3 / 6, "e": 0}
    )


def test_bounded_betweenness_is_exact_from_the_diameter_on() -> None:
    karate = _karate()
    exact = brokerage.betweenness(karate)
    _assert_same(brokerage.betweenness(karate, cutoff=nx.diameter(karate)), exact)
    bounded = brokerage.betweenness(karate, cutoff=2)
    assert all(bounded[node] <= exact[node] + 1e-12 for node in karate)
    assert sum(bounded.values()) < sum(exact.values())


def test_negative_cutoff_is_refused() -> None:
    with pytest.raises(ValueError, match="cutoff"):
        brokerage.betweenness(_karate(), cutoff=-1)


# --- Burt -----------------------------------------------------------------------------------


def test_coreness_equals_networkx(graph: nx.Graph) -> None:
    from graph.analysis import reference

    simple = nx.Graph(graph)
    simple.remove_edges_from(nx.selfloop_edges(simple))
    assert brokerage.coreness(graph) == nx.core_number(simple) == reference.coreness(simple)


def test_component_sizes_equal_networkx(graph: nx.Graph) -> None:
    from graph.analysis import reference

    expected = {node: len(part) for part in nx.connected_components(graph) for node in part}
    assert brokerage.component_sizes(graph) == expected == reference.component_sizes(graph)


def test_constraint_equals_networkx(graph: nx.Graph) -> None:
    _assert_same(brokerage.constraint(graph), nx.constraint(graph))


def test_effective_size_equals_networkx(graph: nx.Graph) -> None:
    _assert_same(brokerage.effective_size(graph), nx.effective_size(graph))


def test_the_reference_effective_size_equals_networkx(graph: nx.Graph) -> None:
    from graph.analysis import reference

    _assert_same(reference.effective_size(graph), nx.effective_size(graph))


def test_constraint_and_effective_size_of_some_nodes_equal_those_of_all(graph: nx.Graph) -> None:
    from graph.analysis import reference

    some = sorted(graph)[::3]
    assert some, "the fixture graph has nodes"
    prepared = brokerage.to_igraph(graph)
    for metrics, twin in ((brokerage, prepared), (reference, None)):
        every = metrics.constraint(graph, ig=twin)
        chosen = metrics.constraint(graph, ig=twin, nodes=some)
        assert list(chosen) == some
        _assert_same(chosen, {node: every[node] for node in some})
        every = metrics.effective_size(graph, ig=twin)
        chosen = metrics.effective_size(graph, ig=twin, nodes=some)
        assert list(chosen) == some
        _assert_same(chosen, {node: every[node] for node in some})


def test_measures_agree_on_a_shared_twin(graph: nx.Graph) -> None:
    prepared = brokerage.to_igraph(graph)
    _assert_same(brokerage.constraint(graph, ig=prepared), brokerage.constraint(graph))
    _assert_same(brokerage.effective_size(graph, ig=prepared), brokerage.effective_size(graph))


# --- communities -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_communities_are_the_same_for_a_seed(method: brokerage.Method) -> None:
    graph = _random(4)
    first = brokerage.communities(graph, seed=7, method=method)
    random.seed(12345)  # the global generator must not matter
    assert brokerage.communities(graph, seed=7, method=method) == first


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_karate_splits_into_a_few_real_communities(method: brokerage.Method) -> None:
    karate = _karate()
    membership = brokerage.communities(karate, seed=2026, method=method)
    assert membership.keys() == set(karate)
    parts: dict[int, set[str]] = {}
    for node, community in membership.items():
        parts.setdefault(community, set()).add(node)
    assert 2 <= len(parts) <= 5
    assert nx.community.modularity(karate, parts.values()) > 0.35


def test_communities_are_numbered_by_smallest_member() -> None:
    graph = _random(3)
    membership = brokerage.communities(graph, seed=1)
    smallest: dict[int, str] = {}
    for node in sorted(graph):
        smallest.setdefault(membership[node], node)
    assert sorted(smallest) == list(range(len(smallest)))
    assert [smallest[number] for number in sorted(smallest)] == sorted(smallest.values())


def test_communities_hand_igraph_back_its_default_generator() -> None:
    brokerage.communities(_karate(), seed=1)
    state = random.getstate()
    igraph.Graph.Erdos_Renyi(n=20, m=30)
    assert random.getstate() != state  # igraph draws from the random module again


def test_communities_of_an_empty_graph() -> None:
    assert brokerage.communities(nx.Graph(), seed=1) == {}


def test_unknown_community_method_is_refused() -> None:
    with pytest.raises(ValueError, match="leiden"):
        brokerage.communities(_karate(), seed=1, method="walktrap")  # type: ignore[arg-type]


# --- participation coefficient ---------------------------------------------------------------


def test_participation_coefficient_by_hand() -> None:
    graph = nx.Graph([("hub", "a"), ("hub", "b"), ("hub", "c"), ("hub", "d"), ("a", "b")])
    graph.add_node("alone")
    membership = {"hub": 0, "a": 0, "b": 0, "c": 1, "d": 2, "alone": 3}
    assert brokerage.participation_coefficient(graph, membership) == pytest.approx(
        # hub: 1 - (2/4)² - (1/4)² - (1/4)²; a and b: 1 - (2/2)²; c, d: one contact each
        {"hub": 0.625, "a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0, "alone": 0.0}
    )


def test_participation_coefficient_on_karate_spans_zero_to_one() -> None:
    karate = _karate()
    membership = brokerage.communities(karate, seed=1)
    participation = brokerage.participation_coefficient(karate, membership)
    assert all(0.0 <= value < 1.0 for value in participation.values())
    assert participation["0"] > 0  # the instructor has ties into several factions


def test_participation_coefficient_needs_every_node() -> None:
    with pytest.raises(ValueError, match="'b'"):
        brokerage.participation_coefficient(nx.Graph([("a", "b")]), {"a": 0})


# --- Gould–Fernandez brokerage ---------------------------------------------------------------


def _brute_force_roles(
    graph: nx.Graph, groups: Mapping[str, str | None]
) -> dict[str, dict[str, int]]:
    """Every pair of contacts of every node, one at a time."""

    def group(node: str) -> object:
        value = groups.get(node)
        return ("no group", node) if value is None else value

    result = {}
    for broker in graph:
        counts = dict.fromkeys(ROLES, 0)
        contacts = [node for node in graph.adj[broker] if node != broker]
        for a, c in itertools.combinations(contacts, 2):
            if graph.has_edge(a, c):
                continue
            ga, gb, gc = group(a), group(broker), group(c)
            if ga == gb == gc:
                counts["coordinator"] += 1
            elif ga == gc:
                counts["consultant"] += 1
            elif gb in (ga, gc):
                counts["representative_gatekeeper"] += 1
            else:
                counts["liaison"] += 1
        result[broker] = counts
    return result


def test_brokerage_roles_by_hand() -> None:
    graph = nx.Graph([("b", "a1"), ("b", "a2"), ("b", "c"), ("b", "d"), ("a1", "a2")])
    graph.add_edges_from([("a2", "h"), ("c", "e"), ("e", "k"), ("k", "g"), ("d", "u"), ("u", "v")])
    groups: dict[str, str | None] = {"b": "x", "a1": "x", "a2": "x", "h": "x", "c": "y"}
    groups |= {"e": "y", "g": "y"}
    groups |= {"d": "z", "k": "z", "u": None}  # "v" has no entry at all
    roles = brokerage.brokerage_roles(graph, groups)
    counted = {node: tuple(roles[node][role] for role in ROLES) for node in roles}
    assert counted == {
        "b": (0, 0, 4, 1),  # a1–a2 are tied; a·–c and a·–d gatekeep; c–d is a liaison
        "a2": (2, 0, 0, 0),  # b–h and a1–h, all x
        "c": (0, 0, 1, 0),
        "d": (0, 0, 0, 1),  # b (x), d (z), u (no group)
        "e": (0, 0, 1, 0),
        "k": (0, 1, 0, 0),  # e and g are both y, k is z
        "u": (0, 0, 0, 1),  # two nodes without a group are two different groups
        **{node: (0, 0, 0, 0) for node in ("a1", "h", "g", "v")},
    }


@pytest.mark.parametrize("seed", range(6))
def test_brokerage_roles_equal_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    # dense enough for many triangles and open pairs of every kind
    graph = _strings(nx.gnm_random_graph(40 + seed * 10, 150 + seed * 60, seed=seed))
    groups: dict[str, str | None] = {}
    for node in graph:
        draw = rng.random()
        if draw < 0.1:
            groups[node] = None
        elif draw < 0.85:
            groups[node] = rng.choice("ABC")
    expected = _brute_force_roles(graph, groups)
    assert brokerage.brokerage_roles(graph, groups) == expected
    # for some nodes only, given only the groups of those nodes and their contacts
    some = sorted(graph)[::4]
    near = set(some).union(*(graph.adj[node] for node in some))
    only = brokerage.brokerage_roles(graph, {n: groups.get(n) for n in near}, nodes=some)
    assert only == {node: expected[node] for node in some}


def test_brokerage_roles_ignore_self_loops() -> None:
    graph = _strings(nx.gnm_random_graph(30, 80, seed=9))
    groups = {node: "AB"[int(node) % 2] for node in graph}
    looped = graph.copy()
    looped.add_edges_from((node, node) for node in list(graph)[::3])
    assert brokerage.brokerage_roles(looped, groups) == brokerage.brokerage_roles(graph, groups)


# --- articulation points and bridges ---------------------------------------------------------


def _brute_force_parts(graph: nx.Graph) -> dict[str, list[int]]:
    """Remove each cut node in turn and measure what is left of its component."""
    result = {}
    for node in nx.articulation_points(graph):
        rest = nx.node_connected_component(graph, node) - {node}
        pieces = nx.connected_components(graph.subgraph(rest))
        result[node] = sorted((len(piece) for piece in pieces), reverse=True)
    return result


def test_articulation_points_equal_brute_force(graph: nx.Graph) -> None:
    parts = brokerage.articulation_points(graph)
    assert parts == _brute_force_parts(graph)
    for node, sizes in parts.items():
        assert sum(sizes) == len(nx.node_connected_component(graph, node)) - 1
        assert len(sizes) >= 2


def test_florentine_articulation_points() -> None:
    parts = brokerage.articulation_points(_florentine())
    assert set(parts) == {"Albizzi", "Guadagni", "Medici", "Salviati"}
    assert parts["Salviati"] == [13, 1]  # Pazzi hangs on Salviati alone


def test_karate_has_one_articulation_point_and_one_bridge() -> None:
    karate = _karate()
    prepared = brokerage.to_igraph(karate)
    # without the instructor, 11 is alone and 4, 5, 6, 10 and 16 form a group of their own
    assert brokerage.articulation_points(karate, ig=prepared) == {"0": [27, 5, 1]}
    assert brokerage.bridge_edges(karate, ig=prepared) == [("0", "11")]


def test_bridge_edges_equal_networkx(graph: nx.Graph) -> None:
    expected = sorted(tuple(sorted(edge)) for edge in nx.bridges(graph))
    assert brokerage.bridge_edges(graph) == expected


def test_cut_nodes_in_a_chain_of_blocks() -> None:
    # triangle a-b-c, tie c-d, square d-e-f-g, pendant g-h
    graph = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")])
    graph.add_edges_from([("d", "e"), ("e", "f"), ("f", "g"), ("g", "d"), ("g", "h")])
    graph.add_edge("x", "y")  # a second component without cut nodes
    assert brokerage.articulation_points(graph) == {"c": [5, 2], "d": [4, 3], "g": [6, 1]}
    assert brokerage.bridge_edges(graph) == [("c", "d"), ("g", "h"), ("x", "y")]
