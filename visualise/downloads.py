"""CSV downloads as a spreadsheet in the reader's language opens them.

Dutch Excel reads a semicolon between columns and a decimal comma, and needs the UTF-8
byte-order mark (the page adds it) to show accents; the English variant uses commas and
points. A cell that would start a formula is kept as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from graph.analysis.aggregates import AggregateTable, CellKind, Dimension
from graph.analysis.results import Answer, Lang
from visualise.site import dimension_name

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
    published) and why it is hidden."""
    dimensions = [CSV_DIMENSIONS[d][0 if lang == "nl" else 1] for d in table.dimensions]
    header = [
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
        rows.append([*values, *names, kind, cell.value, reason])
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
}
CSV_KINDS: dict[CellKind, tuple[str, str]] = {
    CellKind.CELL: ("cel", "cell"),
    CellKind.ROW_TOTAL: ("rijtotaal", "row_total"),
    CellKind.COLUMN_TOTAL: ("kolomtotaal", "column_total"),
    CellKind.TOTAL: ("totaal", "total"),
}
