"""Read input files into tables of text cells, each cell with its place.

Formats: CSV (comma or semicolon, UTF-8 with or without BOM: Dutch Excel writes semicolons),
.xlsx (one worksheet per sheet), JSON (``{"bewoners": [{...}, ...], ...}``), and for interop
with Gephi and networkx GraphML, GEXF and edge lists (nodes become residents, edges ties).
A CSV or JSON file's sheet comes from its name (``bewoners.csv``, ``ties.csv``).

Reading never guesses at content: every problem (empty file, not UTF-8, wrong delimiter, a
field too large, an unknown sheet) becomes a :class:`RowError` that says where.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx

from importers.report import Place, RowError
from importers.templates import SHEETS, Sheet, normalise_header, sheet_for_name

#: The longest cell accepted; names and codes are short, and long text is how free-text
#: diagnoses would creep in.
MAX_CELL = 1000
EXPLANATION_SHEETS = {"uitleg", "explanation", "toelichting"}
GRAPH_SUFFIXES = {".graphml", ".gexf", ".edgelist", ".edges"}
# Drawing attributes Gephi and networkx add to graph files; they carry no personal data.
_DRAWING_ATTRIBUTES = {"x", "y", "z", "size", "color", "r", "g", "b", "a", "viz", "weight", "id"}


@dataclass
class Table:
    """One sheet's worth of rows as read: headers and text cells with 1-based row numbers."""

    sheet: Sheet
    file: str
    sheet_name: str | None
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def place(self, row: int | None = None, column: str | None = None) -> Place:
        return Place(self.file, self.sheet_name, row, column)


@dataclass
class ReadResult:
    tables: list[Table] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _error(place: Place, value: str | None, nl: str, en: str) -> RowError:
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


def read_inputs(paths: list[Path], *, neighbourhood: str | None = None) -> ReadResult:
    """Read every file; ``neighbourhood`` is the default for residents of graph files."""
    result = ReadResult()
    for path in paths:
        suffix = path.suffix.lower()
        reader: Callable[[Path, ReadResult], None]
        if not path.is_file():
            result.errors.append(
                _error(Place(path.name), None, "Bestand niet gevonden.", "File not found.")
            )
            continue
        if normalise_header(path.stem) in EXPLANATION_SHEETS:
            continue  # the templates' explanation, not data
        if suffix in (".csv", ".txt"):
            reader = _read_csv
        elif suffix == ".xlsx":
            reader = _read_xlsx
        elif suffix == ".json":
            reader = _read_json
        elif suffix in GRAPH_SUFFIXES:
            _read_graph(path, result, neighbourhood)
            continue
        else:
            result.errors.append(
                _error(
                    Place(path.name),
                    None,
                    "Onbekend bestandstype: gebruik .csv, .xlsx, .json, .graphml, .gexf of "
                    ".edgelist.",
                    "Unknown file type: use .csv, .xlsx, .json, .graphml, .gexf or .edgelist.",
                )
            )
            continue
        reader(path, result)
    return result


def _sheet_or_error(name: str, place: Place, result: ReadResult) -> Sheet | None:
    sheet = sheet_for_name(name)
    if sheet is None:
        known = ", ".join(s.nl for s in SHEETS.values())
        known_en = ", ".join(SHEETS)
        result.errors.append(
            _error(
                place,
                name,
                f"Onbekend blad; noem het bestand of blad naar zijn soort: {known}.",
                f"Unknown sheet; name the file or sheet after its kind: {known_en}.",
            )
        )
    return sheet


