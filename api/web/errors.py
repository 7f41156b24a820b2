"""One error shape for every HTTP route, and the handlers that turn failures into it.

Every error, on every API route, is ``{"error": {"code", "message", "message_en",
"request_id"}}`` with no stack trace (the pages for a browser under ``/pages`` answer the same
errors as a page). Domain errors (:mod:`graph.errors`) map to their status here, in one place.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from graph.errors import (
    ConfigurationError,
    DuplicateError,
    ImportInProgressError,
    InvalidArgumentError,
    InvalidDataError,
    NotFoundError,
    QueryTimeoutError,
    RefusedError,
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
    for status in (400, 401, 403, 404, 409, 413, 422, 429, 500, 503, 504)
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


#: Paths under this prefix are pages for a browser (:mod:`api.pages`): their errors are pages.
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
    (ImportInProgressError, 409, "import_in_progress"),
    (RefusedError, 409, "refused"),  # with the refusal's own code
    (InvalidArgumentError, 422, "invalid_request"),
    (InvalidDataError, 422, "invalid_data"),
    (QueryTimeoutError, 504, "query_timeout"),
    (StoreUnavailableError, 503, "store_unavailable"),
    (ConfigurationError, 500, "configuration"),
]


def _methods_at(request: Request) -> list[str]:
    """Every method served at this path, asked of the routes themselves (Starlette's own 405
    names only the first route that matched the path, and included routers hide theirs)."""
    served = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            served.append(method)
    return served


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


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
                code = exc.code if isinstance(exc, RefusedError) else code
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
