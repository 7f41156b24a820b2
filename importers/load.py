"""An import run: read → validate → resolve references → write in batches → report.

With any error nothing is written, unless the user asks to skip invalid rows; then the invalid
rows and the rows that depend on them are skipped and reported, and the rest is written.
Every write is an idempotent upsert of the row's complete properties, so running the same files
again reports ``unchanged``, and an import killed halfway and run again ends in exactly the
graph a clean import gives. Erased people (tombstones) are never brought back.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.model import NodeLabel, RelType, SystemLabel
from graph.settings import Settings
from graph.store import GraphStore, WriteCounts
from importers.pseudonyms import installation_key, pseudonym
from importers.reader import read_inputs
from importers.report import ImportReport, Place, RowError, Skipped
from importers.templates import SHEETS, ColumnType
from importers.validate import CBS_CODE, Record, Validated, Validator
from importers.vocabulary import SKILLS, THEMES

L, T = NodeLabel, RelType
#: Sheets whose rows are nodes with a pseudonymised source id.
ENTITY_SHEETS: dict[str, tuple[str, NodeLabel]] = {
    "residents": ("resident", L.RESIDENT),
    "professionals": ("professional", L.PROFESSIONAL),
    "organisations": ("organisation", L.ORGANISATION),
    "initiatives": ("initiative", L.INITIATIVE),
}
#: Relationship sheets: type, and the (column, sheet) of each end; ``None`` sheet = vocabulary.
LINK_SHEETS: dict[str, tuple[RelType, str, str]] = {
    "ties": (T.KNOWS, "resident", "other_resident"),
    "participation": (T.PARTICIPATES_IN, "resident", "initiative"),
    "partnerships": (T.PARTNER_OF, "organisation", "initiative"),
    "collaborations": (T.COLLABORATES_WITH, "organisation", "other_organisation"),
    "coaching": (T.COACHES, "professional", "initiative"),
    "skills": (T.HAS_SKILL, "resident", "skill"),
    "skills_needed": (T.NEEDS_SKILL, "initiative", "skill"),
    "needs": (T.HAS_NEED, "resident", "theme"),
    "interests": (T.INTERESTED_IN, "resident", "theme"),
}
WRITE_ORDER = (
    L.NEIGHBOURHOOD,
    L.THEME,
    L.SKILL,
    L.ORGANISATION,
    L.PROFESSIONAL,
    L.INITIATIVE,
    L.RESIDENT,
)
#: Entity sheets of people: their ids are checked against the tombstones of erased people.
PERSON_SHEETS = frozenset({"residents", "professionals"})
ERASED_NL = "Deze persoon is op verzoek gewist en wordt niet opnieuw ingelezen."
ERASED_EN = "This person was erased on request and is not imported again."


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    skip_invalid: bool = False
    keep_names: bool = False
    #: neighbourhood code for the residents of GraphML/GEXF/edge-list files
    neighbourhood: str | None = None


#: Relationships a node's own row states completely; the import replaces them.
OWNED_LINKS: tuple[tuple[RelType, NodeLabel, NodeLabel], ...] = (
    (T.LIVES_IN, L.RESIDENT, L.NEIGHBOURHOOD),
    (T.ACTIVE_IN, L.ORGANISATION, L.NEIGHBOURHOOD),
    (T.ACTIVE_IN, L.INITIATIVE, L.NEIGHBOURHOOD),
    (T.WORKS_FOR, L.PROFESSIONAL, L.ORGANISATION),
    (T.ADDRESSES, L.INITIATIVE, L.THEME),
)


@dataclass
class Plan:
    nodes: dict[NodeLabel, dict[str, dict[str, Any]]] = field(default_factory=dict)
    links: dict[tuple[RelType, NodeLabel, NodeLabel], list[dict[str, Any]]] = field(
        default_factory=dict
    )

    def node(self, label: NodeLabel, node_id: str, /, **props: Any) -> None:
        self.nodes.setdefault(label, {})[node_id] = {"id": node_id, **props}

    def link(self, rel: RelType, source: NodeLabel, target: NodeLabel, /, **row: Any) -> None:
        """One relationship row: ``source`` and ``target`` ids plus its properties."""
        self.links.setdefault((rel, source, target), []).append(row)


def run_import(
    store: GraphStore, settings: Settings, paths: list[Path], options: ImportOptions
) -> ImportReport:
    """Import ``paths`` into ``store``; the report says what happened to every row."""
    with _no_cycle_collection():
        return _run_import(store, settings, paths, options)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused for the import, as it would otherwise be every so often.

    An import holds millions of records and rows that are all alive until it ends, and makes
    no reference cycles to speak of; the collector's full passes over them took 13.6 s of a
    100,000-resident import's 31 s of CPU, and grow with the city. Freed memory is freed as
    before (by reference counting); only cycles wait for the collector's next pass after.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _run_import(
    store: GraphStore, settings: Settings, paths: list[Path], options: ImportOptions
) -> ImportReport:
    started = _now()
    report = ImportReport(uuid.uuid4().hex, [p.name for p in paths], dry_run=options.dry_run)
    # one file at a time, each checked as soon as it is read: a city's files as text and
    # as records never sit in memory side by side
    read_errors: list[RowError] = []
    validator = Validator()
    for path in paths:
        read = read_inputs([path], neighbourhood=options.neighbourhood)
        read_errors += read.errors
        for table in read.tables:
            validator.add(table)
    validated = validator.result
    report.errors = read_errors + validated.errors
    builder = _PlanBuilder(store, installation_key(settings), validated, options, report)
    plan = builder.build()
    report.unknown_terms = builder.unknown_terms()
    if report.errors and not options.skip_invalid:
        _record_run(store, report, started, status="rejected")
        return report
    created: set[NodeLabel] = set()  # labels whose every planned node is new
    for label in WRITE_ORDER:
        rows = list(plan.nodes.get(label, {}).values())
        counts = WriteCounts(unchanged=len(builder.already_stored.get(label, ())))
        if rows:
            written = store.upsert_nodes(label, rows, dry_run=options.dry_run)
            if written.created == len(rows):
                created.add(label)
            counts += written
        if rows or counts.unchanged:
            report.nodes[label.value] = counts
    for (rel, source, target), rows in plan.links.items():
        counts = store.upsert_relationships(
            rel, rows, source_label=source, target_label=target, dry_run=options.dry_run,
            endpoints_verified=True,  # every reference was resolved against import or store
        )  # fmt: skip
        report.relationships.setdefault(rel.value, WriteCounts())
        report.relationships[rel.value] += counts
    for rel, source, target in OWNED_LINKS:
        if not plan.nodes.get(source):
            continue
        report.relationships.setdefault(rel.value, WriteCounts())
        if source in created:
            continue  # nodes this import created have no ties but its own: none is stale
        keep: dict[str, list[str]] = {node_id: [] for node_id in plan.nodes[source]}
        for row in plan.links.get((rel, source, target), []):
            keep[row["source"]].append(row["target"])
        report.relationships[rel.value] += store.prune_relationships(
            rel, keep, source_label=source, target_label=target, dry_run=options.dry_run
        )
    report.written = not options.dry_run
    _record_run(store, report, started, status="partial" if report.rejected else "written")
    if report.written:
        store.compact()  # the next start loads a snapshot, not every statement of this import
    return report


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _record_run(store: GraphStore, report: ImportReport, started: str, *, status: str) -> None:
    """Keep a record of every real run: when, which files (names only), what it did."""
    if report.dry_run:
        return
    totals = report.totals()
    store.upsert_nodes(
        SystemLabel.IMPORT_RUN,
        [
            {
                "id": report.run_id,
                "started": started,
                "finished": _now(),
                "files": report.files,
                "status": status,
                "created": totals.created,
                "updated": totals.updated,
                "unchanged": totals.unchanged,
                "skipped": len(report.skipped),
                "errors": len(report.errors),
            }
        ],
    )


def neighbourhood_level(code: str) -> str:
    """gemeente, wijk or buurt from a CBS code's prefix; ``local`` for other codes."""
    if CBS_CODE.match(code):
        return {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}[code[:2]]
    return "local"


