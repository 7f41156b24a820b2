"""Processes the tests start and watch: whether a pid lives, waiting for it to end, and the
pid a server wrote into its file."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, which has no command line, does not)."""
    try:
        return bool(Path(f"/proc/{pid}/cmdline").read_bytes())
    except OSError:
        return False


def wait_gone(pid: int, seconds: float = 30) -> bool:
    """Wait up to ``seconds`` for ``pid`` to end (reaping it if it is our child)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        if not alive(pid):
            return True
        time.sleep(0.05)
    return False


def pid_in(path: Path) -> int | None:
    """The pid a server or keeper wrote into ``path``, or None."""
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None
