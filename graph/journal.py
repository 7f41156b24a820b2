"""The import journal: an import is all or nothing, on both databases.

An import writes a city in many statements: FalkorDB has no transaction over several
statements, and one Neo4j transaction for a whole city exceeds its transaction memory. A
failure between two statements (a database error, a crash, a kill) would leave part of the
import in the store. The journal, kept in the database itself, makes the import atomic still:

1. Before its first write an import takes the journal's **head**: one node with a fixed id,
   so that a second import cannot take it at the same time (the id is unique on both
   databases). The head says which run holds it, on which machine and in which process.
2. Every write statement of the import records, **in the same statement**, what it
   overwrites: for each node or relationship it writes, the properties it had or that it was
   not there; for each relationship it removes, its properties. A statement is atomic on both
   databases, so the record and the write land together or not at all.
3. When everything is written, one statement deletes the journal: from then on the store is
   the new one. Before that, it is the old one as soon as the journal is undone.

**Undo** replays the records newest first: a node or relationship that was not there is
removed, one that was is given back exactly the properties it had (removed relationships
come back). Each record is deleted once it is undone, and undoing one again changes nothing,
so an undo that is itself interrupted is finished by the next. An import that fails undoes
itself at once; one that could not (its process was killed, the database went away) is undone
by the next import before that one reads anything.

An import holding the head is **unfinished** when its process is gone: on this machine,
when no process with its id runs (or it is this process, which runs no import of that id);
on another machine, when its last record is older than :data:`ABANDONED_AFTER` seconds.
A live import holding the head makes another import wait for it to end, or refuse.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graph.model import NodeLabel, RelType, SystemLabel
from graph.queries import VERSION_BUMP, Query, fill
from graph.store import as_label

#: The head's id: one per store, so that two imports cannot hold it together.
HEAD_ID = "head"
#: Seconds without a record after which an import on another machine counts as abandoned.
ABANDONED_AFTER = 600

_JOURNAL = SystemLabel.JOURNAL
#: The run ids of the imports this process is writing (a process's own abandoned import is
#: one of its id that is not among them).
RUNNING: set[str] = set()

#: Take the head for ``$run`` unless another run holds it; returns the run that holds it.
TAKE_HEAD = Query(
    "journal_take_head",
    fill(
        "MERGE (h:<journal> {id: $head})\n"
        "ON CREATE SET h.run = $run, h.host = $host, h.pid = $pid, h.at = timestamp()\n"
        "RETURN h.run, h.host, h.pid, h.at",
        journal=_JOURNAL,
    ),
)
#: The head and the time of the newest record: who holds the journal and since when it wrote.
READ_HEAD = Query(
    "journal_read_head",
    fill(
        "MATCH (h:<journal> {id: $head})\n"
        "MATCH (r:<journal> {run: h.run})\n"
        "RETURN h.run, h.host, h.pid, max(r.at)",
        journal=_JOURNAL,
    ),
)
#: The database's clock, by which the records' times are.
NOW = Query("journal_now", "RETURN timestamp()")
#: The records of ``$run``, newest first (ids only: each record is read as it is undone).
RECORDS = Query(
    "journal_records",
    fill(
        "MATCH (r:<journal> {run: $run}) WHERE r.id <> $head\n"
        "RETURN r.id, r.seq ORDER BY r.seq DESC",
        journal=_JOURNAL,
    ),
)
READ_RECORD = Query(
    "journal_read_record",
    fill("MATCH (r:<journal> {id: $id}) RETURN r.undo", journal=_JOURNAL),
)
DELETE_RECORD = Query(
    "journal_delete_record",
    fill("MATCH (r:<journal> {id: $id}) DELETE r RETURN count(*)", journal=_JOURNAL),
)
#: The end of an import: its records and the head go in one statement.
END = Query(
    "journal_end",
    fill(
        "MATCH (r:<journal> {run: $run}) DELETE r RETURN count(*)",
        journal=_JOURNAL,
    ),
)
_RECORD_PREFIX = fill(
    "CREATE (:<journal> {id: $journal_id, run: $journal_run, seq: $journal_seq, "
    "undo: $journal_undo, at: timestamp()})\n"
    "WITH count(*) AS journalled\n",
    journal=_JOURNAL,
)


def journalled(query: Query) -> Query:
    """``query`` with the journal's record of what it overwrites created in the same
    statement (parameters from :meth:`Journal.record`)."""
    return Query(query.name + "+journal", _RECORD_PREFIX + query.text)


@cache
def _remove_nodes(label: NodeLabel | SystemLabel) -> Query:
    return Query(
        f"journal_remove_nodes[{label}]",
        fill(
            "UNWIND $ids AS id\nMATCH (n:<label> {id: id})\nDETACH DELETE n" + VERSION_BUMP,
            label=label,
        ),
    )


@cache
def _restore_nodes(label: NodeLabel | SystemLabel) -> Query:
    return Query(
        f"journal_restore_nodes[{label}]",
        fill(
            "UNWIND $rows AS row\nMATCH (n:<label> {id: row.id})\nSET n = row.props" + VERSION_BUMP,
            label=label,
        ),
    )


@cache
def _remove_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    return Query(
        f"journal_remove_relationships[{source}-{rel}->{target}]",
        fill(
            "UNWIND $pairs AS pair\n"
            "MATCH (a:<source> {id: pair.source})-[r:<rel>]->(b:<target> {id: pair.target})\n"
            "DELETE r" + VERSION_BUMP,
            rel=rel,
            source=source,
            target=target,
        ),
    )


@cache
def _restore_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    return Query(
        f"journal_restore_relationships[{source}-{rel}->{target}]",
        fill(
            "UNWIND $rows AS row\n"
            "MATCH (a:<source> {id: row.source})\n"
            "MATCH (b:<target> {id: row.target})\n"
            "MERGE (a)-[r:<rel>]->(b)\n"
            "SET r = row.props" + VERSION_BUMP,
            rel=rel,
            source=source,
            target=target,
        ),
    )


@dataclass
class Journal:
    """The journal of one import while it writes: numbers its records."""

    run: str
    seq: int = 0
    host: str = field(default_factory=socket.gethostname)
    pid: int = field(default_factory=os.getpid)

    def take(self) -> dict[str, Any]:
        """The parameters of :data:`TAKE_HEAD` for this run."""
        return {"head": HEAD_ID, "run": self.run, "host": self.host, "pid": self.pid}

    def nodes(
        self,
        label: NodeLabel | SystemLabel,
        before: Sequence[tuple[str, Mapping[str, Any] | None]],
    ) -> dict[str, Any]:
        """The parameters that record what the nodes ``before`` held (None: not there)."""
        return self._record({"nodes": label.value, "before": [list(b) for b in before]})

    def relationships(
        self,
        rel: RelType,
        source: NodeLabel,
        target: NodeLabel,
        before: Sequence[tuple[tuple[str, str], Mapping[str, Any] | None]],
    ) -> dict[str, Any]:
        """The parameters that record what the relationships ``before`` held (None: not
        there; a removed relationship held its properties)."""
        return self._record(
            {
                "relationships": rel.value,
                "source": source.value,
                "target": target.value,
                "before": [[s, t, props] for (s, t), props in before],
            }
        )

    def _record(self, undo: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        return {
            "journal_id": f"{self.run}/{self.seq:09d}",
            "journal_run": self.run,
            "journal_seq": self.seq,
            "journal_undo": json.dumps(undo, ensure_ascii=False, separators=(",", ":")),
        }


@dataclass(frozen=True)
class Holder:
    """The import that holds the journal's head."""

    run: str
    host: str
    pid: int
    #: milliseconds since the epoch, by the database's clock, of its newest record
    last_written: int

    def abandoned(self, *, now_ms: int, running_here: frozenset[str]) -> bool:
        """Whether its process is gone (see the module's description)."""
        if self.host != socket.gethostname():
            return now_ms - self.last_written > ABANDONED_AFTER * 1000
        if self.pid == os.getpid():
            return self.run not in running_here
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False  # a process of another user has that id: it runs
        return False


def holder(row: Sequence[Any]) -> Holder:
    run, host, pid, last = row
    return Holder(str(run), str(host), int(pid), int(last))


def undo_steps(undo_json: str) -> Iterator[tuple[Query, dict[str, Any]]]:
    """The statements that undo one record, in order."""
    undo = json.loads(undo_json)
    if "nodes" in undo:
        label = as_label(undo["nodes"])
        created = [node_id for node_id, props in undo["before"] if props is None]
        restored = [{"id": i, "props": props} for i, props in undo["before"] if props is not None]
        if restored:
            yield _restore_nodes(label), {"rows": restored}
        if created:
            yield _remove_nodes(label), {"ids": created}
        return
    rel, source, target = (
        RelType(undo["relationships"]),
        NodeLabel(undo["source"]),
        NodeLabel(undo["target"]),
    )
    created_pairs = [{"source": s, "target": t} for s, t, props in undo["before"] if props is None]
    restored_rels = [
        {"source": s, "target": t, "props": props}
        for s, t, props in undo["before"]
        if props is not None
    ]
    if created_pairs:
        yield _remove_relationships(rel, source, target), {"pairs": created_pairs}
    if restored_rels:
        yield _restore_relationships(rel, source, target), {"rows": restored_rels}
