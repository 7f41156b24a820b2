"""Which Neo4j a bench runs on: ``WIJKGRAAF_BENCH_NEO4J_URI``, or a test server started here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph.settings import Settings, load_settings


@contextmanager
def neo4j_settings(work: Path, **overrides: Any) -> Iterator[tuple[str, Settings] | None]:
    """(name, settings) of the Neo4j to measure, or None (with the reason printed)."""
    uri = os.environ.get("WIJKGRAAF_BENCH_NEO4J_URI")
    if uri:
        password = os.environ.get("WIJKGRAAF_BENCH_NEO4J_PASSWORD", "")
        yield f"Neo4j ({uri})", load_settings(db=uri, neo4j_password=password, **overrides)
        return
    from tests.neo4j_server import harness

    reason = harness.java_and_maven_available()
    if reason:
        print(f"\nNeo4j: {reason}")
        yield None
        return
    harness.build()
    with harness.Neo4jTestServer() as server:
        uri = server.start(work / "neo4j")
        yield "Neo4j 5.26 test server", load_settings(db=uri, **overrides)
