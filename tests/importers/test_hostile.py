"""Hostile and careless files (tests/importers/hostile_files.py): each is refused with an
error at its place, nothing of the import is written (the store's dump is the same, byte for
byte, but for the time in its header), and the command line refusing it stays small.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.settings import Settings, settings_environment
from graph.store import GraphStore
from importers.dump import export_dump
from importers.load import ImportOptions, run_import
from tests.importers.hostile_files import BASE_FILES, HOSTILE, Hostile

#: The most memory (peak resident set) ``wijkgraaf import`` may take to refuse any of the
#: files. Measured: 59 to 81 MB for every case; 80 MB for a 1 MB workbook whose header cell
#: unpacks to 1 GiB (before: 7.3 GB). Python with the store client and importers is ~60 MB.
MEMORY_BOUND_MB = 120


def _base(store: GraphStore, settings: Settings, directory: Path) -> None:
    directory.mkdir()
    paths = []
    for name, content in BASE_FILES.items():
        path = directory / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    report = run_import(store, settings, paths, ImportOptions())
    assert report.written and not report.errors, [e.message() for e in report.errors]


def dump_body(store: GraphStore, path: Path) -> bytes:
    """The store's dump without its header line (which carries the time of the export)."""
    export_dump(store, path)
    header, _, body = path.read_bytes().partition(b"\n")
    assert json.loads(header)["format"] == "wijkgraaf-dump"
    assert body.count(b"\n") >= len(BASE_FILES), "the base import is in the dump"
    return body


def assert_located(errors: list[dict[str, object]], case: Hostile) -> None:
    """One of ``errors`` (as the report's JSON has them) is at the case's place, saying what
    the case expects, in both languages."""
    matching = [e for e in errors if case.message in str(e["message_nl"])]
    assert matching, [e["message_nl"] for e in errors]
    error = matching[0]
    assert (error["file"], error["sheet"], error["row"], error["column"]) == case.place
    assert error["message_en"], "every error has an English text too"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_refused_at_its_place_and_nothing_is_written(
    store: GraphStore, store_settings: Settings, tmp_path: Path, name: str
) -> None:
    case = HOSTILE[name]
    settings = store_settings.model_copy(update=case.settings)
    _base(store, settings, tmp_path / "base")
    before = dump_body(store, tmp_path / "before.jsonl")
    paths = case.write(tmp_path / "bad")

    report = run_import(store, settings, paths, ImportOptions())

    assert report.rejected and not report.written
    assert_located([e.as_json() for e in report.errors], case)
    assert dump_body(store, tmp_path / "after.jsonl") == before


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_command_line_refuses_it_in_one_line_within_the_memory_bound(
    embedded_dir: Path, tmp_path: Path, name: str
) -> None:
    case = HOSTILE[name]
    paths = case.write(tmp_path / "bad")
    settings = Settings(db=f"embedded:{embedded_dir}", graph_name="hostile", **case.settings)
    environment = {**os.environ, **settings_environment(settings)}
    peak_file = tmp_path / "peak"
    # the command as the console script runs it, telling its own peak memory as it ends (the
    # kernel's high-water mark of this program: ru_maxrss would carry over pytest's own)
    program = (
        "import re, sys\n"
        "from api.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:], prog_name='wijkgraaf')\n"
        "finally:\n"
        "    status = open('/proc/self/status').read()\n"
        f"    open({str(peak_file)!r}, 'w').write(re.search(r'VmHWM:\\s+(\\d+)', status)[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program, "import", "--json", *map(str, paths)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert not report["written"]
    assert_located(report["errors"], case)
    peak_mb = int(peak_file.read_text()) / 1024
    assert peak_mb < MEMORY_BOUND_MB, f"{name}: {peak_mb:.0f} MB"
