"""How long the embedded server lives: warm between commands, stopped by its keeper once
unused, stopped at once by ``wijkgraaf stop``, and never left behind by a crashed user."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import alive, pid_in, wait_gone

ROOT = Path(__file__).parents[2]
IDLE = "1.5"


def _cli(data: Path, *args: str, idle: str = IDLE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "--db", f"embedded:{data}", *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "WIJKGRAAF_EMBEDDED_IDLE": idle},
    )  # fmt: skip


def _status(data: Path, idle: str = IDLE) -> dict[str, object]:
    result = _cli(data, "status", "--json", idle=idle)
    assert result.returncode == 0, result.stderr
    server = json.loads(result.stdout)["server"]
    assert isinstance(server, dict)
    return server


def _holder(data: Path, *, idle: str) -> subprocess.Popen[str]:
    """Another process that opens the store and holds it until its stdin closes."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from graph.settings import load_settings; from graph.backends import open_store\n"
         f"s = open_store(load_settings(db='embedded:{data}'))\n"
         "print('open', flush=True); sys.stdin.read(); s.close()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "WIJKGRAAF_EMBEDDED_IDLE": idle},
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
    return holder


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    """A data folder whose server and keeper this test stops, whatever the test did."""
    yield tmp_path
    for name in ("falkordb.pid", "keeper.lock"):
        pid = pid_in(tmp_path / name)
        if pid is not None and alive(pid):
            os.kill(pid, signal.SIGTERM)
            wait_gone(pid, 15)


def test_the_server_stays_warm_between_commands_then_its_keeper_stops_it(data: Path) -> None:
    first = _status(data)
    assert first["was_running"] is False, "the first command starts the server"
    pid = first["pid"]
    assert isinstance(pid, int) and alive(pid), "it outlives the command that started it"
    keeper = None
    deadline = time.monotonic() + 20
    while keeper is None and time.monotonic() < deadline:  # the keeper is a process starting
        keeper = pid_in(data / "keeper.lock")
        time.sleep(0.05)
    assert keeper is not None and alive(keeper), "a keeper watches it"
    second = _status(data)
    assert second["was_running"] is True and second["pid"] == pid, "the next command meets it warm"
    assert wait_gone(pid), f"unused for {IDLE} s, the keeper stops it"
    assert wait_gone(keeper), "and then the keeper itself ends"
    assert not (data / "falkordb.sock").exists() and not (data / "falkordb.pid").exists()
    log = (data / "falkordb.log").read_text()
    assert log.rstrip().endswith("bye bye..."), "a clean shutdown"
    assert "Background AOF rewrite finished successfully" in log, "compacted before stopping"


def test_a_server_in_use_is_not_stopped_by_its_keeper(data: Path) -> None:
    holder = _holder(data, idle=IDLE)
    try:
        pid = pid_in(data / "falkordb.pid")
        assert pid is not None
        time.sleep(float(IDLE) * 3)
        assert alive(pid), "a process still uses it"
        assert _status(data)["was_running"] is True
    finally:
        holder.communicate("", timeout=60)
    assert wait_gone(pid), "once the last user has gone for the idle time, it stops"


def test_stop_stops_an_unused_server_at_once_and_refuses_one_in_use(data: Path) -> None:
    pid = _status(data, idle="600")["pid"]
    assert isinstance(pid, int)
    holder = _holder(data, idle="600")
    try:
        refused = _cli(data, "stop", idle="600")
        assert refused.returncode == 1
        assert "nog door 1 proces" in refused.stderr, refused.stderr
        assert alive(pid)
    finally:
        holder.communicate("", timeout=60)
    stopped = _cli(data, "stop", idle="600")
    assert stopped.returncode == 0 and "gestopt" in stopped.stdout, stopped.stderr
    assert wait_gone(pid, 5), "stopped at once, not after 600 s"
    again = _cli(data, "--lang", "en", "stop", idle="600")
    assert again.returncode == 0 and "No embedded database was running" in again.stdout


def test_a_server_whose_users_crashed_is_stopped_by_its_keeper(data: Path) -> None:
    crashing = subprocess.Popen(
        [sys.executable, "-c",
         "import os, signal; from graph.settings import load_settings\n"
         "from graph.backends import open_store\n"
         f"s = open_store(load_settings(db='embedded:{data}'))\n"
         "os.kill(os.getpid(), signal.SIGKILL)"],
        cwd=ROOT, env={**os.environ, "WIJKGRAAF_EMBEDDED_IDLE": IDLE},
    )  # fmt: skip
    crashing.wait(timeout=60)
    assert crashing.returncode == -signal.SIGKILL
    pid = pid_in(data / "falkordb.pid")
    assert pid is not None
    assert wait_gone(pid), "nobody uses it any more: the keeper stops it"


def test_status_says_how_the_server_lives(data: Path) -> None:
    result = _cli(data, "status", idle="600")
    assert result.returncode == 0, result.stderr
    assert "gestart voor dit commando" in result.stdout
    assert "blijft 600 s na het laatste gebruik draaien" in result.stdout
    result = _cli(data, "--lang", "en", "status", idle="600")
    assert "Embedded database: was running" in result.stdout
    _cli(data, "stop", idle="600")
    result = _cli(data, "--lang", "en", "status", idle="0")
    assert "stops with the last command or server using it" in result.stdout
