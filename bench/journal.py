"""What the import journal costs, and what undoing a killed import takes, against the code
before the journal in the same run.

    python bench/journal.py [--residents 100000] [--baseline REF]

The journal (:mod:`graph.journal`) makes every write statement of an import record what it
overwrites. Both versions run as a user runs them: ``wijkgraaf import`` in a process of its
own, each version on a fresh embedded database, timed from outside, with the command's peak
memory from the kernel (``wait4``; with ``WIJKGRAAF_EMBEDDED_IDLE=0`` each command starts
and stops the database, so a command's figures include the server's start and final
compaction). Three imports each, on the same synthetic city:

1. **first**: the city into an empty store: everything created (a record holds ids only);
2. **again**: the same files: nothing changes (the journal's head and end only);
3. **changes**: a later export with a tenth of the residents in another age band and a tenth
   of the ties of another strength: each record holds what a row overwrote.

Then, with the journal only: import 1's files over the store of import 3 (the age bands and
strengths back), killed (SIGKILL) a third of import 3's time after its journal began, and the
undo that the next import does first, timed alone; the store's dump is then compared with
the dump after import 3.

The baseline (``--baseline``, by default the commit before the journal) is checked out in a
temporary git worktree, removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.backends import open_store  # noqa: E402
from graph.journal import HEAD_ID  # noqa: E402
from graph.model import SystemLabel  # noqa: E402
from graph.settings import load_settings  # noqa: E402
from importers.dump import export_dump  # noqa: E402
from importers.synthetic import synthetic_city, write_csv  # noqa: E402

DEFAULT_BASELINE = "e6c503d^"  # the commit before "Imports are all or nothing"


def _changed_copy(files: list[Path], target: Path) -> list[Path]:
    """The city's files with every tenth resident's age band and tie's strength changed."""
    target.mkdir(parents=True)
    copies = []
    for path in files:
        copy = target / path.name
        with path.open(encoding="utf-8", newline="") as source:
            rows = list(csv.DictReader(source))
            fields = list(rows[0]) if rows else []
        for number, row in enumerate(rows):
            if number % 10:
                continue
            if row.get("leeftijd"):
                row["leeftijd"] = "80+" if row["leeftijd"] != "80+" else "67-79"
            if row.get("sterkte"):
                row["sterkte"] = "3" if row["sterkte"] != "3" else "1"
        with copy.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        copies.append(copy)
    return copies


def _import(code: Path, db: Path, files: list[Path], env: dict[str, str]) -> tuple[float, float]:
    """``wijkgraaf import`` of ``code``'s version: seconds and peak memory (MiB)."""
    command = [sys.executable, "-m", "api.cli", "--db", f"embedded:{db}", "import"]
    start = time.perf_counter()
    process = subprocess.Popen(
        [*command, *map(str, files)], cwd=code, env=env, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the import of {code.name} failed ({status})")
    return seconds, usage.ru_maxrss / 1024


def _killed_import(
    db: Path, key: Path, files: list[Path], env: dict[str, str], after: float
) -> bool:
    """Start an import and kill it ``after`` seconds into its writing (once the journal's head
    is there); False if it ended first."""
    settings = load_settings(db=f"embedded:{db}", key_file=key, embedded_idle=0)
    command = [sys.executable, "-m", "api.cli", "--db", f"embedded:{db}", "import"]
    with open_store(settings) as store:
        process = subprocess.Popen(
            [*command, *map(str, files)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
        )
        while not store.existing_ids(SystemLabel.JOURNAL, [HEAD_ID]):
            if process.poll() is not None:
                return False
            time.sleep(0.2)
        time.sleep(after)
        if process.poll() is not None:
            return False
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def _dump(db: Path, key: Path, path: Path) -> list[str]:
    """The store's dump without its header and import-run records (their times differ)."""
    with open_store(load_settings(db=f"embedded:{db}", key_file=key, embedded_idle=0)) as store:
        export_dump(store, path)
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return sorted(line for line in lines if SystemLabel.IMPORT_RUN.value not in line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        files = write_csv(synthetic_city(args.residents, seed=1), work / "city")
        changed = _changed_copy(files, work / "changed")
        key = work / "secret.key"
        key.write_text("k" * 48)
        key.chmod(0o600)
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIJKGRAAF_")}
        env |= {"WIJKGRAAF_KEY_FILE": str(key), "WIJKGRAAF_EMBEDDED_IDLE": "0"}
        baseline = work / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(baseline), args.baseline],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        try:
            # the two versions take turns, so that the machine's other work weighs on both
            runs: dict[Path, list[tuple[float, float]]] = {baseline: [], ROOT: []}
            for imported in (files, files, changed):
                for code in (baseline, ROOT):
                    runs[code].append(_import(code, work / f"db-{code.name}", imported, env))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=False
            )
            shutil.rmtree(baseline, ignore_errors=True)

        print(f"\ncity of {args.residents:,} residents; each import its own process")
        print(f"{'import':<10}{'before s':>10}{'with s':>10}{'ratio':>8}"
              f"{'before MiB':>12}{'with MiB':>10}")  # fmt: skip
        old, new = runs[baseline], runs[ROOT]
        for label, (s0, m0), (s1, m1) in zip(("first", "again", "changes"), old, new, strict=True):
            print(f"{label:<10}{s0:>10.1f}{s1:>10.1f}{s1 / s0:>8.2f}{m0:>12,.0f}{m1:>10,.0f}")

        # a killed import of the original values over the changed store, and its undo
        db = work / f"db-{ROOT.name}"
        expected = _dump(db, key, work / "expected.jsonl")
        writing = new[2][0] / 3
        if not _killed_import(db, key, files, env, after=writing):
            raise SystemExit("the import ended before it could be killed: try a larger city")
        settings = load_settings(db=f"embedded:{db}", key_file=key, embedded_idle=0)
        with open_store(settings) as store:
            start = time.perf_counter()
            undone = store.undo_abandoned_import()
            seconds = time.perf_counter() - start
        after = _dump(db, key, work / "after.jsonl")
        state = "exactly the store before it" if after == expected else "A DIFFERENT STORE"
        if undone is None:
            print(f"\nkilled {writing:.1f} s into its writing: it had already ended")
        else:
            print(f"\nkilled {writing:.1f} s into its writing; the undo took {seconds:.1f} s "
                  f"and left {state}")  # fmt: skip


if __name__ == "__main__":
    main()
