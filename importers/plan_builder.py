"""An import's valid records turned into its plan: one node row per entity, one relationship
row per link, each with its complete properties, so that writing it is an idempotent upsert.

The sheets are planned in an order in which every reference can be checked
(neighbourhoods, organisations, professionals, initiatives, residents, then the relationship
sheets); :mod:`importers.references` resolves what each cell refers to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph.model import NodeLabel, RelType
from graph.source_ids import SourceIds
from graph.store import GraphStore
from importers.plan import ENTITY_SHEETS, LINK_SHEETS, Plan
from importers.references import References, neighbourhood_level
from importers.report import ImportReport
from importers.templates import SHEETS, ColumnType
from importers.validate import Record, Validated
from importers.vocabulary import THEMES

L, T = NodeLabel, RelType


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


class PlanBuilder:
    """Turns valid records into node and relationship rows, checking references as it goes.

    A resident's name is planned only with their consent, or with ``keep_names``; their
    source id always, sealed (``source_ref``, :mod:`graph.source_ids`), so that a coach of
    their neighbourhood can recognise them. Sealing is deterministic: the same files planned
    again give the same rows, and the import reports them unchanged.
    """

    def __init__(
        self,
        store: GraphStore,
        key: bytes,
        *,
        validated: Validated,
        report: ImportReport,
        keep_names: bool,
        accept_new_areas: bool = False,
        stored_ids: bool = False,
    ) -> None:
        self.records = validated.records
        self.keep_names = keep_names
        self.plan = Plan()
        self.source_ids = SourceIds(key)
        self.report = report
        self.rejected_rows = validated.rejected_rows
        report.notes += validated.notes
        self.references = References(
            store, key, validated=validated, report=report, plan=self.plan,
            accept_new_areas=accept_new_areas, stored_ids=stored_ids,
        )  # fmt: skip

    def build(self) -> Plan:
        refs = self.references
        refs.prefetch()
        for record in self._take("neighbourhoods"):
            values = record.values
            parent = refs.neighbourhood(record, "parent") if "parent" in values else None
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
        refs.check_rejected()
        refs.name_repeated_areas()
        self.report.rows_with_errors = self.rejected_rows + len(refs.error_rows)
        return self.plan

    def _failed(self, record: Record, sheet: str, errors_before: int) -> bool:
        """Whether resolving the row's references or areas found an error; the row is then
        rejected (not planned, and rows that refer to it are skipped)."""
        if self.references.failures == errors_before:
            return False
        self.references.reject(record, sheet)
        return True

    def _take(self, sheet: str) -> Iterator[Record]:
        """A sheet's records in order, each let go once planned, so a city's records and its
        plan do not sit in memory side by side."""
        records = self.records.pop(sheet, [])
        records.reverse()
        while records:
            yield records.pop()

    def _organisation(self, record: Record) -> None:
        values = record.values
        node_id = self.references.own_id(record, "organisations")
        if node_id is None:
            return
        before = self.references.failures
        hood = self.references.neighbourhood(record, "neighbourhood")
        if self._failed(record, "organisations", before):
            return
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
        node_id = self.references.own_id(record, "professionals")
        if node_id is None:
            return
        before = self.references.failures
        organisation = (
            self.references.resolve(record, "organisation") if "organisation" in values else None
        )
        if self._failed(record, "professionals", before):
            return
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
        node_id = self.references.own_id(record, "initiatives")
        if node_id is None:
            return
        before = self.references.failures
        hood = self.references.neighbourhood(record, "neighbourhood")
        if self._failed(record, "initiatives", before):
            return
        themes = values.get("themes", [])
        for code in themes:
            self.references.add_term(L.THEME, code, record)
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
        node_id = self.references.own_id(record, "residents")
        if node_id is None or self.references.stored_already(record, node_id):
            return
        before = self.references.failures
        hood = self.references.neighbourhood(record, "neighbourhood")
        if self._failed(record, "residents", before):
            return
        consent = bool(values.get("consent_name", False))
        name = values.get("name") if consent or self.keep_names else None
        self.plan.node(
            L.RESIDENT, node_id, neighbourhood=hood, age_band=values.get("age_band"),
            consent_name=consent, consent_contact=bool(values.get("consent_contact", False)),
            display_name=name,
            source_ref=self.source_ids.seal(node_id, values["source_id"].strip()),
        )  # fmt: skip
        if hood:
            self.plan.link(T.LIVES_IN, L.RESIDENT, L.NEIGHBOURHOOD, source=node_id, target=hood)

    def _support(self, record: Record) -> None:
        resident = self.references.resolve(record, "resident")
        end = "professional" if "professional" in record.values else "organisation"
        target = self.references.resolve(record, end) if resident else None
        if resident and target:
            label = L.PROFESSIONAL if end == "professional" else L.ORGANISATION
            self.plan.link(
                T.SUPPORTED_BY, L.RESIDENT, label, source=resident, target=target,
                craft=record.values.get("craft"),
            )  # fmt: skip

    def _link(self, record: Record, linker: _Linker) -> None:
        values = record.values
        start, end = linker.start, linker.end
        refs = self.references
        source = refs.resolve_to(record, start, linker.start_sheet)
        if linker.end_is_ref:
            # the other end is checked too, so one run names every mistake in the row
            target = refs.resolve_to(record, end, linker.end_sheet)
            if source is None or target is None:
                return
        elif source is None:
            return
        else:
            target = values[end]
            refs.add_term(linker.target_label, target, record)
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
