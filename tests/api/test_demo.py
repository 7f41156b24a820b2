"""``wijkgraaf demo``: the main job in one command on an embedded database of its own.

With ``--no-serve`` it loads the sample's history (a quarter at a time), prints every
question's headlines, writes the maps, prints what changed in Parkzoom and exits. Served, it
is a process of its own as a user runs it: the address and the key it prints open the pages
and the API; stopped with SIGTERM, it revokes its key and stops the embedded database it
started.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner

from api.access.api_keys import KeyStore
from api.cli import main
from graph.analysis.engine import CATALOGUE
from tests.api.browsing import sign_in
from visualise import OVERLAY_QUESTIONS


def test_the_demo_without_serving_answers_every_question_and_writes_the_maps(
    tmp_path: Path,
) -> None:
    out = tmp_path / "kaarten"
    result = CliRunner().invoke(
        main,
        ["--db", f"embedded:{tmp_path / 'db'}", "demo", "--no-serve", "--out", str(out)],
        env={"WIJKGRAAF_API_KEYS_FILE": str(tmp_path / "keys.json")},
    )
    assert result.exit_code == 0, result.output
    for key, entry in CATALOGUE.items():
        assert f"{entry.title_nl}  [{key}]" in result.output
    assert result.output.count("\n  1. ") == len(CATALOGUE), "every question finds something"
    # the sample's history, oldest first, and one change of its story
    assert [
        line.split(" (")[0] for line in result.output.splitlines() if line.startswith("Export")
    ] == [f"Export per {day}" for day in ("2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31")]
    assert "Wat veranderde er tussen 2025-03-31 en 2025-12-31 (buurt BU99990103)" in result.output
    assert "Op 2025-12-31 is Gerrit Bakker er niet meer" in result.output
    assert "Wandelgroep Parkzoom: op 2025-03-31 getrokken door professionals" in result.output
    maps = {path.name for path in out.iterdir()}
    assert "kaart.html" in maps
    assert {f"kaart-{q}.html" for q in OVERLAY_QUESTIONS} <= maps
    assert len([m for m in maps if m.startswith("kaart-BU")]) == 3, "one map per buurt"
    for name in maps:
        assert 'id="map-data"' in (out / name).read_text(encoding="utf-8")
    assert not (tmp_path / "keys.json").exists(), "no key is made when nothing is served"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_the_served_demo_opens_with_the_key_it_prints_and_cleans_up(tmp_path: Path) -> None:
    port = _free_port()
    keys_file = tmp_path / "keys.json"
    env = {
        **os.environ,
        "WIJKGRAAF_API_KEYS_FILE": str(keys_file),
        "WIJKGRAAF_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "WIJKGRAAF_LANG": "en",
    }
    command = [sys.executable, "-m", "api.cli", "--db", f"embedded:{tmp_path / 'db'}", "demo"]
    command += ["--out", str(tmp_path / "maps"), "--port", str(port)]
    demo = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        printed = []
        token = None
        deadline = time.monotonic() + 120
        while token is None:
            assert time.monotonic() < deadline, "the demo printed no key:\n" + "".join(printed)
            line = demo.stdout.readline() if demo.stdout else ""
            assert line or demo.poll() is None, "the demo stopped:\n" + "".join(printed)
            printed.append(line)
            found = re.search(r"(wgk_[a-z0-9]{12}_[A-Za-z0-9_-]{43})", line)
            token = found.group(1) if found else None
        assert f"http://127.0.0.1:{port}/" in "".join(printed)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as browser:
            for _ in range(100):
                try:
                    browser.get("/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            assert browser.get("/").headers["location"] == "/pages/"
            signed = sign_in(browser, token, lang="en")
            assert signed.status_code == 303
            index = browser.get("/pages/", params={"lang": "en"})
            assert index.status_code == 200 and "All neighbourhoods" in index.text
            assert browser.get("/pages/questions/bridges").status_code == 200
            api = browser.get("/questions/isolated", headers={"Authorization": f"Bearer {token}"})
            assert api.status_code == 200 and api.json()["items"]
            story = {"from": "2025-03-31", "to": "2025-12-31", "neighbourhood": "BU99990103"}
            changed = browser.get(
                "/changes", params=story, headers={"Authorization": f"Bearer {token}"}
            )
            assert changed.status_code == 200
            assert [item["name"] for item in changed.json()["bridges_lost"]] == ["Gerrit Bakker"]
            page = browser.get("/pages/changes", params={**story, "lang": "en"})
            assert page.status_code == 200 and "Gerrit Bakker is gone" in page.text
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) == 128 + signal.SIGTERM, "stopped as asked, not killed"
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait(timeout=30)
    assert KeyStore(keys_file).authenticate(token) is None, "the demo's key is revoked"
    database = tmp_path / "db"
    assert not (database / "falkordb.pid").exists(), "the embedded database stopped"
    assert not list((database / "clients").glob("*.lock"))
