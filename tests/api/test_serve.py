"""``wijkgraaf serve --workers 2``: two server processes on one address share keys, page
sessions, the audit log's chain and the embedded database, and stop together on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from api.access.api_keys import KeyStore
from api.access.audit import Role, verify
from graph.backends import open_store
from graph.settings import load_settings
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.api.browsing import sign_in


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _workers(supervisor: int) -> list[int]:
    """The server processes uvicorn's supervisor started (not its resource tracker), read
    from /proc so the test needs no ``ps`` on the machine."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:  # the process ended while we looked
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == supervisor and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def _sample_installation(tmp_path: Path) -> dict[str, str]:
    """The environment of an installation in ``tmp_path`` (data in ``db/``) holding the sample."""
    env = {
        **os.environ,
        "WIJKGRAAF_DB": f"embedded:{tmp_path / 'db'}",
        "WIJKGRAAF_API_KEYS_FILE": str(tmp_path / "keys.json"),
        "WIJKGRAAF_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
    }
    settings = load_settings(db=env["WIJKGRAAF_DB"], api_keys_file=tmp_path / "keys.json")
    with open_store(settings) as store:
        assert not run_import(store, settings, sample_files(), ImportOptions()).errors
    return env


def _wait_healthy(client: httpx.Client, server: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``/health`` answers 200; fails at once if the server stops, with its log."""
    deadline = time.monotonic() + 120
    while True:
        assert server.poll() is None, f"the server stopped: {log.read_text()}"
        assert time.monotonic() < deadline, f"the server did not start: {log.read_text()}"
        try:
            if client.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)


def test_two_server_processes_answer_as_one(tmp_path: Path) -> None:
    env = _sample_installation(tmp_path)
    token = KeyStore(tmp_path / "keys.json").create(Role.ADMIN)[1]
    port = _free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as browser:
            deadline = time.monotonic() + 120
            _wait_healthy(browser, server, log)
            while len(_workers(server.pid)) < 2:  # the second may still be starting
                assert server.poll() is None, f"the server stopped: {log.read_text()}"
                assert time.monotonic() < deadline, f"no second server process: {log.read_text()}"
                time.sleep(0.2)
            signed = sign_in(browser, token)
            assert signed.status_code == 303
            # new connections land on either process: the session holds on every one
            for _ in range(12):
                with httpx.Client(
                    base_url=f"http://127.0.0.1:{port}", cookies=browser.cookies, timeout=60
                ) as fresh:
                    assert fresh.get("/pages/", follow_redirects=False).status_code == 200
                    answer = fresh.get(
                        "/questions/ownership", headers={"Authorization": f"Bearer {token}"}
                    )
                    assert answer.status_code == 200 and answer.json()["items"]
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)
    result = verify(tmp_path / "audit.jsonl")
    assert result.ok and result.lines == 13, "sign-in and 12 answers, one chain from both"
    assert not (tmp_path / "db" / "falkordb.pid").exists(), "the embedded database stopped"


def test_serve_answers_again_by_itself_when_the_database_is_killed_during_an_import(
    tmp_path: Path,
) -> None:
    """As a power cut of the database or an out-of-memory kill would: the running server and
    an import in progress both carry on once the database is back, without a restart by hand."""
    data = tmp_path / "db"
    env = _sample_installation(tmp_path)
    city = tmp_path / "city"
    subprocess.run(
        [sys.executable, "-m", "api.cli", "generate", "--residents", "3000", "--seed", "4",
         str(city)], env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    token = KeyStore(tmp_path / "keys.json").create(Role.ADMIN)[1]
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    importer = None
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            _wait_healthy(client, server, log)
            importer = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "import", str(city)],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            aof = data / "falkordb" / "appendonlydir"
            before = sum(f.stat().st_size for f in aof.iterdir())
            while importer.poll() is None:  # once the import writes, the database dies
                if sum(f.stat().st_size for f in aof.iterdir()) > before + 50_000:
                    break
                time.sleep(0.005)
            killed = int((data / "falkordb.pid").read_text())
            os.kill(killed, signal.SIGKILL)
            _, err = importer.communicate(timeout=300)
            assert importer.returncode == 0, f"the import carries on after the restart: {err}"
            health = client.get("/health")
            assert health.status_code == 200, health.text
            assert int((data / "falkordb.pid").read_text()) != killed
            answer = client.get("/questions/isolated", headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 200, answer.text
            assert answer.json()["items"], "the answer covers the city just imported"
    finally:
        if importer is not None and importer.poll() is None:
            importer.kill()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