def _decode(path: Path, result: ReadResult) -> str | None:
    data = path.read_bytes()
    if not data.strip():
        result.errors.append(
            _error(
                Place(path.name),
                None,
                "Het bestand is leeg; vul minstens de kopregel en één rij in.",
                "The file is empty; fill in at least the header and one row.",
            )
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        result.errors.append(
            _error(
                Place(path.name, row=row),
                None,
                "Het bestand is geen UTF-8. Sla het in Excel op als 'CSV UTF-8 (door "
                "komma's gescheiden)'.",
                "The file is not UTF-8. In Excel, save it as 'CSV UTF-8 (comma delimited)'.",
            )
        )
        return None


def _read_csv(path: Path, result: ReadResult) -> None:
    text = _decode(path, result)
    if text is None:
        return
    sheet = _sheet_or_error(path.name, Place(path.name), result)
    if sheet is None:
        return
    end = text.find("\n")  # split the first line only, not a city's whole file (twice)
    head = (text if end < 0 else text[: end + 1]).splitlines()
    first_line = head[0] if head else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    if delimiter not in first_line and len(sheet.columns) > 1:
        for other, name in (("\t", "tab"), ("|", "|"), (":", ":")):
            if other in first_line:
                result.errors.append(
                    _error(
                        Place(path.name, row=1),
                        first_line[:60],
                        f"Verkeerd scheidingsteken ({name}); gebruik een komma of puntkomma.",
                        f"Wrong delimiter ({name}); use a comma or a semicolon.",
                    )
                )
                return
    csv.field_size_limit(16 * 1024 * 1024)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table: Table | None = None
    number = 0
    try:
        for number, cells in enumerate(records, start=1):
            if table is None:
                table = Table(sheet, path.name, None, [c.strip() for c in cells])
                continue
            _add_row(table, number, cells, result)
    except csv.Error as exc:
        result.errors.append(
            _error(
                Place(path.name, row=number + 1),
                None,
                f"Deze rij is geen geldige CSV ({exc}); controleer aanhalingstekens.",
                f"This row is not valid CSV ({exc}); check the quotes.",
            )
        )
        return
    if table is not None:
        result.tables.append(table)


def _add_row(table: Table, number: int, cells: list[str], result: ReadResult) -> None:
    cells = [c.strip() for c in cells]
    if not any(cells):
        return  # spreadsheets leave empty rows at the end
    if max(map(len, cells)) <= MAX_CELL:
        table.rows.append((number, cells))
        return
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CELL:
            header = table.headers[index] if index < len(table.headers) else str(index + 1)
            result.errors.append(
                _error(
                    table.place(number, header),
                    cell[:40],
                    f"Veld te lang ({len(cell)} tekens, hoogstens {MAX_CELL}); vrije tekst "
                    "hoort niet in Wijkgraaf.",
                    f"Field too long ({len(cell)} characters, at most {MAX_CELL}); free text "
                    "does not belong in Wijkgraaf.",
                )
            )
            cells[index] = ""
    table.rows.append((number, cells))


def _read_xlsx(path: Path, result: ReadResult) -> None:
    import openpyxl  # only needed for workbooks

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        result.errors.append(
            _error(
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
            sheet = _sheet_or_error(worksheet.title, Place(path.name, worksheet.title), result)
            if sheet is None:
                continue
            table: Table | None = None
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                if table is None:
                    if not any(cells):
                        continue
                    table = Table(sheet, path.name, worksheet.title, cells)
                    while table.headers and not table.headers[-1]:
                        table.headers.pop()
                    continue
                _add_row(table, number, cells, result)
            if table is not None:
                result.tables.append(table)
    finally:
        workbook.close()


def _read_json(path: Path, result: ReadResult) -> None:
    text = _decode(path, result)
    if text is None:
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        result.errors.append(
            _error(
                Place(path.name, row=exc.lineno),
                None,
                f"Geen geldige JSON: {exc.msg} (kolom {exc.colno}).",
                f"Not valid JSON: {exc.msg} (column {exc.colno}).",
            )
        )
        return
    if not isinstance(document, dict):
        result.errors.append(
            _error(
                Place(path.name),
                None,
                'Verwacht een object met per blad een lijst rijen: {"bewoners": [...]}.',
                'Expected an object with a list of rows per sheet: {"residents": [...]}.',
            )
        )
        return
    for name, items in document.items():
        sheet = _sheet_or_error(name, Place(path.name, name), result)
        if sheet is None:
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            result.errors.append(
                _error(
                    Place(path.name, name),
                    None,
                    "Verwacht een lijst van objecten (één per rij).",
                    "Expected a list of objects (one per row).",
                )
            )
            continue
        headers: list[str] = []
        for item in items:
            headers.extend(key for key in item if key not in headers)
        table = Table(sheet, path.name, name, headers)
        for number, item in enumerate(items, start=1):
            _add_row(table, number, [cell_text(item.get(h)) for h in headers], result)
        result.tables.append(table)


_GRAPH_READERS: dict[str, Callable[[Path], nx.Graph]] = {
    ".graphml": nx.read_graphml,
    ".gexf": nx.read_gexf,
    ".edgelist": lambda p: nx.read_edgelist(p, data=False),
    ".edges": lambda p: nx.read_edgelist(p, data=False),
}


def _read_graph(path: Path, result: ReadResult, neighbourhood: str | None) -> None:
    """Nodes become residents, edges ties; known attributes become columns."""
    try:
        graph = _GRAPH_READERS[path.suffix.lower()](path)
    except Exception as exc:  # networkx raises many kinds for a malformed file
        result.errors.append(
            _error(
                Place(path.name),
                None,
                f"Kan het netwerkbestand niet lezen: {exc}.",
                f"Cannot read the network file: {exc}.",
            )
        )
        return
    residents = Table(SHEETS["residents"], path.name, "nodes", ["source_id"])
    ties = Table(SHEETS["ties"], path.name, "edges", ["resident", "other_resident"])
    node_columns = sorted(
        {k for _, data in graph.nodes(data=True) for k in data} - _DRAWING_ATTRIBUTES
    )
    columns = node_columns
    residents.headers += ["name" if c == "label" else c for c in columns]  # Gephi's label
    if neighbourhood and "neighbourhood" not in residents.headers:
        residents.headers.append("neighbourhood")
    for number, (node, data) in enumerate(graph.nodes(data=True), start=1):
        cells = [str(node)] + [cell_text(data.get(c)) for c in columns]
        if neighbourhood and len(cells) < len(residents.headers):
            cells.append(neighbourhood)
        _add_row(residents, number, cells, result)
    edge_columns = sorted(
        {k for *_, data in graph.edges(data=True) for k in data} - _DRAWING_ATTRIBUTES
    )
    ties.headers += edge_columns
    for number, (a, b, data) in enumerate(graph.edges(data=True), start=1):
        _add_row(
            ties, number, [str(a), str(b)] + [cell_text(data.get(c)) for c in edge_columns], result
        )
    result.tables.append(residents)
    if ties.rows:
        result.tables.append(ties)
