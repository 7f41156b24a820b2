"""What an import found and did: row errors with their exact place, and the counts.

Every problem names where (file, sheet, 1-based row as a spreadsheet shows it — the header is
row 1 —, column, value) and says what to do, in Dutch and English.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from graph.errors import Language
from graph.store import WriteCounts


@dataclass(frozen=True, slots=True)
class Place:
    """Where in the input something is: file, sheet (xlsx/JSON), row and column."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def describe(self, lang: Language = "nl") -> str:
        words = ("blad", "rij", "kolom") if lang == "nl" else ("sheet", "row", "column")
        parts = [self.file]
        if self.sheet:
            parts.append(f"{words[0]} {self.sheet}")
        if self.row is not None:
            parts.append(f"{words[1]} {self.row}")
        if self.column:
            parts.append(f"{words[2]} {self.column}")
        return ", ".join(parts)


@dataclass(frozen=True)
class RowError:
    """One problem with the input, and what to do about it."""

    place: Place
    value: str | None
    nl: str
    en: str

    def message(self, lang: Language = "nl") -> str:
        text = self.nl if lang == "nl" else self.en
        shown = "" if self.value is None else f" ({_clip(self.value)!r})"
        return f"{self.place.describe(lang)}{shown}: {text}"

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self.place),
            "value": self.value,
            "message_nl": self.nl,
            "message_en": self.en,
        }


@dataclass(frozen=True)
class Skipped:
    """A row that was not imported, and why."""

    place: Place
    reason_nl: str
    reason_en: str

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self.place), "reason_nl": self.reason_nl, "reason_en": self.reason_en}


@dataclass(frozen=True, slots=True)
class Note:
    """Something the import left out on purpose, and why: not an error."""

    place: Place
    nl: str
    en: str

    def message(self, lang: Language = "nl") -> str:
        return f"{self.place.describe(lang)}: {self.nl if lang == 'nl' else self.en}"

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self.place), "message_nl": self.nl, "message_en": self.en}


def _clip(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass
class ImportReport:
    """The outcome of one import run."""

    run_id: str
    files: list[str]
    dry_run: bool = False
    nodes: dict[str, WriteCounts] = field(default_factory=dict)
    relationships: dict[str, WriteCounts] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unknown_terms: dict[str, list[str]] = field(default_factory=dict)
    written: bool = False
    #: whether invalid rows are skipped (the valid ones written) or refuse the whole import
    skip_invalid: bool = False
    #: how many rows had an error of their own (several errors in one row count once)
    rows_with_errors: int = 0
    #: what the import left out on purpose and why (drawing attributes of a network file...)
    notes: list[Note] = field(default_factory=list)
    #: the run id of an earlier import, killed while it wrote, that this one undid first
    undone: str | None = None
    #: the date the import's data describes (``--as-of``): its facts hold from then
    as_of: str | None = None
    #: the sheets it declared complete (``--complete``), and the areas that covers (None:
    #: the whole store)
    complete: list[str] = field(default_factory=list)
    complete_areas: list[str] | None = None

    @property
    def skipped_rows(self) -> int:
        """Rows not imported: with ``skip_invalid`` the rows with an error and the rows that
        depend on them, otherwise the dependants only (the rows with an error are errors)."""
        own = self.rows_with_errors if self.skip_invalid else 0
        return own + len(self.skipped)

    @property
    def rejected(self) -> bool:
        """Something in the input was refused (an error, or a row skipped)."""
        return bool(self.errors or self.skipped)

    def totals(self) -> WriteCounts:
        total = WriteCounts()
        for counts in (*self.nodes.values(), *self.relationships.values()):
            total += counts
        return total

    def as_json(self) -> dict[str, Any]:
        def counts(c: WriteCounts) -> dict[str, int]:
            return {
                "created": c.created, "updated": c.updated,
                "unchanged": c.unchanged, "removed": c.removed, "ended": c.ended,
            }  # fmt: skip

        total = self.totals()
        return {
            "run_id": self.run_id,
            "files": self.files,
            "dry_run": self.dry_run,
            "written": self.written,
            "created": total.created,
            "updated": total.updated,
            "unchanged": total.unchanged,
            "removed": total.removed,
            "ended": total.ended,
            "as_of": self.as_of,
            "complete": self.complete,
            "complete_areas": self.complete_areas,
            "skipped": self.skipped_rows,
            "rows_with_errors": self.rows_with_errors,
            "nodes": {label: counts(c) for label, c in self.nodes.items()},
            "relationships": {rel: counts(c) for rel, c in self.relationships.items()},
            "skipped_rows": [s.as_json() for s in self.skipped],
            "errors": [e.as_json() for e in self.errors],
            "unknown_terms": self.unknown_terms,
            "notes": [n.as_json() for n in self.notes],
            "undone": self.undone,
        }
