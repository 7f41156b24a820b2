"""Faults injected into a store's write statements, for the tests of atomic imports.

:class:`Faults` counts the write statements a store sends and makes one of them fail: a
database error raised before statement number ``at`` is sent, or after it (then the database
may have applied it, or, with the embedded database's pipelined batches, may still be
applying it), or the process killed there (``kill``), as ``kill -9`` would. The reads are
not touched: what the database answers is its own.

Run as a module it is the process of a killed import: ``python -m tests.importers.faults
SETTINGS_JSON AT WHEN FILE...`` imports the files (with the ``ImportOptions`` of the settings'
``import_options``, if any) with a kill at statement ``AT`` (``WHEN``
``before`` or ``after`` it), or with ``WHEN`` ``undo+J`` a database error at ``AT`` and a
kill ``J`` statements into the undo that follows.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from graph.cypher_store import CypherStore
from graph.errors import StoreError
from graph.queries import Query

When = Literal["before", "after"]


class InjectedFault(StoreError):
    """The database error a test injects."""

    def __init__(self, at: int, when: When) -> None:
        super().__init__(f"ingevoegde fout {when} {at}", f"injected fault {when} {at}")


class Faults:
    """Statement ``at`` of ``store`` fails ``when`` (once); ``kill`` kills the process."""

    def __init__(
        self,
        store: CypherStore,
        at: int,
        when: When,
        *,
        kill: bool = False,
        kill_at: int | None = None,
    ) -> None:
        """``kill_at``: besides the fault at ``at``, kill the process before statement
        ``kill_at`` (an undo that is itself cut off)."""
        self.store, self.at, self.when, self.kill, self.kill_at = store, at, when, kill, kill_at
        self.sent = 0  # write statements about to be sent, this one included
        self.fired = False
        write, write_batches = store._write, store._write_batches
        pipelined = type(store)._write_batches is not CypherStore._write_batches

        def counted_write(query: Query, params: Mapping[str, Any]) -> list[list[Any]]:
            self._before()
            rows = write(query, params)
            self._after()
            return rows

        def counted_batches(query: Query, batches: Iterable[Mapping[str, Any]]) -> None:
            def each() -> Iterator[Mapping[str, Any]]:
                for params in batches:
                    self._before()
                    yield params
                    self._after()  # the next batch is asked for: this one has been sent

            write_batches(query, each())

        store._write = counted_write  # type: ignore[method-assign]
        self._installed = ["_write"]
        if pipelined:  # the default sends each batch through _write, counted there
            store._write_batches = counted_batches  # type: ignore[method-assign]
            self._installed.append("_write_batches")

    def remove(self) -> None:
        """The store's own methods again."""
        for name in self._installed:
            delattr(self.store, name)

    def _before(self) -> None:
        self.sent += 1
        if self.sent == self.kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.when == "before":
            self._fire()

    def _after(self) -> None:
        if self.when == "after":
            self._fire()

    def _fire(self) -> None:
        if self.fired or self.sent != self.at:
            return
        self.fired = True
        if self.kill:
            os.kill(os.getpid(), signal.SIGKILL)
        raise InjectedFault(self.at, self.when)


def _killed_import(argv: list[str]) -> int:
    from graph.backends import open_store
    from graph.settings import load_settings
    from importers.load import ImportOptions, run_import

    overrides, at, when, *files = argv
    given = json.loads(overrides)
    options = ImportOptions(**given.pop("import_options", {}))
    settings = load_settings(**given)
    with open_store(settings) as store:
        assert isinstance(store, CypherStore)
        if when.startswith("undo+"):  # a database error at AT, then a kill in its undo
            kill_at = int(at) + int(when.removeprefix("undo+"))
            faults = Faults(store, int(at), "before", kill_at=kill_at)
        else:
            faults = Faults(store, int(at), "before" if when == "before" else "after", kill=True)
        run_import(store, settings, [Path(f) for f in files], options)
    assert not faults.fired
    return 3  # the import sent fewer statements than AT: it finished


if __name__ == "__main__":
    sys.exit(_killed_import(sys.argv[1:]))
