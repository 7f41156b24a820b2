"""``/changes``: what changed in a coach's neighbourhoods between two dates (issue 16)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.access.audit import Action, Role
from api.web.deps import Caller, Codes, Found, allow, record_each, scope_objects
from api.web.errors import ERROR_RESPONSES
from graph.analysis.changes import ChangesAnswer

router = APIRouter(responses=ERROR_RESPONSES)

From = Annotated[
    date,
    Query(
        alias="from",
        description="De eerste datum (JJJJ-MM-DD) / the first date (YYYY-MM-DD)",
    ),
]
To = Annotated[
    date | None,
    Query(
        alias="to",
        description="De tweede datum (JJJJ-MM-DD); leeg: vandaag / the second date "
        "(YYYY-MM-DD); empty: today",
    ),
]


@router.get("/changes", response_model=ChangesAnswer, tags=["questions"])
def changes(
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.ADMIN)],
    start: From,
    end: To = None,
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Response:
    """What changed between two dates, on the network as it was on each: residents newly
    isolated and no longer isolated, bridges gained and lost (with what hangs on them),
    initiatives started and stopped, taken over and grown, the resident-led share and the
    five O's then and now, and the communities under one numbering on both dates. A coach's
    is worked out on their own neighbourhoods only (another's: 404); each list holds at most
    ``limit`` items, the summary counts them all."""
    dates = (start.isoformat(), (end or date.today()).isoformat())
    codes, answer = found.answers.changes(who.within, tuple(neighbourhood), dates, limit=limit)
    record_each(found, who, Action.CHANGES, scope_objects(found, codes))
    key = ("changes", codes, who.within, dates, limit)
    body = found.answers.serialised(answer.version, key, lambda: answer)
    return Response(body, media_type="application/json")
