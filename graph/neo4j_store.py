"""The production store: Neo4j 5 (Community, Enterprise or Aura) through the official driver.

Uniqueness constraints on ``id`` are created on first use. :func:`translate_errors` is the one
place where the driver's exceptions become Wijkgraaf's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import neo4j
from neo4j import exceptions as neo4j_errors

from graph import errors, queries
from graph.cypher_store import CypherStore
from graph.model import KEYED_LABELS, LOCATED_LABELS
from graph.queries import Query
from graph.settings import Settings


@contextmanager
def translate_errors(what: str, *, uri: str, user: str) -> Iterator[None]:
    """Turn neo4j driver exceptions raised inside the block into Wijkgraaf's."""
    try:
        yield
    except neo4j_errors.AuthError as exc:
        raise errors.AuthenticationError(
            f"Neo4j op {uri} weigert de inloggegevens van gebruiker {user!r}; "
            "controleer WIJKGRAAF_NEO4J_USER en WIJKGRAAF_NEO4J_PASSWORD.",
            f"Neo4j at {uri} rejected the credentials of user {user!r}; "
            "check WIJKGRAAF_NEO4J_USER and WIJKGRAAF_NEO4J_PASSWORD.",
        ) from exc
    except neo4j_errors.ConstraintError as exc:
        raise errors.DuplicateError(
            f"Dubbele id geweigerd ({what}): {exc.message}.",
            f"Duplicate id refused ({what}): {exc.message}.",
        ) from exc
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
        raise errors.StoreUnavailableError(
            f"Neo4j op {uri} is niet bereikbaar of tijdelijk niet beschikbaar ({what}); "
            "draait de server en klopt het adres?",
            f"Neo4j at {uri} is not reachable or temporarily unavailable ({what}); "
            "is the server running and is the address right?",
        ) from exc
    except neo4j_errors.TransientError as exc:
        raise errors.StoreUnavailableError(
            f"Neo4j op {uri} kon {what} tijdelijk niet uitvoeren, ook niet na nieuwe pogingen: "
            f"{exc.message}",
            f"Neo4j at {uri} could not carry out {what} for now, not even after retries: "
            f"{exc.message}",
        ) from exc
    except neo4j_errors.ClientError as exc:
        code = exc.code or ""
        if "DatabaseNotFound" in code:
            raise errors.ConfigurationError(
                f"Neo4j op {uri} heeft deze database niet; controleer WIJKGRAAF_NEO4J_DATABASE.",
                f"Neo4j at {uri} has no such database; check WIJKGRAAF_NEO4J_DATABASE.",
            ) from exc
        if "TransactionTimedOut" in code:
            raise errors.QueryTimeoutError(
                f"De vraag {what} duurde te lang en is gestopt; verhoog WIJKGRAAF_QUERY_TIMEOUT.",
                f"The query {what} took too long and was stopped; raise WIJKGRAAF_QUERY_TIMEOUT.",
            ) from exc
        raise errors.QueryError(
            f"Neo4j weigerde de vraag {what}: {exc.message}.",
            f"Neo4j refused the query {what}: {exc.message}.",
        ) from exc
    except neo4j_errors.ConfigurationError as exc:
        raise errors.ConfigurationError(
            f"Ongeldige Neo4j-instelling voor {uri}: {exc}.",
            f"Invalid Neo4j configuration for {uri}: {exc}.",
        ) from exc
    except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
        raise errors.StoreError(
            f"Fout in Neo4j op {uri} ({what}): {exc}.", f"Neo4j error at {uri} ({what}): {exc}."
        ) from exc


class Neo4jStore(CypherStore):
    """Graph store on a Neo4j server reached over Bolt."""

    backend = "neo4j"

    def __init__(self, settings: Settings, uri: str) -> None:
        super().__init__(settings)
        self.uri = uri
        password = settings.neo4j_password.get_secret_value()
        auth = (settings.neo4j_user, password) if password else None
        with self._translate("connect"):
            try:
                self._driver = neo4j.GraphDatabase.driver(
                    uri,
                    auth=auth,
                    # the server's query hints (e.g. "type KNOWS does not exist yet") are not
                    # for the people reading Wijkgraaf's output
                    notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
                )
            except ValueError as exc:
                raise errors.ConfigurationError(
                    f"Ongeldig Neo4j-adres {uri!r}: {exc}.", f"Invalid Neo4j URI {uri!r}: {exc}."
                ) from exc
        try:
            with self._translate("connect"):
                self._driver.verify_connectivity()
            self._ensure_schema()
        except BaseException:
            self._driver.close()
            raise

    def describe(self) -> str:
        return f"Neo4j, {self.uri} (database {self.settings.neo4j_database})"

    def close(self) -> None:
        self._driver.close()

    def _translate(self, what: str) -> AbstractContextManager[None]:
        return translate_errors(what, uri=self.uri, user=self.settings.neo4j_user)

    def _run(self, query: Query, params: Mapping[str, Any], *, read_only: bool) -> list[list[Any]]:
        timeout = self.settings.query_timeout if read_only and self.settings.query_timeout else None
        with self._translate(query.name):
            records, _, _ = self._driver.execute_query(
                neo4j.Query(query.text, timeout=timeout),
                dict(params),
                database_=self.settings.neo4j_database,
                routing_=neo4j.RoutingControl.READ if read_only else neo4j.RoutingControl.WRITE,
            )
        return [list(record.values()) for record in records]

    def _read(self, query: Query, params: Mapping[str, Any]) -> list[list[Any]]:
        return self._run(query, params, read_only=True)

    def _write(self, query: Query, params: Mapping[str, Any]) -> list[list[Any]]:
        return self._run(query, params, read_only=False)

    def _ensure_schema(self) -> None:
        for label in KEYED_LABELS:
            self._write(queries.neo4j_unique_id(label), {})
        for located in LOCATED_LABELS:
            self._write(queries.neo4j_area_index(located), {})
