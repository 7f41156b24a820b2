"""Browser sign-ins for the pages: a random session cookie standing for an API key.

A browser cannot send ``Authorization: Bearer``, so ``/pages/login`` takes the key once and
answers with a session cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure`` behind TLS). The
server keeps only a hash of the cookie's value and the key id it stands for, in memory: a
restart signs everyone out, a revoked key stops working on its next page, and a session idle
for :data:`IDLE_SECONDS` ends.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections.abc import Callable

COOKIE = "wijkgraaf_session"
#: A session ends after this long without a page (8 hours: a working day).
IDLE_SECONDS = 8 * 3600


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


class PageSessions:
    """Open sessions: hash of the cookie value -> (key id, last seen)."""

    def __init__(
        self, idle_seconds: float = IDLE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._open: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def open(self, key_id: str) -> str:
        """A new session for ``key_id``; returns the cookie's value."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_idle()
            self._open[_hash(token)] = (key_id, self.clock())
        return token

    def key_id(self, token: str) -> str | None:
        """The key id a cookie value stands for, or None (unknown or idle too long)."""
        digest = _hash(token)
        with self._lock:
            found = self._open.get(digest)
            if found is None:
                return None
            key_id, seen = found
            now = self.clock()
            if now - seen > self.idle_seconds:
                del self._open[digest]
                return None
            self._open[digest] = (key_id, now)
            return key_id

    def close(self, token: str) -> None:
        with self._lock:
            self._open.pop(_hash(token), None)

    def _forget_idle(self) -> None:
        now = self.clock()
        for digest in [d for d, (_, seen) in self._open.items() if now - seen > self.idle_seconds]:
            del self._open[digest]
