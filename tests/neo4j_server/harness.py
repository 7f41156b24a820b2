"""Build, start and stop the real Neo4j 5.26 test server of ``tests/neo4j_server``.

Used by ``tests/conftest.py`` (a session fixture starts a server when none is given) and by
``.ci/run`` as a script::

    python tests/neo4j_server/harness.py build
    python tests/neo4j_server/harness.py start --workdir DIR --pid-file F --uri-file U \
        [--password PW]
    python tests/neo4j_server/harness.py stop --pid-file F

The server listens on 127.0.0.1 only. Only the process this module started is ever stopped,
by its pid.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from urllib.parse import urlparse

HERE = Path(__file__).resolve().parent
MAIN_CLASS = "nl.wijkgraaf.test.Neo4jTestServer"
JVM_FLAGS = [
    "-Xmx1g",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
]


def java_and_maven_available() -> str | None:
    """None when Java and Maven are on the PATH; otherwise why the Neo4j tests are skipped."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if not missing:
        return None
    return (
        f"{' en '.join(missing)} niet gevonden: Neo4j-tests overgeslagen / "
        f"{' and '.join(missing)} not found: Neo4j tests skipped"
    )


def _classpath() -> str:
    return os.pathsep.join([str(HERE / "target" / "classes"), str(HERE / "target" / "lib" / "*")])


def _is_built() -> bool:
    stamp = HERE / "target" / "classes" / "nl" / "wijkgraaf" / "test" / "Neo4jTestServer.class"
    lib = HERE / "target" / "lib"
    if not stamp.exists() or not lib.is_dir() or not any(lib.glob("neo4j-harness-*.jar")):
        return False
    sources = [HERE / "pom.xml", *HERE.joinpath("src").rglob("*.java")]
    return stamp.stat().st_mtime >= max(path.stat().st_mtime for path in sources)


def build(*, quiet: bool = True) -> None:
    """Compile the launcher and gather its classpath, unless that is already up to date."""
    if _is_built():
        return
    command = ["mvn", "-B", "-DskipTests", "package"]
    if quiet:
        command.insert(1, "-q")
    result = subprocess.run(command, cwd=HERE, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise RuntimeError(f"Maven build of the Neo4j test server failed:\n{tail}")


def _port_open(uri: str) -> bool:
    parsed = urlparse(uri)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 7687), 1):
            return True
    except OSError:
        return False


class Neo4jTestServer:
    """One Neo4j test server process, started and stopped by this object."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.uri: str | None = None

    def start(self, workdir: Path, *, password: str | None = None, timeout: float = 180) -> str:
        """Start the server with its database in ``workdir``; return its Bolt URI."""
        workdir = Path(workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        uri_file = workdir / "bolt-uri"
        uri_file.unlink(missing_ok=True)
        log_path = workdir / "neo4j-test-server.log"
        command = ["java", *JVM_FLAGS, "-cp", _classpath(), MAIN_CLASS]
        command += ["--dir", str(workdir / "db"), "--uri-file", str(uri_file)]
        if password:
            command += ["--password", password]
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
                raise RuntimeError(
                    f"the Neo4j test server exited with {self.process.returncode}:\n{tail}"
                )
            if uri_file.exists():
                uri = uri_file.read_text().strip()
                if _port_open(uri):
                    self.uri = uri
                    return uri
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"the Neo4j test server did not answer within {timeout:.0f} s; see {log_path}"
        )

    def stop(self) -> None:
        """Terminate the server this object started (SIGTERM, then SIGKILL after 30 s)."""
        if self.process is None:
            return
        _stop_pid(self.process.pid, child=self.process)
        self.process = None

    def __enter__(self) -> Neo4jTestServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop_pid(pid: int, *, child: subprocess.Popen[bytes] | None = None) -> None:
    if not _alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if child is not None and child.poll() is not None:
            return
        if child is None and not _alive(pid):
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    if child is not None:
        child.wait()


def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="harness.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="compile the launcher (Maven)")
    start = commands.add_parser("start", help="start a server in the background")
    start.add_argument("--workdir", type=Path, required=True)
    start.add_argument("--pid-file", type=Path, required=True)
    start.add_argument("--uri-file", type=Path, required=True)
    start.add_argument("--password", default=None)
    stop = commands.add_parser("stop", help="stop the server of a pid file")
    stop.add_argument("--pid-file", type=Path, required=True)
    args = parser.parse_args(argv)

    if args.command == "build":
        build(quiet=False)
    elif args.command == "start":
        build()
        server = Neo4jTestServer()
        uri = server.start(args.workdir, password=args.password)
        assert server.process is not None
        args.pid_file.write_text(f"{server.process.pid}\n")
        args.uri_file.write_text(uri + "\n")
        print(uri)
        server.process = None  # leave it running; `stop --pid-file` ends it
    else:
        try:
            pid = int(args.pid_file.read_text().strip())
        except (OSError, ValueError):
            return 0
        _stop_pid(pid)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
