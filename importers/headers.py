"""A table's header row checked against its sheet: which column each header stands for.

Every problem with a header row is reported at once, and the table's cells are still checked
(:mod:`importers.validate`) so one run shows everything that is wrong with a file. The unknown
columns of a table are listed in one error that says how to map or drop them: Wijkgraaf takes
in only the columns it knows (data minimisation), never a column it was not told the meaning
of.
"""

from __future__ import annotations

from importers.report import RowError
from importers.tables import Table
from importers.templates import Column, header_map, normalise_header

MAPPING_HINT_NL = (
    "Geef ze met --columns koppeling.toml een bekende kolom ([columns]) of laat ze weg "
    "([drop]); zie de README, 'Kolommen koppelen'."
)
MAPPING_HINT_EN = (
    "Map them to a known column with --columns mapping.toml ([columns]) or leave them out "
    "([drop]); see the README, 'Mapping columns'."
)


def check_headers(table: Table, errors: list[RowError]) -> tuple[list[Column | None], bool]:
    """The column of each header (None for a blank or unknown one), and whether the table's
    rows can be imported (no unknown, doubled or missing required column)."""
    mapping = header_map(table.sheet)
    columns: list[Column | None] = []
    seen: dict[str, str] = {}
    unknown: list[str] = []
    usable = True
    for header in table.headers:
        column = mapping.get(normalise_header(header)) if header else None
        if header and column is None:
            unknown.append(header)
        elif column is not None and column.key in seen:
            errors.append(
                RowError(
                    table.place(table.header_row, header),
                    header,
                    f"Kolom staat er twee keer in (ook als {seen[column.key]!r}); laat er een "
                    "weg of geef hem met --columns een andere betekenis.",
                    f"Column appears twice (also as {seen[column.key]!r}); leave one out or "
                    "give it another meaning with --columns.",
                )
            )
            usable = False
            column = None
        elif column is not None:
            seen[column.key] = header
        columns.append(column)
    if unknown:
        errors.append(unknown_columns(table, unknown))
        usable = False
    for column in table.sheet.columns:
        if column.required and column.key not in seen:
            errors.append(
                RowError(
                    table.place(table.header_row, column.nl),
                    None,
                    f"Verplichte kolom {column.nl!r} ontbreekt in de kopregel.",
                    f"Required column {column.key!r} is missing from the header.",
                )
            )
            usable = False
    return columns, usable


def unknown_columns(table: Table, headers: list[str]) -> RowError:
    """One error for all of a table's unknown columns, with the allowed ones and what to do."""
    allowed = ", ".join(c.nl for c in table.sheet.columns)
    allowed_en = ", ".join(c.key for c in table.sheet.columns)
    word_nl = "Onbekende kolom" if len(headers) == 1 else f"{len(headers)} onbekende kolommen"
    word_en = "Unknown column" if len(headers) == 1 else f"{len(headers)} unknown columns"
    listed = ", ".join(headers)
    return RowError(
        table.place(table.header_row, listed),
        listed,
        f"{word_nl}: Wijkgraaf neemt alleen bekende kolommen over (dataminimalisatie). "
        f"Toegestaan in {table.sheet.nl}: {allowed}. {MAPPING_HINT_NL}",
        f"{word_en}: Wijkgraaf accepts known columns only (data minimisation). Allowed in "
        f"{table.sheet.key}: {allowed_en}. {MAPPING_HINT_EN}",
    )
