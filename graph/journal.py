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

An import holding the head is **abandoned** when its last record is older than
:data:`ABANDONED_AFTER` seconds (a lease, whatever machine it runs on), or, on this machine,
at once when its process is gone: no process with its id, or one that started at another time
(the id was used again), or this process, which runs no import of that id. "This machine" is
the host name, the kernel's boot and the process-id namespace together, so that containers
sharing a host name never judge each other's processes. While a live import holds the head,
another import, an erasure and a clear of the store are refused.

A change made in the pages keeps its records after its import has ended, for its author to
undo (:mod:`graph.changes`): the undo puts them back into the journal, as one record of a run
of its own (:meth:`Journal.kept`), and undoes that run.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph import queries
from graph.model import NodeLabel, RelType, SystemLabel
from graph.queries import Query
from graph.store import as_label

#: The head's id: one per store, so that two imports cannot hold it together.
HEAD_ID = "head"
#: Seconds without a record after which an import on another machine counts as abandoned.
ABANDONED_AFTER = 600

#: The run ids of the imports this process is writing (a process's own abandoned import is
#: one of its id that is not among them).
RUNNING: set[str] = set()


@dataclass
class Journal:
    """The journal of one import while it writes: numbers its records."""

    run: str
    seq: int = 0

    def take(self) -> dict[str, Any]:
        """The parameters of :data:`TAKE_HEAD` for this run."""
        pid = os.getpid()
        return {
            "head": HEAD_ID, "run": self.run, "host": socket.gethostname(),
            "machine": machine(), "pid": pid, "started": process_started(pid),
        }  # fmt: skip

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

    def deleted(
        self, label: NodeLabel | SystemLabel, before: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> dict[str, Any]:
        """The parameters that record the nodes ``before`` a clear deletes, to be made
        again by an undo."""
        return self._record({"deleted": label.value, "before": [list(b) for b in before]})

    def kept(self, records: Sequence[str]) -> dict[str, Any]:
        """The parameters that record a kept change's records (:mod:`graph.changes`, oldest
        first) as one record of this run, so that undoing the run undoes the change."""
        return self._record({"records": [json.loads(record) for record in records]})

    def _record(self, undo: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        return {
            "journal_id": f"{self.run}/{self.seq:09d}",
            "journal_run": self.run,
            "journal_seq": self.seq,
            "journal_undo": json.dumps(undo, ensure_ascii=False, separators=(",", ":")),
        }


def machine() -> str:
    """This machine as the journal tells machines apart: host name, the kernel's boot and
    the process-id namespace (where the system says; empty where it does not)."""
    parts = [socket.gethostname()]
    try:
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
    except OSError:
        parts.append("")
    try:
        parts.append(os.readlink("/proc/self/ns/pid"))
    except OSError:
        parts.append("")
    return "|".join(parts)


def process_started(pid: int) -> int:
    """When process ``pid`` started, in clock ticks since boot (Linux); -1 where unknown or
    gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            # the name in brackets may hold spaces: the fields after it are fixed
            return int(handle.read().rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return -1


@dataclass(frozen=True)
class Holder:
    """The import that holds the journal's head."""

    run: str
    host: str
    machine: str
    pid: int
    #: when its process started (:func:`process_started`), -1 where unknown
    started: int
    #: milliseconds since the epoch, by the database's clock, of its newest record
    last_written: int

    def abandoned(self, *, now_ms: int, running_here: frozenset[str]) -> bool:
        """Whether its import is over without having ended (see the module's description)."""
        if now_ms - self.last_written > ABANDONED_AFTER * 1000:
            return True
        if self.machine != machine():
            return False
        if self.pid == os.getpid():
            return self.run not in running_here
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # a process of another user has that id: whether it is ours, its start says
        started = process_started(self.pid)
        return started != -1 and self.started != -1 and started != self.started


def holder(row: Sequence[Any]) -> Holder:
    run, host, where, pid, started, last = row
    known = -1 if started is None else int(started)
    return Holder(str(run), str(host), str(where or ""), int(pid), known, int(last))


def undo_steps(undo_json: str) -> Iterator[tuple[Query, dict[str, Any]]]:
    """The statements that undo one record, in order."""
    undo = json.loads(undo_json)
    if "records" in undo:  # a kept change's records (Journal.kept), undone newest first
        for record in reversed(undo["records"]):
            yield from undo_steps(json.dumps(record))
        return
    if "deleted" in undo:
        rows = [{"id": node_id, "props": props} for node_id, props in undo["before"]]
        made_again = queries.journal_restore_nodes(as_label(undo["deleted"]), recreate=True)
        yield made_again, {"rows": rows}
        return
    if "nodes" in undo:
        label = as_label(undo["nodes"])
        created = [node_id for node_id, props in undo["before"] if props is None]
        restored = [{"id": i, "props": props} for i, props in undo["before"] if props is not None]
        if restored:
            yield queries.journal_restore_nodes(label), {"rows": restored}
        if created:
            yield queries.delete_nodes(label), {"ids": created}
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
        yield queries.delete_relationships(rel, source, target), {"pairs": created_pairs}
    if restored_rels:
        yield queries.journal_restore_relationships(rel, source, target), {"rows": restored_rels}
