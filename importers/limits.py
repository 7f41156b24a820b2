"""What an input file may be, and the checks that refuse a hostile one while it is read.

A file is refused for what it is before memory grows with what it claims to hold: its size on
disk (or a workbook's size once unpacked), its rows, the width of its rows, the length of a
line or a cell, how deeply it nests, and any document type declaration in its XML (entity
expansion, external entities). Each refusal is a :class:`RowError` that says where, in Dutch
and English, like every other import error.

Two limits a large municipality may need to raise are settings (``import_max_bytes``,
``import_max_rows``); the others are constants, because no real input comes near them:

- :data:`MAX_COLUMNS` — the widest template has 8 columns; Excel's padding and a few notes
  columns stay far below 104 (A to CZ). A cell at column XFD on every row is how a workbook of a
  few kilobytes unpacks into billions of empty cells.
- :data:`MAX_LINE` — a CSV or edge-list line of :data:`MAX_COLUMNS` cells of the longest
  allowed length (:data:`MAX_CELL`), with room for quotes and delimiters.
- :data:`MAX_XML_RUN` — text between two XML tags: a cell of :data:`MAX_CELL` characters,
  each at most an entity reference long.
- :data:`MAX_JSON_DEPTH`, :data:`MAX_XML_DEPTH` — a sheet is an object of lists of objects
  of values (a value may be a list): four levels; GraphML and GEXF nest a handful.
- :data:`MAX_ZIP_MEMBERS`, :data:`MAX_ZIP_RATIO` — a workbook has tens of parts, and
  spreadsheet XML packs to about a tenth (200,000 rows of one repeated resident: a
  fifteenth); a part unpacking to more than :data:`MAX_ZIP_RATIO`
  times its packed size (and over a megabyte) is a zip bomb, not a spreadsheet.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from importers.report import Place, RowError

#: The longest cell accepted; names and codes are short, and long text is how free-text
#: diagnoses would creep in.
MAX_CELL = 1000
MAX_COLUMNS = 104
MAX_LINE = MAX_COLUMNS * (MAX_CELL + 3)
MAX_XML_RUN = 8 * MAX_CELL
MAX_JSON_DEPTH = 4
MAX_XML_DEPTH = 16
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_RATIO = 200
_CHUNK = 1 << 20

#: Characters no cell may hold: control characters (NUL among them: a database refuses it),
#: lone surrogates (not text: no database can store them), and the bidirectional overrides
#: that make a value read differently from what it is.
FORBIDDEN_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Limits:
    """The limits an import reads its files with (from the settings of the same names)."""

    #: bytes of one file, or of a workbook unpacked
    max_bytes: int = 512 * 1024 * 1024
    #: rows of one sheet (a graph file: nodes and edges each)
    max_rows: int = 5_000_000


def refusal(place: Place, value: str | None, nl: str, en: str) -> RowError:
    return RowError(place, value, nl, en)


def forbidden_character(text: str) -> str | None:
    """A description of the first character no cell may hold, or None.

    >>> forbidden_character("Fatima"), forbidden_character("Fa\\x00tima")
    (None, 'U+0000')
    """
    found = FORBIDDEN_CHARACTER.search(text)
    if found is None:
        return None
    return f"U+{ord(found.group()):04X}"


def character_error(place: Place, text: str, code: str) -> RowError:
    name = unicodedata.name(chr(int(code[2:], 16)), "")
    shown = f"{code} {name}".strip()
    return refusal(
        place,
        None,
        f"Dit veld bevat een stuurteken ({shown}) dat geen tekst is; verwijder het (vaak "
        "is het een regeleinde of een rest van een kopieeractie).",
        f"This field holds a control character ({shown}) that is not text; remove it (often "
        "a line break or a leftover of copying).",
    )


def size_error(path: Path, limits: Limits) -> RowError | None:
    """An error if ``path`` is larger than a file may be."""
    size = path.stat().st_size
    if size <= limits.max_bytes:
        return None
    return _too_large(Place(path.name), size, limits)


def _too_large(place: Place, size: int, limits: Limits) -> RowError:
    return refusal(
        place,
        None,
        f"Het bestand is te groot ({size} bytes, hoogstens {limits.max_bytes}; instelling "
        "WIJKGRAAF_IMPORT_MAX_BYTES). Splits het op.",
        f"The file is too large ({size} bytes, at most {limits.max_bytes}; setting "
        "WIJKGRAAF_IMPORT_MAX_BYTES). Split it up.",
    )


def too_many_rows(place: Place, limits: Limits) -> RowError:
    return refusal(
        place,
        None,
        f"Meer dan {limits.max_rows} rijen (instelling WIJKGRAAF_IMPORT_MAX_ROWS); splits het "
        "bestand op. Er is verder niets uit dit bestand gelezen.",
        f"More than {limits.max_rows} rows (setting WIJKGRAAF_IMPORT_MAX_ROWS); split the file "
        "up. Nothing more was read from this file.",
    )


def too_wide(place: Place) -> RowError:
    return refusal(
        place,
        None,
        f"Deze rij heeft meer dan {MAX_COLUMNS} kolommen; een sjabloon heeft er veel minder. "
        "Er is verder niets uit dit bestand gelezen.",
        f"This row has more than {MAX_COLUMNS} columns; a template has far fewer. Nothing "
        "more was read from this file.",
    )


class LineTooLong(Exception):
    """A line longer than :data:`MAX_LINE` characters (its 1-based number)."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def bounded_lines(handle: IO[str]) -> Iterator[str]:
    """The lines of a text file, none held longer than :data:`MAX_LINE` characters."""
    number = 0
    while True:
        line = handle.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE:
            raise LineTooLong(number)
        yield line


