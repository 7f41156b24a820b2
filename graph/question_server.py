"""The question server: the network kept in memory between commands.

Every ``wijkgraaf ask`` used to load the network before it could answer: at a million
residents 4–5 s for the context and 1 s for its igraph twin, in each of six commands in a row.
So on the embedded database (with ``embedded_idle`` above 0) ``ask`` hands its question to
this server instead, and starts it the first time, as ``python -m graph.question_server
DATA_DIR --idle SECONDS`` in a session of its own, with the command's settings in its
environment. The server keeps the :class:`~graph.analysis.engine.Analyst` with its context and
answers, and answers one question at a time over a Unix socket in the data folder
(``questions.sock``, for its owner only). It holds ``questions.lock`` (its pid inside), so one
server answers per data folder.

For every question it opens the store, so the database runs only while it answers (the
keeper's idle time counts from the last question) and the graph's version is read: after an
import, a restore or an erasure the next answer is of the new version, never of a network kept
from before. It exits once nobody asked for ``--idle`` seconds, at ``wijkgraaf stop`` (SIGTERM),
or when the store fails in a way it cannot answer through; the next ``ask`` starts another.

One request per connection, one JSON line each way: ``{"question", "neighbourhoods", "theme",
"people_only", "limit"}``, answered by ``{"answer": …}`` (the
:class:`~graph.analysis.results.Answer`) or
``{"error": {"type", "nl", "en"}}`` (a :class:`~graph.errors.WijkgraafError`, raised again by
the client as the command would have raised it). A client that cannot reach a server, or gets
no answer, answers the question itself: the server saves time, it is never needed. Nothing
about people is logged; its log (``questions.log``) holds only when it started and stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, TYPE_CHECKING, Any

from graph import errors
from graph.progress import report
from graph.server_files import is_our_server, locked, pid_alive, socket_path_for, wait_exit
from graph.settings import Settings, load_settings, parse_db, settings_environment

if TYPE_CHECKING:
    from graph.analysis.engine import Analyst
    from graph.analysis.results import Answer, Scope

SOCKET = "questions.sock"
LOCK = "questions.lock"
LOG = "questions.log"
#: Bumped when a request or answer changes shape: a server of older code is not asked.
PROTOCOL = 2
#: The settings a server answers with; a client whose settings differ answers itself.
FIELDS = (
    "db",
    "graph_name",
    "startup_timeout",
    "embedded_idle",
    "projection_cache",
    "query_timeout",
    "secret_key",
    "key_file",
    "opportunity_min_residents",
)
_PROGRAM = b"graph.question_server"
_MAX_REQUEST = 64 * 1024
#: How long a client waits for a server it started to listen (it imports the analysis first).
_START_SECONDS = 30.0
#: How long either side waits for the other to send a request, or to take it.
_TALK_SECONDS = 5.0


@dataclass(frozen=True)
class Place:
    """The files of the question server of one data folder."""

    data_dir: Path

    @property
    def socket(self) -> Path:
        return socket_path_for(self.data_dir, SOCKET)

    @property
    def lock(self) -> Path:
        return self.data_dir / LOCK

    def pid(self) -> int | None:
        """The pid of the server answering here, or None if none runs."""
        if not locked(self.lock):
            return None
        try:
            pid = int(self.lock.read_text().strip() or 0)
        except (OSError, ValueError):
            return None
        return pid if pid and is_our_server(pid, _PROGRAM) else None


def fingerprint(settings: Settings) -> str:
    """What a server and a client must share for the server's answer to be the client's:
    the protocol and the settings that shape an answer (a digest: the secret stays out)."""
    chosen = json.dumps([PROTOCOL, settings_environment(settings, FIELDS)], sort_keys=True)
    return hashlib.sha256(chosen.encode()).hexdigest()


def place_for(settings: Settings) -> Place | None:
    """Where this installation's question server lives, or None where there is none: on
    Neo4j, or with ``embedded_idle`` 0 (each command then stands on its own)."""
    target = parse_db(settings.db)
    if target.kind != "embedded" or settings.embedded_idle <= 0:
        return None
    return Place(target.path.absolute())


# --- the client ------------------------------------------------------------------------------


def ask(
    settings: Settings, question: str, scope: Scope, *, limit: int, as_of: str | None = None
) -> Answer | None:
    """The answer from the question server of ``settings``' data folder, started if none
    runs; None if there is none here or it gave no answer (the caller then answers itself).
    An error the question itself causes (an unknown area, the database gone) is raised as
    :class:`~graph.errors.WijkgraafError`, as answering here would raise it."""
    from graph.analysis.results import Answer

    place = place_for(settings)
    if place is None or not place.data_dir.is_dir():
        return None
    request = {
        "fingerprint": fingerprint(settings),
        "question": question,
        "neighbourhoods": list(scope.neighbourhoods),
        "theme": scope.theme,
        "people_only": scope.people_only,
        "limit": limit,
        "as_of": as_of,
    }
    connection = _connect(place.socket)
    if connection is None:
        connection = _wait_for(place, _start(place, settings), _START_SECONDS)
    if connection is None:
        return None
    with connection:
        try:
            connection.settimeout(_TALK_SECONDS)
            connection.sendall(json.dumps(request).encode() + b"\n")
            reply = _read_reply(connection, place)
        except OSError:
            return None
    try:
        message = json.loads(reply)
        if not isinstance(message, dict):
            return None
        if "answer" in message:
            return Answer.model_validate(message["answer"])
    except ValueError:  # the server died while answering, or spoke another version
        return None
    if "error" not in message:
        return None  # a server of other settings: not ours to answer
    raise _error(message["error"])


def stop(place: Place, *, seconds: float = 10.0) -> bool:
    """Stop the server of ``place`` if one runs (SIGTERM, then its exit awaited; SIGKILL if
    it is deep in a computation that long); whether one ran. Only a process that holds the
    lock and is this program gets the signal, with its process group: a child it forked to
    compute on a second core goes with it (it started its own session, so the group is its)."""
    pid = place.pid()
    if pid is None:
        return False
    _signal_group(pid, signal.SIGTERM)
    if not wait_exit(pid, seconds) and pid_alive(pid):
        _signal_group(pid, signal.SIGKILL)
        wait_exit(pid, seconds)
    return True


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)


def _connect(path: Path) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:  # no server, or a socket file left by one that was killed
        connection.close()
        return None
    return connection


def _start(place: Place, settings: Settings) -> subprocess.Popen[bytes] | None:
    """Start a server for ``place`` unless one is starting; the process started, if any."""
    if place.pid() is not None:
        return None  # one is starting: wait for it to listen
    report(
        "De vragenserver start en leest het netwerk; volgende vragen gaan sneller.",
        "The question server starts and reads the network; later questions go faster.",
    )
    # only the settings an answer needs: no database password or API settings in a process
    # that outlives the command
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("WIJKGRAAF_")
    }
    environment.update(settings_environment(settings, FIELDS))
    with open(place.data_dir / LOG, "ab") as log:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "graph.question_server",
                str(place.data_dir),
                "--idle",
                str(settings.embedded_idle),
            ],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # outlives this command, as the database does
        )


def _wait_for(
    place: Place, started: subprocess.Popen[bytes] | None, seconds: float
) -> socket.socket | None:
    """A connection to the server of ``place`` once it listens; None if it does not within
    ``seconds``, or if the one started here ended and no other holds the place."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection = _connect(place.socket)
        if connection is not None:
            return connection
        if started is not None and started.poll() is not None and place.pid() is None:
            return None  # it could not start (its log says why): answer here
        time.sleep(0.05)
    return None


