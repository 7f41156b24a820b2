"""API keys: made and revoked on the command line or by an admin, stored hashed.

A token is ``wgk_<key_id>_<secret>``: the id is safe to log, the secret is 32 random bytes
and never stored. The file keeps SHA-256 of the whole token; a token carries 256 bits of
chance, so a fast hash gives nothing to guess at and no slow key-derivation is needed. The
file is written whole (temporary file, then rename) under a lock, readable by its owner only.
A running server rereads it when it changes, so a revocation counts from the next request.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from api.access.audit import Role
from graph.errors import ConfigurationError, InvalidDataError, NotFoundError
from importers.validate import CBS_CODE, LOCAL_CODE

TOKEN = re.compile(r"^wgk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$")


class ApiKey(BaseModel):
    """What is stored of a key: never the token itself."""

    model_config = ConfigDict(frozen=True)

    key_id: str
    role: Role
    neighbourhoods: tuple[str, ...] = ()
    label: str | None = None
    created: datetime
    revoked: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class KeyStore:
    """The keys of one installation, in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._cache: tuple[tuple[int, int], dict[str, tuple[ApiKey, str]]] | None = None
        self._lock = threading.Lock()

    # --- reading --------------------------------------------------------------------------

    def _load(self) -> dict[str, tuple[ApiKey, str]]:
        """Key id -> (key, token hash), reread only when the file changed."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return {}
        if status.st_mode & 0o077:
            raise ConfigurationError(
                f"Het sleutelbestand {self.path} is leesbaar voor anderen; chmod 600.",
                f"The key file {self.path} is readable by others; chmod 600.",
            )
        stamp = (status.st_mtime_ns, status.st_size)
        with self._lock:
            if self._cache is None or self._cache[0] != stamp:
                raw = json.loads(self.path.read_text(encoding="utf-8") or "{}")
                keys = {
                    entry["key_id"]: (ApiKey.model_validate(entry["key"]), entry["hash"])
                    for entry in raw.get("keys", [])
                }
                self._cache = (stamp, keys)
            return self._cache[1]

    def list(self) -> list[ApiKey]:
        return sorted(
            (key for key, _ in self._load().values()), key=lambda k: (k.created, k.key_id)
        )

    def get(self, key_id: str) -> ApiKey:
        found = self._load().get(key_id)
        if found is None:
            raise NotFoundError(
                f"Geen API-sleutel met id {key_id!r}.", f"No API key with id {key_id!r}."
            )
        return found[0]

    def authenticate(self, token: str) -> ApiKey | None:
        """The key a token belongs to, or None (malformed, unknown or revoked)."""
        match = TOKEN.match(token)
        if not match:
            return None
        found = self._load().get(match.group(1))
        if found is None:
            return None
        key, stored = found
        if not hmac.compare_digest(stored, _hash(token)) or not key.active:
            return None
        return key

    # --- writing --------------------------------------------------------------------------

    @contextmanager
    def _editing(self) -> Iterator[dict[str, Any]]:
        """The file's contents to change, written back whole under an exclusive lock."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_path = self.path.with_name(self.path.name + ".lock")
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            self._load()  # refuses a file readable by others
            raw = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
            raw.setdefault("keys", [])
            yield raw
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(raw, handle, indent=1, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        finally:
            os.close(descriptor)

    def create(
        self, role: Role, neighbourhoods: Sequence[str] = (), label: str | None = None
    ) -> tuple[ApiKey, str]:
        """A new key and its token; the token is not stored and cannot be shown again."""
        role = Role(role)
        codes = tuple(dict.fromkeys(neighbourhoods))
        if role == Role.COACH and not codes:
            raise InvalidDataError(
                "Een coachsleutel hoort bij minstens één buurt of wijk (--neighbourhood).",
                "A coach's key belongs to at least one neighbourhood (--neighbourhood).",
            )
        if role != Role.COACH and codes:
            raise InvalidDataError(
                "Alleen een sleutel voor een coach hoort bij buurten.",
                "Only a coach's key belongs to neighbourhoods.",
            )
        bad = [code for code in codes if not (CBS_CODE.match(code) or LOCAL_CODE.match(code))]
        if bad:
            raise InvalidDataError(
                f"Geen buurtcode: {bad[0]!r} (CBS, bijvoorbeeld BU03630000, of een eigen code).",
                f"Not a neighbourhood code: {bad[0]!r} (CBS, e.g. BU03630000, or a local code).",
            )
        if label is not None and len(label) > 80:
            raise InvalidDataError(
                "Het label is langer dan 80 tekens.", "The label is over 80 characters."
            )
        key_id = secrets.token_hex(6)
        token = f"wgk_{key_id}_{secrets.token_urlsafe(32)}"
        key = ApiKey(
            key_id=key_id,
            role=role,
            neighbourhoods=codes,
            label=label,
            created=datetime.now(UTC),
        )
        with self._editing() as raw:
            raw["keys"].append(
                {"key_id": key_id, "hash": _hash(token), "key": key.model_dump(mode="json")}
            )
        return key, token

    def revoke(self, key_id: str) -> ApiKey:
        """Revoke a key (a second revocation keeps the first time)."""
        with self._editing() as raw:
            for entry in raw["keys"]:
                if entry["key_id"] == key_id:
                    key = ApiKey.model_validate(entry["key"])
                    if key.revoked is None:
                        key = key.model_copy(update={"revoked": datetime.now(UTC)})
                        entry["key"] = key.model_dump(mode="json")
                    return key
        raise NotFoundError(
            f"Geen API-sleutel met id {key_id!r}.", f"No API key with id {key_id!r}."
        )
