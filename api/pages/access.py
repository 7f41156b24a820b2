"""Who looks at the pages: signing in with an API key, the session that follows, the roles
each page serves, and what every page answer carries (its Content-Security-Policy).

A browser signs in once (``/pages/login``) and carries a session cookie (``api.access.sessions``);
every form a page sends shows it came from this site (``api.pages.forms``);
every page checks the key behind it again, so a revoked key stops at its next page. The
policy lets a page load nothing from anywhere: its scripts are allowed by their hashes, and a
page without scripts may run none.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access.audit import Action, ObjectKind, Result, Role
from api.access.sessions import COOKIE
from api.pages.forms import (
    SIGN_IN_COOKIE,
    SignInForm,
    session_form,
    set_sign_in_cookie,
    sign_in_nonce,
    sign_in_token,
)
from api.web.deps import Caller, Found, Services, admit, record, record_async
from api.web.errors import PAGES_PREFIX, ApiError
from graph.analysis.results import Lang
from graph.errors import NotFoundError
from visualise.site import Chrome, Link, render_error, render_login
from visualise.words import word

router = APIRouter(prefix=PAGES_PREFIX, include_in_schema=False)

LangQuery = Annotated[Lang, Query()]

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


def lang_of(request: Request) -> Lang:
    return "en" if request.query_params.get("lang") == "en" else "nl"


def page_url(path: str, **params: object) -> str:
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
    session = found.sessions.find(token) if token else None
    key = None
    if session is not None:
        try:
            key = found.keys.get(session.key_id)
        except NotFoundError:
            key = None
    if session is None or key is None or not key.active:
        raise SignInNeeded(_here(request), lang_of(request))
    request.state.form_token = session.form_token  # for the forms the page shows
    return admit(request, found, key)


#: What a refused page tried, by the first part of its path under /pages.
_ATTEMPTS = {
    "map": Action.MAP,
    "questions": Action.ASK,
    "changes": Action.CHANGES,
    "aggregates": Action.AGGREGATE,
    "source-id": Action.SOURCE_ID,
    "trends": Action.ASK,
}


def page_allow(*roles: Role) -> Any:
    """A dependency that lets only ``roles`` see the page (403 for the other keys, logged as
    the API logs a refused role: what the page would have shown, result ``denied``)."""

    async def check(
        request: Request, found: Found, who: Annotated[Caller, Depends(page_caller)]
    ) -> Caller:
        if who.role not in roles:
            part = request.url.path.removeprefix(PAGES_PREFIX).strip("/").partition("/")[0]
            action = _ATTEMPTS.get(part.partition(".")[0], Action.READ)
            graph = found.settings.graph_name
            await record_async(found, who, action, ObjectKind.GRAPH, graph, Result.DENIED)
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


def html_page(page: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(
        page,
        status_code=status,
        headers={**(headers or {}), "Content-Security-Policy": policy(page)},
    )


def csv_download(text: str, filename: str) -> Response:
    # A byte-order mark, so a spreadsheet opens the file as UTF-8 (names with accents).
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def chrome_for(request: Request, who: Caller | None, lang: Lang) -> Chrome:
    other: Lang = "en" if lang == "nl" else "nl"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    switch = request.url.path + "?" + urlencode([*query, ("lang", other)])
    nav = [Link(page_url("/", lang=lang), word(lang, "home"))]
    if who is not None and who.role in (Role.COACH, Role.ADMIN):
        nav.append(Link(page_url("/changes", lang=lang), word(lang, "changes")))
    if who is not None and who.role in (Role.POLICYMAKER, Role.ADMIN):
        nav.append(Link(page_url("/aggregates", lang=lang), word(lang, "aggregates")))
    return Chrome(
        lang=lang,
        role=who.role.value if who is not None else None,
        nav=nav,
        other_lang=switch,
        sign_out=page_url("/logout", lang=lang) if who is not None else None,
        form_token=getattr(request.state, "form_token", None) if who is not None else None,
    )


def page_error(
    request: Request, status: int, nl: str, en: str, headers: dict[str, str]
) -> Response:
    """An error on a page, as a page (``api.web.errors`` calls this for every path under /pages)."""
    lang = lang_of(request)
    page = render_error(
        chrome_for(request, None, lang), status=status, message=nl if lang == "nl" else en
    )
    return html_page(page, status, headers)


# --- signing in ---------------------------------------------------------------------------


@router.get("/login")
def login_form(
    request: Request,
    found: Found,
    lang: LangQuery = "nl",
    next: Annotated[str, Query(max_length=2000)] = PAGES_PREFIX + "/",
) -> HTMLResponse:
    """The sign-in form, with the token of this browser's sign-in cookie (set here)."""
    target = next if SAFE_NEXT.match(next) else PAGES_PREFIX + "/"
    return _sign_in_page(request, found, lang, target)


def _sign_in_page(
    request: Request, found: Services, lang: Lang, target: str, *, failed: bool = False
) -> HTMLResponse:
    nonce = sign_in_nonce(request)
    page = render_login(
        chrome_for(request, None, lang),
        action=PAGES_PREFIX + "/login",
        next_url=target,
        form_token=sign_in_token(found, nonce),
        failed=failed,
    )
    answer = html_page(page, 401 if failed else 200)
    set_sign_in_cookie(answer, request, nonce)
    return answer


@router.post("/login")
def login(
    request: Request,
    found: Found,
    checked: SignInForm,
    key: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = PAGES_PREFIX + "/",
    lang: Annotated[Lang, Form()] = "nl",
) -> Response:
    """Check the key; on success a session cookie and back to the page asked for."""
    target = next if SAFE_NEXT.match(next) else PAGES_PREFIX + "/"
    signed = found.keys.authenticate(key.strip())
    if signed is None:
        return _sign_in_page(request, found, lang, target, failed=True)
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
    answer.delete_cookie(SIGN_IN_COOKIE, path=PAGES_PREFIX)
    return answer


@router.post("/logout")
def logout(
    request: Request,
    found: Found,
    who: Annotated[Caller, session_form(Action.SIGN_OUT)],
) -> Response:
    """End the session (the form came from one of its pages, with its token)."""
    token = request.cookies.get(COOKIE)
    if token:
        found.sessions.close(token)
    record(found, who, Action.SIGN_OUT, ObjectKind.KEY, who.key.key_id)
    answer = RedirectResponse(page_url("/login", lang=lang_of(request)), status_code=303)
    answer.delete_cookie(COOKIE, path=PAGES_PREFIX)
    return answer
