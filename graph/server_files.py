"""The files and processes of a server Wijkgraaf runs: its socket path, whether a pid is it,
waiting for it to exit, and the ``flock`` locks processes share a data folder by.

>>> len(os.fsencode(socket_path_for(Path("/d" * 80)))) <= 100
True
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import IO

from graph.errors import ConfigurationError

# A Unix socket path must be shorter than 108 bytes (sun_path); keep a margin.
_MAX_SOCKET_PATH = 100


def socket_path_for(data_dir: Path, name: str = "falkordb.sock") -> Path:
    """The socket ``name`` inside ``data_dir``, or in a short per-user runtime dir if that
    path is too long."""
    inside = data_dir / name
    if len(os.fsencode(inside)) <= _MAX_SOCKET_PATH:
        return inside
    runtime = Path(tempfile.gettempdir()) / f"wijkgraaf-{os.getuid()}"
    runtime.mkdir(mode=0o700, exist_ok=True)
    found = runtime.lstat()
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
        # someone else made it first, to plant sockets where ours would be looked for
        raise ConfigurationError(
            f"{runtime} is niet alleen van u; kies een kortere datamap (--db embedded:PAD).",
            f"{runtime} is not yours alone; choose a shorter data folder (--db embedded:PATH).",
        )
    digest = hashlib.sha256(os.fsencode(data_dir)).hexdigest()[:24]
    return runtime / (f"{digest}.sock" if name == "falkordb.sock" else f"{digest}.{name}")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_our_server(pid: int, program: bytes = b"redis-server") -> bool:
    """Whether ``pid`` is a live ``program`` (by default the redis-server; not a recycled pid
    of another program)."""
    if not pid_alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (macOS): trust the pid file
    return program in cmdline


def locked(path: Path) -> bool:
    """Whether a live process holds an exclusive ``flock`` on ``path``."""
    try:
        with open(path) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
    except BlockingIOError:
        return True
    except FileNotFoundError:
        return False


def wait_exit(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            waited, _ = os.waitpid(pid, os.WNOHANG)  # reap it if it is our child
            if waited == pid:
                return True
        except ChildProcessError:
            if not pid_alive(pid):
                return True
        time.sleep(0.05)
    return False


class FileLock:
    """An exclusive ``flock`` on a file, as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def __enter__(self) -> FileLock:
        self._handle = open(self.path, "a")
        fcntl.flock(self._handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._handle is not None
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None
