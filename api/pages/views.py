"""Pages for a browser: sign in with an API key, then the index of one's neighbourhoods, maps,
question tables, publishable figures with charts, and CSV downloads.

The same roles and audit as the API (``api.web.deps``): a coach sees maps and answers of their
own neighbourhoods only (anything else answers 404), a policymaker the aggregate tables only,
an administrator everything; an integration has no pages. Every map, answer and table a page
shows is appended to the audit log as the API's routes do.

Signing in, the roles each page serves and the policy every page carries are in
``api.pages.access``. :func:`install_pages` serves both on an app.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access.audit import Action, ObjectKind, Result, Role
from api.answers import Asking
from api.pages.access import (
    LangQuery,
    SignInNeeded,
    chrome_for,
    csv_download,
    html_page,
    page_allow,
    page_error,
    page_url,
)
from api.pages.access import (
    router as access_router,
)
from api.pages.changes import router as changes_router
from api.pages.dates import AsOfQuery, as_of_dates, page_date
from api.pages.introductions import ACTION as FOLLOW_UP
from api.pages.introductions import follow_ups
from api.pages.introductions import router as introductions_router
from api.pages.record_residents import router as record_residents_router
from api.pages.record_views import record_links
from api.pages.recording import router as recording_router
from api.pages.source_ids import router as source_id_router
from api.pages.source_ids import source_id_url
from api.pages.trends import router as trends_router
from api.web.deps import (
    CODE,
    KINDS,
    NODE_ID,
    Caller,
    Codes,
    Found,
    Services,
    record,
    record_each,
    scope_objects,
)
from api.web.errors import PAGES_PREFIX, not_found
from graph.analysis.aggregates import MIN_CELL, ROUNDING, TABLES, AggregateTable
from graph.analysis.context import NetworkContext
from graph.analysis.engine import CATALOGUE
from graph.analysis.present import present_table
from graph.analysis.results import Answer, Lang, Scope
from visualise import OVERLAY_QUESTIONS, ColourMode, build_map
from visualise.downloads import aggregate_csv, answer_csv
from visualise.page import render_page
from visualise.site import (
    AreaRow,
    Link,
    render_aggregate,
    render_answer,
    render_index,
    render_publishable,
    render_tables,
)
from visualise.words import word

router = APIRouter(prefix=PAGES_PREFIX, include_in_schema=False)

QUESTION = "^[a-z-]{1,40}$"
#: A table's name (graph.analysis.table_specs.TABLES): longer than an area's code can be.
TABLE = "^[a-z_]{1,80}$"
#: How many items a question page and a map overlay show.
PAGE_ITEMS = 20


def _question_title(question: str, lang: Lang) -> str:
    entry = CATALOGUE[question]
    return entry.title_nl if lang == "nl" else entry.title_en


# --- the index ------------------------------------------------------------------------------


def _area_rows(found: Services, who: Caller, lang: Lang) -> list[AreaRow]:
    context = found.analyst.context_within(who.within)
    codes = sorted(context.area_codes(who.within) if who.within else context.areas)
    residents: dict[str, int] = {}
    initiatives: dict[str, int] = {}
    for _, data in context.fabric.nodes(data=True):
        home = data.get("neighbourhood")
        if data.get("label") == "Resident":
            residents[home] = residents.get(home, 0) + 1
        elif data.get("label") == "Initiative":
            initiatives[home] = initiatives.get(home, 0) + 1
    rows = []
    for code in codes:
        within = context.area_codes((code,))
        area = context.areas.get(code, {})
        rows.append(
            AreaRow(
                code=code,
                name=area.get("name", code),
                level=area.get("level", ""),
                residents=sum(residents.get(c, 0) for c in within),
                initiatives=sum(initiatives.get(c, 0) for c in within),
                map_href=page_url("/map", neighbourhood=code, lang=lang),
                questions=tuple(
                    Link(page_url(f"/questions/{q}", neighbourhood=code, lang=lang), q)
                    for q in CATALOGUE
                ),
            )
        )
    return rows


def _table_links(lang: Lang) -> list[Link]:
    """The network questions as publishable tables first, then every table on its own."""
    questions = [
        Link(
            page_url(f"/questions/{question}/publishable", lang=lang),
            _question_title(question, lang),
        )
        for question in CATALOGUE
    ]
    return questions + [
        Link(
            page_url(f"/aggregates/{name}", lang=lang),
            spec.title_nl if lang == "nl" else spec.title_en,
        )
        for name, spec in TABLES.items()
    ]


@router.get("/")
def index(
    request: Request,
    found: Found,
    who: Annotated[Caller, page_allow(Role.COACH, Role.POLICYMAKER, Role.ADMIN)],
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """A coach's neighbourhoods (an administrator's: all of them) with their maps and
    questions; the publishable tables for a policymaker and an administrator."""
    chrome = chrome_for(request, who, lang)
    person_level = who.role in (Role.COACH, Role.ADMIN)
    page = render_index(
        chrome,
        areas=_area_rows(found, who, lang) if person_level else [],
        mine_only=who.role == Role.COACH,
        whole_map=page_url("/map", lang=lang) if person_level else None,
        tables=_table_links(lang) if who.role != Role.COACH else [],
    )
    return html_page(page)


# --- maps -----------------------------------------------------------------------------------


@router.get("/map")
def map_page(
    request: Request,
    found: Found,
    who: Annotated[Caller, page_allow(Role.COACH, Role.ADMIN)],
    neighbourhood: Annotated[str | None, Query(pattern=CODE)] = None,
    ego: Annotated[str | None, Query(pattern=NODE_ID)] = None,
    steps: Annotated[int, Query(ge=1, le=2)] = 1,
    question: Annotated[str | None, Query(pattern=QUESTION)] = None,
    colour: Annotated[ColourMode, Query()] = "kind",
    as_of: AsOfQuery = None,
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """A neighbourhood's map (a coach's own areas, or everything for an administrator), or
    one person's or initiative's network; with ``question``, its answer drawn on it; with
    ``as_of``, the network as it was on that date."""
    if question is not None and question not in OVERLAY_QUESTIONS:
        raise not_found()
    day = page_date(as_of, "as_of")
    codes = found.answers.codes(who.within, (neighbourhood,) if neighbourhood else ())
    if day is None:
        context = found.analyst.context_within(who.within)
    else:
        context = found.analyst.context_as_of(day, who.within)
    if ego is not None:
        kind = KINDS[ego[0]][1]
        if ego not in context.fabric:
            record(found, who, Action.MAP, kind, ego, Result.NOT_FOUND)
            raise not_found()
        audited: list[tuple[ObjectKind, str]] = [(kind, ego)]
    else:
        audited = scope_objects(found, codes)
    scope = Scope(neighbourhoods=codes)
    answer = (
        found.answers.ask(
            Asking(question, within=who.within, neighbourhoods=codes, limit=PAGE_ITEMS, as_of=day)
        ).answer
        if question
        else None
    )
    kept = [("question", question)] if question else []
    drill = (
        PAGES_PREFIX
        + "/map?neighbourhood={code}&"
        + urlencode([("lang", lang), *kept, *([("as_of", day)] if day else [])])
    )
    data = build_map(
        context,
        scope=scope if ego is None else None,
        ego=ego,
        steps=steps,
        answer=answer,
        colour_by=colour,
        lang=lang,
        drill_url=drill,
    )
    nav = [{"href": page_url("/", lang=lang), "label": word(lang, "home")}]
    if question:
        nav.append(
            {
                "href": page_url(
                    f"/questions/{question}", neighbourhood=neighbourhood, as_of=day, lang=lang
                ),
                "label": word(lang, "as_table"),
            }
        )
    if day is None:  # recording is of the present
        nav += record_links(context, ego=ego, neighbourhood=neighbourhood, lang=lang)
    data["nav"] = nav
    record_each(found, who, Action.MAP, audited)
    chrome = chrome_for(request, who, lang)
    return html_page(render_page(data, chrome=chrome, dates=as_of_dates(request, day, lang)))


# --- questions ------------------------------------------------------------------------------


def _answer(
    found: Services,
    who: Caller,
    question: str,
    neighbourhood: str | None,
    theme: str | None,
    limit: int,
    *,
    people_only: bool = False,
    as_of: str | None = None,
) -> Answer:
    if question not in CATALOGUE:
        raise not_found()
    asking = Asking(
        question,
        within=who.within,
        neighbourhoods=(neighbourhood,) if neighbourhood else (),
        theme=theme,
        limit=limit,
        people_only=people_only,
        as_of=as_of,
    )
    asked = found.answers.ask(asking)
    record_each(found, who, Action.ASK, scope_objects(found, asked.codes))
    return asked.answer


def _item_links(
    context: NetworkContext, answer: Answer, lang: Lang, as_of: str | None = None
) -> dict[str, str]:
    """Where an item's name leads: its own network on a map (the question drawn on it), or a
    neighbourhood's map; as of the date the answer is."""
    question = answer.question if answer.question in OVERLAY_QUESTIONS else None
    links = {}
    for item in answer.items:
        if item.id in context.fabric:
            links[item.id] = page_url(
                "/map", ego=item.id, question=question, as_of=as_of, lang=lang
            )
        elif item.kind == "neighbourhood" and item.id in context.areas:
            links[item.id] = page_url(
                "/map", neighbourhood=item.id, question=question, as_of=as_of, lang=lang
            )
    return links