def line_error(place: Place) -> RowError:
    return refusal(
        place,
        None,
        f"Deze regel is langer dan {MAX_LINE} tekens; staat er een aanhalingsteken of "
        "regeleinde verkeerd? Er is verder niets uit dit bestand gelezen.",
        f"This line is longer than {MAX_LINE} characters; is a quote or line break out of "
        "place? Nothing more was read from this file.",
    )


def json_depth_error(path: Path, text: str) -> RowError:
    """The error for JSON nested too deeply to parse, at the line where it passes the limit."""
    depth, line, in_string, escaped = 0, 1, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                break
        elif char in "]}":
            depth -= 1
        if char == "\n":
            line += 1
    return nesting_error(Place(path.name, row=line), MAX_JSON_DEPTH)


def nesting_error(place: Place, limit: int) -> RowError:
    return refusal(
        place,
        None,
        f"Te diep genest (hoogstens {limit} niveaus): een blad is een lijst van rijen, een rij "
        "een object van waarden.",
        f"Nested too deeply (at most {limit} levels): a sheet is a list of rows, a row an "
        "object of values.",
    )


def _doctype_error(place: Place) -> RowError:
    return refusal(
        place,
        None,
        "Het bestand bevat een documenttypedefinitie (<!DOCTYPE of <!ENTITY>); die wordt om "
        "veiligheidsredenen niet gelezen (entiteiten kunnen uitdijen of andere bestanden "
        "binnenhalen). Exporteer het opnieuw zonder.",
        "The file holds a document type definition (<!DOCTYPE or <!ENTITY>); it is not read, "
        "for safety (entities can expand or pull in other files). Export it again without.",
    )


# --- workbooks ------------------------------------------------------------------------------

_CELL_PARTS = re.compile(r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml)$")
#: A cell reference beyond column CZ (the 104th): three letters, or two from DA on.
_WIDE_CELL = re.compile(rb'\sr="([A-Z]{3,}|[D-Z][A-Z])([0-9]+)"')
_LONG_RUN = re.compile(rb"[^<]{%d,}" % (MAX_XML_RUN + 1))
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def workbook_error(path: Path, limits: Limits) -> RowError | None:
    """An error if the workbook at ``path`` is not one to open: too many parts, too large
    unpacked, packed like a zip bomb, a DTD in its XML, rows too wide or too many, or text
    too long between two tags. Read part by part in chunks: what it holds never sits in
    memory whole. A file that is no zip at all is left to the workbook reader to name."""
    place = Place(path.name)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None  # no zip at all: the workbook reader says so in its own words
    try:
        with archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                return refusal(
                    place,
                    None,
                    f"Dit werkboek heeft meer dan {MAX_ZIP_MEMBERS} delen; het is geen gewoon "
                    "Excel-bestand.",
                    f"This workbook has more than {MAX_ZIP_MEMBERS} parts; it is no ordinary "
                    "Excel file.",
                )
            unpacked = sum(member.file_size for member in members)
            if unpacked > limits.max_bytes:
                return _too_large(place, unpacked, limits)
            for member in members:
                if member.file_size > _CHUNK and (
                    member.file_size > MAX_ZIP_RATIO * max(1, member.compress_size)
                ):
                    return refusal(
                        place,
                        member.filename,
                        f"Een deel van dit werkboek pakt uit tot meer dan {MAX_ZIP_RATIO} keer "
                        "zijn grootte: zo ziet een zipbom eruit, geen spreadsheet.",
                        f"A part of this workbook unpacks to more than {MAX_ZIP_RATIO} times "
                        "its size: that is what a zip bomb looks like, not a spreadsheet.",
                    )
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    found = _scan_part(archive, member, place, limits)
                    if found is not None:
                        return found
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        # a part that cannot be unpacked: damaged, encrypted or packed in a way zip does not
        # know; refused here, so the workbook reader never tries it
        return refusal(
            place,
            None,
            "Een deel van dit werkboek is beschadigd of versleuteld; sla het opnieuw op als "
            "gewoon Excel-bestand (.xlsx).",
            "A part of this workbook is damaged or encrypted; save it again as an ordinary "
            "Excel file (.xlsx).",
        )
    return None


