"""The HTML page of a map: one file with everything inside, so it opens with no internet.

vis-network (the JavaScript that draws) comes from the build pyvis ships
(``pyvis/templates/lib/vis-9.1.2``) and is written into the page, with its stylesheet.
pyvis's own page template is not used: it loads Bootstrap from a CDN whatever its
``cdn_resources`` says, and its ``add_edge`` checks every earlier edge (quadratic: minutes for
a map of 2,000 nodes). The page's own script (``assets/map.js``, vanilla JavaScript on the vis
DataSet) switches colours and sizes, filters by theme and kind of tie, searches, shows details
and opens groups. The map's data travels as JSON in a ``<script type="application/json">``
element, with ``<`` escaped so no name can end it.

Element ids, stable for scripts, styles and browser tests:

=====================  ===========================================================
``mynetwork``          the drawing (vis-network's canvas lives inside)
``node-details``       side panel: the clicked node's details (``data-node-id`` is set)
``map-legend``         the legend; one list per colour mode (``data-legend-mode``)
``map-search``         search box (name or id); results in ``map-search-results``
``colour-mode``        select: ``kind``, ``sector``, ``community``
``size-mode``          select: ``degree``, ``betweenness``, ``score`` (or ``members``)
``theme-filter``       select: a theme code, or empty for all
``relation-filter``    fieldset of checkboxes ``rel-<TYPE>`` (e.g. ``rel-KNOWS``)
``map-back``           button back to the overview from an opened group
``map-title``          heading; ``map-notes`` the notes under it
``map-data``           the JSON the page is drawn from
``map-nav``            links back to the served pages (only when ``data["nav"]`` is set)
``dates``              a served map's date (``dates-as_of``): the map as of that date
``site-header``        a served map's header bar, as on every page: ``site-nav``,
                       ``site-lang`` (the other language), ``sign-out`` (a form with
                       the session's token); only when ``render_page`` gets ``chrome``
=====================  ===========================================================

Labels: on a map of at most :data:`LABELS_ALL_UP_TO` drawn nodes every node has its label. On
a larger one, where labels run into each other, only the nodes the answer marks (and a group,
the ego of an ego map, the node under the pointer, the selected node and its neighbours) have
theirs at every zoom, at a size that stays readable; the others' labels appear once the map is
zoomed in so far that neighbouring nodes are about a label apart (vis-network's
``scaling.label.drawThreshold``, per node). The names are the same ``label`` fields either way.

``window.wijkgraafMap`` holds ``network``, ``nodes``, ``edges`` (the vis objects),
``data``, ``show(id)`` and ``openGroup(key)`` for scripts and tests.
"""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path
from typing import Any

import pyvis

from graph.analysis.results import Lang
from visualise.dates import DateForm, render_date_form
from visualise.site import HEADER_STYLESHEET, Chrome, render_header
from visualise.style import (
    COMMUNITY_PALETTE,
    EDGE_ROLE_STYLE,
    GROUP_SHAPE,
    KIND_STYLE,
    RELATION_STYLE,
    ROLE_STYLE,
    SECTOR_STYLE,
    UNKNOWN_COLOUR,
    kind_name,
    relation_name,
    role_name,
    word,
)

VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
ASSETS = Path(__file__).parent / "assets"

#: The most drawn nodes a map labels all of (above it, labels overlap at the first view).
LABELS_ALL_UP_TO = 100

#: Words the page's script needs, looked up in :data:`visualise.style.WORDS`.
SCRIPT_WORDS = ("search_none", "search_found", "reasons", "group", "id")

Legend = dict[str, list[dict[str, str]]]


def _entry(label: str, colour: str, shape: str = "dot", line: str = "") -> dict[str, str]:
    return {"label": label, "colour": colour, "shape": shape, "line": line}


