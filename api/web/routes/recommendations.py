"""``/recommendations``: for one resident, initiative or neighbourhood, best first, in pages."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.access.audit import Action, ObjectKind, Role
from api.answers import Wanted
from api.documents import recommendations_document
from api.web.deps import CODE, ID_PATTERN, Caller, Found, allow, record_async, served
from api.web.errors import ERROR_RESPONSES
from api.web.schemas import Recommendations
from graph.analysis.engine import recommendation_subject

router = APIRouter(responses=ERROR_RESPONSES)


@router.get(
    "/recommendations",
    response_model=Recommendations,
    tags=["recommendations"],
)
async def recommendations(
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.INTEGRATION, Role.ADMIN)],
    resident: Annotated[str | None, Query(pattern=ID_PATTERN[ObjectKind.RESIDENT])] = None,
    initiative: Annotated[str | None, Query(pattern=ID_PATTERN[ObjectKind.INITIATIVE])] = None,
    neighbourhood: Annotated[str | None, Query(pattern=CODE)] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=10_000)] = 20,
) -> Response:
    """Recommendations for one resident, initiative or neighbourhood, best first, in pages.

    An integration receives the shape without names or texts, and never an item that rests
    on a special-category need."""
    page_size = min(page_size, found.settings.max_page_size)
    kind, subject = recommendation_subject(
        resident=resident, initiative=initiative, neighbourhood=neighbourhood
    )

    integration = who.role == Role.INTEGRATION
    wanted = Wanted(kind, subject, within=who.within, published=integration)
    answer = await served(
        found,
        partial(found.answers.cached_recommendation, wanted),
        partial(found.answers.recommend, wanted),
    )
    await record_async(found, who, Action.RECOMMEND, ObjectKind(kind), subject)
    key = ("recommend", kind, subject, who.within, integration, page, page_size)
    document = partial(recommendations_document, answer, wanted, page=page, page_size=page_size)
    serialised = found.answers.serialised(answer.version, key, document)
    return Response(serialised, media_type="application/json")
