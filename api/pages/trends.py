"""``/pages/trends/{question}``: a question's publishable tables per quarter, a line chart of
each, the notes on what is hidden over time, and its CSV (issue 16)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.access.audit import Role
from api.pages.access import LangQuery, chrome_for, csv_download, html_page, page_allow, page_url
from api.web.deps import Caller, Codes, Found
from api.web.errors import PAGES_PREFIX
from api.web.routes.trends import trend_of
from graph.analysis.trends import TrendAnswer
from visualise.downloads import trend_csv
from visualise.site import Link
from visualise.trends_page import render_trend
from visualise.words import word

router = APIRouter(prefix=PAGES_PREFIX, include_in_schema=False)

QUESTION = "^[a-z-]{1,40}$"
#: the date fields of the page's form; empty: the first or the last date with data
#: a policymaker or an administrator (one dependency: checked once per request)
Reader = Annotated[Caller, page_allow(Role.POLICYMAKER, Role.ADMIN)]
StartField = Annotated[str | None, Query(alias="from", max_length=10)]
EndField = Annotated[str | None, Query(alias="to", max_length=10)]


def _day(text: str | None) -> date | None:
    """A date the form sent (an empty field: none); a malformed one is refused as the API's
    date parameters are, with the field's name."""
    if not text:
        return None
    from graph.periods import as_date

    return date.fromisoformat(as_date(text, "from/to"))


def _trend(
    found: Found,
    who: Reader,
    question: Annotated[str, Path(pattern=QUESTION)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    start: StartField = None,
    end: EndField = None,
) -> TrendAnswer:
    """The trend the page or its download asks for (audited in :func:`trend_of`)."""
    return trend_of(found, who, question, tuple(neighbourhood), _day(start), _day(end))


Trend = Annotated[TrendAnswer, Depends(_trend)]


@router.get("/trends/{question}.csv")
def trend_download(answer: Trend, lang: LangQuery = "nl") -> Response:
    return csv_download(trend_csv(answer, lang), f"wijkgraaf-trend-{answer.question}.csv")


@router.get("/trends/{question}")
def trend_page(
    request: Request,
    answer: Trend,
    who: Reader,
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """A question's publishable tables per quarter end, with a line chart of each table and
    the notes on what is hidden over time and why."""
    query = request.url.query
    download = f"{PAGES_PREFIX}/trends/{answer.question}.csv" + (f"?{query}" if query else "")
    period = {
        "start": answer.quarters[0].as_of if answer.quarters else "",
        "end": answer.quarters[-1].as_of if answer.quarters else "",
        "neighbourhoods": list(answer.neighbourhoods),
    }
    page = render_trend(
        chrome_for(request, who, lang),
        answer=answer,
        links=[Link(download, word(lang, "download_csv"))],
        period=period,
        action=page_url(f"/trends/{answer.question}"),
    )
    return html_page(page)
