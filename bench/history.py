"""The network over time on a city: four quarters of history, questions as of a past date
against the same questions on the present, storage per quarter, one quarter's import.

    python bench/history.py [--residents 100000] [--quarters 4] [--keep DIR]

A synthetic city (``importers.synthetic``) is the first quarter's export; each later quarter's
export is the one before with some of the city changed, as a case system's quarterly export
changes: 2% of the residents gone (left out of the complete ``bewoners`` sheet) and as many new
ones with ties, 2% moved to another buurt, 5% of the ties gone and as many new, 3% of the ties
of another strength, 5% of the participation gone. Each quarter is imported as a user imports
it: ``wijkgraaf import --as-of DATE --complete bewoners --complete contacten --complete
deelname`` in a process of its own on the embedded database (``WIJKGRAAF_EMBEDDED_IDLE=0``:
the command starts and stops the database, its figures include the start and the final
compaction), timed from outside with its peak memory from the kernel, and the data folder's
size on disk after it.

Then every question, each its own process, on the present and as of the end of the second
quarter, in turns (present, as of, present, as of, ...), so that the machine's other work
weighs on both:

- **cold**: the database stopped before each command and stopped by it (after a reboot);
- **warm**: the database and the question server kept running between commands (the default
  lifetime): the first command of each kind loads, the others find the network in memory.

Printed: per quarter the import's seconds, peak memory, and the store's size and growth; per
question the seconds cold and warm of both, and the ratio as of / present. Then the
publishable form of each question on the present, which with a history is the last date of the
trends' series (``graph/analysis/present.py``: the quarter ends' networks loaded and every
table counted for each), cold, against the coach's answer cold in the same run.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cold import QUESTIONS, Run, command  # noqa: E402
from graph.append_only import disk_bytes  # noqa: E402
from importers.synthetic import synthetic_city, write_csv  # noqa: E402

QUARTER_ENDS = ("2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31")
COMPLETE = ("bewoners", "contacten", "deelname")
ASKED = QUARTER_ENDS[1]  # the past date the questions are asked about


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def next_quarter(previous: Path, target: Path, quarter: int, rng: random.Random) -> list[Path]:
    """The export of the quarter after ``previous``: the same city, some of it changed."""
    sheets = {path.name: _read(path) for path in sorted(previous.glob("*.csv"))}
    fields, residents = sheets["bewoners.csv"]
    buurten = sorted({row["buurt"] for row in residents if row.get("buurt")})
    gone = {row["bron_id"] for row in rng.sample(residents, k=len(residents) // 50)}
    kept = [row for row in residents if row["bron_id"] not in gone]
    for row in rng.sample(kept, k=len(kept) // 50):
        row["buurt"] = rng.choice(buurten)
    newcomers = [
        {**rng.choice(kept), "bron_id": f"N{quarter}-{number}", "naam": ""}
        for number in range(len(gone))
    ]
    sheets["bewoners.csv"] = (fields, kept + newcomers)
    present = [row["bron_id"] for row in kept + newcomers]
    for name, (columns, rows) in list(sheets.items()):
        ends = [c for c in ("bewoner", "andere_bewoner") if c in columns]
        if ends:  # what the residents who left had goes with them
            rows = [row for row in rows if not any(row[c] in gone for c in ends)]
            sheets[name] = (columns, rows)
    columns, ties = sheets["contacten.csv"]
    ties = rng.sample(ties, k=len(ties) - len(ties) // 20)
    for row in rng.sample(ties, k=len(ties) * 3 // 100):
        row["sterkte"] = "3" if row.get("sterkte") != "3" else "1"
    known = {(row["bewoner"], row["andere_bewoner"]) for row in ties}
    while len(ties) < len(sheets["contacten.csv"][1]):
        a, b = rng.sample(present, k=2)
        if (a, b) not in known and (b, a) not in known:
            known.add((a, b))
            new = {"bewoner": a, "andere_bewoner": b, "soort": "neighbour", "sterkte": "1"}
            ties.append({c: "" for c in columns} | new)
    sheets["contacten.csv"] = (columns, ties)
    columns, joined = sheets["deelname.csv"]
    sheets["deelname.csv"] = (columns, rng.sample(joined, k=len(joined) - len(joined) // 20))
    files = []
    for name, (columns, rows) in sheets.items():
        _write(target / name, columns, rows)
        files.append(target / name)
    return files


def _median(runs: list[Run]) -> float:
    return statistics.median(run.seconds for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--quarters", type=int, default=4, choices=range(2, 5))
    parser.add_argument("--rounds", type=int, default=2, help="runs of each question, per mode")
    parser.add_argument("--keep", type=Path, default=None, help="keep the work folder here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="wijkgraaf-history-"))
    try:
        rng = random.Random(2025)
        exports = [write_csv(synthetic_city(args.residents, seed=1), work / "q1")]
        for quarter in range(2, args.quarters + 1):
            exports.append(
                next_quarter(work / f"q{quarter - 1}", work / f"q{quarter}", quarter, rng)
            )
        data = work / "db"
        key = work / "secret.key"
        key.write_text("k" * 48)
        key.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIJKGRAAF_")}
        env |= {"WIJKGRAAF_KEY_FILE": str(key), "WIJKGRAAF_DB": f"embedded:{data}"}
        cold = env | {"WIJKGRAAF_EMBEDDED_IDLE": "0"}

        print(f"\ncity of {args.residents:,} residents, {args.quarters} quarters; "
              "each command its own process")  # fmt: skip
        print(f"{'quarter':<12}{'import s':>10}{'peak MiB':>10}{'store MiB':>11}{'growth MiB':>12}")
        sizes = []
        for day, files in zip(QUARTER_ENDS, exports, strict=False):
            options = ["--as-of", day, *(f"--complete={sheet}" for sheet in COMPLETE)]
            run = command(cold, "import", *options, *map(str, files), cwd=ROOT)
            if run.code != 0:
                raise SystemExit(f"the import of {day} failed: {run.stderr[-2000:]}")
            sizes.append(disk_bytes(data) / 2**20)
            growth = sizes[-1] - sizes[-2] if len(sizes) > 1 else float("nan")
            print(f"{day:<12}{run.seconds:>10.1f}{run.peak_mib:>10,.0f}{sizes[-1]:>11,.1f}"
                  f"{growth:>12,.1f}")  # fmt: skip

        print(f"\nquestions on the present and as of {ASKED} (median of {args.rounds} runs)")
        print(f"{'question':<18}{'cold now':>10}{'cold then':>11}{'ratio':>7}"
              f"{'warm now':>10}{'warm then':>11}{'ratio':>7}")  # fmt: skip
        times: dict[tuple[str, str], list[Run]] = {}

        def ask(lifetime: dict[str, str], question: str, when: str) -> Run:
            extra = ["--as-of", ASKED] if when == "then" else []
            run = command(lifetime, "ask", question, "--limit", "10", *extra, cwd=ROOT)
            if run.code != 0:
                raise SystemExit(f"ask {question} {extra} failed: {run.stderr[-2000:]}")
            return run

        for _ in range(args.rounds):  # cold: every command starts and stops the database
            for question in QUESTIONS:
                for when in ("now", "then"):
                    times.setdefault((question, f"cold {when}"), []).append(
                        ask(cold, question, when)
                    )
        # warm: the database and the question server started by a first question of each kind
        ask(env, QUESTIONS[0], "now")
        ask(env, QUESTIONS[0], "then")
        for _ in range(args.rounds):
            for question in QUESTIONS:
                for when in ("now", "then"):
                    times.setdefault((question, f"warm {when}"), []).append(
                        ask(env, question, when)
                    )
        command(env, "stop", cwd=ROOT)
        for question in QUESTIONS:
            seconds = {mode: _median(times[(question, mode)]) for _, mode in times if _ == question}
            print(f"{question:<18}{seconds['cold now']:>10.2f}{seconds['cold then']:>11.2f}"
                  f"{seconds['cold then'] / seconds['cold now']:>7.2f}"
                  f"{seconds['warm now']:>10.2f}{seconds['warm then']:>11.2f}"
                  f"{seconds['warm then'] / seconds['warm now']:>7.2f}")  # fmt: skip

        print(f"\npublishable on the present after {args.quarters} quarters, cold")
        print(f"{'question':<18}{'publishable':>12}{'coach':>8}{'ratio':>7}")
        for question in QUESTIONS:
            published = command(cold, "ask", question, "--publishable", "--json", cwd=ROOT)
            if published.code != 0:
                raise SystemExit(f"ask {question} --publishable failed: {published.stderr[-2000:]}")
            coach = _median(times[(question, "cold now")])
            print(f"{question:<18}{published.seconds:>11.2f}s{coach:>7.2f}s"
                  f"{published.seconds / coach:>7.2f}")  # fmt: skip
    finally:
        if args.keep is not None:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
