"""What changed between two dates, in a part of the network (issue 16).

A coach asks what changed in their neighbourhoods between two dates: who stands alone now and
did not then, and who no longer does; who holds a group together now and who no longer does
(with what hangs on them); which initiatives started and stopped, who took one over, which
grew; the resident-led share and the five O's then and now. :func:`compare` answers it from
the network of each date as the questions read it (``Analyst.context_as_of``), with the
questions' own logic: the isolation signals of :mod:`~graph.analysis.isolated`, the
articulation points and what hangs on them of :mod:`~graph.analysis.bridges`, the lead of
:mod:`~graph.analysis.collective`, the ownership and five-O answers' summaries.

Communities keep their identity across the dates (:mod:`~graph.analysis.community_identity`):
each person listed carries the number of their community on both dates under one numbering,
and :attr:`ChangesAnswer.communities` lists every community with its size then and now.

Every person is shown as the question answers show them: by name only where they consented,
else the start of their pseudonymous id, with their buurt and age band beside them (a
resident who left is named as they were on the earlier date).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from graph.analysis.bridges import named_group
from graph.analysis.collective import FIVE_O, answer_five_o, answer_ownership
from graph.analysis.community_identity import MATCH_THRESHOLD, Matched, match_communities
from graph.analysis.context import NetworkContext
from graph.analysis.initiative_changes import participation, started_and_stopped, taken_over
from graph.analysis.people_changes import (
    State,
    bridges_gained,
    bridges_lost,
    newly_isolated,
    no_longer_isolated,
    read_state,
)
from graph.analysis.results import Item, Reason, Scope, counted

#: The lists of :class:`ChangesAnswer`, in the order a reader meets them: (Dutch, English).
SECTIONS: dict[str, tuple[str, str]] = {
    "newly_isolated": ("Staan nu alleen", "Stand alone now"),
    "no_longer_isolated": ("Staan niet meer alleen", "No longer stand alone"),
    "bridges_lost": ("Bruggen verloren", "Bridges lost"),
    "bridges_gained": ("Bruggen erbij", "Bridges gained"),
    "initiatives_started": ("Initiatieven gestart", "Initiatives started"),
    "initiatives_stopped": ("Initiatieven gestopt", "Initiatives stopped"),
    "taken_over": ("Initiatieven overgenomen", "Initiatives taken over"),
    "participation": ("Deelname veranderd", "Participation changed"),
}
#: What became of a community (:attr:`CommunityChange.status`): (Dutch, English).
COMMUNITY_STATUS: dict[str, tuple[str, str]] = {
    "same": ("ongewijzigd", "unchanged"),
    "changed": ("veranderd", "changed"),
    "new": ("nieuw", "new"),
    "gone": ("verdwenen", "gone"),
}
#: The figures of a :class:`Snapshot` as a reader names them: (Dutch, English).
FIGURES: dict[str, tuple[str, str]] = {
    "residents": ("Bewoners", "Residents"),
    "isolated": ("Staan alleen", "Stand alone"),
    "bridges": ("Bruggen (mensen en plekken)", "Bridges (people and places)"),
    "communities": ("Gemeenschappen", "Communities"),
    "initiatives": ("Initiatieven", "Initiatives"),
    "active_initiatives": ("Actieve initiatieven", "Active initiatives"),
    "resident_led_share": ("Door bewoners getrokken", "Led by residents"),
    "five_o_complete": ("Initiatieven met alle vijf O's", "Initiatives with all five O's"),
}


class Snapshot(BaseModel):
    """The headline figures of one date, as the questions count them."""

    date: str
    residents: int
    isolated: int
    #: people and places who hold a part of the network together (articulation points)
    bridges: int
    communities: int
    initiatives: int
    active_initiatives: int
    #: initiatives by who leads them (the ownership question's summary)
    lead: dict[str, int]
    resident_led_share: float | None
    #: initiatives with all five O's, and per O the initiatives it takes part in
    five_o_complete: int
    five_o_present: dict[str, int]


class CommunityChange(BaseModel):
    """A community under the one numbering of both dates: its size on each (None: not
    there), the overlap of its members (Jaccard; None for a new or a gone one), how many
    joined and left, and who it is, by name."""

    number: int
    status: str  # "same", "changed", "new" or "gone"
    before: int | None
    after: int | None
    overlap: float | None
    joined: int
    left: int
    reasons: list[Reason] = Field(default_factory=list)


class ChangesAnswer(BaseModel):
    """What changed in a part of the network between ``from_date`` and ``to_date``."""

    from_date: str
    to_date: str
    scope: Scope
    version: int
    before: Snapshot
    after: Snapshot
    newly_isolated: list[Item]
    no_longer_isolated: list[Item]
    bridges_gained: list[Item]
    bridges_lost: list[Item]
    initiatives_started: list[Item]
    initiatives_stopped: list[Item]
    taken_over: list[Item]
    participation: list[Item]
    communities: list[CommunityChange]
    #: how many each list holds before ``limit`` cut it, and residents who came and went
    summary: dict[str, int] = Field(default_factory=dict)
    notes: list[Reason] = Field(default_factory=list)


def compare(
    before: NetworkContext,
    after: NetworkContext,
    scope: Scope,
    *,
    dates: tuple[str, str],
    limit: int = 50,
) -> ChangesAnswer:
    """What changed in ``scope`` from the network ``before`` (as of ``dates[0]``) to the
    network ``after`` (as of ``dates[1]``); each list holds at most ``limit`` items, the most
    telling first (the summary counts them all)."""
    then, now = read_state(dates[0], before, scope), read_state(dates[1], after, scope)
    matched = match_communities(then.membership, now.membership)
    lost, held_by = bridges_lost(then, now, matched)
    lists = {
        "newly_isolated": newly_isolated(then, now, matched, held_by),
        "no_longer_isolated": no_longer_isolated(then, now, matched),
        "bridges_gained": bridges_gained(then, now, matched),
        "bridges_lost": lost,
    }
    lists["initiatives_started"], lists["initiatives_stopped"] = started_and_stopped(then, now)
    lists["taken_over"] = taken_over(then, now)
    lists["participation"] = participation(then, now)
    residents = (_residents(then), _residents(now))
    summary = {key: len(items) for key, items in lists.items()}
    summary |= {
        "residents_arrived": len(residents[1] - residents[0]),
        "residents_left": len(residents[0] - residents[1]),
        "isolated_left": len(then.isolated() - residents[1]),
    }
    communities = _communities(then, now, matched)
    return ChangesAnswer(
        from_date=then.day,
        to_date=now.day,
        scope=scope,
        version=after.version,
        before=_snapshot(then, scope),
        after=_snapshot(now, scope),
        communities=communities[:limit],
        summary=summary | {"communities": len(communities)},
        notes=[_community_note()],
        **{key: _ranked(items)[:limit] for key, items in lists.items()},
    )


def _ranked(items: list[Item]) -> list[Item]:
    return sorted(items, key=lambda item: (-item.score, item.id))


def _residents(state: State) -> set[str]:
    return set(state.signals)


def _community_note() -> Reason:
    return Reason(
        code="community_numbering",
        nl="Gemeenschappen houden hun nummer op beide data: een latere groep krijgt het nummer "
        "van de eerdere groep waarmee hij de meeste leden deelt (Jaccard-index van ten minste "
        f"{str(MATCH_THRESHOLD).replace('.', ',')}, beste paar eerst); een groep zonder zo'n "
        "voorganger is nieuw.",
        en="Communities keep their number on both dates: a later group takes the number of the "
        "earlier group it shares most members with (a Jaccard index of at least "
        f"{MATCH_THRESHOLD:.1f}, best pair first); a group without such a predecessor is new.",
        data={"threshold": MATCH_THRESHOLD},
    )


# --- communities and figures ------------------------------------------------------------------


def _communities(then: State, now: State, matched: Matched) -> list[CommunityChange]:
    changes = []
    for community in matched.communities:
        a, b = community.members_before, community.members_after
        if not a:
            status = "new"
        elif not b:
            status = "gone"
        else:
            status = "same" if a == b else "changed"
        reasons = []
        for state, members in ((then, a), (now, b)):
            if members:
                nl, en, ids = named_group(state.graph, set(members), state.context)
                reasons.append(
                    Reason(
                        code="community_members",
                        nl=f"Gemeenschap {community.number} op {state.day}: {nl} "
                        f"({counted(len(members), 'lid', 'leden')}).",
                        en=f"Community {community.number} on {state.day}: {en} "
                        f"({counted(len(members), 'member', 'members')}).",
                        data={"date": state.day, "members": ids},
                    )
                )
        changes.append(
            CommunityChange(
                number=community.number,
                status=status,
                before=community.before,
                after=community.after,
                overlap=community.overlap,
                joined=len(b - a),
                left=len(a - b),
                reasons=reasons,
            )
        )
    return changes


def _snapshot(state: State, scope: Scope) -> Snapshot:
    ownership = answer_ownership(state.context, scope, limit=0).summary
    five_o = answer_five_o(state.context, scope, limit=0).summary
    initiatives = state.initiatives()
    return Snapshot(
        date=state.day,
        residents=len(state.signals),
        isolated=len(state.isolated()),
        bridges=len(state.cuts),
        communities=len(set(state.membership.values())),
        initiatives=len(initiatives),
        active_initiatives=sum(1 for node in initiatives if state.status(node) == "active"),
        lead={
            key: int(ownership[key]) for key in ("residents", "shared", "professionals", "unknown")
        },
        resident_led_share=ownership["resident_led_share"],
        five_o_complete=int(five_o["complete"]),
        five_o_present={
            o: int(five_o["initiatives"]) - int(five_o["missing_by_o"][o]) for o in FIVE_O
        },
    )
