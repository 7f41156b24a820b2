"""What reading makes of a file: tables of text cells, each with its place, and the checks
every cell passes as it is read (its length, no control characters).

Shared by the readers of every format (:mod:`importers.reader`, :mod:`importers.graph_files`).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from importers.limits import FORBIDDEN_CHARACTER, MAX_CELL, character_error, forbidden_character
from importers.report import Note, Place, RowError
from importers.templates import Sheet


@dataclass
class Table:
    """One sheet's worth of rows as read: headers and text cells with 1-based row numbers."""

    sheet: Sheet
    file: str
    sheet_name: str | None
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    #: rows with a cell refused while reading (too long, a control character): invalid
    refused: set[int] = field(default_factory=set)
    #: what reading left out on purpose (drawing attributes, say), for the report
    notes: list[Note] = field(default_factory=list)
    #: rows that only name someone (the ends of an edge list): a row another table of the
    #: import has for the same id takes its place, rather than being a duplicate of it
    implicit: bool = False
    #: the row of the headers: 1, or below a tool's row of group headings (NodeXL's)
    header_row: int = 1

    def place(self, row: int | None = None, column: str | None = None) -> Place:
        return Place(self.file, self.sheet_name, row, column)


@dataclass
class ReadResult:
    tables: list[Table] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def error(place: Place, value: str | None, nl: str, en: str) -> RowError:
    return RowError(place, value, nl, en)


def cell_text(value: Any) -> str:
    """A spreadsheet or JSON value as the text a coordinator typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return "|".join(cell_text(item) for item in value)
    return str(value).strip()


def not_utf8(path: Path) -> RowError:
    """The error for a file that is not UTF-8, at the line of its first bad byte (found
    again, chunk by chunk: a text stream decodes ahead of the line it hands out)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    row = 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                row += chunk[: max(0, exc.start)].count(b"\n")
                break
            row += chunk.count(b"\n")
    return error(
        Place(path.name, row=row),
        None,
        "Het bestand is geen UTF-8. Sla het in Excel op als 'CSV UTF-8 (door komma's gescheiden)'.",
        "The file is not UTF-8. In Excel, save it as 'CSV UTF-8 (comma delimited)'.",
    )


def add_row(table: Table, number: int, cells: list[str], result: ReadResult) -> None:
    cells = [c.strip() for c in cells]
    if not any(cells):
        return  # spreadsheets leave empty rows at the end
    if max(map(len, cells)) <= MAX_CELL and not any(map(FORBIDDEN_CHARACTER.search, cells)):
        table.rows.append((number, cells))
        return
    for index, cell in enumerate(cells):
        header = table.headers[index] if index < len(table.headers) else str(index + 1)
        if len(cell) > MAX_CELL:
            result.errors.append(
                error(
                    table.place(number, header),
                    cell[:40],
                    f"Veld te lang ({len(cell)} tekens, hoogstens {MAX_CELL}); vrije tekst "
                    "hoort niet in Wijkgraaf.",
                    f"Field too long ({len(cell)} characters, at most {MAX_CELL}); free text "
                    "does not belong in Wijkgraaf.",
                )
            )
        elif (code := forbidden_character(cell)) is not None:
            result.errors.append(character_error(table.place(number, header), cell, code))
        else:
            continue
        cells[index] = ""
    # the row stays, without its refused cells, so its other cells are checked too; it is
    # marked refused, so that no part of it is written even when invalid rows are skipped
    table.rows.append((number, cells))
    table.refused.add(number)
