"""Large networks: above the drawable size a map draws neighbourhoods or communities, and a
whole city stays a small page."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.analysis.context import NetworkContext
from graph.analysis.results import Answer, Item, Scope
from graph.backends import open_store
from importers.load import ImportOptions, run_import
from importers.synthetic import synthetic_city, write_csv
from tests.conftest import embedded_settings
from tests.visualise.conftest import Tags, city_context, page_data
from visualise import MAX_DRAWN_NODES, build_map, overview, render_map
from visualise.draw import draw
from visualise.grouping import OTHER, group_nodes, group_ties

Key = tuple[str, str]

EXTERNAL = ("http://", "https://", "//")


def _people(count: int, hoods: int) -> NetworkContext:
    """``count`` residents spread over ``hoods`` buurten, in one ring of acquaintances."""
    fabric = nx.Graph()
    for n in range(count):
        fabric.add_node(f"r-{n:05d}", label="Resident", neighbourhood=f"BU{n % hoods:08d}")
    nx.add_cycle(fabric, list(fabric), type="KNOWS")
    return NetworkContext(1, fabric)


@pytest.mark.parametrize(
    ("count", "grouped"), [(MAX_DRAWN_NODES, False), (MAX_DRAWN_NODES + 1, True)]
)
def test_above_the_drawable_size_the_map_draws_groups(count: int, grouped: bool) -> None:
    data = build_map(_people(count, hoods=4))
    assert data["totalNodes"] == count
    if grouped:
        assert data["aggregate"] == {"by": "neighbourhood", "drillUrl": None}
        assert data["drawnNodes"] == 4
        assert {n["kind"] for n in data["view"]["nodes"]} == {"group"}
        assert any("te veel om te tekenen" in note for note in data["notes"])
    else:
        assert data["aggregate"] is None and data["drawnNodes"] == count


def test_neighbourhoods_become_nodes_that_open_on_click() -> None:
    context = city_context(4, 600)
    fabric = context.fabric
    assert fabric.number_of_nodes() > MAX_DRAWN_NODES
    data = build_map(context)
    groups = {n["groupKey"]: n for n in data["view"]["nodes"]}
    assert set(groups) == {f"BU000101{h:02d}" for h in range(1, 5)}
    assert all(n["openable"] and n["shape"] == "hexagon" for n in groups.values())
    # every node is in exactly one group, drawn in full inside it
    members = [node["id"] for group in data["groups"].values() for node in group["nodes"]]
    assert sorted(members) == sorted(fabric)
    home = {node["id"]: key for key, group in data["groups"].items() for node in group["nodes"]}
    for key, group in data["groups"].items():
        inner = fabric.subgraph([n["id"] for n in group["nodes"]])
        assert {frozenset((e["from"], e["to"])) for e in group["edges"]} == {
            frozenset(e) for e in inner.edges()
        }
        assert group["name"] == groups[key]["groupName"]
    # the lines between groups count the ties between them
    between = Counter(
        frozenset((home[a], home[b])) for a, b in fabric.edges() if home[a] != home[b]
    )
    drawn = {frozenset((e["from"][6:], e["to"][6:])): e["ties"] for e in data["view"]["edges"]}
    assert drawn == dict(between)
    sizes = {key: node["sizes"]["degree"] for key, node in groups.items()}
    largest = max(groups, key=lambda key: len(data["groups"][key]["nodes"]))
    assert sizes[largest] == max(sizes.values())


def test_organisations_without_a_neighbourhood_join_where_their_ties_lead() -> None:
    context = city_context(4, 600)
    grouping = group_nodes(context.fabric, context.areas, seed=1)
    organisations = [n for n in context.fabric if n.startswith("o-")]
    assert organisations, "the generated city has organisations"
    for organisation in organisations:
        homes = Counter(
            context.fabric.nodes[o]["neighbourhood"] for o in context.fabric.adj[organisation]
        )
        best = max(homes.values())
        assert grouping.membership[organisation] == min(k for k, v in homes.items() if v == best)


def test_one_neighbourhood_is_split_into_its_communities() -> None:
    context = city_context(1, 2500)
    data = build_map(context)
    assert data["aggregate"]["by"] == "community"
    keys = {n["groupKey"] for n in data["view"]["nodes"]}
    assert len(keys) > 5 and all(k.startswith("c") or k == OTHER for k in keys)
    members = sorted(node["id"] for group in data["groups"].values() for node in group["nodes"])
    assert members == sorted(context.fabric)
    assert "Gemeenschap 1" in {n["groupName"] for n in data["view"]["nodes"]}


def test_too_many_areas_roll_up_to_their_district(monkeypatch: pytest.MonkeyPatch) -> None:
    context = city_context(4, 50)
    monkeypatch.setattr("visualise.grouping.MAX_GROUPS", 3)
    grouping = group_nodes(context.fabric, context.areas, by="neighbourhood", seed=1)
    assert set(grouping.membership.values()) == {"WK000101"}


def test_groups_too_large_to_embed_link_to_their_own_map(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overview, "EMBED_MAX_NODES", 1000)
    context = city_context(4, 600)
    linked = build_map(context, drill_url="/kaart?neighbourhood={code}")
    assert linked["groups"] == {}
    for node in linked["view"]["nodes"]:
        assert node["openable"] is False
        assert node["drill"] == f"/kaart?neighbourhood={node['groupKey']}"
    unlinked = build_map(context, lang="en")
    for node in unlinked["view"]["nodes"]:
        assert "drill" not in node
        assert f"wijkgraaf map --neighbourhood {node['groupKey']}" in node["reasons"][0]


def test_an_answer_is_counted_on_the_groups_it_falls_in() -> None:
    context = city_context(4, 600)
    people = ["r-0000001", "r-0000002", "r-0100003"]
    items = [Item(id=p, kind="Resident", name=p, score=1.0) for p in people]
    answer = Answer(question="isolated", scope=Scope(), version=1, items=items)
    data = build_map(context, answer=answer)
    groups = {n["groupKey"]: n for n in data["view"]["nodes"]}
    assert groups["BU00010101"]["label"].endswith("★2") and groups["BU00010101"]["role"] == "answer"
    assert groups["BU00010102"]["label"].endswith("★1")
    assert "role" not in groups["BU00010103"]
    inside = {n["id"]: n for n in data["groups"]["BU00010101"]["nodes"]}
    assert inside["r-0000001"]["role"] == "answer" and inside["r-0000000"].get("dim") is True


@pytest.mark.slow
def test_a_city_of_100000_residents_is_a_small_page_of_at_most_2000_nodes(
    embedded_dir: Path, tmp_path: Path
) -> None:
    settings = embedded_settings(embedded_dir, key_file=tmp_path / "secret.key")
    files = write_csv(synthetic_city(100_000, seed=1), tmp_path / "city")
    with open_store(settings) as store:
        store.clear()
        try:
            report = run_import(store, settings, files, ImportOptions())
            assert not report.errors
            context = NetworkContext.load(store)
        finally:
            store.clear()
    assert context.fabric.number_of_nodes() > 100_000
    html = render_map(context, drill_url="?neighbourhood={code}")
    data = page_data(html)
    assert data["totalNodes"] == context.fabric.number_of_nodes()
    assert 1 < data["drawnNodes"] <= MAX_DRAWN_NODES
    assert data["aggregate"]["by"] == "neighbourhood"
    assert len(html.encode("utf-8")) < 2_000_000
    assert all(n["drill"].startswith("?neighbourhood=BU9998") for n in data["view"]["nodes"]
               if n["groupKey"].startswith("BU"))  # fmt: skip
    hrefs = [a for _, attrs in Tags(html).tags for k, a in attrs.items() if k in ("src", "href")]
    assert not [h for h in hrefs if str(h).startswith(EXTERNAL)]
    # and one buurt of it: its communities, opened inside the page
    buurt = next(n["groupKey"] for n in data["view"]["nodes"] if n["groupKey"].startswith("BU"))
    local = build_map(context, scope=Scope(neighbourhoods=(buurt,)))
    assert local["aggregate"]["by"] == "community"
    assert local["drawnNodes"] <= MAX_DRAWN_NODES
    assert sum(len(g["nodes"]) for g in local["groups"].values()) == local["totalNodes"]


def _shuffled_city(seed: int) -> nx.Graph:
    """A city whose nodes come in no particular order, with self-loops, people without an
    area and ties that reach from group to group in every direction."""
    rng = random.Random(seed)
    fabric = city_context(6, 400, seed=seed, cross_ties=300).fabric
    order = list(fabric)
    rng.shuffle(order)
    shuffled = nx.Graph()
    shuffled.add_nodes_from((node, fabric.nodes[node]) for node in order)
    ties = list(fabric.edges(data=True))
    rng.shuffle(ties)
    shuffled.add_edges_from(ties)
    for node in rng.sample(order, 20):
        shuffled.add_edge(node, node, type="KNOWS")
    for node in rng.sample(order, 30):
        del shuffled.nodes[node]["neighbourhood"]
    return shuffled


def _walked(graph: nx.Graph, membership: dict[str, str]) -> tuple[Counter[str], Counter[Key]]:
    """The ties within and between groups, counted tie by tie over ``graph.edges()``."""
    inner: Counter[str] = Counter()
    between: Counter[Key] = Counter()
    for a, b in graph.edges():
        ga, gb = membership[a], membership[b]
        if ga == gb:
            inner[ga] += 1
        else:
            between[(ga, gb) if ga < gb else (gb, ga)] += 1
    return inner, between


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ties_counted_a_group_at_a_time_equal_a_walk_over_every_tie(seed: int) -> None:
    graph = _shuffled_city(seed)
    for by in ("neighbourhood", "community"):
        membership = group_nodes(graph, {}, by=by, seed=seed).membership
        ties = group_ties(graph, membership)
        walked_inner, walked_between = _walked(graph, membership)
        assert dict(ties.inner) == dict(walked_inner)
        # the pairs in the order the walk meets them: the overview's seeded layout reads them so
        assert list(ties.between.items()) == list(walked_between.items())
        # each group's nodes in the graph's order, beside their own neighbours
        groups = list(dict.fromkeys(membership[n] for n in graph))
        assert list(ties.members) == groups
        for key, people in ties.members.items():
            assert people == [n for n in graph if membership[n] == key]
            assert ties.neighbours[key] == [graph.adj[n] for n in people]


def _grouped_by_neighbourhood(graph: nx.Graph) -> dict[str, str]:
    """Straightforward: a node's own area, else the area most of its ties lead to."""
    located = {n: str(c) for n, c in graph.nodes(data="neighbourhood") if c is not None}
    membership = {}
    for node in graph:
        around = Counter(located[o] for o in graph.adj[node] if o in located)
        membership[node] = located.get(node) or (
            min(around, key=lambda code: (-around[code], code)) if around else OTHER
        )
    return membership


