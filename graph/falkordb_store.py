"""The embedded default store: FalkorDB over its native protocol on a Unix socket.

The server is managed by :mod:`graph.embedded_server`. This module sets up the schema (an
index and an enforced uniqueness constraint on ``id`` per label) and is the one place where
FalkorDB's and redis's exceptions become Wijkgraaf's (:func:`translate_errors`).
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import redis
from falkordb import FalkorDB

from graph import projection_queries, queries
from graph.cypher_store import CypherStore
from graph.embedded_server import EmbeddedServer, no_retry
from graph.errors import (
    AuthenticationError,
    DuplicateError,
    QueryError,
    QueryTimeoutError,
    StoreError,
    StoreUnavailableError,
)
from graph.installation import derived_key
from graph.model import (
    KEYED_LABELS,
    LOCATED_LABELS,
    NodeLabel,
)
from graph.projection import (
    Projection,
    area_from_packed,
    areas_within,
    from_packed,
    held_parts,
    packed_attribute_nodes,
)
from graph.projection_cache import ProjectionCache
from graph.queries import Query
from graph.settings import Settings


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


_KEY_PREFIXES: dict[str, str] = {}  # "`key`:" by property name, made once per name


def _literal(value: Any) -> str:
    """``value`` as a Cypher literal for FalkorDB's ``CYPHER name=value`` parameter header.

    The client has an encoder for this, but a generic one: for an import of 100,000
    residents it spent 25 s there. Values reach this point already checked by the store
    (primitives, flat lists, maps with identifier keys). The rows of a batch are maps of
    text and nulls mostly: those are written in the map's own loop, without a call each,
    which makes a batch about a quarter quicker (JSON's encoder in C, its quoted keys then
    turned into backticks, was slower than either).

    >>> _literal({"id": 'a"b', "tags": ["x", 1, 2.5, True, None]})
    '{`id`:"a\\\\"b",`tags`:["x",1,2.5,true,null]}'
    """
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is dict or kind is OrderedDict:
        parts = []
        for key, item in value.items():
            prefix = _KEY_PREFIXES.get(key)
            if prefix is None:
                prefix = f"`{key}`:"
                if len(_KEY_PREFIXES) < 1000:
                    _KEY_PREFIXES[key] = prefix
            if type(item) is str:
                parts.append(prefix + '"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"')
            elif item is None:
                parts.append(prefix + "null")
            else:
                parts.append(prefix + _literal(item))
        return "{" + ",".join(parts) + "}"
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


def _value(cell: list[Any]) -> Any:
    """One value of FalkorDB's compact reply: ``[type, value]``.

    Wijkgraaf's queries return scalars, lists and maps (``properties(n)``), never nodes,
    edges or paths; decoding just those, instead of through the client's general result
    parser, halves reading a 100,000-resident fabric.
    """
    kind, value = cell
    if kind == 2:  # string
        return value.decode() if isinstance(value, bytes) else value
    if kind == 3:  # integer
        return int(value)
    if kind == 1:  # null
        return None
    if kind == 4:  # boolean
        return value in ("true", b"true")
    if kind == 5:  # double
        return float(value)
    if kind == 6:  # array
        return [_value(item) for item in value]
    if kind == 10:  # map: key, [type, value], key, [type, value], ...
        return {
            (key.decode() if isinstance(key, bytes) else key): _value(item)
            for key, item in zip(value[::2], value[1::2], strict=True)
        }
    raise QueryError(
        f"Onverwacht soort waarde ({kind}) in het antwoord van de database.",
        f"Unexpected kind of value ({kind}) in the database's answer.",
    )


def _rows(response: list[Any]) -> list[list[Any]]:
    """The result rows of a compact ``GRAPH.QUERY`` reply (``[header, rows, stats]``)."""
    for part in response:
        if isinstance(part, redis.ResponseError):
            raise part  # a failure reported inside the reply, e.g. a constraint violation
    if len(response) < 3:
        return []
    return [[_value(cell) for cell in row] for row in response[1]]


@contextmanager
def _already_there() -> Iterator[None]:
    """Creating an index or constraint the database already has is no error: just after a
    restart it may hold one it does not list yet (it rebuilds them from the log)."""
    try:
        yield
    except redis.ResponseError as exc:
        if "already" not in str(exc):
            raise


class FalkorDBStore(CypherStore):
    """Graph store on the embedded FalkorDB server of one data directory."""

    backend = "falkordb"

    def __init__(self, settings: Settings, data_dir: Path) -> None:
        super().__init__(settings)
        self.data_dir = data_dir
        self._server = EmbeddedServer.for_directory(
            data_dir, startup_timeout=settings.startup_timeout, idle=settings.embedded_idle
        )
        self._projections = ProjectionCache(
            data_dir / "projection",
            settings.graph_name,
            key=lambda: derived_key(settings, "projection-cache"),
        )
        self._server.acquire()
        self._closed = False
        try:
            with translate_errors("connect"):
                self._db = FalkorDB(unix_socket_path=str(self._server.socket_path))
                self._db.connection.set_retry(no_retry())  # _run restarts and retries instead
                self._graph = self._db.select_graph(settings.graph_name)
            with self._server.exclusive():
                self._ensure_schema()
        except BaseException:
            self._server.release()
            raise

    def describe(self) -> str:
        return f"embedded FalkorDB, {self.data_dir} (graph {self.settings.graph_name})"

    def compact(self) -> None:
        self._server.compact()
        # the projections kept on disk go too: after an erasure no copy of the person is left
        self._projections.purge()

    def projection_cache(self) -> ProjectionCache | None:
        return self._projections if self.settings.projection_cache else None

    def server_state(self) -> dict[str, Any] | None:
        state: dict[str, Any] = self._server.state()
        state["was_running"] = not self._server.started_here
        state["start_seconds"] = round(self._server.start_seconds, 3)
        return state

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
                    command: list[str | int] = [
                        "GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY",
                        self.settings.graph_name,
                        parameter_header(params) + query.text,
                        "--compact",
                    ]
                    if timeout_ms:
                        command += ["timeout", timeout_ms]
                    return _rows(self._db.connection.execute_command(*command))
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

    def _write_batches(self, query: Query, batches: Iterable[Mapping[str, Any]]) -> None:
        """Each batch is sent before the one ahead of it has answered, on a connection of
        its own: the server runs one statement while this process prepares and encodes the
        next (on two cores a city's write takes about as long as the slower of the two, not
        their sum). At most one statement waits behind the running one.

        Should the server die, it is restarted and every statement not yet answered is sent
        again, in order: each is an idempotent MERGE, as :meth:`_run` relies on too, and as
        there, a statement gets one restart.

        Should anything else fail (a statement the database refuses, or the caller's batches),
        the statements already sent are waited for before the failure goes on: none may still
        be running while the caller undoes what was written (the import journal reads from
        another connection, which the server may serve first).
        """
        pool = self._db.connection.connection_pool
        connection = self._connection(pool, query.name)
        unanswered: deque[tuple[str, ...]] = deque()
        restarted_for: list[tuple[str, ...]] = []  # the statement first in line at a restart

        def step(action: Callable[[], object]) -> None:
            try:
                with translate_errors(query.name):
                    action()
            except StoreUnavailableError:
                if restarted_for and restarted_for[-1] is unanswered[0]:
                    raise
                restarted_for.append(unanswered[0])
                self._server.ensure_running()
                connection.disconnect()
                with translate_errors(query.name):
                    for command in unanswered:
                        connection.send_command(*command)

        def answer() -> None:
            try:
                reply = connection.read_response()
            except redis.ResponseError:
                unanswered.popleft()  # answered, with a refusal
                raise
            unanswered.popleft()
            _rows(reply)  # raises a failure the reply reports

        def drain() -> None:
            """Wait for the answer of every statement sent, refusals included."""
            while unanswered:
                unanswered.popleft()
                with suppress(redis.ResponseError):
                    connection.read_response()

        try:
            for params in batches:
                command = (
                    "GRAPH.QUERY",
                    self.settings.graph_name,
                    parameter_header(params) + query.text,
                    "--compact",
                )
                unanswered.append(command)
                step(lambda: connection.send_command(*command))  # noqa: B023 - run at once
                while len(unanswered) > 1:
                    step(answer)
            while unanswered:
                step(answer)
        except BaseException:
            try:
                drain()
            except (redis.RedisError, OSError):
                pass  # the connection failed: what it sent is the server's to finish or drop
            finally:
                connection.disconnect()
            raise
        finally:
            pool.release(connection)

    def _connection(self, pool: redis.ConnectionPool, what: str) -> Any:
        """A connection of the pool's own, the server restarted once if it is gone (redis's
        connections are untyped: Any)."""
        for attempt in (1, 2):
            try:
                with translate_errors(what):
                    return pool.get_connection()
            except StoreUnavailableError:
                if attempt == 2:
                    raise
                self._server.ensure_running()
        raise AssertionError("unreachable")

    # --- the projection ----------------------------------------------------------------------

    def _packed_projection(
        self, areas: tuple[str, ...] | None, as_of: str | None = None
    ) -> Projection | None:
        """The projection in one statement, each part one JSON string
        (``projection_queries.PACKED_PROJECTION``): a city's 400,000 rows in a fraction of the
        time the row-by-row read takes. Should any row hold a ``"`` or ``\\``, which
        FalkorDB's JSON leaves unescaped, None: the exact row-by-row read is used instead.
        With ``areas``, two statements: the attribute nodes (the area tree says which codes
        lie within the areas), then the areas' part
        (``projection_queries.PACKED_AREA_PROJECTION``). With ``as_of``, the same read of the
        ``*_AS_OF`` queries, each tie as it was on that date (:func:`held_parts`)."""
        dated = {"as_of": as_of} if as_of is not None else {}
        if areas is None:
            query = (
                projection_queries.PACKED_PROJECTION_AS_OF
                if dated
                else (projection_queries.PACKED_PROJECTION)
            )
            parts = self._packed(query, {"meta_id": queries.META_ID, **dated})
            if parts is None:
                return None
            if as_of is not None:
                parts = held_parts(parts, as_of, internal=True)
            return from_packed(parts)
        head = self._packed(projection_queries.PACKED_ATTRIBUTES, {"meta_id": queries.META_ID})
        if head is None:
            return None
        attribute_nodes = packed_attribute_nodes(head, {})
        codes = areas_within(attribute_nodes[NodeLabel.NEIGHBOURHOOD], areas)
        query = (
            projection_queries.PACKED_AREA_PROJECTION_AS_OF
            if dated
            else (projection_queries.PACKED_AREA_PROJECTION)
        )
        parts = self._packed(query, {"codes": sorted(codes), **dated})
        if parts is None:
            return None
        if as_of is not None:
            parts = held_parts(parts, as_of, internal=False)
        version = int(head["version"][0][0]) if head["version"] else 0
        return area_from_packed(version, attribute_nodes, parts, codes)

    def _packed(self, query: Query, params: Mapping[str, Any]) -> dict[str, list[list[Any]]] | None:
        """The parts of a packed read by name, or None if a value was not safely quoted."""
        # a part whose label or type the graph has never held may return no row at all
        parts: dict[str, list[list[Any]]] = defaultdict(list)
        for part, packed, unclean in self._read(query, params):
            if unclean:
                return None
            # FalkorDB leaves control characters raw too; strict=False reads them as they are
            parts[part] = json.loads(packed, strict=False)
        return parts

    # --- schema ----------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        """An index and an enforced uniqueness constraint on ``id`` for every label, and an
        index on ``neighbourhood`` where nodes are located (one area's part is read by it).

        The index must exist before the first MERGE (without it MERGE scans every node), and
        FalkorDB enforces uniqueness only through ``GRAPH.CONSTRAINT`` on an indexed property.

        A schema just created is compacted into the snapshot base at once: indexes that a
        start rebuilds by replaying their statements are not ready while the rest of the log
        replays, so every MERGE after them scans all nodes (a 5,000-resident log took 5 s to
        replay, a 10,000-resident import 220 s); with the indexes in the base it takes 0.1 s.
        """
        created = False
        with translate_errors("schema"):
            exists = self.settings.graph_name in self._db.list_graphs()
            indexed = self._indexed() if exists else set()
            wanted = [(label, "id") for label in KEYED_LABELS]
            wanted += [(label, "neighbourhood") for label in LOCATED_LABELS]
            for label, field in wanted:
                if (label.value, field) not in indexed:
                    created = True
                    with _already_there():
                        self._graph.create_node_range_index(label.value, field)
            pending = self._constraint_states()
            for label in KEYED_LABELS:
                if label.value not in pending:
                    created = True
                    with _already_there():
                        self._graph.create_node_unique_constraint(label.value, "id")
            deadline = time.monotonic() + self.settings.startup_timeout
            while any(state != "OPERATIONAL" for state in self._constraint_states().values()):
                if time.monotonic() > deadline:
                    raise StoreUnavailableError(
                        "De uniciteitsregels van de ingebouwde database werden niet actief.",
                        "The embedded database's uniqueness constraints did not become active.",
                    )
                time.sleep(0.02)
        if created:
            self._server.compact()

    def _indexed(self) -> set[tuple[str, str]]:
        """(label, property) of every index."""
        result = self._graph.list_indices()
        return {(row[0], field) for row in result.result_set for field in row[1]}

    def _constraint_states(self) -> dict[str, str]:
        return {
            str(c["label"]): str(c["status"])
            for c in self._graph.list_constraints()
            if c["type"] == "UNIQUE" and list(c["properties"]) == ["id"]
        }
