"""A column mapping: how another system's export is read as Wijkgraaf's sheets, without
editing the export by hand (``wijkgraaf import --columns koppeling.toml``).

A mapping file is TOML with three optional tables::

    [sheets]                       # a file or worksheet name -> a Wijkgraaf sheet
    "Clienten" = "bewoners"

    [columns.bewoners]             # per sheet: a header as written -> a Wijkgraaf column
    "Clientnummer" = "bron_id"
    "Wijkcode" = "buurt"

    [drop]                         # per sheet: columns left out on purpose
    bewoners = ["Telefoon", "Notities"]

Sheet and column names may be written in Dutch or English; headers compare as the templates'
do (without case, accents or punctuation). Every mistake in the file is reported at once, with
the file and the key, before anything is read; a dropped column is named in the report.

>>> mapping = parse_mapping('[columns.bewoners]\\n"Client nr" = "bron_id"\\n', "k.toml")
>>> mapping.columns["residents"]
{'client_nr': 'source_id'}
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import ConfigurationError
from importers.report import Note
from importers.tables import Table
from importers.templates import SHEETS, header_map, normalise_header, sheet_for_name

_SECTIONS = ("sheets", "columns", "drop")


@dataclass(frozen=True)
class ColumnMapping:
    """A parsed mapping: normalised names as written to Wijkgraaf's sheet and column keys."""

    source: str = ""
    sheets: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    drop: dict[str, frozenset[str]] = field(default_factory=dict)

    def sheet(self, name: str) -> str | None:
        """The sheet key a file or worksheet name is mapped to, if the mapping names it."""
        stem = name.rsplit("/", 1)[-1]
        for suffix in (".csv", ".txt", ".json", ".xlsx"):
            if stem.lower().endswith(suffix):
                stem = stem[: -len(suffix)]
        return self.sheets.get(normalise_header(stem))

    def apply(self, table: Table) -> None:
        """Rename ``table``'s mapped headers to Wijkgraaf's, and blank its dropped ones (a
        blank header's cells are not read), with a note of what was left out."""
        renames = self.columns.get(table.sheet.key, {})
        dropped = self.drop.get(table.sheet.key, frozenset())
        left_out = []
        for index, header in enumerate(table.headers):
            key = normalise_header(header)
            if key in dropped:
                table.headers[index] = ""
                left_out.append(header)
            elif key in renames:
                table.headers[index] = renames[key]
        if left_out:
            names = ", ".join(left_out)
            table.notes.append(
                Note(
                    table.place(table.header_row),
                    f"Kolommen weggelaten volgens {self.source}: {names}.",
                    f"Columns left out as {self.source} says: {names}.",
                )
            )


def load_mapping(path: Path) -> ColumnMapping:
    """The mapping in ``path``, or :class:`ConfigurationError` listing every mistake in it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigurationError(
            f"{path.name}: kolomkoppeling niet gevonden.", f"{path.name}: mapping not found."
        ) from None
    except UnicodeDecodeError:
        raise ConfigurationError(
            f"{path.name}: de kolomkoppeling is geen UTF-8.",
            f"{path.name}: the column mapping is not UTF-8.",
        ) from None
    return parse_mapping(text, path.name)


def parse_mapping(text: str, source: str) -> ColumnMapping:
    """The mapping in TOML ``text`` (``source`` names it in messages)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(
            f"{source}: geen geldige TOML: {exc}.", f"{source}: not valid TOML: {exc}."
        ) from None
    problems: list[tuple[str, str]] = []

    def problem(key: str, nl: str, en: str) -> None:
        problems.append((f"{source}, {key}: {nl}", f"{source}, {key}: {en}"))

    for key in document:
        if key not in _SECTIONS:
            problem(
                f"[{key}]",
                "onbekende sectie; gebruik sheets, columns of drop.",
                "unknown section; use sheets, columns or drop.",
            )
    sheets = _sheets(document.get("sheets", {}), problem)
    columns: dict[str, dict[str, str]] = {}
    for name, table in _table(document.get("columns", {}), "[columns]", problem).items():
        sheet = _sheet(name, f"[columns.{name}]", problem)
        if sheet is None:
            continue
        known = header_map(SHEETS[sheet])
        renames = columns.setdefault(sheet, {})
        for header, target in _table(table, f"[columns.{name}]", problem).items():
            place = f"[columns.{name}] {header!r}"
            column = known.get(normalise_header(target)) if isinstance(target, str) else None
            if column is None:
                allowed = ", ".join(c.nl for c in SHEETS[sheet].columns)
                problem(
                    place,
                    f"{target!r} is geen kolom van {SHEETS[sheet].nl}; kies uit: {allowed}.",
                    f"{target!r} is not a column of {sheet}; choose from: {allowed}.",
                )
                continue
            renames[normalise_header(header)] = column.key
    drop: dict[str, frozenset[str]] = {}
    for name, headers in _table(document.get("drop", {}), "[drop]", problem).items():
        sheet = _sheet(name, f"[drop] {name}", problem)
        if sheet is None:
            continue
        if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
            problem(
                f"[drop] {name}",
                'verwacht een lijst kolomnamen: ["Telefoon", "Notities"].',
                'expected a list of column names: ["Phone", "Notes"].',
            )
            continue
        drop[sheet] = frozenset(normalise_header(h) for h in headers)
    if problems:
        raise ConfigurationError(
            "\n".join(nl for nl, _ in problems), "\n".join(en for _, en in problems)
        )
    return ColumnMapping(source, sheets, columns, drop)


def _table(value: Any, key: str, problem: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    problem(key, "verwacht een tabel.", "expected a table.")
    return {}


def _sheet(name: str, key: str, problem: Any) -> str | None:
    sheet = sheet_for_name(name)
    if sheet is None:
        known = ", ".join(s.nl for s in SHEETS.values())
        known_en = ", ".join(s.key for s in SHEETS.values())
        problem(
            key,
            f"onbekend blad {name!r}; kies uit: {known}.",
            f"unknown sheet {name!r}; choose from: {known_en}.",
        )
        return None
    return sheet.key


def _sheets(value: Any, problem: Any) -> dict[str, str]:
    sheets: dict[str, str] = {}
    for name, target in _table(value, "[sheets]", problem).items():
        sheet = _sheet(target, f"[sheets] {name!r}", problem) if isinstance(target, str) else None
        if sheet is None:
            if not isinstance(target, str):
                problem(f"[sheets] {name!r}", "verwacht een bladnaam.", "expected a sheet name.")
            continue
        sheets[normalise_header(name)] = sheet
    return sheets
