"""The trend page: a question's publishable tables per quarter, a line chart of each, drawn in
the page as SVG (no internet), and the notes on what is hidden over time and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.analysis.aggregates import AggregateTable
from graph.analysis.results import Lang
from graph.analysis.trends import TrendAnswer
from visualise.site import Chrome, Link, _render, _table_block, dimension_name
from visualise.style import count
from visualise.words import word

#: The line chart's geometry, in SVG units, and a colour per line (cycled).
PLOT = {"left": 56, "top": 16, "width": 520, "height": 220, "legend": 260, "bottom": 40}
COLOURS = ("#457b9d", "#e76f51", "#2a9d8f", "#8d5a97", "#e9c46a", "#264653", "#f4a261")

WORDS: dict[str, tuple[str, str]] = {
    "intro": (
        "Per kwartaaleinde de getallen die gepubliceerd mogen worden, zoals de publiceerbare "
        "tabellen van één datum; een verborgen getal is een gat in de lijn.",
        "Per quarter end the counts that may be published, as the publishable tables of one "
        "date; a hidden count is a gap in the line.",
    ),
    "period": ("Periode", "Period"),
    "from": ("Van", "From"),
    "to": ("Tot en met", "To"),
    "show": ("Toon", "Show"),
    "chart": ("{title}: verloop per {dimension}", "{title}: over time, per {dimension}"),
    "quarter": ("Per {day}", "As of {day}"),
}


def _word(lang: Lang, key: str, **values: str) -> str:
    nl, en = WORDS[key]
    return (nl if lang == "nl" else en).format(**values)


def _first_column(table: AggregateTable) -> str | None:
    """The column a table without totals is drawn by (its first, as the bar chart of one
    date draws it); None for a table with totals, drawn by its row totals."""
    if table.totals or len(table.dimensions) == 1:
        return None
    second = table.dimensions[1]
    return min((c.dimensions[second] for c in table.cells if second in c.dimensions), default=None)


def _point_value(table: AggregateTable, row: str) -> tuple[bool, int | None]:
    """(whether the table has the row, its published value): the row total, or in a table
    without totals its first column, as the bar chart of one date shows it."""
    first = table.dimensions[0]
    column = _first_column(table)
    for cell in table.cells:
        if cell.dimensions.get(first) != row:
            continue
        if column is None and len(cell.dimensions) == 1:
            return True, cell.value
        if column is not None and cell.dimensions.get(table.dimensions[1]) == column:
            return True, cell.value
    return False, None


def line_chart(dated: Sequence[tuple[str, AggregateTable]], lang: Lang) -> dict[str, Any]:
    """One line per value of the table's first dimension over the quarters: the published
    values only, a hidden one left out as a gap (and named in the legend's last value)."""
    last = dated[-1][1]
    first = last.dimensions[0]
    column = _first_column(last)
    rows: list[str] = []
    for _, table in dated:
        for cell in table.cells:
            row = cell.dimensions.get(first)
            if row is not None and row not in rows:
                rows.append(row)
    values = {row: [_point_value(table, row)[1] for _, table in dated] for row in rows}
    largest = max((v for series in values.values() for v in series if v), default=0) or 1
    step = PLOT["width"] / max(1, len(dated) - 1)
    lines = []
    for index, row in enumerate(rows):
        points = [
            (round(PLOT["left"] + i * step, 1), _y(value, largest), value)
            for i, value in enumerate(values[row])
        ]
        segments: list[list[tuple[float, float]]] = [[]]
        for x, y, value in points:
            if value is None:
                segments.append([])
            else:
                segments[-1].append((x, y))
        latest = values[row][-1]
        lines.append(
            {
                "label": _row_name(dated, first, row, lang),
                "colour": COLOURS[index % len(COLOURS)],
                "segments": [" ".join(f"{x},{y}" for x, y in s) for s in segments if len(s) > 1],
                "dots": [(x, y) for x, y, v in points if v is not None],
                "last": count(latest, lang) if latest is not None else word(lang, "hidden"),
                "legend_y": PLOT["top"] + 14 + index * 18,
            }
        )
    ticks = [
        {"x": round(PLOT["left"] + i * step, 1), "label": day} for i, (day, _) in enumerate(dated)
    ]
    return {
        "title": _word(lang, "chart", title=last.title(lang), dimension=word(lang, first.value))
        + (f" ({dimension_name(last, last.dimensions[1], column, lang)})" if column else ""),
        "lines": lines,
        "ticks": ticks,
        "scale": [
            {"y": _y(v, largest), "label": count(v, lang)} for v in (0, largest // 2, largest)
        ],
        "plot": PLOT,
        "width": PLOT["left"] + PLOT["width"] + 24 + PLOT["legend"],
        "height": max(
            PLOT["top"] + PLOT["height"] + PLOT["bottom"], PLOT["top"] + 24 + 18 * len(lines)
        ),
        "legend_x": PLOT["left"] + PLOT["width"] + 24,
    }


def _row_name(
    dated: Sequence[tuple[str, AggregateTable]], dimension: str, row: str, lang: Lang
) -> str:
    """A row's name as the latest table that names it gives it."""
    for _, table in reversed(dated):
        if row in table.names.get(dimension, {}):  # type: ignore[call-overload]
            return dimension_name(table, dimension, row, lang)
    return row


def _y(value: int | None, largest: int) -> float:
    return round(PLOT["top"] + PLOT["height"] * (1 - (value or 0) / largest), 1)


def render_trend(
    chrome: Chrome,
    *,
    answer: TrendAnswer,
    links: Sequence[Link],
    period: dict[str, Any],
    action: str,
) -> str:
    """The trend page: a line chart per table over the quarters, then each quarter's tables
    (grid, footnotes, chart) and the notes on what is hidden over time."""
    lang = chrome.lang
    title = answer.title_nl if lang == "nl" else answer.title_en
    names = [table.name for table in answer.quarters[-1].tables] if answer.quarters else []
    charts = [
        {
            "id": f"trend-{n}",
            "chart": line_chart(
                [(q.as_of, q.tables[n - 1]) for q in answer.quarters if len(q.tables) >= n], lang
            ),
        }
        for n in range(1, len(names) + 1)
    ]
    quarters = [
        {
            "heading": _word(lang, "quarter", day=quarter.as_of),
            "blocks": [
                _table_block(table, lang, [], ids=(f"table-{i}-{n}", f"chart-{i}-{n}"))
                for n, table in enumerate(quarter.tables, start=1)
            ],
        }
        for i, quarter in enumerate(answer.quarters, start=1)
    ]
    return _render(
        "trends.html",
        chrome,
        title=title,
        intro=_word(lang, "intro"),
        notes=[note.text(lang) for note in answer.notes],
        charts=charts,
        quarters=quarters,
        links=links,
        period=period,
        action=action,
        words={key: _word(lang, key) for key in ("period", "from", "to", "show")},
    )
