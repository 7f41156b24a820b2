"""The embedded default store: FalkorDB over its native protocol on a Unix socket.

The server is managed by :mod:`graph.embedded_server`. This module sets up the schema (an
index and an enforced uniqueness constraint on ``id`` per label) and is the one place where
FalkorDB's and redis's exceptions become Wijkgraaf's (:func:`translate_errors`).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB

from graph.embedded_server import EmbeddedServer, no_retry
from graph.errors import (
    AuthenticationError,
    DuplicateError,
    QueryError,
    QueryTimeoutError,
    StoreError,
    StoreUnavailableError,
)
from graph.model import KEYED_LABELS
from graph.queries import Query
from graph.settings import Settings
from graph.store import GraphStore


@contextmanager
def translate_errors(what: str) -> Iterator[None]:
    """Turn redis/FalkorDB exceptions raised inside the block into Wijkgraaf's."""
    try:
        yield
    except redis.BusyLoadingError as exc:
        raise StoreUnavailableError(
            "De ingebouwde database is nog aan het laden; probeer het zo opnieuw.",
            "The embedded database is still loading; try again in a moment.",
        ) from exc
    except redis.AuthenticationError as exc:
        raise AuthenticationError(
            "De ingebouwde database weigerde de toegang.", "The embedded database refused access."
        ) from exc
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        raise StoreUnavailableError(
            f"De ingebouwde database is niet bereikbaar ({what}): {exc}.",
            f"The embedded database is not reachable ({what}): {exc}.",
        ) from exc
    except redis.ResponseError as exc:
        text = str(exc)
        if "unique constraint" in text.lower():
            raise DuplicateError(
                f"Dubbele id geweigerd ({what}): {text}.", f"Duplicate id refused ({what}): {text}."
            ) from exc
        if "timed out" in text.lower() or "timeout" in text.lower():
            raise QueryTimeoutError(
                f"De vraag {what} duurde te lang en is gestopt; verhoog WIJKGRAAF_QUERY_TIMEOUT.",
                f"The query {what} took too long and was stopped; raise WIJKGRAAF_QUERY_TIMEOUT.",
            ) from exc
        raise QueryError(
            f"De database weigerde de vraag {what}: {text}.",
            f"The database refused the query {what}: {text}.",
        ) from exc
    except redis.RedisError as exc:
        raise StoreError(
            f"Fout in de ingebouwde database ({what}): {exc}.",
            f"Error in the embedded database ({what}): {exc}.",
        ) from exc


def _string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _literal(value: Any) -> str:
    """``value`` as a Cypher literal for FalkorDB's ``CYPHER name=value`` parameter header.

    The client has an encoder for this, but a generic one: for an import of 100,000
    residents it spent 25 s there. Values reach this point already checked by the store
    (primitives, flat lists, maps with identifier keys).

    >>> _literal({"id": 'a"b', "tags": ["x", 1, 2.5, True, None]})
    '{`id`:"a\\\\"b",`tags`:["x",1,2.5,true,null]}'
    """
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict or kind is OrderedDict:
        return "{" + ",".join(f"`{key}`:{_literal(item)}" for key, item in value.items()) + "}"
    if kind is list or kind is tuple:
        return "[" + ",".join([_literal(item) for item in value]) + "]"
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return repr(value)
    raise TypeError(f"cannot send {kind.__name__} to FalkorDB")


def parameter_header(params: Mapping[str, Any]) -> str:
    """The ``CYPHER a=1 b="x" `` prefix that carries a query's parameters."""
    if not params:
        return ""
    return (
        "CYPHER " + " ".join(f"`{name}`={_literal(value)}" for name, value in params.items()) + " "
    )


def _plain(value: Any) -> Any:
    """FalkorDB returns maps as OrderedDicts; hand out plain dicts and lists."""
    if isinstance(value, OrderedDict | dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class FalkorDBStore(GraphStore):
    """Graph store on the embedded FalkorDB server of one data directory."""

    backend = "falkordb"

    def __init__(self, settings: Settings, data_dir: Path) -> None:
        super().__init__(settings)
        self.data_dir = data_dir
        self._server = EmbeddedServer.for_directory(
            data_dir, startup_timeout=settings.startup_timeout
        )
        self._server.acquire()
        self._closed = False
        try:
            with translate_errors("connect"):
                self._db = FalkorDB(unix_socket_path=str(self._server.socket_path))
                self._db.connection.set_retry(no_retry())  # _run restarts and retries instead
                self._graph = self._db.select_graph(settings.graph_name)
            self._ensure_schema()
        except BaseException:
            self._server.release()
            raise

    def describe(self) -> str:
        return f"embedded FalkorDB, {self.data_dir} (graph {self.settings.graph_name})"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._db.connection.close()
        finally:
            self._server.release()

    # --- running queries -------------------------------------------------------------------

    def _run(self, query: Query, params: Mapping[str, Any], *, read_only: bool) -> list[list[Any]]:
        timeout_ms = int(self.settings.query_timeout * 1000) if read_only else None
        for attempt in (1, 2):
            try:
                with translate_errors(query.name):
                    run = self._graph.ro_query if read_only else self._graph.query
                    text = parameter_header(params) + query.text
                    result = run(text, None, timeout=timeout_ms or None)
                    return [[_plain(value) for value in row] for row in result.result_set]
            except StoreUnavailableError:
                # The server may have died under us; every write is an idempotent MERGE, so
                # restarting it and trying once more is safe.
                if attempt == 2:
                    raise
                self._server.ensure_running()
        raise AssertionError("unreachable")

    def _read(self, query: Query, params: Mapping[str, Any]) -> list[list[Any]]:
        return self._run(query, params, read_only=True)

    def _write(self, query: Query, params: Mapping[str, Any]) -> list[list[Any]]:
        return self._run(query, params, read_only=False)

    # --- schema ----------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        """An index and an enforced uniqueness constraint on ``id`` for every label.

        The index must exist before the first MERGE (without it MERGE scans every node), and
        FalkorDB enforces uniqueness only through ``GRAPH.CONSTRAINT`` on an indexed property.
        """
        with translate_errors("schema"):
            exists = self.settings.graph_name in self._db.list_graphs()
            indexed = self._indexed_labels() if exists else set()
            for label in KEYED_LABELS:
                if label.value not in indexed:
                    self._graph.create_node_range_index(label.value, "id")
            pending = self._constraint_states()
            for label in KEYED_LABELS:
                if label.value not in pending:
                    self._graph.create_node_unique_constraint(label.value, "id")
            deadline = time.monotonic() + self.settings.startup_timeout
            while any(state != "OPERATIONAL" for state in self._constraint_states().values()):
                if time.monotonic() > deadline:
                    raise StoreUnavailableError(
                        "De uniciteitsregels van de ingebouwde database werden niet actief.",
                        "The embedded database's uniqueness constraints did not become active.",
                    )
                time.sleep(0.02)

    def _indexed_labels(self) -> set[str]:
        result = self._graph.list_indices()
        return {row[0] for row in result.result_set if "id" in row[1]}

    def _constraint_states(self) -> dict[str, str]:
        return {
            str(c["label"]): str(c["status"])
            for c in self._graph.list_constraints()
            if c["type"] == "UNIQUE" and list(c["properties"]) == ["id"]
        }
