"""Batched upserts against one-row-at-a-time upserts, on both databases, in one run.

    python bench/store.py [--nodes 50000] [--single 1000]

Prints rows/s for each way of writing and the ratio batched : single. The embedded database
always runs (in a fresh temporary directory); Neo4j runs on the server named by
``WIJKGRAAF_BENCH_NEO4J_URI`` (password in ``WIJKGRAAF_BENCH_NEO4J_PASSWORD``), or else on a
test server started here from ``tests/neo4j_server`` when Java and Maven are available. The
Neo4j database is cleared first: never point this at real data.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.neo4j_target import neo4j_settings
from graph.backends import open_store
from graph.model import NodeLabel, RelType
from graph.settings import Settings, load_settings
from graph.store import GraphStore

R = NodeLabel.RESIDENT


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench(settings: Settings, *, nodes: int, single: int) -> list[tuple[str, int, float]]:
    """(what, rows, seconds) for batched and single-row node and relationship upserts."""
    rows = [
        {"id": f"r{i}", "neighbourhood": "BU03630000", "age_band": "27-44"} for i in range(nodes)
    ]
    ties = [
        {"source": f"r{i}", "target": f"r{(i * 7 + 1) % nodes}", "strength": 1 + i % 3}
        for i in range(nodes)
    ]
    ties = [t for t in ties if t["source"] != t["target"]]
    results = []
    with open_store(settings) as store:
        store.clear()
        results.append(("nodes, batched", nodes, _timed(lambda: store.upsert_nodes(R, rows))))
        results.append(("ties, batched", len(ties), _timed(lambda: _ties(store, ties))))
        store.clear()
        store.upsert_nodes(R, rows[:single])
        store.clear()  # warm: schema and connections ready for the single-row run as well
        results.append(
            (
                "nodes, one row a call",
                single,
                _timed(lambda: [store.upsert_nodes(R, [r]) for r in rows[:single]]),
            )
        )
        store.upsert_nodes(R, rows)
        results.append(
            (
                "ties, one row a call",
                single,
                _timed(lambda: [_ties(store, [t]) for t in ties[:single]]),
            )
        )
        store.clear()
    return results


def _ties(store: GraphStore, ties: list[dict[str, object]]) -> None:
    store.upsert_relationships(RelType.KNOWS, ties, source_label=R, target_label=R)


def report(name: str, results: list[tuple[str, int, float]]) -> None:
    print(f"\n{name}")
    print(f"  {'what':<24}{'rows':>9}{'seconds':>10}{'rows/s':>12}")
    rate = {}
    for what, rows, seconds in results:
        rate[what] = rows / seconds
        print(f"  {what:<24}{rows:>9}{seconds:>10.2f}{rate[what]:>12,.0f}")
    for kind in ("nodes", "ties"):
        ratio = rate[f"{kind}, batched"] / rate[f"{kind}, one row a call"]
        print(f"  ratio batched : one row a call ({kind}): {ratio:,.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=50_000)
    parser.add_argument("--single", type=int, default=1_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data:
        # idle 0: the database in the temporary folder stops with the bench, not 15 min later
        embedded = load_settings(db=f"embedded:{Path(data) / 'db'}", embedded_idle=0)
        report("embedded FalkorDB", bench(embedded, nodes=args.nodes, single=args.single))

        with neo4j_settings(Path(data)) as target:
            if target is not None:
                name, settings = target
                report(name, bench(settings, nodes=args.nodes, single=args.single))


if __name__ == "__main__":
    main()
