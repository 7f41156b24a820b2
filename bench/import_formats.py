"""A synthetic city's residents and ties as GraphML, GEXF and the template CSVs: import seconds
and peak memory of each, and the ratios against the CSVs, in one run.

    python bench/import_formats.py [--residents 100000]

The city is generated once (``wijkgraaf generate``); its ``bewoners`` and ``contacten`` are
written as they are (CSV) and as one network file each (GraphML, GEXF: nodes with the
residents' columns as attributes, edges with the ties'), beside the same ``buurten.csv``. Each
import runs in a process of its own, into a fresh embedded database, so each peak is its own:
the importer's peak resident memory (``VmHWM``) as the child reports it as it ends, and the
embedded database server's. Seconds are the whole import: read, validate, pseudonymise, write.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx

from importers.synthetic import synthetic_city, write_csv

#: The child: import the files into a fresh embedded database, report seconds and peaks.
_CHILD = """
import importlib, json, re, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
_server_peak_mib = importlib.import_module("bench.import")._server_peak_mib
from graph.backends import open_store
from graph.settings import load_settings
from importers.load import ImportOptions, run_import

work, files = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
settings = load_settings(db=f"embedded:{{work / 'db'}}", key_file=work / "secret.key",
                         embedded_idle=0)
with open_store(settings) as store:
    store.clear()
    start = time.perf_counter()
    report = run_import(store, settings, files, ImportOptions())
    seconds = time.perf_counter() - start
    server = _server_peak_mib(store)
    counts = store.count_by_label()
status = Path("/proc/self/status").read_text()
peak = int(re.search(r"VmHWM:\\s+(\\d+)", status)[1]) / 1024
print(json.dumps({{"seconds": seconds, "peak": peak, "server": server,
                  "errors": [e.message("en") for e in report.errors[:3]],
                  "residents": counts.get("Resident", 0)}}))
"""


def _city_graph(people: Path, ties: Path) -> nx.Graph:
    """The residents and ties CSVs as one graph: their columns become attributes."""
    graph = nx.Graph()
    with people.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            node = row.pop("bron_id")
            graph.add_node(node, **{k: v for k, v in row.items() if v})
    with ties.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            a, b = row.pop("bewoner"), row.pop("andere_bewoner")
            graph.add_edge(a, b, **{k: v for k, v in row.items() if v})
    return graph


@dataclass
class Result:
    size: float  # MiB of input
    seconds: float
    peak: float  # MiB, the importer's
    server: float | None  # MiB, the embedded database server's
    residents: int


def _run(work: Path, files: list[Path]) -> Result:
    root = str(Path(__file__).resolve().parents[1])
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD.format(root=root), str(work), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the import of {[f.name for f in files]} failed:\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["errors"]:
        raise SystemExit(f"the import of {[f.name for f in files]} was refused: {result}")
    size = sum(f.stat().st_size for f in files) / 2**20
    return Result(size, result["seconds"], result["peak"], result["server"], result["residents"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        written = {p.name: p for p in write_csv(synthetic_city(args.residents, seed=1),
                                                work / "city")}  # fmt: skip
        areas, people, ties = (written[n] for n in ("buurten.csv", "bewoners.csv",
                                                    "contacten.csv"))  # fmt: skip
        graph = _city_graph(people, ties)
        graphml, gexf = work / "city.graphml", work / "city.gexf"
        nx.write_graphml(graph, graphml, encoding="utf-8")
        nx.write_gexf(graph, gexf, encoding="utf-8")
        print(
            f"city of {args.residents:,} residents: {graph.number_of_nodes():,} nodes, "
            f"{graph.number_of_edges():,} ties, made in {time.perf_counter() - start:.1f} s"
        )
        runs = {
            "template CSVs": [areas, people, ties],
            "GraphML": [areas, graphml],
            "GEXF": [areas, gexf],
        }
        results = {name: _run(work / name.replace(" ", "-"), files) for name, files in runs.items()}
        base = results["template CSVs"]
        print(f"\n{'':16}{'MiB in':>9}{'seconds':>10}{'peak MiB':>10}{'server MiB':>12}"
              f"{'x seconds':>11}{'x peak':>9}")  # fmt: skip
        for name, result in results.items():
            server = f"{result.server:,.0f}" if result.server is not None else "-"
            print(
                f"{name:16}{result.size:>9.1f}{result.seconds:>10.1f}{result.peak:>10,.0f}"
                f"{server:>12}{result.seconds / base.seconds:>10.2f}x"
                f"{result.peak / base.peak:>8.2f}x"
            )
            assert result.residents == graph.number_of_nodes(), (name, result)


if __name__ == "__main__":
    main()