@pytest.mark.parametrize("seed", [1, 2])
def test_grouping_by_neighbourhood_equals_the_straightforward_one(seed: int) -> None:
    graph = _shuffled_city(seed)
    alone = f"r-alone-{seed}"
    graph.add_node(alone, label="Resident")  # no area and no ties
    grouping = group_nodes(graph, {}, by="neighbourhood", seed=seed)
    assert list(grouping.membership.items()) == list(_grouped_by_neighbourhood(graph).items())
    assert grouping.membership[alone] == OTHER


@pytest.mark.parametrize("seed", [1, 2])
def test_the_best_connected_members_are_those_sorting_them_all_gives(seed: int) -> None:
    graph = _shuffled_city(seed)
    people = list(graph)
    for size in (3, 10, 11, 500, len(people)):
        group = people[:size]
        expected = sorted(group, key=lambda n: (-graph.degree(n), n))[: overview.GROUP_NAMES_SHOWN]
        assert overview._best_connected(group, [graph.adj[n] for n in group]) == expected


def test_a_group_opened_in_the_page_is_drawn_from_its_members_in_id_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not in the order a subgraph view gives, which follows how the ids hash in this process:
    the same city drew its groups' layout and communities differently from run to run."""
    drawn: list[list[str]] = []

    def recording(graph: nx.Graph, *args: Any, **kwargs: Any) -> Any:
        drawn.append(list(graph))
        return draw(graph, *args, **kwargs)

    monkeypatch.setattr(overview, "draw", recording)
    data = build_map(city_context(4, 600))
    assert len(drawn) == len(data["groups"]) == 4
    assert all(nodes == sorted(nodes) for nodes in drawn)
