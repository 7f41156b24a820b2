"""Many writers, one audit log: concurrent appends share one fsync.

A server answers many requests at once, and each must return only once its audit line is on
disk. Whoever finds no write under way writes every line waiting by then (one lock, one
fsync, :meth:`api.access.audit.AuditLog.append_all`); the others wait for theirs. Threads call
:meth:`GroupCommit.append`, coroutine routes await :meth:`GroupCommit.append_async`.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from api.access.audit import AuditEvent, AuditLog, AuditRecord


class GroupCommit:
    """An audit log for many threads at once: whoever finds no write under way writes every
    event waiting (one fsync for all), the others wait for theirs. Each caller still returns
    only once its own line is on disk; under load a server's requests share fsyncs instead
    of queueing for one each."""

    def __init__(self, log: AuditLog) -> None:
        self.log = log
        self.path = log.path
        self._lock = threading.Lock()
        self._pending: list[tuple[AuditEvent, Future[AuditRecord]]] = []
        self._writing = False

    def append(self, event: AuditEvent) -> AuditRecord:
        mine: Future[AuditRecord] = Future()
        if self._enqueue(event, mine):
            self._drain()
        return mine.result()

    async def append_async(self, event: AuditEvent) -> AuditRecord:
        """:meth:`append` for a coroutine: the event loop goes on serving while the line is
        written (by a pool thread, for every line waiting by then) and synced."""
        mine: Future[AuditRecord] = Future()
        if self._enqueue(event, mine):
            asyncio.get_running_loop().run_in_executor(None, self._drain)
        return await asyncio.wrap_future(mine)

    def _enqueue(self, event: AuditEvent, mine: Future[AuditRecord]) -> bool:
        """Queue the event; True if no write is under way, so the caller must write."""
        with self._lock:
            self._pending.append((event, mine))
            lead = not self._writing
            self._writing = True
        return lead

    def _drain(self) -> None:
        """Write what is waiting, batch after batch, until nothing is."""
        while True:
            with self._lock:
                batch, self._pending = self._pending, []
                if not batch:
                    self._writing = False
                    return
            try:
                records = self.log.append_all([event for event, _ in batch])
            except BaseException as exc:  # every waiter learns its line was not written
                for _, waiting in batch:
                    waiting.set_exception(exc)
                continue
            for (_, waiting), written in zip(batch, records, strict=True):
                waiting.set_result(written)
