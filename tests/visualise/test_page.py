"""The page in a real browser, where one is installed: it draws, a node's details appear, and
labels are drawn for every node of a small map, for few of a crowded one until zoomed in.

Headless Chromium loads the file (no network: everything is inside it) with a link to a node
(``#node=ID``), which selects it as a click does, and prints the resulting DOM.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.analysis.context import NetworkContext
from tests.visualise.conftest import city_context, page_data
from visualise import render_map, write_map
from visualise.page import ASSETS, LABELS_ALL_UP_TO

BROWSER = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
needs_browser = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine")


def _dom(page: Path, fragment: str = "") -> str:
    assert BROWSER is not None
    result = subprocess.run(
        [
            BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--virtual-time-budget=8000", "--dump-dom", page.as_uri() + fragment,
        ],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return result.stdout


def _details(dom: str) -> str:
    start = dom.index('<aside id="node-details"')
    return dom[start : dom.index("</aside>", start)]


@pytest.mark.skipif(shutil.which("node") is None, reason="no Node.js on this machine")
def test_the_page_script_parses() -> None:
    subprocess.run(["node", "--check", str(ASSETS / "map.js")], check=True, timeout=60)


@needs_browser
def test_a_node_shows_its_details(
    sample_context: NetworkContext, pid: Callable[[str], str], tmp_path: Path
) -> None:
    page = write_map(sample_context, tmp_path / "kaart.html")
    fatima = pid("B001")
    dom = _dom(page, f"#node={fatima}")
    assert 'data-map-ready="true"' in dom, "the script ran to the end"
    details = _details(dom)
    assert f'data-node-id="{fatima}"' in details
    assert "<h2>Fatima El Amrani</h2>" in details and "Bloemenbuurt" in details
    assert "<canvas" in dom, "vis-network drew"


@needs_browser
def test_a_node_inside_a_group_opens_its_group(tmp_path: Path) -> None:
    page = write_map(city_context(4, 600), tmp_path / "stad.html", lang="en")
    dom = _dom(page, "#node=r-0200007")
    details = _details(dom)
    assert 'data-node-id="r-0200007"' in details and "Buurt 3" in details
    back = dom[dom.index('id="map-back"') - 40 : dom.index('id="map-back"') + 40]
    assert "hidden" not in back, "the way back to the overview is offered"


# Drives the controls as a person would, then writes what it saw into <body data-test="...">.
EXERCISE = """<script>
(function () {
  var map = window.wijkgraafMap, seen = {};
  function set(id, value, event) {
    var element = document.getElementById(id);
    if (typeof value === "boolean") { element.checked = value; } else { element.value = value; }
    element.dispatchEvent(new Event(event));
  }
  var organisation = map.data.view.nodes.filter(function (n) { return n.kind === "Organisation"; })[0];
  set("colour-mode", "sector", "change");
  seen.sectorLegend = !document.querySelector('[data-legend-mode="sector"]').hidden &&
    document.querySelector('[data-legend-mode="kind"]').hidden;
  if (organisation) {
    seen.sectorColour = map.nodes.get(organisation.id).color.background === organisation.colours.sector;
    seen.tooltip = map.nodes.get(organisation.id).title;
  }
  set("theme-filter", "THEME", "change");
  seen.shownWithTheme = map.nodes.get().filter(function (n) { return !n.hidden; }).map(function (n) { return n.id; });
  set("theme-filter", "", "change");
  set("rel-KNOWS", false, "change");
  seen.knowsHidden = map.edges.get().filter(function (e) { return e.type === "KNOWS"; }).every(function (e) { return e.hidden; });
  seen.othersShown = map.edges.get().filter(function (e) { return e.type !== "KNOWS"; }).every(function (e) { return !e.hidden; });
  set("map-search", "QUERY", "input");
  seen.results = document.querySelectorAll("#map-search-results button").length;
  document.getElementById("map-search").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
  seen.details = document.getElementById("node-details").getAttribute("data-node-id");
  document.body.setAttribute("data-test", JSON.stringify(seen));
})();
</script>"""


def _exercise(html: str, tmp_path: Path, *, theme: str, query: str) -> dict[str, Any]:
    script = EXERCISE.replace("THEME", theme).replace("QUERY", query)
    page = tmp_path / "bediend.html"
    page.write_text(html.replace("</body>", script + "</body>"), encoding="utf-8")
    found = re.search(r'data-test="([^"]*)"', _dom(page))
    assert found, "the exercise ran"
    seen: dict[str, Any] = json.loads(unescape(found.group(1)))
    return seen


@needs_browser
def test_colours_filters_and_search_work_in_the_page(
    sample_context: NetworkContext, pid: Callable[[str], str], tmp_path: Path
) -> None:
    html = render_map(sample_context)
    seen = _exercise(html, tmp_path, theme="groen", query="Fatima El")
    assert seen["sectorColour"] is True and seen["sectorLegend"] is True
    assert seen["tooltip"].split("\n")[0].endswith("— organisatie")
    data = page_data(html)
    core = {n["id"] for n in data["view"]["nodes"] if "groen" in n.get("themes", ())}
    near = {e["to"] for e in data["view"]["edges"] if e["from"] in core}
    near |= {e["from"] for e in data["view"]["edges"] if e["to"] in core}
    assert core and set(seen["shownWithTheme"]) == core | near
    assert seen["knowsHidden"] is True and seen["othersShown"] is True
    assert seen["results"] >= 1 and seen["details"] == pid("B001")


@needs_browser
def test_search_finds_a_person_inside_a_group(tmp_path: Path) -> None:
    html = render_map(city_context(4, 600))
    seen = _exercise(html, tmp_path, theme="", query="r-0300011")
    assert seen["results"] == 1 and seen["details"] == "r-0300011"
    assert seen["sectorLegend"] is True


# After the first frames, which nodes vis-network draws a label for (its own rule: the label's
# size on screen against the node's drawThreshold), at the first view and zoomed in to 2.
LABELS = """<script>
setTimeout(function () {
  var network = window.wijkgraafMap.network, seen = {};
  function shown() {
    network.redraw();
    return Object.values(network.body.nodes).filter(function (node) {
      return node.labelModule.visible();
    }).map(function (node) { return node.id; }).sort();
  }
  seen.first = shown();
  seen.scale = network.getScale();
  network.moveTo({ scale: 2 });
  seen.zoomed = shown();
  document.body.setAttribute("data-labels", JSON.stringify(seen));
}, 1000);
</script>"""


def _labels(html: str, tmp_path: Path) -> dict[str, Any]:
    page = tmp_path / "namen.html"
    page.write_text(html.replace("</body>", LABELS + "</body>"), encoding="utf-8")
    found = re.search(r'data-labels="([^"]*)"', _dom(page))
    assert found, "the labels were read"
    seen: dict[str, Any] = json.loads(unescape(found.group(1)))
    return seen


@needs_browser
def test_a_small_map_labels_every_node(
    sample_context: NetworkContext, pid: Callable[[str], str], tmp_path: Path
) -> None:
    html = render_map(sample_context, ego=pid("B001"), steps=2)
    ids = sorted(n["id"] for n in page_data(html)["view"]["nodes"])
    assert 10 < len(ids) <= LABELS_ALL_UP_TO
    assert _labels(html, tmp_path)["first"] == ids


@needs_browser
def test_a_crowded_map_labels_only_when_zoomed_in(tmp_path: Path) -> None:
    html = render_map(city_context(1, 300))
    ids = sorted(n["id"] for n in page_data(html)["view"]["nodes"])
    assert len(ids) > 3 * LABELS_ALL_UP_TO
    seen = _labels(html, tmp_path)
    assert seen["scale"] < 1 and seen["first"] == []
    assert seen["zoomed"] == ids


@needs_browser
def test_a_crowded_ego_map_labels_its_ego(tmp_path: Path) -> None:
    fabric = nx.star_graph(150)
    nx.relabel_nodes(fabric, {n: f"r-{n:06d}" for n in fabric}, copy=False)
    nx.set_node_attributes(fabric, "Resident", "label")
    nx.set_edge_attributes(fabric, "KNOWS", "type")
    html = render_map(NetworkContext(1, fabric), ego="r-000000")
    seen = _labels(html, tmp_path)
    assert seen["first"] == ["r-000000"]
    assert len(seen["zoomed"]) == 151
