"""Hostile and careless import files, as a table: each with the place its error must name.

Shared by the tests that send them through ``run_import`` on both databases, through the
command line, and through ``POST /imports`` (tests/importers/test_hostile.py,
tests/api/test_hostile_api.py). Builders write the files, so the large ones (a zip bomb)
never sit in the module.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: A store the hostile files meet: neighbourhoods, initiatives and a few residents.
BASE_FILES = {
    "buurten.csv": "code,naam,niveau,valt_onder\nGM9999,Wijkgraafstad,gemeente,\nWK999901,Vlinderwijk,wijk,GM9999\nBU99990101,Bloemenbuurt,buurt,WK999901\n",
    "initiatieven.csv": "bron_id,naam,themas,buurt\nI01,Moestuin,groen,BU99990101\nI02,Buurtkamer,ontmoeting,BU99990101\n",
    "bewoners.csv": "bron_id,naam,buurt,toestemming_naam\nB1,Fatima,BU99990101,ja\nB2,Jan,BU99990101,nee\n",
}
#: A valid file that arrives beside a bad one: nothing of it may be written either.
GOOD_INITIATIVES = "bron_id,naam,themas,buurt\nI03,Repair Café,energie,BU99990101\n"

_XLSX_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_XLSX_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_XLSX_BOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="bewoners" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_XLSX_BOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_HEAD = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _workbook(rows: str | Callable[[zipfile.ZipFile], None], *, prolog: str = "") -> bytes:
    """A minimal workbook whose one sheet, ``bewoners``, holds ``rows`` (sheet XML), or
    whose sheet part ``rows`` writes itself (streamed: a bomb)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _XLSX_TYPES)
        book.writestr("_rels/.rels", _XLSX_RELS)
        book.writestr("xl/workbook.xml", _XLSX_BOOK)
        book.writestr("xl/_rels/workbook.xml.rels", _XLSX_BOOK_RELS)
        if callable(rows):
            rows(book)
        else:
            head = _SHEET_HEAD.replace('<?xml version="1.0"?>', '<?xml version="1.0"?>' + prolog)
            book.writestr("xl/worksheets/sheet1.xml", head + rows + "</sheetData></worksheet>")
    return buffer.getvalue()


def _header_row() -> str:
    return '<row r="1">' + _cell("A1", "bron_id") + _cell("B1", "naam") + "</row>"


def huge_header_cell(size: int = 256 * 1024 * 1024) -> bytes:
    """A workbook of a few hundred kilobytes whose header cell unpacks to ``size`` bytes."""

    def write(book: zipfile.ZipFile) -> None:
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write((_SHEET_HEAD + '<row r="1"><c r="A1" t="inlineStr"><is><t>').encode())
            block = b"a" * (1 << 20)
            for _ in range(size >> 20):
                part.write(block)
            part.write(b"</t></is></c></row></sheetData></worksheet>")

    return _workbook(write)


def damaged_part() -> bytes:
    """A workbook whose sheet part's packed bytes are overwritten: its directory reads, its
    sheet does not unpack."""
    book = bytearray(_workbook(_header_row() + '<row r="2">' + _cell("A2", "B3" * 200) + "</row>"))
    with zipfile.ZipFile(io.BytesIO(bytes(book))) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    # the local header is 30 bytes plus the name and extra field; the packed data follows
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    book[start : start + 40] = b"\xff" * 40
    return bytes(book)


def wide_rows(rows: int = 2000) -> bytes:
    """Every row with a cell at column XFD: billions of empty cells from a few kilobytes."""
    body = "".join(
        f'<row r="{i}">{_cell(f"A{i}", f"B{i}")}<c r="XFD{i}"><v>1</v></c></row>'
        for i in range(2, rows + 2)
    )
    return _workbook(_header_row() + body)


