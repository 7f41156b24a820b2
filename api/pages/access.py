"""Who looks at the pages: signing in with an API key, the session that follows, the roles
each page serves, and what every page answer carries (its Content-Security-Policy).

A browser signs in once (``/pages/login``) and carries a session cookie (``api.access.sessions``);
every page checks the key behind it again, so a revoked key stops at its next page. The
policy lets a page load nothing from anywhere: its scripts are allowed by their hashes, and a
page without scripts may run none.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access.audit import Action, ObjectKind, Role
from api.access.sessions import COOKIE
from api.web.deps import Caller, Found, admit, record
from api.web.errors import PAGES_PREFIX, ApiError
from graph.analysis.results import Lang
from graph.errors import NotFoundError
from visualise.site import Chrome, Link, render_error, render_login, word

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
    key_id = found.sessions.key_id(token) if token else None
    key = None
    if key_id is not None:
        try:
            key = found.keys.get(key_id)
        except NotFoundError:
            key = None
    if key is None or not key.active:
        raise SignInNeeded(_here(request), lang_of(request))
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
    if who is not None and who.role in (Role.POLICYMAKER, Role.ADMIN):
        nav.append(Link(page_url("/aggregates", lang=lang), word(lang, "aggregates")))
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
    """An error on a page, as a page (``api.web.errors`` calls this for every path under /pages)."""
    lang = lang_of(request)
    page = render_error(
        chrome_for(request, None, lang), status=status, message=nl if lang == "nl" else en
    )
    return html_page(page, status, headers)


# --- signing in ---------------------------------------------------------------------------


def same_origin(request: Request) -> None:
    """Refuse a form sent from another site (a login forged by a foreign page would sign the
    browser in with the forger's key). A browser's ``Sec-Fetch-Site`` must say the form came
    from this origin; a browser without it must send an ``Origin`` (else a ``Referer``) naming
    this host. (With the pages' ``Referrer-Policy: no-referrer`` a browser sends ``Origin:
    null`` even from here, so ``Sec-Fetch-Site`` decides where it is sent.) A client that
    sends none of them (a script, not a browser) is let through: it forges nothing for
    anyone. The session cookie is ``SameSite=Strict`` as well."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:  # a browser that says where the request came from: believe it
        foreign = site not in ("same-origin", "none")
    else:  # an older browser: its Origin or Referer must name this host
        sent = request.headers.get("origin") or request.headers.get("referer")
        host = request.headers.get("host", "").lower()
        foreign = sent is not None and (sent == "null" or urlsplit(sent).netloc.lower() != host)
    if foreign:
        raise ApiError(
            403,
            "cross_origin",
            "Dit formulier kwam van een andere site; open de pagina hier en probeer het opnieuw.",
            "This form came from another site; open the page here and try again.",
        )


SameOrigin = Annotated[None, Depends(same_origin)]


@router.get("/login")
def login_form(
    request: Request,
    lang: LangQuery = "nl",
    next: Annotated[str, Query(max_length=2000)] = PAGES_PREFIX + "/",
) -> HTMLResponse:
    target = next if SAFE_NEXT.match(next) else PAGES_PREFIX + "/"
    chrome = chrome_for(request, None, lang)
    return html_page(render_login(chrome, action=PAGES_PREFIX + "/login", next_url=target))


@router.post("/login")
def login(
    request: Request,
    found: Found,
    checked: SameOrigin,
    key: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = PAGES_PREFIX + "/",
    lang: Annotated[Lang, Form()] = "nl",
) -> Response:
    """Check the key; on success a session cookie and back to the page asked for."""
    target = next if SAFE_NEXT.match(next) else PAGES_PREFIX + "/"
    signed = found.keys.authenticate(key.strip())
    if signed is None:
        chrome = chrome_for(request, None, lang)
        page = render_login(chrome, action=PAGES_PREFIX + "/login", next_url=target, failed=True)
        return html_page(page, 401)
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
def logout(request: Request, found: Found, checked: SameOrigin) -> Response:
    token = request.cookies.get(COOKIE)
    if token:
        found.sessions.close(token)
    answer = RedirectResponse(page_url("/login", lang=lang_of(request)), status_code=303)
    answer.delete_cookie(COOKIE, path=PAGES_PREFIX)
    return answer
