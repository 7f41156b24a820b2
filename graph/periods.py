"""Facts with a time: when a relationship held, and what it was at a date.

Every relationship is a fact that holds from a date until a date. The store keeps one
relationship per pair of ends and type, the fact's latest version, with three fields beside
its own properties:

- ``valid_from``: the date (``YYYY-MM-DD``) the latest version holds from; absent for a fact
  written before facts had dates, which holds from the beginning;
- ``valid_to``: the date it ended (it held until the day before); absent while it holds;
- ``past``: the earlier versions, oldest first, each one text (:func:`encode_version`): when
  it held and the properties it had then. Absent until a fact ends and begins again, or its
  properties change on a later date.

So the present is every relationship without ``valid_to``, read as it is, and the state at a
date is read from the same relationships (:func:`version_at`). An import states the date its
data describes (``as_of``); :func:`stated` works out what a fact becomes when an import
states it, :func:`ended` what it becomes when an import ends it.

Residents, professionals, initiatives and organisations have a period the same way: they are
in the data from the date an import first states them until a complete sheet lacks them
(a resident who moved away). Their earlier versions keep only the fields that have a history
(``graph.model.NODE_HISTORY_FIELDS``: where they live, an initiative's status and lead, ...),
never a name or a consent; a change of another field changes every period at once
(``fields`` of :func:`stated`). A tie holds on a date only while both its ends are there.

Past versions are kept as base64 of JSON: text without quotes or backslashes, which the
embedded database's packed read carries safely (``graph.projection_queries``).

>>> first = stated({"kind": "friend"}, None, "2025-03-31")
>>> first["valid_from"], first["valid_to"], first["past"]
('2025-03-31', None, None)
>>> stored = {"kind": "friend", "valid_from": "2025-03-31"}
>>> stated({"kind": "friend"}, stored, "2025-06-30") == {"kind": "friend"}
True
>>> gone = {**stored, **ended(stored, "2025-06-30")}
>>> version_at(gone, "2025-05-01"), version_at(gone, "2025-07-01")
({'kind': 'friend'}, None)
>>> back = {**gone, **stated({"kind": "neighbour"}, gone, "2025-12-31")}
>>> version_at(back, "2025-05-01"), version_at(back, "2025-09-30"), version_at(back, "2026-01-01")
({'kind': 'friend'}, None, {'kind': 'neighbour'})
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from contextlib import suppress
from datetime import date
from typing import Any

from graph.errors import InvalidDataError, RefusedError
from graph.values import applied

VALID_FROM, VALID_TO, PAST = "valid_from", "valid_to", "past"
PERIOD_FIELDS: tuple[str, ...] = (VALID_FROM, VALID_TO, PAST)
#: Set on a fact that a sheet declared complete listed (``--complete``): the next complete
#: export of that sheet that lacks it ends it; a fact only other imports stated it leaves be.
LISTED = "listed_complete"
#: What is not the fact's own properties: its period, its past, and how it was listed.
BOOKKEEPING: frozenset[str] = frozenset((*PERIOD_FIELDS, LISTED))

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_date(text: str | date, what: str = "as_of") -> str:
    """A date as the store keeps it (``YYYY-MM-DD``), or a clear refusal.

    >>> as_date("2025-06-30"), as_date(date(2025, 1, 1))
    ('2025-06-30', '2025-01-01')
    >>> as_date("30-06-2025")
    Traceback (most recent call last):
    ...
    graph.errors.InvalidDataError: as_of: '30-06-2025' is not a date (YYYY-MM-DD, e.g. 2025-06-30).
    """
    if isinstance(text, date):
        return text.isoformat()
    if isinstance(text, str) and _DATE.match(text):
        with suppress(ValueError):  # 2025-02-30 has the shape of a date, and is none
            return date.fromisoformat(text).isoformat()
    raise InvalidDataError(
        f"{what}: {text!r} is geen datum (JJJJ-MM-DD, bijvoorbeeld 2025-06-30).",
        f"{what}: {text!r} is not a date (YYYY-MM-DD, e.g. 2025-06-30).",
    )


def own(props: Mapping[str, Any]) -> dict[str, Any]:
    """A fact's own properties, without its bookkeeping."""
    return {key: value for key, value in props.items() if key not in BOOKKEEPING}


