"""The audit log: every person-level read and write, append-only and hash-chained.

One JSON line per event (DOMAIN.md: who, on whose behalf, what, when, result)::

    {"action":"read","actor_key_id":"k-coach-07","actor_role":"coach","hash":"…",
     "object_id":"r-…","object_kind":"resident","on_behalf_of":null,"prev":"…",
     "request_id":"…","result":"ok","seq":1,"subject_id":"r-…","time":"…Z"}

- **Only known fields, only ids.** :class:`AuditEvent` forbids unknown fields, and every value
  has a strict form: people and initiatives by their pseudonymous id, places by their code,
  callers by their API key *id* (anything that looks like a key secret is refused), request
  ids as UUIDs. A name, a free text or a secret has no field to go in.
- **A chain.** Each line carries ``seq`` (1, 2, …), ``prev`` (the previous line's hash; the
  first line's is :data:`GENESIS`) and ``hash``: SHA-256 over the canonical JSON (sorted keys,
  no spaces) of the line without ``hash``. :func:`verify` finds a changed, removed, inserted,
  moved or truncated line and names the first bad one. The chain shows tampering by anyone
  who does not rewrite every later line as well. Lines cut off the end leave a whole chain:
  to find that, every append also writes a signed head beside the log
  (:mod:`api.access.audit_head`), and ``verify`` compares the log with it. Keeping the head
  ``verify`` reports somewhere else as well (a daily report) also catches a rewrite by whoever
  holds the installation key.
- **Safe to share.** Appends take an exclusive ``flock`` on the file, read the last line's
  hash under it, write the line in one call and ``fsync`` before letting go: threads and
  processes on one machine can log at once (``flock`` is not reliable on network file
  systems). The file is created with mode 0600, and a log readable by others is refused.
- **Fails closed.** A log that ends in a damaged line takes no more events
  (:class:`AuditLogError`): a caller that cannot log must not hand out the data.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from api.access.audit_head import read_head, write_head
from api.access.roles import Role as Role  # re-exported: where the routes and tests take it from
from graph.errors import ConfigurationError, Language, NotFoundError, WijkgraafError
from importers.validate import CBS_CODE, LOCAL_CODE

#: ``prev`` of the first line.
GENESIS = hashlib.sha256(b"wijkgraaf audit log v1").hexdigest()

KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
#: 16 or more letters and digits in a row, both mixed in: how generated secrets look.
_SECRET_RUN = re.compile(r"[A-Za-z0-9]{16,}")
_HASH = re.compile(r"^[0-9a-f]{64}$")
_CODE = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_GRAPH = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}$")
_INTRODUCTION = re.compile(r"^(r-[0-9a-f]{32}~[ri]|i-[0-9a-f]{32}~o)-[0-9a-f]{32}$")


class AuditLogError(WijkgraafError):
    """The audit log is damaged where it must be read: nothing is logged or read past it."""


class Action(StrEnum):
    READ = "read"
    EXPORT = "export"
    ASK = "ask"
    CHANGES = "changes"  # what changed in a part of the network between two dates
    RECOMMEND = "recommend"
    AGGREGATE = "aggregate"
    IMPORT = "import"
    UPDATE = "update"
    ERASE = "erase"
    KEY_CREATE = "key_create"
    KEY_REVOKE = "key_revoke"
    MAP = "map"  # a map page drawn for a browser
    SIGN_IN = "sign_in"  # a browser signed in to the pages with a key
    SIGN_OUT = "sign_out"  # a browser's session ended by its own sign-out form
    RESTORE = "restore"  # a dump loaded into the store (the command line)
    SOURCE_ID = "source_id"  # a resident's id in the source system shown to a coach
    INTRODUCE = "introduce"  # refused before its status was read; marked: one action each
    INTRODUCTION_PROPOSED = "introduction_proposed"
    INTRODUCTION_ACCEPTED = "introduction_accepted"
    INTRODUCTION_DECLINED = "introduction_declined"
    INTRODUCTION_HAPPENED = "introduction_happened"


class ObjectKind(StrEnum):
    RESIDENT = "resident"
    PROFESSIONAL = "professional"
    INITIATIVE = "initiative"
    ORGANISATION = "organisation"
    NEIGHBOURHOOD = "neighbourhood"
    THEME = "theme"
    TABLE = "table"  # an aggregate table, by name
    KEY = "key"  # an API key, by id
    GRAPH = "graph"  # the whole graph, by graph name
    INTRODUCTION = "introduction"  # by its two ends' ids: <source>~<target>


class Result(StrEnum):
    OK = "ok"
    DENIED = "denied"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    ERROR = "error"


def _pseudonym(prefix: str) -> re.Pattern[str]:
    return re.compile(rf"^{prefix}-[0-9a-f]{{32}}$")


PERSON_KINDS = frozenset({ObjectKind.RESIDENT, ObjectKind.PROFESSIONAL})
OBJECT_ID: dict[ObjectKind, tuple[re.Pattern[str], ...]] = {
    ObjectKind.RESIDENT: (_pseudonym("r"),),
    ObjectKind.PROFESSIONAL: (_pseudonym("p"),),
    ObjectKind.INITIATIVE: (_pseudonym("i"),),
    ObjectKind.ORGANISATION: (_pseudonym("o"),),
    ObjectKind.NEIGHBOURHOOD: (CBS_CODE, LOCAL_CODE),
    ObjectKind.THEME: (_CODE,),
    ObjectKind.TABLE: (_CODE,),
    ObjectKind.KEY: (KEY_ID,),
    ObjectKind.GRAPH: (_GRAPH,),
    ObjectKind.INTRODUCTION: (_INTRODUCTION,),
}
SUBJECT_ID = re.compile(r"^[rp]-[0-9a-f]{32}$")


def _key_id(value: str) -> str:
    if not KEY_ID.match(value):
        raise ValueError("a key id is 1 to 32 letters, digits, '-' or '_'")
    for run in _SECRET_RUN.findall(value):
        if re.search(r"[0-9]", run) and re.search(r"[A-Za-z]", run):
            raise ValueError("this looks like a key secret; log the key's id instead")
    return value


class AuditEvent(BaseModel):
    """What happened: one line of the log without its place in the chain."""

    #: a refused value is not repeated in the error: it may be the secret or name refused
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    actor_key_id: str
    actor_role: Role
    action: Action
    object_kind: ObjectKind
    object_id: str
    #: the person the event is about; for a resident or professional object, that person
    subject_id: str | None = None
    #: the key id of whoever an integration acted for, where it says so
    on_behalf_of: str | None = None
    result: Result
    request_id: str | None = None

    @field_validator("time")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("time must carry a time zone")
        return value.astimezone(UTC)

    @field_serializer("time")
    def _iso(self, value: datetime) -> str:
        return value.isoformat(timespec="microseconds").replace("+00:00", "Z")

    @field_validator("actor_key_id")
    @classmethod
    def _actor(cls, value: str) -> str:
        return _key_id(value)

    @field_validator("on_behalf_of")
    @classmethod
    def _behalf(cls, value: str | None) -> str | None:
        return None if value is None else _key_id(value)

    @field_validator("subject_id")
    @classmethod
    def _subject(cls, value: str | None) -> str | None:
        if value is not None and not SUBJECT_ID.match(value):
            raise ValueError("the subject is a resident's or professional's pseudonymous id")
        return value

    @field_validator("request_id")
    @classmethod
    def _request(cls, value: str | None) -> str | None:
        return None if value is None else str(uuid.UUID(value))

    @model_validator(mode="after")
    def _object(self) -> Self:
        if not any(pattern.match(self.object_id) for pattern in OBJECT_ID[self.object_kind]):
            raise ValueError(f"object_id is no valid id for object_kind {self.object_kind.value!r}")
        if self.object_kind in PERSON_KINDS:
            if self.subject_id is None:
                object.__setattr__(self, "subject_id", self.object_id)
            elif self.subject_id != self.object_id:
                raise ValueError("a person object is its own subject")
        return self


class AuditRecord(AuditEvent):
    """An event as stored: with its number, the hash before it, and its own hash."""

    seq: int = Field(ge=1)
    prev: str = Field(pattern=_HASH.pattern)
    hash: str = Field(pattern=_HASH.pattern)


def _canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _digest(fields: dict[str, Any]) -> str:
    body = {key: value for key, value in fields.items() if key != "hash"}
    return hashlib.sha256(_canonical(body).encode("ascii")).hexdigest()


# --- writing ------------------------------------------------------------------------------


class AuditLog:
    """Appends events to one log file; see the module docstring for the guarantees.

    With ``head_key`` (derived from the installation key), every append also writes the
    signed head that shows lines cut off the end."""

    def __init__(self, path: str | os.PathLike[str], *, head_key: bytes | None = None) -> None:
        self.path = Path(path)
        self.head_key = head_key

    def append(self, event: AuditEvent) -> AuditRecord:
        return self.append_all([event])[0]

    def append_all(self, events: list[AuditEvent]) -> list[AuditRecord]:
        """Append events in order, chained, with one lock and one fsync for all of them."""
        descriptor = self._open()
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            seq, prev = self._tail(descriptor)
            written = []
            for event in events:
                seq += 1
                fields = {**event.model_dump(mode="json"), "seq": seq, "prev": prev}
                fields["hash"] = prev = _digest(fields)
                written.append(fields)
            data = "".join(_canonical(fields) + "\n" for fields in written).encode("ascii")
            while data:
                data = data[os.write(descriptor, data) :]
            os.fsync(descriptor)
            if self.head_key is not None:
                write_head(self.path, seq, prev, self.head_key)
        finally:
            os.close(descriptor)  # and with it the lock
        # the events are validated already: the records need no second validation
        return [
            AuditRecord.model_construct(
                **dict(event), seq=fields["seq"], prev=fields["prev"], hash=fields["hash"]
            )
            for event, fields in zip(events, written, strict=True)
        ]

    def _open(self) -> int:
        new = not self.path.exists()
        if new:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
        descriptor = os.open(self.path, flags, 0o600)
        if os.fstat(descriptor).st_mode & 0o077:
            os.close(descriptor)
            raise ConfigurationError(
                f"Het auditlog {self.path} is leesbaar voor anderen; maak het alleen voor de "
                "eigenaar leesbaar (chmod 600).",
                f"The audit log {self.path} is readable by others; make it readable by its "
                "owner only (chmod 600).",
            )
        if new:  # make the new file's directory entry durable too
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        return descriptor

    def _tail(self, descriptor: int) -> tuple[int, str]:
        """(seq, hash) of the last line, found by reading backwards from the end."""
        end = os.fstat(descriptor).st_size
        if end == 0:
            return 0, GENESIS
        start = position = end - 1  # the last line's newline, if it is whole
        while position > 0:
            step = min(4096, position)
            position -= step
            newline = os.pread(descriptor, step, position).rfind(b"\n")
            if newline >= 0:
                start = position + newline + 1
                break
        else:
            start = 0
        last = os.pread(descriptor, end - start, start)
        try:
            if not last.endswith(b"\n"):
                raise ValueError("the last line is incomplete")
            record = AuditRecord.model_validate_json(last)
        except ValueError:
            raise AuditLogError(
                f"Het auditlog {self.path} eindigt met een beschadigde regel; er wordt niets "
                "meer vastgelegd. Controleer het met 'wijkgraaf audit verify'.",
                f"The audit log {self.path} ends in a damaged line; nothing more is logged. "
                "Check it with 'wijkgraaf audit verify'.",
            ) from None
        return record.seq, record.hash


# --- reading ------------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Numbered lines as they stood when reading began (later appends are not read)."""
    if not path.exists():
        raise NotFoundError(
            f"Auditlog {path} bestaat niet.",
            f"Audit log {path} does not exist.",
            missing=(str(path),),
        )
    with path.open("rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)  # no append is half-way while the size is taken
        size = os.fstat(handle.fileno()).st_size
        fcntl.flock(handle, fcntl.LOCK_UN)
        read = 0
        for number, line in enumerate(handle, start=1):
            if read >= size:
                return
            yield number, line
            read += len(line)


class Problem(StrEnum):
    TRUNCATED = "truncated"
    UNREADABLE = "unreadable"
    CHANGED = "changed"
    OUT_OF_SEQUENCE = "out_of_sequence"
    BROKEN_CHAIN = "broken_chain"
    CUT_OFF = "cut_off"
    HEAD_INVALID = "head_invalid"
    HEAD_MISSING = "head_missing"


_PROBLEM_TEXT: dict[Problem, tuple[str, str]] = {
    Problem.TRUNCATED: (
        "regel {n} is afgebroken: de laatste regel is onvolledig",
        "line {n} is truncated: the last line is incomplete",
    ),
    Problem.UNREADABLE: (
        "regel {n} is geen geldige auditregel",
        "line {n} is not a valid audit line",
    ),
    Problem.CHANGED: (
        "regel {n} is gewijzigd: de hash klopt niet met de inhoud",
        "line {n} was changed: its hash does not match its content",
    ),
    Problem.OUT_OF_SEQUENCE: (
        "regel {n} draagt nummer {seq}: er is een regel verwijderd, ingevoegd of verplaatst",
        "line {n} carries number {seq}: a line was removed, inserted or moved",
    ),
    Problem.BROKEN_CHAIN: (
        "regel {n} sluit niet aan op de regel ervoor: die is gewijzigd of vervangen",
        "line {n} does not follow from the line before it: that line was changed or replaced",
    ),
    Problem.CUT_OFF: (
        "het log eindigt bij regel {n}, maar de ondertekende kop noemt regel {seq}: er zijn "
        "regels van het einde afgeknipt",
        "the log ends at line {n}, but its signed head names line {seq}: lines were cut off "
        "its end",
    ),
    Problem.HEAD_INVALID: (
        "de ondertekende kop (.head) klopt niet met regel {n}, of is gewijzigd",
        "the signed head (.head) does not match line {n}, or was changed",
    ),
    Problem.HEAD_MISSING: (
        "de ondertekende kop (.head) naast het log ontbreekt ({n} regels)",
        "the signed head (.head) beside the log is missing ({n} lines)",
    ),
}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    #: lines that passed, from the first
    lines: int
    #: the hash of the last line that passed (GENESIS for an empty log): keep it elsewhere
    head: str
    bad_line: int | None = None
    problem: Problem | None = None
    nl: str = ""
    en: str = ""

    def message(self, lang: Language = "nl") -> str:
        return self.nl if lang == "nl" else self.en

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _check(line: bytes, seq: int, prev: str) -> tuple[Problem, int] | AuditRecord:
    """The line's record, or its problem (with the number the line carries) when it is not
    the whole, unchanged line that follows ``seq`` and ``prev``."""
    if not line.endswith(b"\n"):
        return Problem.TRUNCATED, 0
    try:
        fields = json.loads(line)
    except ValueError:
        return Problem.UNREADABLE, 0
    if not isinstance(fields, dict) or not isinstance(fields.get("hash"), str):
        return Problem.UNREADABLE, 0
    if fields["hash"] != _digest(fields) or line != (_canonical(fields) + "\n").encode():
        return Problem.CHANGED, 0
    try:
        record = AuditRecord.model_validate(fields)
    except ValidationError:
        return Problem.UNREADABLE, 0
    if record.seq != seq + 1:
        return Problem.OUT_OF_SEQUENCE, record.seq
    if record.prev != prev:
        return Problem.BROKEN_CHAIN, record.seq
    return record


def _damaged(seq: int, head: str, number: int, problem: Problem, carried: int) -> VerifyResult:
    nl, en = (t.format(n=number, seq=carried) for t in _PROBLEM_TEXT[problem])
    nl, en = f"Auditlog beschadigd: {nl}.", f"Audit log damaged: {en}."
    return VerifyResult(False, seq, head, number, problem, nl, en)


def verify(path: str | os.PathLike[str], *, head_key: bytes | None = None) -> VerifyResult:
    """Walk the chain from the first line; stop at the first line that does not hold. With
    ``head_key``, also hold the log to its signed head: none of its end may be cut off."""
    log = Path(path)
    signed: tuple[int, str] | None = None
    if head_key is not None and log.exists():
        try:
            signed = read_head(log, head_key)
        except (ValueError, KeyError, TypeError):
            return _damaged(0, GENESIS, 0, Problem.HEAD_INVALID, 0)
    seq, head = 0, GENESIS
    for number, line in _lines(log):
        checked = _check(line, seq, head)
        if not isinstance(checked, AuditRecord):
            problem, carried = checked
            return _damaged(seq, head, number, problem, carried)
        seq, head = checked.seq, checked.hash
        if signed is not None and seq == signed[0] and head != signed[1]:
            return _damaged(seq, head, number, Problem.HEAD_INVALID, seq)
    if head_key is not None:
        if signed is None and seq > 0:
            return _damaged(seq, head, seq, Problem.HEAD_MISSING, seq)
        if signed is not None and signed[0] > seq:
            return _damaged(seq, head, seq, Problem.CUT_OFF, signed[0])
    return VerifyResult(
        True,
        seq,
        head,
        nl=f"Auditlog in orde: {seq} regels, laatste hash {head[:16]}.",
        en=f"Audit log intact: {seq} lines, last hash {head[:16]}.",
    )


def read_records(path: str | os.PathLike[str]) -> Iterator[AuditRecord]:
    """Every record, in order; a line that is not a valid record stops the reading."""
    for number, line in _lines(Path(path)):
        try:
            yield AuditRecord.model_validate_json(line)
        except ValidationError:
            raise AuditLogError(
                f"Regel {number} van het auditlog is geen geldige auditregel.",
                f"Line {number} of the audit log is not a valid audit line.",
            ) from None


def read_for_subject(path: str | os.PathLike[str], subject_id: str) -> list[AuditRecord]:
    """The events about one person, oldest first: who looked at their data (or marked an
    introduction of theirs), and when. A log that does not exist yet holds none."""
    if not Path(path).exists():
        return []
    return [  # an introduction's line (object ``<source>~<target>``) is about both its ends
        r for r in read_records(path) if subject_id in (r.subject_id, *r.object_id.split("~"))
    ]
