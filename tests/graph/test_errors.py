"""Driver and database exceptions are translated at one boundary per backend, all of them."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import pytest
import redis
from neo4j import exceptions as neo4j_errors

from graph import errors
from graph.falkordb_store import translate_errors as translate_falkordb
from graph.neo4j_store import translate_errors as translate_neo4j


def _subclasses(root: type[BaseException]) -> Iterator[type[BaseException]]:
    yield root
    for sub in root.__subclasses__():
        yield from _subclasses(sub)


def _make(cls: type[BaseException]) -> BaseException:
    """An instance of ``cls``, whatever arguments its constructor insists on."""
    probe = "12 127.0.0.1:1"  # redis's cluster redirect errors parse "slot host:port"
    try:
        return cls(probe)
    except TypeError:
        params = [
            p
            for p in inspect.signature(cls).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        return cls(*([probe] * len(params)))


REDIS_ERRORS = sorted(set(_subclasses(redis.RedisError)), key=lambda c: c.__name__)
NEO4J_ERRORS = sorted(
    set(_subclasses(neo4j_errors.Neo4jError)) | set(_subclasses(neo4j_errors.DriverError)),
    key=lambda c: c.__name__,
)


@pytest.mark.parametrize("cls", REDIS_ERRORS, ids=lambda c: c.__name__)
def test_every_redis_error_becomes_a_wijkgraaf_error(cls: type[BaseException]) -> None:
    with pytest.raises(errors.WijkgraafError) as caught, translate_falkordb("probe"):
        raise _make(cls)
    assert isinstance(caught.value.__cause__, cls)
    assert caught.value.nl and caught.value.en


@pytest.mark.parametrize("cls", NEO4J_ERRORS, ids=lambda c: c.__name__)
def test_every_neo4j_error_becomes_a_wijkgraaf_error(cls: type[BaseException]) -> None:
    with (
        pytest.raises(errors.WijkgraafError) as caught,
        translate_neo4j("probe", uri="bolt://127.0.0.1:7687", user="neo4j"),
    ):
        raise _make(cls)
    assert isinstance(caught.value.__cause__, cls)


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (redis.ConnectionError("refused"), errors.StoreUnavailableError),
        (redis.TimeoutError("slow"), errors.StoreUnavailableError),
        (redis.BusyLoadingError("loading"), errors.StoreUnavailableError),
        (redis.AuthenticationError("no"), errors.AuthenticationError),
        (
            redis.ResponseError("unique constraint violation on node of type Resident"),
            errors.DuplicateError,
        ),
        (redis.ResponseError("Query timed out"), errors.QueryTimeoutError),
        (redis.ResponseError("errMsg: Invalid input 'R'"), errors.QueryError),
    ],
)
def test_falkordb_errors_map_by_meaning(raised: Exception, expected: type[Exception]) -> None:
    with pytest.raises(expected), translate_falkordb("probe"):
        raise raised


def _neo4j(code: str) -> neo4j_errors.Neo4jError:
    """A server error as the driver builds it from a server's failure message."""
    return neo4j_errors.Neo4jError._hydrate_neo4j(code=code, message="probe")  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (neo4j_errors.ServiceUnavailable("down"), errors.StoreUnavailableError),
        (neo4j_errors.SessionExpired("gone"), errors.StoreUnavailableError),
        (_neo4j("Neo.ClientError.Security.Unauthorized"), errors.AuthenticationError),
        (_neo4j("Neo.ClientError.Schema.ConstraintValidationFailed"), errors.DuplicateError),
        (_neo4j("Neo.ClientError.Statement.SyntaxError"), errors.QueryError),
        (_neo4j("Neo.ClientError.Database.DatabaseNotFound"), errors.ConfigurationError),
        (
            _neo4j("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"),
            errors.QueryTimeoutError,
        ),
        (_neo4j("Neo.TransientError.General.DatabaseUnavailable"), errors.StoreUnavailableError),
        (_neo4j("Neo.DatabaseError.General.UnknownError"), errors.StoreError),
        (neo4j_errors.ConfigurationError("bad"), errors.ConfigurationError),
    ],
)
def test_neo4j_errors_map_by_meaning(raised: Exception, expected: type[Exception]) -> None:
    with pytest.raises(expected), translate_neo4j("probe", uri="bolt://x", user="neo4j"):
        raise raised


def test_the_authentication_message_names_the_settings_and_not_the_password() -> None:
    with (
        pytest.raises(errors.AuthenticationError) as caught,
        translate_neo4j("connect", uri="bolt://127.0.0.1:7687", user="wijkteam"),
    ):
        raise _neo4j("Neo.ClientError.Security.Unauthorized")
    assert "WIJKGRAAF_NEO4J_PASSWORD" in caught.value.message("nl")
    assert "'wijkteam'" in str(caught.value)
