"""The graph store: one small interface with intent-named operations, two real databases.

:class:`GraphStore` holds everything the two backends share (validation, batching, change
detection, the fabric projection); a backend only runs a named query and sets up its schema.
Open one with :func:`open_store`; nothing outside ``graph/`` sees a driver or a line of Cypher.

>>> from graph.settings import load_settings
>>> settings = load_settings(db="embedded:/tmp/wijkgraaf-doctest", embedded_idle=0)
>>> with open_store(settings) as store:  # embedded_idle=0: the server stops as it closes
...     store.clear()
...     store.upsert_nodes(NodeLabel.THEME, [{"id": "groen", "name": "Groen"}]).created
1
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

import networkx as nx

from graph import queries
from graph.errors import InvalidDataError, NotFoundError
from graph.model import (
    ATTRIBUTE_NODE_FIELDS,
    ATTRIBUTE_TIES,
    FABRIC_EDGE_FIELDS,
    FABRIC_NODE_FIELDS,
    RELATIONSHIPS,
    SYSTEM_LABELS,
    NodeLabel,
    RelType,
    SystemLabel,
)
from graph.projection_cache import ProjectionCache
from graph.queries import Query
from graph.settings import Settings, parse_db

Primitive = str | bool | int | float
Value = Primitive | list[Primitive] | None

_INT64 = 2**63


@dataclass
class WriteCounts:
    """What an upsert did: rows created, updated (a property changed) or unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __iadd__(self, other: WriteCounts) -> Self:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed
        return self

    @property
    def written(self) -> int:
        return self.created + self.updated + self.removed


Label = NodeLabel | SystemLabel


def _label(value: str) -> Label:
    """A member of the label allow-list, whichever enum it belongs to."""
    return SystemLabel(value) if value in _SYSTEM_VALUES else NodeLabel(value)


_SYSTEM_VALUES = frozenset(label.value for label in SystemLabel)


@dataclass(frozen=True)
class Node:
    label: Label
    id: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Neighbour:
    """One relationship of a node and the node at its other end."""

    type: RelType
    #: "out" when the node is the relationship's source, "in" when it is the target,
    #: "both" for symmetric types (KNOWS, COLLABORATES_WITH)
    direction: str
    properties: dict[str, Any]
    node: Node


def _check_value(key: str, value: Any, where: str) -> Value:
    """Return ``value`` as the store holds it, or raise: primitives and flat lists only.

    A subclass of a primitive (a ``StrEnum`` member, say) is held as its plain value, so that
    both databases are sent exactly the same kinds of value.
    """
    if value is None or type(value) is str or type(value) is bool:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        if not -_INT64 <= value < _INT64:
            raise InvalidDataError(
                f"{where}: {key} is te groot voor een 64-bits geheel getal.",
                f"{where}: {key} does not fit a 64-bit integer.",
            )
        return value if type(value) is int else int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidDataError(
                f"{where}: {key} moet een eindig getal zijn (geen NaN of oneindig).",
                f"{where}: {key} must be a finite number (not NaN or infinity).",
            )
        return value if type(value) is float else float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        checked = [_check_value(key, item, where) for item in value]
        items: list[Primitive] = [item for item in checked if isinstance(item, Primitive)]
        if len(items) != len(checked):
            raise InvalidDataError(
                f"{where}: {key} mag geen lege waarden of geneste lijsten bevatten.",
                f"{where}: {key} may not contain nulls or nested lists.",
            )
        if len({type(item) for item in items}) > 1:
            raise InvalidDataError(
                f"{where}: {key} moet waarden van één soort bevatten.",
                f"{where}: {key} must hold values of one type.",
            )
        return items
    raise InvalidDataError(
        f"{where}: {key} heeft een soort waarde die niet opgeslagen kan worden "
        f"({type(value).__name__}).",
        f"{where}: {key} has a kind of value the store cannot hold ({type(value).__name__}).",
    )


