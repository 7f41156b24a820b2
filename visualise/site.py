"""The web pages a browser reads: sign-in, the index, question tables, publishable aggregates.

The API serves these (``api.pages.views``); this module only turns answers and tables into HTML and
CSV, so the same page can be tested without a server. Pages are Jinja2 templates
(``visualise/templates``) with autoescaping on: a name from an import cannot become markup.
Nothing is loaded from elsewhere — the stylesheet is inline and the charts are SVG written
here — so a page opens on a machine with no internet and sends no request beyond its own
server. The map page itself is :func:`visualise.render_map`'s.

CSV downloads guard against spreadsheet formulas: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'`` (a name from an import is data,
never a formula).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from graph.analysis.aggregates import AggregateCell, AggregateTable
from graph.analysis.results import Answer, Item, Lang
from visualise.style import count, kind_name
from visualise.words import ROLE_NAMES, SUMMARY_NAMES, word

if TYPE_CHECKING:
    from visualise.dates import DateForm

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = Path(__file__).parent / "assets" / "site.css"
#: The header bar's styles, shared with the map page (:func:`render_header`).
HEADER_STYLESHEET = Path(__file__).parent / "assets" / "header.css"


@dataclass(frozen=True)
class Link:
    href: str
    label: str


@dataclass
class Chrome:
    """What every page shows around its content: language, the signed-in role, navigation."""

    lang: Lang
    role: str | None = None
    nav: list[Link] = field(default_factory=list)
    #: the same page in the other language
    other_lang: str = ""
    sign_out: str | None = None
    #: the session's form token, carried by every form the page sends (api.pages.forms)
    form_token: str | None = None


@dataclass(frozen=True)
class FollowUp:
    """An introduction an answer proposes, as its question page offers to follow it up: the
    other end's name, the status recorded (as a reader says it; None: nothing yet), and the
    statuses it may still be marked (value, name); ``note`` where it cannot be followed up."""

    label: str
    status: str | None
    source: str
    target: str
    options: tuple[tuple[str, str], ...]
    note: str | None = None


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str
    level: str
    residents: int
    initiatives: int
    map_href: str
    questions: tuple[Link, ...]


@functools.cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["stylesheet"] = STYLESHEET.read_text(
        encoding="utf-8"
    ) + HEADER_STYLESHEET.read_text(encoding="utf-8")
    return environment


def _render(template: str, chrome: Chrome, **values: Any) -> str:
    lang = chrome.lang
    role = ROLE_NAMES.get(chrome.role or "", (chrome.role or "", chrome.role or ""))
    return (
        _environment()
        .get_template(template)
        .render(
            chrome=chrome,
            lang=lang,
            role_name=role[0] if lang == "nl" else role[1],
            t=functools.partial(word, lang),
            number=lambda value: count(int(value), lang),
            **values,
        )
    )


# --- pages ----------------------------------------------------------------------------------


def render_login(
    chrome: Chrome, *, action: str, next_url: str, form_token: str, failed: bool = False
) -> str:
    return _render(
        "login.html",
        chrome,
        action=action,
        next_url=next_url,
        form_token=form_token,
        failed=failed,
    )


def render_header(chrome: Chrome) -> str:
    """The bar every page shows (navigation, role, the other language, sign-out with the
    session's form token), for a page not made from these templates: the map."""
    return _render("_header.html", chrome)


def render_error(chrome: Chrome, *, status: int, message: str) -> str:
    return _render("error.html", chrome, status=status, message=message)


def render_index(
    chrome: Chrome,
    *,
    areas: Sequence[AreaRow],
    mine_only: bool,
    whole_map: str | None,
    tables: Sequence[Link],
) -> str:
    return _render(
        "index.html", chrome, areas=areas, mine_only=mine_only, whole_map=whole_map, tables=tables
    )


def render_answer(
    chrome: Chrome,
    *,
    title: str,
    answer: Answer,
    links: Sequence[Link],
    item_links: dict[str, str],
    source_links: Mapping[str, str] | None = None,
    follow_ups: Mapping[str, Sequence[FollowUp]] | None = None,
    follow_up_action: str = "",
    back: str = "",
    dates: DateForm | None = None,
) -> str:
    """A question's answer as a table: rank, name (linked to its map), kind, score, reasons;
    for a coach, a column leads to each resident's source id (``source_links``); beside the
    introductions an item proposes, where each stands and a form that marks it
    (``follow_ups``, posted to ``follow_up_action`` and back to ``back``); ``dates``: the
    date the answer is as of, as a form to choose another (:mod:`visualise.dates`)."""
    lang = chrome.lang
    rows = [
        {
            "rank": rank,
            "name": item.name,
            "href": item_links.get(item.id),
            "source_href": (source_links or {}).get(item.id),
            "follow_ups": (follow_ups or {}).get(item.id, ()),
            "kind": _kind(item, lang),
            "score": _score(item.score, lang),
            "reasons": [reason.text(lang) for reason in item.reasons],
        }
        for rank, item in enumerate(answer.items, start=1)
    ]
    return _render(
        "answer.html",
        chrome,
        title=title,
        scope=answer.scope.describe(lang),
        version=answer.version,
        summary=_summary(answer.summary, lang),
        notes=[note.text(lang) for note in answer.notes],
        rows=rows,
        links=links,
        sources=bool(source_links),
        following=bool(follow_ups),
        follow_up_action=follow_up_action,
        back=back,
        form=dates,
    )


def render_tables(chrome: Chrome, *, tables: Sequence[Link], min_cell: int, rounding: int) -> str:
    return _render("tables.html", chrome, tables=tables, min_cell=min_cell, rounding=rounding)


def _table_block(
    table: AggregateTable, lang: Lang, links: Sequence[Link], *, ids: tuple[str, str]
) -> dict[str, Any]:
    """What a page shows of one publishable table: a grid with totals, footnotes for hidden
    cells and a bar chart of the same numbers (templates/_table.html)."""
    footnotes = sorted(
        {cell.reason for cell in table.cells if cell.suppressed and cell.reason is not None}
    )
    return {
        "table": table,
        "title": table.title(lang),
        "unit": table.unit_nl if lang == "nl" else table.unit_en,
        "where": counted_over(table, lang),
        "note": table.note(lang),
        "grid": aggregate_grid(table, lang),
        "chart": bar_chart(table, lang),
        "footnotes": [table.reason_text(reason, lang) for reason in footnotes],
        "links": links,
        "table_id": ids[0],
        "chart_id": ids[1],
    }


def render_aggregate(chrome: Chrome, *, table: AggregateTable, links: Sequence[Link]) -> str:
    """A publishable table as a grid with totals, footnotes for hidden cells, and a bar chart
    of the same numbers."""
    block = _table_block(table, chrome.lang, links, ids=("aggregate", "chart"))
    return _render("aggregate.html", chrome, title=block["title"], blocks=[block])


def render_publishable(
    chrome: Chrome,
    *,
    title: str,
    tables: Sequence[AggregateTable],
    links: Sequence[Sequence[Link]],
) -> str:
    """A network question as a policymaker may read it: each of its publishable tables with
    its grid, notes on what is hidden and why, a chart and its own ``links`` (a download)."""
    blocks = [
        _table_block(table, chrome.lang, table_links, ids=(f"table-{n}", f"chart-{n}"))
        for n, (table, table_links) in enumerate(zip(tables, links, strict=True), start=1)
    ]
    return _render("publishable.html", chrome, title=title, blocks=blocks)


# --- what the pages are made of -----------------------------------------------------------------


#: Kinds of answer items that are not nodes of the map (so not in its legend).
ITEM_KINDS: dict[str, tuple[str, str]] = {
    "opportunity": ("Kans", "Opportunity"),
    "neighbourhood": ("Buurt", "Neighbourhood"),
    "theme": ("Thema", "Theme"),
    "tie": ("Band", "Tie"),
}


def render_source_id(chrome: Chrome, *, name: str, source_id: str, map_href: str) -> str:
    """A resident's id in the source system, for a coach of their neighbourhood."""
    return _render("source_id.html", chrome, name=name, source_id=source_id, map_href=map_href)


def _kind(item: Item, lang: Lang) -> str:
    names = ITEM_KINDS.get(item.kind)
    if names is not None:
        return names[0] if lang == "nl" else names[1]
    return kind_name(item.kind, lang)


def _score(score: float, lang: Lang) -> str:
    text = f"{score:.3f}".rstrip("0").rstrip(".") if score != int(score) else str(int(score))
    return text.replace(".", ",") if lang == "nl" else text


def _summary(summary: dict[str, Any], lang: Lang) -> list[tuple[str, str]]:
    """The answer's headline figures that read as one value each."""
    shown = []
    for key, value in summary.items():
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            continue
        text = _score(float(value), lang) if isinstance(value, int | float) else value
        names = SUMMARY_NAMES.get(key, (key.replace("_", " "), key.replace("_", " ")))
        shown.append((names[0] if lang == "nl" else names[1], text))
    return shown


def counted_over(table: AggregateTable, lang: Lang) -> str | None:
    """Which neighbourhoods a table whose rows are no neighbourhoods counts (by name), or
    None for a table with a row per neighbourhood."""
    if not table.over_selection:
        return None
    if not table.neighbourhoods:
        return word(lang, "all_areas")
    return ", ".join(dimension_name(table, "neighbourhood", c, lang) for c in table.neighbourhoods)


def dimension_name(table: AggregateTable, dimension: str, value: str, lang: Lang) -> str:
    names = table.names.get(dimension, {}).get(value)  # type: ignore[call-overload]
    if names is None:
        return value
    return str(names.nl if lang == "nl" else names.en)


def _cell_text(cell: AggregateCell | None, lang: Lang) -> str:
    if cell is None or cell.value is None:
        return "—"
    return count(cell.value, lang)


def aggregate_grid(table: AggregateTable, lang: Lang) -> dict[str, Any]:
    """Rows by the first dimension, columns by the second (if any), totals last (a table
    without totals, whose columns do not add up, has none)."""
    first = table.dimensions[0]
    second = table.dimensions[1] if len(table.dimensions) > 1 else None
    by_key = {
        tuple(sorted((str(d), v) for d, v in cell.dimensions.items())): cell for cell in table.cells
    }
    rows = _values(table.cells, first)
    columns = _values(table.cells, second) if second else []

    def cell(**dimensions: str) -> dict[str, Any]:
        found = by_key.get(tuple(sorted(dimensions.items())))
        return {"text": _cell_text(found, lang), "hidden": found is not None and found.suppressed}

    body = []
    for row in rows:
        cells = [cell(**{first: row, second: column}) for column in columns] if second else []
        if table.totals or not second:
            cells.append(cell(**{first: row}))
        body.append({"label": dimension_name(table, first, row, lang), "cells": cells})
    totals = []
    if table.totals:
        totals = [cell(**{second: column}) for column in columns] if second else []
        totals.append(cell())
    return {
        "corner": word(lang, first.value),
        "columns": [dimension_name(table, second, c, lang) for c in columns] if second else [],
        "rows": body,
        "totals": totals,
    }


def _values(cells: Iterable[AggregateCell], dimension: str | None) -> list[str]:
    """The values a dimension takes in the table, in the table's order."""
    seen: dict[str, None] = {}
    for cell in cells:
        value = cell.dimensions.get(dimension)  # type: ignore[call-overload]
        if value is not None:
            seen.setdefault(value, None)
    return list(seen)


#: The bar chart's geometry, in SVG units.
CHART_LABEL, CHART_BAR, CHART_ROW, CHART_VALUE = 190, 360, 26, 70


def bar_chart(table: AggregateTable, lang: Lang) -> dict[str, Any]:
    """A horizontal bar per value of the first dimension (its row total; in a table without
    totals, its first column): the same published numbers as the table, hidden ones drawn as
    an empty row marked "not published"."""
    first = table.dimensions[0]
    rows = _values(table.cells, first)
    fixed = {first}
    if not table.totals and len(table.dimensions) > 1:
        second = table.dimensions[1]
        columns = _values(table.cells, second)
        fixed = {first, second}
        table_cells = [c for c in table.cells if columns and c.dimensions.get(second) == columns[0]]
    else:
        table_cells = table.cells
    totals = {
        cell.dimensions[first]: cell.value for cell in table_cells if set(cell.dimensions) == fixed
    }
    largest = max((v for v in totals.values() if v), default=0)
    bars = []
    for index, row in enumerate(rows):
        value = totals.get(row)
        width = round(CHART_BAR * value / largest) if value and largest else 0
        bars.append(
            {
                "y": index * CHART_ROW,
                "label": dimension_name(table, first, row, lang),
                "width": width,
                "text": count(value, lang) if value is not None else word(lang, "hidden"),
                "hidden": value is None,
            }
        )
    dimension = word(lang, first.value)
    return {
        "title": word(lang, "chart_of", title=table.title(lang), dimension=dimension),
        "bars": bars,
        "label_width": CHART_LABEL,
        "bar_width": CHART_BAR,
        "row": CHART_ROW,
        "width": CHART_LABEL + CHART_BAR + CHART_VALUE,
        "height": max(1, len(bars)) * CHART_ROW,
    }


# --- CSV ------------------------------------------------------------------------------------
