"""Read input files into tables of text cells, each cell with its place.

Formats: CSV (comma or semicolon, UTF-8 with or without BOM: Dutch Excel writes semicolons),
.xlsx (one worksheet per sheet), JSON (``{"bewoners": [{...}, ...], ...}``), and for interop
with Gephi and networkx GraphML, GEXF and edge lists (nodes become residents, edges ties).
A CSV or JSON file's sheet comes from its name (``bewoners.csv``, ``ties.csv``).

Reading never guesses at content: every problem (empty file, not UTF-8, wrong delimiter, a
field too large, a control character, a quote that does not close, an unknown sheet) becomes a
:class:`RowError` that says where. A hostile file (too large, too wide, too deep, a zip bomb,
XML entities) is refused by :mod:`importers.limits` while it is read, before memory grows.
"""

from __future__ import annotations

import csv
import itertools
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from importers.graph_files import GRAPH_SUFFIXES, is_graph_file, read_graph
from importers.limits import (
    MAX_CELL,
    MAX_COLUMNS,
    MAX_JSON_DEPTH,
    Limits,
    LineTooLong,
    bounded_lines,
    json_depth_error,
    line_error,
    nesting_error,
    size_error,
    too_many_rows,
    too_wide,
    workbook_error,
)
from importers.mapping import ColumnMapping
from importers.report import Place, RowError
from importers.tables import ReadResult, Table, add_row, cell_text, error, not_utf8
from importers.templates import SHEETS, Sheet, normalise_header, sheet_for_name
from importers.tool_sheets import adapt, tool_sheet

__all__ = ["MAX_CELL", "ReadResult", "Table", "cell_text", "file_labels", "read_inputs"]

EXPLANATION_SHEETS = {"uitleg", "explanation", "toelichting"}
_NETWORK_TYPES = ", ".join(sorted(GRAPH_SUFFIXES))


def file_labels(paths: list[Path]) -> dict[Path, str]:
    """How a report names each file: its name, or with its folder where two share a name
    (``a/bewoners.csv`` and ``b/bewoners.csv`` are two files, not one).

    >>> sorted(file_labels([Path("a/bewoners.csv"), Path("b/bewoners.csv")]).values())
    ['a/bewoners.csv', 'b/bewoners.csv']
    """
    names = [path.name for path in paths]
    labels = {}
    for path in paths:
        shared = names.count(path.name) > 1 and path.parent.name
        labels[path] = f"{path.parent.name}/{path.name}" if shared else path.name
    return labels


def read_inputs(
    paths: list[Path],
    *,
    neighbourhood: str | None = None,
    limits: Limits | None = None,
    labels: dict[Path, str] | None = None,
    mapping: ColumnMapping | None = None,
) -> ReadResult:
    """Read every file; ``neighbourhood`` is the default for residents of graph files.

    ``labels`` names the files in the report (default :func:`file_labels`); each file's
    sheet still comes from its own name, or from ``mapping``, which also renames and drops
    columns (:mod:`importers.mapping`)."""
    result = ReadResult()
    limits = limits or Limits()
    labels = labels or file_labels(paths)
    mapping = mapping or ColumnMapping()
    for path in paths:
        read = ReadResult()
        _read_one(path, read, limits, neighbourhood, mapping)
        for table in read.tables:
            name = table.sheet_name or table.file
            if not is_graph_file(path) and _is_tool_sheet(name, mapping):
                adapt(table, read.errors)  # Kumu's, Polinode's or NodeXL's node and edge sheets
            mapping.apply(table)
        label = labels.get(path, path.name)
        if label != path.name:
            read = _relabelled(read, path.name, label)
        result.tables += read.tables
        result.errors += read.errors
    return result


def _is_tool_sheet(name: str, mapping: ColumnMapping) -> bool:
    return mapping.sheet(name) is None and sheet_for_name(name) is None and bool(tool_sheet(name))


def _relabelled(read: ReadResult, name: str, label: str) -> ReadResult:
    for table in read.tables:
        table.file = label
    errors = [
        RowError(Place(label, e.place.sheet, e.place.row, e.place.column), e.value, e.nl, e.en)
        if e.place.file == name
        else e
        for e in read.errors
    ]
    return ReadResult(read.tables, errors)


