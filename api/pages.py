"""Pages for a browser: sign in with an API key, then the index of one's neighbourhoods, maps,
question tables, publishable figures with charts, and CSV downloads.

The same roles and audit as the API (``api.security``): a coach sees maps and answers of their
own neighbourhoods only (anything else answers 404), a policymaker the aggregate tables only,
an administrator everything; an integration has no pages. Every map, answer and table a page
shows is appended to the audit log as the API's routes do.

A browser signs in once (``/pages/login``) and carries a session cookie (``api.sessions``).
Every page has a Content-Security-Policy that lets it load nothing from anywhere: a page's
scripts are allowed by their hashes, and a page without scripts may run none.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.audit import Action, ObjectKind, Result, Role
from api.http import PAGES_PREFIX, ApiError, not_found
from api.security import (
    CODE,
    KINDS,
    NODE_ID,
    Caller,
    Found,
    Services,
    admit,
    coach_codes,
    record,
    scope_object,
)
from api.sessions import COOKIE
from graph.analysis.aggregates import MIN_CELL, ROUNDING, TABLES, AggregateTable
from graph.analysis.aggregates import aggregate as aggregate_table
from graph.analysis.context import NetworkContext
from graph.analysis.engine import CATALOGUE
from graph.analysis.results import Answer, Lang, Scope
from graph.errors import NotFoundError
from visualise import OVERLAY_QUESTIONS, ColourMode, build_map
from visualise.page import render_page
from visualise.site import (
    AreaRow,
    Chrome,
    Link,
    aggregate_csv,
    answer_csv,
    render_aggregate,
    render_answer,
    render_error,
    render_index,
    render_login,
    render_tables,
    word,
)

router = APIRouter(prefix=PAGES_PREFIX, include_in_schema=False)

LangQuery = Annotated[Lang, Query()]
Codes = Annotated[list[str], Query(max_length=20)]
QUESTION = "^[a-z-]{1,40}$"
#: How many items a question page and a map overlay show.
PAGE_ITEMS = 20

INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
#: Where ``next`` may send a browser after signing in: a page of this site, nothing else.
SAFE_NEXT = re.compile(r"^/pages(/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)?$")

FORBIDDEN_PAGE = (
    "Deze pagina is er niet voor uw rol. Pagina's zijn er voor coaches (kaarten en vragen van "
    "hun buurten), beleidsmakers (cijfers om te publiceren) en beheerders; een koppeling "
    "gebruikt de API.",
    "This page is not for your role. Pages are for coaches (maps and questions of their "
    "neighbourhoods), policymakers (figures safe to publish) and administrators; an "
    "integration uses the API.",
)


class SignInNeeded(Exception):
    """No valid session: the browser is sent to the sign-in page, to come back to ``next``."""

    def __init__(self, next_url: str, lang: Lang) -> None:
        super().__init__(next_url)
        self.next_url, self.lang = next_url, lang


def _lang_of(request: Request) -> Lang:
    return "en" if request.query_params.get("lang") == "en" else "nl"


def _url(path: str, **params: object) -> str:
    """A page's address with its query (parameters that are None or empty are left out)."""
    query: list[tuple[str, str]] = []
    for name, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        query.extend((name, str(v)) for v in values if v is not None and v != "")
    return PAGES_PREFIX + path + ("?" + urlencode(query) if query else "")


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


async def page_caller(request: Request, found: Found) -> Caller:
    """The signed-in browser's key (checked again on every page: a revoked key stops here)."""
    token = request.cookies.get(COOKIE)
    key_id = found.sessions.key_id(token) if token else None
    key = None
    if key_id is not None:
        try:
            key = found.keys.get(key_id)
        except NotFoundError:
            key = None
    if key is None or not key.active:
        raise SignInNeeded(_here(request), _lang_of(request))
    return admit(request, found, key)


