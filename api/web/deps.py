"""What a route works with: the services of the running app, who is asking (API keys, roles,
coach areas, the rate limit), the role checks and the audit trail, as ``Annotated`` aliases.

Deny by default: every route but ``/health`` needs a key (``Authorization: Bearer …``), and
names the roles it serves. A coach's world is their neighbourhoods (with the areas within
them): a person outside it answers 404, as if they did not exist.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import StringConstraints
from starlette.concurrency import run_in_threadpool

from api.access.api_keys import ApiKey, KeyStore
from api.access.audit import (
    KEY_ID,
    OBJECT_ID,
    SUBJECT_ID,
    Action,
    AuditEvent,
    ObjectKind,
    Result,
    Role,
)
from api.access.audit_head import PURPOSE as HEAD_PURPOSE
from api.access.audit_writer import GroupCommit
from api.access.sessions import PageSessions
from api.answers import AnswerService
from api.web.errors import ApiError, forbidden, request_id
from api.web.guards import COUNTED, RateLimiter
from graph.analysis.engine import Analyst
from graph.installation import derived_key
from graph.model import NodeLabel
from graph.settings import Settings
from graph.store import GraphStore
from importers.validate import LOCAL_CODE

bearer = HTTPBearer(auto_error=False, description="Een API-sleutel / an API key: `wgk_…`")


@dataclass
class Services:
    """What the routes work with; one per running app."""

    settings: Settings
    store: GraphStore
    analyst: Analyst
    keys: KeyStore
    audit: GroupCommit
    limiter: RateLimiter
    #: browsers signed in to the pages
    sessions: PageSessions
    #: the one way questions and recommendations are asked, cached and serialised
    answers: AnswerService
    #: writes (imports, erasures) go one at a time
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    #: the graph's version for the event loop, one read shared by the requests waiting for it
    versions: VersionReads = field(init=False)

    def __post_init__(self) -> None:
        self.versions = VersionReads(self.store.version)
        # every append also signs the log's head, so lines cut off its end are found
        self.audit.log.head_key = derived_key(self.settings, HEAD_PURPOSE)


# The dependencies are coroutines: they only read memory (and stat the key file), and a plain
# function would cost each request a trip through the thread pool.
async def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


Found = Annotated[Services, Depends(services)]

#: The kind of a record by the first letter of its pseudonymous id.
KINDS: dict[str, tuple[NodeLabel, ObjectKind]] = {
    "r": (NodeLabel.RESIDENT, ObjectKind.RESIDENT),
    "p": (NodeLabel.PROFESSIONAL, ObjectKind.PROFESSIONAL),
    "i": (NodeLabel.INITIATIVE, ObjectKind.INITIATIVE),
    "o": (NodeLabel.ORGANISATION, ObjectKind.ORGANISATION),
}
KIND_ORDER = tuple(kind for _, kind in KINDS.values())

#: Patterns of path and query values: the formats the audit log and the importers check.
CODE = LOCAL_CODE.pattern  # an area (CBS codes fit it) or a theme
ID_PATTERN = {kind: OBJECT_ID[kind][0].pattern for kind in ObjectKind if kind in OBJECT_ID}
PERSON_ID = SUBJECT_ID.pattern
#: Any record's id: its first letter tells its kind (:data:`KINDS`).
NODE_ID = "^(" + "|".join(ID_PATTERN[kind][1:-1] for kind in KIND_ORDER) + ")$"
KEY = KEY_ID.pattern
#: Neighbourhood codes of a query (``?neighbourhood=…&neighbourhood=…``), at most 20, each a
#: code (an empty one would reach the audit log as the object of the question).
Codes = Annotated[list[Annotated[str, StringConstraints(pattern=CODE)]], Query(max_length=20)]


@dataclass(frozen=True)
class Caller:
    """An authenticated request: its key, and the areas a coach may see."""

    key: ApiKey
    request_id: str

    @property
    def role(self) -> Role:
        role: Role = self.key.role
        return role

    @property
    def within(self) -> tuple[str, ...]:
        """A coach's neighbourhoods; empty (everything) for the other roles."""
        return tuple(sorted(self.key.neighbourhoods)) if self.key.role == Role.COACH else ()