def _check_properties(
    into: dict[str, Value],
    row: Mapping[str, Any],
    *,
    skip: Collection[str],
    names: set[str],
    where: tuple[str, int],
) -> None:
    """Check the properties of ``row`` (every key but those in ``skip``) into ``into``.

    Called once per row of a write, so the common case costs little: a name is checked once
    per write (``names`` holds those found valid), text, booleans, nulls and integers that fit
    are taken as they are, and the row's place (``where``: what and its number) is spelled
    out only for an error.
    """
    for key, value in row.items():
        if key in skip:
            continue
        if key not in names:
            if not isinstance(key, str) or not key.isidentifier():
                place = _place(where)
                raise InvalidDataError(
                    f"{place}: ongeldige eigenschapsnaam {key!r}.",
                    f"{place}: invalid property name {key!r}.",
                )
            names.add(key)
        kind = type(value)
        if (
            kind is str
            or kind is bool
            or value is None
            or (kind is int and -_INT64 <= value < _INT64)
        ):
            into[key] = value
        else:
            into[key] = _check_value(key, value, _place(where))


def _place(where: tuple[str, int], end: str = "") -> str:
    """A row's place in a write, as error messages name it: ``Resident #3``."""
    return f"{where[0]} #{where[1]}{end}"


def _check_id(value: Any, where: tuple[str, int], end: str = "") -> str:
    if isinstance(value, str) and value and not value.isspace():
        return value
    place = _place(where, end)
    raise InvalidDataError(
        f"{place}: id ontbreekt of is geen tekst.",
        f"{place}: id is missing or not text.",
    )


def _apply(before: Mapping[str, Any], changes: Mapping[str, Value]) -> dict[str, Any]:
    after = dict(before)
    for key, value in changes.items():
        if value is None:
            after.pop(key, None)
        else:
            after[key] = value
    return after


def _changed(
    batch: Sequence[tuple[Any, dict[str, Value]]],
    stored: Mapping[Any, Mapping[str, Any]],
    counts: WriteCounts,
) -> Sequence[tuple[Any, dict[str, Value]]]:
    """The rows of ``batch`` that change what is stored, counting each row's fate."""
    if not stored:  # nothing of the batch is stored (always so in a first import)
        counts.created += len(batch)
        return batch
    changed = []
    for key, props in batch:
        before = stored.get(key)
        if before is None:
            counts.created += 1
        elif _apply(before, props) == before:
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
        changed.append((key, props))
    return changed


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _changed_batches(
    items: Sequence[tuple[Any, dict[str, Value]]],
    size: int,
    counts: WriteCounts,
    *,
    stored: Callable[[Sequence[tuple[Any, dict[str, Value]]]], Mapping[Any, Any]] | None,
    row: Callable[[Any, dict[str, Value]], dict[str, Any]],
) -> Iterator[dict[str, Any]]:
    """The parameters of an upsert, batch by batch, with only the rows that change what is
    stored (counted into ``counts``). ``stored`` reads a batch's stored properties; None
    when nothing of the kind is stored yet (a first import), so nothing is read."""
    for batch in _chunks(items, size):
        changed = [
            row(key, props)
            for key, props in _changed(batch, stored(batch) if stored else {}, counts)
        ]
        if changed:
            yield {"rows": changed, "meta_id": queries.META_ID}


@dataclass
class Projection:
    """Everything the network questions read, from one state of the graph.

    ``fabric`` as :meth:`GraphStore.fabric` builds it; ``attribute_nodes`` the areas, themes
    and skills (id -> their ``ATTRIBUTE_NODE_FIELDS``); ``attribute_ties`` per tie type of
    ``ATTRIBUTE_TIES`` its (source id, target id, fields) rows.
    """

    version: int
    fabric: nx.Graph
    attribute_nodes: dict[NodeLabel, dict[str, dict[str, Any]]]
    attribute_ties: dict[RelType, list[tuple[str, str, dict[str, Any]]]]


