"""The installation's secret key: one per installation, kept outside the database.

Given as ``WIJKGRAAF_SECRET_KEY``, or else read from ``WIJKGRAAF_KEY_FILE``, which is created
on first use with 32 random bytes and permissions 0600. The importers pseudonymise source ids
with it (:mod:`importers.pseudonyms`); the projection kept on disk is signed with a key derived
from it (:mod:`graph.projection_cache`), so a file planted in the data folder is never
loaded; residents' source ids are sealed with another (:mod:`graph.source_ids`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from graph.errors import ConfigurationError
from graph.settings import Settings


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


def derived_key(settings: Settings, purpose: str) -> bytes:
    """A key for one ``purpose``, derived from the installation key (never the key itself).

    >>> from graph.settings import load_settings
    >>> settings = load_settings(secret_key="k" * 32)
    >>> derived_key(settings, "a") == derived_key(settings, "a") != derived_key(settings, "b")
    True
    """
    return derive(installation_key(settings), purpose)


def derive(key: bytes, purpose: str) -> bytes:
    """:func:`derived_key` of an installation key in hand (an importer is given the key).

    >>> derive(b"k" * 32, "a") == derive(b"k" * 32, "a") != derive(b"k" * 32, "b")
    True
    """
    return hmac.new(key, purpose.encode(), hashlib.sha256).digest()