def _source_links(
    who: Caller, context: NetworkContext, answer: Answer, lang: Lang
) -> dict[str, str]:
    """For a coach, each resident of the answer (all of their own areas) leads to the page of
    their source id too; no other role has one."""
    if who.role != Role.COACH:
        return {}
    fabric = context.fabric
    return {
        item.id: source_id_url(item.id, lang)
        for item in answer.items
        if item.id in fabric and fabric.nodes[item.id].get("label") == "Resident"
    }


@router.get("/questions/{question}.csv")
def question_csv(
    found: Found,
    who: Annotated[Caller, page_allow(Role.COACH, Role.ADMIN)],
    question: Annotated[str, Path(pattern=QUESTION)],
    neighbourhood: Annotated[str | None, Query(pattern=CODE)] = None,
    theme: Annotated[str | None, Query(pattern=CODE)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = PAGE_ITEMS,
    people_only: bool = False,
    as_of: AsOfQuery = None,
    lang: LangQuery = "nl",
) -> Response:
    day = page_date(as_of, "as_of")
    answer = _answer(
        found, who, question, neighbourhood, theme, limit, people_only=people_only, as_of=day
    )
    return csv_download(answer_csv(answer, lang), f"wijkgraaf-{question}.csv")


@router.get("/questions/{question}")
def question_page(
    request: Request,
    found: Found,
    who: Annotated[Caller, page_allow(Role.COACH, Role.ADMIN)],
    question: Annotated[str, Path(pattern=QUESTION)],
    neighbourhood: Annotated[str | None, Query(pattern=CODE)] = None,
    theme: Annotated[str | None, Query(pattern=CODE)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = PAGE_ITEMS,
    people_only: bool = False,
    as_of: AsOfQuery = None,
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """A question's answer as a table, with the way to its map and a CSV download; the
    bridges with people only, or people and places, on request; with ``as_of``, on the
    network as it was on that date (no introductions to follow up: they are of the present)."""
    day = page_date(as_of, "as_of")
    answer = _answer(
        found, who, question, neighbourhood, theme, limit, people_only=people_only, as_of=day
    )
    params = {"neighbourhood": neighbourhood, "theme": theme, "as_of": day, "lang": lang}
    flag = {"people_only": "true"} if people_only else {}
    links = [
        Link(
            page_url(f"/questions/{question}.csv", limit=limit, **params, **flag),
            word(lang, "download_csv"),
        )
    ]
    if question == "bridges":
        switch = {} if people_only else {"people_only": "true"}
        label = "people_and_places" if people_only else "people_only"
        links.append(
            Link(page_url(f"/questions/{question}", **params, **switch), word(lang, label))
        )
    if question in OVERLAY_QUESTIONS and theme is None:
        map_href = page_url(
            "/map", neighbourhood=neighbourhood, question=question, as_of=day, lang=lang
        )
        links.insert(0, Link(map_href, word(lang, "on_map")))
    context = found.analyst.context_within(who.within)
    then = context if day is None else found.analyst.context_as_of(day, who.within)
    page = render_answer(
        chrome_for(request, who, lang),
        title=_question_title(question, lang),
        answer=answer,
        links=links,
        item_links=_item_links(then, answer, lang, day),
        source_links=_source_links(who, context, answer, lang),
        follow_ups=follow_ups(context, answer, lang) if day is None else {},
        follow_up_action=FOLLOW_UP,
        back=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        dates=as_of_dates(request, day, lang),
    )
    return html_page(page)


# --- publishable figures --------------------------------------------------------------------


@router.get("/questions/{question}/publishable")
def publishable_page(
    request: Request,
    found: Found,
    who: Annotated[Caller, page_allow(Role.POLICYMAKER, Role.ADMIN)],
    question: Annotated[str, Path(pattern=QUESTION)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """A question as a policymaker may read it: its tables, their charts and the notes on
    what is hidden and why, each with its CSV download."""
    if question not in CATALOGUE:
        raise not_found()
    codes = tuple(neighbourhood)
    answer = found.answers.publishable(question, codes)
    record_each(found, who, Action.ASK, scope_objects(found, codes))
    links = [
        [
            Link(
                page_url(f"/aggregates/{table.name}.csv", neighbourhood=list(codes), lang=lang),
                word(lang, "download_csv"),
            )
        ]
        for table in answer.tables
    ]
    page = render_publishable(
        chrome_for(request, who, lang),
        title=answer.title_nl if lang == "nl" else answer.title_en,
        tables=answer.tables,
        links=links,
    )
    return html_page(page)


@router.get("/aggregates")
def tables_page(
    request: Request,
    who: Annotated[Caller, page_allow(Role.POLICYMAKER, Role.ADMIN)],
    lang: LangQuery = "nl",
) -> HTMLResponse:
    chrome = chrome_for(request, who, lang)
    return html_page(
        render_tables(chrome, tables=_table_links(lang), min_cell=MIN_CELL, rounding=ROUNDING)
    )


def _table(found: Services, who: Caller, table: str, neighbourhood: list[str]) -> AggregateTable:
    if table not in TABLES:
        raise not_found()
    result = present_table(found.analyst, table, tuple(neighbourhood) or None)
    record(found, who, Action.AGGREGATE, ObjectKind.TABLE, table)
    return result


@router.get("/aggregates/{table}.csv")
def table_csv(
    found: Found,
    who: Annotated[Caller, page_allow(Role.POLICYMAKER, Role.ADMIN)],
    table: Annotated[str, Path(pattern=TABLE)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    lang: LangQuery = "nl",
) -> Response:
    return csv_download(
        aggregate_csv(_table(found, who, table, neighbourhood), lang), f"wijkgraaf-{table}.csv"
    )


@router.get("/aggregates/{table}")
def table_page(
    request: Request,
    found: Found,
    who: Annotated[Caller, page_allow(Role.POLICYMAKER, Role.ADMIN)],
    table: Annotated[str, Path(pattern=TABLE)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """One table as it may be published, with a bar chart of the same numbers."""
    result = _table(found, who, table, neighbourhood)
    links = [
        Link(
            page_url(f"/aggregates/{table}.csv", neighbourhood=neighbourhood, lang=lang),
            word(lang, "download_csv"),
        )
    ]
    return html_page(render_aggregate(chrome_for(request, who, lang), table=result, links=links))


def install_pages(app: FastAPI) -> None:
    """Serve the pages on ``app``: their routes, their errors as pages, and ``/`` leading to
    them."""
    app.state.page_error = page_error

    async def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInNeeded)
        target = page_url("/login", next=exc.next_url, lang=exc.lang)
        return RedirectResponse(target, status_code=303)

    app.add_exception_handler(SignInNeeded, sign_in)
    app.include_router(access_router)
    app.include_router(router)
    app.include_router(source_id_router)
    app.include_router(introductions_router)
    app.include_router(changes_router)
    app.include_router(record_residents_router)
    app.include_router(recording_router)
    app.include_router(trends_router)
    app.add_api_route(
        "/",
        lambda: RedirectResponse(PAGES_PREFIX + "/", status_code=307),
        include_in_schema=False,
    )
