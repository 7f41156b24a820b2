"""The page that shows a coach a resident's id in the source system, so that a pseudonym on
a question page (``r-04a216…``) can be acted on.

``/pages/source-id/{resident_id}``: for a coach whose areas hold the resident's neighbourhood,
opened and logged exactly as ``GET /residents/{id}/source-id`` does
(:func:`api.web.routes.records.open_source_id`); any other resident answers 404 as if absent,
and every other role is refused (403, logged as ``source_id``). A question page links each
resident it names to this page for a coach, so the source id is shown, and logged, only for
the resident the coach asks about.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from api.access.audit import ObjectKind, Role
from api.pages.access import LangQuery, chrome_for, html_page, page_allow, page_url
from api.web.deps import ID_PATTERN, Caller, Found
from api.web.errors import PAGES_PREFIX
from api.web.routes.records import open_source_id
from visualise.site import render_source_id

router = APIRouter(prefix=PAGES_PREFIX, include_in_schema=False)


def source_id_url(resident_id: str, lang: str) -> str:
    """Where a question page sends a coach for a resident's source id."""
    return page_url(f"/source-id/{resident_id}", lang=lang)


@router.get("/source-id/{resident_id}")
def source_id_page(
    request: Request,
    found: Found,
    who: Annotated[Caller, page_allow(Role.COACH)],
    resident_id: Annotated[str, Path(pattern=ID_PATTERN[ObjectKind.RESIDENT])],
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """A resident's source id, their name only where they consented to it."""
    opened = open_source_id(found, who, resident_id)
    context = found.analyst.context_within(who.within)
    name = context.name(resident_id) if resident_id in context.fabric else resident_id[:8]
    page = render_source_id(
        chrome_for(request, who, lang),
        name=name,
        source_id=opened.source_id,
        map_href=page_url("/map", ego=resident_id, lang=lang),
    )
    return html_page(page)
