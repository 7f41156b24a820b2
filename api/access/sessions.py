"""Browser sign-ins for the pages: a random session cookie standing for an API key.

A browser cannot send ``Authorization: Bearer``, so ``/pages/login`` takes the key once and
answers with a session cookie (``HttpOnly``, ``SameSite=Strict``, ``Secure`` behind TLS).
The server keeps only a hash of the cookie's value, the key id it stands for and when it was
last used, in one file readable by its owner only (beside the API keys), so every server
process of ``wijkgraaf serve --workers N`` knows every session. A revoked key stops working
on its next page, a session idle for :data:`IDLE_SECONDS` ends, and signing out ends it at
once for every process.

Each session also has a form token: random, kept with it on the server, put in every form its
pages send (a synchroniser token against cross-site request forgery, :mod:`api.pages.forms`).
A page elsewhere can read neither it nor the cookie, so it cannot send a form this server takes.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COOKIE = "wijkgraaf_session"
#: A session ends after this long without a page (8 hours: a working day).
IDLE_SECONDS = 8 * 3600
#: "Last used" is written back at most this often per session (a page view is mostly a read).
TOUCH_SECONDS = 60


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Session:
    """An open session: the key it stands for, and the token its forms carry."""

    key_id: str
    form_token: str


class PageSessions:
    """Open sessions in ``path``: hash of the cookie value -> [key id, last used (epoch s),
    form token]."""

    def __init__(
        self,
        path: Path,
        idle_seconds: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.idle_seconds = idle_seconds
        self.clock = clock
        self._cache: tuple[tuple[int, int], dict[str, list[Any]]] | None = None
        self._lock = threading.Lock()

    def open(self, key_id: str) -> str:
        """A new session for ``key_id``; returns the cookie's value."""
        token = secrets.token_urlsafe(32)
        with self._editing() as sessions:
            sessions[_hash(token)] = [key_id, self.clock(), secrets.token_urlsafe(32)]
        return token

    def find(self, token: str) -> Session | None:
        """The session a cookie value stands for, or None (unknown, ended or idle too long)."""
        digest = _hash(token)
        found = self._read().get(digest)
        if found is None:
            return None
        key_id, used = str(found[0]), float(found[1])
        form_token = str(found[2]) if len(found) > 2 else None
        now = self.clock()
        if now - used > self.idle_seconds:
            self.close(token)
            return None
        if now - used > TOUCH_SECONDS or form_token is None:
            with self._editing() as sessions:
                entry = sessions.get(digest)
                if entry is None:  # signed out meanwhile
                    return None
                entry[1] = now
                if len(entry) < 3:  # opened before sessions had form tokens
                    entry[2:] = [secrets.token_urlsafe(32)]
                form_token = str(entry[2])
        return Session(key_id, form_token)

    def key_id(self, token: str) -> str | None:
        """The key id a cookie value stands for, or None (unknown, ended or idle too long)."""
        session = self.find(token)
        return session.key_id if session is not None else None

    def close(self, token: str) -> None:
        with self._editing() as sessions:
            sessions.pop(_hash(token), None)

    # --- the file ---------------------------------------------------------------------------

    def _read(self) -> dict[str, list[Any]]:
        """The sessions, read again only when the file changed."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return {}
        stamp = (status.st_mtime_ns, status.st_size)
        with self._lock:
            if self._cache is None or self._cache[0] != stamp:
                raw = json.loads(self.path.read_text(encoding="utf-8") or "{}")
                self._cache = (stamp, raw)
            return self._cache[1]

    @contextmanager
    def _editing(self) -> Iterator[dict[str, list[Any]]]:
        """The sessions to change, written back whole (without the idle ones) under an
        exclusive lock, atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_path = self.path.with_name(self.path.name + ".lock")
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            raw = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
            yield raw
            now = self.clock()
            kept = {d: entry for d, entry in raw.items() if now - entry[1] <= self.idle_seconds}
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(kept, handle)
            os.replace(temporary, self.path)
        finally:
            os.close(descriptor)