def legend_entries(
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    *,
    lang: Lang,
    aggregate: bool,
) -> Legend:
    """The legend's entries for what the map holds (its groups' members included)."""
    kinds = {str(n["kind"]) for n in nodes}
    sector_colours = {n["colours"]["sector"] for n in nodes if n["kind"] != "group"}
    community_colours = {n["colours"]["community"] for n in nodes if n["kind"] != "group"}
    roles = {str(n["role"]) for n in nodes if n.get("role")}
    edge_roles = {str(e["role"]) for e in edges if e.get("role")}
    types = {str(e["type"]) for e in edges}
    legend: Legend = {
        "kind": [
            _entry(kind_name(kind, lang), style.colour, style.shape)
            for kind, style in KIND_STYLE.items()
            if kind in kinds
        ],
        "shapes": [
            _entry(kind_name(kind, lang), "#ffffff", style.shape)
            for kind, style in KIND_STYLE.items()
            if kind in kinds
        ],
        "sector": [
            _entry(label_nl if lang == "nl" else label_en, colour)
            for colour, label_nl, label_en in SECTOR_STYLE.values()
            if colour in sector_colours
        ],
        "community": [
            _entry(word(lang, "community_n", n=rank + 1), colour)
            for rank, colour in enumerate(COMMUNITY_PALETTE)
            if colour in community_colours
        ],
        "roles": [
            _entry(role_name(role, lang), style[0], "ring")
            for role, style in ROLE_STYLE.items()
            if role in roles
        ],
        "edges": [
            _entry(relation_name(rel, lang), RELATION_STYLE[rel][0], "line")
            for rel in RELATION_STYLE
            if rel in types and rel != "SUGGESTION"  # drawn as an edge role below
        ]
        + [
            _entry(role_name(role, lang), EDGE_ROLE_STYLE[role][0], "line", role)
            for role in EDGE_ROLE_STYLE
            if role in edge_roles
        ],
        "groups": [],
    }
    if UNKNOWN_COLOUR in sector_colours:
        legend["sector"].append(_entry(word(lang, "unknown"), UNKNOWN_COLOUR))
    if UNKNOWN_COLOUR in community_colours:
        legend["community"].append(_entry(word(lang, "smaller_communities"), UNKNOWN_COLOUR))
    if aggregate:
        legend["groups"].append(_entry(word(lang, "group_legend"), "#cccccc", GROUP_SHAPE))
    return legend


def render_page(
    data: dict[str, Any], *, chrome: Chrome | None = None, dates: DateForm | None = None
) -> str:
    """The complete page for the data :func:`visualise.maps.build_map` returns; a served map
    gets the pages' ``chrome`` (their header bar, with sign-out and the other language) and
    ``dates``, the form of the date it is drawn as of (:mod:`visualise.dates`)."""
    lang: Lang = "en" if data["lang"] == "en" else "nl"
    payload = {
        **data,
        "labelsAllUpTo": LABELS_ALL_UP_TO,
        "words": {key: word(lang, key) for key in SCRIPT_WORDS},
        "roleColours": {role: style[0] for role, style in ROLE_STYLE.items()},
        "relationNames": {rel: relation_name(rel, lang) for rel in RELATION_STYLE},
        "relationColours": {rel: style[0] for rel, style in RELATION_STYLE.items()},
        "edgeRoleNames": {role: role_name(role, lang) for role in EDGE_ROLE_STYLE},
        "edgeRoleColours": {role: style[0] for role, style in EDGE_ROLE_STYLE.items()},
    }
    title = str(data["title"])
    if data.get("overlay"):
        title += " — " + str(data["overlay"]["title"])
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title>",
        '<link rel="icon" href="data:,">',  # no request for /favicon.ico
        f"<style>{_asset(VIS_DIR / 'vis-network.css')}</style>",
        f"<style>{_asset(ASSETS / 'map.css')}</style>",
        f"<style>{_asset(HEADER_STYLESHEET)}</style>" if chrome else "",
        "</head>",
        "<body>",
        render_header(chrome) if chrome else "",
        '<header id="map-header">',
        _nav(_own_links(data.get("nav", ()), chrome)),
        render_date_form(chrome, dates) if chrome and dates else "",
        f'<h1 id="map-title">{_text(title)}</h1>',
        '<ul id="map-notes">' + "".join(f"<li>{_text(n)}</li>" for n in data["notes"]) + "</ul>",
        f"<noscript><p>{_text(word(lang, 'no_script'))}</p></noscript>",
        "</header>",
        '<main id="map-main">',
        _controls(data, lang),
        f'<div id="mynetwork" role="application" aria-label="{_text(title)}"></div>',
        '<aside id="node-details" aria-live="polite">'
        f"<h2>{_text(word(lang, 'details'))}</h2>"
        f'<p class="hint">{_text(word(lang, "click_hint"))}</p>'
        "</aside>",
        "</main>",
        f'<script id="map-data" type="application/json">{_json(payload)}</script>',
        f"<script>{_asset(VIS_DIR / 'vis-network.min.js')}</script>",
        f"<script>{_asset(ASSETS / 'map.js')}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts)


