"""What every HTTP route shares: request ids, limits, security headers and one error shape.

Every answer carries an ``X-Request-ID``; every error, on every API route, is
``{"error": {"code", "message", "message_en", "request_id"}}`` with no stack trace (the pages
for a browser under ``/pages`` answer the same errors as a page). Bodies
over the limit are refused before they are read to the end, and each API key may make
``rate_limit`` requests a minute.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.errors import (
    ConfigurationError,
    DuplicateError,
    InvalidDataError,
    NotFoundError,
    QueryTimeoutError,
    StoreUnavailableError,
    WijkgraafError,
)

log = logging.getLogger("wijkgraaf.api")

#: Security headers on every answer. The JSON API loads nothing, so its policy forbids all.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class ErrorBody(BaseModel):
    code: str
    message: str
    message_en: str
    request_id: str


class ErrorResponse(BaseModel):
    """The one shape of every error answer."""

    error: ErrorBody


#: Documented on every route, so generated clients know the error shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse}
    for status in (400, 401, 403, 404, 413, 422, 429, 500, 503, 504)
}


class ApiError(Exception):
    """An error answer with its status, code and messages in Dutch and English."""

    def __init__(
        self,
        status: int,
        code: str,
        nl: str,
        en: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(en)
        self.status, self.code, self.nl, self.en = status, code, nl, en
        self.headers = headers or {}


def not_found() -> ApiError:
    """What a missing object and one the caller may not see both answer: nothing to tell."""
    return ApiError(404, "not_found", "Niet gevonden.", "Not found.")


def forbidden() -> ApiError:
    return ApiError(
        403,
        "forbidden",
        "Uw rol geeft geen toegang tot deze vraag.",
        "Your role gives no access to this request.",
    )


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "")) or str(uuid.uuid4())


#: Paths under this prefix are pages for a browser (``api.pages``): their errors are pages too.
PAGES_PREFIX = "/pages"


def _error(request: Request, status: int, code: str, nl: str, en: str, **headers: str) -> Response:
    page_error = getattr(request.app.state, "page_error", None)
    path = request.url.path
    if page_error is not None and (path == PAGES_PREFIX or path.startswith(PAGES_PREFIX + "/")):
        answer: Response = page_error(request, status, nl, en, headers)
        return answer
    body = ErrorResponse(
        error=ErrorBody(code=code, message=nl, message_en=en, request_id=request_id(request))
    )
    return JSONResponse(body.model_dump(), status_code=status, headers=headers or None)


_WIJKGRAAF_STATUS: list[tuple[type[WijkgraafError], int, str]] = [
    (NotFoundError, 404, "not_found"),
    (DuplicateError, 409, "duplicate"),
    (InvalidDataError, 422, "invalid_data"),
    (QueryTimeoutError, 504, "query_timeout"),
    (StoreUnavailableError, 503, "store_unavailable"),
    (ConfigurationError, 500, "configuration"),
]


def _methods_at(request: Request) -> list[str]:
    """Every method served at this path (Starlette's own 405 names only the first route
    that matched the path)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        pattern, served = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if pattern is not None and served and pattern.match(request.url.path):
            methods |= set(served)
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    """One JSON error shape for every failure, and never a stack trace in an answer."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _error(request, exc.status, exc.code, exc.nl, exc.en, **exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error(request, 404, "not_found", "Niet gevonden.", "Not found.")
        if exc.status_code == 405:
            return _error(
                request,
                405,
                "method_not_allowed",
                "Deze methode kan hier niet.",
                "This method is not allowed here.",
                Allow=", ".join(_methods_at(request)),
            )
        detail = str(exc.detail)
        return _error(request, exc.status_code, "http_error", detail, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        where = "; ".join(
            ".".join(str(part) for part in error.get("loc", ())) + ": " + str(error.get("msg"))
            for error in exc.errors()[:5]
        )
        return _error(
            request,
            422,
            "invalid_request",
            f"Ongeldig verzoek: {where}.",
            f"Invalid request: {where}.",
        )

    @app.exception_handler(WijkgraafError)
    async def wijkgraaf_error(request: Request, exc: WijkgraafError) -> Response:
        for kind, status, code in _WIJKGRAAF_STATUS:
            if isinstance(exc, kind):
                if status == 500:
                    break
                return _error(request, status, code, exc.message("nl"), exc.message("en"))
        log.error("request %s failed: %s", request_id(request), type(exc).__name__)
        return _error(
            request, 500, "internal", "Er ging iets mis.", "Something went wrong on our side."
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # The class only: a message may hold data from the request.
        log.error("request %s failed: %s", request_id(request), type(exc).__name__)
        return _error(
            request, 500, "internal", "Er ging iets mis.", "Something went wrong on our side."
        )


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

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(rid, limit, send_with_headers)
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
        body = ErrorResponse(
            error=ErrorBody(
                code="too_large",
                message=f"Het verzoek is groter dan {limit} bytes.",
                message_en=f"The request is larger than {limit} bytes.",
                request_id=rid,
            )
        ).model_dump_json()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
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


class BodyCache:
    """Answers of the hot routes as serialised JSON, for the graph version they were made at:
    a repeated request is one lookup, not a model built and dumped again. Entries of an
    older version are dropped as soon as a newer one is stored; at most ``size`` are kept."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._version: int | None = None
        self._bodies: dict[tuple[Any, ...], bytes] = {}
        self._lock = threading.Lock()

    def get(self, version: int, key: tuple[Any, ...]) -> bytes | None:
        return self._bodies.get(key) if version == self._version else None

    def put(self, version: int, key: tuple[Any, ...], body: bytes) -> None:
        with self._lock:
            if version != self._version:
                self._version, self._bodies = version, {}
            if len(self._bodies) >= self.size:
                self._bodies.clear()
            self._bodies[key] = body


class VersionReads:
    """The stored graph's version for a server's event loop, read in a pool thread and shared.

    A cached answer is served only for the version it was made at, so every hot request needs
    the version, and a read made on the loop would stop it for a database round trip each
    time. Here concurrent requests share one read, and never one that began before they
    arrived: a request waits for the next read to start, so it sees every write that finished
    before it came in. While a read runs, the requests that arrive wait for the one after it.
    """

    def __init__(self, read: Callable[[], int]) -> None:
        self._read = read
        #: the read the requests that arrived since the last one began are waiting for
        self._next: asyncio.Future[int] | None = None
        self._reading = False

    async def current(self) -> int:
        """The version as of a read that began after this call."""
        loop = asyncio.get_running_loop()
        waiting = self._next
        if waiting is None:
            waiting = self._next = loop.create_future()
            if not self._reading:
                self._begin(loop)
        return await asyncio.shield(waiting)

    def _begin(self, loop: asyncio.AbstractEventLoop) -> None:
        assert self._next is not None
        waiting, self._next = self._next, None
        self._reading = True

        def finished(read: asyncio.Future[int]) -> None:
            self._reading = False
            if read.cancelled():  # the loop's pool is shutting down
                waiting.cancel()
            elif (error := read.exception()) is not None:
                waiting.set_exception(error)
            else:
                waiting.set_result(read.result())
            if self._next is not None:
                self._begin(loop)

        loop.run_in_executor(None, self._read).add_done_callback(finished)
