"""``/questions``: the catalogue of network questions, one question's answer, and its
publishable form for policymakers."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from api.access.audit import Action, Role
from api.answers import Asking
from api.web.deps import (
    CODE,
    Caller,
    Codes,
    Found,
    allow,
    caller,
    record_each,
    record_each_async,
    scope_objects,
    served,
)
from api.web.errors import ERROR_RESPONSES, not_found
from api.web.schemas import QuestionInfo
from graph.analysis.engine import CATALOGUE
from graph.analysis.publishable import PublishableAnswer
from graph.analysis.results import Answer

router = APIRouter(responses=ERROR_RESPONSES)

#: ``as_of``: a question about the network as it was on a date
AsOf = Annotated[
    date | None,
    Query(
        description="Het netwerk zoals het op die datum was (JJJJ-MM-DD) / the network as it "
        "was on that date (YYYY-MM-DD); leeg: nu / empty: now"
    ),
]


@router.get("/questions", response_model=list[QuestionInfo], tags=["questions"])
def questions(who: Annotated[Caller, Depends(caller)]) -> list[QuestionInfo]:
    """The catalogue of network questions."""
    return [
        QuestionInfo(key=q.key, title_nl=q.title_nl, title_en=q.title_en)
        for q in CATALOGUE.values()
    ]


@router.get(
    "/questions/{question}/publishable", response_model=PublishableAnswer, tags=["questions"]
)
def publishable(
    question: Annotated[str, Path(pattern="^[a-z-]{1,40}$")],
    found: Found,
    who: Annotated[Caller, allow(Role.POLICYMAKER, Role.ADMIN)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
) -> Response:
    """A question as it may be published: the tables that count what it finds, per
    neighbourhood, with small counts of persons hidden (and what would give them away) and
    the rest rounded to 5. No person, id or name is in it. Of the present only: the figures
    of earlier dates are published as trends (``/trends/{question}``), whose disclosure
    control holds between quarters; a table of any date beside another would not."""
    if question not in CATALOGUE:
        raise not_found()
    codes = tuple(neighbourhood)
    answer = found.answers.publishable(question, codes)
    record_each(found, who, Action.ASK, scope_objects(found, codes))
    key = ("publishable", question, codes)
    body = found.answers.serialised(answer.version, key, lambda: answer)
    return Response(body, media_type="application/json")


@router.get("/questions/{question}", response_model=Answer, tags=["questions"])
async def ask(
    question: Annotated[str, Path(pattern="^[a-z-]{1,40}$")],
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.ADMIN)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    theme: Annotated[str | None, Query(pattern=CODE)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    people_only: Annotated[
        bool, Query(description="Alleen mensen / people only (bridges: places apart)")
    ] = False,
    as_of: AsOf = None,
) -> Response:
    """One question's answer, scoped like ``wijkgraaf ask``. A coach's answers are worked out
    on their own neighbourhoods only."""
    if question not in CATALOGUE:
        raise not_found()
    asking = Asking(
        question,
        within=who.within,
        neighbourhoods=tuple(neighbourhood),
        theme=theme,
        limit=limit,
        people_only=people_only,
        as_of=as_of.isoformat() if as_of is not None else None,
    )
    answered = await served(
        found, partial(found.answers.cached_ask, asking), partial(found.answers.ask, asking)
    )
    await record_each_async(found, who, Action.ASK, scope_objects(found, answered.codes))
    answer = answered.answer
    key = ("ask", question, answered.codes, theme, limit, who.within, people_only, asking.as_of)
    body = found.answers.serialised(answer.version, key, lambda: answer)
    return Response(body, media_type="application/json")
