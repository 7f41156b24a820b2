"""The Gephi export with each node's measures, and the measures CSV, on a synthetic city.

    python bench/export.py [--residents 100000]

The city is generated and imported into a fresh embedded database and its projection loaded
(not timed). Then, for the whole city and for one neighbourhood of about 5,000 residents:
the measures alone (``node_measures``), the GraphML and GEXF files with them, the same files
without them (what the export cost before it carried measures), and the CSV in Dutch. Prints
seconds with the measures and without, the files' sizes, and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.analysis.context import NetworkContext
from graph.analysis.node_measures import node_measures
from graph.analysis.results import Scope
from graph.backends import open_store
from graph.settings import load_settings
from importers.load import ImportOptions, run_import
from importers.synthetic import synthetic_city, write_csv
from visualise.export import export_graph
from visualise.measures import write_measures


def timed(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def run(context: NetworkContext, scope: Scope, out: Path, title: str) -> None:
    """Time each export of ``scope`` on a fresh copy of the context (nothing cached)."""

    def fresh() -> NetworkContext:
        return NetworkContext(context.version, context.fabric, areas=context.areas)

    print(f"\n{title}: {fresh().scoped(scope).number_of_nodes():,} nodes")
    rows: list[tuple[str, float, Path | None]] = [
        ("measures alone", timed(lambda: node_measures(fresh(), scope)), None)
    ]
    for fmt in ("graphml", "gexf"):
        plain, measured = out / f"plain.{fmt}", out / f"measured.{fmt}"
        seconds = timed(lambda: export_graph(fresh(), plain, fmt, scope=scope, measures=False))  # noqa: B023
        rows.append((f"{fmt} without measures", seconds, plain))
        seconds = timed(lambda: export_graph(fresh(), measured, fmt, scope=scope))  # noqa: B023
        rows.append((f"{fmt} with measures", seconds, measured))
    table = out / "maten.csv"
    rows.append(("csv (nl)", timed(lambda: write_measures(fresh(), table, scope=scope)), table))
    for name, seconds, path in rows:
        size = f"{path.stat().st_size / 2**20:>8.1f} MiB" if path else ""
        print(f"  {name:<24}{seconds:>8.2f} s{size}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        files = write_csv(synthetic_city(args.residents, seed=1), Path(work) / "city")
        # idle 0: the database in the temporary folder stops with the bench, not 15 min later
        settings = load_settings(
            db=f"embedded:{Path(work) / 'db'}", key_file=Path(work) / "key", embedded_idle=0
        )
        with open_store(settings) as store:
            run_import(store, settings, files, ImportOptions())
            context = NetworkContext.load(store)
        hoods: dict[str, int] = {}
        for _, data in context.fabric.nodes(data=True):
            if data.get("label") == "Resident" and data.get("neighbourhood"):
                hoods[data["neighbourhood"]] = hoods.get(data["neighbourhood"], 0) + 1
        hood = min(hoods, key=lambda code: (abs(hoods[code] - 5_000), code))
        out = Path(work)
        run(context, Scope(), out, f"whole city of {args.residents:,} residents")
        run(context, Scope(neighbourhoods=(hood,)), out, f"one neighbourhood ({hood})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (Python process): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
