"""The embedded database's file kept compact, and nothing acknowledged lost at any stage.

Each stage of a compaction's life is interrupted with ``kill -9`` of the server — during an
import, during a compaction, right after one, and during the next start — and every time the
restarted database holds exactly what was acknowledged, compared as whole dumps.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.backends import open_store
from graph.embedded_server import EmbeddedServer
from graph.errors import StoreUnavailableError
from graph.model import NodeLabel, RelType, SystemLabel
from graph.settings import load_settings
from graph.store import GraphStore
from importers.dump import export_dump

R = NodeLabel.RESIDENT
ROOT = Path(__file__).parents[2]


def _open(path: Path, **overrides: object) -> GraphStore:
    return open_store(load_settings(db=f"embedded:{path}", embedded_idle=0, **overrides))


def _dump(store: GraphStore, path: Path) -> list[str]:
    """Every node and tie stored, as sorted dump lines (no header, no import-run records:
    those name when and which run, not what is stored)."""
    target = path / f"dump-{time.monotonic_ns()}.jsonl"
    export_dump(store, target)
    lines = target.read_text(encoding="utf-8").splitlines()[1:]
    target.unlink()
    runs = SystemLabel.IMPORT_RUN.value
    return sorted(line for line in lines if json.loads(line).get("node") != runs)


def _pid(path: Path) -> int:
    return int((path / "falkordb.pid").read_text())


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        cmdline = Path(f"/proc/{pid}/cmdline")
        if not cmdline.exists() or not cmdline.read_bytes():
            return
        time.sleep(0.02)
    raise AssertionError(f"server {pid} did not die")


def _bytes_in(folder: Path) -> int:
    """Bytes of the files in ``folder`` while a server may be rewriting it: a file that goes
    between listing and measuring (a rewrite's temporary manifest) counts nothing."""
    total = 0
    for file in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):
            total += file.stat().st_size
    return total


def _aof(path: Path) -> dict[str, int]:
    """Bytes of the snapshot base and of the incremental files."""
    sizes = {"base": 0, "incremental": 0}
    for file in (path / "falkordb" / "appendonlydir").iterdir():
        if ".base." in file.name:
            sizes["base"] += file.stat().st_size
        elif ".incr." in file.name:
            sizes["incremental"] += file.stat().st_size
    return sizes


def _write_residents(store: GraphStore, start: int, count: int, *, batch: int = 100) -> None:
    """``count`` residents from number ``start`` on, each tied to the one before it, in many
    small statements (so that, uncompacted, a start has much to replay)."""
    for first in range(start, start + count, batch):
        numbers = range(first, min(first + batch, start + count))
        store.upsert_nodes(
            R,
            [{"id": f"r{n}", "neighbourhood": "BU00000001", "age_band": "30-44"} for n in numbers],
        )
        ties = [{"source": f"r{n - 1}", "target": f"r{n}", "strength": 2} for n in numbers if n]
        if ties:
            store.upsert_relationships(RelType.KNOWS, ties, source_label=R, target_label=R)


@pytest.fixture
def slow_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A data folder as Wijkgraaf left it before it compacted: the schema and 5,000 residents
    only as statements in the log, so the next start replays for seconds (its indexes are not
    ready while the rest replays). The server is killed, as a power cut would; returns the
    dump of what was acknowledged."""
    with monkeypatch.context() as old_version:
        old_version.setattr(EmbeddedServer, "compact", lambda self: None)
        store = _open(tmp_path)
        try:
            _write_residents(store, 0, 5000)
            expected = _dump(store, tmp_path)
            _kill(_pid(tmp_path))  # no clean stop, so no compaction either
        finally:
            store.close()
    return expected


@pytest.fixture
def city_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic city as CSV templates."""
    out = tmp_path_factory.mktemp("city")
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "generate", "--residents", "800", "--seed", "3", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


def _import(data: Path, files: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--db", f"embedded:{data}", "import", str(files), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, **env},
    )  # fmt: skip


@pytest.fixture
def reference(tmp_path_factory: pytest.TempPathFactory, city_files: Path) -> Iterator[list[str]]:
    """The dump of the city imported once, undisturbed (same installation key)."""
    data = tmp_path_factory.mktemp("reference")
    process = _import(data, city_files)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    with _open(data) as store:
        yield _dump(store, data)


