"""``VersionReads``: requests on a server's event loop share version reads, and never one that
began before they arrived (so a write that finished before a request is always seen)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest

from api.web.deps import VersionReads


class StoredVersion:
    """A version as the store holds it; a read can be held open to let requests pile up."""

    def __init__(self) -> None:
        self.value = 1
        self.reads: list[int] = []
        self.release = threading.Event()
        self.release.set()
        self.failing = False

    def read(self) -> int:
        seen = self.value  # what the database answers is fixed when the read begins
        self.reads.append(seen)
        self.release.wait(timeout=30)
        if self.failing:
            raise RuntimeError("the database is gone")
        return seen


async def _until(condition: Callable[[], bool], seconds: float = 10) -> None:
    for _ in range(int(seconds * 100)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not hold in time")


def test_requests_arriving_during_a_read_share_the_next_one_and_see_a_write_before_them() -> None:
    async def scenario() -> None:
        stored = StoredVersion()
        versions = VersionReads(stored.read)
        stored.release.clear()
        first = asyncio.ensure_future(versions.current())
        await _until(lambda: len(stored.reads) == 1)
        stored.value = 2  # a write lands while the first read is under way
        later = [asyncio.ensure_future(versions.current()) for _ in range(20)]
        await asyncio.sleep(0.05)
        assert len(stored.reads) == 1, "nobody starts a read while one runs"
        stored.release.set()
        assert await first == 1
        assert await asyncio.gather(*later) == [2] * 20, "they arrived after the write"
        assert stored.reads == [1, 2], "twenty requests, one read"

    asyncio.run(scenario())


def test_a_quiet_server_reads_afresh_for_each_request() -> None:
    async def scenario() -> None:
        stored = StoredVersion()
        versions = VersionReads(stored.read)
        assert await versions.current() == 1
        stored.value = 5
        assert await versions.current() == 5
        assert stored.reads == [1, 5]

    asyncio.run(scenario())


def test_a_failed_read_fails_its_waiters_and_the_next_read_is_tried_again() -> None:
    async def scenario() -> None:
        stored = StoredVersion()
        versions = VersionReads(stored.read)
        stored.failing = True
        waiting = [asyncio.ensure_future(versions.current()) for _ in range(3)]
        for outcome in await asyncio.gather(*waiting, return_exceptions=True):
            assert isinstance(outcome, RuntimeError)
        stored.failing = False
        assert await versions.current() == 1

    asyncio.run(scenario())


def test_a_request_that_gives_up_leaves_the_read_to_the_others() -> None:
    async def scenario() -> None:
        stored = StoredVersion()
        versions = VersionReads(stored.read)
        stored.release.clear()
        impatient = asyncio.ensure_future(versions.current())
        patient = asyncio.ensure_future(versions.current())
        await _until(lambda: len(stored.reads) == 1)
        impatient.cancel()
        with pytest.raises(asyncio.CancelledError):
            await impatient
        stored.release.set()
        assert await patient == 1

    asyncio.run(scenario())