class GraphStore(ABC):
    """Intent-named operations on the Wijkgraaf graph; one implementation per database."""

    #: ``"falkordb"`` or ``"neo4j"``.
    backend: str

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    # --- what a backend provides ---------------------------------------------------------

    @abstractmethod
    def _read(self, query: Query, params: Mapping[str, Any]) -> list[list[Any]]:
        """Run a read-only query; rows as lists of plain Python values."""

    @abstractmethod
    def _write(self, query: Query, params: Mapping[str, Any]) -> list[list[Any]]:
        """Run a writing query as one atomic statement; rows as lists of plain values."""

    def _write_batches(self, query: Query, batches: Iterable[Mapping[str, Any]]) -> None:
        """Run a writing query once per parameter set of ``batches``, in order, each as its
        own atomic statement (as :meth:`_write` runs one), ignoring what they return.

        ``batches`` may be a generator that prepares each batch, reads included, as it is
        asked for the next. A backend may send the next statement before the previous one
        has answered, so that the database works while the next batch is prepared (the
        embedded one does); every statement has answered when this returns. As before, each
        batch is its own statement: when one fails, the batches before it stay written, and
        the one after it, already sent, may be written too; every write is an idempotent
        upsert, so running the same write again converges.
        """
        for params in batches:
            self._write(query, params)

    def _write_all(
        self, query: Query, batches: Iterable[Mapping[str, Any]], *, dry_run: bool
    ) -> None:
        """:meth:`_write_batches`, or with ``dry_run`` only prepare every batch (its counts)."""
        if dry_run:
            deque(batches, maxlen=0)  # prepared and counted, none sent
        else:
            self._write_batches(query, batches)

    @abstractmethod
    def describe(self) -> str:
        """Where the data lives, for people (a directory or a URI, never a password)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (and, for the embedded database, possibly the server)."""

    def compact(self) -> None:  # noqa: B027 - a hook: a database that manages its files skips it
        """Make what is on disk quick to load and free of what was overwritten or erased.

        Called after bulk writes (an import, a restore) and after an erasure. The embedded
        database rewrites its append-only file into a snapshot; Neo4j manages its own files,
        so there it does nothing.
        """

    def projection_cache(self) -> ProjectionCache | None:
        """The projection kept on disk per graph version (:mod:`graph.projection_cache`), or
        None where nothing may be kept: it holds what the database holds about people, and
        only the embedded database has a data folder of its own for it."""
        return None

    def server_state(self) -> dict[str, Any] | None:
        """The state of a database server Wijkgraaf runs itself (the embedded one): whether it
        was already running when this store opened, how long the start took, its pid, size
        on disk and idle time. None for a server Wijkgraaf does not run (Neo4j)."""
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- writes --------------------------------------------------------------------------

    def upsert_nodes(
        self,
        label: Label,
        rows: Iterable[Mapping[str, Any]],
        *,
        batch_size: int | None = None,
        dry_run: bool = False,
    ) -> WriteCounts:
        """Create or update nodes by ``id``; a property set to ``None`` is removed.

        Idempotent: rows equal to what is stored are counted unchanged and not written.
        Later rows for the same ``id`` in one call refine earlier ones. With ``dry_run`` the
        counts are what would happen; nothing is written.

        What is stored is read back per batch to tell created, updated and unchanged apart,
        unless a write of several batches finds no node of the label at all (a first import):
        then nothing can be stored yet, and one probe replaces every read. The same holds for
        :meth:`upsert_relationships` and the relationship's type.
        """
        label = _label(label)
        merged: dict[str, dict[str, Value]] = {}
        names: set[str] = set()
        kind = str(label)
        for number, row in enumerate(rows, start=1):
            node_id = _check_id(row.get("id"), (kind, number))
            props = merged.get(node_id)
            if props is None:
                props = merged[node_id] = {}
            _check_properties(props, row, skip=("id",), names=names, where=(kind, number))
        counts = WriteCounts()
        items = list(merged.items())
        size = batch_size or self.settings.batch_size
        none_stored = len(items) > size and not self._read(queries.any_node(label), {})

        def stored(batch: Sequence[tuple[str, dict[str, Value]]]) -> dict[str, Any]:
            ids = [node_id for node_id, _ in batch]
            return {
                row[0]: row[1] for row in self._read(queries.existing_nodes(label), {"ids": ids})
            }

        batches = _changed_batches(
            items, size, counts, stored=None if none_stored else stored,
            row=lambda node_id, props: {"id": node_id, "props": props},
        )  # fmt: skip
        self._write_all(queries.upsert_nodes(label), batches, dry_run=dry_run)
        return counts

    def upsert_relationships(
        self,
        rel_type: RelType,
        rows: Iterable[Mapping[str, Any]],
        *,
        source_label: NodeLabel,
        target_label: NodeLabel,
        batch_size: int | None = None,
        dry_run: bool = False,
        endpoints_verified: bool = False,
    ) -> WriteCounts:
        """Create or update one ``rel_type`` relationship per (source, target) pair.

        Each row has ``source`` and ``target`` ids; every other key is a property. Both ends
        must be stored already: if any is missing, nothing is written and
        :class:`NotFoundError` lists them. Symmetric types (KNOWS, COLLABORATES_WITH) are
        stored once per pair, from the smaller id to the larger. With ``dry_run`` nothing is
        written and endpoints are not checked (they may be nodes the same dry run would
        create). ``endpoints_verified`` is for a caller that has itself established that every
        end is stored (the importer resolves each reference against the import and the store).
        """
        rel_type = RelType(rel_type)
        source_label, target_label = NodeLabel(source_label), NodeLabel(target_label)
        spec = RELATIONSHIPS[rel_type]
        if source_label not in spec.sources or target_label not in spec.targets:
            raise InvalidDataError(
                f"{rel_type} verbindt geen {source_label} met {target_label}.",
                f"{rel_type} does not connect {source_label} to {target_label}.",
            )
        merged: dict[tuple[str, str], dict[str, Value]] = {}
        names: set[str] = set()
        kind, symmetric = str(rel_type), spec.symmetric
        for number, row in enumerate(rows, start=1):
            source = _check_id(row.get("source"), (kind, number), " (source)")
            target = _check_id(row.get("target"), (kind, number), " (target)")
            if symmetric and target < source:
                source, target = target, source
            props = merged.get((source, target))
            if props is None:
                props = merged[(source, target)] = {}
            _check_properties(
                props, row, skip=("source", "target"), names=names, where=(kind, number)
            )
        size = batch_size or self.settings.batch_size
        if not dry_run and not endpoints_verified:
            self._require_nodes(source_label, sorted({s for s, _ in merged}))
            self._require_nodes(target_label, sorted({t for _, t in merged}))
        counts = WriteCounts()
        items = list(merged.items())
        none_stored = len(items) > size and not self._read(queries.any_relationship(rel_type), {})
        existing = queries.existing_relationships(rel_type, source_label, target_label)

        def stored(
            batch: Sequence[tuple[tuple[str, str], dict[str, Value]]],
        ) -> dict[tuple[str, str], Any]:
            pairs = [{"source": s, "target": t} for (s, t), _ in batch]
            return {(row[0], row[1]): row[2] for row in self._read(existing, {"pairs": pairs})}

        batches = _changed_batches(
            items, size, counts, stored=None if none_stored else stored,
            row=lambda pair, props: {"source": pair[0], "target": pair[1], "props": props},
        )  # fmt: skip
        self._write_all(
            queries.upsert_relationships(rel_type, source_label, target_label),
            batches,
            dry_run=dry_run,
        )
        return counts

    def prune_relationships(
        self,
        rel_type: RelType,
        keep: Mapping[str, Iterable[str]],
        *,
        source_label: NodeLabel,
        target_label: NodeLabel,
        dry_run: bool = False,
    ) -> WriteCounts:
        """Remove each source's ``rel_type`` to targets other than those in ``keep[source]``.

        For relationships that a row states completely (a resident lives in one buurt): when
        the row changes, the old relationship goes. Writes nothing when nothing is stale.
        """
        rel_type = RelType(rel_type)
        source_label, target_label = NodeLabel(source_label), NodeLabel(target_label)
        rows = [{"source": s, "targets": sorted(set(t))} for s, t in keep.items()]
        stale: list[dict[str, str]] = []
        for batch in _chunks(rows, self.settings.batch_size):
            query = queries.stale_relationships(rel_type, source_label, target_label)
            stale.extend({"source": a, "target": b} for a, b in self._read(query, {"rows": batch}))
        if stale and not dry_run:
            self._write_batches(
                queries.delete_relationships(rel_type, source_label, target_label),
                (
                    {"pairs": list(batch), "meta_id": queries.META_ID}
                    for batch in _chunks(stale, self.settings.batch_size)
                ),
            )
        return WriteCounts(removed=len(stale))

    def existing_ids(self, label: Label, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are stored under ``label``.

        Where a look-up of several batches finds no node of the label at all (no tombstones,
        a first import), one probe replaces every read, as in :meth:`upsert_nodes`.
        """
        label = _label(label)
        wanted = sorted(set(ids))
        found: set[str] = set()
        if len(wanted) > self.settings.batch_size and not self._read(queries.any_node(label), {}):
            return found
        for batch in _chunks(wanted, self.settings.batch_size):
            rows = self._read(queries.present_ids(label), {"ids": list(batch)})
            found.update(row[0] for row in rows)
        return found

    def _require_nodes(self, label: NodeLabel, ids: Sequence[str]) -> None:
        found = self.existing_ids(label, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
            raise NotFoundError(
                f"{len(missing)} {label}-knoop/knopen bestaan niet: {shown}. "
                "Er is niets geschreven.",
                f"{len(missing)} {label} node(s) do not exist: {shown}. Nothing was written.",
                missing=tuple(missing),
            )

    def erase_node(self, label: NodeLabel, node_id: str, *, tombstone: bool = False) -> int:
        """Delete a node and all its relationships; returns how many relationships went.

        With ``tombstone`` the key is kept as a tombstone first (so that a crash between
        the two steps leaves the person marked erased, and a retry finishes the job), and
        importers will not bring the person back.
        """
        label = NodeLabel(label)
        if tombstone:
            self.get_node(label, node_id)  # NotFoundError before anything is written
            self.add_tombstones([node_id])
        rows = self._write(queries.erase_node(label), {"id": node_id, "meta_id": queries.META_ID})
        if not rows:
            raise self._not_found(label, node_id)
        self.compact()  # the erased person's statements leave the files on disk too
        return int(rows[0][0])

    def add_tombstones(self, ids: Iterable[str]) -> None:
        """Remember erased keys (the key only, nothing else about the person)."""
        self.upsert_nodes(SystemLabel.TOMBSTONE, [{"id": node_id} for node_id in ids])

    def tombstoned(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` belong to erased people."""
        return self.existing_ids(SystemLabel.TOMBSTONE, ids)

    def clear(self) -> None:
        """Delete every node and relationship (the version counter keeps counting).

        In batches: a whole city in one transaction exceeds Neo4j's transaction memory.
        """
        limit = self.settings.batch_size
        for query in (queries.CLEAR_RELATIONSHIPS_BATCH, queries.CLEAR_NODES_BATCH):
            deleted = limit
            while deleted >= limit:  # a short batch means nothing is left
                deleted = self._write(query, {"limit": limit})[0][0]
        self._write(queries.BUMP_VERSION, {"meta_id": queries.META_ID})

    # --- reads ---------------------------------------------------------------------------

    def get_node(self, label: Label, node_id: str) -> Node:
        """The node with this label and id, or :class:`NotFoundError`."""
        label = _label(label)
        rows = self._read(queries.get_node(label), {"id": node_id})
        if not rows:
            raise self._not_found(label, node_id)
        props = dict(rows[0][0])
        return Node(label, props.pop("id"), props)

    def neighbours(
        self, label: NodeLabel, node_id: str, *, rel_types: Iterable[RelType] | None = None
    ) -> list[Neighbour]:
        """Every relationship of a node (of the given types) with the node at the other end."""
        label = NodeLabel(label)
        types = [RelType(t).value for t in (rel_types if rel_types is not None else RelType)]
        self.get_node(label, node_id)  # NotFoundError for an unknown node, not an empty list
        result = []
        for direction, rel, rel_props, labels, node_props in self._read(
            queries.neighbours(label), {"id": node_id, "types": types}
        ):
            other = dict(node_props)
            other_id = other.pop("id")
            rel_type = RelType(rel)
            result.append(
                Neighbour(
                    rel_type,
                    "both" if RELATIONSHIPS[rel_type].symmetric else direction,
                    dict(rel_props),
                    Node(_domain_label(labels), other_id, other),
                )
            )
        result.sort(key=lambda n: (n.type, n.node.label, n.node.id, n.direction))
        return result

    def count_by_label(self) -> dict[str, int]:
        """Number of nodes per domain label, every label present (zero included)."""
        counts = {str(label): int(n) for label, n in self._read(queries.COUNT_BY_LABEL, {})}
        return {str(label): counts.get(str(label), 0) for label in NodeLabel}

    def version(self) -> int:
        """A counter that grows with every write; caches key their answers on it."""
        rows = self._read(queries.GRAPH_VERSION, {"meta_id": queries.META_ID})
        return int(rows[0][0]) if rows else 0

    def fabric(self) -> nx.Graph:
        """The social fabric as an undirected networkx graph, loaded in one query.

        Nodes are keyed by ``id`` and carry ``label`` and their projection fields
        (``FABRIC_NODE_FIELDS``: name, neighbourhood, ...); edges carry ``type`` and theirs
        (``FABRIC_EDGE_FIELDS``: strength, role, ...). Absent values are left out. Skills,
        themes and neighbourhoods stay attributes: they are not nodes of the fabric.
        """
        return fabric_graph(*self._fabric_rows(queries.FABRIC, {}))

    def _fabric_rows(
        self, query: Query, params: Mapping[str, Any]
    ) -> tuple[list[FabricNode], list[FabricEdge]]:
        nodes: list[FabricNode] = []
        edges: list[FabricEdge] = []
        for kind, a, b, *slots in self._read(query, params):
            if b is None:
                fields = FABRIC_NODE_FIELDS[NodeLabel(kind)]
                nodes.append((a, fabric_attributes("label", kind, fields, slots)))
            else:
                fields = FABRIC_EDGE_FIELDS.get(RelType(kind), ())
                edges.append((a, b, fabric_attributes("type", kind, fields, slots)))
        return nodes, edges

    def projection(self, areas: tuple[str, ...] | None = None) -> Projection:
        """The fabric and the attributes the network questions need, read once.

        With ``areas``: only their part (:func:`area_fabric`), as
        ``NetworkContext.restricted(areas)`` would see it, read without the rest of the city:
        the areas, themes and skills all, the attribute ties of the residents in the part, and
        what every initiative addresses and looks for. An unknown code has an empty part.

        The version is read first: should a write land while reading, the projection is
        labelled older than what it holds and is simply read again on the next question.
        """
        version = self.version()
        attribute_nodes = {
            label: {
                node.id: {f: node.properties.get(f) for f in fields} for node in self.nodes(label)
            }
            for label, fields in ATTRIBUTE_NODE_FIELDS.items()
        }
        ties: dict[RelType, list[list[Any]]] = {}
        if areas is None:
            fabric = self.fabric()
            for rel, (source, target, _) in ATTRIBUTE_TIES.items():
                ties[rel] = self._read(queries.all_relationships(rel, source, target), {})
        else:
            codes = areas_within(attribute_nodes[NodeLabel.NEIGHBOURHOOD], areas)
            params = {"codes": sorted(codes)}
            fabric = area_fabric(*self._fabric_rows(queries.AREA_FABRIC, params), codes)
            for rel in ATTRIBUTE_TIES:
                ties[rel] = self._read(queries.area_attribute_ties(rel), params)
        attribute_ties = {
            rel: [(a, b, {f: props.get(f) for f in fields}) for a, b, props in ties[rel]]
            for rel, (_, _, fields) in ATTRIBUTE_TIES.items()
        }
        return Projection(version, fabric, attribute_nodes, attribute_ties)

    def nodes(self, label: Label) -> list[Node]:
        """Every node of a label, ordered by id."""
        label = _label(label)
        result = []
        for node_id, props in self._read(queries.all_nodes(label), {}):
            properties = dict(props)
            properties.pop("id", None)
            result.append(Node(label, node_id, properties))
        return result

    def relationships(
        self, rel_type: RelType, *, source_label: NodeLabel, target_label: NodeLabel
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Every ``rel_type`` from a ``source_label`` to a ``target_label`` node."""
        query = queries.all_relationships(
            RelType(rel_type), NodeLabel(source_label), NodeLabel(target_label)
        )
        return [(a, b, dict(props)) for a, b, props in self._read(query, {})]

    @staticmethod
    def _not_found(label: Label, node_id: str) -> NotFoundError:
        return NotFoundError(
            f"Geen {label} met id {node_id!r} gevonden.",
            f"No {label} with id {node_id!r} found.",
            missing=(node_id,),
        )


FabricNode = tuple[str, dict[str, Any]]  # id, its label and projection fields
FabricEdge = tuple[str, str, dict[str, Any]]  # one end, other end, its type and fields


def fabric_attributes(
    key: str, kind: str, fields: Sequence[str], values: Sequence[Any]
) -> dict[str, Any]:
    """``{key: kind}`` and the fields that have a value (absent ones are left out).

    >>> fabric_attributes("type", "KNOWS", ("kind", "strength"), ("friend", None))
    {'type': 'KNOWS', 'kind': 'friend'}
    """
    attributes = {key: kind}
    for field_name, value in zip(fields, values, strict=False):
        if value is not None:
            attributes[field_name] = value
    return attributes


def fabric_graph(nodes: Sequence[FabricNode], edges: Iterable[FabricEdge]) -> nx.Graph:
    """The fabric as a networkx graph; an id under two labels is refused.

    The graph takes the attribute dicts it is given as its own. It is built straight into
    networkx's adjacency dicts, as ``add_nodes_from``/``add_edges_from`` would build it
    (a tie's end that is not among ``nodes`` becomes a bare node; a second tie between the
    same two nodes adds to the first one's attributes), without their argument checks and
    copies, which took about a second for a city's 300,000 ties.

    Ties with equal attributes share one dict: a city's millions of ties have a few dozen
    distinct ones (``KNOWS`` of a kind and strength, ``PARTICIPATES_IN`` in a role), and one
    dict each cost 600 MB and half the time to keep and reload a million residents'
    projection. So the graph is read-only, as every question treats it: a tie's attributes
    are never changed in place.

    >>> graph = fabric_graph([], [("a", "b", {"type": "KNOWS"}), ("b", "c", {"type": "KNOWS"})])
    >>> graph.adj["a"]["b"] is graph.adj["b"]["c"]
    True
    """
    graph = nx.Graph()
    shared: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}

    def one_of(attributes: dict[str, Any]) -> dict[str, Any]:
        try:
            return shared.setdefault(tuple(attributes.items()), attributes)
        except TypeError:  # a list among the values: kept as it is
            return attributes

    node_data: dict[str, dict[str, Any]] = graph._node
    adj: dict[str, dict[str, dict[str, Any]]] = graph._adj
    for node_id, attributes in nodes:
        known = node_data.get(node_id)
        if known is None:
            node_data[node_id] = attributes
            adj[node_id] = {}
        elif known["label"] != attributes["label"]:
            raise InvalidDataError(
                f"Id {node_id!r} hoort bij zowel {known['label']} als {attributes['label']}.",
                f"Id {node_id!r} belongs to both {known['label']} and {attributes['label']}.",
            )
        else:
            known.update(attributes)
    for a, b, attributes in edges:
        if a not in adj or b not in adj:
            for end in (a, b):
                if end not in adj:
                    node_data[end] = {}
                    adj[end] = {}
        ties = adj[a]
        tie = ties.get(b)
        tie = one_of(attributes if tie is None else {**tie, **attributes})
        ties[b] = tie
        adj[b][a] = tie
    return graph


def areas_within(areas: Mapping[str, Mapping[str, Any]], codes: Iterable[str]) -> set[str]:
    """The given area codes and every area that lies within them (a wijk's buurten), by each
    area's ``parent``; a code no area has stays in, within it nothing.

    >>> areas = {"WK1": {"parent": "GM1"}, "BU1": {"parent": "WK1"}, "BU2": {"parent": "WK2"}}
    >>> sorted(areas_within(areas, ["GM1", "XX"]))
    ['BU1', 'GM1', 'WK1', 'XX']
    """
    children: dict[str, set[str]] = {}
    for code, fields in areas.items():
        parent = str(fields.get("parent") or "")
        if parent:
            children.setdefault(parent, set()).add(code)
    result: set[str] = set()
    pending = list(codes)
    while pending:
        code = pending.pop()
        if code not in result:
            result.add(code)
            pending.extend(children.get(code, ()))
    return result


def area_fabric(
    nodes: Sequence[FabricNode], edges: Sequence[FabricEdge], codes: Collection[str]
) -> nx.Graph:
    """The part of the fabric in the areas ``codes``, from rows that hold at least that part.

    The residents, initiatives and organisations located there (their ``neighbourhood``), the
    professionals and organisations from elsewhere tied to one of those (the system world
    serving them), and the ties among all of these; in id order (:func:`ordered_graph`).
    ``NetworkContext.scoped`` cuts the whole fabric by the same rule.

    >>> nodes = [("r1", {"label": "Resident", "neighbourhood": "BU1"}),
    ...          ("r2", {"label": "Resident", "neighbourhood": "BU2"}),
    ...          ("p1", {"label": "Professional"})]
    >>> edges = [("r1", "p1", {"type": "SUPPORTED_BY"}), ("r2", "p1", {"type": "SUPPORTED_BY"})]
    >>> sorted(area_fabric(nodes, edges, {"BU1"}).edges)
    [('p1', 'r1')]
    """
    label = {node: data["label"] for node, data in nodes}
    keep = {node for node, data in nodes if data.get("neighbourhood") in codes}
    tied = set()
    for a, b, _ in edges:
        if a in keep and label.get(b) in SYSTEM_LABELS:
            tied.add(b)
        if b in keep and label.get(a) in SYSTEM_LABELS:
            tied.add(a)
    keep |= tied
    return ordered_graph(
        [(node, data) for node, data in nodes if node in keep],
        [(a, b, data) for a, b, data in edges if a in keep and b in keep],
    )


def ordered_graph(nodes: Sequence[FabricNode], edges: Iterable[FabricEdge]) -> nx.Graph:
    """:func:`fabric_graph` in id order: nodes sorted by id, each node's ties by the id at the
    other end.

    A part of the fabric is built this way whether it was cut from the whole or read on its
    own, so the two are the same graph down to their order, which igraph's vertex numbers and
    so the seeded community detection follow; nor does it depend on how strings hash.
    """

    def pair(edge: FabricEdge) -> tuple[str, str]:
        return (edge[0], edge[1]) if edge[0] <= edge[1] else (edge[1], edge[0])

    return fabric_graph(sorted(nodes, key=lambda node: node[0]), sorted(edges, key=pair))


def ordered_subgraph(graph: nx.Graph, keep: Collection[str]) -> nx.Graph:
    """The part of ``graph`` on the nodes ``keep``, as :func:`ordered_graph` builds it (a copy:
    node attributes are not shared with ``graph``; tie attributes, never changed, are)."""
    nodes = [(node, dict(graph.nodes[node])) for node in keep]
    edges = [(a, b, data) for a in keep for b, data in graph.adj[a].items() if a <= b and b in keep]
    return ordered_graph(nodes, edges)


_LABEL_VALUES = frozenset(label.value for label in NodeLabel)


def _domain_label(labels: Sequence[str]) -> NodeLabel:
    for label in labels:
        if label in _LABEL_VALUES:
            return NodeLabel(label)
    raise InvalidDataError(
        f"Knoop zonder bekend label: {list(labels)}.",
        f"Node without a known label: {list(labels)}.",
    )


def open_store(settings: Settings) -> GraphStore:
    """Open the store that ``settings.db`` names: embedded FalkorDB or a Neo4j server."""
    target = parse_db(settings.db)
    if target.kind == "embedded":
        from graph.falkordb_store import FalkorDBStore

        return FalkorDBStore(settings, target.path)
    from graph.neo4j_store import Neo4jStore

    return Neo4jStore(settings, target.location)