def _read_one(
    path: Path,
    result: ReadResult,
    limits: Limits,
    neighbourhood: str | None,
    mapping: ColumnMapping,
) -> None:
    suffix = path.suffix.lower()
    reader: Callable[[Path, ReadResult, Limits, ColumnMapping], None]
    if not path.is_file():
        result.errors.append(
            error(Place(path.name), None, "Bestand niet gevonden.", "File not found.")
        )
        return
    if normalise_header(path.stem) in EXPLANATION_SHEETS:
        return  # the templates' explanation, not data
    if suffix in (".csv", ".txt"):
        reader = _read_csv
    elif suffix == ".xlsx":
        reader = _read_xlsx
    elif suffix == ".json":
        reader = _read_json
    elif suffix in GRAPH_SUFFIXES:
        read_graph(path, result, neighbourhood, limits)
        return
    else:
        result.errors.append(
            error(
                Place(path.name),
                None,
                f"Onbekend bestandstype: gebruik .csv, .xlsx, .json of {_NETWORK_TYPES}.",
                f"Unknown file type: use .csv, .xlsx, .json or {_NETWORK_TYPES}.",
            )
        )
        return
    reader(path, result, limits, mapping)


def _sheet_or_error(
    name: str, place: Place, result: ReadResult, mapping: ColumnMapping
) -> Sheet | None:
    mapped = mapping.sheet(name)
    sheet = SHEETS[mapped] if mapped else sheet_for_name(name)
    tool = tool_sheet(name) if sheet is None else None
    if tool is not None:
        sheet = SHEETS[tool]
    if sheet is None:
        known = ", ".join(s.nl for s in SHEETS.values())
        known_en = ", ".join(SHEETS)
        result.errors.append(
            error(
                place,
                name,
                f"Onbekend blad; noem het bestand of blad naar zijn soort: {known}.",
                f"Unknown sheet; name the file or sheet after its kind: {known_en}.",
            )
        )
    return sheet


def _empty(path: Path) -> RowError:
    return error(
        Place(path.name),
        None,
        "Het bestand is leeg; vul minstens de kopregel en één rij in.",
        "The file is empty; fill in at least the header and one row.",
    )


def _decode(path: Path, result: ReadResult, limits: Limits) -> str | None:
    """A whole file as text (JSON is parsed whole), once its size is known to be allowed."""
    too_large = size_error(path, limits)
    if too_large is not None:
        result.errors.append(too_large)
        return None
    data = path.read_bytes()
    if not data.strip():
        result.errors.append(_empty(path))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(not_utf8(path))
        return None


def _read_csv(path: Path, result: ReadResult, limits: Limits, mapping: ColumnMapping) -> None:
    """Streamed a line at a time, none longer than the limit; strict: a quote that does not
    close on the line where it opened is an error, never a row swallowed into the one before.
    """
    sheet = _sheet_or_error(path.name, Place(path.name), result, mapping)
    if sheet is None:
        return
    if path.stat().st_size == 0:
        result.errors.append(_empty(path))
        return
    too_large = size_error(path, limits)
    if too_large is not None:
        result.errors.append(too_large)
        return
    number = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = bounded_lines(handle)
            first_line = next(lines, "")
            if not first_line.strip() and not handle.read(1):
                result.errors.append(_empty(path))
                return
            delimiter = _delimiter(path, sheet, first_line.rstrip("\r\n"), result)
            if delimiter is None:
                return
            records = csv.reader(
                itertools.chain([first_line], lines), delimiter=delimiter, strict=True
            )
            table: Table | None = None
            for cells in records:
                if records.line_num != number + 1:  # one record took more than one line
                    result.errors.append(_open_quote(table, path, number + 1, cells))
                    return
                number = records.line_num
                if number > limits.max_rows + 1:
                    result.errors.append(too_many_rows(Place(path.name, row=number), limits))
                    return
                if len(cells) > MAX_COLUMNS:
                    result.errors.append(too_wide(Place(path.name, row=number)))
                    return
                if table is None:
                    table = Table(sheet, path.name, None, [c.strip() for c in cells])
                    continue
                add_row(table, number, cells, result)
    except UnicodeDecodeError:
        result.errors.append(not_utf8(path))
        return
    except LineTooLong as exc:
        result.errors.append(line_error(Place(path.name, row=exc.number)))
        return
    except csv.Error as exc:
        result.errors.append(_open_quote(table, path, number + 1, None, str(exc)))
        return
    if table is not None:
        result.tables.append(table)


def _delimiter(path: Path, sheet: Sheet, first_line: str, result: ReadResult) -> str | None:
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if delimiter not in first_line and len(sheet.columns) > 1:
        for other, name in (("\t", "tab"), ("|", "|"), (":", ":")):
            if other in first_line:
                result.errors.append(
                    error(
                        Place(path.name, row=1),
                        first_line[:60],
                        f"Verkeerd scheidingsteken ({name}); gebruik een komma of puntkomma.",
                        f"Wrong delimiter ({name}); use a comma or a semicolon.",
                    )
                )
                return None
    return delimiter


