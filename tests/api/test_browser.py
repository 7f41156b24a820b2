"""The served pages in a real browser: headless Chromium (Debian's package) driven by
Playwright, against the app on a loopback port this module starts and stops.

A map page and a question page: the network is drawn (the canvas is not blank), the console
shows no error, no request leaves the server, and clicking a node shows its details. A map of
the whole sample (367 nodes) labels the answer's nodes only, until the pointer or the zoom asks
for more; the map page's header signs out and switches language as every page's does.
Screenshots are kept as artefacts in ``test-artefacts/`` (or ``WIJKGRAAF_TEST_ARTEFACTS``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from api.access.api_keys import KeyStore
from api.access.audit import Role
from api.app import create_app
from graph.analysis.context import NetworkContext
from graph.backends import open_store
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.api.browsing import on_loopback
from tests.conftest import embedded_settings
from visualise.page import LABELS_ALL_UP_TO

playwright_api = pytest.importorskip("playwright.sync_api")

BROWSER = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine")

ARTEFACTS = Path(
    os.environ.get("WIJKGRAAF_TEST_ARTEFACTS")
    or Path(__file__).resolve().parents[2] / "test-artefacts"
)


@dataclass
class Served:
    base: str
    tokens: dict[str, str]
    buurt: str


@pytest.fixture(scope="module")
def served(embedded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app with the sample neighbourhood, on 127.0.0.1 (a free port), in a thread."""
    folder = tmp_path_factory.mktemp("served")
    settings = embedded_settings(
        embedded_dir,
        key_file=folder / "secret.key",
        api_keys_file=folder / "keys.json",
        audit_log=folder / "audit.jsonl",
    )
    with open_store(settings) as store:
        store.clear()
        assert not run_import(store, settings, sample_files(), ImportOptions()).errors
        context = NetworkContext.load(store)
        buurt = sorted(c for c, a in context.areas.items() if a["level"] == "buurt")[0]
        keys = KeyStore(settings.api_keys_file)
        tokens = {
            "coach": keys.create(Role.COACH, [buurt])[1],
            "policymaker": keys.create(Role.POLICYMAKER)[1],
            "admin": keys.create(Role.ADMIN)[1],
        }
        try:
            with on_loopback(create_app(settings, store=store)) as address:
                yield Served(address, tokens, buurt)
        finally:
            store.clear()


