"""The embedded store's write path: parameters encoded quickly, batches sent ahead of answers.

The encoder of the parameter header must give exactly the text of its plain recursive
definition for every value the store sends; a series of batches must survive the server being
killed while statements are on their way, and a batch the database refuses must fail as before.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import queries
from graph.backends import open_store
from graph.errors import QueryError
from graph.falkordb_store import FalkorDBStore, _literal
from graph.model import NodeLabel
from graph.queries import Query
from graph.settings import load_settings
from graph.store import GraphStore
from tests.processes import pid_in, wait_gone

R = NodeLabel.RESIDENT


def _plain(value: Any) -> str:
    """The Cypher literal by its definition, one value at a time."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"`{key}`:{_plain(item)}" for key, item in value.items()) + "}"
    return "[" + ",".join(_plain(item) for item in value) + "]"


_text = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ['"', "\\", '\\"', ',"k":', '{"k":', "\n", "\x00", "\\u0041", "`", "O'Brien", "漢字🌱"]
)
_keys = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
_scalars = (
    _text
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=500, deadline=None)
@given(_values)
def test_the_encoder_writes_what_the_definition_says(value: Any) -> None:
    assert _literal(value) == _plain(value)


@pytest.mark.parametrize(
    "value",
    [
        [{"id": "r1", "props": {"name": 'x,"name":', "tags": ["a\\", '"b"'], "gone": None}}],
        {"rows": [{"source": "{", "target": "}", "props": {}}], "empty": [], "map": {}},
        ["tab\there", "nul\x00", "del\x7f", "line\u2028separator"],
        [2**63 - 1, -(2**63), 0.1, 1e300, -0.0, True, None],
    ],
)
def test_the_encoder_on_values_that_could_trip_it(value: Any) -> None:
    assert _literal(value) == _plain(value)


def test_values_the_encoder_cannot_send_are_refused() -> None:
    with pytest.raises(TypeError):
        _literal({"when": object()})


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[GraphStore]:
    """A store on a server of its own, which a test may kill."""
    store = open_store(load_settings(db=f"embedded:{tmp_path}", embedded_idle=0))
    try:
        yield store
    finally:
        store.close()


def _kill_server(store: FalkorDBStore) -> None:
    pid = pid_in(store.data_dir / "falkordb.pid")
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert wait_gone(pid), f"server {pid} did not die"


def test_a_series_of_batches_survives_the_server_dying_mid_way(
    own_server: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(own_server, FalkorDBStore)
    store = own_server
    restarts: list[float] = []
    ensure_running = store._server.ensure_running

    def counted() -> None:
        restarts.append(time.monotonic())
        ensure_running()

    monkeypatch.setattr(store._server, "ensure_running", counted)

    def batches() -> Iterator[dict[str, Any]]:
        for number in range(6):
            if number == 3:  # batch 2 was sent and may be unanswered: the server dies now
                _kill_server(store)
            rows = [{"id": f"r{number}-{i}", "props": {"batch": number}} for i in range(200)]
            yield {"rows": rows, "meta_id": queries.META_ID}

    store._write_batches(queries.upsert_nodes(R), batches())
    assert len(restarts) == 1, "the server was restarted once, and the series went on"
    assert store.count_by_label()["Resident"] == 1200
    assert store.get_node(R, "r2-199").properties == {"batch": 2}
    assert store.get_node(R, "r5-0").properties == {"batch": 5}


def test_a_refused_batch_fails_as_one_statement_does_and_the_store_goes_on(
    own_server: GraphStore,
) -> None:
    broken = Query("broken_probe", "UNWIND $rows AS row CREATE (n:Resident {id: row.id}) RETURN x")
    with pytest.raises(QueryError, match="broken_probe"):
        own_server._write_batches(broken, ({"rows": [{"id": f"b{n}"}]} for n in range(3)))
    own_server.upsert_nodes(R, [{"id": f"r{n}"} for n in range(30)], batch_size=10)
    assert own_server.count_by_label()["Resident"] == 30
