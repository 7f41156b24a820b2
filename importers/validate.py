"""Check every header and every cell against the templates; collect every problem.

Nothing here touches the database: references to rows that may already be stored are checked
in :mod:`importers.load`. A valid row becomes a :class:`Record` of typed values; an invalid one
yields :class:`RowError` s with file, sheet, 1-based row, column, value and what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from importers.reader import Table
from importers.report import Place, RowError
from importers.templates import Column, ColumnType, Sheet, header_map, normalise_header
from importers.vocabulary import SKILLS, THEMES, Vocabulary

CBS_CODE = re.compile(r"^(GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$")
LOCAL_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
MAX_TEXT = 200
MAX_SOURCE_ID = 100

# Dutch ways of writing the enum values, so a coordinator can fill in the sheet in Dutch.
DUTCH_VALUES: dict[str, str] = {
    "eigenaar": "owner", "trekker": "owner", "organisator": "organiser",
    "vrijwilliger": "volunteer", "deelnemer": "participant", "ontvanger": "beneficiary",
    "familie": "family", "buur": "neighbour", "buren": "neighbour", "buurman": "neighbour",
    "buurvrouw": "neighbour", "vriend": "friend", "vriendin": "friend", "kennis": "acquaintance",
    "bewoners": "residents", "gedeeld": "shared", "samen": "shared",
    "idee": "idea", "actief": "active", "gepauzeerd": "paused", "gestopt": "ended",
    "financiering": "funding", "geld": "funding", "ruimte": "space", "begeleiding": "coaching",
    "materiaal": "materials", "materialen": "materials", "vrijwilligers": "volunteers",
    "lokaal": "local",
}  # fmt: skip
TRUE_WORDS = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
FALSE_WORDS = {"nee", "n", "no", "false", "onwaar", "0"}
_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})$"),
)


@dataclass
class Record:
    """One valid row: its sheet, where it came from, and its typed values by column key."""

    sheet: Sheet
    place: Place
    values: dict[str, Any]
    #: terms that were not in the vocabulary, as (vocabulary kind, code, as written)
    unknown_terms: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Validated:
    records: dict[str, list[Record]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    #: rows with an error, by sheet: their source ids, so dependants can be skipped too
    invalid_ids: dict[str, set[str]] = field(default_factory=dict)


class CellError(ValueError):
    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.nl, self.en = nl, en


def looks_like_bsn(text: str) -> bool:
    """Nine digits passing the eleven-test: a citizen service number must never be imported.

    >>> looks_like_bsn("111222333"), looks_like_bsn("123456789")
    (True, False)
    """
    if not re.fullmatch(r"\d{9}", text):
        return False
    total = sum(int(d) * w for d, w in zip(text[:8], range(9, 1, -1), strict=True))
    return (total - int(text[8])) % 11 == 0


def _choice(column: Column, text: str) -> str:
    assert column.choices is not None
    word = text.strip().lower()
    word = DUTCH_VALUES.get(word, word)
    allowed = {c.value for c in column.choices}
    if word not in allowed:
        values = ", ".join(sorted(allowed))
        raise CellError(f"Kies een van: {values}.", f"Choose one of: {values}.")
    return word


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[|;,]", text) if part.strip()]


def _date(text: str) -> str:
    for pattern in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            try:
                value = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
            if not 1900 <= value.year <= 2100:
                break
            return value.isoformat()
    raise CellError(
        "Geen geldige datum; schrijf JJJJ-MM-DD (2023-04-01) of DD-MM-JJJJ (01-04-2023).",
        "Not a valid date; write YYYY-MM-DD (2023-04-01) or DD-MM-YYYY (01-04-2023).",
    )


def _term(vocabulary: Vocabulary, text: str, unknown: list[tuple[str, str, str]]) -> str:
    match = vocabulary.lookup(text)
    if not match.code:
        raise CellError("Lege of onleesbare term.", "Empty or unreadable term.")
    if not match.known:
        unknown.append((vocabulary.kind, match.code, text.strip()))
    return match.code


def parse_cell(column: Column, text: str, unknown: list[tuple[str, str, str]]) -> Any:
    """The typed value of one non-empty cell, or :class:`CellError`."""
    kind = column.kind
    if kind is ColumnType.TEXT:
        if len(text) > MAX_TEXT:
            raise CellError(
                f"Te lang (hoogstens {MAX_TEXT} tekens).",
                f"Too long (at most {MAX_TEXT} characters).",
            )
        return text
    if kind in (ColumnType.SOURCE_ID, ColumnType.REF):
        if len(text) > MAX_SOURCE_ID:
            raise CellError(
                f"Id te lang (hoogstens {MAX_SOURCE_ID} tekens).",
                f"Id too long (at most {MAX_SOURCE_ID} characters).",
            )
        if looks_like_bsn(text):
            raise CellError(
                "Dit lijkt een BSN; gebruik het id uit uw eigen systeem, nooit een BSN.",
                "This looks like a citizen service number (BSN); use your own system's id.",
            )
        return text
    if kind is ColumnType.CODE:
        code = text.strip().upper() if CBS_CODE.match(text.strip().upper()) else text.strip()
        if not (CBS_CODE.match(code) or LOCAL_CODE.match(code)):
            raise CellError(
                "Geen geldige buurtcode: CBS (BU + 8, WK + 6, GM + 4 tekens) of een eigen code.",
                "Not a valid neighbourhood code: CBS (BU + 8, WK + 6, GM + 4 characters) or a "
                "local code.",
            )
        return code
    if kind is ColumnType.ENUM:
        return _choice(column, text)
    if kind is ColumnType.ENUM_LIST:
        return sorted({_choice(column, part) for part in _split(text)})
    if kind is ColumnType.BOOL:
        word = text.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError("Schrijf ja of nee.", "Write yes or no.")
    if kind is ColumnType.INT:
        try:
            number = int(text)
        except ValueError:
            raise CellError("Geen geheel getal.", "Not a whole number.") from None
        if (column.minimum is not None and number < column.minimum) or (
            column.maximum is not None and number > column.maximum
        ):
            raise CellError(
                f"Kies een getal van {column.minimum} tot en met {column.maximum}.",
                f"Choose a number from {column.minimum} to {column.maximum}.",
            )
        return number
    if kind is ColumnType.DATE:
        return _date(text)
    if kind is ColumnType.THEME:
        return _term(THEMES, text, unknown)
    if kind is ColumnType.THEMES:
        return sorted({_term(THEMES, part, unknown) for part in _split(text)})
    if kind is ColumnType.SKILL:
        return _term(SKILLS, text, unknown)
    raise AssertionError(f"unhandled column type {kind}")


def _check_headers(table: Table, errors: list[RowError]) -> list[Column | None] | None:
    """The column of each header (None for a blank one), or None if the table is unusable."""
    mapping = header_map(table.sheet)
    columns: list[Column | None] = []
    seen: dict[str, str] = {}
    usable = True
    for header in table.headers:
        if not header:
            columns.append(None)
            continue
        column = mapping.get(normalise_header(header))
        if column is None:
            allowed = ", ".join(c.nl for c in table.sheet.columns)
            allowed_en = ", ".join(c.key for c in table.sheet.columns)
            errors.append(
                RowError(
                    table.place(1, header),
                    header,
                    f"Onbekende kolom: Wijkgraaf neemt alleen bekende kolommen over "
                    f"(dataminimalisatie). Toegestaan: {allowed}.",
                    f"Unknown column: Wijkgraaf accepts known columns only (data "
                    f"minimisation). Allowed: {allowed_en}.",
                )
            )
            usable = False
        elif column.key in seen:
            errors.append(
                RowError(
                    table.place(1, header),
                    header,
                    f"Kolom staat er twee keer in (ook als {seen[column.key]!r}).",
                    f"Column appears twice (also as {seen[column.key]!r}).",
                )
            )
            usable = False
        else:
            seen[column.key] = header
        columns.append(column)
    for column in table.sheet.columns:
        if column.required and column.key not in seen:
            errors.append(
                RowError(
                    table.place(1, column.nl),
                    None,
                    f"Verplichte kolom {column.nl!r} ontbreekt in de kopregel.",
                    f"Required column {column.key!r} is missing from the header.",
                )
            )
            usable = False
    return columns if usable else None


def validate_tables(tables: list[Table]) -> Validated:
    """Every header and cell of every table checked; every problem collected."""
    result = Validated()
    first_seen: dict[tuple[str, str], Place] = {}
    for table in tables:
        columns = _check_headers(table, result.errors)
        if columns is None:
            continue
        records = result.records.setdefault(table.sheet.key, [])
        invalid = result.invalid_ids.setdefault(table.sheet.key, set())
        for number, cells in table.rows:
            record = _validate_row(table, columns, number, cells, result.errors)
            source_id = _row_source_id(table.sheet, columns, cells)
            if record is None:
                if source_id:
                    invalid.add(source_id)
                continue
            if source_id:
                key = (table.sheet.key, source_id)
                if key in first_seen:
                    first = first_seen[key]
                    result.errors.append(
                        RowError(
                            record.place,
                            source_id,
                            f"Dubbel id: staat ook in {first.describe('nl')}.",
                            f"Duplicate id: also in {first.describe('en')}.",
                        )
                    )
                    invalid.add(source_id)
                    continue
                first_seen[key] = record.place
            records.append(record)
    return result


def _row_source_id(sheet: Sheet, columns: list[Column | None], cells: list[str]) -> str | None:
    key = "code" if sheet.key == "neighbourhoods" else "source_id"
    for column, cell in zip(columns, cells, strict=False):
        if column is not None and column.key == key:
            return cell.strip() or None
    return None


def _validate_row(
    table: Table,
    columns: list[Column | None],
    number: int,
    cells: list[str],
    errors: list[RowError],
) -> Record | None:
    values: dict[str, Any] = {}
    unknown: list[tuple[str, str, str]] = []
    failed: set[str] = set()
    if len(cells) > len(columns) and any(cells[len(columns) :]):
        errors.append(
            RowError(
                table.place(number),
                None,
                f"Deze rij heeft {len(cells)} velden, de kopregel {len(columns)}; staat er een "
                "scheidingsteken te veel in?",
                f"This row has {len(cells)} fields, the header {len(columns)}; is there a "
                "delimiter too many?",
            )
        )
        return None
    for column, cell in zip(columns, cells, strict=False):
        if column is None:
            continue
        if not cell:
            continue
        try:
            values[column.key] = parse_cell(column, cell, unknown)
        except CellError as exc:
            place = table.place(number, _header(table, columns, column))
            errors.append(RowError(place, cell, exc.nl, exc.en))
            failed.add(column.key)
    for column in table.sheet.columns:
        if column.required and column.key not in values and column.key not in failed:
            errors.append(
                RowError(
                    table.place(number, _header(table, columns, column)),
                    "",
                    f"{column.nl} is verplicht.",
                    f"{column.key} is required.",
                )
            )
            failed.add(column.key)
    ok = not failed and _check_row_rules(table, columns, number, values, errors)
    return Record(table.sheet, table.place(number), values, unknown) if ok else None


def _header(table: Table, columns: list[Column | None], column: Column) -> str:
    for header, candidate in zip(table.headers, columns, strict=False):
        if candidate is column:
            return header
    return column.nl


def _check_row_rules(
    table: Table,
    columns: list[Column | None],
    number: int,
    values: dict[str, Any],
    errors: list[RowError],
) -> bool:
    """Rules that span cells of one row."""
    sheet = table.sheet.key
    if sheet == "support" and ("professional" in values) == ("organisation" in values):
        errors.append(
            RowError(
                table.place(number, "professional"),
                None,
                "Vul professional óf organisatie in (precies één van beide).",
                "Fill in professional or organisation (exactly one of them).",
            )
        )
        return False
    pairs = {
        "ties": ("resident", "other_resident"),
        "collaborations": ("organisation", "other_organisation"),
    }
    if sheet in pairs:
        a, b = pairs[sheet]
        if a in values and values.get(a) == values.get(b):
            errors.append(
                RowError(
                    table.place(number, _header(table, columns, table.sheet.column(b))),
                    str(values[b]),
                    "Een rij verbindt iets met zichzelf.",
                    "A row connects something to itself.",
                )
            )
            return False
    return True