def test_an_import_leaves_a_snapshot_not_a_replay(tmp_path: Path, city_files: Path) -> None:
    process = _import(tmp_path, city_files)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    sizes = _aof(tmp_path)
    assert sizes["base"] > 50_000, "the imported city is in the snapshot base"
    assert sizes["incremental"] < 2_000, f"almost nothing left to replay: {sizes}"


def test_a_new_schema_is_compacted_at_once_so_no_start_replays_it(tmp_path: Path) -> None:
    """Indexes rebuilt by replaying their statements are not ready while the rest of the log
    replays, and every MERGE after them then scans all nodes: a start took minutes. So the
    schema must sit in the snapshot base, never in the statements a start replays."""
    with _open(tmp_path) as store:
        _write_residents(store, 0, 500)
        expected = _dump(store, tmp_path)
        statements = b"".join(
            file.read_bytes()
            for file in (tmp_path / "falkordb" / "appendonlydir").iterdir()
            if ".incr." in file.name
        )
        assert b"MERGE" in statements, "the residents are statements in the log"
        assert b"INDEX" not in statements and b"GRAPH.CONSTRAINT" not in statements
        _kill(_pid(tmp_path))
    with _open(tmp_path) as reopened:
        assert _dump(reopened, tmp_path) == expected


def test_a_start_on_compacted_data_gives_the_same_dump(tmp_path: Path) -> None:
    with _open(tmp_path) as store:
        _write_residents(store, 0, 1500)
        before = _dump(store, tmp_path)
        assert _aof(tmp_path)["incremental"] > 100_000, "the writes sit in the increments"
        store.compact()
        assert _aof(tmp_path)["incremental"] < 2_000
    with _open(tmp_path) as store:
        assert _dump(store, tmp_path) == before
    log = (tmp_path / "falkordb.log").read_text()
    assert "already exists" not in log, "a start on a snapshot replays no schema statements"


def test_kill_during_an_import_converges_when_it_is_run_again(
    tmp_path: Path, city_files: Path, reference: list[str]
) -> None:
    process = _import(tmp_path, city_files)
    aof = tmp_path / "falkordb" / "appendonlydir"
    deadline = time.monotonic() + 120
    # kill the server once the import has begun writing the city (its increments grow)
    while time.monotonic() < deadline and process.poll() is None:
        if aof.exists() and _bytes_in(aof) > 200_000:
            _kill(_pid(tmp_path))
            break
        time.sleep(0.005)
    else:
        pytest.fail("the import finished before the server could be killed mid-way")
    _, err = process.communicate(timeout=300)
    # the store restarts the server and carries on (every write is an idempotent MERGE); a
    # failure would have to be one plain line
    assert process.returncode == 0 or (process.returncode == 1 and err.count("\n") == 1), err
    again = _import(tmp_path, city_files)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    with _open(tmp_path) as store:
        assert _dump(store, tmp_path) == reference


def test_kill_during_a_compaction_loses_nothing_acknowledged(tmp_path: Path) -> None:
    store = _open(tmp_path)
    try:
        _write_residents(store, 0, 3000)
        client = store._server._client()  # the test's own view of the server
        client.bgrewriteaof()  # the rewrite runs in a forked child from here on
        _write_residents(store, 3000, 200)  # acknowledged while the rewrite runs
        info = client.info("persistence")
        client.close()
        expected = _dump(store, tmp_path)
        _kill(_pid(tmp_path))
        assert int(info["aof_rewrite_in_progress"]) or int(info["aof_rewrites"]) >= 1
    finally:
        store.close()
    with _open(tmp_path) as reopened:
        assert _dump(reopened, tmp_path) == expected
        assert reopened.count_by_label()["Resident"] == 3200


def test_kill_right_after_a_compaction_loses_nothing(tmp_path: Path) -> None:
    store = _open(tmp_path)
    try:
        _write_residents(store, 0, 1000)
        store.compact()
        _write_residents(store, 1000, 100)  # after the snapshot: in the new increment only
        expected = _dump(store, tmp_path)
        _kill(_pid(tmp_path))
    finally:
        store.close()
    with _open(tmp_path) as reopened:
        assert _dump(reopened, tmp_path) == expected


