"""The network questions in their publishable form, against the coach's answer, in one run.

    python bench/publishable.py [--residents 100000] [--keep DIR]

A synthetic city is generated and imported into a fresh embedded database. Then, per question:

- **cold**: ``wijkgraaf ask Q --publishable --json`` as its own process with the database
  server stopped before and after (``WIJKGRAAF_EMBEDDED_IDLE=0``), against the coach's
  ``wijkgraaf ask Q --neighbourhood BUURT --json`` in the same conditions;
- **warm**: in one process with the network loaded, the publishable answer the first time
  (its tables worked out for this graph version) and again (read from them), against the
  coach's answer for one buurt, first and again.

Printed: seconds per question and the ratio publishable / coach for each; and, per table
whose cells count someone twice, what rule 4c (the audit of the table's people,
``graph/analysis/atoms.py``) costs beside rules 1 to 4b and how many more entries it hides.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cold import BUURT, command  # noqa: E402 - bench/ is the script's folder

from api.answers import AnswerService, Asking  # noqa: E402
from graph.analysis.disclosure import MIN_CELL, protect  # noqa: E402
from graph.analysis.engine import Analyst  # noqa: E402
from graph.analysis.publishable import QUESTION_TABLES  # noqa: E402
from graph.analysis.table_specs import TABLES  # noqa: E402
from graph.analysis.whole_tables import _members, _no_small_rest, _overlapping  # noqa: E402
from graph.backends import open_store  # noqa: E402
from graph.settings import load_settings  # noqa: E402


def _timed(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="a folder to keep the city in (else a temp)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="wijkgraaf-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data, csv = work / "data", work / "csv"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),  # the commands run this checkout's code
        "WIJKGRAAF_DB": f"embedded:{data}",
        "WIJKGRAAF_STARTUP_TIMEOUT": "600",
    }
    cold = {**env, "WIJKGRAAF_EMBEDDED_IDLE": "0"}
    if not data.exists():
        command(cold, "generate", "--residents", str(args.residents), "--seed", "7", str(csv),
                cwd=work)  # fmt: skip
        imported = command(cold, "import", str(csv), cwd=work)
        print(f"import of {args.residents:,} residents: {imported.seconds:.1f} s")

    print("\ncold: each its own process, the database server stopped before and after")
    print(f"{'question':18} {'publishable':>12} {'coach':>8} {'ratio':>6}")
    for question in QUESTION_TABLES:
        published = command(cold, "ask", question, "--publishable", "--json", cwd=work)
        coach = command(cold, "ask", question, "--neighbourhood", BUURT, "--json", cwd=work)
        assert published.code == 0 and coach.code == 0, published.stderr + coach.stderr
        ratio = published.seconds / coach.seconds
        print(f"{question:18} {published.seconds:11.2f}s {coach.seconds:7.2f}s {ratio:6.2f}")

    settings = load_settings(db=f"embedded:{data}", embedded_idle=0, startup_timeout=600)
    with open_store(settings) as store:
        answers = AnswerService(Analyst(store))
        loaded = _timed(answers.analyst.context)
        print(f"\nwarm: one process, the network loaded once ({loaded:.1f} s)")
        print(f"{'question':18} {'first':>8} {'again':>8} {'coach':>8} {'again':>8} {'ratio':>6}")
        for question in QUESTION_TABLES:
            first = _timed(lambda q=question: answers.publishable(q))
            again = _timed(lambda q=question: answers.publishable(q))
            asking = Asking(question, within=(BUURT,), limit=20)
            coach = _timed(lambda a=asking: answers.ask(a))
            coach_again = _timed(lambda a=asking: answers.ask(a))
            print(
                f"{question:18} {first:7.2f}s {again:7.3f}s {coach:7.2f}s {coach_again:7.3f}s "
                f"{first / coach:6.2f}"
            )
        _rule_4c(answers.analyst.context())


def _rule_4c(context: object) -> None:
    """Rules 1 to 4b against rule 4c, per table of persons whose cells overlap."""
    print("\nrule 4c: the audit of a table's people, beside rules 1 to 4b (same run)")
    print(f"{'table':52} {'1-4b':>7} {'4c':>7} {'ratio':>6} {'hidden':>7} {'by 4c':>6}")
    for name, spec in TABLES.items():
        if not spec.totals:
            continue
        counts = spec.count(context)  # type: ignore[arg-type]
        rows = sorted(counts.rows)
        members = _members(counts, rows, totals=True)
        true = {key: len(ids) for key, ids in members.items()}
        if not _overlapping(true, rows, counts.columns) or not spec.persons((None, None)):
            continue
        started = time.perf_counter()
        hidden = protect(true, rows, counts.columns, min_cell=MIN_CELL, persons=spec.persons)
        rules = time.perf_counter() - started
        started = time.perf_counter()
        audited = _no_small_rest(
            context,  # type: ignore[arg-type]
            spec,
            members,
            rows,
            counts.columns,
            hidden,
            MIN_CELL,
        )
        audit = time.perf_counter() - started
        print(
            f"{name:52} {rules:6.2f}s {audit:6.2f}s {audit / max(rules, 1e-3):6.1f} "
            f"{len(audited):7d} {len(audited) - len(hidden):6d}"
        )


if __name__ == "__main__":
    main()
