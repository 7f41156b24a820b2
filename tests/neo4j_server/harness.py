"""Build, start and stop the real Neo4j 5.26 test server of ``tests/neo4j_server``.

Wijkgraaf's contract tests run against a real Neo4j, not a mock. This module turns the small
Java launcher next to it (``src/main/java/.../Neo4jTestServer.java``, the official Neo4j test
harness with Bolt on 127.0.0.1 and HTTP off) into something Python and bash can use:

* as an import, for ``tests/conftest.py``::

      from tests.neo4j_server.harness import Neo4jTestServer, build, java_and_maven_available

      build()
      with Neo4jTestServer() as server:
          uri = server.start(tmp_path)          # bolt://127.0.0.1:PORT, no authentication

* as a script, for ``.ci/run`` (the server keeps running after the script exits)::

      python tests/neo4j_server/harness.py build
      python tests/neo4j_server/harness.py start --workdir DIR --pid-file F --uri-file U
      python tests/neo4j_server/harness.py stop --pid-file F

* with the open-source Graph Data Science library loaded, only when asked for (``bench/
  projection.py`` compares its in-database projection with Wijkgraaf's): ``build(gds=True)``
  and ``Neo4jTestServer(gds=True)``, or ``build --gds`` and ``start --gds``. That is Maven's
  ``-Pgds`` profile, built into ``target/gds/`` apart from the default build, which the suite
  and CI use as before; the server then scans the GDS jars as its plugins and lets ``gds.*``
  procedures use Neo4j's internal API (``dbms.security.procedures.unrestricted``).

Only the process this module started is ever signalled, by its pid; a pid from a pid file is
checked to still be this launcher before it is signalled. Standard library only.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
TARGET = HERE / "target"
CLASSES = TARGET / "classes"
LIB = TARGET / "lib"
#: Written after a successful build; its mtime says how fresh the build is.
BUILD_STAMP = TARGET / ".harness-build-stamp"
#: ``mvn -Pgds``: the launcher with GDS, in a folder of its own (see pom.xml's profile).
GDS_TARGET = TARGET / "gds"
#: The GDS jars alone: the folder the server scans for procedures.
GDS_PLUGINS = GDS_TARGET / "plugins"
#: The procedures GDS needs to be let use Neo4j's internal API.
GDS_UNRESTRICTED = "gds.*"
MAIN_CLASS = "nl.wijkgraaf.test.Neo4jTestServer"
#: The flags Neo4j asks for on Java 17: without them its page cache falls back to a slower
#: buffer mode (java.nio) and its transaction-log native calls fail with "Incorrect file
#: descriptor" (java.io, sun.nio.ch). Nothing else is asked for (checked in debug.log).
JVM_FLAGS = (
    "-Xmx1g",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
)
#: Neo4j 5.26 runs on Java 17 or 21.
MIN_JAVA = 17
#: SIGTERM runs the launcher's shutdown hook (a clean close, well under a second); after this
#: long it gets SIGKILL.
STOP_GRACE_SECONDS = 30.0
LOG_NAME = "neo4j-test-server.log"


def java_and_maven_available() -> str | None:
    """Return None when Java 17+ and Maven are on the PATH; otherwise why Neo4j tests are skipped.

    The reason is shown to whoever runs the tests, so it says in Dutch and English what is
    missing and what happens because of it.
    """
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        names = " / ".join(missing)
        return (
            f"{names} niet gevonden / {names} not found: "
            "Neo4j-tests overgeslagen / Neo4j tests skipped"
        )
    version = _java_major_version()
    if version is not None and version < MIN_JAVA:
        return (
            f"Java {version} is te oud / Java {version} is too old (Neo4j 5.26 needs {MIN_JAVA}+): "
            "Neo4j-tests overgeslagen / Neo4j tests skipped"
        )
    return None


def _java_major_version() -> int | None:
    """The major version of ``java`` on the PATH, or None when it cannot be told."""
    try:
        result = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr)
    if match is None:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major  # "1.8.0" is Java 8


def classpath(*, gds: bool = False) -> str:
    """The launcher's runtime classpath (Java expands the ``*`` itself); with ``gds``, that of
    the ``-Pgds`` build, GDS and its kernel extensions included."""
    target = GDS_TARGET if gds else TARGET
    return os.pathsep.join([str(target / "classes"), str(target / "lib" / "*")])


def java_command(
    db_dir: Path,
    *,
    uri_file: Path | None = None,
    port: int = 0,
    password: str | None = None,
    watch_pid: int | None = None,
    gds: bool = False,
) -> list[str]:
    """The full ``java`` command line that runs the launcher (with ``gds``: with GDS loaded)."""
    command = ["java", *JVM_FLAGS, "-cp", classpath(gds=gds), MAIN_CLASS, "--dir", str(db_dir)]
    command += ["--port", str(port)]
    if uri_file is not None:
        command += ["--uri-file", str(uri_file)]
    if password is not None:
        command += ["--password", password]
    if watch_pid is not None:
        command += ["--watch-pid", str(watch_pid)]
    if gds:
        command += ["--plugin-dir", str(GDS_PLUGINS), "--unrestricted", GDS_UNRESTRICTED]
    return command


def _build_inputs() -> list[Path]:
    return [HERE / "pom.xml", *(path for path in (HERE / "src").rglob("*") if path.is_file())]


def _stamp(gds: bool) -> Path:
    return GDS_TARGET / BUILD_STAMP.name if gds else BUILD_STAMP


def is_built(*, gds: bool = False) -> bool:
    """True when the last successful build is newer than pom.xml and every source file (with
    ``gds``: the last ``-Pgds`` build, which the default build neither needs nor makes)."""
    target, stamp = (GDS_TARGET if gds else TARGET), _stamp(gds)
    lib = target / "lib"
    if not stamp.exists() or not (target / "classes").is_dir():
        return False
    if not any(lib.glob("neo4j-harness-*.jar")):
        return False
    if gds and not any(GDS_PLUGINS.glob("opengds-extension-*.jar")):
        return False
    newest_input = max(path.stat().st_mtime for path in _build_inputs())
    return stamp.stat().st_mtime >= newest_input


@contextmanager
def _build_lock() -> Iterator[None]:
    """One build at a time, also across processes (e.g. parallel test workers)."""
    TARGET.mkdir(exist_ok=True)
    with open(TARGET / ".harness-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build(*, quiet: bool = True, gds: bool = False) -> None:
    """Compile the launcher and copy its dependencies to ``target/lib``, unless up to date.

    A second call is instant: Maven only runs when pom.xml or a source file changed since the
    last successful build. When pom.xml changed, ``target/lib`` is emptied first, so jars of a
    previous Neo4j version never end up on the same classpath as the new ones. Raises
    RuntimeError with the tail of Maven's output when the build fails.

    With ``gds``, the same for Maven's ``-Pgds`` build in ``target/gds/`` (the launcher with
    the open-source Graph Data Science library), which leaves the default build alone.
    """
    if is_built(gds=gds):
        return
    stamp = _stamp(gds)
    with _build_lock():
        if is_built(gds=gds):  # another process built it while we waited for the lock
            return
        if not stamp.exists() or (HERE / "pom.xml").stat().st_mtime > stamp.stat().st_mtime:
            # The dependency set may have changed: no stale jars next to the new ones. (A
            # source-only change leaves target/lib alone, so a running server keeps its jars.)
            for folder in (GDS_TARGET / "lib", GDS_PLUGINS) if gds else (LIB,):
                shutil.rmtree(folder, ignore_errors=True)
        stamp.unlink(missing_ok=True)
        started = time.time()
        command = ["mvn", "-B", "-DskipTests", "package"]
        if gds:
            command.insert(1, "-Pgds")
        if quiet:
            command.insert(1, "-q")
        try:
            result = subprocess.run(
                command,
                cwd=HERE,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=1800,
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(
                f"Maven build of the Neo4j test server took over {exc.timeout:.0f} s"
            ) from exc
        if result.returncode != 0:
            raise RuntimeError(
                f"Maven build of the Neo4j test server failed (exit {result.returncode}) "
                f"in {HERE}:\n" + _tail(result.stdout + result.stderr)
            )
        if not quiet:
            sys.stdout.write(result.stdout)
            sys.stderr.write(result.stderr)
        stamp.write_text(f"built in {time.time() - started:.1f} s\n")
        # Stamp with the build's start: an input edited during the build makes it stale.
        os.utime(stamp, (started, started))


def _tail(text: str, lines: int = 40) -> str:
    """The last ``lines`` lines of ``text``, without the colour codes Maven 3.8 emits with -B."""
    return "\n".join(re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()[-lines:])


def _read_tail(path: Path, lines: int = 40) -> str:
    try:
        return _tail(path.read_text(errors="replace"), lines)
    except OSError:
        return "(no log)"


def _port_open(uri: str) -> bool:
    """True when something accepts TCP connections at the URI's host and port."""
    parsed = urlparse(uri)
    try:
        address = (parsed.hostname or "127.0.0.1", parsed.port or 7687)
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees either nothing or all of it."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


