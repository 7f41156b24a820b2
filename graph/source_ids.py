"""A resident's id in the source system, kept so that a coach can recognise them, sealed.

A pseudonym (``r-04a216…``) cannot be acted on: a coach needs the id the resident has in the
system the data came from (the ``bron_id`` of the import) to find their file. The importers
keep it on the resident as ``source_ref``, never in clear: sealed with authenticated
encryption under a key derived from the installation key (:func:`graph.installation.derive`,
purpose :data:`PURPOSE`), which stays outside the database like the key itself. Only a coach
of the resident's own neighbourhoods gets it back, under audit (``GET
/residents/{id}/source-id``); no other role, no answer, map, projection or export carries it.

**Why deterministic (AES-SIV, RFC 5297).** Importing the same files again must report every
resident ``unchanged``: the store compares the new properties with the stored ones, so the same
source id must seal to the same text. AES-SIV is authenticated encryption made for that: its
IV is a MAC of the message, so equal inputs give equal outputs and no nonce can be reused by
mistake. Equal outputs show only that two seals hold the same source id for the same
resident, which the pseudonym (itself a keyed hash of the source id) shows already. The
resident's id is the associated data: a sealed id copied onto another resident does not open.

A sealed id is ``siv1:`` and the base64url of the ciphertext (with its 16-byte tag); one
sealed under another installation's key (a dump restored elsewhere) does not open:
:meth:`SourceIds.open` gives ``None`` then, and the source id is not known here.

>>> ids = SourceIds(b"k" * 32)
>>> sealed = ids.seal("r-" + "0" * 32, "B-0001")
>>> sealed.startswith("siv1:") and "B-0001" not in sealed
True
>>> sealed == ids.seal("r-" + "0" * 32, "B-0001")
True
>>> ids.open("r-" + "0" * 32, sealed)
'B-0001'
>>> ids.open("r-" + "1" * 32, sealed) is None  # bound to its resident
True
>>> SourceIds(b"x" * 32).open("r-" + "0" * 32, sealed) is None  # another installation's key
True
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from graph.installation import derive, installation_key
from graph.settings import Settings

#: What the key is derived for; a new scheme takes a new purpose (and prefix).
PURPOSE = "wijkgraaf source ids v1"
#: The resident's property that holds the sealed source id.
PROPERTY = "source_ref"
_PREFIX = "siv1:"


class SourceIds:
    """Seals and opens residents' source ids with a key derived from the installation key."""

    def __init__(self, key: bytes) -> None:
        # AES-SIV takes two AES keys in one: 2 x 256 bits, each derived for its half
        self._aead = AESSIV(derive(key, PURPOSE + " mac") + derive(key, PURPOSE + " ctr"))

    @classmethod
    def of(cls, settings: Settings) -> SourceIds:
        return cls(installation_key(settings))

    def seal(self, node_id: str, source_id: str) -> str:
        """``source_id`` sealed for the node ``node_id``: the same for the same two."""
        sealed = self._aead.encrypt(source_id.encode(), [node_id.encode()])
        return _PREFIX + base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def open(self, node_id: str, sealed: object) -> str | None:
        """The source id sealed for ``node_id``; ``None`` if it was sealed for another node,
        under another key, or is no sealed id at all."""
        if not isinstance(sealed, str) or not sealed.startswith(_PREFIX):
            return None
        text = sealed[len(_PREFIX) :]
        try:
            data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            return self._aead.decrypt(data, [node_id.encode()]).decode()
        except (InvalidTag, ValueError, binascii.Error):  # UnicodeDecodeError is a ValueError
            return None


def without_source_ref(properties: Mapping[str, Any]) -> dict[str, Any]:
    """A node's properties as the API shows them: the sealed source id left out, since it
    means nothing to a reader and only a coach may have it opened (on its own route)."""
    return {key: value for key, value in properties.items() if key != PROPERTY}
