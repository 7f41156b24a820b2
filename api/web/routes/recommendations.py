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


#: The subject as the schema describes it: exactly one of three query parameters, which a
#: list of three optional parameters cannot say. One object parameter in the ``form`` style,
#: exploded, is the same query string (``?resident=r-…``) with the rule in its schema.
SUBJECT = {
    "name": "subject",
    "in": "query",
    "required": True,
    "style": "form",
    "explode": True,
    "description": "Precies één van / exactly one of: `resident=`, `initiative=`, "
    "`neighbourhood=`.",
    "schema": {
        "type": "object",
        "properties": {
            "resident": {"type": "string", "pattern": ID_PATTERN[ObjectKind.RESIDENT]},
            "initiative": {"type": "string", "pattern": ID_PATTERN[ObjectKind.INITIATIVE]},
            "neighbourhood": {"type": "string", "pattern": CODE},
        },
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
    },
}


@router.get(
    "/recommendations",
    response_model=Recommendations,
    tags=["recommendations"],
    openapi_extra={"parameters": [SUBJECT]},
)
async def recommendations(
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.INTEGRATION, Role.ADMIN)],
    # the three are described once, as SUBJECT
    resident: Annotated[
        str | None, Query(pattern=ID_PATTERN[ObjectKind.RESIDENT], include_in_schema=False)
    ] = None,
    initiative: Annotated[
        str | None, Query(pattern=ID_PATTERN[ObjectKind.INITIATIVE], include_in_schema=False)
    ] = None,
    neighbourhood: Annotated[str | None, Query(pattern=CODE, include_in_schema=False)] = None,
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
