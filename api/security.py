"""Who is asking: API keys, roles, coach areas, the rate limit and the audit trail.

Deny by default: every route but ``/health`` needs a key (``Authorization: Bearer …``), and
names the roles it serves. A coach's world is their neighbourhoods (with the areas within
them): a person outside it answers 404, as if they did not exist.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.audit import (
    KEY_ID,
    OBJECT_ID,
    SUBJECT_ID,
    Action,
    AuditEvent,
    ObjectKind,
    Result,
    Role,
)
from api.group_commit import GroupCommit
from api.http import (
    ApiError,
    BodyCache,
    RateLimiter,
    VersionReads,
    forbidden,
    not_found,
    request_id,
)
from api.keys import ApiKey, KeyStore
from api.sessions import PageSessions
from graph.analysis.engine import Analyst
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
    #: serialised answers of the hot routes
    bodies: BodyCache = field(default_factory=BodyCache)
    #: writes (imports, erasures) go one at a time
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    #: the graph's version for the event loop, one read shared by the requests waiting for it
    versions: VersionReads = field(init=False)

    def __post_init__(self) -> None:
        self.versions = VersionReads(self.store.version)


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
    """The caller of an authenticated key, once the rate limit lets it through (else 429)."""
    wait = found.limiter.allow(key.key_id)
    if wait:
        raise ApiError(
            429,
            "rate_limited",
            "Te veel verzoeken; probeer het zo weer.",
            "Too many requests; try again shortly.",
            headers={"Retry-After": str(max(1, round(wait)))},
        )
    return Caller(key, request_id(request))


def scope_object(found: Services, codes: tuple[str, ...]) -> tuple[ObjectKind, str]:
    """What the audit log names as the object of a question asked of ``codes``."""
    if codes:
        return ObjectKind.NEIGHBOURHOOD, codes[0]
    return ObjectKind.GRAPH, found.settings.graph_name


def coach_codes(
    found: Services, who: Caller, asked: list[str], *, version: int | None = None
) -> tuple[str, ...]:
    """The neighbourhoods asked for, each within a coach's areas (else 404); a coach who asks
    for none gets their own. ``version``: the graph's, if just read."""
    if not who.within:
        return tuple(asked)
    mine = found.analyst.area_codes(who.within, version=version)
    if any(code not in mine for code in asked):
        raise not_found()
    return tuple(asked) or who.within


def allow(*roles: Role) -> object:
    """A dependency that lets only ``roles`` through (403 for the other keys)."""

    async def check(who: Annotated[Caller, Depends(caller)]) -> Caller:
        if who.role not in roles:
            raise forbidden()
        return who

    return Depends(check)


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