def _scan_part(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, place: Place, limits: Limits
) -> RowError | None:
    """Stream one XML part, checking each chunk with a few searches in C."""
    cells = bool(_CELL_PARTS.match(member.filename))
    rows = 0
    carry = b""
    with archive.open(member) as part:
        while True:
            chunk = part.read(_CHUNK)
            text = carry + chunk
            if not chunk:
                break
            if _DTD.search(text):
                return _doctype_error(place)
            if not cells:
                carry = text[-16:]
                continue
            cut = text.rfind(b"<")
            cut = 0 if cut < 0 else cut
            whole, carry = text[:cut], text[cut:]
            if _LONG_RUN.search(whole) or len(carry) > MAX_XML_RUN:
                return refusal(
                    place,
                    None,
                    f"Een cel van dit werkboek is langer dan {MAX_CELL} tekens; vrije tekst "
                    "hoort niet in Wijkgraaf.",
                    f"A cell of this workbook is longer than {MAX_CELL} characters; free text "
                    "does not belong in Wijkgraaf.",
                )
            wide = _WIDE_CELL.search(whole)
            if wide is not None:
                row = int(wide.group(2))
                return too_wide(Place(place.file, row=row, column=wide.group(1).decode()))
            rows += whole.count(b"<row ") + whole.count(b"<row>")
            if rows > limits.max_rows:
                return too_many_rows(place, limits)
    return None


# --- GraphML and GEXF -----------------------------------------------------------------------


def graph_xml_error(path: Path, limits: Limits) -> RowError | None:
    """An error if the GraphML or GEXF file at ``path`` has a DTD, nests too deeply, holds
    too many nodes or edges, too many attributes, or text too long; streamed, each element
    let go once seen."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    place = Place(path.name)
    counts = {"node": 0, "edge": 0}
    keys = 0
    depth = 0
    try:
        for event, element in iterparse(
            str(path), events=("start", "end"), forbid_dtd=True, forbid_entities=True
        ):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                depth += 1
                if depth > MAX_XML_DEPTH:
                    return nesting_error(place, MAX_XML_DEPTH)
                if tag in counts:
                    counts[tag] += 1
                    if counts[tag] > limits.max_rows:
                        return too_many_rows(Place(path.name, tag + "s"), limits)
                elif tag in ("key", "attribute"):
                    keys += 1
                    if keys > MAX_COLUMNS:
                        return too_wide(place)
                continue
            depth -= 1
            if element.text is not None and len(element.text) > MAX_CELL:
                sheet = "nodes" if counts["edge"] == 0 else "edges"
                row = counts["node"] if counts["edge"] == 0 else counts["edge"]
                return refusal(
                    Place(path.name, sheet, row),
                    element.text[:40],
                    f"Veld te lang ({len(element.text)} tekens, hoogstens {MAX_CELL}).",
                    f"Field too long ({len(element.text)} characters, at most {MAX_CELL}).",
                )
            if tag in counts:
                element.clear()
    except DefusedXmlException:
        return _doctype_error(place)
    except SyntaxError:
        return None  # malformed XML: the graph reader names it
    return None
