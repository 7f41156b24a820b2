"""CSV downloads as a spreadsheet in the reader's language opens them.

Dutch Excel reads a semicolon between columns and a decimal comma, and needs the UTF-8
byte-order mark (the page adds it) to show accents; the English variant uses commas and
points. A cell that would start a formula is kept as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from graph.analysis.aggregates import AggregateTable, CellKind, Dimension
from graph.analysis.results import Answer, Lang
from visualise.site import dimension_name

if TYPE_CHECKING:
    from graph.analysis.trends import TrendAnswer

#: Characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object, lang: Lang) -> str:
    """A cell as text: a decimal comma in Dutch, and never a formula a spreadsheet would run."""
    if isinstance(value, float) and lang == "nl":
        return str(value).replace(".", ",")
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


#: Dutch Excel reads a semicolon between columns (the comma is its decimal sign); in English
#: the comma separates them.
CSV_DELIMITERS: dict[Lang, str] = {"nl": ";", "en": ","}


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]], lang: Lang) -> str:
    """A CSV as a spreadsheet in ``lang`` opens it (the page adds the UTF-8 byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITERS[lang], lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value, lang) for value in row])
    return out.getvalue()


def answer_csv(answer: Answer, lang: Lang) -> str:
    """One row per item: rank, id, kind, name, score and its reasons (joined by " | ")."""
    header = (
        ["rang", "id", "soort", "naam", "score", "redenen"]
        if lang == "nl"
        else ["rank", "id", "kind", "name", "score", "reasons"]
    )
    return _csv(
        header,
        (
            [
                rank,
                item.id,
                item.kind,
                item.name,
                item.score,
                " | ".join(r.text(lang) for r in item.reasons),
            ]
            for rank, item in enumerate(answer.items, start=1)
        ),
        lang,
    )


def aggregate_csv(table: AggregateTable, lang: Lang) -> str:
    """One row per published cell and total: its dimension values, the value (empty when not
    published) and why it is hidden. A table whose rows are no neighbourhoods says in a first
    column which ones it counts (their codes, or "alle"/"all")."""
    dimensions = [CSV_DIMENSIONS[d][0 if lang == "nl" else 1] for d in table.dimensions]
    over_header: list[str] = []
    over: list[str] = []
    if table.over_selection:
        over_header = ["buurten" if lang == "nl" else "neighbourhoods"]
        over = [" ".join(table.neighbourhoods) or ("alle" if lang == "nl" else "all")]
    header = [
        *over_header,
        *dimensions,
        *[f"{d}_{'naam' if lang == 'nl' else 'name'}" for d in dimensions],
        "soort" if lang == "nl" else "kind",
        "aantal" if lang == "nl" else "count",
        "reden" if lang == "nl" else "reason",
    ]
    rows = []
    for cell in table.cells:
        values = [cell.dimensions.get(d, "") for d in table.dimensions]
        names = [
            dimension_name(table, d, v, lang) if v else ""
            for d, v in zip(table.dimensions, values, strict=True)
        ]
        reason = table.reason_text(cell.reason, lang) if cell.reason is not None else ""
        kind = CSV_KINDS[cell.kind][0 if lang == "nl" else 1]
        rows.append([*over, *values, *names, kind, cell.value, reason])
    return _csv(header, rows, lang)


#: Column headers and kinds of entries of a table's CSV, in Dutch and English.
CSV_DIMENSIONS: dict[Dimension, tuple[str, str]] = {
    Dimension.NEIGHBOURHOOD: ("buurt", "neighbourhood"),
    Dimension.THEME: ("thema", "theme"),
    Dimension.SECTOR: ("sector", "sector"),
    Dimension.SIGNAL: ("signaal", "signal"),
    Dimension.LEAD: ("trekker", "lead"),
    Dimension.INDICATOR: ("indicator", "indicator"),
    Dimension.SKILL: ("kracht", "skill"),
    Dimension.INTRODUCTION: ("introductie", "introduction"),
}
CSV_KINDS: dict[CellKind, tuple[str, str]] = {
    CellKind.CELL: ("cel", "cell"),
    CellKind.ROW_TOTAL: ("rijtotaal", "row_total"),
    CellKind.COLUMN_TOTAL: ("kolomtotaal", "column_total"),
    CellKind.TOTAL: ("totaal", "total"),
}


#: The columns of a trend's CSV, in Dutch and English.
TREND_COLUMNS = (
    "kwartaaleinde tabel buurt buurt_naam dimensie waarde waarde_naam soort aantal reden",
    "quarter_end table neighbourhood neighbourhood_name dimension value value_name kind count "
    "reason",
)


def trend_csv(answer: TrendAnswer, lang: Lang) -> str:
    """A trend (:mod:`graph.analysis.trends`): one row per quarter, table and published cell
    or total, with the table's dimensions as two columns (the neighbourhood, and the other
    one with its kind), the value (empty when not published) and why it is hidden."""
    nl = lang == "nl"
    header = TREND_COLUMNS[0 if nl else 1].split()
    rows = []
    for quarter in answer.quarters:
        for table in quarter.tables:
            first, *rest = table.dimensions
            for cell in table.cells:
                row = cell.dimensions.get(first, "")
                other = rest[0] if rest else None
                value = cell.dimensions.get(other, "") if other is not None else ""
                rows.append(
                    [
                        quarter.as_of,
                        table.name,
                        row,
                        dimension_name(table, first, row, lang) if row else "",
                        CSV_DIMENSIONS[other][0 if nl else 1] if other is not None else "",
                        value,
                        dimension_name(table, other, value, lang) if other and value else "",
                        CSV_KINDS[cell.kind][0 if nl else 1],
                        cell.value,
                        table.reason_text(cell.reason, lang) if cell.reason is not None else "",
                    ]
                )
    return _csv(header, rows, lang)