def _read_reply(connection: socket.socket, place: Place) -> bytes:
    """All the server sends, however long the question takes, as long as it lives."""
    chunks: list[bytes] = []
    while True:
        try:
            chunk = connection.recv(1 << 20)
        except TimeoutError:
            if place.pid() is None:
                return b""  # it died without closing (a child of it holds the socket)
            continue
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _error(fields: dict[str, Any]) -> errors.WijkgraafError:
    """The error the server sent, as the class it was raised as (those of :mod:`graph.errors`)."""
    kind = getattr(errors, str(fields.get("type")), None)
    nl, en = str(fields.get("nl", "")), str(fields.get("en", ""))
    if isinstance(kind, type) and issubclass(kind, errors.WijkgraafError):
        with contextlib.suppress(TypeError):
            return kind(nl, en)
    return errors.WijkgraafError(nl, en)


# --- the server ------------------------------------------------------------------------------


def serve(data_dir: Path, *, idle: float) -> str:
    """Answer questions for ``data_dir`` until unused for ``idle`` seconds; why it ended."""
    settings = load_settings()
    target = parse_db(settings.db)
    place = Place(data_dir.absolute())
    if target.kind != "embedded" or target.path.absolute() != place.data_dir:
        return f"the settings name another database ({target.kind}), not {place.data_dir}"
    with open(place.lock, "a") as lock:
        if not _take(lock):
            return "another question server answers here"
        lock.truncate(0)
        lock.write(str(os.getpid()))
        lock.flush()
        place.socket.unlink(missing_ok=True)  # left by a server that was killed
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        mask = os.umask(0o177)  # the socket for its owner only
        try:
            listener.bind(str(place.socket))
        finally:
            os.umask(mask)
        listener.listen(16)
        listener.settimeout(idle)
        signal.signal(signal.SIGTERM, _exit_on_signal)
        held = _Held(fingerprint(settings))
        try:
            while True:
                try:
                    connection, _ = listener.accept()
                except TimeoutError:
                    return f"unused for {idle:g} s"
                with connection:
                    try:
                        connection.settimeout(_TALK_SECONDS)
                        request = _read_request(connection)
                        connection.settimeout(None)
                    except OSError:
                        continue  # a client that sent nothing in time: the next one
                    reply, fatal = _answer(settings, held, request)
                    with contextlib.suppress(OSError):  # the client gave up: its loss
                        connection.sendall(reply)
                if fatal:
                    return "the store failed"
        except _Stopped:
            return "stopped (SIGTERM)"
        finally:
            listener.close()
            place.socket.unlink(missing_ok=True)


