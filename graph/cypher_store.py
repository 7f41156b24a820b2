"""What the two backends share: every operation of :class:`~graph.store.GraphStore` over the
named, parameterised queries of :mod:`graph.queries`.

A backend provides :meth:`CypherStore._read` and :meth:`CypherStore._write` (run one named
query), may send batches its own way (:meth:`CypherStore._write_batches`) and may read the
projection its own faster way (:meth:`CypherStore._packed_projection`); the rest (validation,
batching, change detection, the reads) is here, once.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from graph import periods, projection_queries, queries
from graph.change_store import KeptChanges
from graph.errors import InvalidDataError, NotFoundError
from graph.model import (
    ATTRIBUTE_NODE_FIELDS,
    ATTRIBUTE_TIES,
    FABRIC_EDGE_FIELDS,
    FABRIC_NODE_FIELDS,
    NODE_HISTORY_FIELDS,
    RELATIONSHIPS,
    NodeLabel,
    RelType,
    SystemLabel,
)
from graph.period_store import PeriodWrites, domain_label
from graph.projection import (
    FabricEdge,
    FabricNode,
    Projection,
    area_fabric,
    areas_within,
    fabric_attributes,
    fabric_graph,
    held_values,
    people_within,
)
from graph.queries import Query
from graph.store import GraphStore, Label, Neighbour, Node, WriteCounts, as_label
from graph.values import Value, changed_batches, check_id, check_properties, chunks


class CypherStore(PeriodWrites, KeptChanges, GraphStore):
    """:class:`~graph.store.GraphStore` over named queries; a backend runs them. Imports and
    restores write through the import journal (:class:`~graph.journal_store.JournalledWrites`),
    and the pages' changes are kept for their authors to undo on top of it
    (:class:`~graph.change_store.KeptChanges`); facts are dated and ended by
    :class:`~graph.period_store.PeriodWrites`.
    """

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

    def _packed_projection(
        self, areas: tuple[str, ...] | None, as_of: str | None = None
    ) -> Projection | None:
        """A backend's own, faster read of :meth:`projection`, or None for the row-by-row read
        of the named queries. It must give exactly what the row-by-row read gives."""
        return None

    def _write_all(
        self, query: Query, batches: Iterable[Mapping[str, Any]], *, dry_run: bool
    ) -> None:
        """:meth:`_write_batches`, or with ``dry_run`` only prepare every batch (its counts)."""
        if dry_run:
            deque(batches, maxlen=0)  # prepared and counted, none sent
        else:
            self._write_batches(query, batches)

    def upsert_nodes(
        self,
        label: Label,
        rows: Iterable[Mapping[str, Any]],
        *,
        batch_size: int | None = None,
        dry_run: bool = False,
        as_of: str | None = None,
        listed: bool = False,
    ) -> WriteCounts:
        label = as_label(label)
        merged: dict[str, dict[str, Value]] = {}
        names: set[str] = set()
        kind = str(label)
        for number, row in enumerate(rows, start=1):
            node_id = check_id(row.get("id"), (kind, number))
            props = merged.get(node_id)
            if props is None:
                props = merged[node_id] = {}
            check_properties(props, row, skip=("id",), names=names, where=(kind, number))
        counts = WriteCounts()
        items = list(merged.items())
        size = batch_size or self.settings.batch_size
        none_stored = len(items) > size and not self._read(queries.any_node(label), {})

        def stored(batch: Sequence[tuple[str, dict[str, Value]]]) -> dict[str, Any]:
            ids = [node_id for node_id, _ in batch]
            return {
                row[0]: row[1] for row in self._read(queries.existing_nodes(label), {"ids": ids})
            }

        query, record = queries.upsert_nodes(label), None
        if (current := self._journalling(label, dry_run)) is not None:
            query = queries.journalled(query)

            def record(before: list[tuple[str, Mapping[str, Any] | None]]) -> dict[str, Any]:
                return current.nodes(label, before)

        dated = None
        if as_of is not None and isinstance(label, NodeLabel) and label in NODE_HISTORY_FIELDS:
            day, fields = periods.as_date(as_of), NODE_HISTORY_FIELDS[label]

            def dated(props: dict[str, Value], before: Mapping[str, Any] | None) -> dict[str, Any]:
                return periods.stated(props, before, day, listed=listed, fields=fields)

        batches = changed_batches(
            items, size, counts, stored=None if none_stored else stored,
            row=lambda node_id, props: {"id": node_id, "props": props}, journal=record,
            dated=dated,
        )  # fmt: skip
        self._write_all(query, batches, dry_run=dry_run)
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
        as_of: str | None = None,
        listed: bool = False,
    ) -> WriteCounts:
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
            source = check_id(row.get("source"), (kind, number), " (source)")
            target = check_id(row.get("target"), (kind, number), " (target)")
            if symmetric and target < source:
                source, target = target, source
            props = merged.get((source, target))
            if props is None:
                props = merged[(source, target)] = {}
            check_properties(
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

        query = queries.upsert_relationships(rel_type, source_label, target_label)
        record = None
        if (current := self._journalling(rel_type, dry_run)) is not None:
            query = queries.journalled(query)
            kinds = (rel_type, source_label, target_label)

            def record(
                before: list[tuple[tuple[str, str], Mapping[str, Any] | None]],
            ) -> dict[str, Any]:
                return current.relationships(*kinds, before)

        dated = None
        if as_of is not None:
            day = periods.as_date(as_of)

            def dated(props: dict[str, Value], before: Mapping[str, Any] | None) -> dict[str, Any]:
                return periods.stated(props, before, day, listed=listed)

        batches = changed_batches(
            items, size, counts, stored=None if none_stored else stored,
            row=lambda pair, props: {"source": pair[0], "target": pair[1], "props": props},
            journal=record, dated=dated,
        )  # fmt: skip
        self._write_all(query, batches, dry_run=dry_run)
        return counts

    def existing_ids(self, label: Label, ids: Iterable[str]) -> set[str]:
        label = as_label(label)
        wanted = sorted(set(ids))
        found: set[str] = set()
        if len(wanted) > self.settings.batch_size and not self._read(queries.any_node(label), {}):
            return found
        for batch in chunks(wanted, self.settings.batch_size):
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
        label = NodeLabel(label)
        # no journal may keep what the person was: an abandoned one is undone first
        self._refuse_while_importing()
        if tombstone:
            self.get_node(label, node_id)  # NotFoundError before anything is written
            self.add_tombstones([node_id])
        self._forget_changes(node_id)  # nor a change kept for its author to undo
        rows = self._write(queries.erase_node(label), {"id": node_id, "meta_id": queries.META_ID})
        if not rows:
            raise self._not_found(label, node_id)
        self.compact()  # the erased person's statements leave the files on disk too
        return int(rows[0][0])

    def add_tombstones(self, ids: Iterable[str]) -> None:
        self.upsert_nodes(SystemLabel.TOMBSTONE, [{"id": node_id} for node_id in ids])

    def tombstoned(self, ids: Iterable[str]) -> set[str]:
        return self.existing_ids(SystemLabel.TOMBSTONE, ids)

    def clear(self) -> None:
        if self._journal is not None:  # a restore that replaces everything: undone if it fails
            self._clear_journalled()
            return
        self._refuse_while_importing()
        limit = self.settings.batch_size
        for query in (queries.CLEAR_RELATIONSHIPS_BATCH, queries.CLEAR_NODES_BATCH):
            deleted = limit
            while deleted >= limit:  # a short batch means nothing is left
                deleted = self._write(query, {"limit": limit})[0][0]
        self._write(queries.BUMP_VERSION, {"meta_id": queries.META_ID})

    def get_node(self, label: Label, node_id: str) -> Node:
        label = as_label(label)
        rows = self._read(queries.get_node(label), {"id": node_id})
        if not rows:
            raise self._not_found(label, node_id)
        props = dict(rows[0][0])
        return Node(label, props.pop("id"), props)

    def neighbours(
        self, label: NodeLabel, node_id: str, *, rel_types: Iterable[RelType] | None = None
    ) -> list[Neighbour]:
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
                    {k: v for k, v in rel_props.items() if k not in _HISTORY},
                    Node(domain_label(labels), other_id, other),
                )
            )
        result.sort(key=lambda n: (n.type, n.node.label, n.node.id, n.direction))
        return result

    def count_by_label(self) -> dict[str, int]:
        counts = {str(label): int(n) for label, n in self._read(queries.COUNT_BY_LABEL, {})}
        return {str(label): counts.get(str(label), 0) for label in NodeLabel}

    def version(self) -> int:
        rows = self._read(queries.GRAPH_VERSION, {"meta_id": queries.META_ID})
        return int(rows[0][0]) if rows else 0

    def fabric(self) -> nx.Graph:
        return fabric_graph(*self._fabric_rows(projection_queries.FABRIC, {}))

    def _fabric_rows(
        self, query: Query, params: Mapping[str, Any], as_of: str | None = None
    ) -> tuple[list[FabricNode], list[FabricEdge]]:
        """The fabric's rows; with ``as_of`` (a ``*_AS_OF`` query), each tie as it was on that
        date, and none that did not hold then."""
        nodes: list[FabricNode] = []
        edges: list[FabricEdge] = []
        for kind, a, b, *slots in self._read(query, params):
            if b is None:
                label = NodeLabel(kind)
                fields = FABRIC_NODE_FIELDS[label]
                if as_of is not None:
                    cells = slots[: len(fields)] + slots[-3:]
                    values = held_values(cells, fields, as_of, NODE_HISTORY_FIELDS[label])
                    if values is None:
                        continue
                    slots = values
                nodes.append((a, fabric_attributes("label", kind, fields, slots)))
            else:
                fields = FABRIC_EDGE_FIELDS.get(RelType(kind), ())
                if as_of is not None:
                    values = held_values(slots[: len(fields)] + slots[-3:], fields, as_of)
                    if values is None:
                        continue
                    slots = values
                edges.append((a, b, fabric_attributes("type", kind, fields, slots)))
        if as_of is not None:  # a tie holds only while both its ends are there
            there = {node_id for node_id, _ in nodes}
            edges = [edge for edge in edges if edge[0] in there and edge[1] in there]
        return nodes, edges

    def projection(
        self, areas: tuple[str, ...] | None = None, *, as_of: str | None = None
    ) -> Projection:
        if as_of is not None:
            as_of = periods.as_date(as_of)
        packed = self._packed_projection(areas, as_of)
        return packed if packed is not None else self.projection_by_rows(areas, as_of=as_of)

    def projection_by_rows(
        self, areas: tuple[str, ...] | None = None, *, as_of: str | None = None
    ) -> Projection:
        """:meth:`projection` read row by row with the named queries: what every backend can
        do, and the reference a backend's own :meth:`_packed_projection` must equal."""
        version = self.version()
        attribute_nodes = {
            label: {
                node.id: {f: node.properties.get(f) for f in fields} for node in self.nodes(label)
            }
            for label, fields in ATTRIBUTE_NODE_FIELDS.items()
        }
        dated = as_of is not None
        params: dict[str, Any] = {"as_of": as_of} if dated else {}
        ties: dict[RelType, list[list[Any]]] = {}
        if areas is None:
            query = projection_queries.FABRIC_AS_OF if dated else projection_queries.FABRIC
            fabric = fabric_graph(*self._fabric_rows(query, params, as_of))
            for rel in ATTRIBUTE_TIES:
                ties[rel] = self._read(projection_queries.attribute_ties(rel, dated=dated), params)
        else:
            codes = areas_within(attribute_nodes[NodeLabel.NEIGHBOURHOOD], areas)
            params["codes"] = sorted(codes)
            query = (
                projection_queries.AREA_FABRIC_AS_OF if dated else (projection_queries.AREA_FABRIC)
            )
            fabric = area_fabric(*self._fabric_rows(query, params, as_of), codes)
            for rel in ATTRIBUTE_TIES:
                ties[rel] = self._read(
                    projection_queries.area_attribute_ties(rel, dated=dated), params
                )
        attribute_ties = {}
        for rel, (_, _, fields) in ATTRIBUTE_TIES.items():
            held = []
            for a, b, props in ties[rel]:
                if as_of is not None and areas is None and a not in fabric:
                    continue  # its source was not there on the date
                held_then = props if as_of is None else periods.version_at(props, as_of)
                if held_then is not None:
                    held.append((a, b, {f: held_then.get(f) for f in fields}))
            attribute_ties[rel] = held
        if areas is not None:
            attribute_ties = people_within(attribute_ties, fabric)
        return Projection(version, fabric, attribute_nodes, attribute_ties)

    def nodes(self, label: Label) -> list[Node]:
        label = as_label(label)
        result = []
        for node_id, props in self._read(queries.all_nodes(label), {}):
            properties = dict(props)
            properties.pop("id", None)
            result.append(Node(label, node_id, properties))
        return result

    def relationships(
        self, rel_type: RelType, *, source_label: NodeLabel, target_label: NodeLabel
    ) -> list[tuple[str, str, dict[str, Any]]]:
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


#: A fact's earlier versions and how it was listed: history, not what a reader of it sees now
_HISTORY = frozenset((periods.PAST, periods.LISTED))