def many_rows_workbook(rows: int) -> bytes:
    body = "".join(f'<row r="{i}">{_cell(f"A{i}", f"B{i}")}</row>' for i in range(2, rows + 2))
    return _workbook(_header_row() + body)


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + ']>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    '<key id="d0" for="node" attr.name="label" attr.type="string"/>'
    '<graph edgedefault="undirected"><node id="n1"><data key="d0">&lol9;</data></node>'
    "</graph></graphml>\n"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE graphml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    '<key id="d0" for="node" attr.name="label" attr.type="string"/>'
    '<graph edgedefault="undirected"><node id="n1"><data key="d0">&secret;</data></node>'
    "</graph></graphml>\n"
)
DEEP_GRAPHML = (
    '<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    '<graph edgedefault="undirected"><node id="n1">'
    + "<desc>" * 5000
    + "</desc>" * 5000
    + "</node></graph></graphml>\n"
)
GEXF_DTD = (
    '<?xml version="1.0"?>\n<!DOCTYPE gexf [<!ENTITY x "xxxxxxxxxx">]>\n'
    '<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph><nodes>'
    '<node id="n1" label="&x;"/></nodes></graph></gexf>\n'
)

Content = str | bytes | Callable[[], bytes]


@dataclass(frozen=True)
class Hostile:
    """One bad import: its files (name -> content), and the error it must give."""

    files: dict[str, Content]
    #: file, sheet, row, column of the error
    place: tuple[str, str | None, int | None, str | None]
    #: part of the Dutch message
    message: str
    #: settings this case runs with (low limits, so a test need not write gigabytes)
    settings: dict[str, int] = field(default_factory=dict)

    def write(self, directory: Path) -> list[Path]:
        paths = []
        for name, content in self.files.items():
            path = directory / name
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content() if callable(content) else content
            if isinstance(data, str):
                path.write_text(data, encoding="utf-8")
            else:
                path.write_bytes(data)
            paths.append(path)
        return paths


def _csv_rows(count: int) -> str:
    return "bron_id,buurt\n" + "".join(f"X{i},BU99990101\n" for i in range(count))


