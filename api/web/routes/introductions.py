"""``/introductions``: a coach or an integration follows up an introduction the answers
propose, marking it proposed, accepted, declined or happened (:mod:`graph.introductions`).

A coach marks introductions within their own neighbourhoods only: an end outside the part of
the network they see answers 404, as if it did not exist. An integration marks any, as its
key allows (an integration's key has no areas); an administrator too. A policymaker is
refused (403). What is marked, and what is refused, is :func:`importers.introductions.
mark_introduction`'s: a resident who did not agree to be contacted is never introduced, a
declined or happened introduction keeps its status (409, with a code saying which). Every
mark is one line of the audit log, its action naming the status (``introduction_declined``),
its object the two ends (``r-…~i-…``): ids only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from api.access.audit import Action, ObjectKind, Result, Role
from api.web.deps import ID_PATTERN, KINDS, Caller, Found, Services, allow, record
from api.web.errors import ERROR_RESPONSES, not_found
from graph.errors import NotFoundError, RefusedError, WijkgraafError
from graph.model import IntroductionStatus
from graph.store import Node
from importers.introductions import Marked, mark_introduction

router = APIRouter(responses=ERROR_RESPONSES)

_R, _I, _O = (
    ID_PATTERN[kind]
    for kind in (ObjectKind.RESIDENT, ObjectKind.INITIATIVE, ObjectKind.ORGANISATION)
)


def _either(*patterns: str) -> str:
    """One of ``patterns`` (each anchored, ``^…$``), anchored."""
    return "^(" + "|".join(pattern[1:-1] for pattern in patterns) + ")$"


#: Any end of an introduction: a resident, an initiative or an organisation.
END = _either(_R, _I, _O)
#: The three kinds, as the schema says them: an initiative is introduced to an organisation,
#: a resident to an initiative or a resident (said with ``if``/``then``, which a client
#: generator reads past and a validator holds to).
_PAIRS: dict[str, JsonValue] = {
    "if": {"properties": {"source": {"pattern": _I}}},
    "then": {"properties": {"target": {"pattern": _O}}},
    "else": {"properties": {"target": {"pattern": _either(_R, _I)}}},
}
#: The pairs of ends an introduction has, by the first letters of their ids.
PAIRS = frozenset({("r", "i"), ("r", "r"), ("i", "o")})
#: The audit action of a mark, by the status it marks.
ACTIONS: dict[IntroductionStatus, Action] = {
    IntroductionStatus.PROPOSED: Action.INTRODUCTION_PROPOSED,
    IntroductionStatus.ACCEPTED: Action.INTRODUCTION_ACCEPTED,
    IntroductionStatus.DECLINED: Action.INTRODUCTION_DECLINED,
    IntroductionStatus.HAPPENED: Action.INTRODUCTION_HAPPENED,
}


class IntroductionMark(BaseModel):
    """An introduction and the status to mark it with: a resident to an initiative, a resident
    to a resident, or an initiative to an organisation."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_PAIRS)

    source: str = Field(
        pattern=_either(_R, _I),
        description="wie of wat wordt voorgesteld / who or what is introduced (r-…, i-…)",
    )
    target: str = Field(
        pattern=END,
        description="aan wie of wat / to whom or what (r-…, i-…, o-…)",
    )
    status: IntroductionStatus

    @model_validator(mode="after")
    def _a_pair_of_a_kind(self) -> Self:
        if (self.source[0], self.target[0]) not in PAIRS:
            raise ValueError(
                "no introduction Wijkgraaf proposes: a resident to an initiative or a resident, "
                "or an initiative to an organisation"
            )
        return self


class Introduction(BaseModel):
    """An introduction as it stands after a mark."""

    kind: str = Field(
        description="resident_initiative, resident_resident of/or initiative_organisation"
    )
    source: str
    target: str
    status: IntroductionStatus
    previous: IntroductionStatus | None = Field(description="de status ervoor / the status before")
    changed: date = Field(description="de dag van deze status / the day of this status")
    written: bool = Field(description="false: dezelfde status al / the same status already")
    tie_created: bool = Field(
        description="de band die het beschrijft is nu gemaakt / the tie it describes was made now"
    )


def _object(source: str, target: str) -> tuple[ObjectKind, str, str | None]:
    """What the audit line names: the introduction by its ends, and the resident it is for."""
    subject = source if source.startswith("r-") else None
    return ObjectKind.INTRODUCTION, f"{source}~{target}", subject


def mark(
    found: Services, who: Caller, source: str, target: str, status: IntroductionStatus
) -> Marked:
    """Mark an introduction for ``who`` (the route and the pages' form both do it here), with
    its line in the audit log: ``ok``, or ``not_found`` (an end that is not there, or not in a
    coach's neighbourhoods), ``invalid`` (refused: no consent, a status that may not follow)
    or ``error`` (not written: an import was writing, or the database failed)."""
    kind, object_id, subject = _object(source, target)
    action = ACTIONS[status]

    def line(result: Result) -> None:
        record(found, who, action, kind, object_id, result, subject=subject)

    visible = found.analyst.context_within(who.within).fabric if who.within else None
    if visible is not None and not (source in visible and target in visible):
        line(Result.NOT_FOUND)
        raise not_found()
    try:
        ends: list[Node] = [found.store.get_node(KINDS[end[0]][0], end) for end in (source, target)]
    except NotFoundError:
        line(Result.NOT_FOUND)
        raise not_found() from None
    try:
        with found.write_lock:
            marked = mark_introduction(found.store, ends[0], ends[1], status)
    except RefusedError:
        line(Result.INVALID)
        raise
    except WijkgraafError:  # an import writing (409), the database away: logged as failed
        line(Result.ERROR)
        raise
    line(Result.OK)
    return marked


@router.post("/introductions", response_model=Introduction, tags=["introductions"])
def introduce(
    body: IntroductionMark,
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.INTEGRATION, Role.ADMIN)],
) -> Introduction:
    """Mark an introduction the answers propose as proposed, accepted, declined or happened.

    A declined one is never proposed again, by any question or recommendation; a happened one
    becomes the tie it describes (the resident takes part in the initiative, the residents
    know each other, the organisation is the initiative's partner), written as an import
    writes. A resident who did not agree to be contacted is never introduced: 409
    ``no_contact_consent``; a status that may not follow the one recorded (declined and
    happened are final): 409 ``status_not_allowed``."""
    marked = mark(found, who, body.source, body.target, body.status)
    return Introduction(
        kind=marked.kind.key,
        source=marked.source,
        target=marked.target,
        status=marked.status,
        previous=marked.previous,
        changed=marked.changed,
        written=marked.written,
        tie_created=marked.tie_created,
    )
