"""What a graph store can hold, checked before anything is written, and what changes.

A property is a string, boolean, integer (64 bits), finite float, a list of one of those, or
None (remove it). Every refusal names where the value came from (``label``, row number) so an
importer's report can point at it. :func:`changed_batches` compares rows with what is stored
so an upsert writes only what changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from graph import queries
from graph.errors import InvalidDataError

if TYPE_CHECKING:
    from graph.store import WriteCounts

Primitive = str | bool | int | float
Value = Primitive | list[Primitive] | None

_INT64 = 2**63


def check_value(key: str, value: Any, where: str) -> Value:
    """Return ``value`` as the store holds it, or raise: primitives and flat lists only.

    A subclass of a primitive (a ``StrEnum`` member, say) is held as its plain value, so that
    both databases are sent exactly the same kinds of value.
    """
    if value is None or type(value) is str or type(value) is bool:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        if not -_INT64 <= value < _INT64:
            raise InvalidDataError(
                f"{where}: {key} is te groot voor een 64-bits geheel getal.",
                f"{where}: {key} does not fit a 64-bit integer.",
            )
        return value if type(value) is int else int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidDataError(
                f"{where}: {key} moet een eindig getal zijn (geen NaN of oneindig).",
                f"{where}: {key} must be a finite number (not NaN or infinity).",
            )
        return value if type(value) is float else float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        checked = [check_value(key, item, where) for item in value]
        items: list[Primitive] = [item for item in checked if isinstance(item, Primitive)]
        if len(items) != len(checked):
            raise InvalidDataError(
                f"{where}: {key} mag geen lege waarden of geneste lijsten bevatten.",
                f"{where}: {key} may not contain nulls or nested lists.",
            )
        if len({type(item) for item in items}) > 1:
            raise InvalidDataError(
                f"{where}: {key} moet waarden van één soort bevatten.",
                f"{where}: {key} must hold values of one type.",
            )
        return items
    raise InvalidDataError(
        f"{where}: {key} heeft een soort waarde die niet opgeslagen kan worden "
        f"({type(value).__name__}).",
        f"{where}: {key} has a kind of value the store cannot hold ({type(value).__name__}).",
    )


def check_properties(
    into: dict[str, Value],
    row: Mapping[str, Any],
    *,
    skip: Collection[str],
    names: set[str],
    where: tuple[str, int],
) -> None:
    """Check the properties of ``row`` (every key but those in ``skip``) into ``into``.

    Called once per row of a write, so the common case costs little: a name is checked once
    per write (``names`` holds those found valid), text, booleans, nulls and integers that fit
    are taken as they are, and the row's place (``where``: what and its number) is spelled
    out only for an error.
    """
    for key, value in row.items():
        if key in skip:
            continue
        if key not in names:
            if not isinstance(key, str) or not key.isidentifier():
                place = _place(where)
                raise InvalidDataError(
                    f"{place}: ongeldige eigenschapsnaam {key!r}.",
                    f"{place}: invalid property name {key!r}.",
                )
            names.add(key)
        kind = type(value)
        if (
            kind is str
            or kind is bool
            or value is None
            or (kind is int and -_INT64 <= value < _INT64)
        ):
            into[key] = value
        else:
            into[key] = check_value(key, value, _place(where))


def _place(where: tuple[str, int], end: str = "") -> str:
    """A row's place in a write, as error messages name it: ``Resident #3``."""
    return f"{where[0]} #{where[1]}{end}"


def check_id(value: Any, where: tuple[str, int], end: str = "") -> str:
    if isinstance(value, str) and value and not value.isspace():
        return value
    place = _place(where, end)
    raise InvalidDataError(
        f"{place}: id ontbreekt of is geen tekst.",
        f"{place}: id is missing or not text.",
    )


def applied(before: Mapping[str, Any], changes: Mapping[str, Value]) -> dict[str, Any]:
    """``before`` with ``changes`` set on it, as ``SET n += changes`` sets them (None removes).

    >>> applied({"a": 1, "b": 2}, {"a": None, "c": 3})
    {'b': 2, 'c': 3}
    """
    after = dict(before)
    for key, value in changes.items():
        if value is None:
            after.pop(key, None)
        else:
            after[key] = value
    return after


def _changed(
    batch: Sequence[tuple[Any, dict[str, Value]]],
    stored: Mapping[Any, Mapping[str, Any]],
    counts: WriteCounts,
) -> list[tuple[Any, dict[str, Value], Mapping[str, Any] | None]]:
    """The rows of ``batch`` that change what is stored, each with what is stored now (None:
    nothing), counting each row's fate."""
    if not stored:  # nothing of the batch is stored (always so in a first import)
        counts.created += len(batch)
        return [(key, props, None) for key, props in batch]
    changed = []
    for key, props in batch:
        before = stored.get(key)
        if before is None:
            counts.created += 1
        elif applied(before, props) == before:
            counts.unchanged += 1
            continue
        else:
            counts.updated += 1
        changed.append((key, props, before))
    return changed


def chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def changed_batches(
    items: Sequence[tuple[Any, dict[str, Value]]],
    size: int,
    counts: WriteCounts,
    *,
    stored: Callable[[Sequence[tuple[Any, dict[str, Value]]]], Mapping[Any, Any]] | None,
    row: Callable[[Any, dict[str, Value]], dict[str, Any]],
    journal: Callable[[list[tuple[Any, Mapping[str, Any] | None]]], Mapping[str, Any]]
    | None = None,
    dated: Callable[[dict[str, Value], Mapping[str, Any] | None], dict[str, Value]] | None = None,
) -> Iterator[dict[str, Any]]:
    """The parameters of an upsert, batch by batch, with only the rows that change what is
    stored (counted into ``counts``). ``stored`` reads a batch's stored properties; None
    when nothing of the kind is stored yet (a first import), so nothing is read.

    ``journal``, given what each changed row's key held before (None: nothing), returns the
    parameters that record it in the import journal (:mod:`graph.journal`), sent with the
    batch. ``dated``, given a row and what its key holds now, returns what to write for a
    fact with a time (:func:`graph.periods.stated`)."""
    for batch in chunks(items, size):
        found = stored(batch) if stored else {}
        if dated is not None:
            batch = [(key, dated(props, found.get(key))) for key, props in batch]
        changed = _changed(batch, found, counts)
        if changed:
            params: dict[str, Any] = {
                "rows": [row(key, props) for key, props, _ in changed],
                "meta_id": queries.META_ID,
            }
            if journal is not None:
                params.update(journal([(key, before) for key, _, before in changed]))
            yield params
