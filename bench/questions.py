"""Every network question on a synthetic city, end to end, against networkx alone, in one run.

    python bench/questions.py [--residents 100000] [--no-baseline]

The city is generated and imported into a fresh embedded database (not timed). Then, with the
projection load included: all six questions for the whole city, and for one neighbourhood of
about 5,000 residents; first with the heavy measures in igraph, then computed with networkx
alone (``graph.analysis.reference``; bridges and isolated have heavy measures, the others
are the same code either way). Prints seconds per question, the totals, peak memory and the
ratios. Targets on 2 cores: all six for the whole city under 10 s, one neighbourhood under 1 s.
The neighbourhood reads only its own part of the projection (``NetworkContext.load(store,
areas=...)``), as a coach's question within their neighbourhood does while no whole city is
in hand (``Analyst.context_within``); for comparison it is also timed the old way, cutting
it from the whole city's.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.analysis import brokerage, reference
from graph.analysis.context import NetworkContext
from graph.analysis.engine import CATALOGUE
from graph.analysis.metrics import MetricBackend
from graph.analysis.results import Scope
from graph.backends import open_store
from graph.settings import load_settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import synthetic_city, write_csv


def run_questions(
    store: GraphStore,
    scope: Scope,
    metrics: MetricBackend[Any],
    *,
    areas: tuple[str, ...] | None = None,
) -> dict[str, float]:
    """Seconds for the context load (of ``areas`` only, if given) and for each question."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    context = NetworkContext.load(store, areas=areas)
    seconds["projection load" if areas is None else "area projection"] = time.perf_counter() - start
    minimum = store.settings.opportunity_min_residents
    for key, question in CATALOGUE.items():
        start = time.perf_counter()
        if key in ("bridges", "isolated"):
            question.answer(context, scope, limit=20, metrics=metrics)
        elif key == "opportunities":
            question.answer(context, scope, limit=20, min_residents=minimum)
        else:
            question.answer(context, scope, limit=20)
        seconds[key] = time.perf_counter() - start
    return seconds


def report(title: str, fast: dict[str, float], slow: dict[str, float] | None) -> None:
    print(f"\n{title}")
    header = f"  {'':<20}{'igraph s':>10}" + (f"{'networkx s':>12}{'ratio':>9}" if slow else "")
    print(header)
    for key, seconds in fast.items():
        line = f"  {key:<20}{seconds:>10.2f}"
        if slow:
            line += f"{slow[key]:>12.2f}{slow[key] / max(seconds, 1e-9):>8.1f}x"
        print(line)
    total = sum(fast.values())
    line = f"  {'total':<20}{total:>10.2f}"
    if slow:
        line += f"{sum(slow.values()):>12.2f}{sum(slow.values()) / total:>8.1f}x"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--no-baseline", action="store_true", help="skip the networkx-only run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        files = write_csv(synthetic_city(args.residents, seed=1), Path(work) / "city")
        # idle 0: the database in the temporary folder stops with the bench, not 15 min later
        settings = load_settings(
            db=f"embedded:{Path(work) / 'db'}", key_file=Path(work) / "key", embedded_idle=0
        )
        with open_store(settings) as store:
            start = time.perf_counter()
            run_import(store, settings, files, ImportOptions())
            fabric = store.fabric()
            print(
                f"city of {args.residents:,} residents: {fabric.number_of_nodes():,} nodes, "
                f"{fabric.number_of_edges():,} edges in the fabric (imported in "
                f"{time.perf_counter() - start:.0f} s, not counted)"
            )
            hoods: dict[str, int] = {}
            for _, data in fabric.nodes(data=True):
                if data.get("label") == "Resident" and data.get("neighbourhood"):
                    hoods[data["neighbourhood"]] = hoods.get(data["neighbourhood"], 0) + 1
            hood = min(hoods, key=lambda code: (abs(hoods[code] - 5_000), code))
            del fabric
            for title, scope, areas in (
                ("whole city", Scope(), None),
                (
                    f"one neighbourhood ({hood}, {hoods[hood]:,} residents)",
                    Scope(neighbourhoods=(hood,)),
                    (hood,),
                ),
            ):
                fast = run_questions(store, scope, brokerage, areas=areas)
                slow = (
                    None
                    if args.no_baseline
                    else run_questions(store, scope, reference, areas=areas)
                )
                report(title, fast, slow)
                if areas is not None:
                    old = run_questions(store, scope, brokerage)
                    total, load = sum(old.values()), old["projection load"]
                    print(
                        f"  the old way, cut from the whole city: {total:.2f} s (load {load:.2f} s)"
                    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (Python process): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