class _Stopped(BaseException):  # not caught as an error while answering
    """SIGTERM arrived (``wijkgraaf stop``)."""


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise _Stopped  # through serve's finally: the socket goes, the lock is released


def _read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\n" not in data and len(data) < _MAX_REQUEST:
        chunk = connection.recv(_MAX_REQUEST)
        if not chunk:
            break
        data += chunk
    return data


def _take(lock: IO[str], seconds: float = 2.0) -> bool:
    """Take the server's lock; a moment's patience, as ``status`` tests it by taking it."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


@dataclass
class _Held:
    """What the server keeps between questions."""

    fingerprint: str
    analyst: Analyst | None = None
    #: the database server's pid when the network was read: a restarted database may hold
    #: other data under the same version number (a data folder restored from a backup)
    database: object = None


def _answer(settings: Settings, held: _Held, raw: bytes) -> tuple[bytes, bool]:
    """The reply to one request, and whether the server must stop (its store failed)."""
    from graph.analysis.engine import Analyst
    from graph.analysis.results import Scope
    from graph.backends import open_store

    try:
        request = json.loads(raw)
        if request.get("fingerprint") != held.fingerprint:
            return json.dumps({"other_settings": True}).encode() + b"\n", False
        question = str(request["question"])
        scope = Scope(
            neighbourhoods=tuple(str(code) for code in request.get("neighbourhoods") or ()),
            theme=request.get("theme"),
            people_only=bool(request.get("people_only", False)),
        )
        limit = int(request.get("limit", 20))
        as_of = request.get("as_of")
        as_of = None if as_of is None else str(as_of)
    except (ValueError, KeyError, TypeError):
        refused = errors.InvalidDataError("Onleesbare vraag.", "Unreadable request.")
        return _reply(error=refused), False
    try:
        with open_store(settings) as store:
            database = (store.server_state() or {}).get("pid")
            if held.analyst is None or held.database != database:
                held.analyst, held.database = Analyst(store), database
            held.analyst.store = store  # this question's connection; the caches stay
            answer = held.analyst.ask(question, scope, limit=limit, as_of=as_of)
    except errors.WijkgraafError as error:
        return _reply(error=error), isinstance(error, errors.StoreError)
    except Exception as error:
        # a defect: the client answers itself and shows it; only its kind goes to the log,
        # as a message may name a person's pseudonymous id
        print(f"question server: {type(error).__name__} while answering", file=sys.stderr)
        return b"", True
    return _reply(answer=answer.model_dump(mode="json")), False


def _reply(
    *, answer: dict[str, Any] | None = None, error: errors.WijkgraafError | None = None
) -> bytes:
    if error is not None:
        fields = {"type": type(error).__name__, "nl": error.nl, "en": error.en}
        return json.dumps({"error": fields}).encode() + b"\n"
    return json.dumps({"answer": answer}).encode() + b"\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m graph.question_server")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--idle", type=float, required=True)
    arguments = parser.parse_args(argv)
    began = time.strftime("%Y-%m-%dT%H:%M:%S")
    print(f"{began} question server {os.getpid()}: started", file=sys.stderr, flush=True)
    why = serve(arguments.data_dir, idle=arguments.idle)
    ended = time.strftime("%Y-%m-%dT%H:%M:%S")
    print(f"{ended} question server {os.getpid()}: {why}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
