"""Introductions followed up: what the questions propose, marked as it goes, and what it
becomes once it happened.

The network questions and the recommendations propose introductions of three kinds. A coach
or an integration marks one as ``proposed`` (put to the people), ``accepted``, ``declined``
or ``happened``; the mark is kept in the graph as a relationship of its own kind, with its
``status`` and the day it was last ``changed``:

- resident → initiative (``INTRODUCED_TO_INITIATIVE``): once it happened, the resident takes
  part in it (``PARTICIPATES_IN``, as a participant);
- resident → resident (``INTRODUCED_TO_RESIDENT``): they know each other (``KNOWS``, as
  acquaintances, since the day it happened);
- initiative → organisation (``INTRODUCED_TO_ORGANISATION``): the organisation is its partner
  (``PARTNER_OF``).

An introduction between two residents has no direction: it is kept once per pair, as
``KNOWS`` is. Being relationships between the people and places they introduce, the marks go
with a person who is erased (their node goes with every relationship it has), come along in
the portable dump, and are read with the projection: the questions never propose a declined
introduction again (:meth:`graph.analysis.context.NetworkContext.declined`).

Which status may follow which (:func:`allowed`): anything may be recorded first (a coach may
record an introduction after the fact); ``proposed`` may become any other; ``accepted`` may
still be declined or happen; ``declined`` and ``happened`` are final — a no is respected, and
what happened is a tie now, changed where ties are. Marking the status an introduction has
already changes nothing.

>>> kind_between(NodeLabel.RESIDENT, NodeLabel.INITIATIVE).key
'resident_initiative'
>>> kind_between(NodeLabel.INITIATIVE, NodeLabel.RESIDENT) is None
True
>>> allowed(None, "declined"), allowed("accepted", "happened"), allowed("declined", "proposed")
(True, True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.model import IntroductionStatus, NodeLabel, RelType, TieKind

S = IntroductionStatus
#: The kinds, by key (as the API and the publishable figure name them).
RESIDENT_INITIATIVE = "resident_initiative"
RESIDENT_RESIDENT = "resident_resident"
INITIATIVE_ORGANISATION = "initiative_organisation"


@dataclass(frozen=True)
class IntroductionKind:
    """One kind of introduction: who is introduced to what, how the mark is kept, and the tie
    it becomes once it happened."""

    key: str
    source: NodeLabel
    target: NodeLabel
    rel: RelType
    #: the tie it becomes, and whether that tie runs from ``target`` to ``source``
    #: (an organisation is the partner of an initiative)
    tie: RelType
    tie_reversed: bool = False

    def tie_ends(self, source: str, target: str) -> tuple[str, str]:
        """(source, target) of the tie an introduction of ``source`` to ``target`` becomes."""
        return (target, source) if self.tie_reversed else (source, target)

    @property
    def tie_labels(self) -> tuple[NodeLabel, NodeLabel]:
        return (self.target, self.source) if self.tie_reversed else (self.source, self.target)

    def tie_properties(self, day: date) -> dict[str, Any]:
        """The properties of the tie an introduction that happened on ``day`` makes (a tie
        that is there already is kept as it is)."""
        if self.tie == RelType.KNOWS:
            return {"kind": TieKind.ACQUAINTANCE.value, "since": day.isoformat()}
        if self.tie == RelType.PARTICIPATES_IN:
            return {"role": "participant"}
        return {}


_L = NodeLabel
KINDS: dict[str, IntroductionKind] = {
    kind.key: kind
    for kind in (
        IntroductionKind(
            RESIDENT_INITIATIVE,
            _L.RESIDENT,
            _L.INITIATIVE,
            RelType.INTRODUCED_TO_INITIATIVE,
            RelType.PARTICIPATES_IN,
        ),
        IntroductionKind(
            RESIDENT_RESIDENT,
            _L.RESIDENT,
            _L.RESIDENT,
            RelType.INTRODUCED_TO_RESIDENT,
            RelType.KNOWS,
        ),
        IntroductionKind(
            INITIATIVE_ORGANISATION,
            _L.INITIATIVE,
            _L.ORGANISATION,
            RelType.INTRODUCED_TO_ORGANISATION,
            RelType.PARTNER_OF,
            tie_reversed=True,
        ),
    )
}
#: The relationship types that keep the marks, as the projection reads them.
INTRODUCTION_TYPES: tuple[RelType, ...] = tuple(kind.rel for kind in KINDS.values())

#: Which status may follow which (None: nothing recorded yet); the same status again is
#: allowed and changes nothing.
TRANSITIONS: dict[S | None, frozenset[S]] = {
    None: frozenset(S),
    S.PROPOSED: frozenset(S),
    S.ACCEPTED: frozenset({S.ACCEPTED, S.DECLINED, S.HAPPENED}),
    S.DECLINED: frozenset({S.DECLINED}),
    S.HAPPENED: frozenset({S.HAPPENED}),
}

#: The statuses as a reader names them: (Dutch, English).
STATUS_NAMES: dict[S, tuple[str, str]] = {
    S.PROPOSED: ("voorgesteld", "proposed"),
    S.ACCEPTED: ("aangenomen", "accepted"),
    S.DECLINED: ("afgewezen", "declined"),
    S.HAPPENED: ("gebeurd", "happened"),
}


def kind_between(source: NodeLabel, target: NodeLabel) -> IntroductionKind | None:
    """The kind of an introduction of a ``source`` node to a ``target`` node, if there is one."""
    for kind in KINDS.values():
        if (kind.source, kind.target) == (source, target):
            return kind
    return None


def allowed(current: str | None, new: str) -> bool:
    """Whether an introduction whose status is ``current`` may be marked ``new``."""
    return S(new) in TRANSITIONS[S(current) if current is not None else None]