HOSTILE: dict[str, Hostile] = {
    "nul-byte-beside-a-valid-file": Hostile(
        {"initiatieven.csv": GOOD_INITIATIVES, "bewoners.csv": "bron_id,naam,buurt,toestemming_naam\nB3,Fa\x00tima,BU99990101,ja\n"},
        ("bewoners.csv", None, 2, "naam"), "stuurteken (U+0000",
    ),
    "escape-character-in-a-code": Hostile(
        {"bewoners.csv": "bron_id,buurt\nB3,BU9999\x1b0101\n"},
        ("bewoners.csv", None, 2, "buurt"), "stuurteken (U+001B",
    ),
    "bidirectional-override": Hostile(
        {"bewoners.csv": "bron_id,naam\nB3,Jan\u202eteP\n"},
        ("bewoners.csv", None, 2, "naam"), "stuurteken (U+202E",
    ),
    "lone-surrogate-in-json": Hostile(
        {"bewoners.json": '{"bewoners": [{"bron_id": "B3", "naam": "Fa\\ud800tima"}]}'},
        ("bewoners.json", "bewoners", 1, "naam"), "stuurteken (U+D800",
    ),
    "unterminated-quote": Hostile(
        {"bewoners.csv": 'bron_id,naam\nB3,"Fatima\nB4,Jan\n'},
        ("bewoners.csv", None, 2, None), "sluit niet op dezelfde regel",
    ),
    "quote-closing-on-a-later-line": Hostile(
        {"bewoners.csv": 'bron_id,naam\nB3,"Fati\nma"\nB4,Jan\n'},
        ("bewoners.csv", None, 2, "naam"), "sluit niet op dezelfde regel",
    ),
    "huge-csv-line": Hostile(
        {"bewoners.csv": "bron_id,naam\nB3," + "x" * 200_000 + "\n"},
        ("bewoners.csv", None, 2, None), "langer dan",
    ),
    "damaged-workbook-part": Hostile(
        {"bewoners.xlsx": damaged_part}, ("bewoners.xlsx", None, None, None), "beschadigd",
    ),
    "huge-header-cell-in-a-workbook": Hostile(
        {"bewoners.xlsx": huge_header_cell}, ("bewoners.xlsx", None, None, None), "zipbom",
    ),
    "workbook-larger-unpacked-than-allowed": Hostile(
        {"bewoners.xlsx": lambda: many_rows_workbook(20_000)},
        ("bewoners.xlsx", None, None, None), "te groot", {"import_max_bytes": 100_000},
    ),
    "cell-at-column-xfd-on-every-row": Hostile(
        {"bewoners.xlsx": wide_rows}, ("bewoners.xlsx", None, 2, "XFD"), "meer dan 104 kolommen",
    ),
    "too-many-rows-in-a-workbook": Hostile(
        {"bewoners.xlsx": lambda: many_rows_workbook(3000)},
        ("bewoners.xlsx", None, None, None), "Meer dan 2000 rijen", {"import_max_rows": 2000},
    ),
    "too-many-rows-in-a-csv": Hostile(
        {"bewoners.csv": _csv_rows(3000)},
        ("bewoners.csv", None, 2002, None), "Meer dan 2000 rijen", {"import_max_rows": 2000},
    ),
    "csv-larger-than-allowed": Hostile(
        {"bewoners.csv": _csv_rows(5000)},
        ("bewoners.csv", None, None, None), "te groot", {"import_max_bytes": 20_000},
    ),
    "entity-in-a-workbook": Hostile(
        {"bewoners.xlsx": lambda: _workbook(_header_row(), prolog='<!DOCTYPE x [<!ENTITY a "aaaa">]>')},
        ("bewoners.xlsx", None, None, None), "documenttypedefinitie",
    ),
    "deeply-nested-json": Hostile(
        {"bewoners.json": "[" * 100_000 + "]" * 100_000},
        ("bewoners.json", None, 1, None), "Te diep genest",
    ),
    "object-in-a-json-cell": Hostile(
        {"bewoners.json": '{"bewoners": [{"bron_id": "B3", "naam": {"voornaam": "Fatima"}}]}'},
        ("bewoners.json", "bewoners", 1, "naam"), "Te diep genest",
    ),
    "number-of-ten-thousand-digits": Hostile(
        {"bewoners.json": '{"bewoners": [{"bron_id": ' + "1" * 10_000 + "}]}"},
        ("bewoners.json", None, None, None), "Geen geldige JSON",
    ),
    "billion-laughs-graphml": Hostile(
        {"netwerk.graphml": LAUGHS}, ("netwerk.graphml", None, None, None), "documenttypedefinitie",
    ),
    "external-entity-graphml": Hostile(
        {"netwerk.graphml": EXTERNAL_ENTITY}, ("netwerk.graphml", None, None, None), "documenttypedefinitie",
    ),
    "entity-in-gexf": Hostile(
        {"netwerk.gexf": GEXF_DTD}, ("netwerk.gexf", None, None, None), "documenttypedefinitie",
    ),
    "deeply-nested-graphml": Hostile(
        {"netwerk.graphml": DEEP_GRAPHML}, ("netwerk.graphml", None, None, None), "Te diep genest",
    ),
    "huge-edge-list-line": Hostile(
        {"netwerk.edgelist": "a b\n" + "c" * 200_000 + " d\n"},
        ("netwerk.edgelist", None, 2, None), "langer dan",
    ),
    "not-utf8-far-into-the-file": Hostile(
        {"bewoners.csv": ("bron_id,buurt\n" + "".join(f"X{i},BU99990101\n" for i in range(3000))).encode() + b"Y1,Ay\xfee\n"},
        ("bewoners.csv", None, 3002, None), "geen UTF-8",
    ),
    "bsn-with-dots": Hostile(
        {"bewoners.csv": "bron_id,naam\n1112.22.333,Fatima\n"},
        ("bewoners.csv", None, 2, "bron_id"), "lijkt een BSN",
    ),
    "bsn-with-a-prefix": Hostile(
        {"bewoners.csv": "bron_id,naam\nBSN-111222333,Fatima\n"},
        ("bewoners.csv", None, 2, "bron_id"), "lijkt een BSN",
    ),
    "same-name-in-two-folders": Hostile(
        {"a/bewoners.csv": "bron_id,naam\nB7,Noor\n", "b/bewoners.csv": "bron_id,naam\nB7,Kees\n"},
        ("b/bewoners.csv", None, 2, None), "Dubbel id: staat ook in a/bewoners.csv, rij 2",
    ),
}  # fmt: skip
