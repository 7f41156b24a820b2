"""The command line as a user meets it: separate processes, cold and warm, cities of any size.

    python bench/cold.py [--sizes 3000,10000,30000,100000] [--neo4j] [--keep DIR]

For each city size, in one run:

1. ``wijkgraaf generate`` writes the city (timed, apart), and ``wijkgraaf import`` loads it
   into a fresh embedded database: wall time, the command's peak memory, the database
   server's peak memory, and the data's size on disk afterwards.
2. **Cold**: the server stopped before every command, and stopped by it when it ends
   (``WIJKGRAAF_EMBEDDED_IDLE=0``), as after a reboot or with the old lifetime rule:
   ``status``, the six ``ask`` commands one after another, ``map`` of one buurt, and
   ``serve`` until ``/health`` answers.
3. **Warm**: the same with the server kept running between the commands (the default
   lifetime), as a coordinator's consecutive commands meet it: the first ``ask`` starts the
   question server (:mod:`graph.question_server`), which keeps the network in memory for the
   five after it.

Each command is its own process; its wall time is measured from outside and its peak
memory read from the kernel (``wait4``; a cold command's peak includes the database server it
started and stopped, a child it waited for). Printed first: ``wijkgraaf --help`` against
``python -c pass`` as the baseline; then per size a table of cold and warm seconds, peak
memory and the ratio cold/warm, and the six questions' total. With
``--neo4j`` the same commands run against a Neo4j server (``WIJKGRAAF_BENCH_NEO4J_URI``, or a
test server started here): there "cold" is a fresh process connecting to a running server.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.append_only import disk_bytes  # noqa: E402 - after the path is set

QUESTIONS = ("bridges", "isolated", "unused-strengths", "opportunities", "five-o", "ownership")
BUURT = "BU99980101"  # the synthetic city's first buurt (about 5,000 residents when full)


@dataclass
class Run:
    """One command: wall seconds, its peak memory (MiB) and its exit code."""

    seconds: float
    peak_mib: float
    code: int
    stderr: str = ""


@dataclass
class SizeResult:
    residents: int
    generate: Run | None = None
    imported: Run | None = None
    server_peak_mib: dict[str, float] = field(default_factory=dict)
    disk_mib: float = 0.0
    phases: dict[str, dict[str, Run]] = field(default_factory=dict)
    question_server_peak_mib: float = 0.0


def _process(env: dict[str, str], command: list[str], *, cwd: Path) -> Run:
    """Run ``command`` as its own process; wall time and peak memory from outside."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    stderr = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss / 1024, process.returncode, stderr)


def command(env: dict[str, str], *args: str, cwd: Path) -> Run:
    """``wijkgraaf ARGS`` as its own process."""
    return _process(env, [sys.executable, "-m", "api.cli", *args], cwd=cwd)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_until_healthy(env: dict[str, str], cwd: Path) -> Run:
    """Start ``wijkgraaf serve``, time it until ``/health`` answers 200, then stop it."""
    port = _free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    seconds = float("nan")
    while time.perf_counter() - started < 600 and process.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
                if answer.status == 200:
                    seconds = time.perf_counter() - started
                    break
        except OSError:
            time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except ChildProcessError:
        return Run(seconds, 0.0, process.returncode or 0)
    return Run(seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))


def _server_peak_mib(data: Path, pid_file: str = "falkordb.pid") -> float:
    """Peak memory of the running embedded server (VmHWM), or of the question server
    (``pid_file="questions.lock"``), or 0 when none runs."""
    with contextlib.suppress(OSError, ValueError):  # no pid file, or the server is gone
        pid = int((data / pid_file).read_text())
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _commands(env: dict[str, str], cwd: Path, out: Path) -> dict[str, Run]:
    """status, the six questions, a buurt's map and serve: each its own process."""
    runs = {"status": command(env, "status", cwd=cwd)}
    for question in QUESTIONS:
        runs[f"ask {question}"] = command(env, "ask", question, "--limit", "10", cwd=cwd)
    runs["map buurt"] = command(
        env, "map", "--neighbourhood", BUURT, "-o", str(out / "buurt.html"), cwd=cwd
    )
    runs["serve ready"] = _serve_until_healthy(env, cwd)
    return runs


def measure_size(
    residents: int, work: Path, base_env: dict[str, str], *, imported: Path | None = None
) -> SizeResult:
    """Generate and import a city (or take the one ``imported`` holds), then the commands."""
    result = SizeResult(residents)
    data, csv, out = imported or work / "data", work / "csv", work / "out"
    out.mkdir(parents=True, exist_ok=True)
    env = {**base_env, "WIJKGRAAF_DB": f"embedded:{data}"}
    # the import keeps its server up afterwards, so its peak memory can be read
    keep = {**env, "WIJKGRAAF_EMBEDDED_IDLE": "600", "WIJKGRAAF_STARTUP_TIMEOUT": "600"}
    if imported is None:
        result.generate = command(env, "generate", "--residents", str(residents), "--seed", "7",
                                   str(csv), cwd=work)  # fmt: skip
        result.imported = command(keep, "import", str(csv), cwd=work)
        result.server_peak_mib["import"] = _server_peak_mib(data)
    command(keep, "stop", cwd=work)
    result.disk_mib = disk_bytes(data / "falkordb") / 1_048_576

    cold = {**env, "WIJKGRAAF_EMBEDDED_IDLE": "0", "WIJKGRAAF_STARTUP_TIMEOUT": "600"}
    result.phases["cold"] = _commands(cold, work, out)

    command(keep, "status", cwd=work)  # start the server, as an earlier command would
    result.phases["warm"] = _commands(keep, work, out)
    result.server_peak_mib["questions"] = _server_peak_mib(data)
    result.question_server_peak_mib = _server_peak_mib(data, "questions.lock")
    command(keep, "stop", cwd=work)
    return result


