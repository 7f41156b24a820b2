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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from graph import periods
from graph.changes import Author
from graph.errors import InvalidDataError, RefusedError
from graph.model import RELATIONSHIPS, NodeLabel, RelType, SystemLabel
from graph.projection import areas_within
from graph.settings import Settings
from graph.store import GraphStore, WriteCounts
from importers.limits import Limits
from importers.mapping import ColumnMapping
from importers.plan import ENTITY_SHEETS, LINK_SHEETS, Plan
from importers.plan_builder import PlanBuilder
from importers.pseudonyms import installation_key
from importers.reader import file_labels, read_inputs
from importers.report import ImportReport, RowError
from importers.templates import SHEETS
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
    #: the date the data describes (``--as-of``, ``YYYY-MM-DD``); None: today
    as_of: str | None = None
    #: relationship sheets the import states completely for its areas (``--complete``, by
    #: Dutch or English name): a fact an earlier complete one listed and this lacks ends
    complete: tuple[str, ...] = ()
    #: every row or none: a row skipped (a person erased on request, a row that refers to
    #: one) refuses the import as an error does (the pages' forms)
    whole: bool = False
    #: a reference may name a stored node by its own id (``r-…``, ``i-…``) besides a source
    #: id: the pages' forms, which show no source ids
    stored_ids: bool = False
    #: a change made in the pages: what it overwrites is kept for its author to undo
    #: (:mod:`graph.changes`)
    author: Author | None = None


#: The sheets that can be declared complete, by key: the relationship type of a relationship
#: sheet (``support`` is the sheet of SUPPORTED_BY), the label of an entity sheet.
COMPLETABLE: dict[str, RelType | NodeLabel] = {
    **{sheet: label for sheet, (_, label) in ENTITY_SHEETS.items()},
    "support": RelType.SUPPORTED_BY,
    **{sheet: rel for sheet, (rel, _, _) in LINK_SHEETS.items()},
}


#: Every name ``--complete`` takes: each sheet's key and its Dutch name.
COMPLETE_NAMES: tuple[str, ...] = tuple(
    sorted({name for key in COMPLETABLE for name in (key, SHEETS[key].nl)})
)


def complete_sheets(names: tuple[str, ...]) -> tuple[str, ...]:
    """The sheet keys of ``--complete`` names (Dutch or English), or a clear refusal.

    >>> complete_sheets(("deelname", "ties", "bewoners"))
    ('participation', 'ties', 'residents')
    """
    found = []
    for name in names:
        wanted = name.strip().lower()
        key = next((key for key in COMPLETABLE if wanted in (key, SHEETS[key].nl.lower())), None)
        if key is None:
            known = ", ".join(f"{SHEETS[k].nl} ({k})" for k in COMPLETABLE)
            raise InvalidDataError(
                f"--complete {name}: alleen deze bladen kunnen volledig zijn: {known}.",
                f"--complete {name}: only these sheets can be complete: {known}.",
            )
        found.append(key)
    return tuple(dict.fromkeys(found))


def import_date(as_of: str | None) -> str:
    """The date an import's data describes: ``as_of``, or today; never in the future."""
    today = date.today().isoformat()
    day = periods.as_date(as_of, "--as-of") if as_of is not None else today
    if day > today:
        raise RefusedError(
            f"--as-of {day} ligt in de toekomst; een export beschrijft vandaag of eerder.",
            f"--as-of {day} is in the future; an export describes today or earlier.",
            code="date_in_future",
        )
    return day


def latest_import_date(store: GraphStore) -> str | None:
    """The newest date an import described (``as_of`` of the runs kept)."""
    dates = [
        str(run.properties["as_of"])
        for run in store.nodes(SystemLabel.IMPORT_RUN)
        if run.properties.get("as_of")
    ]
    return max(dates, default=None)


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
    report.as_of = import_date(options.as_of)
    report.complete = list(complete_sheets(options.complete))
    # an import that was killed while writing is undone before this one reads the store (a
    # dry run writes nothing, this neither)
    report.undone = None if options.dry_run else store.undo_abandoned_import()
    periods.refuse_earlier(latest_import_date(store), None, report.as_of)
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
        stored_ids=options.stored_ids,
    )
    plan = builder.build()
    stored = builder.references.already_stored
    report.unknown_terms = builder.references.unknown_terms()
    if (report.errors and not options.skip_invalid) or (options.whole and report.rejected):
        return report  # nothing written, not even a record of the run (the audit log has it)
    if report.complete:
        report.complete_areas = _complete_areas(store, plan)
    if options.dry_run:
        _write_plan(store, plan, stored, report, dry_run=True)
        return report
    with store.all_or_nothing(report.run_id):
        _write_plan(store, plan, stored, report, dry_run=False)
        _record_run(store, report, started, status="partial" if report.rejected else "written")
        if options.author is not None:
            store.keep_change(options.author)
    report.written = True
    store.compact()  # the next start loads a snapshot, not every statement of this import
    return report