def _own_links(links: Any, chrome: Chrome | None) -> list[Any]:
    """The map's links that the header bar does not already show."""
    shown = {link.href for link in chrome.nav} if chrome else set()
    return [link for link in links if link["href"] not in shown]


def _nav(links: Any) -> str:
    """Links back to the pages a served map belongs to (none on a map written to a file)."""
    if not links:
        return ""
    items = "".join(f'<a href="{_text(link["href"])}">{_text(link["label"])}</a>' for link in links)
    return f'<nav id="map-nav">{items}</nav>'


def _controls(data: dict[str, Any], lang: Lang) -> str:
    colour_options = "".join(
        _option(mode, word(lang, f"colour_{mode}"), mode == data["colourBy"])
        for mode in ("kind", "sector", "community")
    )
    size_options = "".join(
        _option(mode, word(lang, f"size_{mode}"), mode == data["sizeBy"])
        for mode in data["sizeModes"]
    )
    theme_options = _option("", word(lang, "all_themes"), True) + "".join(
        _option(t["code"], t["name"], False) for t in data["themes"]
    )
    relation_boxes = "".join(
        f'<label><input type="checkbox" id="rel-{_text(rel)}" value="{_text(rel)}" checked> '
        f'<span class="line" style="--swatch:{RELATION_STYLE.get(rel, ("#999999",))[0]}"></span> '
        f"{_text(relation_name(rel, lang))}</label>"
        for rel in data["relations"]
    )
    disabled = "" if data["themes"] else " disabled"
    back = f'<button type="button" id="map-back" hidden>{_text(word(lang, "back"))}</button>'
    return (
        '<aside id="map-controls">'
        + back
        + f'<label for="map-search">{_text(word(lang, "search"))}</label>'
        + '<input type="search" id="map-search" autocomplete="off">'
        + '<div id="map-search-results"></div>'
        + f'<label for="colour-mode">{_text(word(lang, "colour_by"))}</label>'
        + f'<select id="colour-mode">{colour_options}</select>'
        + f'<label for="size-mode">{_text(word(lang, "size_by"))}</label>'
        + f'<select id="size-mode">{size_options}</select>'
        + f'<label for="theme-filter">{_text(word(lang, "theme"))}</label>'
        + f'<select id="theme-filter"{disabled}>{theme_options}</select>'
        + f'<fieldset id="relation-filter"{"" if data["relations"] else " hidden"}>'
        + f"<legend>{_text(word(lang, 'relations'))}</legend>"
        + relation_boxes
        + "</fieldset>"
        + _legend(data["legend"], data["colourBy"], lang)
        + "</aside>"
    )


def _legend(legend: Legend, colour_by: str, lang: Lang) -> str:
    def items(entries: list[dict[str, str]]) -> str:
        return "".join(
            f'<li><span class="swatch shape-{_text(e["shape"])}'
            + (f" line-{_text(e['line'])}" if e["line"] else "")
            + f'" style="--swatch:{_text(e["colour"])}"></span>{_text(e["label"])}</li>'
            for e in entries
        )

    sections = []
    for mode in ("kind", "sector", "community"):
        hidden = "" if mode == colour_by else " hidden"
        sections.append(f'<ul data-legend-mode="{mode}"{hidden}>{items(legend[mode])}</ul>')
    shapes_hidden = " hidden" if colour_by == "kind" else ""
    sections.append(f'<ul data-legend-part="shapes"{shapes_hidden}>{items(legend["shapes"])}</ul>')
    for part in ("groups", "roles", "edges"):
        if legend[part]:
            sections.append(f'<ul data-legend-part="{part}">{items(legend[part])}</ul>')
    return (
        f'<section id="map-legend"><h2>{_text(word(lang, "legend"))}</h2>'
        + "".join(sections)
        + "</section>"
    )


def _option(value: str, label: str, selected: bool) -> str:
    chosen = " selected" if selected else ""
    return f'<option value="{_text(value)}"{chosen}>{_text(label)}</option>'


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _json(value: object) -> str:
    """JSON safe inside a script element: no ``<`` (so no ``</script>``), no line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@functools.cache
def _asset(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{path.name} cannot be inlined: it contains a closing tag")
    return text
