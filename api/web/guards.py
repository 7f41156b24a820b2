"""What every HTTP request passes first: a request id, security headers, the body size limit,
and for a request with a body, its key and the per-key rate limit.

Bodies over the limit are refused before they are read to the end, and each API key may make
``rate_limit`` requests a minute. A request of the API that carries a body (an upload, a new
key) is refused without a valid key, or over the rate limit, before a byte of the body is read.
A form posted to a page is counted per sender's address before its body is read (a sign-in
carries its key in the body), and then, signed in, per key as every page is.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.web.errors import SECURITY_HEADERS, ErrorBody, ErrorResponse


class RequestGuard:
    """ASGI middleware: a request id, security headers, and the body size limit.

    A body longer than allowed (``Content-Length`` or counted while it streams in) is answered
    413 without being read further; ``upload_paths`` have the larger upload limit.
    """

    def __init__(
        self, app: ASGIApp, *, max_body: int, max_upload: int, upload_paths: tuple[str, ...]
    ) -> None:
        self.app = app
        self.max_body, self.max_upload, self.upload_paths = max_body, max_upload, upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = rid
        limit = self.max_upload if scope["path"] in self.upload_paths else self.max_body
        extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        extra.append((b"x-request-id", rid.encode()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in names
                ]
            await send(message)

        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(rid, limit, send_with_headers)
            return
        if _has_body(scope, headers):
            refusal = _key_refusal(scope, headers)
            if refusal is not None:
                await _answer(rid, send_with_headers, *refusal)
                return
        elif _page_form(scope):
            wait = _address_wait(scope)
            if wait:
                await _page_answer(send_with_headers, 429, _RATE_LIMITED, wait)
                return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except _TooLarge:
            await self._too_large(rid, limit, send_with_headers)

    @staticmethod
    async def _too_large(rid: str, limit: int, send: Callable[[Message], Awaitable[None]]) -> None:
        await _answer(
            rid,
            send,
            413,
            "too_large",
            f"Het verzoek is groter dan {limit} bytes.",
            f"The request is larger than {limit} bytes.",
            {},
        )


#: The request state's mark of a key whose request was counted against the rate limit
#: before its body was read (the route's own check does not count it again).
COUNTED = "rate_counted"
_Refusal = tuple[int, str, str, str, dict[str, str]]


def _has_body(scope: Scope, headers: dict[bytes, bytes]) -> bool:
    """A request of the API (not a page: a browser signs in with a form) with a body."""
    if scope["path"] == "/pages" or scope["path"].startswith("/pages/"):
        return False
    length = headers.get(b"content-length", b"")
    return (length.isdigit() and int(length) > 0) or b"transfer-encoding" in headers


def _page_form(scope: Scope) -> bool:
    """A form posted to a page (sign-in, sign-out and the rest): no key until it is read."""
    path = str(scope["path"])
    return scope["method"] == "POST" and (path == "/pages" or path.startswith("/pages/"))


def _address_wait(scope: Scope) -> float:
    """The seconds until the sender's address may post a page form again, 0 if it may now.

    A form has no key before its body is read (a sign-in brings one in it), so forms are
    counted per address too, as many a minute as a key may make: a browser signing in, or
    someone trying keys one after another, is held to that before a byte is read. (Behind a
    proxy every browser shares the proxy's address: set the rate accordingly.)"""
    services = getattr(scope["app"].state, "services", None) if "app" in scope else None
    client = scope.get("client")
    if services is None or not client:
        return 0.0
    wait: float = services.limiter.allow(f"address:{client[0]}")
    return wait


_RATE_LIMITED = (
    "Te veel verzoeken; probeer het zo weer.",
    "Too many requests; try again shortly.",
)


async def _page_answer(
    send: Callable[[Message], Awaitable[None]], status: int, text: tuple[str, str], wait: float
) -> None:
    """A short page in Dutch and English, sent without reading the request's body."""
    body = (
        '<!doctype html><html lang="nl"><meta charset="utf-8"><title>Wijkgraaf</title>'
        f'<p>{text[0]}</p><p lang="en">{text[1]}</p></html>'
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-security-policy", b"default-src 'none'"),
                (b"retry-after", str(max(1, round(wait))).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _key_refusal(scope: Scope, headers: dict[bytes, bytes]) -> _Refusal | None:
    """401 without a valid key, 429 over the rate limit (the request is counted then), or
    None to go on. Nothing is checked where the app has no services (yet)."""
    services = getattr(scope["app"].state, "services", None) if "app" in scope else None
    if services is None:
        return None
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    key = services.keys.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if key is None:
        return (
            401,
            "unauthorised",
            "Geef een geldige API-sleutel mee (Authorization: Bearer …).",
            "Send a valid API key (Authorization: Bearer …).",
            {"WWW-Authenticate": "Bearer"},
        )
    wait = services.limiter.allow(key.key_id)
    if wait:
        return (
            429,
            "rate_limited",
            "Te veel verzoeken; probeer het zo weer.",
            "Too many requests; try again shortly.",
            {"Retry-After": str(max(1, round(wait)))},
        )
    scope.setdefault("state", {})[COUNTED] = key.key_id
    return None


async def _answer(
    rid: str,
    send: Callable[[Message], Awaitable[None]],
    status: int,
    code: str,
    nl: str,
    en: str,
    headers: dict[str, str],
) -> None:
    """An error answer in the one error shape, sent without reading the request's body."""
    body = ErrorResponse(
        error=ErrorBody(code=code, message=nl, message_en=en, request_id=rid)
    ).model_dump_json()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")]
            + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


class _TooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes the limit; answered 413."""


class RateLimiter:
    """A token bucket per API key: ``per_minute`` requests a minute, bursts up to that many."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key id -> (tokens, at)
        self._lock = threading.Lock()

    def allow(self, key_id: str) -> float:
        """0 if the request may go ahead, else the seconds until it may."""
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.get(key_id, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - at) * self.per_minute / 60)
            if tokens >= 1:
                self._buckets[key_id] = (tokens - 1, now)
                return 0.0
            self._buckets[key_id] = (tokens, now)
            return (1 - tokens) * 60 / self.per_minute
