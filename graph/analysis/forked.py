"""Work started in a forked child while this process goes on: a second core for a city.

A city's bridges question runs two long, independent computations in igraph: betweenness
and community detection (at a million residents 14 s and 12 s on one core each). igraph holds
Python's lock while it computes, so threads would take turns; a child forked from this process
already has the graph in its memory (shared, copied only where written) and works on the other
core. It sends back its result pickled through a pipe.

Forking is safe only when this process runs one thread (a lock held by another thread at the
fork would stay held in the child forever), so with more threads — the HTTP server's — or one
core, or no ``fork`` on the platform, the work simply runs when its result is asked for. Either
way the result is the same; only the time differs.

>>> with in_background(lambda: sum(range(10)), wanted=True) as later:
...     later.result()
45
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether work can go to a forked child here: fork exists, one thread, a second core."""
    return hasattr(os, "fork") and threading.active_count() == 1 and cores() > 1


class Background(Generic[T]):
    """Work running in a forked child, or waiting to run here; see :func:`in_background`."""

    def __init__(self, work: Callable[[], T], pid: int | None, reading: int | None) -> None:
        self._work = work
        self._pid = pid
        self._reading = reading

    def result(self) -> T:
        """The work's result (or what it raised), waiting for the child if there is one."""
        if self._pid is None or self._reading is None:
            return self._work()
        with os.fdopen(self._reading, "rb") as pipe:
            self._reading = None
            try:
                ok, value = pickle.load(pipe)
            except EOFError:
                ok, value = False, RuntimeError("the background computation ended without result")
        os.waitpid(self._pid, 0)
        self._pid = None
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop a child whose result is no longer wanted (a no-op once it was read)."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._reading is not None:
            os.close(self._reading)
            self._reading = None

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()


def in_background(work: Callable[[], T], *, wanted: bool) -> Background[T]:
    """Start ``work`` in a forked child if ``wanted`` and :func:`can_fork`, else keep it to run
    when :meth:`Background.result` is asked for. Use it as a context manager, so that a child
    whose result is never asked for (an error in between) is stopped."""
    if not (wanted and can_fork()):
        return Background(work, None, None)
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send the outcome, leave without running any cleanup
        os.close(reading)
        status = 0
        try:
            try:
                outcome: tuple[bool, object] = (True, work())
            except BaseException as error:
                outcome = (False, error)
            with os.fdopen(writing, "wb") as pipe:
                pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(writing)
    return Background(work, pid, reading)
