"""The embedded database's append-only file: kept compact, and read back with progress shown.

FalkorDB runs inside ``redis-server`` with append-only persistence and an fsync after every
write (``appendfsync always``): nothing acknowledged is lost. Redis keeps that file in parts
(``falkordb/appendonlydir``): a *base*, a binary snapshot written by a rewrite, and
*incremental* files holding every write statement since, listed by a manifest. A start loads
the base and then replays every incremental statement — and replaying costs far more than
loading: a 10,000-resident import left 9.4 MB of MERGE statements that took 220 s to replay,
while the same data as a snapshot base loads in well under a second. Redis rewrites on its own
only past ``auto-aof-rewrite-min-size`` (64 MB by default), which most cities never reach.

So Wijkgraaf compacts — asks for a rewrite into a new base — after an import, a restore and an
erasure (which also takes the erased person's statements off the disk), and before the server
stops; and lowers the automatic threshold (:data:`AUTO_REWRITE_ARGS`) for a long-running
``serve``. A rewrite is crash-safe by Redis's design: new writes go to a fresh incremental file
listed in the manifest before the rewrite starts, and the manifest that names the new base
replaces the old one atomically only once that base is complete on disk.

While the server loads it answers ``LOADING``; :func:`loading_state` reads how far it got, so a
long start can say so instead of waiting in silence.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from graph.errors import StoreError

# Rewrite automatically once the file has grown to twice its base, from 8 MB up: a ``serve``
# that takes writes for months never leaves more than a few seconds of replay behind.
AUTO_REWRITE_ARGS: tuple[str, ...] = (
    "--aof-use-rdb-preamble", "yes",
    "--auto-aof-rewrite-percentage", "100",
    "--auto-aof-rewrite-min-size", "8mb",
)  # fmt: skip

# A rewrite may take a while for a city of a million (a fork, then a snapshot written out).
_REWRITE_TIMEOUT = 600.0


@dataclass(frozen=True)
class LoadingState:
    """How far a loading server is: a share from 0 to 1 and the seconds it expects still."""

    fraction: float
    eta_seconds: float | None

    def describe(self, lang: str) -> str:
        percent = f"{self.fraction * 100:.0f} %"
        if lang == "nl":
            eta = f", nog ongeveer {self.eta_seconds:.0f} s" if self.eta_seconds else ""
            return f"{percent} geladen{eta}"
        eta = f", about {self.eta_seconds:.0f} s to go" if self.eta_seconds else ""
        return f"{percent} loaded{eta}"


def loading_state(client: redis.Redis) -> LoadingState | None:
    """How far the server is in loading its files, or None if it is not loading (or silent).

    ``INFO`` is one of the few commands a loading server answers.
    """
    try:
        info = client.info("persistence")
    except (redis.RedisError, OSError):
        return None
    if not int(info.get("loading", 0)):
        return None
    eta = float(info.get("loading_eta_seconds", -1))
    return LoadingState(
        fraction=float(info.get("loading_loaded_perc", 0.0)) / 100,
        eta_seconds=eta if eta > 0 else None,
    )


def incremental_bytes(client: redis.Redis) -> int:
    """Bytes written to the incremental files since the last rewrite: what a start replays."""
    info = client.info("persistence")
    return max(0, int(info.get("aof_current_size", 0)) - int(info.get("aof_base_size", 0)))


def compact(client: redis.Redis) -> None:
    """Rewrite the append-only file into a snapshot base and wait until it is on disk.

    A rewrite already under way (an automatic one began before writes this call must cover)
    is waited for and then followed by ours, so the new base holds every write acknowledged
    before this call.
    """
    deadline = time.monotonic() + _REWRITE_TIMEOUT
    while True:
        before = int(client.info("persistence").get("aof_rewrites", 0))
        try:
            client.bgrewriteaof()
            break
        except redis.ResponseError as exc:
            if "already in progress" not in str(exc):
                raise StoreError(
                    f"De ingebouwde database kon haar bestand niet compact maken: {exc}.",
                    f"The embedded database could not compact its file: {exc}.",
                ) from exc
        _wait_rewrites(client, until=lambda info: not _busy(info), deadline=deadline)
    info = _wait_rewrites(
        client,
        # "scheduled" (a snapshot child runs) still counts: Redis starts ours right after it
        until=lambda info: not _busy(info) and int(info.get("aof_rewrites", 0)) > before,
        deadline=deadline,
    )
    if info.get("aof_last_bgrewrite_status") != "ok":
        raise StoreError(
            "De ingebouwde database kon haar bestand niet compact maken; zie falkordb.log.",
            "The embedded database could not compact its file; see falkordb.log.",
        )


def _busy(info: dict[str, Any]) -> bool:
    running = int(info.get("aof_rewrite_in_progress", 0))
    return bool(running or int(info.get("aof_rewrite_scheduled", 0)))


def _wait_rewrites(
    client: redis.Redis, *, until: Callable[[dict[str, Any]], bool], deadline: float
) -> dict[str, Any]:
    while time.monotonic() < deadline:
        info: dict[str, Any] = client.info("persistence")
        if until(info):
            return info
        time.sleep(0.01)
    raise StoreError(
        f"Compact maken van het databasebestand duurde langer dan {_REWRITE_TIMEOUT:.0f} s.",
        f"Compacting the database file took longer than {_REWRITE_TIMEOUT:.0f} s.",
    )


def disk_bytes(store_dir: Path) -> int:
    """Bytes the database's files take on disk (base, incremental files and manifest)."""
    return sum(path.stat().st_size for path in store_dir.rglob("*") if path.is_file())
