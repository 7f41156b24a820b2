"""Maps of the sample neighbourhood: what is drawn, how it looks and speaks, and that the page
needs nothing from the internet."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from graph.analysis.context import NetworkContext
from graph.analysis.results import Scope
from graph.errors import NotFoundError
from importers.synthetic import sample_neighbourhood
from tests.visualise.conftest import Tags, page_data
from visualise import build_map, render_map, write_map
from visualise.page import VIS_DIR
from visualise.style import KIND_STYLE, SECTOR_STYLE

HAVENKWARTIER = "BU99990102"
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


def _ids(data: dict[str, object]) -> set[str]:
    view = data["view"]
    assert isinstance(view, dict)
    return {node["id"] for node in view["nodes"]}


def _pairs(data: dict[str, object]) -> set[frozenset[str]]:
    view = data["view"]
    assert isinstance(view, dict)
    return {frozenset((e["from"], e["to"])) for e in view["edges"] if e["type"] != "SUGGESTION"}


def test_a_neighbourhood_map_draws_exactly_what_the_scope_selects(
    sample_context: NetworkContext,
) -> None:
    scope = Scope(neighbourhoods=(HAVENKWARTIER,))
    expected = sample_context.scoped(scope)
    data = build_map(sample_context, scope=scope)
    assert 50 < len(_ids(data)) < sample_context.fabric.number_of_nodes()
    assert _ids(data) == set(expected)
    assert _pairs(data) == {frozenset(edge) for edge in expected.edges()}
    assert data["aggregate"] is None and data["groups"] == {}
    assert "Havenkwartier" in data["title"]


def test_the_whole_sample_is_drawn_person_by_person(sample_context: NetworkContext) -> None:
    data = build_map(sample_context)
    assert data["drawnNodes"] == data["totalNodes"] == sample_context.fabric.number_of_nodes()
    assert len(_pairs(data)) == sample_context.fabric.number_of_edges()


@pytest.mark.parametrize("steps", [1, 2])
def test_an_ego_map_holds_exactly_the_steps_around_the_person(
    sample_context: NetworkContext, pid: Callable[[str], str], steps: int
) -> None:
    fatima = pid("B001")
    reach = nx.single_source_shortest_path_length(sample_context.fabric, fatima, cutoff=steps)
    data = build_map(sample_context, ego=fatima, steps=steps)
    assert _ids(data) == set(reach)
    inside = sample_context.fabric.subgraph(reach)
    assert _pairs(data) == {frozenset(edge) for edge in inside.edges()}
    assert max(reach.values()) == steps, "the sample reaches that far from Fatima"
    assert data["title"].startswith("Netwerk van Fatima El Amrani")


def test_an_initiatives_ego_map_has_its_participants(
    sample_context: NetworkContext, pid: Callable[[str], str]
) -> None:
    moestuin = pid("I01")
    data = build_map(sample_context, ego=moestuin)
    assert _ids(data) == {moestuin, *sample_context.fabric.adj[moestuin]}


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"ego": "r-nobody"}, NotFoundError, "r-nobody"),
        ({"scope": Scope(neighbourhoods=("BU00000000",))}, NotFoundError, "BU00000000"),
        ({"ego": "x", "steps": 3}, ValueError, "steps must be 1 or 2"),
        ({"colour_by": "shoe size"}, ValueError, "colour_by"),
        ({"size_by": "age"}, ValueError, "size_by"),
    ],
)
def test_bad_requests_are_refused(
    sample_context: NetworkContext, options: dict[str, object], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        build_map(sample_context, **options)  # type: ignore[arg-type]


def test_each_kind_has_its_colour_and_shape(sample_context: NetworkContext) -> None:
    data = build_map(sample_context)
    kinds = set()
    for node in data["view"]["nodes"]:
        style = KIND_STYLE[node["kind"]]
        assert (node["colours"]["kind"], node["shape"]) == (style.colour, style.shape)
        kinds.add(node["kind"])
    assert kinds == set(KIND_STYLE)


def test_sector_colours_follow_the_five_os(sample_context: NetworkContext) -> None:
    data = build_map(sample_context)
    fabric = sample_context.fabric
    seen = set()
    for node in data["view"]["nodes"]:
        if node["kind"] == "Organisation":
            sector = fabric.nodes[node["id"]]["o_sector"]
            assert node["colours"]["sector"] == SECTOR_STYLE[sector][0]
            seen.add(sector)
        elif node["kind"] in ("Resident", "Initiative"):
            assert node["colours"]["sector"] == SECTOR_STYLE["omgeving"][0]
    assert seen == set(SECTOR_STYLE), "the sample has all five O's"


def test_communities_colour_the_map_and_the_legend_names_them(
    sample_context: NetworkContext,
) -> None:
    data = build_map(sample_context, colour_by="community")
    colours = {node["colours"]["community"] for node in data["view"]["nodes"]}
    legend = {entry["colour"] for entry in data["legend"]["community"]}
    assert len(colours) > 3 and colours == legend
    tags = Tags(render_map(sample_context, colour_by="community"))
    selected = [a for t, a in tags.tags if t == "option" and "selected" in a]
    assert {"value": "community", "selected": None} in selected


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nl", ["Legenda", "Bewoner", "Initiatief", "Organisatie", "Ondernemers", "kent"]),
        ("en", ["Legend", "Resident", "Initiative", "Organisation", "Businesses", "knows"]),
    ],
)
def test_legend_and_texts_in_dutch_or_english(
    sample_context: NetworkContext, lang: str, words: list[str]
) -> None:
    html = render_map(sample_context, lang=lang)  # type: ignore[arg-type]
    legend = html[html.index('id="map-legend"') : html.index("</section>")]
    for text in words:
        assert text in legend, text
    assert f'<html lang="{lang}">' in html
    data = page_data(html)
    resident = next(n for n in data["view"]["nodes"] if n["kind"] == "Resident")
    assert resident["details"][0] == (
        ["soort", "Bewoner"] if lang == "nl" else ["kind", "Resident"]
    )


def test_the_legend_lists_what_the_map_holds_only(
    sample_context: NetworkContext, pid: Callable[[str], str]
) -> None:
    data = build_map(sample_context, ego=pid("B001"))  # residents and initiatives only
    assert [entry["label"] for entry in data["legend"]["kind"]] == ["Bewoner", "Initiatief"]
    assert {entry["label"] for entry in data["legend"]["edges"]} == {"kent", "doet mee aan"}


def test_controls_filters_and_panels_have_their_ids(sample_context: NetworkContext) -> None:
    html = render_map(sample_context)
    tags = Tags(html)
    for element_id in (
        "mynetwork", "node-details", "map-legend", "map-search", "map-search-results",
        "colour-mode", "size-mode", "theme-filter", "relation-filter", "map-back", "map-title",
    ):  # fmt: skip
        tags.by_id(element_id)
    data = page_data(html)
    types = {e["type"] for e in data["view"]["edges"]}
    boxes = {a["value"] for t, a in tags.tags if t == "input" and a.get("type") == "checkbox"}
    assert boxes == types == set(data["relations"])
    assert {f"rel-{t}" for t in types} <= {str(a.get("id")) for _, a in tags.tags}
    themes = {str(a["value"]) for t, a in tags.tags if t == "option" and a.get("value")} - {
        "kind", "sector", "community", "degree", "betweenness",
    }  # fmt: skip
    addressed = set().union(*sample_context.addresses.values())
    assert addressed <= themes


def test_initiatives_carry_their_themes_and_residents_their_interests_only(
    sample_context: NetworkContext,
) -> None:
    data = build_map(sample_context)
    kinds = Counter(node["kind"] for node in data["view"]["nodes"])
    assert kinds["Initiative"] and kinds["Resident"], "the sample draws both"
    for node in data["view"]["nodes"]:
        if node["kind"] == "Initiative":
            assert node.get("themes", []) == sorted(sample_context.addresses.get(node["id"], ()))
        elif node["kind"] == "Resident":
            # support needs never travel in the page
            assert node.get("themes", []) == sorted(sample_context.interests.get(node["id"], ()))


def test_no_resource_comes_from_the_internet(sample_context: NetworkContext) -> None:
    html = render_map(sample_context)
    tags = Tags(html)
    references = [
        (tag, name, value)
        for tag, attrs in tags.tags
        for name, value in attrs.items()
        if name in ("src", "href", "srcset", "data", "action") and value
    ]
    assert [r for r in references if EXTERNAL.match(str(r[2]))] == []
    assert not [t for t, a in tags.tags if t == "script" and "src" in a]
    assert not [t for t, a in tags.tags if t in ("iframe", "img")]
    # the one link is an empty icon inside the page, so no browser asks for /favicon.ico
    assert [a for t, a in tags.tags if t == "link"] == [{"rel": "icon", "href": "data:,"}]
    assert "@import" not in html and "url(http" not in html
    # vis-network itself is inside the page
    assert (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8") in html
    assert "new vis.Network(" in html


def test_only_names_that_may_be_shown_reach_the_page(sample_context: NetworkContext) -> None:
    html = render_map(sample_context)
    sample = sample_neighbourhood()
    residents = sample["residents"]
    shown = {row["name"] for row in residents if row["consent_name"] == "ja" and row["name"]}
    shown |= {row["name"] for row in sample["professionals"]}  # a professional's name is shown
    hidden = {row["name"] for row in residents if row["consent_name"] != "ja" and row["name"]}
    assert hidden - shown, "the sample has residents who gave no consent for their name"
    for name in hidden - shown:
        assert name not in html, name
    labels = {n["id"]: n["label"] for n in page_data(html)["view"]["nodes"]}
    assert all(label == sample_context.name(node) for node, label in labels.items())
    assert sum(1 for node, label in labels.items() if label == node[:8]) > 10


def test_a_name_can_never_end_the_script_or_write_html(tmp_path: Path) -> None:
    fabric = nx.Graph()
    evil = '</script><script>alert("x")</script><!--'
    fabric.add_node("i-1", label="Initiative", name=evil)
    fabric.add_node("r-1", label="Resident", display_name="Ann & <b>Bo</b>")
    fabric.add_edge("r-1", "i-1", type="PARTICIPATES_IN")
    html = render_map(NetworkContext(1, fabric))
    assert evil not in html and "<b>Bo</b>" not in html
    assert html.count("</script>") == len([t for t, _ in Tags(html).tags if t == "script"])
    labels = {n["label"] for n in page_data(html)["view"]["nodes"]}
    assert labels == {evil, "Ann & <b>Bo</b>"}
    path = write_map(NetworkContext(1, fabric), tmp_path / "kaart.html", lang="en")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_sizes_follow_the_chosen_score(sample_context: NetworkContext) -> None:
    data = build_map(sample_context, size_by="betweenness")
    nodes = data["view"]["nodes"]
    by_degree = max(nodes, key=lambda n: sample_context.fabric.degree(n["id"]))
    assert by_degree["sizes"]["degree"] == max(n["sizes"]["degree"] for n in nodes)
    assert data["sizeBy"] == "betweenness"
    assert len({n["sizes"]["betweenness"] for n in nodes}) > 10
    isolated = [n for n in nodes if sample_context.fabric.degree(n["id"]) == 0]
    assert isolated and all(n["sizes"]["degree"] == min(m["sizes"]["degree"] for m in nodes)
                            for n in isolated)  # fmt: skip


def test_the_same_data_and_seed_draw_the_same_page(sample_context: NetworkContext) -> None:
    scope = Scope(neighbourhoods=(HAVENKWARTIER,))
    assert render_map(sample_context, scope=scope) == render_map(sample_context, scope=scope)
    moved = build_map(sample_context, scope=scope, seed=2)["view"]["nodes"]
    first = build_map(sample_context, scope=scope)["view"]["nodes"]
    assert [(n["x"], n["y"]) for n in moved] != [(n["x"], n["y"]) for n in first]


def test_nodes_do_not_overlap(sample_context: NetworkContext) -> None:
    nodes = build_map(sample_context, size_by="degree")["view"]["nodes"]
    clashes = 0
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            reach = max(a["sizes"].values()) + max(b["sizes"].values())
            clashes += (a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2 < (reach * 0.95) ** 2
    assert clashes <= len(nodes) // 100
