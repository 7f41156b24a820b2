"""Shared fixtures: the two real databases the contract suite runs on.

- Embedded FalkorDB: always. One server for the session; each test gets its own graph.
- Neo4j: the server named by ``WIJKGRAAF_TEST_NEO4J_URI`` (``.ci/run`` starts one), or else a
  test server this session starts itself from ``tests/neo4j_server`` when Java and Maven are
  on the machine. Without them the Neo4j variants are skipped with a message that says so —
  except when ``WIJKGRAAF_TEST_REQUIRE_NEO4J=1`` or ``CI=true``: then they fail.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.backends import open_store
from graph.settings import Settings, load_settings
from graph.store import GraphStore

_TEST_ENV = (
    "WIJKGRAAF_TEST_NEO4J_URI",
    "WIJKGRAAF_TEST_NEO4J_PASSWORD",
    "WIJKGRAAF_TEST_REQUIRE_NEO4J",
)
_graph_names = itertools.count(1)

# No embedded server a test run starts may outlive it: not even one opened while tests are
# collected or by a doctest, before the fixture below sets the same for each test.
os.environ["WIJKGRAAF_EMBEDDED_IDLE"] = "0"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A developer's own WIJKGRAAF_* settings must not leak into tests, and no test may
    create the real installation key in the user's config directory or append to the user's
    audit log."""
    for name in list(os.environ):
        if name.startswith("WIJKGRAAF_") and name not in _TEST_ENV:
            monkeypatch.delenv(name)
    monkeypatch.setenv("WIJKGRAAF_KEY_FILE", str(tmp_path / "secret.key"))
    # Nor write the user's own audit log: the commands that read persons log too.
    monkeypatch.setenv("WIJKGRAAF_AUDIT_LOG", str(tmp_path / "default-audit.jsonl"))
    # A test stops the embedded servers it starts: none may outlive it waiting for more work.
    monkeypatch.setenv("WIJKGRAAF_EMBEDDED_IDLE", "0")


def neo4j_required() -> bool:
    return os.environ.get("WIJKGRAAF_TEST_REQUIRE_NEO4J") == "1" or os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(uri, password) of a reachable Neo4j server, or a skip (a failure where it is required)."""
    uri = os.environ.get("WIJKGRAAF_TEST_NEO4J_URI")
    if uri:
        yield uri, os.environ.get("WIJKGRAAF_TEST_NEO4J_PASSWORD", "")
        return
    from tests.neo4j_server import harness

    reason = harness.java_and_maven_available()
    if reason is not None:
        if neo4j_required():
            pytest.fail(f"Neo4j is required here but cannot be started: {reason}")
        pytest.skip(reason)
    harness.build()
    server = harness.Neo4jTestServer()
    password = "wijkgraaf-test"
    try:
        uri = server.start(tmp_path_factory.mktemp("neo4j"), password=password)
    except Exception as exc:  # the server's own failure, shown in full
        pytest.fail(f"the Neo4j test server did not start: {exc}")
    try:
        yield uri, password
    finally:
        server.stop()


@pytest.fixture(scope="session")
def embedded_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory whose FalkorDB server stays up for the whole session."""
    path = tmp_path_factory.mktemp("embedded")
    keeper = open_store(load_settings(db=f"embedded:{path}", graph_name="keeper"))
    try:
        yield path
    finally:
        keeper.close()


def embedded_settings(path: Path, **overrides: object) -> Settings:
    return load_settings(db=f"embedded:{path}", graph_name=f"test{next(_graph_names)}", **overrides)


def neo4j_settings(server: tuple[str, str], **overrides: object) -> Settings:
    uri, password = server
    return load_settings(db=uri, neo4j_password=password, **overrides)


@pytest.fixture(params=["falkordb", "neo4j"])
def store_settings(request: pytest.FixtureRequest) -> Settings:
    """Settings for a fresh, empty store on each database in turn."""
    if request.param == "falkordb":
        return embedded_settings(request.getfixturevalue("embedded_dir"))
    return neo4j_settings(request.getfixturevalue("neo4j_server"))


@pytest.fixture
def store(store_settings: Settings) -> Iterator[GraphStore]:
    """An empty store on each database in turn (cleared before and after the test)."""
    with open_store(store_settings) as opened:
        opened.clear()
        try:
            yield opened
        finally:
            opened.clear()