def _open_quote(
    table: Table | None, path: Path, row: int, cells: list[str] | None, detail: str = ""
) -> RowError:
    """A row whose quote does not close on its own line (the column, where it can tell)."""
    column = None
    if table is not None and cells is not None:
        index = next((i for i, cell in enumerate(cells) if "\n" in cell or "\r" in cell), None)
        if index is not None and index < len(table.headers):
            column = table.headers[index]
    why = f" ({detail})" if detail else ""
    return error(
        Place(path.name, row=row, column=column),
        None,
        f"Een aanhalingsteken in deze rij sluit niet op dezelfde regel{why}; controleer de "
        "aanhalingstekens. Er is verder niets uit dit bestand gelezen.",
        f"A quote in this row does not close on the same line{why}; check the quotes. "
        "Nothing more was read from this file.",
    )


def _read_xlsx(path: Path, result: ReadResult, limits: Limits, mapping: ColumnMapping) -> None:
    import openpyxl  # only needed for workbooks

    refused = size_error(path, limits) or workbook_error(path, limits)
    if refused is not None:
        result.errors.append(refused)
        return
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        result.errors.append(
            error(
                Place(path.name),
                None,
                f"Geen geldig Excel-bestand (.xlsx): {exc}.",
                f"Not a valid Excel file (.xlsx): {exc}.",
            )
        )
        return
    try:
        for worksheet in workbook.worksheets:
            if normalise_header(worksheet.title) in EXPLANATION_SHEETS:
                continue
            place = Place(path.name, worksheet.title)
            sheet = _sheet_or_error(worksheet.title, place, result, mapping)
            if sheet is None:
                continue
            table: Table | None = None
            worksheet.reset_dimensions()  # its declared size is the file's word, not a fact
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if number > limits.max_rows + 1:
                    place = Place(path.name, worksheet.title, number)
                    result.errors.append(too_many_rows(place, limits))
                    break
                if len(values) > MAX_COLUMNS:
                    result.errors.append(too_wide(Place(path.name, worksheet.title, number)))
                    break
                cells = [cell_text(v) for v in values]
                if table is None:
                    if not any(cells):
                        continue
                    table = Table(sheet, path.name, worksheet.title, cells)
                    while table.headers and not table.headers[-1]:
                        table.headers.pop()
                    continue
                add_row(table, number, cells, result)
            if table is not None:
                result.tables.append(table)
    finally:
        workbook.close()


def _read_json(path: Path, result: ReadResult, limits: Limits, mapping: ColumnMapping) -> None:
    text = _decode(path, result, limits)
    if text is None:
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        result.errors.append(
            error(
                Place(path.name, row=exc.lineno),
                None,
                f"Geen geldige JSON: {exc.msg} (kolom {exc.colno}).",
                f"Not valid JSON: {exc.msg} (column {exc.colno}).",
            )
        )
        return
    except RecursionError:  # deeper than the parser goes: far past any sheet's depth
        result.errors.append(json_depth_error(path, text))
        return
    except ValueError:  # a number of thousands of digits, say
        result.errors.append(
            error(
                Place(path.name),
                None,
                "Geen geldige JSON: een waarde kan niet gelezen worden (een getal te lang?).",
                "Not valid JSON: a value cannot be read (a number too long?).",
            )
        )
        return
    if not isinstance(document, dict):
        result.errors.append(
            error(
                Place(path.name),
                None,
                'Verwacht een object met per blad een lijst rijen: {"bewoners": [...]}.',
                'Expected an object with a list of rows per sheet: {"residents": [...]}.',
            )
        )
        return
    for name, items in document.items():
        sheet = _sheet_or_error(name, Place(path.name, name), result, mapping)
        if sheet is None:
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            result.errors.append(
                error(
                    Place(path.name, name),
                    None,
                    "Verwacht een lijst van objecten (één per rij).",
                    "Expected a list of objects (one per row).",
                )
            )
            continue
        if len(items) > limits.max_rows:
            result.errors.append(too_many_rows(Place(path.name, name), limits))
            continue
        headers: list[str] = []
        for item in items:
            headers.extend(key for key in item if key not in headers)
            if len(headers) > MAX_COLUMNS:
                break
        if len(headers) > MAX_COLUMNS:
            result.errors.append(too_wide(Place(path.name, name)))
            continue
        table = Table(sheet, path.name, name, headers)
        for number, item in enumerate(items, start=1):
            values = [item.get(h) for h in headers]
            nested = next((i for i, v in enumerate(values) if not _flat(v)), None)
            if nested is not None:
                result.errors.append(
                    nesting_error(table.place(number, headers[nested]), MAX_JSON_DEPTH)
                )
                table.refused.add(number)
            add_row(table, number, [cell_text(v) for v in values], result)
        result.tables.append(table)


def _flat(value: Any) -> bool:
    """A JSON cell: a value, or a list of values (themes, say); never an object."""
    if isinstance(value, list):
        return not any(isinstance(item, list | dict) for item in value)
    return not isinstance(value, dict)
