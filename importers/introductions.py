"""Marking an introduction: checked against the store, then written as an import writes.

:func:`mark_introduction` is the one way an introduction's status changes (the API's
``POST /introductions`` and the pages' form both call it). It refuses, changing nothing:

- what is no introduction Wijkgraaf proposes (:func:`graph.introductions.kind_between`), or a
  resident introduced to themselves;
- an end that is not stored (:class:`~graph.errors.NotFoundError`);
- a resident who did not agree to be contacted (``consent_contact``): no introduction is
  recorded for them, whatever its status;
- a status that may not follow the one recorded (:data:`graph.introductions.TRANSITIONS`).

The same status again is ``unchanged`` and writes nothing. Otherwise the mark, and for one
that ``happened`` the tie it describes where that tie is not there yet, are written through
:func:`importers.load.write_links`: under the import journal, all or nothing, each an
idempotent upsert, with a record of the run, holding from the day it was marked (a status
changed on a later day keeps the one before in the mark's history, :mod:`graph.periods`). A
tie that holds already is left as it is; one that had ended begins again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.errors import RefusedError
from graph.introductions import STATUS_NAMES, IntroductionKind, allowed, kind_between
from graph.model import RELATIONSHIPS, IntroductionStatus, NodeLabel, RelType
from graph.store import GraphStore, Node
from importers.load import write_links

#: What the run record of a mark names as its source (an import names its files).
SOURCE = "introduction"


@dataclass(frozen=True)
class Marked:
    """What marking an introduction did."""

    kind: IntroductionKind
    source: str
    target: str
    status: IntroductionStatus
    #: the status before (None: nothing was recorded)
    previous: IntroductionStatus | None
    #: the day of the status (the day it was last changed)
    changed: date
    #: whether anything was written (the same status again writes nothing)
    written: bool
    #: whether the tie it describes was made now (it happened, and the tie was not there)
    tie_created: bool


def _refused(code: str, nl: str, en: str) -> RefusedError:
    return RefusedError(nl, en, code=code)


def _current(
    store: GraphStore, kind: IntroductionKind, source: str, target: str
) -> tuple[IntroductionStatus | None, date | None]:
    """The status recorded for the introduction of ``source`` to ``target``, and its day."""
    for neighbour in store.neighbours(kind.source, source, rel_types=[kind.rel]):
        if neighbour.node.id == target:
            status = neighbour.properties.get("status")
            day = neighbour.properties.get("changed")
            return (
                IntroductionStatus(status) if status else None,
                date.fromisoformat(str(day)) if day else None,
            )
    return None, None


def _tie_there(store: GraphStore, kind: IntroductionKind, source: str, target: str) -> bool:
    start, end = kind.tie_ends(source, target)
    return any(
        neighbour.node.id == end
        for neighbour in store.neighbours(kind.tie_labels[0], start, rel_types=[kind.tie])
    )


def check_consent(node: Node) -> None:
    """Refuse a resident who did not agree to be contacted (``consent_contact``)."""
    if node.label == NodeLabel.RESIDENT and node.properties.get("consent_contact") is not True:
        raise _refused(
            "no_contact_consent",
            f"Bewoner {node.id} heeft geen toestemming gegeven om benaderd te worden "
            "(toestemming_contact): een introductie met deze bewoner wordt niet vastgelegd.",
            f"Resident {node.id} has not agreed to be contacted (consent_contact): no "
            "introduction with this resident is recorded.",
        )


def introduction_kind(source: Node, target: Node) -> IntroductionKind:
    """The kind of introducing ``source`` to ``target``, or a refusal."""
    kind = kind_between(NodeLabel(source.label), NodeLabel(target.label))
    if kind is None:
        raise _refused(
            "not_an_introduction",
            f"Een {source.label} aan een {target.label} voorstellen is geen introductie die "
            "Wijkgraaf voorstelt (wel: bewoner aan initiatief, bewoner aan bewoner, "
            "initiatief aan organisatie).",
            f"Introducing a {source.label} to a {target.label} is no introduction Wijkgraaf "
            "proposes (these are: resident to initiative, resident to resident, initiative "
            "to organisation).",
        )
    if source.id == target.id:
        raise _refused(
            "same_resident",
            "Een bewoner wordt niet aan zichzelf voorgesteld.",
            "A resident is not introduced to themselves.",
        )
    return kind


def mark_introduction(
    store: GraphStore,
    source: Node,
    target: Node,
    status: IntroductionStatus | str,
    *,
    today: date | None = None,
) -> Marked:
    """Mark the introduction of ``source`` to ``target`` (nodes as the store holds them:
    :meth:`~graph.store.GraphStore.get_node`) as ``status``; see the module's description
    for what is refused and what is written."""
    new = IntroductionStatus(status)
    kind = introduction_kind(source, target)
    check_consent(source)
    check_consent(target)
    previous, since = _current(store, kind, source.id, target.id)
    if not allowed(previous, new):
        assert previous is not None  # anything may be recorded first
        was_nl, was_en = STATUS_NAMES[previous]
        new_nl, new_en = STATUS_NAMES[new]
        raise _refused(
            "status_not_allowed",
            f"Deze introductie is al {was_nl}; ze kan niet meer {new_nl} worden.",
            f"This introduction was {was_en} already; it can no longer become {new_en}.",
        )
    day = today or date.today()
    if previous == new:
        return Marked(kind, source.id, target.id, new, previous, since or day, False, False)
    links: dict[tuple[RelType, NodeLabel, NodeLabel], list[dict[str, Any]]] = {
        (kind.rel, kind.source, kind.target): [
            {"source": source.id, "target": target.id, "status": new.value, "changed": day}
        ]
    }
    make_tie = new == IntroductionStatus.HAPPENED and not _tie_there(
        store, kind, source.id, target.id
    )
    if make_tie:
        properties = kind.tie_properties(day)
        RELATIONSHIPS[kind.tie].properties(**properties)  # the importer's model of the tie
        start, end = kind.tie_ends(source.id, target.id)
        links[(kind.tie, *kind.tie_labels)] = [{"source": start, "target": end, **properties}]
    write_links(store, links, files=[SOURCE], as_of=day.isoformat())
    return Marked(kind, source.id, target.id, new, previous, day, True, make_tie)
