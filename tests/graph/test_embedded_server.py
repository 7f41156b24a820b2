"""The embedded FalkorDB server's life: start, share, crash, recover, stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis

from graph.backends import open_store
from graph.embedded_server import EmbeddedServer
from graph.model import NodeLabel
from graph.server_files import socket_path_for
from graph.settings import load_settings

R = NodeLabel.RESIDENT


def _settings(path: Path):
    return load_settings(db=f"embedded:{path}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return (
        Path(f"/proc/{pid}/cmdline").exists()
        and b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    )


def _tcp_listeners_of(pid: int) -> set[str]:
    """Socket inodes on which process ``pid`` listens over TCP (IPv4 or IPv6)."""
    own = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
    listening = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                listening.add(f"socket:[{fields[9]}]")
    return own & listening


def _server_pid(path: Path) -> int:
    return int((path / "falkordb.pid").read_text())


def _wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_the_server_runs_on_a_unix_socket_only_and_stops_with_its_last_user(tmp_path: Path) -> None:
    store = open_store(_settings(tmp_path))
    pid = _server_pid(tmp_path)
    assert (tmp_path / "falkordb.sock").is_socket()
    assert _tcp_listeners_of(pid) == set(), "no TCP port: the Unix socket only"
    store.close()
    assert _wait_gone(pid)
    assert not (tmp_path / "falkordb.sock").exists()
    assert not (tmp_path / "falkordb.pid").exists()


def test_data_persists_across_a_clean_stop_and_start(tmp_path: Path) -> None:
    with open_store(_settings(tmp_path)) as store:
        store.upsert_nodes(R, [{"id": f"r{i}"} for i in range(500)])
    with open_store(_settings(tmp_path)) as store:
        assert store.count_by_label()["Resident"] == 500


def test_nothing_acknowledged_is_lost_when_the_server_is_killed(tmp_path: Path) -> None:
    acknowledged: list[str] = []
    stop = threading.Event()
    store = open_store(_settings(tmp_path))
    pid = _server_pid(tmp_path)

    def write_until_stopped() -> None:
        n = 0
        while not stop.is_set():
            batch = [f"r{n + i}" for i in range(50)]
            try:
                store.upsert_nodes(R, [{"id": i} for i in batch])
            except Exception:
                return  # the server died mid-write: that batch was not acknowledged
            acknowledged.extend(batch)
            n += 50

    writer = threading.Thread(target=write_until_stopped)
    writer.start()
    time.sleep(0.5)
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.3)
    stop.set()
    writer.join()
    store.close()
    assert len(acknowledged) >= 100, "the writer should have written for a while"
    with open_store(_settings(tmp_path)) as reopened:
        assert _server_pid(tmp_path) != pid
        stored = set(reopened.fabric().nodes)
        assert set(acknowledged) <= stored


def test_an_open_store_recovers_when_its_server_is_killed(tmp_path: Path) -> None:
    with open_store(_settings(tmp_path)) as store:
        store.upsert_nodes(R, [{"id": "before"}])
        old = _server_pid(tmp_path)
        os.kill(old, signal.SIGKILL)
        assert _wait_gone(old)
        store.upsert_nodes(R, [{"id": "after"}])
        assert store.count_by_label()["Resident"] == 2
        assert _server_pid(tmp_path) != old


def test_stale_socket_and_pid_files_from_a_crash_are_recovered(tmp_path: Path) -> None:
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(tmp_path / "falkordb.sock"))
    stale.close()  # the socket file stays, nobody listens
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "falkordb.pid").write_text(str(dead.pid))
    (tmp_path / "clients").mkdir()
    (tmp_path / "clients" / f"{dead.pid}.lock").write_text(str(dead.pid))
    with open_store(_settings(tmp_path)) as store:
        assert store.count_by_label()["Resident"] == 0
        pid = _server_pid(tmp_path)
        assert pid != dead.pid and _alive(pid)
    assert _wait_gone(pid), "the dead client's lock file must not keep the server alive"


def _holder(path: Path) -> subprocess.Popen[str]:
    """Another process that opens the store, reports, and holds it until its stdin closes."""
    code = (
        "import json, sys\n"
        "from graph.settings import load_settings\n"
        "from graph.backends import open_store\n"
        f"s = open_store(load_settings(db={f'embedded:{path}'!r}))\n"
        "print(json.dumps({'pid': int(open("
        + repr(str(path / "falkordb.pid"))
        + ").read())}), flush=True)\n"
        "sys.stdin.read()\n"
        "s.close()\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).parents[2],
    )  # fmt: skip


def test_two_processes_share_one_server_and_the_last_one_stops_it(tmp_path: Path) -> None:
    first = open_store(_settings(tmp_path))
    pid = _server_pid(tmp_path)
    other = _holder(tmp_path)
    try:
        assert other.stdout is not None
        assert json.loads(other.stdout.readline())["pid"] == pid, "the second process reuses it"
        first.upsert_nodes(R, [{"id": "shared"}])
        first.close()  # the starter leaves while the other still uses the server
        assert _alive(pid)
    finally:
        other.communicate("", timeout=60)
    assert other.returncode == 0
    assert _wait_gone(pid), "the last process to leave stops the server"
    with open_store(_settings(tmp_path)) as again:
        assert again.get_node(R, "shared").id == "shared"


def test_processes_opening_a_fresh_folder_at_once_all_set_up_one_schema(tmp_path: Path) -> None:
    """As the workers of ``serve --workers N`` do: without a lock, one would create the ``id``
    index after another had, and fail ("already indexed")."""
    opener = (
        "import sys; from graph.settings import load_settings; from graph.backends import open_store\n"
        "with open_store(load_settings(db='embedded:' + sys.argv[1])) as store: store.version()"
    )
    command = [sys.executable, "-c", opener, str(tmp_path)]
    root = Path(__file__).parents[2]
    openers = [
        subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=root) for _ in range(3)
    ]
    for process in openers:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    with open_store(_settings(tmp_path)) as store:
        store.upsert_nodes(R, [{"id": "once"}])
        assert store.count_by_label()["Resident"] == 1


def test_a_command_while_a_store_is_open_uses_the_same_server(tmp_path: Path) -> None:
    with open_store(_settings(tmp_path)) as store:
        store.upsert_nodes(R, [{"id": "r1"}])
        pid = _server_pid(tmp_path)
        result = subprocess.run(
            [sys.executable, "-m", "api.cli", "--db", f"embedded:{tmp_path}", "status", "--json"],
            capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2],
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["counts"]["Resident"] == 1
        assert _server_pid(tmp_path) == pid and _alive(pid)
        assert store.count_by_label()["Resident"] == 1


def test_a_deep_data_directory_gets_its_socket_elsewhere(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    path = socket_path_for(deep)
    assert len(os.fsencode(path)) < 108 and not str(path).startswith(str(deep))
    with open_store(_settings(deep)) as store:
        store.upsert_nodes(R, [{"id": "r1"}])
        assert store.count_by_label()["Resident"] == 1
        assert path.is_socket()


def test_a_server_that_cannot_start_is_reported_plainly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph.errors import StoreUnavailableError

    (tmp_path / "falkordb").mkdir()
    (tmp_path / "falkordb" / "appendonlydir").write_text("not a directory")  # AOF cannot open
    server = EmbeddedServer(tmp_path, startup_timeout=20)
    with pytest.raises(StoreUnavailableError, match=r"falkordb\.log"):
        server.acquire()


def test_creating_an_index_or_constraint_that_exists_is_no_error(tmp_path: Path) -> None:
    """Just after a restart the database may hold an index it does not list yet."""
    from graph.falkordb_store import FalkorDBStore, _already_there

    with open_store(_settings(tmp_path)) as store:
        assert isinstance(store, FalkorDBStore)
        with _already_there():
            store._graph.create_node_range_index(R.value, "id")
        with _already_there():
            store._graph.create_node_unique_constraint(R.value, "id")
        with pytest.raises(redis.ResponseError), _already_there():
            store._graph.query("RETURN nonsense(")
