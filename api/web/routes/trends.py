"""``/trends``: a network question's publishable tables per quarter, for policymakers (issue 16)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.access.audit import Action, Role
from api.answers import document_json
from api.web.deps import Caller, Codes, Found, allow, record_each, scope_objects
from api.web.errors import ERROR_RESPONSES, not_found
from graph.analysis.engine import CATALOGUE
from graph.analysis.trends import TrendAnswer, trend_answer

router = APIRouter(responses=ERROR_RESPONSES)

Start = Annotated[
    date | None,
    Query(
        alias="from",
        description="De eerste datum (JJJJ-MM-DD); leeg: de eerste met gegevens / the first "
        "date (YYYY-MM-DD); empty: the first with data",
    ),
]
End = Annotated[
    date | None,
    Query(
        alias="to",
        description="De laatste datum (JJJJ-MM-DD); leeg: de laatste met gegevens / the last "
        "date (YYYY-MM-DD); empty: the last with data",
    ),
]


def trend_of(
    found: Found, who: Caller, question: str, codes: tuple[str, ...], start: date | None,
    end: date | None,
) -> TrendAnswer:  # fmt: skip
    """The trend a policymaker or an administrator asked for, with its audit lines (one per
    neighbourhood asked): the API's route and the pages' page read it here."""
    if question not in CATALOGUE:
        raise not_found()
    answer = trend_answer(
        found.analyst,
        question,
        codes,
        start=start.isoformat() if start is not None else None,
        end=end.isoformat() if end is not None else None,
    )
    record_each(found, who, Action.ASK, scope_objects(found, codes))
    return answer


@router.get("/trends/{question}", response_model=TrendAnswer, tags=["questions"])
def trends(
    question: Annotated[str, Path(pattern="^[a-z-]{1,40}$")],
    found: Found,
    who: Annotated[Caller, allow(Role.POLICYMAKER, Role.ADMIN)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    start: Start = None,
    end: End = None,
) -> Response:
    """A question's publishable tables as of each quarter end from ``from`` to ``to``
    (default: every quarter end between the first and the last date the imports described),
    oldest first: each as ``/questions/{question}/publishable`` publishes a date, with what
    would show 1 to 9 persons between two quarters hidden too, and notes saying what and why.
    No person, id or name is in it."""
    answer = trend_of(found, who, question, tuple(neighbourhood), start, end)
    return Response(document_json(answer), media_type="application/json")
