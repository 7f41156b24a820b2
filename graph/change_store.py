"""The store's side of the changes made in the pages (:mod:`graph.changes`): an author's last
change kept while its import writes, read, undone, and forgotten with an erased person.

:class:`KeptChanges` is a part of :class:`~graph.cypher_store.CypherStore`, on top of the
import journal's (:class:`~graph.journal_store.JournalledWrites`) and over the same named
queries: the journal's records of the run, the stored properties of nodes and relationships
that an upsert reads to tell what changes, and the journal's own undo.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from graph import changes, journal, queries
from graph.changes import Author, Fact, KeptChange, Undo
from graph.journal_store import JournalledWrites
from graph.model import NodeLabel, RelType, SystemLabel
from graph.store import as_label

if TYPE_CHECKING:
    from collections.abc import Mapping

    from graph.store import Label, Neighbour, WriteCounts


class KeptChanges(JournalledWrites):
    """Keeping, undoing and forgetting the authors' last changes, for a store that runs named
    queries and writes through the import journal."""

    if TYPE_CHECKING:  # the store's own (GraphStore's)

        def upsert_nodes(
            self,
            label: Label,
            rows: Iterable[Mapping[str, Any]],
            *,
            batch_size: int | None = None,
            dry_run: bool = False,
        ) -> WriteCounts: ...

        def neighbours(
            self, label: NodeLabel, node_id: str, *, rel_types: Iterable[RelType] | None = None
        ) -> list[Neighbour]: ...

    def keep_change(self, author: Author) -> None:
        current = self._journal
        assert current is not None, "a change is kept while its import writes"
        records = [record for record in self._records(current.run) if changes.is_domain(record)]
        if not records:
            return  # it changed nothing: the author's last change that did stays kept
        kept = KeptChange(
            author, current.run, _now(), tuple(records), self._states(changes.facts(records))
        )
        # through the journal, as the change's own writes: should the import fail after
        # this, the change kept before it is kept again
        self.upsert_nodes(SystemLabel.CHANGE, [kept.properties()])

    def kept_change(self, key_id: str) -> KeptChange | None:
        rows = self._read(queries.get_node(SystemLabel.CHANGE), {"id": key_id})
        return KeptChange.of(rows[0][0]) if rows else None

    def undo_change(self, key_id: str, run: str) -> Undo:
        kept = self.kept_change(key_id)
        if kept is None:
            return Undo.NOTHING
        self.undo_abandoned_import()
        self.begin_import(run)  # no import writes while the facts are compared and put back
        current = self._journal
        assert current is not None
        outcome = Undo.CHANGED_SINCE
        try:
            now = self._states(kept.facts)
            if now == kept.after:
                params = {"meta_id": queries.META_ID, **current.kept(kept.records)}
                self._write(queries.journalled(queries.BUMP_VERSION), params)
                outcome = Undo.UNDONE
            elif now == kept.before:
                outcome = Undo.NOTHING  # an undo cut off was finished since by an import
        except BaseException:
            self.undo_import()
            raise
        if outcome is Undo.UNDONE:
            self.undo_import()  # the journal's undo of the run: the change's records, undone
        else:
            self.end_import()
        if outcome is not Undo.CHANGED_SINCE:
            self._write(
                queries.delete_nodes(SystemLabel.CHANGE),
                {"ids": [key_id], "meta_id": queries.META_ID},
            )
        if outcome is Undo.UNDONE:  # the change's record of its run says it was undone
            self.upsert_nodes(SystemLabel.IMPORT_RUN, [{"id": kept.run, "undone": _now()}])
        return outcome

    def _forget_changes(self, node_id: str) -> None:
        """Delete every kept change that names ``node_id``: what it holds of an erased person
        goes with them."""
        kept = [
            key_id
            for key_id, props in self._read(queries.all_nodes(SystemLabel.CHANGE), {})
            if node_id in (props.get("subjects") or ())
        ]
        if kept:
            self._write(
                queries.delete_nodes(SystemLabel.CHANGE), {"ids": kept, "meta_id": queries.META_ID}
            )

    def _records(self, run: str) -> list[str]:
        """The journal's records of ``run``, oldest first."""
        ids = self._read(queries.JOURNAL_RECORDS, {"run": run, "head": journal.HEAD_ID})
        records = []
        for record_id, _ in reversed(ids):
            found = self._read(queries.JOURNAL_READ_RECORD, {"id": record_id})
            if found:
                records.append(str(found[0][0]))
        return records

    def _states(self, facts: Sequence[Fact]) -> str:
        """The facts as stored now (:func:`graph.changes.states`)."""
        wanted: dict[str, list[str]] = {}
        pairs: dict[tuple[str, ...], list[dict[str, str]]] = {}
        for fact in facts:
            if fact.is_node:
                wanted.setdefault(fact.key[0], []).append(fact.key[1])
            else:
                pairs.setdefault(fact.key[:3], []).append(
                    {"source": fact.key[3], "target": fact.key[4]}
                )
        nodes = {
            (label, str(node_id)): dict(props)
            for label, ids in wanted.items()
            for node_id, props in self._read(queries.existing_nodes(as_label(label)), {"ids": ids})
        }
        relationships: dict[tuple[str, ...], dict[str, Any]] = {}
        for (rel, source, target), ends in pairs.items():
            query = queries.existing_relationships(
                RelType(rel), NodeLabel(source), NodeLabel(target)
            )
            for a, b, props in self._read(query, {"pairs": ends}):
                relationships[(rel, source, target, str(a), str(b))] = dict(props)
        ties = {
            key: [[n.type.value, n.node.id] for n in self.neighbours(NodeLabel(key[0]), key[1])]
            for fact in facts
            if fact.is_node and fact.before is None and (key := (fact.key[0], fact.key[1])) in nodes
        }
        return changes.states(facts, nodes=nodes, relationships=relationships, ties=ties)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