def encode_version(
    start: str | None, end: str, props: Mapping[str, Any], fields: tuple[str, ...] | None = None
) -> str:
    """One past version as text: ``start`` (None: from the beginning) until ``end``; of a
    node, only its ``fields`` with a history."""
    kept = own(props) if fields is None else {f: props[f] for f in fields if f in props}
    data = json.dumps([start, end, kept], sort_keys=True, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode("ascii")


def decode_version(text: str) -> tuple[str | None, str, dict[str, Any]]:
    start, end, props = json.loads(base64.urlsafe_b64decode(text.encode("ascii")))
    return start, end, props


def holds(start: str | None, end: str | None, day: str) -> bool:
    """Whether a version from ``start`` until ``end`` holds on ``day`` (dates as text compare
    as dates)."""
    return (start is None or start <= day) and (end is None or day < end)


def version_at(
    props: Mapping[str, Any], day: str, fields: tuple[str, ...] | None = None
) -> dict[str, Any] | None:
    """The fact's own properties as they were on ``day``, or None if it did not hold then.
    Of a node (``fields``: those with a history), a past version's fields over its present
    properties.

    >>> node = {"status": "active", "name": "Moestuin", "valid_from": "2025-06-30",
    ...         "past": [encode_version(None, "2025-06-30", {"status": "idea"}, ("status",))]}
    >>> version_at(node, "2025-01-01", ("status", "lead"))
    {'name': 'Moestuin', 'status': 'idea'}
    """
    if holds(props.get(VALID_FROM), props.get(VALID_TO), day):
        return own(props)
    for text in props.get(PAST) or ():
        start, end, past = decode_version(text)
        if holds(start, end, day):
            if fields is None:
                return past
            present = {k: v for k, v in own(props).items() if k not in fields}
            return {**present, **past}
    return None


def stated(
    props: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    as_of: str,
    *,
    listed: bool = False,
    fields: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    """What to write for a fact an import dated ``as_of`` states with ``props``, given what is
    stored of it (``before``; None: nothing). Writing it (``SET r += ...``) leaves what is
    stored unchanged when the fact holds on with the same properties.

    - new: it holds from ``as_of``;
    - holding, the same properties: nothing changes;
    - holding, other properties: from ``as_of`` it has those, the version before is kept in
      ``past`` (unless it began on ``as_of`` itself: then it is corrected);
    - ended: it begins again from ``as_of`` (where it ended on ``as_of``, it simply goes on).

    ``listed``: a sheet declared complete lists it (:data:`LISTED`). ``fields``: of a node,
    the fields with a history; a change of another field is not a new version.
    """
    row = dict(props)
    if listed:
        row[LISTED] = True
    if before is None:
        return {**row, VALID_FROM: as_of, VALID_TO: None, PAST: None}
    start, end = before.get(VALID_FROM), before.get(VALID_TO)
    refuse_earlier(start, end, as_of)
    after = applied(own(before), props)
    if fields is None:
        same = after == own(before)
    else:
        same = all(after.get(f) == before.get(f) for f in fields)
    past = list(before.get(PAST) or ())
    if end is None:
        if same or start == as_of:
            return row
        past.append(encode_version(start, as_of, before, fields))
        return {**row, VALID_FROM: as_of, PAST: past}
    if end == as_of and same:
        return {**row, VALID_TO: None}  # ended and stated again on the same day: it goes on
    past.append(encode_version(start, end, before, fields))
    return {**row, VALID_FROM: as_of, VALID_TO: None, PAST: past, LISTED: row.get(LISTED)}


def ended(before: Mapping[str, Any], as_of: str) -> dict[str, Any]:
    """What to write to end a holding fact on ``as_of`` (it held until the day before)."""
    refuse_earlier(before.get(VALID_FROM), None, as_of)
    return {VALID_TO: as_of, LISTED: None}


def refuse_earlier(start: str | None, end: str | None, as_of: str) -> None:
    """Facts are stated in the order of their dates: an export older than what the store
    holds of a fact cannot be put before it."""
    latest = max((d for d in (start, end) if d is not None), default=None)
    if latest is not None and as_of < latest:
        raise RefusedError(
            f"De opslag heeft al gegevens per {latest}; een export per {as_of} kan daar niet "
            "meer vóór. Importeer exports van oud naar nieuw.",
            f"The store already holds data as of {latest}; an export as of {as_of} cannot be "
            "put before it. Import exports from oldest to newest.",
            code="older_than_store",
        )
