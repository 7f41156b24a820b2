"""The store's side of the import journal (:mod:`graph.journal`): taking it, ending it,
undoing it, and what must wait while an import writes.

:class:`JournalledWrites` is a part of :class:`~graph.cypher_store.CypherStore`: the writes
themselves (upserts and removals) add their records where they are made; here is what
surrounds them. Besides an import and a restore, two operations touch the journal:

- :meth:`~graph.store.GraphStore.erase_node` and an ordinary ``clear`` first undo an
  abandoned import and refuse while a live one writes: a record keeps what it overwrote, an
  erased person's properties included, until its import ends, and a ``clear`` would delete
  a running import's records under it;
- ``clear`` inside the journal (``wijkgraaf restore --replace``) deletes everything with a
  record of what it deleted, so that a restore that fails puts the old store back.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from graph import journal, queries
from graph.errors import ImportInProgressError, WijkgraafError
from graph.model import RELATIONSHIPS, NodeLabel, RelType, SystemLabel
from graph.queries import Query
from graph.settings import Settings
from graph.values import chunks

#: What a restore that replaces everything deletes, and puts back should it fail.
_CLEARED_LABELS: tuple[NodeLabel | SystemLabel, ...] = (
    *NodeLabel,
    SystemLabel.TOMBSTONE,
    SystemLabel.IMPORT_RUN,
    SystemLabel.CHANGE,
)


class JournalledWrites:
    """The import journal's operations, for a store that runs named queries."""

    settings: Settings
    #: The journal of the import that is writing through this store, if one is.
    _journal: journal.Journal | None = None

    @abstractmethod
    def _read(self, query: Query, params: Mapping[str, Any]) -> list[list[Any]]: ...

    @abstractmethod
    def _write(self, query: Query, params: Mapping[str, Any]) -> list[list[Any]]: ...

    @abstractmethod
    def _write_batches(self, query: Query, batches: Any) -> None: ...

    if TYPE_CHECKING:  # the store's own (GraphStore's hook, or the backend's)

        def compact(self) -> None: ...

    def _journalling(self, kind: object, dry_run: bool) -> journal.Journal | None:
        """The journal a write of ``kind`` records into, while an import writes: every write
        but the version counter's and the journal's own."""
        if dry_run or kind in (SystemLabel.META, SystemLabel.JOURNAL):
            return None
        return self._journal

    def begin_import(self, run: str) -> None:
        started = journal.Journal(run)
        journal.RUNNING.add(run)
        try:
            holder = journal.holder(self._write(queries.JOURNAL_TAKE_HEAD, started.take())[0])
        except BaseException:
            journal.RUNNING.discard(run)
            with suppress(WijkgraafError):  # the head, if the failure came after it was taken
                self._undo(run)
            raise
        if holder.run != run:
            journal.RUNNING.discard(run)
            raise _in_progress(holder)
        self._journal = started

    def end_import(self) -> None:
        current = self._journal
        if current is None:
            return
        self._write(queries.JOURNAL_END, {"run": current.run})
        self._journal = None
        journal.RUNNING.discard(current.run)

    def undo_import(self) -> None:
        current = self._journal
        if current is None:
            return
        self._journal = None  # the undo's own writes record nothing
        try:
            self._undo(current.run)
        finally:
            journal.RUNNING.discard(current.run)

    def undo_abandoned_import(self) -> str | None:
        holder = self._holder()
        if holder is None:
            return None
        now_ms = int(self._read(queries.JOURNAL_NOW, {})[0][0])
        if not holder.abandoned(now_ms=now_ms, running_here=frozenset(journal.RUNNING)):
            return None
        self._undo(holder.run)
        return holder.run

    def _holder(self) -> journal.Holder | None:
        rows = self._read(queries.JOURNAL_READ_HEAD, {"head": journal.HEAD_ID})
        return journal.holder(rows[0]) if rows else None

    def _refuse_while_importing(self) -> None:
        """Undo an abandoned import; refuse while a live one writes."""
        self.undo_abandoned_import()
        holder = self._holder()
        if holder is not None:
            raise _in_progress(holder)

    def _undo(self, run: str) -> None:
        """Undo ``run``'s records newest first, each deleted once undone, then its head;
        nothing if ``run`` does not hold the journal (it ended, or never began)."""
        holder = self._holder()
        if holder is None or holder.run != run:
            return
        for record_id, _ in self._read(
            queries.JOURNAL_RECORDS, {"run": run, "head": journal.HEAD_ID}
        ):
            found = self._read(queries.JOURNAL_READ_RECORD, {"id": record_id})
            for query, params in journal.undo_steps(found[0][0]) if found else ():
                self._write(query, {**params, "meta_id": queries.META_ID})
            self._write(queries.JOURNAL_DELETE_RECORD, {"id": record_id})
        self._write(queries.JOURNAL_END, {"run": run})
        self.compact()

    def _clear_journalled(self) -> None:
        """Delete every node and relationship, each batch with a record of what it held:
        relationships first (per type and pair of labels), then nodes, so that an undo puts
        the nodes back before the relationships between them."""
        current = self._journal
        assert current is not None
        size = self.settings.batch_size
        for rel, spec in RELATIONSHIPS.items():
            for source in sorted(spec.sources):
                for target in sorted(spec.targets):
                    found = self._read(queries.all_relationships(rel, source, target), {})
                    self._write_batches(
                        queries.journalled(queries.delete_relationships(rel, source, target)),
                        (
                            _removed_relationships(current, rel, source, target, batch)
                            for batch in chunks(found, size)
                        ),
                    )
        for label in _CLEARED_LABELS:
            nodes = self._read(queries.all_nodes(label), {})
            self._write_batches(
                queries.journalled(queries.delete_nodes(label)),
                (
                    {"ids": [node_id for node_id, _ in batch], "meta_id": queries.META_ID}
                    | current.deleted(label, [(node_id, props) for node_id, props in batch])
                    for batch in chunks(nodes, size)
                ),
            )


def _removed_relationships(
    current: journal.Journal,
    rel: RelType,
    source: NodeLabel,
    target: NodeLabel,
    batch: Sequence[Sequence[Any]],
) -> dict[str, Any]:
    pairs = [{"source": a, "target": b} for a, b, _ in batch]
    before = [((a, b), props) for a, b, props in batch]
    return {"pairs": pairs, "meta_id": queries.META_ID} | current.relationships(
        rel, source, target, before
    )


def _in_progress(holder: journal.Holder) -> ImportInProgressError:
    return ImportInProgressError(
        f"Er loopt al een import (op {holder.host}, proces {holder.pid}). "
        "Wacht tot die klaar is en probeer het dan opnieuw.",
        f"An import is running (on {holder.host}, process {holder.pid}). "
        "Wait until it has finished, then try again.",
    )