def measure_neo4j(residents: int, work: Path, base_env: dict[str, str]) -> SizeResult | None:
    from bench.neo4j_target import neo4j_settings

    result = SizeResult(residents)
    csv, out = work / "csv", work / "out"
    with neo4j_settings(work) as target:
        if target is None:
            return None
        _, settings = target
        env = {
            **base_env,
            "WIJKGRAAF_DB": settings.db,
            "WIJKGRAAF_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        }
        from graph.backends import open_store

        with open_store(settings) as store:
            store.clear()
        result.imported = command(env, "import", str(csv), cwd=work)
        result.phases["cold"] = _commands(env, work, out)
        with open_store(settings) as store:
            store.clear()
    return result


def _row(name: str, cold: Run | None, warm: Run | None) -> str:
    def cell(run: Run | None) -> str:
        if run is None:
            return f"{'':>9} {'':>8}"
        mark = "" if run.code == 0 else " !"
        return f"{run.seconds:>8.2f}s{mark} {run.peak_mib:>6.0f}MB"

    measured = cold and warm and warm.seconds and not math.isnan(cold.seconds)
    ratio = f"{cold.seconds / warm.seconds:>6.2f}×" if cold and warm and measured else ""
    return f"  {name:<24} {cell(cold)}   {cell(warm)}   {ratio}"


def report(result: SizeResult, title: str) -> None:
    print(f"\n== {title}: {result.residents:,} residents")
    if result.generate:
        print(f"  generate (apart)        {result.generate.seconds:>8.2f}s")
    if result.imported:
        imp = result.imported
        print(
            f"  import                  {imp.seconds:>8.2f}s  peak {imp.peak_mib:,.0f} MB"
            + (f"  (exit {imp.code}: {imp.stderr.strip()[-200:]})" if imp.code else "")
        )
    if result.disk_mib:
        print(f"  data on disk            {result.disk_mib:>8.1f} MB")
    for phase, peak in result.server_peak_mib.items():
        print(f"  database server peak ({phase}) {peak:,.0f} MB")
    if result.question_server_peak_mib:
        print(f"  question server peak (warm)   {result.question_server_peak_mib:,.0f} MB")
    cold, warm = result.phases.get("cold", {}), result.phases.get("warm", {})
    print(f"  {'command':<24} {'cold':>18}   {'warm':>18}   cold/warm")
    for name in cold:
        print(_row(name, cold.get(name), warm.get(name)))
    asks = [name for name in cold if name.startswith("ask ")]
    if asks:
        total_cold = sum(cold[name].seconds for name in asks)
        total_warm = sum(warm[name].seconds for name in asks) if warm else None
        line = f"  {'six ask, in all':<24} {total_cold:>8.2f}s"
        if total_warm:
            line += f"{'':>9}   {total_warm:>8.2f}s{'':>9}   {total_cold / total_warm:>6.2f}×"
        print(line)
    failed = [name for phase in (cold, warm) for name, run in phase.items() if run.code != 0]
    for name in sorted(set(failed)):
        run = cold.get(name) if cold.get(name) and cold[name].code else warm[name]
        print(f"  ! {name} exited {run.code}: {run.stderr.strip()[-300:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3000,10000,30000,100000")
    parser.add_argument("--neo4j", action="store_true", help="also against Neo4j")
    parser.add_argument("--keep", type=Path, default=None, help="keep the work in this folder")
    parser.add_argument(
        "--imported",
        type=Path,
        default=None,
        help="a data folder that already holds the (one) city of --sizes, imported with the "
        "key file beside it (KEY_FILE): skip generating and importing it",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    top = args.keep or Path(tempfile.mkdtemp(prefix="wijkgraaf-cold-"))
    top.mkdir(parents=True, exist_ok=True)
    base_env = {
        name: value for name, value in os.environ.items() if not name.startswith("WIJKGRAAF_")
    }
    base_env["WIJKGRAAF_KEY_FILE"] = str(
        args.imported.parent / "secret.key" if args.imported else top / "secret.key"
    )
    base_env["WIJKGRAAF_API_KEYS_FILE"] = str(top / "api-keys.json")
    base_env["WIJKGRAAF_AUDIT_LOG"] = str(top / "audit.jsonl")
    base_env["WIJKGRAAF_QUERY_TIMEOUT"] = "0"

    help_run = min(
        (command(base_env, "--help", cwd=top) for _ in range(5)), key=lambda run: run.seconds
    )
    print(f"wijkgraaf --help: {help_run.seconds:.3f} s (best of 5), {help_run.peak_mib:.0f} MB")
    baseline = min(
        (_process(base_env, [sys.executable, "-c", "pass"], cwd=top) for _ in range(5)),
        key=lambda run: run.seconds,
    )
    print(f"python -c pass (baseline): {baseline.seconds:.3f} s")
    try:
        for residents in sizes:
            work = top / f"city-{residents}"
            result = measure_size(residents, work, base_env, imported=args.imported)
            report(result, "embedded FalkorDB")
            if args.neo4j:
                neo = measure_neo4j(residents, work, base_env)
                if neo is not None:
                    report(neo, "Neo4j, fresh process against a running server")
            if args.keep is None and args.imported is None:
                shutil.rmtree(work / "data", ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(top, ignore_errors=True)


if __name__ == "__main__":
    main()
