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

from api.audit import Role, verify
from api.keys import KeyStore
from graph.settings import load_settings
from graph.store import open_store
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files


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


def test_two_server_processes_answer_as_one(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "WIJKGRAAF_DB": f"embedded:{tmp_path / 'db'}",
        "WIJKGRAAF_API_KEYS_FILE": str(tmp_path / "keys.json"),
        "WIJKGRAAF_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
    }
    settings = load_settings(db=env["WIJKGRAAF_DB"], api_keys_file=tmp_path / "keys.json")
    with open_store(settings) as store:
        assert not run_import(store, settings, sample_files(), ImportOptions()).errors
    token = KeyStore(tmp_path / "keys.json").create(Role.ADMIN)[1]
    port = _free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "2"]
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as browser:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, f"the server stopped: {log.read_text()}"
                assert time.monotonic() < deadline, f"the server did not start: {log.read_text()}"
                try:
                    if browser.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            while len(_workers(server.pid)) < 2:  # the second may still be starting
                assert server.poll() is None, f"the server stopped: {log.read_text()}"
                assert time.monotonic() < deadline, f"no second server process: {log.read_text()}"
                time.sleep(0.2)
            signed = browser.post("/pages/login", data={"key": token})
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
