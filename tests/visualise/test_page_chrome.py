"""A served map carries the pages' header bar (sign-out with the session's token, the other
language), a map written to a file none; and what the page's script needs to decide labels."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph.analysis.context import NetworkContext
from tests.visualise.conftest import Tags, page_data
from visualise import build_map
from visualise.page import LABELS_ALL_UP_TO, render_page
from visualise.site import Chrome, Link, render_index

TOKEN = "tok-3f9a"  # a made-up form token


def _chrome(lang: str = "nl") -> Chrome:
    other = "en" if lang == "nl" else "nl"
    return Chrome(
        lang="en" if lang == "en" else "nl",
        role="coach",
        nav=[Link(f"/pages/?lang={lang}", "Overzicht" if lang == "nl" else "Overview")],
        other_lang=f"/pages/map?neighbourhood=BU1&lang={other}",
        sign_out=f"/pages/logout?lang={lang}",
        form_token=TOKEN,
    )


def _header(html: str) -> str:
    start = html.index('<header id="site-header">')
    return html[start : html.index("</header>", start) + len("</header>")]


def test_a_served_map_has_sign_out_with_its_token_and_the_other_language(
    sample_context: NetworkContext,
) -> None:
    data = build_map(sample_context, lang="nl")
    data["nav"] = [
        {"href": "/pages/?lang=nl", "label": "Overzicht"},
        {"href": "/pages/questions/bridges?lang=nl", "label": "Als tabel"},
    ]
    html = render_page(data, chrome=_chrome("nl"))
    tags = Tags(html)
    form = next(a for t, a in tags.tags if t == "form")
    assert form["method"] == "post" and form["action"] == "/pages/logout?lang=nl"
    token = next(a for t, a in tags.tags if t == "input" and a.get("name") == "form_token")
    assert token["type"] == "hidden" and token["value"] == TOKEN
    assert tags.by_id("sign-out")[1]["type"] == "submit"
    lang_link = tags.by_id("site-lang")[1]
    assert lang_link["href"] == "/pages/map?neighbourhood=BU1&lang=en"
    assert lang_link["hreflang"] == "en"
    header = _header(html)
    assert ">English</a>" in header and ">Afmelden</button>" in header
    assert "Rol: coach" in header
    # the bar's home link is not repeated by the map's own links; the map's others stay
    hrefs = [a.get("href") for t, a in tags.tags if t == "a"]
    assert hrefs.count("/pages/?lang=nl") == 2, "the site name and the bar's home link"
    assert "/pages/questions/bridges?lang=nl" in hrefs
    assert "#site-header {" in html, "the bar is styled as on the other pages"


def test_an_english_map_offers_dutch_and_signs_out_in_english(
    sample_context: NetworkContext,
) -> None:
    html = render_page(build_map(sample_context, lang="en"), chrome=_chrome("en"))
    header = _header(html)
    assert ">Nederlands</a>" in header and 'hreflang="nl"' in header
    assert ">Sign out</button>" in header and "Role: coach" in header


def test_the_bar_on_a_map_is_the_bar_on_every_other_page(sample_context: NetworkContext) -> None:
    chrome = _chrome("nl")
    index = render_index(chrome, areas=[], mine_only=True, whole_map=None, tables=[])
    html = render_page(build_map(sample_context), chrome=chrome)
    assert _header(html) == _header(index)


def test_a_map_written_to_a_file_has_no_bar_and_no_sign_out(
    sample_context: NetworkContext,
) -> None:
    html = render_page(build_map(sample_context))
    assert 'id="site-header"' not in html and "form_token" not in html
    assert "<form" not in html and "#site-header {" not in html


@pytest.mark.parametrize("ego", [None, "B001"])
def test_the_page_knows_the_ego_and_from_how_many_nodes_it_labels_fewer(
    sample_context: NetworkContext, pid: Callable[[str], str], ego: str | None
) -> None:
    data = page_data(render_page(build_map(sample_context, ego=pid(ego) if ego else None)))
    assert data["labelsAllUpTo"] == LABELS_ALL_UP_TO
    assert data["ego"] == (pid(ego) if ego else None)
    if ego is None:
        assert data["drawnNodes"] > LABELS_ALL_UP_TO, "the whole sample is a crowded map"
