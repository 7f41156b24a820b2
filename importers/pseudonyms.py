"""Pseudonymisation: source ids become ``HMAC-SHA256(installation key, kind:source id)``.

One secret key per installation, kept outside the database: given as
``WIJKGRAAF_SECRET_KEY`` or else read from ``WIJKGRAAF_KEY_FILE``, which is created on first
use with 32 random bytes and permissions 0600. Without the key nobody can link a pseudonymous
id back to a source id, not even with a list of all BSNs (which is why a plain hash is not
enough). A resident's source id itself is kept only sealed, for the coaches of their
neighbourhood (:mod:`graph.source_ids`).

>>> key = b"k" * 32
>>> pseudonym(key, "resident", "B-0001") == pseudonym(key, "resident", "B-0001")
True
>>> pseudonym(key, "resident", "B-0001")[:2], len(pseudonym(key, "resident", "B-0001"))
('r-', 34)
"""

from __future__ import annotations

import hashlib
import hmac
import re

from graph.installation import installation_key

__all__ = ["installation_key", "is_pseudonym", "pseudonym"]

_PREFIX = {"resident": "r-", "professional": "p-", "organisation": "o-", "initiative": "i-"}
_DIGEST = re.compile(r"^[0-9a-f]{32}$")


def pseudonym(key: bytes, kind: str, source_id: str) -> str:
    """The stored id of a source id of a kind (resident, professional, organisation, initiative).

    The kind is part of the message, so the same source id in two sheets gives two ids; the
    short prefix says the kind to people reading an id, and reveals nothing else.
    """
    digest = hmac.new(key, f"{kind}:{source_id.strip()}".encode(), hashlib.sha256).hexdigest()
    return _PREFIX[kind] + digest[:32]


def is_pseudonym(kind: str, text: str) -> bool:
    """Whether ``text`` has the form of a stored id of ``kind`` (what :func:`pseudonym` makes).

    >>> is_pseudonym("resident", pseudonym(b"k" * 32, "resident", "B-0001"))
    True
    >>> is_pseudonym("initiative", pseudonym(b"k" * 32, "resident", "B-0001"))
    False
    >>> is_pseudonym("resident", "B-0001")
    False
    """
    prefix = _PREFIX[kind]
    return text.startswith(prefix) and _DIGEST.match(text[len(prefix) :]) is not None
