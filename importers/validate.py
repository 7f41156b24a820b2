"""Check every header and every cell against the templates; collect every problem.

Nothing here touches the database: references to rows that may already be stored are checked
in :mod:`importers.references`. A valid row becomes a :class:`Record` of typed values; an
invalid one yields :class:`RowError` s with file, sheet, 1-based row, column, value and what
to do.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from importers.headers import check_headers
from importers.reader import Table
from importers.report import Note, Place, RowError
from importers.templates import Column, ColumnType, Sheet
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


@dataclass(slots=True)
class Record:
    """One valid row: its sheet, where it came from (its table and 1-based row number), and
    its typed values by column key.

    Slotted, sharing one empty tuple where there are no unknown terms, and naming its place
    only when asked (an error, a skip): a city of a million residents is six million records
    held at once, and a place of its own each took 370 MB and 4 s."""

    sheet: Sheet
    table: Table
    row: int
    values: dict[str, Any]
    #: terms that were not in the vocabulary, as (vocabulary kind, code, as written)
    unknown_terms: tuple[tuple[str, str, str], ...] = ()

    @property
    def place(self) -> Place:
        return self.table.place(self.row)


@dataclass
class Validated:
    records: dict[str, list[Record]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    #: rows with an error, by sheet: their source ids, so dependants can be skipped too
    invalid_ids: dict[str, set[str]] = field(default_factory=dict)
    #: rows with an error, by sheet, as far as their cells could be read: their references
    #: are checked too, so that one run reports every mistake
    rejected: dict[str, list[Record]] = field(default_factory=dict)
    #: how many rows had an error
    rejected_rows: int = 0
    #: what reading left out on purpose, for the report
    notes: list[Note] = field(default_factory=list)


class CellError(ValueError):
    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.nl, self.en = nl, en


#: Eight or more digits, with at most one separator between two of them: how people write a
#: number (111222333, 111 222 333, 1112.22.333, 111-22-2333).
_DIGIT_GROUP = re.compile(r"\d(?:[ .\-/_]?\d){7,}")
_SEPARATORS = re.compile(r"[ .\-/_]")
_BSN_WORD = re.compile(r"(?<![a-z])(bsn|sofi(nummer)?|burgerservicenummer)(?![a-z])", re.I)
#: A hash or a UUID (Wijkgraaf's own pseudonyms, many systems' ids): hexadecimal with a letter
#: in it, whose digits may happen to hold nine that pass the eleven-test; no BSN is written so.
_HEX_ID = re.compile(
    r"(?<![0-9a-z])(?=[0-9-]*[a-f])"
    r"(?:[0-9a-f]{16,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})(?![0-9a-z])",
    re.I,
)


def _eleven_test(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def looks_like_bsn(text: str) -> bool:
    """A citizen service number (BSN) as people write it, which must never be imported:
    nine digits passing the eleven-test, with or without separators, on its own or within an
    id; or an id that says it is one.

    >>> [looks_like_bsn(t) for t in ("111222333", "1112.22.333", "BSN-111222333", "REF-111222333")]
    [True, True, True, True]
    >>> [looks_like_bsn(t) for t in ("123456789", "B001", "2023-04-01", "Sofia-2", "bsn 1")]
    [False, False, False, False, True]

    A hash or a UUID is no BSN, whatever nine of its digits make (``629084294`` passes):

    >>> looks_like_bsn("r-4f87f544f63f629084294e66a45c38a4"), looks_like_bsn("x629084294y")
    (False, True)
    """
    if _BSN_WORD.search(text):
        return True
    text = _HEX_ID.sub(" ", text)
    for group in _DIGIT_GROUP.finditer(text):
        digits = _SEPARATORS.sub("", group.group())
        if len(digits) == 9 and _eleven_test(digits):
            return True
        # a run of nine within a longer group (a BSN behind a year, say)
        for part in _SEPARATORS.split(group.group()):
            if len(part) == 9 and _eleven_test(part):
                return True
    return False


@functools.cache
def _allowed(choices: type[StrEnum]) -> frozenset[str]:
    """A choice column's values, worked out once per set of choices rather than once per cell
    (keyed on the enum: a column as key would be hashed, all its fields, at every cell)."""
    return frozenset(c.value for c in choices)


def _choice(column: Column, text: str) -> str:
    word = text.strip().lower()
    word = DUTCH_VALUES.get(word, word)
    assert column.choices is not None
    allowed = _allowed(column.choices)
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


def _text(column: Column, text: str, unknown: list[tuple[str, str, str]]) -> Any:
    if len(text) > MAX_TEXT:
        raise CellError(
            f"Te lang (hoogstens {MAX_TEXT} tekens).", f"Too long (at most {MAX_TEXT} characters)."
        )
    return text


def _identifier(column: Column, text: str, unknown: list[tuple[str, str, str]]) -> Any:
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


def _area_code(column: Column, text: str, unknown: list[tuple[str, str, str]]) -> Any:
    upper = text.upper()
    code = upper if CBS_CODE.match(upper) else text
    if not (CBS_CODE.match(code) or LOCAL_CODE.match(code)):
        raise CellError(
            "Geen geldige buurtcode: CBS (BU + 8, WK + 6, GM + 4 tekens) of een eigen code.",
            "Not a valid neighbourhood code: CBS (BU + 8, WK + 6, GM + 4 characters) or a "
            "local code.",
        )
    return code


def _boolean(column: Column, text: str, unknown: list[tuple[str, str, str]]) -> Any:
    word = text.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError("Schrijf ja of nee.", "Write yes or no.")


def _integer(column: Column, text: str, unknown: list[tuple[str, str, str]]) -> Any:
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


Parser = Callable[[Column, str, list[tuple[str, str, str]]], Any]
PARSERS: dict[ColumnType, Parser] = {
    ColumnType.TEXT: _text,
    ColumnType.SOURCE_ID: _identifier,
    ColumnType.REF: _identifier,
    ColumnType.CODE: _area_code,
    ColumnType.ENUM: lambda column, text, unknown: _choice(column, text),
    ColumnType.ENUM_LIST: lambda column, text, unknown: sorted(
        {_choice(column, part) for part in _split(text)}
    ),
    ColumnType.BOOL: _boolean,
    ColumnType.INT: _integer,
    ColumnType.DATE: lambda column, text, unknown: _date(text),
    ColumnType.THEME: lambda column, text, unknown: _term(THEMES, text, unknown),
    ColumnType.THEMES: lambda column, text, unknown: sorted(
        {_term(THEMES, part, unknown) for part in _split(text)}
    ),
    ColumnType.SKILL: lambda column, text, unknown: _term(SKILLS, text, unknown),
}


def parse_cell(column: Column, text: str, unknown: list[tuple[str, str, str]]) -> Any:
    """The typed value of one non-empty, stripped cell, or :class:`CellError`.

    >>> from importers.templates import SHEETS
    >>> parse_cell(SHEETS["participation"].column("role"), "Eigenaar", [])
    'owner'
    """
    return PARSERS[column.kind](column, text, unknown)


@dataclass
class _Layout:
    """Where each known column sits in a table's rows, and how its cells are read; worked out
    once per table."""

    slots: list[tuple[int, Column, str]]  # (cell index, column, header as written)
    required: list[Column]
    id_index: int | None
    width: int
    #: per slot, its cell index, column key, header and the column's parser
    parsers: list[tuple[int, str, str, Callable[[str, list[tuple[str, str, str]]], Any]]]
    #: whether a rule spanning cells applies to the sheet (:func:`_check_row_rules`)
    rules: bool


def _layout(table: Table, columns: list[Column | None]) -> _Layout:
    id_key = "code" if table.sheet.key == "neighbourhoods" else "source_id"
    slots = [
        (index, column, table.headers[index])
        for index, column in enumerate(columns)
        if column is not None
    ]
    id_index = next((i for i, c, _ in slots if c.key == id_key), None)
    present = {column.key for _, column, _ in slots}
    # a required column missing from the header is reported once, not at every row
    required = [c for c in table.sheet.columns if c.required and c.key in present]
    parsers: list[tuple[int, str, str, Callable[[str, list[tuple[str, str, str]]], Any]]] = [
        (index, column.key, header, functools.partial(PARSERS[column.kind], column))
        for index, column, header in slots
    ]
    rules = table.sheet.key == "support" or table.sheet.key in _PAIRS
    return _Layout(slots, required, id_index, len(columns), parsers, rules)


def validate_tables(tables: list[Table]) -> Validated:
    """Every header and cell of every table checked; every problem collected."""
    validator = Validator()
    for table in tables:
        validator.add(table)
    return validator.result


class Validator:
    """Checks tables one at a time, as they are read, into one :class:`Validated`.

    Each table's rows are emptied once checked (their records hold what is needed), so a
    large import holds the text of one file at a time, not of all of them beside their
    records. Duplicate ids are found across all the tables added. An implicit table (the
    people an edge list names) is checked last, without the rows another table has."""

    def __init__(self) -> None:
        self._result = Validated()
        self._first_seen: dict[tuple[str, str], Record | Place] = {}
        self._implicit: list[Table] = []

    @property
    def result(self) -> Validated:
        """Every table added, checked; the implicit ones now, as the others are all known."""
        while self._implicit:
            table = self._implicit.pop(0)
            key = table.sheet.key
            index = 0  # the id column of an implicit table is its first
            table.rows = [
                (number, cells)
                for number, cells in table.rows
                if (key, cells[index]) not in self._first_seen
            ]
            self._check(table)
        return self._result

    def add(self, table: Table) -> None:
        """Check ``table``'s header and every row. A table whose header is wrong still has its
        cells checked (every mistake in one run), but none of its rows is kept."""
        if table.implicit:
            self._implicit.append(table)
            return
        self._check(table)

    def _check(self, table: Table) -> None:
        result, first_seen = self._result, self._first_seen
        result.notes += table.notes
        columns, usable = check_headers(table, result.errors)
        layout = _layout(table, columns)
        records = result.records.setdefault(table.sheet.key, [])
        rejected = result.rejected.setdefault(table.sheet.key, [])
        invalid = result.invalid_ids.setdefault(table.sheet.key, set())
        for number, cells in table.rows:
            record, ok = _validate_row(table, layout, number, cells, result.errors)
            if number in table.refused or not usable:
                ok = False  # a cell was refused as read, or the header: reported already
            index = layout.id_index
            source_id = cells[index] if index is not None and index < len(cells) else ""
            if source_id:
                key = (table.sheet.key, source_id)
                first = first_seen.get(key)
                if first is not None:
                    seen = first.place if isinstance(first, Record) else first
                    result.errors.append(
                        RowError(
                            table.place(number),
                            source_id,
                            f"Dubbel id: staat ook in {seen.describe('nl')}.",
                            f"Duplicate id: also in {seen.describe('en')}.",
                        )
                    )
                    ok = False
                else:
                    first_seen[key] = record if record is not None else table.place(number)
            if not ok:
                result.rejected_rows += 1
                if source_id:
                    invalid.add(source_id)
                if record is not None:
                    rejected.append(record)
                continue
            assert record is not None
            records.append(record)
        table.rows = []  # the text cells are checked: let them go before the next sheet


def _validate_row(
    table: Table, layout: _Layout, number: int, cells: list[str], errors: list[RowError]
) -> tuple[Record | None, bool]:
    """The row's record (what of it could be read; None for a row of the wrong width), and
    whether it is valid. Every rule is checked, also in a row with a bad cell."""
    values: dict[str, Any] = {}
    unknown: list[tuple[str, str, str]] = []
    failed: list[str] = []
    size = len(cells)
    if size > layout.width and any(cells[layout.width :]):
        errors.append(
            RowError(
                table.place(number),
                None,
                f"Deze rij heeft {len(cells)} velden, de kopregel {layout.width}; staat er een "
                "scheidingsteken te veel in?",
                f"This row has {len(cells)} fields, the header {layout.width}; is there a "
                "delimiter too many?",
            )
        )
        return None, False
    for index, key, header, parse in layout.parsers:
        if index >= size:
            break
        cell = cells[index]
        if not cell:
            continue
        try:
            values[key] = parse(cell, unknown)
        except CellError as exc:
            errors.append(RowError(table.place(number, header), cell, exc.nl, exc.en))
            failed.append(key)
    for column in layout.required:
        if column.key not in values and column.key not in failed:
            header = _header(layout, column)
            errors.append(
                RowError(
                    table.place(number, header),
                    "",
                    f"{column.nl} is verplicht.",
                    f"{column.key} is required.",
                )
            )
            failed.append(column.key)
    ok = not failed
    if layout.rules and not _check_row_rules(table, layout, number, values, errors, failed):
        ok = False
    return Record(table.sheet, table, number, values, tuple(unknown) if unknown else ()), ok


def _header(layout: _Layout, column: Column) -> str:
    return next((h for _, c, h in layout.slots if c is column), column.nl)


_PAIRS = {
    "ties": ("resident", "other_resident"),
    "collaborations": ("organisation", "other_organisation"),
}


def _check_row_rules(
    table: Table,
    layout: _Layout,
    number: int,
    values: dict[str, Any],
    errors: list[RowError],
    failed: list[str],
) -> bool:
    """Rules that span cells of one row (a rule on a cell that failed is not checked)."""
    sheet = table.sheet.key
    if (
        sheet == "support"
        and not {"professional", "organisation"} & set(failed)
        and ("professional" in values) == ("organisation" in values)
    ):
        errors.append(
            RowError(
                table.place(number, "professional"),
                None,
                "Vul professional óf organisatie in (precies één van beide).",
                "Fill in professional or organisation (exactly one of them).",
            )
        )
        return False
    if sheet in _PAIRS:
        a, b = _PAIRS[sheet]
        if a in values and values.get(a) == values.get(b):
            errors.append(
                RowError(
                    table.place(number, _header(layout, table.sheet.column(b))),
                    str(values[b]),
                    "Een rij verbindt iets met zichzelf.",
                    "A row connects something to itself.",
                )
            )
            return False
    return True
