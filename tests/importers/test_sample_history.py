"""The sample neighbourhood's history (issue 16): four dated exports, the last the sample as
shipped, the earlier ones the story's neighbourhood as it was; ``wijkgraaf generate
--sample-history`` writes them with the commands that import them."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from importers.sample_history import (
    COMPLETE,
    HISTORY_PLANTED,
    QUARTERS,
    sample_history,
    write_sample_history,
)
from importers.synthetic import SAMPLE_DIR


def _rows(path: Path, column: str) -> set[str]:
    with path.open(encoding="utf-8") as handle:
        return {row[column] for row in csv.DictReader(handle)}


def test_the_last_export_is_the_sample_as_shipped(tmp_path: Path) -> None:
    exports = write_sample_history(tmp_path)
    assert [day for day, _ in exports] == list(QUARTERS) == sorted(QUARTERS)
    last = {path.name: path.read_bytes() for path in exports[-1][1]}
    shipped = {path.name: path.read_bytes() for path in SAMPLE_DIR.glob("*.csv")}
    assert last == shipped


def test_the_history_is_the_same_every_time() -> None:
    assert sample_history() == sample_history()


def test_the_earlier_exports_tell_the_story(tmp_path: Path) -> None:
    folders = {day: tmp_path / day for day, _ in write_sample_history(tmp_path)}
    first, second, third, last = (folders[day] for day in QUARTERS)
    mover = HISTORY_PLANTED["moved_away"][0]
    assert [mover in _rows(f / "bewoners.csv", "bron_id") for f in (first, third, last)] == [
        True,
        True,
        False,
    ]
    joiner = HISTORY_PLANTED["joins"][0]
    assert joiner not in _rows(second / "deelname.csv", "bewoner")
    assert joiner in _rows(third / "deelname.csv", "bewoner")
    handed = HISTORY_PLANTED["handed_over"][0]
    assert handed in _rows(second / "coaching.csv", "initiatief")
    assert handed not in _rows(third / "coaching.csv", "initiatief")
    started = HISTORY_PLANTED["started"][0]
    assert started not in _rows(first / "initiatieven.csv", "bron_id")
    assert started in _rows(second / "initiatieven.csv", "bron_id")


def test_generate_writes_the_history_and_how_to_import_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["generate", "--sample-history", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == list(QUARTERS)
    complete = " ".join(f"--complete {sheet}" for sheet in COMPLETE)
    lines = result.output.splitlines()
    assert lines == [f"wijkgraaf import --as-of {d} {complete} {tmp_path / d}" for d in QUARTERS]
    both = CliRunner().invoke(main, ["generate", "--sample", "--sample-history", str(tmp_path)])
    assert both.exit_code == 1 and "--sample-history" in both.output
