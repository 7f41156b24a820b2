"""Interactive network maps: a neighbourhood, one person's or initiative's network, a question.

:func:`render_map` returns one self-contained HTML page (vis-network, styles and data inline:
it opens with no internet); :func:`write_map` writes it to a file; :func:`build_map` returns
the data the page is made of, for callers that want to inspect or serve it differently.

What is drawn:

- an area map: the part of the fabric a :class:`~graph.analysis.results.Scope` selects (the
  residents, initiatives and organisations of some neighbourhoods with the professionals and
  organisations from elsewhere they are tied to; or a theme), the whole graph by default;
- an ego map (``ego=ID``): the node, everyone within ``steps`` ties (1 or 2) and every tie
  among them;
- a question overlay (``answer=``): the answer's items marked (:mod:`visualise.overlay`), the
  rest dimmed.

Above :data:`~visualise.grouping.MAX_DRAWN_NODES` nodes the map draws groups instead
(:mod:`visualise.grouping`). A group opens on click: inside the page where its members are
embedded (every group at most ``MAX_DRAWN_NODES`` and all groups together at most
:data:`~visualise.overview.EMBED_MAX_NODES`), else by following ``drill_url`` (a pattern such as
``"?neighbourhood={code}"``; ``{code}`` is the area code, quoted for a URL), else the details
panel says how to make that group's own map.

The page's element ids, stable for scripts and browser tests, are listed in
:mod:`visualise.page`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.analysis.context import NetworkContext
from graph.analysis.results import Answer, Lang, Scope
from visualise.choices import COLOUR_MODES, SIZE_MODES, ColourMode, GroupChoice, SizeMode
from visualise.draw import draw
from visualise.grouping import MAX_DRAWN_NODES, group_nodes
from visualise.overlay import overlay_for
from visualise.overview import GROUP_TIE, grouped_view
from visualise.page import legend_entries, render_page
from visualise.selection import select
from visualise.style import RELATION_STYLE, count, word

MapData = dict[str, Any]


def render_map(
    context: NetworkContext,
    *,
    scope: Scope | None = None,
    ego: str | None = None,
    steps: int = 1,
    answer: Answer | None = None,
    colour_by: ColourMode = "kind",
    size_by: SizeMode = "degree",
    lang: Lang = "nl",
    group_by: GroupChoice = "auto",
    drill_url: str | None = None,
    seed: int = 1,
) -> str:
    """The map as one complete HTML page (see the module docstring for what is drawn)."""
    return render_page(
        build_map(
            context,
            scope=scope,
            ego=ego,
            steps=steps,
            answer=answer,
            colour_by=colour_by,
            size_by=size_by,
            lang=lang,
            group_by=group_by,
            drill_url=drill_url,
            seed=seed,
        )
    )


def write_map(context: NetworkContext, path: Path, **options: Any) -> Path:
    """Write :func:`render_map`'s page to ``path`` (UTF-8); takes the same keyword options."""
    path.write_text(render_map(context, **options), encoding="utf-8")
    return path


def build_map(
    context: NetworkContext,
    *,
    scope: Scope | None = None,
    ego: str | None = None,
    steps: int = 1,
    answer: Answer | None = None,
    colour_by: ColourMode = "kind",
    size_by: SizeMode = "degree",
    lang: Lang = "nl",
    group_by: GroupChoice = "auto",
    drill_url: str | None = None,
    seed: int = 1,
) -> MapData:
    """The data of a map page: title, notes, legend, controls and the first view's items."""
    if colour_by not in COLOUR_MODES:
        raise ValueError(f"colour_by must be one of {COLOUR_MODES}, not {colour_by!r}")
    if size_by not in SIZE_MODES:
        raise ValueError(f"size_by must be one of {SIZE_MODES}, not {size_by!r}")
    if size_by == "score" and answer is None:
        size_by = "degree"
    graph = select(context, scope=scope, ego=ego, steps=steps)
    overlay = overlay_for(answer, context, lang=lang) if answer is not None else None
    notes: list[str] = []
    groups: dict[str, MapData] = {}
    aggregate: MapData | None = None
    if graph.number_of_nodes() > MAX_DRAWN_NODES:
        grouping = group_nodes(graph, context.areas, by=group_by, seed=seed)
        view, groups = grouped_view(
            graph, context, grouping, overlay, lang=lang, seed=seed, drill_url=drill_url
        )
        by_word = word(lang, f"by_{grouping.by}")
        notes.append(
            word(lang, "aggregated", nodes=count(graph.number_of_nodes(), lang), by=by_word)
        )
        aggregate = {"by": grouping.by, "drillUrl": drill_url}
    else:
        view = draw(graph, context, lang=lang, seed=seed, overlay=overlay)
    if graph.number_of_nodes() == 0:
        notes.append(word(lang, "empty"))
    if overlay is not None:
        notes = overlay.notes + notes
        shown = overlay.shown_items(set(graph))
        total = len(overlay.item_nodes)
        if total == 0:
            notes.append(word(lang, "no_answers"))
        elif shown < total:
            notes.append(word(lang, "outside_map", count=total - shown, total=total))
    all_nodes = view["nodes"] + [n for g in groups.values() for n in g["nodes"]]
    all_edges = view["edges"] + [e for g in groups.values() for e in g["edges"]]
    themes = sorted({t for n in all_nodes for t in n.get("themes", ())})
    present = {str(e["type"]) for e in all_edges if e["type"] != GROUP_TIE}
    relations = [rel for rel in RELATION_STYLE if rel in present]
    relations += sorted(present - set(RELATION_STYLE))
    return {
        "lang": lang,
        "title": _title(context, scope or Scope(), ego, steps, lang),
        "ego": ego,
        "overlay": (
            {"question": overlay.question, "title": overlay.title} if overlay is not None else None
        ),
        "notes": notes,
        "colourBy": colour_by,
        "sizeBy": size_by,
        "sizeModes": [mode for mode in SIZE_MODES if mode != "score" or overlay],
        "themes": [{"code": t, "name": context.theme_name(t, lang)} for t in themes],
        "relations": relations,
        "legend": legend_entries(all_nodes, all_edges, lang=lang, aggregate=aggregate is not None),
        "aggregate": aggregate,
        "view": view,
        "groups": groups,
        "drawnNodes": len(view["nodes"]),
        "totalNodes": graph.number_of_nodes(),
    }


def _title(context: NetworkContext, scope: Scope, ego: str | None, steps: int, lang: Lang) -> str:
    if ego is not None:
        stepword = word(lang, "step" if steps == 1 else "steps")
        return word(lang, "ego_title", name=context.name(ego), steps=steps, stepword=stepword)
    parts = [f"{context.area_name(code)} ({code})" for code in scope.neighbourhoods]
    if scope.theme:
        parts.append(context.theme_name(scope.theme, lang))
    described = ", ".join(parts) if parts else scope.describe(lang)
    return word(lang, "area_title", scope=described)