async def caller(
    request: Request,
    found: Annotated[Services, Depends(services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    key = found.keys.authenticate(credentials.credentials) if credentials else None
    if key is None:
        raise ApiError(
            401,
            "unauthorised",
            "Geef een geldige API-sleutel mee (Authorization: Bearer …).",
            "Send a valid API key (Authorization: Bearer …).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return admit(request, found, key)


def admit(request: Request, found: Services, key: ApiKey) -> Caller:
    """The caller of an authenticated key, once the rate limit lets it through (else 429).

    A request with a body was counted already, before its body was read
    (:class:`api.web.guards.RequestGuard`): it is not counted twice."""
    if request.scope.get("state", {}).get(COUNTED) != key.key_id:
        check_rate(found.limiter, key.key_id)
    return Caller(key, request_id(request))


def check_rate(limiter: RateLimiter, key_id: str) -> None:
    """429 if ``key_id`` has made its requests for the minute."""
    wait = limiter.allow(key_id)
    if wait:
        raise ApiError(
            429,
            "rate_limited",
            "Te veel verzoeken; probeer het zo weer.",
            "Too many requests; try again shortly.",
            headers={"Retry-After": str(max(1, round(wait)))},
        )


def scope_objects(found: Services, codes: tuple[str, ...]) -> list[tuple[ObjectKind, str]]:
    """What the audit log names as the objects of a question asked of ``codes``: every
    neighbourhood (one line each, under the request's one id), or the whole graph."""
    if codes:
        return [(ObjectKind.NEIGHBOURHOOD, code) for code in dict.fromkeys(codes)]
    return [(ObjectKind.GRAPH, found.settings.graph_name)]


def allow(*roles: Role) -> object:
    """A dependency that lets only ``roles`` through (403 for the other keys, logged)."""

    async def check(
        request: Request, found: Found, who: Annotated[Caller, Depends(caller)]
    ) -> Caller:
        if who.role not in roles:
            await record_refusal(request, found, who)
            raise forbidden()
        return who

    return Depends(check)


#: What a refused request tried, by the first part of its path and its method.
_ATTEMPTS: dict[tuple[str, str], Action] = {
    ("imports", "POST"): Action.IMPORT,
    ("keys", "POST"): Action.KEY_CREATE,
    ("keys", "DELETE"): Action.KEY_REVOKE,
    ("persons", "DELETE"): Action.ERASE,
    ("persons", "GET"): Action.EXPORT,
    ("questions", "GET"): Action.ASK,
    ("trends", "GET"): Action.ASK,
    ("changes", "GET"): Action.CHANGES,
    ("recommendations", "GET"): Action.RECOMMEND,
    ("aggregates", "GET"): Action.AGGREGATE,
    ("introductions", "POST"): Action.INTRODUCE,
}


async def record_refusal(request: Request, found: Services, who: Caller) -> None:
    """A line for a request refused to the caller's role: what it tried, on whom if a person
    is named in its path, result ``denied``."""
    parts = request.url.path.strip("/").split("/")
    action = _ATTEMPTS.get((parts[0], request.method), Action.READ)
    if parts[-1] == "source-id":
        action = Action.SOURCE_ID
    subject = next((str(v) for v in request.path_params.values() if SUBJECT_ID.match(str(v))), None)
    kind, object_id = ObjectKind.GRAPH, found.settings.graph_name
    if subject is not None:
        kind = KINDS[subject[0]][1]
        object_id = subject
    await record_async(found, who, action, kind, object_id, Result.DENIED, subject=subject)


def _event(
    who: Caller,
    action: Action,
    kind: ObjectKind,
    object_id: str,
    result: Result,
    subject: str | None,
) -> AuditEvent:
    return AuditEvent(
        actor_key_id=who.key.key_id,
        actor_role=who.role,
        action=action,
        object_kind=kind,
        object_id=object_id,
        subject_id=subject,
        result=result,
        request_id=who.request_id,
    )


def record(
    found: Services,
    who: Caller,
    action: Action,
    kind: ObjectKind,
    object_id: str,
    result: Result = Result.OK,
    *,
    subject: str | None = None,
) -> None:
    """Append one line to the audit log: who, what, about whom, and how it went."""
    found.audit.append(_event(who, action, kind, object_id, result, subject))


def record_each(
    found: Services, who: Caller, action: Action, objects: list[tuple[ObjectKind, str]]
) -> None:
    """:func:`record` for each of ``objects`` (the neighbourhoods a question read, say)."""
    for kind, object_id in objects:
        record(found, who, action, kind, object_id)


async def record_each_async(
    found: Services, who: Caller, action: Action, objects: list[tuple[ObjectKind, str]]
) -> None:
    """:func:`record_each` from a coroutine route."""
    for kind, object_id in objects:
        await record_async(found, who, action, kind, object_id)


async def record_async(
    found: Services,
    who: Caller,
    action: Action,
    kind: ObjectKind,
    object_id: str,
    result: Result = Result.OK,
    *,
    subject: str | None = None,
) -> None:
    """:func:`record` from a coroutine route: the line is on disk when this returns."""
    await found.audit.append_async(_event(who, action, kind, object_id, result, subject))


T = TypeVar("T")


async def served(
    found: Services, cached: Callable[[int], T | None], compute: Callable[[int], T]
) -> T:
    """A cached answer straight from the event loop, else computed in a pool thread.

    The hot routes are coroutines: a cached answer costs a look-up once the graph's version is
    known (read for many requests at once, ``found.versions``), and sending each request
    through the thread pool would cost more than that. Whatever may load or compute (a new
    graph version, a first question) goes to the pool, so the loop never waits on it. Both
    are given the version read here: it is read once for the request."""
    version = await found.versions.current()
    hit = cached(version)
    if hit is not None:
        return hit
    return await run_in_threadpool(compute, version)


class VersionReads:
    """The stored graph's version for a server's event loop, read in a pool thread and shared.

    A cached answer is served only for the version it was made at, so every hot request needs
    the version, and a read made on the loop would stop it for a database round trip each
    time. Here concurrent requests share one read, and never one that began before they
    arrived: a request waits for the next read to start, so it sees every write that finished
    before it came in. While a read runs, the requests that arrive wait for the one after it.
    """

    def __init__(self, read: Callable[[], int]) -> None:
        self._read = read
        #: the read the requests that arrived since the last one began are waiting for
        self._next: asyncio.Future[int] | None = None
        self._reading = False

    async def current(self) -> int:
        """The version as of a read that began after this call."""
        loop = asyncio.get_running_loop()
        waiting = self._next
        if waiting is None:
            waiting = self._next = loop.create_future()
            if not self._reading:
                self._begin(loop)
        return await asyncio.shield(waiting)

    def _begin(self, loop: asyncio.AbstractEventLoop) -> None:
        assert self._next is not None
        waiting, self._next = self._next, None
        self._reading = True

        def finished(read: asyncio.Future[int]) -> None:
            self._reading = False
            if read.cancelled():  # the loop's pool is shutting down
                waiting.cancel()
            elif (error := read.exception()) is not None:
                waiting.set_exception(error)
            else:
                waiting.set_result(read.result())
            if self._next is not None:
                self._begin(loop)

        loop.run_in_executor(None, self._read).add_done_callback(finished)