def _complete_areas(store: GraphStore, plan: Plan) -> list[str] | None:
    """The areas a complete sheet of this import covers: those it declares and those its rows
    are located in, with the areas within them (a wijk's buurten); None if it names none (then
    the whole store)."""
    named: set[str] = set(plan.nodes.get(L.NEIGHBOURHOOD, {}))
    for label in (L.RESIDENT, L.INITIATIVE, L.ORGANISATION):
        for row in plan.nodes.get(label, {}).values():
            if row.get("neighbourhood"):
                named.add(str(row["neighbourhood"]))
    if not named:
        return None
    tree = {node.id: node.properties for node in store.nodes(L.NEIGHBOURHOOD)}
    tree.update(plan.nodes.get(L.NEIGHBOURHOOD, {}))
    return sorted(areas_within(tree, named))


def _write_plan(
    store: GraphStore,
    plan: Plan,
    stored: Mapping[NodeLabel, set[str]],
    report: ImportReport,
    *,
    dry_run: bool,
) -> None:
    """Write (or with ``dry_run`` only count) the planned nodes and relationships."""
    as_of = report.as_of or import_date(None)
    complete = {COMPLETABLE[sheet] for sheet in report.complete}
    created: set[NodeLabel] = set()  # labels whose every planned node is new
    for label in WRITE_ORDER:
        rows = list(plan.nodes.get(label, {}).values())
        counts = WriteCounts(unchanged=len(stored.get(label, ())))
        if rows:
            written = store.upsert_nodes(
                label, rows, dry_run=dry_run, as_of=as_of, listed=label in complete
            )
            if written.created == len(rows):
                created.add(label)
            counts += written
        if rows or counts.unchanged:
            report.nodes[label.value] = counts
    for (rel, source, target), rows in plan.links.items():
        counts = store.upsert_relationships(
            rel, rows, source_label=source, target_label=target, dry_run=dry_run,
            endpoints_verified=True,  # every reference was resolved against import or store
            as_of=as_of, listed=rel in complete,
        )  # fmt: skip
        report.relationships.setdefault(rel.value, WriteCounts())
        report.relationships[rel.value] += counts
    for rel in sorted(r for r in complete if isinstance(r, RelType)):
        spec = RELATIONSHIPS[rel]
        for source in sorted(spec.sources):
            for target in sorted(spec.targets):
                listed = [(row["source"], row["target"]) for row in plan.links.get(
                    (rel, source, target), [])]  # fmt: skip
                report.relationships.setdefault(rel.value, WriteCounts())
                report.relationships[rel.value] += store.end_unlisted(
                    rel, listed, source_label=source, target_label=target,
                    areas=report.complete_areas, as_of=as_of, dry_run=dry_run,
                )  # fmt: skip
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
            rel, keep, source_label=source, target_label=target, dry_run=dry_run, as_of=as_of
        )
    for label in [label for label in WRITE_ORDER if label in complete]:
        nodes, facts = store.end_unlisted_nodes(
            label, plan.nodes.get(label, {}), areas=report.complete_areas, as_of=as_of,
            dry_run=dry_run,
        )  # fmt: skip
        report.nodes.setdefault(label.value, WriteCounts())
        report.nodes[label.value] += nodes
        for rel, counts in facts.items():
            report.relationships.setdefault(rel.value, WriteCounts())
            report.relationships[rel.value] += counts


def write_links(
    store: GraphStore,
    links: Mapping[tuple[RelType, NodeLabel, NodeLabel], list[dict[str, Any]]],
    *,
    files: list[str],
    as_of: str | None = None,
) -> ImportReport:
    """Write relationships between stored nodes as an import writes its rows: undoing an
    abandoned import first, then through the import journal (all or nothing), each an
    idempotent upsert holding from ``as_of`` (``YYYY-MM-DD``, default today), with a record
    of the run (``files`` names what it came from).

    For the few rows a person records at once (an introduction that happened): the file is
    left for the embedded database to compact when it has grown, as after any small write.
    """
    started = _now()
    report = ImportReport(uuid.uuid4().hex, files)
    report.as_of = import_date(as_of)  # a fact recorded now holds from today
    report.undone = store.undo_abandoned_import()
    with store.all_or_nothing(report.run_id):
        for (rel, source, target), rows in links.items():
            counts = store.upsert_relationships(
                rel, rows, source_label=source, target_label=target, as_of=report.as_of
            )
            report.relationships.setdefault(rel.value, WriteCounts())
            report.relationships[rel.value] += counts
        _record_run(store, report, started, status="written")
    report.written = True
    return report


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
                "as_of": report.as_of,
                "complete": report.complete,
                "created": totals.created,
                "updated": totals.updated,
                "unchanged": totals.unchanged,
                "skipped": report.skipped_rows,
                "errors": len(report.errors),
            }
        ],
    )
