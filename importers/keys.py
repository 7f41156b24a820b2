"""Pseudonymisation: source ids become ``HMAC-SHA256(installation key, kind:source id)``.

One secret key per installation, kept outside the database: given as
``WIJKGRAAF_SECRET_KEY`` or else read from ``WIJKGRAAF_KEY_FILE``, which is created on first
use with 32 random bytes and permissions 0600. Without the key nobody can link a pseudonymous
id back to a source id, not even with a list of all BSNs (which is why a plain hash is not
enough).

>>> key = b"k" * 32
>>> pseudonym(key, "resident", "B-0001") == pseudonym(key, "resident", "B-0001")
True
>>> pseudonym(key, "resident", "B-0001")[:2], len(pseudonym(key, "resident", "B-0001"))
('r-', 34)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from graph.errors import ConfigurationError
from graph.settings import Settings

_PREFIX = {"resident": "r-", "professional": "p-", "organisation": "o-", "initiative": "i-"}


def pseudonym(key: bytes, kind: str, source_id: str) -> str:
    """The stored id of a source id of a kind (resident, professional, organisation, initiative).

    The kind is part of the message, so the same source id in two sheets gives two ids; the
    short prefix says the kind to people reading an id, and reveals nothing else.
    """
    digest = hmac.new(key, f"{kind}:{source_id.strip()}".encode(), hashlib.sha256).hexdigest()
    return _PREFIX[kind] + digest[:32]


def installation_key(settings: Settings) -> bytes:
    """The installation's secret key: from the setting, or from the key file (made if absent)."""
    given = settings.secret_key.get_secret_value()
    if given:
        if len(given) < 32:
            raise ConfigurationError(
                "WIJKGRAAF_SECRET_KEY is te kort: gebruik minstens 32 tekens.",
                "WIJKGRAAF_SECRET_KEY is too short: use at least 32 characters.",
            )
        return given.encode()
    path = Path(settings.key_file)
    if path.exists():
        if path.stat().st_mode & 0o077:
            raise ConfigurationError(
                f"Het sleutelbestand {path} is leesbaar voor anderen; maak het alleen voor u "
                "leesbaar (chmod 600).",
                f"The key file {path} is readable by others; make it readable by you only "
                "(chmod 600).",
            )
        key = path.read_bytes().strip()
        if len(key) < 32:
            raise ConfigurationError(
                f"Het sleutelbestand {path} is beschadigd (te kort).",
                f"The key file {path} is damaged (too short).",
            )
        return key
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_hex(32).encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key + b"\n")
    return key
