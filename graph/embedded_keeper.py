"""The keeper: stops an embedded server once nobody has used it for its idle time.

Started by :class:`graph.embedded_server.EmbeddedServer` beside a server it starts (when the
setting ``embedded_idle`` is above 0), as ``python -m graph.embedded_keeper DATA_DIR --idle
SECONDS``, in a session of its own so that it outlives the command that started it. It holds
``keeper.lock`` (its pid inside) while it lives, so one keeper watches a server; a second
one exits at once.

Every half second it looks at ``clients/``: while a live process holds a client lock the
server is in use. Once none has for ``--idle`` seconds, it takes the start/stop lock, checks
again, compacts the database file and shuts the server down cleanly, and exits. It exits too
when the server is gone (stopped by ``wijkgraaf stop``, or killed). It reads and writes no
data, only the server's state.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import time
from pathlib import Path

from graph.embedded_server import EmbeddedServer
from graph.server_files import is_our_server

_POLL_SECONDS = 0.5


def keep(data_dir: Path, *, idle: float, poll: float = _POLL_SECONDS) -> str:
    """Watch the server of ``data_dir`` until it stops; returns why the watch ended."""
    server = EmbeddedServer(data_dir.absolute(), startup_timeout=60, idle=idle)
    with open(server.keeper_lock, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return "another keeper watches this server"
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        last_used = time.monotonic()
        while True:
            time.sleep(poll)
            pid = server.server_pid()
            if pid is None or not is_our_server(pid):
                return "the server is gone"
            if server.live_clients():
                last_used = time.monotonic()
                continue
            if time.monotonic() - last_used < idle:
                continue
            with server.exclusive():
                if server.live_clients():  # one arrived while we took the lock
                    last_used = time.monotonic()
                    continue
                if server.server_pid() != pid:
                    return "the server was replaced"
                server.shutdown()
            return "stopped after being unused"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m graph.embedded_keeper")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--idle", type=float, required=True)
    args = parser.parse_args(argv)
    keep(args.data_dir, idle=args.idle)


if __name__ == "__main__":
    main()
