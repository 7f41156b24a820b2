"""The store's writes of facts with a time (:mod:`graph.periods`): ending what a complete
sheet lacks, a row no longer states, or someone who is no longer there took with them.

:class:`PeriodWrites` is a part of :class:`~graph.cypher_store.CypherStore`: stating a fact
(the upserts, with ``as_of``) is where every write is made; here is what ends facts. Every
end is an update of the fact's period, written like any upsert, under the import journal.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from graph import journal, periods, queries
from graph.errors import InvalidDataError
from graph.model import FACT_TYPES, RELATIONSHIPS, NodeLabel, RelType
from graph.queries import Query
from graph.settings import Settings
from graph.store import WriteCounts
from graph.values import changed_batches, chunks

_LABEL_VALUES = frozenset(label.value for label in NodeLabel)


def domain_label(labels: Sequence[str]) -> NodeLabel:
    """The domain label among a node's labels."""
    for label in labels:
        if label in _LABEL_VALUES:
            return NodeLabel(label)
    raise InvalidDataError(
        f"Knoop zonder bekend label: {list(labels)}.",
        f"Node without a known label: {list(labels)}.",
    )


class PeriodWrites:
    """Ending facts and the nodes they hang on, for a store that runs named queries."""

    settings: Settings

    @abstractmethod
    def _read(self, query: Query, params: Mapping[str, Any]) -> list[list[Any]]: ...

    @abstractmethod
    def _write_all(
        self, query: Query, batches: Iterable[Mapping[str, Any]], *, dry_run: bool
    ) -> None: ...

    if TYPE_CHECKING:  # the import journal's (graph.journal_store.JournalledWrites)

        def _journalling(self, kind: object, dry_run: bool) -> journal.Journal | None: ...

    def _end_relationships(
        self,
        kinds: tuple[RelType, NodeLabel, NodeLabel],
        holding: Sequence[tuple[str, str, dict[str, Any]]],
        as_of: str,
        *,
        dry_run: bool,
    ) -> WriteCounts:
        """End the facts ``holding`` (ends and stored properties) on ``as_of``: they stay,
        with the date they ended (:func:`graph.periods.ended`)."""
        day = periods.as_date(as_of)
        counts = WriteCounts()
        before = {(a, b): props for a, b, props in holding}
        query, record = queries.upsert_relationships(*kinds), None
        if (current := self._journalling(kinds[0], dry_run)) is not None:
            query = queries.journalled(query)

            def record(
                was: list[tuple[tuple[str, str], Mapping[str, Any] | None]],
            ) -> dict[str, Any]:
                return current.relationships(*kinds, was)

        batches = changed_batches(
            [((a, b), {}) for a, b, _ in holding], self.settings.batch_size, counts,
            stored=lambda batch: {pair: before[pair] for pair, _ in batch},
            row=lambda pair, props: {"source": pair[0], "target": pair[1], "props": props},
            journal=record, dated=lambda _, was: periods.ended(was or {}, day),
        )  # fmt: skip
        self._write_all(query, batches, dry_run=dry_run)
        return WriteCounts(ended=counts.updated)

    def end_unlisted(
        self,
        rel_type: RelType,
        listed: Iterable[tuple[str, str]],
        *,
        source_label: NodeLabel,
        target_label: NodeLabel,
        areas: Collection[str] | None,
        as_of: str,
        dry_run: bool = False,
    ) -> WriteCounts:
        kinds = (RelType(rel_type), NodeLabel(source_label), NodeLabel(target_label))
        symmetric = RELATIONSHIPS[kinds[0]].symmetric
        keep = {(b, a) if symmetric and b < a else (a, b) for a, b in listed}
        params = {"codes": None if areas is None else sorted(areas)}
        holding = [
            (a, b, dict(props))
            for a, b, props in self._read(queries.listed_relationships(*kinds), params)
            if (a, b) not in keep
        ]
        return self._end_relationships(kinds, holding, as_of, dry_run=dry_run)

    def end_unlisted_nodes(
        self,
        label: NodeLabel,
        listed: Iterable[str],
        *,
        areas: Collection[str] | None,
        as_of: str,
        dry_run: bool = False,
    ) -> tuple[WriteCounts, dict[RelType, WriteCounts]]:
        label, day = NodeLabel(label), periods.as_date(as_of)
        keep = set(listed)
        params = {"codes": None if areas is None else sorted(areas)}
        gone = {
            node_id: dict(props)
            for node_id, props in self._read(queries.listed_nodes(label), params)
            if node_id not in keep
        }
        counts = WriteCounts()
        query, record = queries.upsert_nodes(label), None
        if (current := self._journalling(label, dry_run)) is not None:
            query = queries.journalled(query)

            def record(was: list[tuple[str, Mapping[str, Any] | None]]) -> dict[str, Any]:
                return current.nodes(label, was)

        batches = changed_batches(
            [(node_id, {}) for node_id in sorted(gone)], self.settings.batch_size, counts,
            stored=lambda batch: {node_id: gone[node_id] for node_id, _ in batch},
            row=lambda node_id, props: {"id": node_id, "props": props}, journal=record,
            dated=lambda _, was: periods.ended(was or {}, day),
        )  # fmt: skip
        self._write_all(query, batches, dry_run=dry_run)
        # what held of someone who is no longer there ends with them
        ended: dict[RelType, WriteCounts] = {}
        holding: dict[tuple[RelType, NodeLabel, NodeLabel], list[Any]] = {}
        types = [rel.value for rel in FACT_TYPES]
        for batch in chunks(sorted(gone), self.settings.batch_size):
            found = self._read(
                queries.holding_relationships(label), {"ids": list(batch), "types": types}
            )
            for direction, rel, labels, other, node, props in found:
                other_label, rel_type = domain_label(labels), RelType(rel)
                if direction == "out":
                    kinds, pair = (rel_type, label, other_label), (node, other)
                else:
                    kinds, pair = (rel_type, other_label, label), (other, node)
                holding.setdefault(kinds, []).append((*pair, dict(props)))
        for kinds, rows in sorted(holding.items()):
            unique = list({(a, b): (a, b, p) for a, b, p in rows}.values())  # a self-tie once
            ended.setdefault(kinds[0], WriteCounts())
            ended[kinds[0]] += self._end_relationships(kinds, unique, day, dry_run=dry_run)
        return WriteCounts(ended=counts.updated), ended

    def prune_relationships(
        self,
        rel_type: RelType,
        keep: Mapping[str, Iterable[str]],
        *,
        source_label: NodeLabel,
        target_label: NodeLabel,
        as_of: str,
        dry_run: bool = False,
    ) -> WriteCounts:
        kinds = (RelType(rel_type), NodeLabel(source_label), NodeLabel(target_label))
        rows = [{"source": s, "targets": sorted(set(t))} for s, t in keep.items()]
        stale: list[tuple[str, str, dict[str, Any]]] = []
        for batch in chunks(rows, self.settings.batch_size):
            query = queries.stale_relationships(*kinds)
            stale.extend((a, b, dict(props)) for a, b, props in self._read(query, {"rows": batch}))
        return self._end_relationships(kinds, stale, as_of, dry_run=dry_run)

    def ended_ids(self, label: NodeLabel, ids: Iterable[str]) -> set[str]:
        label = NodeLabel(label)
        found: set[str] = set()
        for batch in chunks(sorted(set(ids)), self.settings.batch_size):
            found.update(
                row[0] for row in self._read(queries.ended_ids(label), {"ids": list(batch)})
            )
        return found