@dataclass
class Watched:
    """What a browser tab did: console errors, script errors and every address it asked for."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=BROWSER, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


def _signed_in(chromium: Any, served: Served, role: str) -> Watched:
    """A fresh tab that signed in through the sign-in form, as a person would."""
    page = chromium.new_context(viewport={"width": 1400, "height": 900}).new_page()
    watched = Watched(page)
    page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(str(e)))
    page.on("request", lambda r: watched.requests.append(r.url))
    page.goto(served.base + "/")
    assert "/pages/login" in page.url
    page.fill("#key", served.tokens[role])
    page.click("#sign-in button[type=submit]")
    page.wait_for_url(served.base + "/pages/")
    return watched


def _stayed_home(watched: Watched, served: Served) -> None:
    assert watched.requests
    away = [u for u in watched.requests if not u.startswith((served.base + "/", "data:"))]
    assert not away, f"requests left the server: {away}"
    assert not watched.errors, f"console errors: {watched.errors}"


def _screenshot(watched: Watched, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / name
    watched.page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000
    return path


DRAWN_PIXELS = """() => {
  const canvas = document.querySelector("#mynetwork canvas");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { drawn += 1; } }
  return drawn;
}"""

# Where on the screen a node is drawn, and which node the map finds under that point.
NODE_ON_SCREEN = """(id) => {
  const map = window.wijkgraafMap;
  const point = map.network.canvasToDOM(map.network.getPosition(id));
  const box = document.querySelector("#mynetwork canvas").getBoundingClientRect();
  return {x: box.left + point.x, y: box.top + point.y, under: map.network.getNodeAt(point)};
}"""


def _click_a_node(watched: Watched, node_id: str) -> None:
    """Click where the node is drawn; the details panel shows the node found there."""
    page = watched.page
    spot = page.evaluate(NODE_ON_SCREEN, node_id)
    assert spot["under"], "a node is drawn where the map says"
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_selector(f'#node-details[data-node-id="{spot["under"]}"]', timeout=10_000)
    name = page.evaluate(
        "(id) => window.wijkgraafMap.data.view.nodes.find(n => n.id === id).label", spot["under"]
    )
    assert name and name in page.inner_text("#node-details h2")


def _drawn(watched: Watched) -> None:
    page = watched.page
    page.wait_for_selector('body[data-map-ready="true"]', timeout=30_000)
    page.wait_for_function("() => window.wijkgraafMap && window.wijkgraafMap.nodes.length > 0")
    page.wait_for_timeout(500)  # the first frame after the layout
    assert page.evaluate(DRAWN_PIXELS) > 2_000, "the canvas is not blank"


def test_a_served_map_draws_and_a_clicked_node_shows_its_details(
    chromium: Any, served: Served
) -> None:
    watched = _signed_in(chromium, served, "coach")
    page = watched.page
    page.goto(f"{served.base}/pages/map?neighbourhood={served.buurt}&question=bridges")
    _drawn(watched)
    first = page.evaluate(
        "() => window.wijkgraafMap.data.view.nodes.filter(n => n.role === 'answer')[0].id"
    )
    _click_a_node(watched, first)
    _screenshot(watched, "map.png")
    _stayed_home(watched, served)


def test_a_served_question_page_leads_to_a_drawn_map(chromium: Any, served: Served) -> None:
    watched = _signed_in(chromium, served, "coach")
    page = watched.page
    page.goto(f"{served.base}/pages/questions/isolated?neighbourhood={served.buurt}")
    rows = page.locator("#answer tbody tr")
    assert rows.count() > 0
    _screenshot(watched, "question.png")
    rows.first.locator("a").first.click()
    page.wait_for_url("**/pages/map?ego=*")
    _drawn(watched)
    ego = page.evaluate("() => new URLSearchParams(location.search).get('ego')")
    _click_a_node(watched, ego)
    _stayed_home(watched, served)


def test_a_served_figures_page_shows_a_chart(chromium: Any, served: Served) -> None:
    watched = _signed_in(chromium, served, "policymaker")
    page = watched.page
    page.goto(f"{served.base}/pages/aggregates/needs_by_neighbourhood_and_theme")
    assert page.locator("#chart rect.bar").count() > 0
    assert page.locator("#aggregate tbody tr").count() > 0
    _screenshot(watched, "figures.png")
    _stayed_home(watched, served)


# The nodes whose labels vis-network draws now (its own rule: label size on screen against the
# node's drawThreshold), and the smallest size on screen of those labels.
LABELS = """() => {
  const network = window.wijkgraafMap.network, scale = network.getScale();
  const shown = Object.values(network.body.nodes).filter(n => n.labelModule.visible());
  return {
    ids: shown.map(n => n.id).sort(),
    smallest: Math.min(...shown.map(n => n.labelModule.fontOptions.size * scale)),
    scale: scale,
  };
}"""


def _labels(watched: Watched) -> dict[str, Any]:
    watched.page.evaluate("() => window.wijkgraafMap.network.redraw()")
    found: dict[str, Any] = watched.page.evaluate(LABELS)
    return found


def test_a_crowded_map_labels_the_answer_and_more_on_hover_and_zoom(
    chromium: Any, served: Served
) -> None:
    watched = _signed_in(chromium, served, "admin")
    page = watched.page
    page.goto(f"{served.base}/pages/map?question=bridges")
    _drawn(watched)
    nodes = page.evaluate("() => window.wijkgraafMap.data.view.nodes")
    assert len(nodes) > 3 * LABELS_ALL_UP_TO, "a few hundred nodes"
    answer = sorted(n["id"] for n in nodes if n.get("role"))
    assert answer and len(answer) < len(nodes) / 5
    first = _labels(watched)
    assert first["ids"] == answer, "at first only the answer's nodes are labelled"
    assert first["scale"] < 1 and first["smallest"] >= 11.5, "and readably"
    _screenshot(watched, "map-crowded.png")

    # the pointer over an unlabelled node shows its label, and only while it is there
    plain = [n["id"] for n in nodes if not n.get("role")]
    spot = next(
        found
        for node in plain
        if (found := page.evaluate(NODE_ON_SCREEN, node))["under"] == node
        and 0 < found["x"] < 1400
        and 0 < found["y"] < 900
    )
    page.mouse.move(spot["x"], spot["y"])
    page.wait_for_function(
        "(id) => window.wijkgraafMap.network.body.nodes[id].labelModule.visible()",
        arg=spot["under"],
    )
    assert _labels(watched)["ids"] == sorted([*answer, spot["under"]])
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.move(box["x"] + 2, box["y"] + 2)
    page.wait_for_function(
        "(id) => !window.wijkgraafMap.network.body.nodes[id].labelModule.visible()",
        arg=spot["under"],
    )

    # a clicked node has its label, and so have its neighbours
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_selector(f'#node-details[data-node-id="{spot["under"]}"]')
    near = page.evaluate("(id) => window.wijkgraafMap.network.getConnectedNodes(id)", spot["under"])
    assert near and not set(near) <= set(answer)
    assert _labels(watched)["ids"] == sorted({*answer, spot["under"], *near})
    page.mouse.click(box["x"] + 2, box["y"] + 2)  # on the empty canvas: nothing selected
    page.wait_for_function(
        "(id) => !window.wijkgraafMap.network.body.nodes[id].labelModule.visible()",
        arg=spot["under"],
    )
    assert _labels(watched)["ids"] == answer

    # zoomed in by the wheel, more labels appear; far enough, every node has its label
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*centre)
    counts = []
    for _ in range(60):
        zoomed = _labels(watched)
        counts.append(len(zoomed["ids"]))
        if zoomed["scale"] >= 1.6:
            break
        page.mouse.wheel(0, -120)
        page.wait_for_timeout(50)
    assert zoomed["scale"] >= 1.6 and counts[-1] == len(nodes)
    # (the pointer may rest on a node, which then has its label too)
    assert counts[0] <= len(answer) + 1 and counts == sorted(counts), "labels come with the zoom"
    _screenshot(watched, "map-zoomed.png")
    _stayed_home(watched, served)


def test_the_map_page_signs_out_and_speaks_english_as_every_page_does(
    chromium: Any, served: Served
) -> None:
    watched = _signed_in(chromium, served, "coach")
    page = watched.page
    page.goto(f"{served.base}/pages/map?neighbourhood={served.buurt}&question=isolated")
    _drawn(watched)
    assert page.get_attribute("html", "lang") == "nl"
    assert page.inner_text("#sign-out") == "Afmelden"
    page.click("#site-lang")
    page.wait_for_url("**lang=en")
    _drawn(watched)
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("#sign-out") == "Sign out"
    assert page.inner_text("#map-title").startswith("Network map")
    query = page.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")
    assert query == {"neighbourhood": served.buurt, "question": "isolated", "lang": "en"}
    token = page.get_attribute("#site-header input[name=form_token]", "value")
    assert token, "sign-out carries the session's form token"
    page.click("#sign-out")
    page.wait_for_url("**/pages/login**")
    page.goto(f"{served.base}/pages/map?neighbourhood={served.buurt}")
    assert "/pages/login" in page.url, "the session has ended"
    _stayed_home(watched, served)
