"""Imports are all or nothing, whatever fails, on both databases (issue 17).

A neighbourhood is imported (the old store); then a second import changes it in every way an
import can: nodes created and updated, ties created and updated, a buurt and a theme replaced
(the old relationship ended, kept as history). That second import is made to fail at each of
its write statements in turn — a database error before the statement is sent, a database error after
it, a ``kill -9`` of its process — and each time the store is, after the failure, the old
store, or after the next import the new one: never anything in between. The dumps compared
are the portable dumps of :mod:`importers.dump`, without the import-run records (their times
differ).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from graph import journal
from graph.backends import open_store
from graph.cypher_store import CypherStore
from graph.errors import ImportInProgressError
from graph.model import NodeLabel, SystemLabel
from graph.settings import Settings
from graph.store import GraphStore
from importers.dump import export_dump, restore_dump
from importers.load import ImportOptions, run_import
from importers.synthetic import SAMPLE_DIR
from tests.importers.faults import Faults, InjectedFault

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-key-for-the-atomic-import-tests-only"
#: small batches, so that each kind of write takes several statements
BATCH = 8


def _rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(directory: Path, name: str, rows: list[dict[str, str]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _neighbourhood(directory: Path, *, changed: bool) -> list[Path]:
    """The sample's first 40 residents; ``changed``: a later export of the same
    neighbourhood, with ten residents gone from it, ten new, five moved to another buurt,
    five a year older, five ties stronger and one initiative with other themes."""
    ids = [f"B{n:03d}" for n in (range(1, 31) if changed else range(1, 41))]
    if changed:
        ids += [f"B{n:03d}" for n in range(41, 51)]
    people = [row for row in _rows("bewoners.csv") if row["bron_id"] in ids]
    ties = [r for r in _rows("contacten.csv") if r["bewoner"] in ids and r["andere_bewoner"] in ids]
    initiatives = _rows("initiatieven.csv")
    if changed:
        for row in people[:5]:
            row["buurt"] = "BU99990103" if row["buurt"] != "BU99990103" else "BU99990101"
        for row in people[5:10]:
            row["leeftijd"] = "67-79" if row["leeftijd"] != "67-79" else "45-66"
        for row in ties[:5]:
            row["sterkte"] = "3" if row["sterkte"] != "3" else "1"
        initiatives[1]["themas"] = "sport"
    joined = [row for row in _rows("deelname.csv") if row["bewoner"] in ids]
    return [
        _write(directory, "buurten.csv", _rows("buurten.csv")),
        _write(directory, "bewoners.csv", people),
        _write(directory, "contacten.csv", ties),
        _write(directory, "initiatieven.csv", initiatives),
        _write(directory, "deelname.csv", joined),
    ]


def _dump(store: GraphStore, path: Path) -> list[str]:
    export_dump(store, path)
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return sorted(line for line in lines if SystemLabel.IMPORT_RUN.value not in line)


def _journal_left(store: GraphStore) -> int:
    return len(store.nodes(SystemLabel.JOURNAL))


@pytest.fixture
def atomic_settings(store_settings: Settings) -> Settings:
    return store_settings.model_copy(update={"batch_size": BATCH, "secret_key": SecretStr(SECRET)})


@pytest.fixture
def states(
    atomic_settings: Settings, tmp_path: Path
) -> tuple[list[Path], list[Path], list[str], list[str]]:
    """The two imports, and the dumps of the store after the first and after both."""
    old = _neighbourhood(tmp_path / "old", changed=False)
    new = _neighbourhood(tmp_path / "new", changed=True)
    with open_store(atomic_settings) as store:
        store.clear()
        run_import(store, atomic_settings, old, ImportOptions())
        before = _dump(store, tmp_path / "before.jsonl")
        report = run_import(store, atomic_settings, new, ImportOptions())
        after = _dump(store, tmp_path / "after.jsonl")
        assert report.written and report.errors == []
        # the second import does each kind of write, so each kind is failed below
        totals = report.totals()
        assert totals.created and totals.updated and totals.ended, report.as_json()
        assert before != after
    return old, new, before, after


@pytest.mark.slow
@pytest.mark.parametrize("when", ["before", "after"])
def test_a_database_error_at_any_statement_leaves_the_old_store(
    atomic_settings: Settings, states: tuple[list[Path], list[Path], list[str], list[str]],
    tmp_path: Path, when: str,
) -> None:  # fmt: skip
    old, new, before, after = states
    outcomes: list[str] = []
    with open_store(atomic_settings) as store:
        assert isinstance(store, CypherStore)
        store.clear()
        run_import(store, atomic_settings, old, ImportOptions())
        assert _dump(store, tmp_path / "old.jsonl") == before
        for at in range(1, 500):
            faults = Faults(store, at, "before" if when == "before" else "after")
            raised = False
            try:
                run_import(store, atomic_settings, new, ImportOptions())
            except InjectedFault:
                raised = True
            finally:
                faults.remove()
            assert raised == faults.fired, "a fault fails the import, and only a fault does"
            if not faults.fired:
                break  # the import sent fewer statements: every one has failed once
            now = _dump(store, tmp_path / f"{at}.jsonl")
            assert now in (before, after), f"in between after a fault {when} statement {at}"
            assert _journal_left(store) == 0
            outcomes.append("old" if now == before else "new")
            if now == after:  # the fault came after the import ended: set the old one back
                store.clear()
                run_import(store, atomic_settings, old, ImportOptions())
        assert len(outcomes) > 10, "the import should take many statements"
        # only a fault after the journal's end leaves the new store; every other, the old
        assert outcomes.count("new") == (1 if when == "after" else 0), outcomes
        run_import(store, atomic_settings, new, ImportOptions())
        assert _dump(store, tmp_path / "rerun.jsonl") == after
        store.clear()


def _killed(
    settings: Settings,
    at: int,
    files: list[Path],
    when: str = "after",
    options: dict[str, Any] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``files`` imported in a process of its own (with ``options``, ``ImportOptions``' keyword
    arguments) that is killed at statement ``at`` (:mod:`tests.importers.faults`)."""
    overrides: dict[str, Any] = {
        "db": settings.db,
        "graph_name": settings.graph_name,
        "neo4j_password": settings.neo4j_password.get_secret_value(),
        "secret_key": SECRET,
        "batch_size": BATCH,
        "embedded_idle": settings.embedded_idle,
        "import_options": options or {},
    }
    command = [sys.executable, "-m", "tests.importers.faults", json.dumps(overrides)]
    command += [str(at), when, *map(str, files)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIJKGRAAF_")}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_an_import_killed_at_any_statement_is_undone_by_the_next(
    atomic_settings: Settings, states: tuple[list[Path], list[Path], list[str], list[str]],
    tmp_path: Path,
) -> None:  # fmt: skip
    """``kill -9`` right after each statement is sent: the next run finds the journal of a
    process that is gone and undoes it (the old store); a rerun of the import then gives the
    new store exactly."""
    old, new, before, after = states
    with open_store(atomic_settings) as store:
        store.clear()
        run_import(store, atomic_settings, old, ImportOptions())
        killed = 0
        for at in range(1, 500):
            result = _killed(atomic_settings, at, new)
            if result.returncode == 3:
                break  # the import finished before statement ``at``
            assert result.returncode == -9, result.stderr
            killed += 1
            undone = store.undo_abandoned_import()
            now = _dump(store, tmp_path / f"{at}.jsonl")
            assert now in (before, after), f"in between after a kill at statement {at}"
            assert _journal_left(store) == 0
            if now == after:  # killed after the journal's end: nothing to undo
                assert undone is None
                store.clear()
                run_import(store, atomic_settings, old, ImportOptions())
            else:
                assert undone is not None, f"killed after statement {at}: nothing undone"
        assert killed > 10
        # a kill, then the import itself run again: it undoes and then writes, as new
        store.clear()
        run_import(store, atomic_settings, old, ImportOptions())
        assert _killed(atomic_settings, killed // 2, new).returncode == -9
        report = run_import(store, atomic_settings, new, ImportOptions())
        assert report.undone is not None and report.written
        assert _dump(store, tmp_path / "rerun.jsonl") == after
        store.clear()


def test_an_import_that_runs_keeps_the_journal_from_a_second(
    atomic_settings: Settings, tmp_path: Path
) -> None:
    """While one import writes, another cannot begin: its head is held by a live process."""
    files = _neighbourhood(tmp_path / "old", changed=False)
    with open_store(atomic_settings) as store, open_store(atomic_settings) as other:
        store.clear()
        store.begin_import("first")
        try:
            assert other.undo_abandoned_import() is None  # this process runs "first"
            with pytest.raises(ImportInProgressError) as refused:
                run_import(other, atomic_settings, files, ImportOptions())
            assert "Er loopt al een import" in refused.value.nl
        finally:
            store.undo_import()
        assert run_import(other, atomic_settings, files, ImportOptions()).written
        assert _journal_left(store) == 0
        store.clear()


@pytest.mark.slow
def test_a_restore_that_fails_at_any_statement_leaves_the_old_store(
    atomic_settings: Settings, states: tuple[list[Path], list[Path], list[str], list[str]],
    tmp_path: Path,
) -> None:  # fmt: skip
    """``wijkgraaf restore`` writes through the same journal as an import."""
    old, new, before, _ = states
    with open_store(atomic_settings) as store:
        assert isinstance(store, CypherStore)
        store.clear()
        run_import(store, atomic_settings, new, ImportOptions())
        export_dump(store, tmp_path / "new.jsonl")  # tombstones and import runs included
        store.clear()
        run_import(store, atomic_settings, old, ImportOptions())
        failed = 0
        for at in range(1, 500):
            faults = Faults(store, at, "before")
            try:
                restore_dump(store, tmp_path / "new.jsonl")
            except InjectedFault:
                failed += 1
            finally:
                faults.remove()
            if not faults.fired:
                break
            assert _dump(store, tmp_path / f"{at}.jsonl") == before, f"statement {at}"
            assert _journal_left(store) == 0
        assert failed > 10
        restored = _dump(store, tmp_path / "restored.jsonl")
        store.clear()
        run_import(store, atomic_settings, old, ImportOptions())
        restore_dump(store, tmp_path / "new.jsonl")
        assert _dump(store, tmp_path / "clean.jsonl") == restored != before
        store.clear()


@pytest.mark.slow
def test_a_restore_that_replaces_everything_and_fails_puts_the_old_store_back(
    atomic_settings: Settings, states: tuple[list[Path], list[Path], list[str], list[str]],
    tmp_path: Path,
) -> None:  # fmt: skip
    """``restore --replace`` clears inside the journal: a failure while clearing or after
    leaves the store as it was, not empty."""
    old, new, before, _ = states
    with open_store(atomic_settings) as store:
        assert isinstance(store, CypherStore)
        store.clear()
        run_import(store, atomic_settings, new, ImportOptions())
        export_dump(store, tmp_path / "new.jsonl")
        replaced = _dump(store, tmp_path / "replaced.jsonl")
        store.clear()
        run_import(store, atomic_settings, old, ImportOptions())
        failed = 0
        for at in range(1, 1000, 3):  # every third statement: clearing takes many
            faults = Faults(store, at, "before")
            try:
                restore_dump(store, tmp_path / "new.jsonl", replace=True)
            except InjectedFault:
                failed += 1
            finally:
                faults.remove()
            if not faults.fired:
                break
            assert _dump(store, tmp_path / f"{at}.jsonl") == before, f"statement {at}"
            assert _journal_left(store) == 0
        assert failed > 10
        assert _dump(store, tmp_path / "restored.jsonl") == replaced
        store.clear()


@pytest.mark.slow
def test_an_undo_cut_off_is_finished_by_the_next(
    atomic_settings: Settings, states: tuple[list[Path], list[Path], list[str], list[str]],
    tmp_path: Path,
) -> None:  # fmt: skip
    """An import fails, and its process is killed while it undoes itself: the next run
    finishes the undo, and the store is the old one."""
    old, new, before, _ = states
    with open_store(atomic_settings) as store:
        store.clear()
        run_import(store, atomic_settings, old, ImportOptions())
        for into_undo in (1, 3, 6):
            result = _killed(atomic_settings, 15, new, when=f"undo+{into_undo}")
            assert result.returncode == -9, result.stderr
            assert _journal_left(store) > 0, "the undo was cut off"
            assert store.undo_abandoned_import() is not None
            assert _dump(store, tmp_path / f"{into_undo}.jsonl") == before
            assert _journal_left(store) == 0
        store.clear()


def test_an_erasure_waits_for_an_import_and_undoes_an_abandoned_one(
    atomic_settings: Settings, tmp_path: Path
) -> None:
    """A journal's records keep what an import overwrote, a person's name included: an
    erasure is refused while an import writes, and undoes an abandoned one first, so no
    record of the person is left."""
    files = _neighbourhood(tmp_path / "old", changed=False)
    with open_store(atomic_settings) as store, open_store(atomic_settings) as other:
        assert isinstance(other, CypherStore)
        store.clear()
        run_import(store, atomic_settings, files, ImportOptions(keep_names=True))
        resident = store.nodes(NodeLabel.RESIDENT)[0]
        name = resident.properties["display_name"]
        other.begin_import("writing")
        other.upsert_nodes(NodeLabel.RESIDENT, [{"id": resident.id, "display_name": "Ander"}])
        with pytest.raises(ImportInProgressError):
            store.erase_node(NodeLabel.RESIDENT, resident.id, tombstone=True)
        assert store.get_node(NodeLabel.RESIDENT, resident.id).properties["display_name"] == (
            "Ander"
        )
        # the importing process goes without ending or undoing its import
        journal.RUNNING.discard("writing")
        other._journal = None
        records = [n.properties["undo"] for n in store.nodes(SystemLabel.JOURNAL) if n.id != "head"]
        assert any(name in record for record in records), "the record keeps the old name"
        store.erase_node(NodeLabel.RESIDENT, resident.id, tombstone=True)
        assert _journal_left(store) == 0
        assert store.tombstoned([resident.id]) == {resident.id}
        assert resident.id not in {n.id for n in store.nodes(NodeLabel.RESIDENT)}
        store.clear()


def _sleeper() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_an_import_counts_as_abandoned_by_its_lease_or_its_process() -> None:
    now = 10_000_000
    here, elsewhere = journal.machine(), "another|boot|pid:[1]"
    recent, stale = now - 1000, now - journal.ABANDONED_AFTER * 1000 - 1
    none: frozenset[str] = frozenset()

    def held(where: str, pid: int, started: int, last: int) -> journal.Holder:
        return journal.Holder("run", "host", where, pid, started, last)

    # another machine: only the lease tells
    assert not held(elsewhere, 1, 1, recent).abandoned(now_ms=now, running_here=none)
    assert held(elsewhere, 1, 1, stale).abandoned(now_ms=now, running_here=none)
    # this process: whether it runs that import
    me = os.getpid()
    mine = held(here, me, journal.process_started(me), recent)
    assert not mine.abandoned(now_ms=now, running_here=frozenset({"run"}))
    assert mine.abandoned(now_ms=now, running_here=none)
    # another process here: alive with the same start, gone, or its id used again
    process = _sleeper()
    try:
        started = journal.process_started(process.pid)
        assert started > 0
        assert not held(here, process.pid, started, recent).abandoned(now_ms=now, running_here=none)
        assert held(here, process.pid, started - 1, recent).abandoned(now_ms=now, running_here=none)
    finally:
        process.kill()
        process.wait()
    assert held(here, process.pid, started, recent).abandoned(now_ms=now, running_here=none)
