"""A dated history of the sample neighbourhood for the trend tests: four quarters of 2025.

- 31 March: the sample as shipped;
- 30 June: three residents come to live in Havenkwartier and know nobody yet: the cells of
  residents without ties there grow by three, which the difference of two published counts
  would show but for rule 6 of the disclosure policy;
- 30 September: twelve more come (a change of twelve is no small count);
- 31 December: the first three join an initiative.

And the present after it (:func:`import_present`, dated :data:`PRESENT`, no quarter end
between): four residents come to live in :data:`LATEST_HOOD` with a need for help with debts
that no initiative takes up, so the counts of that need there, which December published,
grow by four.
"""

from __future__ import annotations

import csv
from pathlib import Path

from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files

HOOD = "BU99990101"
QUARTERS = ("2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31")
FIRST_NEW = [f"N{n:02d}" for n in range(1, 4)]
MORE_NEW = [f"N{n:02d}" for n in range(4, 16)]
PRESENT = "2026-02-10"
LATEST_HOOD = "BU99990102"
LATEST = [f"P{n:02d}" for n in range(1, 5)]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _residents(directory: Path, ids: list[str], hood: str = HOOD) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    header = ["bron_id", "naam", "buurt", "leeftijd", "toestemming_naam", "toestemming_contact"]
    return _write(
        directory / "bewoners.csv", header, [[i, "", hood, "27-44", "nee", "nee"] for i in ids]
    )


def import_history(store: GraphStore, settings: Settings, directory: Path) -> None:
    """Import the four quarters, oldest first."""
    steps: list[tuple[str, list[Path]]] = [
        (QUARTERS[0], sample_files()),
        (QUARTERS[1], [_residents(directory / "q2", FIRST_NEW)]),
        (QUARTERS[2], [_residents(directory / "q3", MORE_NEW)]),
    ]
    q4 = directory / "q4"
    q4.mkdir(parents=True, exist_ok=True)
    joined = [[i, "I01", "participant"] for i in FIRST_NEW]
    steps.append(
        (QUARTERS[3], [_write(q4 / "deelname.csv", ["bewoner", "initiatief", "rol"], joined)])
    )
    for day, files in steps:
        report = run_import(store, settings, files, ImportOptions(as_of=day))
        assert not report.errors, report.errors


def import_present(store: GraphStore, settings: Settings, directory: Path) -> None:
    """Import what came after the last quarter end (see the module docstring)."""
    residents = _residents(directory / "now", LATEST, LATEST_HOOD)
    needs = _write(
        directory / "now" / "hulpvragen.csv",
        ["bewoner", "thema", "bijzonder"],
        [[i, "schulden", "nee"] for i in LATEST],
    )
    report = run_import(store, settings, [residents, needs], ImportOptions(as_of=PRESENT))
    assert not report.errors, report.errors
