"""The audit log's signed head: the number and hash of its last line, kept beside it.

The hash chain shows a line changed, removed or inserted, but not the last lines cut off: what
is left is still a whole chain. So every append also writes ``<log>.head``: the last line's
``seq`` and ``hash`` with an HMAC-SHA256 over both, keyed with a key derived from the
installation key (kept outside the data folder, never in the log). ``wijkgraaf audit verify``
then finds a log shorter than its head, and a head that was edited, replaced or removed
(someone who can write the log but not read the installation key cannot forge one).

A head that lags behind the log (the process ended between writing the lines and the head) is
no tampering: the lines after it are checked by the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

#: What the head key is derived for, from the installation key.
PURPOSE = "audit-log-head"


def head_path(log: Path) -> Path:
    return log.with_name(log.name + ".head")


def _mac(key: bytes, seq: int, digest: str) -> str:
    return hmac.new(key, f"{seq}:{digest}".encode("ascii"), hashlib.sha256).hexdigest()


def write_head(log: Path, seq: int, digest: str, key: bytes) -> None:
    """Replace the head with ``seq`` and ``digest``, signed, durably (temporary file, fsync,
    rename); called under the log's lock."""
    path = head_path(log)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    body = json.dumps({"seq": seq, "hash": digest, "mac": _mac(key, seq, digest)}).encode()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, body)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


def read_head(log: Path, key: bytes) -> tuple[int, str] | None:
    """(seq, hash) of a head whose signature holds; None if there is no head.

    Raises ``ValueError`` for a head that is not one or whose signature does not hold."""
    try:
        raw = head_path(log).read_bytes()
    except FileNotFoundError:
        return None
    fields = json.loads(raw)
    seq, digest, mac = fields["seq"], fields["hash"], fields["mac"]
    if not (isinstance(seq, int) and isinstance(digest, str) and isinstance(mac, str)):
        raise ValueError("not a head")
    if not hmac.compare_digest(mac, _mac(key, seq, digest)):
        raise ValueError("the signature does not hold")
    return seq, digest
