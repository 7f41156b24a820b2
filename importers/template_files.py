"""Write the blank data templates: one CSV per sheet, one .xlsx workbook, and an explanation.

Each sheet has its header row (Dutch headers; English ones are accepted too) and an example
row; ``uitleg.csv`` and the workbook's first sheet ``uitleg`` explain every column in Dutch
and English. The importer skips the explanation.
"""

from __future__ import annotations

import csv
from pathlib import Path

from importers.templates import SHEETS, Sheet

EXPLANATION_HEADERS = [
    "blad / sheet",
    "kolom",
    "column",
    "verplicht / required",
    "uitleg",
    "explanation",
    "voorbeeld / example",
]


# Second example rows, so that every example reference points at an example row and the
# templates as written import cleanly (ties and collaborations need two ends).
SECOND_EXAMPLES: dict[str, dict[str, str]] = {
    "residents": {"source_id": "B-0002", "name": "Jan", "consent_name": "nee"},
    "organisations": {
        "source_id": "O-02", "name": "Bakkerij Van Dijk", "o_sector": "ondernemers",
        "kind": "bakkerij", "craft": "",
    },
}  # fmt: skip


def example_rows(sheet: Sheet) -> list[list[str]]:
    """The example row(s) of a sheet, as cells in column order."""
    first = {c.key: c.example for c in sheet.columns}
    rows = [first]
    if sheet.key in SECOND_EXAMPLES:
        rows.append({**first, **SECOND_EXAMPLES[sheet.key]})
    return [[row[c.key] for c in sheet.columns] for row in rows]


def _explanation_rows() -> list[list[str]]:
    rows = []
    for sheet in SHEETS.values():
        rows.append([f"{sheet.nl} / {sheet.key}", "", "", "", sheet.help_nl, sheet.help_en, ""])
        for column in sheet.columns:
            rows.append(
                [
                    sheet.nl,
                    column.nl,
                    column.key,
                    "ja / yes" if column.required else "nee / no",
                    column.help_nl,
                    column.help_en,
                    column.example,
                ]
            )
    return rows


def write_templates(directory: Path) -> list[Path]:
    """Write the templates into ``directory``; returns the files written."""
    import openpyxl  # only needed here and when reading workbooks
    from openpyxl.styles import Font

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in SHEETS.values():
        path = directory / f"{sheet.nl}.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.nl for c in sheet.columns])
            writer.writerows(example_rows(sheet))
        written.append(path)
    explanation = directory / "uitleg.csv"
    with open(explanation, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPLANATION_HEADERS)
        writer.writerows(_explanation_rows())
    written.append(explanation)

    workbook = openpyxl.Workbook()
    about = workbook.active
    assert about is not None
    about.title = "uitleg"
    about.append(EXPLANATION_HEADERS)
    for row in _explanation_rows():
        about.append(row)
    for cell in about[1]:
        cell.font = Font(bold=True)
    for sheet in SHEETS.values():
        worksheet = workbook.create_sheet(sheet.nl[:31])
        worksheet.append([c.nl for c in sheet.columns])
        for row in example_rows(sheet):
            worksheet.append(row)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
    book = directory / "wijkgraaf-sjabloon.xlsx"
    workbook.save(book)
    written.append(book)
    return written
