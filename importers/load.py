"""An import run: read → validate → plan (references resolved) → write in batches → report.

With any error nothing is written, unless the user asks to skip invalid rows; then the invalid
rows and the rows that depend on them are skipped and reported, and the rest is written.
Every write is an idempotent upsert of the row's complete properties, so running the same files
again reports ``unchanged``. Erased people (tombstones) are never brought back.

An import is all or nothing also when writing fails: it writes through the store's import
journal (:mod:`graph.journal`), so a database error halfway undoes what it wrote, and an
import killed halfway is undone by the next import before that one reads the store.

The run and its writing are here, with :class:`ImportOptions` and :func:`run_import`, the entry
point of the command line and the API. The rows to write are planned by
:mod:`importers.plan_builder` into a :class:`~importers.plan.Plan`, resolving every reference
with :mod:`importers.references`.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from graph.model import NodeLabel, RelType, SystemLabel
from graph.settings import Settings
from graph.store import GraphStore, WriteCounts
from importers.limits import Limits
from importers.mapping import ColumnMapping
from importers.plan import Plan
from importers.plan_builder import PlanBuilder
from importers.pseudonyms import installation_key
from importers.reader import file_labels, read_inputs
from importers.report import ImportReport, RowError
from importers.validate import Validator

L, T = NodeLabel, RelType
WRITE_ORDER = (
    L.NEIGHBOURHOOD,
    L.THEME,
    L.SKILL,
    L.ORGANISATION,
    L.PROFESSIONAL,
    L.INITIATIVE,
    L.RESIDENT,
)


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    skip_invalid: bool = False
    keep_names: bool = False
    #: neighbourhood code for the residents of GraphML/GEXF/edge-list files
    neighbourhood: str | None = None
    #: a CBS area code neither declared in the import nor stored is created, not refused
    accept_new_areas: bool = False
    #: how another system's sheets and headers are read (``--columns mapping.toml``)
    columns: ColumnMapping | None = None


#: Relationships a node's own row states completely; the import replaces them.
OWNED_LINKS: tuple[tuple[RelType, NodeLabel, NodeLabel], ...] = (
    (T.LIVES_IN, L.RESIDENT, L.NEIGHBOURHOOD),
    (T.ACTIVE_IN, L.ORGANISATION, L.NEIGHBOURHOOD),
    (T.ACTIVE_IN, L.INITIATIVE, L.NEIGHBOURHOOD),
    (T.WORKS_FOR, L.PROFESSIONAL, L.ORGANISATION),
    (T.ADDRESSES, L.INITIATIVE, L.THEME),
)


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
    labels = file_labels(paths)
    report = ImportReport(uuid.uuid4().hex, [labels[p] for p in paths], dry_run=options.dry_run)
    report.skip_invalid = options.skip_invalid
    # an import that was killed while writing is undone before this one reads the store (a
    # dry run writes nothing, this neither)
    report.undone = None if options.dry_run else store.undo_abandoned_import()
    limits = Limits(settings.import_max_bytes, settings.import_max_rows)
    # one file at a time, each checked as soon as it is read: a city's files as text and
    # as records never sit in memory side by side
    read_errors: list[RowError] = []
    validator = Validator()
    for path in paths:
        read = read_inputs(
            [path],
            neighbourhood=options.neighbourhood,
            limits=limits,
            labels=labels,
            mapping=options.columns,
        )
        read_errors += read.errors
        for table in read.tables:
            validator.add(table)
    validated = validator.result
    report.errors = read_errors + validated.errors
    builder = PlanBuilder(
        store,
        installation_key(settings),
        validated=validated,
        report=report,
        keep_names=options.keep_names,
        accept_new_areas=options.accept_new_areas,
    )
    plan = builder.build()
    stored = builder.references.already_stored
    report.unknown_terms = builder.references.unknown_terms()
    if report.errors and not options.skip_invalid:
        return report  # nothing written, not even a record of the run (the audit log has it)
    if options.dry_run:
        _write_plan(store, plan, stored, report, dry_run=True)
        return report
    with store.all_or_nothing(report.run_id):
        _write_plan(store, plan, stored, report, dry_run=False)
        _record_run(store, report, started, status="partial" if report.rejected else "written")
    report.written = True
    store.compact()  # the next start loads a snapshot, not every statement of this import
    return report


def _write_plan(
    store: GraphStore,
    plan: Plan,
    stored: Mapping[NodeLabel, set[str]],
    report: ImportReport,
    *,
    dry_run: bool,
) -> None:
    """Write (or with ``dry_run`` only count) the planned nodes and relationships."""
    created: set[NodeLabel] = set()  # labels whose every planned node is new
    for label in WRITE_ORDER:
        rows = list(plan.nodes.get(label, {}).values())
        counts = WriteCounts(unchanged=len(stored.get(label, ())))
        if rows:
            written = store.upsert_nodes(label, rows, dry_run=dry_run)
            if written.created == len(rows):
                created.add(label)
            counts += written
        if rows or counts.unchanged:
            report.nodes[label.value] = counts
    for (rel, source, target), rows in plan.links.items():
        counts = store.upsert_relationships(
            rel, rows, source_label=source, target_label=target, dry_run=dry_run,
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
            rel, keep, source_label=source, target_label=target, dry_run=dry_run
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _record_run(store: GraphStore, report: ImportReport, started: str, *, status: str) -> None:
    """Keep a record of every run that wrote: when, which files (names only), what it did."""
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
                "skipped": report.skipped_rows,
                "errors": len(report.errors),
            }
        ],
    )
