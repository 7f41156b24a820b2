"""What every HTTP request passes first: a request id, security headers, the body size limit
and the per-key rate limit.

Bodies over the limit are refused before they are read to the end, and each API key may make
``rate_limit`` requests a minute.
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