def cbs_parent(code: str) -> str | None:
    """The CBS area a code lies in: BU03630000 → WK036300 → GM0363.

    >>> cbs_parent("BU03630000"), cbs_parent("WK036300"), cbs_parent("GM0363")
    ('WK036300', 'GM0363', None)
    """
    if code.startswith("BU") and CBS_CODE.match(code):
        return "WK" + code[2:8]
    if code.startswith("WK") and CBS_CODE.match(code):
        return "GM" + code[2:6]
    return None


class _Linker:
    """What a relationship sheet's rows share, worked out once per sheet, not once per row:
    the labels of its ends, its other columns (``others``, in order), and the plan's list of
    its rows (``rows``, made at the first row: a kind without rows has none)."""

    def __init__(self, sheet: str, rel: RelType, start: str, end: str) -> None:
        spec = SHEETS[sheet]
        end_column = spec.column(end)
        self.rel, self.start, self.end = rel, start, end
        self.start_sheet = spec.column(start).ref or ""
        self.end_sheet = end_column.ref or ""
        self.source_label = ENTITY_SHEETS[self.start_sheet][1]
        self.end_is_ref = end_column.kind is ColumnType.REF
        if self.end_is_ref:
            self.target_label = ENTITY_SHEETS[self.end_sheet][1]
        else:
            self.target_label = L.SKILL if end == "skill" else L.THEME
        self.others = tuple(c.key for c in spec.columns if c.key not in (start, end))
        self.rows: list[dict[str, Any]] | None = None

    @property
    def key(self) -> tuple[RelType, NodeLabel, NodeLabel]:
        return (self.rel, self.source_label, self.target_label)


