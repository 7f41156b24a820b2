"""A synthetic city from CSV into each database: rows/s, seconds, peak memory, and the ratio
against writing one row at a time, in one run.

    python bench/import.py [--residents 100000] [--single 2000]

The city is written as CSV templates by the generator (``wijkgraaf generate``), then imported
with the real importer (parse, validate, pseudonymise, write). The baseline writes the first
``--single`` resident rows and ties with one upsert call each, into a fresh graph of the same
database. Target on the embedded database: 100,000 residents in under 60 s on 2 cores.
Neo4j runs on ``WIJKGRAAF_BENCH_NEO4J_URI`` or on a test server started here (Java + Maven);
its database is cleared: never point this at real data.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.neo4j_target import neo4j_settings
from graph.backends import open_store
from graph.model import NodeLabel, RelType
from graph.settings import Settings, load_settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import synthetic_city, write_csv


def _rows_in(files: list[Path]) -> int:
    total = 0
    for path in files:
        with open(path, encoding="utf-8") as handle:
            total += sum(1 for _ in csv.reader(handle)) - 1
    return total


def _server_proc(store: GraphStore, name: str) -> str | None:
    """The embedded server's ``/proc/PID/NAME`` file, or None without one (Neo4j, gone)."""
    data_dir = getattr(store, "data_dir", None)
    if data_dir is None:
        return None
    try:
        pid = int((Path(data_dir) / "falkordb.pid").read_text())
        return Path(f"/proc/{pid}/{name}").read_text()
    except (OSError, ValueError):
        return None


def _server_peak_mib(store: GraphStore) -> float | None:
    """Peak resident memory of the embedded server (VmHWM), if there is one."""
    for line in (_server_proc(store, "status") or "").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def _server_cpu_seconds(store: GraphStore) -> float | None:
    """CPU seconds the embedded server has used so far (user + system), if there is one."""
    stat = _server_proc(store, "stat")
    if stat is None:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench(name: str, settings: Settings, files: list[Path], rows: int, single: int) -> None:
    with open_store(settings) as store:
        store.clear()
        server_before = _server_cpu_seconds(store)
        python_before = time.process_time()
        start = time.perf_counter()
        report = run_import(store, settings, files, ImportOptions())
        seconds = time.perf_counter() - start
        python_cpu = time.process_time() - python_before
        server_after = _server_cpu_seconds(store)
        assert not report.errors, report.errors[:3]
        server = _server_peak_mib(store)
        counts = store.count_by_label()
        residents = store.nodes(NodeLabel.RESIDENT)[:single]
        ties = [
            {"source": a, "target": b, **props}
            for a, b, props in store.relationships(
                RelType.KNOWS, source_label=NodeLabel.RESIDENT, target_label=NodeLabel.RESIDENT
            )[:single]
        ]
        store.clear()
        start = time.perf_counter()
        for node in residents:
            store.upsert_nodes(NodeLabel.RESIDENT, [{"id": node.id, **node.properties}])
        store.upsert_nodes(
            NodeLabel.RESIDENT, [{"id": e} for t in ties for e in (t["source"], t["target"])]
        )
        for tie in ties:
            store.upsert_relationships(
                RelType.KNOWS,
                [tie],
                source_label=NodeLabel.RESIDENT,
                target_label=NodeLabel.RESIDENT,
            )
        single_seconds = time.perf_counter() - start
        store.clear()
    batched_rate = rows / seconds
    single_rate = (len(residents) + len(ties)) / single_seconds
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{name}")
    print(f"  imported rows            {rows:>12,}")
    print(f"  nodes stored             {sum(counts.values()):>12,}")
    print(f"  seconds                  {seconds:>12.1f}")
    print(f"  CPU seconds, Python      {python_cpu:>12.1f}")
    if server_before is not None and server_after is not None:
        # the server works while Python prepares the next batch: the two overlap
        print(f"  CPU seconds, FalkorDB    {server_after - server_before:>12.1f}")
    print(f"  rows/s                   {batched_rate:>12,.0f}")
    print(f"  one row a call, rows/s   {single_rate:>12,.0f}   ({len(residents) + len(ties)} rows)")
    print(f"  ratio import : one row   {batched_rate / single_rate:>12,.0f}x")
    print(f"  peak memory, Python      {peak:>12,.0f} MiB")
    if server is not None:
        print(f"  peak memory, FalkorDB    {server:>12,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--single", type=int, default=2_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        files = write_csv(synthetic_city(args.residents, seed=1), Path(work) / "city")
        rows = _rows_in(files)
        print(f"city of {args.residents:,} residents: {rows:,} rows in {len(files)} CSV files, "
              f"generated in {time.perf_counter() - start:.1f} s")  # fmt: skip
        key = Path(work) / "secret.key"
        # idle 0: the database in the temporary folder stops with the bench, not 15 min later
        embedded = load_settings(db=f"embedded:{Path(work) / 'db'}", key_file=key, embedded_idle=0)
        bench("embedded FalkorDB", embedded, files, rows, args.single)

        with neo4j_settings(Path(work), key_file=key) as target:
            if target is not None:
                bench(*target, files, rows, args.single)


if __name__ == "__main__":
    main()
