"""``/pages/changes``: what changed between two dates, for a coach (their own neighbourhoods)
and an administrator (issue 16).

A form that reads (GET, so no form token): two date fields and a neighbourhood; once the
first date is given, the answer ``GET /changes`` gives, as tables. A name leads to that
person's or initiative's map as of the date they are there (the later one if both). The
answer is logged as the API logs it: one line per neighbourhood, action ``changes``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.access.audit import Action, Role
from api.pages.access import LangQuery, chrome_for, html_page, page_allow, page_url
from api.pages.dates import DATE_OR_EMPTY, page_date
from api.web.deps import CODE, Caller, Found, Services, record_each, scope_objects
from api.web.errors import PAGES_PREFIX
from graph.analysis.changes import SECTIONS, ChangesAnswer
from graph.analysis.results import Lang
from visualise.changes_page import render_changes
from visualise.dates import Choice, DateField, DateForm, date_word

router = APIRouter(prefix=PAGES_PREFIX, include_in_schema=False)

#: The neighbourhood field as a form sends it: a code, or empty (all of one's own).
CODE_OR_EMPTY = "^$|" + CODE
#: How many items each list of the page shows.
PAGE_ITEMS = 50


def _choice(found: Services, who: Caller, chosen: str | None, lang: Lang) -> Choice:
    """The neighbourhoods the caller may choose: a coach's own (with the areas within them),
    every area for an administrator; first "all"."""
    context = found.analyst.context_within(who.within)
    codes = sorted(context.area_codes(who.within) if who.within else context.areas)
    options = [("", date_word(lang, "all_mine"))]
    options += [(code, f"{context.area_name(code)} ({code})") for code in codes]
    label = date_word(lang, "neighbourhood")
    return Choice("neighbourhood", label, chosen or "", tuple(options))


def _links(found: Services, who: Caller, answer: ChangesAnswer, lang: Lang) -> dict[str, str]:
    """Where each item's name leads: its map as of the later date if it is there then, else
    as of the earlier one."""
    later = found.analyst.context_as_of(answer.to_date, who.within).fabric
    earlier = found.analyst.context_as_of(answer.from_date, who.within).fabric
    links = {}
    for key in SECTIONS:
        for item in getattr(answer, key):
            if item.id in later or item.id in earlier:
                day = answer.to_date if item.id in later else answer.from_date
                links[item.id] = page_url("/map", ego=item.id, as_of=day, lang=lang)
    return links


@router.get("/changes")
def changes_page(
    request: Request,
    found: Found,
    who: Annotated[Caller, page_allow(Role.COACH, Role.ADMIN)],
    start: Annotated[str | None, Query(alias="from", pattern=DATE_OR_EMPTY)] = None,
    end: Annotated[str | None, Query(alias="to", pattern=DATE_OR_EMPTY)] = None,
    neighbourhood: Annotated[str | None, Query(pattern=CODE_OR_EMPTY)] = None,
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """The two dates, and what changed between them in the neighbourhood chosen (none: all
    of the caller's)."""
    first, second = page_date(start, "from"), page_date(end, "to")
    asked = (neighbourhood,) if neighbourhood else ()
    found.answers.codes(who.within, asked)  # another's neighbourhood: 404 before anything
    form = DateForm(
        PAGES_PREFIX + "/changes",
        (
            DateField("from", date_word(lang, "from"), first or ""),
            DateField("to", date_word(lang, "to"), second or ""),
        ),
        date_word(lang, "show"),
        hidden=(("lang", lang),),
        hint=date_word(lang, "to_hint"),
        choice=_choice(found, who, neighbourhood, lang),
        form_id="changes-dates",
    )
    answer, links = None, {}
    if first is not None:
        dates = (first, second or date.today().isoformat())
        codes, answer = found.answers.changes(who.within, asked, dates, limit=PAGE_ITEMS)
        record_each(found, who, Action.CHANGES, scope_objects(found, codes))
        links = _links(found, who, answer, lang)
    page = render_changes(chrome_for(request, who, lang), form=form, answer=answer, links=links)
    return html_page(page)