class Neo4jTestServer:
    """One Neo4j test server process, started and stopped by this object.

    Each server has its own working directory (its database, its URI file and its log) and
    its own Bolt port, so several can run at once. Usable as a context manager: leaving the
    ``with`` block stops the server.

    With ``gds`` it runs the ``-Pgds`` build (see :func:`build`): the open-source Graph Data
    Science library loaded, its ``gds.*`` procedures allowed.
    """

    def __init__(self, *, gds: bool = False) -> None:
        self.gds = gds
        self.process: subprocess.Popen[bytes] | None = None
        self.uri: str | None = None
        self.log_path: Path | None = None
        self.command: list[str] | None = None

    @property
    def pid(self) -> int | None:
        """The java process's pid while it is ours to stop."""
        return self.process.pid if self.process is not None else None

    def start(
        self,
        workdir: Path,
        *,
        timeout: float = 120,
        port: int = 0,
        password: str | None = None,
        watch_pid: int | Literal["self"] | None = "self",
    ) -> str:
        """Start a server with its files in ``workdir`` and return its Bolt URI once it answers.

        ``port`` 0 lets the server pick a free port. ``password`` turns authentication on
        (user ``neo4j``); by default there is none. ``watch_pid`` makes the server stop by
        itself when that process ends: by default ("self") this Python process, so a test run
        that is killed leaves no JVM behind; None for a server that should outlive it.

        Ready means: the launcher wrote its URI file and a TCP connection to the port works.
        Raises RuntimeError with the end of the server's log if it exits first, and stops it
        and raises if it is not ready within ``timeout`` seconds.
        """
        if self.process is not None:
            raise RuntimeError(f"this Neo4jTestServer is already running (pid {self.process.pid})")
        workdir = Path(workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        uri_file = workdir / "bolt-uri"
        uri_file.unlink(missing_ok=True)
        self.log_path = workdir / LOG_NAME
        self.command = java_command(
            workdir / "db",
            uri_file=uri_file,
            port=port,
            password=password,
            watch_pid=os.getpid() if watch_pid == "self" else watch_pid,
            gds=self.gds,
        )
        with open(self.log_path, "wb") as log:  # a file, not a pipe: it never fills up
            self.process = subprocess.Popen(
                self.command,
                cwd=workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C in the terminal is not meant for it
            )
        try:
            self.uri = self._wait_until_ready(uri_file, timeout)
        except BaseException:
            self.stop()
            raise
        return self.uri

    def _wait_until_ready(self, uri_file: Path, timeout: float) -> str:
        assert self.process is not None and self.log_path is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the Neo4j test server exited with {self.process.returncode} "
                    "before it was ready; "
                    f"end of {self.log_path}:\n{_read_tail(self.log_path)}"
                )
            if uri_file.exists():
                uri = uri_file.read_text().strip()
                if _port_open(uri):
                    return uri
            time.sleep(0.1)
        raise RuntimeError(
            f"the Neo4j test server was not ready within {timeout:.0f} s and was stopped; "
            f"end of {self.log_path}:\n{_read_tail(self.log_path)}"
        )

    def detach(self) -> int:
        """Give up ownership: the server keeps running after this process; returns its pid."""
        if self.process is None:
            raise RuntimeError("no server is running")
        pid = self.process.pid
        self.process = None
        return pid

    def stop(self) -> None:
        """Stop the server this object started: SIGTERM, then SIGKILL after 30 s. Idempotent."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> Neo4jTestServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _is_our_server(pid: int) -> bool:
    """True while ``pid`` is a live (not zombie) process running this launcher.

    Guards against pid reuse: a stale pid file must never make us signal someone else's
    process. Where /proc is missing, a live pid is taken at its word.
    """
    proc = Path(f"/proc/{pid}")
    if not Path("/proc/self").exists():
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):
            return False  # gone, or not ours
        return True
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        cmdline = (proc / "cmdline").read_bytes().split(b"\0")
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X") and MAIN_CLASS.encode() in cmdline


def stop_pid(pid: int, *, grace: float = STOP_GRACE_SECONDS) -> bool:
    """Stop the launcher running as ``pid``: SIGTERM, wait, SIGKILL. False if it was not running."""
    if not _is_our_server(pid):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _is_our_server(pid):
            return True
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + 10
    while _is_our_server(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return True


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="harness.py", description="Build, start and stop Wijkgraaf's Neo4j 5.26 test server."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="compile the launcher (no-op when up to date)")
    build_parser.add_argument("--verbose", action="store_true", help="show Maven's full output")
    build_parser.add_argument(
        "--gds", action="store_true", help="build the launcher with Graph Data Science (-Pgds)"
    )
    start = commands.add_parser("start", help="start a server that outlives this script")
    start.add_argument("--workdir", type=Path, required=True, help="database, log, URI file")
    start.add_argument("--pid-file", type=Path, required=True, help="java's pid is written here")
    start.add_argument("--uri-file", type=Path, required=True, help="the Bolt URI is written here")
    start.add_argument("--port", type=int, default=0, help="Bolt port (default 0: any free port)")
    start.add_argument("--password", default=None, help="turn authentication on (user neo4j)")
    start.add_argument("--timeout", type=float, default=120, help="seconds to wait for it")
    start.add_argument("--watch-pid", type=int, default=None, help="stop when this pid ends")
    start.add_argument(
        "--gds", action="store_true", help="with Graph Data Science loaded (builds -Pgds)"
    )
    stop = commands.add_parser("stop", help="stop the server of a pid file (no-op when it is gone)")
    stop.add_argument("--pid-file", type=Path, required=True)
    args = parser.parse_args(argv)

    if args.command == "build":
        build(quiet=not args.verbose, gds=args.gds)
    elif args.command == "start":
        build(gds=args.gds)
        server = Neo4jTestServer(gds=args.gds)
        try:
            uri = server.start(
                args.workdir,
                timeout=args.timeout,
                port=args.port,
                password=args.password,
                watch_pid=args.watch_pid,
            )
        except RuntimeError as exc:
            print(f"harness.py start: {exc}", file=sys.stderr)
            return 1
        pid = server.detach()
        _write_atomically(args.pid_file, f"{pid}\n")
        _write_atomically(args.uri_file, uri + "\n")
        print(uri)
    else:
        try:
            pid = int(args.pid_file.read_text().strip())
        except (OSError, ValueError):
            return 0
        stop_pid(pid)
        args.pid_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