class _PlanBuilder:
    """Turns valid records into node and relationship rows, checking references as it goes."""

    def __init__(
        self,
        store: GraphStore,
        key: bytes,
        validated: Validated,
        options: ImportOptions,
        report: ImportReport,
    ) -> None:
        self.store = store
        self.key = key
        self.records = validated.records
        self.invalid = validated.invalid_ids
        self.options = options
        self.report = report
        self.plan = Plan()
        self._ids: dict[str, dict[str, str]] = {sheet: {} for sheet in ENTITY_SHEETS}
        self._erased: set[str] = set()
        self._stored: dict[NodeLabel, set[str]] = {}
        self._unknown: dict[str, dict[str, str]] = {"theme": {}, "skill": {}}
        self._valid: dict[str, set[str]] = {}
        #: nodes this import would add only when missing, and found stored: unchanged
        self.already_stored: dict[NodeLabel, set[str]] = {}
        self._declared: set[str] = set()

    def pid(self, sheet: str, source_id: str) -> str:
        ids = self._ids[sheet]
        cached = ids.get(source_id)
        if cached is None:
            cached = ids[source_id] = pseudonym(self.key, ENTITY_SHEETS[sheet][0], source_id)
        return cached

    def unknown_terms(self) -> dict[str, list[str]]:
        return {kind: sorted(terms.values()) for kind, terms in self._unknown.items() if terms}

    # --- references ------------------------------------------------------------------------

    def _prefetch(self) -> None:
        """Which referenced ids are stored already, and which people were erased: one batched
        read per label instead of one per row.

        A reference to a row of this import needs no read: it resolves to that row (an id is
        looked up only where the import does not have it). Every person, imported or
        referenced, is checked against the tombstones: a reference to a person of the import
        names one of its rows, so only references to others add to them.
        """
        wanted: dict[NodeLabel, set[str]] = {}
        people: set[str] = set()
        areas: set[str] = set()
        for sheet, records in self.records.items():
            columns = SHEETS[sheet].columns
            refs = [(c.key, c.ref) for c in columns if c.kind is ColumnType.REF and c.ref]
            codes = [c.key for c in columns if c.kind is ColumnType.CODE]
            own = sheet if sheet in PERSON_SHEETS else None
            for record in records:
                values = record.values
                if own is not None and "source_id" in values:
                    people.add(self.pid(own, values["source_id"]))
                for key, target in refs:
                    value = values.get(key)
                    if value is None or value in self._valid[target]:
                        continue
                    node_id = self.pid(target, value)
                    wanted.setdefault(ENTITY_SHEETS[target][1], set()).add(node_id)
                    if target in PERSON_SHEETS:
                        people.add(node_id)
                for key in codes:
                    area: str | None = values.get(key)
                    if not area or area in areas:
                        continue  # a buurt's thousands of residents name it once
                    while area:  # the CBS areas it lies in may be created too
                        areas.add(area)
                        area = cbs_parent(area)
                for kind, code, _written in record.unknown_terms:
                    wanted.setdefault(L.THEME if kind == "theme" else L.SKILL, set()).add(code)
        if areas:
            wanted[L.NEIGHBOURHOOD] = areas
        for label, ids in wanted.items():
            self._stored[label] = self.store.existing_ids(label, ids)
        self._erased = self.store.tombstoned(people) if people else set()

    def _error(self, record: Record, column: str, value: str, nl: str, en: str) -> None:
        header = SHEETS[record.sheet.key].column(column).nl
        place = Place(record.place.file, record.place.sheet, record.place.row, header)
        self.report.errors.append(RowError(place, value, nl, en))

    def _skip(self, record: Record, nl: str, en: str) -> None:
        self.report.skipped.append(Skipped(record.place, nl, en))

    def _resolved(self, record: Record, column: str, sheet: str) -> str | None:
        """:meth:`_resolve` for a column referring to ``sheet``, at once for the usual case
        (a row of this import, not erased, its pseudonym made already)."""
        source_id = record.values[column]
        node_id = self._ids[sheet].get(source_id)
        if node_id is not None and source_id in self._valid[sheet] and node_id not in self._erased:
            return node_id
        return self._resolve(record, column)

    def _resolve(self, record: Record, column: str) -> str | None:
        """The stored id a REF cell points to, or None (with an error or a skip) if it cannot."""
        spec = SHEETS[record.sheet.key].column(column)
        source_id = record.values[column]
        assert spec.ref is not None
        node_id = self.pid(spec.ref, source_id)
        if node_id in self._erased:
            self._skip(record, ERASED_NL, ERASED_EN)
            return None
        if source_id in self._valid[spec.ref] or node_id in self._stored.get(
            ENTITY_SHEETS[spec.ref][1], ()
        ):
            return node_id
        if source_id in self.invalid.get(spec.ref, set()):
            self._skip(
                record,
                f"Verwijst naar een ongeldige rij in {SHEETS[spec.ref].nl} ({source_id}).",
                f"Refers to an invalid row in {spec.ref} ({source_id}).",
            )
            return None
        self._error(
            record,
            column,
            source_id,
            f"Verwijzing naar onbekende {SHEETS[spec.ref].nl}-rij: staat niet in deze import "
            "en niet in de database.",
            f"Reference to an unknown {spec.ref} row: not in this import and not stored.",
        )
        return None

    def _code(self, record: Record, column: str) -> str | None:
        code = record.values.get(column)
        if code is None:
            return None
        if (
            CBS_CODE.match(code)
            or code in self._declared
            or code in self._stored.get(L.NEIGHBOURHOOD, set())
        ):
            if code not in self._declared:
                self._add_cbs_area(code)
            return str(code)
        self._error(
            record,
            column,
            code,
            "Eigen buurtcode die nergens is vastgelegd: voeg hem toe aan het blad buurten.",
            "Local neighbourhood code that is not declared: add it to the neighbourhoods sheet.",
        )
        return None

    def _add_cbs_area(self, code: str) -> None:
        """A CBS area used but not declared nor stored: created with its code as name."""
        while (
            code
            and code not in self._declared
            and code not in self.plan.nodes.get(L.NEIGHBOURHOOD, {})
        ):
            parent = cbs_parent(code)
            if code in self._stored.get(L.NEIGHBOURHOOD, set()):
                self.already_stored.setdefault(L.NEIGHBOURHOOD, set()).add(code)
                code = parent or ""
                continue
            self.plan.node(
                L.NEIGHBOURHOOD, code, name=code, level=neighbourhood_level(code), parent=parent
            )
            code = parent or ""

    # --- building --------------------------------------------------------------------------

    def build(self) -> Plan:
        self._valid = {
            sheet: {r.values["source_id"] for r in self.records.get(sheet, [])}
            for sheet in ENTITY_SHEETS
        }
        self._prefetch()
        self._declared = {r.values["code"] for r in self.records.get("neighbourhoods", [])}
        for record in self._take("neighbourhoods"):
            values = record.values
            parent = self._code(record, "parent") if "parent" in values else None
            code = values["code"]
            self.plan.node(
                L.NEIGHBOURHOOD,
                code,
                name=values["name"],
                level=values.get("level") or neighbourhood_level(code),
                parent=parent,
            )
        for record in self._take("organisations"):
            self._organisation(record)
        for record in self._take("professionals"):
            self._professional(record)
        for record in self._take("initiatives"):
            self._initiative(record)
        for record in self._take("residents"):
            self._resident(record)
        for record in self._take("support"):
            self._support(record)
        for sheet, (rel, start, end) in LINK_SHEETS.items():
            linker = _Linker(sheet, rel, start, end)
            for record in self._take(sheet):
                self._link(record, linker)
        return self.plan

    def _take(self, sheet: str) -> Iterator[Record]:
        """A sheet's records in order, each let go once planned, so a city's records and its
        plan do not sit in memory side by side."""
        records = self.records.pop(sheet, [])
        records.reverse()
        while records:
            yield records.pop()

    def _entity(self, record: Record, sheet: str) -> str | None:
        node_id = self.pid(sheet, record.values["source_id"])
        if node_id in self._erased:
            self._skip(record, ERASED_NL, ERASED_EN)
            return None
        return node_id

    def _organisation(self, record: Record) -> None:
        values = record.values
        node_id = self._entity(record, "organisations")
        if node_id is None:
            return
        hood = self._code(record, "neighbourhood")
        self.plan.node(
            L.ORGANISATION, node_id, name=values["name"], o_sector=values["o_sector"],
            kind=values.get("kind"), craft=values.get("craft"), neighbourhood=hood,
        )  # fmt: skip
        if hood:
            self.plan.link(
                T.ACTIVE_IN, L.ORGANISATION, L.NEIGHBOURHOOD, source=node_id, target=hood
            )

    def _professional(self, record: Record) -> None:
        values = record.values
        node_id = self._entity(record, "professionals")
        if node_id is None:
            return
        organisation = self._resolve(record, "organisation") if "organisation" in values else None
        self.plan.node(
            L.PROFESSIONAL, node_id, craft=values.get("craft"), organisation=organisation,
            display_name=values.get("name"),
        )  # fmt: skip
        if organisation:
            self.plan.link(
                T.WORKS_FOR, L.PROFESSIONAL, L.ORGANISATION, source=node_id, target=organisation
            )

    def _initiative(self, record: Record) -> None:
        values = record.values
        node_id = self._entity(record, "initiatives")
        if node_id is None:
            return
        hood = self._code(record, "neighbourhood")
        themes = values.get("themes", [])
        for code in themes:
            self._term_node(L.THEME, code, record)
            self.plan.link(T.ADDRESSES, L.INITIATIVE, L.THEME, source=node_id, target=code)
        self.plan.node(
            L.INITIATIVE, node_id, name=values["name"], themes=themes, level=values.get("level"),
            status=values.get("status", "active"), lead=values.get("lead"),
            started=values.get("started"), neighbourhood=hood,
        )  # fmt: skip
        if hood:
            self.plan.link(T.ACTIVE_IN, L.INITIATIVE, L.NEIGHBOURHOOD, source=node_id, target=hood)

    def _resident(self, record: Record) -> None:
        values = record.values
        node_id = self._entity(record, "residents")
        if node_id is None:
            return
        hood = self._code(record, "neighbourhood")
        consent = bool(values.get("consent_name", False))
        name = values.get("name") if consent or self.options.keep_names else None
        self.plan.node(
            L.RESIDENT, node_id, neighbourhood=hood, age_band=values.get("age_band"),
            consent_name=consent, consent_contact=bool(values.get("consent_contact", False)),
            display_name=name,
        )  # fmt: skip
        if hood:
            self.plan.link(T.LIVES_IN, L.RESIDENT, L.NEIGHBOURHOOD, source=node_id, target=hood)

    def _support(self, record: Record) -> None:
        resident = self._resolve(record, "resident")
        end = "professional" if "professional" in record.values else "organisation"
        target = self._resolve(record, end) if resident else None
        if resident and target:
            label = L.PROFESSIONAL if end == "professional" else L.ORGANISATION
            self.plan.link(
                T.SUPPORTED_BY, L.RESIDENT, label, source=resident, target=target,
                craft=record.values.get("craft"),
            )  # fmt: skip

    def _link(self, record: Record, linker: _Linker) -> None:
        values = record.values
        start, end = linker.start, linker.end
        source = self._resolved(record, start, linker.start_sheet)
        if source is None:
            return
        if linker.end_is_ref:
            target = self._resolved(record, end, linker.end_sheet)
            if target is None:
                return
        else:
            target = values[end]
            self._term_node(linker.target_label, target, record)
        # the row as Plan.link builds it: source, target, the row's values, then the rest
        row: dict[str, Any] = {"source": source, "target": target}
        for key, value in values.items():
            if key != start and key != end:
                row[key] = value
        rel = linker.rel
        if rel is T.HAS_NEED:
            term = THEMES.terms.get(target)
            row["special"] = bool(row.get("special", False) or (term and term.special))
        elif rel is T.HAS_SKILL:
            row["willing_to_share"] = bool(row.get("willing_to_share", False))
        elif rel is T.PARTICIPATES_IN:
            row.setdefault("role", "participant")
        for key in linker.others:
            row.setdefault(key, None)
        rows = linker.rows
        if rows is None:
            rows = linker.rows = self.plan.links.setdefault(linker.key, [])
        rows.append(row)

    def _term_node(self, label: NodeLabel, code: str, record: Record) -> None:
        vocabulary = THEMES if label is L.THEME else SKILLS
        term = vocabulary.terms.get(code)
        if term is not None:
            props: dict[str, Any] = {"name": term.name, "name_en": term.name_en}
            if label is L.SKILL:
                props["synonyms"] = list(term.synonyms)
            self.plan.node(label, code, **props)
            return
        written = next((w for k, c, w in record.unknown_terms if c == code), code)
        self._unknown[vocabulary.kind].setdefault(code, written)
        if code in self._stored.get(label, set()):
            self.already_stored.setdefault(label, set()).add(code)
        else:
            self.plan.nodes.setdefault(label, {}).setdefault(code, {"id": code, "name": written})
