"""Many concurrent clients against the HTTP API on loopback, with a warmed cache.

    python bench/api.py [--residents 0] [--clients 50] [--requests 4000] [--workers 1 2]

Imports the sample neighbourhood (or, with ``--residents N``, a synthetic city) into a fresh
embedded database and makes an integration key and a coach key. For each ``--workers`` count
in turn it starts ``wijkgraaf serve --workers N`` on a free loopback port (stopped by its pid
afterwards) and warms the answers of every process. Then, per route:
one client one request at a time (the baseline), and ``--clients`` clients at once. Prints
requests per second, p50/p95/p99 latency, errors, and the ratios against the baseline.
Target on 2 cores: recommendations p95 under 50 ms at 50 clients, zero errors.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.access.api_keys import KeyStore
from api.access.audit import Role
from graph.backends import open_store
from graph.model import NodeLabel
from graph.settings import load_settings
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files, synthetic_city, write_csv


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Connection:
    """One keep-alive HTTP/1.1 connection that sends GETs and reads whole answers.

    The load comes from this process on the same two cores as the server, so the client is
    kept lean: a request is a few bytes written, an answer is its head parsed for the status
    and ``Content-Length`` and its body read. (A full HTTP client spent more CPU per request
    than the server.)"""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n\r\n".encode()

    async def __aenter__(self) -> Connection:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()

    async def get(self, path: str) -> int:
        """The status of ``GET path`` (its body read and dropped)."""
        self.writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.head)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await self.reader.readexactly(length)
        return status


async def run(url: str, token: str, paths: list[str], clients: int, total: int) -> dict[str, float]:
    """``total`` requests spread over ``clients`` concurrent clients; latency figures."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[str] = asyncio.Queue()
    for number in range(total):
        queue.put_nowait(paths[number % len(paths)])
    host, port = url.removeprefix("http://").split(":")

    async def client() -> None:
        nonlocal errors
        async with Connection(host, int(port), token) as http:
            while not queue.empty():
                path = queue.get_nowait()
                start = time.perf_counter()
                status = await http.get(path)
                latencies.append(time.perf_counter() - start)
                errors += status != 200

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - start
    ordered = sorted(latencies)

    def pct(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return {
        "rps": len(ordered) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": float(errors),
    }


def measure(env: dict[str, str], workers: int, tokens: dict[str, str], args: Any) -> None:
    """Start ``wijkgraaf serve --workers N``, warm it, load it, print the figures, stop it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-c", "from api.cli import run; run()", "serve"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", str(workers)],
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(httpx.HTTPError):  # not listening yet
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the API did not start")
            time.sleep(0.2)
        routes = (
            ("recommendations", tokens["integration"], tokens["recommend"].split()),
            ("question", tokens["coach"], ["/questions/isolated", "/questions/unused-strengths"]),
        )
        for _, token, paths in routes:  # warm every process's cache
            asyncio.run(run(url, token, paths, 2 * workers, 8 * workers * len(paths)))
        for name, token, paths in routes:
            one = asyncio.run(run(url, token, paths, 1, min(400, args.requests)))
            many = asyncio.run(run(url, token, paths, args.clients, args.requests))
            for clients, figures in ((1, one), (args.clients, many)):
                print(
                    f"  {name:<18}{workers:>8}{clients:>9}{figures['rps']:>9.0f}"
                    f"{figures['p50']:>9.1f}{figures['p95']:>9.1f}{figures['p99']:>9.1f}"
                    f"{figures['errors']:>8.0f}"
                )
            print(
                f"  {name}, {workers} worker(s): throughput {many['rps'] / one['rps']:.1f}x "
                f"the single client, p95 {many['p95'] / one['p95']:.1f}x"
            )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=0, help="0: the sample neighbourhood")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="server processes, each in turn"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        env = {
            **os.environ,
            "WIJKGRAAF_DB": f"embedded:{work / 'db'}",
            "WIJKGRAAF_KEY_FILE": str(work / "secret.key"),
            "WIJKGRAAF_API_KEYS_FILE": str(work / "keys.json"),
            "WIJKGRAAF_AUDIT_LOG": str(work / "audit.jsonl"),
            "WIJKGRAAF_RATE_LIMIT": "1000000",
            # the database in the temporary folder stops with its last user, not 15 min later
            "WIJKGRAAF_EMBEDDED_IDLE": "0",
        }
        settings = load_settings(
            db=env["WIJKGRAAF_DB"],
            key_file=work / "secret.key",
            api_keys_file=work / "keys.json",
            embedded_idle=0,
        )
        files = (
            write_csv(synthetic_city(args.residents, seed=1), work / "city")
            if args.residents
            else sample_files()
        )
        with open_store(settings) as store:
            run_import(store, settings, files, ImportOptions())
            residents = [n for n in store.nodes(NodeLabel.RESIDENT)]
            code = str(residents[0].properties["neighbourhood"])
            chosen = [r.id for r in residents if r.properties.get("neighbourhood") == code][:50]
            keys = KeyStore(settings.api_keys_file)
            tokens = {
                "integration": keys.create(Role.INTEGRATION)[1],
                "coach": keys.create(Role.COACH, [code])[1],
                "recommend": " ".join(f"/recommendations?resident={r}" for r in chosen),
            }
            print(f"{len(residents):,} residents; {args.clients} clients, {args.requests} requests")
            heads = ("workers", "clients", "req/s", "p50 ms", "p95 ms", "p99 ms")
            print(
                f"  {'route':<18}{heads[0]:>8}"
                + "".join(f"{h:>9}" for h in heads[1:])
                + f"{'errors':>8}"
            )
            for workers in args.workers:
                measure(env, workers, tokens, args)


if __name__ == "__main__":
    main()