def page_allow(*roles: Role) -> Any:
    """A dependency that lets only ``roles`` see the page (403 for the other keys)."""

    async def check(who: Annotated[Caller, Depends(page_caller)]) -> Caller:
        if who.role not in roles:
            raise ApiError(403, "forbidden", *FORBIDDEN_PAGE)
        return who

    return Depends(check)


# --- answers: HTML with its policy --------------------------------------------------------------


def policy(page: str) -> str:
    """The page's Content-Security-Policy: its own inline scripts (by hash) and styles, data
    images, forms to this site; nothing loaded from anywhere."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(page)
    ]
    scripts = " ".join(hashes) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
        "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def _html(page: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(
        page,
        status_code=status,
        headers={**(headers or {}), "Content-Security-Policy": policy(page)},
    )


def _csv(text: str, filename: str) -> Response:
    # A byte-order mark, so a spreadsheet opens the file as UTF-8 (names with accents).
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _chrome(request: Request, who: Caller | None, lang: Lang) -> Chrome:
    other: Lang = "en" if lang == "nl" else "nl"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    switch = request.url.path + "?" + urlencode([*query, ("lang", other)])
    nav = [Link(_url("/", lang=lang), word(lang, "home"))]
    if who is not None and who.role in (Role.POLICYMAKER, Role.ADMIN):
        nav.append(Link(_url("/aggregates", lang=lang), word(lang, "aggregates")))
    return Chrome(
        lang=lang,
        role=who.role.value if who is not None else None,
        nav=nav,
        other_lang=switch,
        sign_out=PAGES_PREFIX + "/logout" if who is not None else None,
    )


def page_error(
    request: Request, status: int, nl: str, en: str, headers: dict[str, str]
) -> Response:
    """An error on a page, as a page (``api.http`` calls this for every path under /pages)."""
    lang = _lang_of(request)
    page = render_error(
        _chrome(request, None, lang), status=status, message=nl if lang == "nl" else en
    )
    return _html(page, status, headers)


def _question_title(question: str, lang: Lang) -> str:
    entry = CATALOGUE[question]
    return entry.title_nl if lang == "nl" else entry.title_en


# --- signing in ---------------------------------------------------------------------------


@router.get("/login")
def login_form(
    request: Request,
    lang: LangQuery = "nl",
    next: Annotated[str, Query(max_length=2000)] = PAGES_PREFIX + "/",
) -> HTMLResponse:
    target = next if SAFE_NEXT.match(next) else PAGES_PREFIX + "/"
    chrome = _chrome(request, None, lang)
    return _html(render_login(chrome, action=PAGES_PREFIX + "/login", next_url=target))


@router.post("/login")
def login(
    request: Request,
    found: Found,
    key: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = PAGES_PREFIX + "/",
    lang: Annotated[Lang, Form()] = "nl",
) -> Response:
    """Check the key; on success a session cookie and back to the page asked for."""
    target = next if SAFE_NEXT.match(next) else PAGES_PREFIX + "/"
    signed = found.keys.authenticate(key.strip())
    if signed is None:
        chrome = _chrome(request, None, lang)
        page = render_login(chrome, action=PAGES_PREFIX + "/login", next_url=target, failed=True)
        return _html(page, 401)
    who = admit(request, found, signed)
    record(found, who, Action.SIGN_IN, ObjectKind.KEY, signed.key_id)
    answer = RedirectResponse(target, status_code=303)
    answer.set_cookie(
        COOKIE,
        found.sessions.open(signed.key_id),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=PAGES_PREFIX,
    )
    return answer


@router.post("/logout")
def logout(request: Request, found: Found) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        found.sessions.close(token)
    answer = RedirectResponse(_url("/login", lang=_lang_of(request)), status_code=303)
    answer.delete_cookie(COOKIE, path=PAGES_PREFIX)
    return answer


# --- the index ------------------------------------------------------------------------------


def _area_rows(found: Services, who: Caller, lang: Lang) -> list[AreaRow]:
    context = found.analyst.context()
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
                map_href=_url("/map", neighbourhood=code, lang=lang),
                questions=tuple(
                    Link(_url(f"/questions/{q}", neighbourhood=code, lang=lang), q)
                    for q in CATALOGUE
                ),
            )
        )
    return rows


def _table_links(lang: Lang) -> list[Link]:
    return [
        Link(
            _url(f"/aggregates/{name}", lang=lang), spec.title_nl if lang == "nl" else spec.title_en
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
    chrome = _chrome(request, who, lang)
    person_level = who.role in (Role.COACH, Role.ADMIN)
    page = render_index(
        chrome,
        areas=_area_rows(found, who, lang) if person_level else [],
        mine_only=who.role == Role.COACH,
        whole_map=_url("/map", lang=lang) if person_level else None,
        tables=_table_links(lang) if who.role != Role.COACH else [],
    )
    return _html(page)


# --- maps -----------------------------------------------------------------------------------


def _world(found: Services, who: Caller) -> NetworkContext:
    """The network as this caller may see it: a coach's own areas only."""
    context = found.analyst.context()
    return context.restricted(who.within) if who.within else context


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
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """A neighbourhood's map (a coach's own areas, or everything for an administrator), or
    one person's or initiative's network; with ``question``, its answer drawn on it."""
    if question is not None and question not in OVERLAY_QUESTIONS:
        raise not_found()
    codes = coach_codes(found, who, [neighbourhood] if neighbourhood else [])
    context = _world(found, who)
    if ego is not None:
        kind = KINDS[ego[0]][1]
        if ego not in context.fabric:
            record(found, who, Action.MAP, kind, ego, Result.NOT_FOUND)
            raise not_found()
        audited: tuple[ObjectKind, str] = (kind, ego)
    else:
        audited = scope_object(found, codes)
    scope = Scope(neighbourhoods=codes)
    answer = (
        found.analyst.ask(question, scope, limit=PAGE_ITEMS, within=who.within)
        if question
        else None
    )
    drill = (
        PAGES_PREFIX
        + "/map?neighbourhood={code}&"
        + urlencode([("lang", lang)] + ([("question", question)] if question else []))
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
    nav = [{"href": _url("/", lang=lang), "label": word(lang, "home")}]
    if question:
        nav.append(
            {
                "href": _url(f"/questions/{question}", neighbourhood=neighbourhood, lang=lang),
                "label": word(lang, "as_table"),
            }
        )
    data["nav"] = nav
    record(found, who, Action.MAP, *audited)
    return _html(render_page(data))


# --- questions ------------------------------------------------------------------------------


def _answer(
    found: Services,
    who: Caller,
    question: str,
    neighbourhood: str | None,
    theme: str | None,
    limit: int,
) -> Answer:
    if question not in CATALOGUE:
        raise not_found()
    codes = coach_codes(found, who, [neighbourhood] if neighbourhood else [])
    answer = found.analyst.ask(
        question, Scope(neighbourhoods=codes, theme=theme), limit=limit, within=who.within
    )
    record(found, who, Action.ASK, *scope_object(found, codes))
    return answer


def _item_links(context: NetworkContext, answer: Answer, lang: Lang) -> dict[str, str]:
    """Where an item's name leads: its own network on a map (the question drawn on it), or a
    neighbourhood's map."""
    question = answer.question if answer.question in OVERLAY_QUESTIONS else None
    links = {}
    for item in answer.items:
        if item.id in context.fabric:
            links[item.id] = _url("/map", ego=item.id, question=question, lang=lang)
        elif item.kind == "neighbourhood" and item.id in context.areas:
            links[item.id] = _url("/map", neighbourhood=item.id, question=question, lang=lang)
    return links


@router.get("/questions/{question}.csv")
def question_csv(
    found: Found,
    who: Annotated[Caller, page_allow(Role.COACH, Role.ADMIN)],
    question: Annotated[str, Path(pattern=QUESTION)],
    neighbourhood: Annotated[str | None, Query(pattern=CODE)] = None,
    theme: Annotated[str | None, Query(pattern=CODE)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = PAGE_ITEMS,
    lang: LangQuery = "nl",
) -> Response:
    answer = _answer(found, who, question, neighbourhood, theme, limit)
    return _csv(answer_csv(answer, lang), f"wijkgraaf-{question}.csv")


@router.get("/questions/{question}")
def question_page(
    request: Request,
    found: Found,
    who: Annotated[Caller, page_allow(Role.COACH, Role.ADMIN)],
    question: Annotated[str, Path(pattern=QUESTION)],
    neighbourhood: Annotated[str | None, Query(pattern=CODE)] = None,
    theme: Annotated[str | None, Query(pattern=CODE)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = PAGE_ITEMS,
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """A question's answer as a table, with the way to its map and a CSV download."""
    answer = _answer(found, who, question, neighbourhood, theme, limit)
    params = {"neighbourhood": neighbourhood, "theme": theme, "lang": lang}
    links = [
        Link(_url(f"/questions/{question}.csv", limit=limit, **params), word(lang, "download_csv"))
    ]
    if question in OVERLAY_QUESTIONS and theme is None:
        map_href = _url("/map", neighbourhood=neighbourhood, question=question, lang=lang)
        links.insert(0, Link(map_href, word(lang, "on_map")))
    page = render_answer(
        _chrome(request, who, lang),
        title=_question_title(question, lang),
        answer=answer,
        links=links,
        item_links=_item_links(_world(found, who), answer, lang),
    )
    return _html(page)


# --- publishable figures --------------------------------------------------------------------


@router.get("/aggregates")
def tables_page(
    request: Request,
    who: Annotated[Caller, page_allow(Role.POLICYMAKER, Role.ADMIN)],
    lang: LangQuery = "nl",
) -> HTMLResponse:
    chrome = _chrome(request, who, lang)
    return _html(
        render_tables(chrome, tables=_table_links(lang), min_cell=MIN_CELL, rounding=ROUNDING)
    )


def _table(found: Services, who: Caller, table: str, neighbourhood: list[str]) -> AggregateTable:
    if table not in TABLES:
        raise not_found()
    result = aggregate_table(found.analyst.context(), table, tuple(neighbourhood) or None)
    record(found, who, Action.AGGREGATE, ObjectKind.TABLE, table)
    return result


@router.get("/aggregates/{table}.csv")
def table_csv(
    found: Found,
    who: Annotated[Caller, page_allow(Role.POLICYMAKER, Role.ADMIN)],
    table: Annotated[str, Path(pattern=CODE)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    lang: LangQuery = "nl",
) -> Response:
    return _csv(
        aggregate_csv(_table(found, who, table, neighbourhood), lang), f"wijkgraaf-{table}.csv"
    )


@router.get("/aggregates/{table}")
def table_page(
    request: Request,
    found: Found,
    who: Annotated[Caller, page_allow(Role.POLICYMAKER, Role.ADMIN)],
    table: Annotated[str, Path(pattern=CODE)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    lang: LangQuery = "nl",
) -> HTMLResponse:
    """One table as it may be published, with a bar chart of the same numbers."""
    result = _table(found, who, table, neighbourhood)
    links = [
        Link(
            _url(f"/aggregates/{table}.csv", neighbourhood=neighbourhood, lang=lang),
            word(lang, "download_csv"),
        )
    ]
    return _html(render_aggregate(_chrome(request, who, lang), table=result, links=links))


def install(app: FastAPI) -> None:
    """Serve the pages on ``app``: their routes, their errors as pages, and ``/`` leading to
    them."""
    app.state.page_error = page_error

    async def sign_in(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInNeeded)
        target = _url("/login", next=exc.next_url, lang=exc.lang)
        return RedirectResponse(target, status_code=303)

    app.add_exception_handler(SignInNeeded, sign_in)
    app.include_router(router)
    app.add_api_route(
        "/",
        lambda: RedirectResponse(PAGES_PREFIX + "/", status_code=307),
        include_in_schema=False,
    )
