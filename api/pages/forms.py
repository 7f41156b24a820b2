"""What every form the pages send must show before it changes anything: that it came from
this site.

Two checks on every state-changing page request (sign-in, sign-out, and any form added
later: ``tests/api/test_page_forms.py`` holds every such route to them):

- **Where it came from.** A browser's ``Sec-Fetch-Site`` must say this origin; a browser
  without it must send an ``Origin`` (else a ``Referer``) naming this host. (With the pages'
  ``Referrer-Policy: no-referrer`` a browser sends ``Origin: null`` even from here, so
  ``Sec-Fetch-Site`` decides where it is sent.) A client that sends none of them is not a
  browser on someone else's page, and meets the token check alone.
- **A token only this site's pages hold** (a synchroniser token). A signed-in browser's forms
  carry its session's form token, random and kept with the session on the server
  (:mod:`api.access.sessions`). The sign-in form, sent before there is a session, carries an
  HMAC of a random cookie the sign-in page sets, keyed with a key derived from the
  installation key. A page elsewhere can read neither, nor the cookies. Tokens are compared
  in constant time.

A refused form changes nothing: it answers 403 with a page that says why (Dutch and English)
and appends a ``denied`` line to the audit log under the key it tried to use: the session's
key, or the key typed into the sign-in form. (A refused sign-in without a valid key names
no one, and has no line: nothing was tried on anyone's behalf.)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Annotated, Any, NoReturn
from urllib.parse import urlsplit

from fastapi import Depends, Request

from api.access.api_keys import ApiKey
from api.access.audit import Action, ObjectKind, Result
from api.access.sessions import COOKIE
from api.web.deps import Caller, Found, Services, record_async
from api.web.errors import PAGES_PREFIX, ApiError, request_id
from graph.errors import NotFoundError
from graph.installation import derived_key

#: The hidden field every form of the pages carries its token in.
FORM_FIELD = "form_token"
#: The cookie the sign-in page sets: the random value its form's token is made from.
SIGN_IN_COOKIE = "wijkgraaf_sign_in"
#: What the sign-in form's key is derived for, from the installation key.
PURPOSE = "page-sign-in-form"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{43}$")

FOREIGN = (
    "Dit formulier kwam van een andere site; open de pagina hier en probeer het opnieuw.",
    "This form came from another site; open the page here and try again.",
)
NO_TOKEN = (
    "Dit formulier is verlopen of kwam niet van deze site (het bewijs dat het van hier komt "
    "ontbreekt of klopt niet); er is niets veranderd. Open de pagina opnieuw en probeer het "
    "nog eens.",
    "This form has expired or did not come from this site (the proof that it comes from here "
    "is missing or wrong); nothing was changed. Open the page again and try again.",
)


def came_from_elsewhere(request: Request) -> bool:
    """True when the browser says the request was sent from another site."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:  # a browser that says where the request came from: believe it
        return site not in ("same-origin", "none")
    sent = request.headers.get("origin") or request.headers.get("referer")
    host = request.headers.get("host", "").lower()
    return sent is not None and (sent == "null" or urlsplit(sent).netloc.lower() != host)


def _same(sent: str | None, expected: str) -> bool:
    return sent is not None and hmac.compare_digest(sent.encode(), expected.encode())


async def _field(request: Request, name: str) -> str | None:
    value = (await request.form()).get(name)
    return value if isinstance(value, str) else None


async def _refuse(
    found: Services, request: Request, key: ApiKey | None, action: Action, foreign: bool
) -> NoReturn:
    if key is not None:
        who = Caller(key, request_id(request))
        await record_async(found, who, action, ObjectKind.KEY, key.key_id, Result.DENIED)
    raise ApiError(
        403, "cross_origin" if foreign else "form_token", *(FOREIGN if foreign else NO_TOKEN)
    )


# --- the sign-in form: before there is a session ----------------------------------------------


def sign_in_nonce(request: Request) -> str:
    """The browser's sign-in cookie, or a new one (the sign-in page sets it)."""
    sent = request.cookies.get(SIGN_IN_COOKIE, "")
    return sent if _NONCE.match(sent) else secrets.token_urlsafe(32)


def sign_in_token(found: Services, nonce: str) -> str:
    """The sign-in form's token for the browser holding ``nonce`` in its cookie."""
    key = derived_key(found.settings, PURPOSE)
    return hmac.new(key, b"sign-in:" + nonce.encode(), hashlib.sha256).hexdigest()


def set_sign_in_cookie(answer: Any, request: Request, nonce: str) -> None:
    answer.set_cookie(
        SIGN_IN_COOKIE,
        nonce,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path=PAGES_PREFIX,
    )


async def sign_in_form(request: Request, found: Found) -> None:
    """Let a sign-in through only from this site, with the token of this browser's cookie."""
    foreign = came_from_elsewhere(request)
    nonce = request.cookies.get(SIGN_IN_COOKIE, "")
    sent = await _field(request, FORM_FIELD)
    if not foreign and _NONCE.match(nonce) and _same(sent, sign_in_token(found, nonce)):
        return
    typed = await _field(request, "key")
    key = found.keys.authenticate(typed.strip()[:200]) if typed else None
    await _refuse(found, request, key, Action.SIGN_IN, foreign)


SignInForm = Annotated[None, Depends(sign_in_form)]


# --- every other form: a signed-in browser's ---------------------------------------------------


def session_form(action: Action) -> Any:
    """A dependency that lets a form through only from this site, with its session's token;
    it gives the route the session's caller. ``action`` names what a refusal tried."""

    async def check(request: Request, found: Found) -> Caller:
        foreign = came_from_elsewhere(request)
        cookie = request.cookies.get(COOKIE)
        session = found.sessions.find(cookie) if cookie else None
        key = None
        if session is not None:
            try:
                key = found.keys.get(session.key_id)
            except NotFoundError:
                key = None
        sent = await _field(request, FORM_FIELD)
        if key is not None and not foreign and _same(sent, session.form_token if session else ""):
            return Caller(key, request_id(request))
        await _refuse(found, request, key, action, foreign)

    return Depends(check)