def test_kill_during_the_next_start_loses_nothing(tmp_path: Path, slow_start: list[str]) -> None:
    log = tmp_path / "falkordb.log"
    offset = log.stat().st_size  # the log of this start only
    opener = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--db", f"embedded:{tmp_path}", "status", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "WIJKGRAAF_EMBEDDED_IDLE": "0"},
    )  # fmt: skip
    killed_while_loading = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and opener.poll() is None:
        this_start = log.read_bytes()[offset:].decode(errors="replace")
        if "Reading RDB base file" in this_start:
            pid = _pid(tmp_path)
            if "DB loaded from append only file" not in log.read_bytes()[offset:].decode():
                _kill(pid)
                killed_while_loading = True
            break
        time.sleep(0.01)
    _, err = opener.communicate(timeout=120)
    assert killed_while_loading, "the start should still have been loading"
    assert opener.returncode == 1 and "fout:" in err, err
    with _open(tmp_path) as reopened:
        assert _dump(reopened, tmp_path) == slow_start


def _wait_compacted(path: Path) -> None:
    deadline = time.monotonic() + 60
    while _aof(path)["incremental"] >= 2_000:
        if time.monotonic() > deadline:
            raise AssertionError(f"not compacted: {_aof(path)}")
        time.sleep(0.02)


def test_after_a_kill_no_restart_replays_the_schema_again(
    tmp_path: Path, slow_start: list[str]
) -> None:
    """FalkorDB writes every uniqueness constraint it creates into the log twice, and a
    replay refuses the second copy ("CRITICAL … Constraint already exists", one line per
    label). The folder an older version left (``slow_start``) has the schema in its log: the
    first start replays it, and must then compact, so the next start after a kill has
    nothing to refuse."""
    log = tmp_path / "falkordb.log"
    offset = log.stat().st_size
    with _open(tmp_path) as store:
        first_start = log.read_bytes()[offset:].decode(errors="replace")
        assert "Constraint already exists" in first_start, "the old log holds the schema twice"
        _wait_compacted(tmp_path)  # the start compacts in the background
        assert _dump(store, tmp_path) == slow_start
        _kill(_pid(tmp_path))
    for _ in range(2):  # and after another kill, again
        offset = log.stat().st_size
        with _open(tmp_path) as store:
            assert _dump(store, tmp_path) == slow_start
            _kill(_pid(tmp_path))
        this_start = log.read_bytes()[offset:].decode(errors="replace")
        assert "DB loaded from" in this_start, "a start that loaded the data"
        assert "already exists" not in this_start, this_start


def test_a_start_that_replays_statements_compacts_them(tmp_path: Path) -> None:
    store = _open(tmp_path)
    try:
        _write_residents(store, 0, 500)
        expected = _dump(store, tmp_path)
        _kill(_pid(tmp_path))
    finally:
        store.close()
    assert _aof(tmp_path)["incremental"] > 50_000, "the residents are statements to replay"
    with _open(tmp_path) as reopened:
        _wait_compacted(tmp_path)
        assert _dump(reopened, tmp_path) == expected


def test_a_long_start_says_how_far_it_got_and_what_to_do(
    tmp_path: Path, slow_start: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="wijkgraaf.progress")
    with pytest.raises(StoreUnavailableError) as refused:
        _open(tmp_path, startup_timeout=1.0)
    message = refused.value.message("nl")
    assert "laadt nog" in message and "probeer het zo opnieuw" in message, message
    assert "% geladen" in message, "says how far it got"
    assert "WIJKGRAAF_STARTUP_TIMEOUT" in refused.value.message("en")
    # the server kept loading; the next open waits for it, telling how it goes
    with _open(tmp_path) as reopened:
        assert _dump(reopened, tmp_path) == slow_start
    told = [record for record in caplog.records if record.name == "wijkgraaf.progress"]
    assert told, "a start of more than a second is reported"
    assert all(getattr(record, "nl", "") for record in told), "in Dutch and English"
