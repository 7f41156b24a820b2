"""The question server: consecutive ``ask`` commands share one network kept in memory, answer
exactly as a command answering itself would, follow every write, and leave nothing behind."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph import question_server
from graph.analysis.results import Scope
from graph.backends import open_store
from graph.errors import NotFoundError
from graph.model import NodeLabel
from graph.settings import load_settings
from importers.synthetic import sample_files
from tests.processes import alive, pid_in, wait_gone

ROOT = Path(__file__).parents[2]
WARM = "600"  # the default lifetime is minutes: long enough never to end within a test


def _cli(data: Path, *args: str, idle: str = WARM, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "--db", f"embedded:{data}", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "WIJKGRAAF_EMBEDDED_IDLE": idle, **env},
    )  # fmt: skip


def _ask(data: Path, *args: str, idle: str = WARM, **env: str) -> tuple[dict[str, Any], str]:
    result = _cli(data, "ask", *args, "--json", idle=idle, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    """The sample neighbourhood in a data folder whose question server, database server and
    keeper this test stops, whatever it did."""
    folder = tmp_path / "data"
    imported = _cli(folder, "import", *map(str, sample_files()))
    assert imported.returncode == 0, imported.stderr
    try:
        yield folder
    finally:
        question_server.stop(question_server.Place(folder))
        for name in ("falkordb.pid", "keeper.lock"):
            pid = pid_in(folder / name)
            if pid is not None and alive(pid):
                os.kill(pid, signal.SIGTERM)
                wait_gone(pid, 15)


def test_consecutive_asks_share_one_server_that_answers_as_the_command_itself(
    data: Path,
) -> None:
    place = question_server.Place(data)
    first, told = _ask(data, "bridges")
    assert "De vragenserver start" in told, "the first command says why it waits"
    pid = place.pid()
    assert pid is not None and alive(pid), "the server outlives the command that started it"
    isolated, told = _ask(data, "isolated", "--limit", "5")
    assert place.pid() == pid and "vragenserver" not in told, "the next command meets it"
    assert isolated["question"] == "isolated" and len(isolated["items"]) == 5
    itself, _ = _ask(data, "bridges", idle="0")  # no server: the command answers itself
    assert first == itself
    assert first["items"], "the sample has bridges"
    # the document holds both languages (issue 15); --lang chooses what the command writes
    in_english, _ = _ask(data, "bridges", "--lang", "en")
    assert in_english == first
    reason = first["items"][0]["reasons"][0]
    written = _cli(data, "ask", "bridges", "--lang", "en").stdout
    assert reason["en"] in written and reason["nl"] not in written
    status = _cli(data, "status", "--json")
    assert json.loads(status.stdout)["server"]["question_server"] == pid
    said = _cli(data, "status")
    assert f"De vragenserver (pid {pid})" in said.stdout
    assert (data / "questions.sock").stat().st_mode & 0o077 == 0, "for its owner only"


def test_after_a_write_the_server_answers_the_new_version(data: Path) -> None:
    before, _ = _ask(data, "isolated")
    settings = load_settings(db=f"embedded:{data}", embedded_idle=float(WARM))
    with open_store(settings) as store:
        store.upsert_nodes(NodeLabel.RESIDENT, [{"id": "r-nieuw", "neighbourhood": "BU99990101"}])
        version = store.version()
    after, _ = _ask(data, "isolated")
    assert before["version"] < after["version"] == version
    assert after["summary"] != before["summary"], "a resident without ties is one more isolated"
    assert after == _ask(data, "isolated", idle="0")[0]


def test_an_error_comes_back_as_the_command_would_raise_it(data: Path) -> None:
    settings = load_settings(db=f"embedded:{data}", embedded_idle=float(WARM))
    with pytest.raises(NotFoundError) as refused:
        question_server.ask(settings, "no-such-question", Scope(), limit=3)
    assert "Onbekende vraag 'no-such-question'" in refused.value.nl
    assert "Unknown question" in refused.value.en
    assert question_server.Place(data).pid() is not None, "a refused question stops nothing"


def test_an_unused_server_ends_and_a_killed_one_is_replaced(data: Path) -> None:
    place = question_server.Place(data)
    _ask(data, "ownership", idle="1.5")
    pid = place.pid()
    assert pid is not None
    assert wait_gone(pid), "unused for its idle time, it ends by itself"
    assert not place.socket.exists()
    assert "unused for 1.5 s" in (data / "questions.log").read_text()
    answer, _ = _ask(data, "ownership")
    killed = place.pid()
    assert killed is not None and killed != pid
    os.kill(killed, signal.SIGKILL)
    assert wait_gone(killed)
    assert place.socket.exists(), "a killed server leaves its socket file"
    again, told = _ask(data, "ownership")
    assert again == answer
    assert "De vragenserver start" in told
    assert place.pid() not in (None, killed), "a new server took over the folder"


def test_stop_stops_the_question_server_with_the_database(data: Path) -> None:
    _ask(data, "five-o")
    pid = question_server.Place(data).pid()
    assert pid is not None
    stopped = _cli(data, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert (
        "Vragenserver gestopt." in stopped.stdout
        and "Ingebouwde database gestopt." in stopped.stdout
    )
    assert wait_gone(pid, 5)
    assert "stopped (SIGTERM)" in (data / "questions.log").read_text()


def test_without_an_idle_time_each_command_answers_itself(data: Path) -> None:
    answer, told = _ask(data, "opportunities", idle="0")
    assert answer["question"] == "opportunities" and "vragenserver" not in told
    assert question_server.Place(data).pid() is None
    assert not (data / "questions.sock").exists()


def test_a_command_with_other_settings_is_not_answered_with_the_servers(data: Path) -> None:
    _ask(data, "opportunities")  # the server answers with at least 10 residents per cell
    pid = question_server.Place(data).pid()
    assert pid is not None
    fewer = {"WIJKGRAAF_OPPORTUNITY_MIN_RESIDENTS": "2"}
    other, _ = _ask(data, "opportunities", **fewer)
    itself, _ = _ask(data, "opportunities", idle="0", **fewer)
    assert other == itself
    assert other != _ask(data, "opportunities")[0], "the setting changes the answer"
    assert question_server.Place(data).pid() == pid, "the server of the folder stays"


def test_a_client_that_sends_nothing_holds_up_no_one(data: Path) -> None:
    _ask(data, "ownership")
    place = question_server.Place(data)
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(str(place.socket))
    try:
        answer, _ = _ask(data, "five-o")
    finally:
        silent.close()
    assert answer["question"] == "five-o"
    assert answer == _ask(data, "five-o", idle="0")[0]
