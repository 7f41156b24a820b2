"""Communities that keep their identity across dates: "community 3" is one group on both.

The communities of a date are Leiden's (:func:`graph.analysis.brokerage.communities`, seeded,
as the bridges question finds them), found on each date's network on its own: their numbers
say nothing from one date to the next. The rule that gives them one numbering, by overlap of
their members (pseudonymous ids: a person or initiative keeps their id from date to date):

1. the earlier date's communities are numbered 1, 2, … largest first, equal sizes by their
   smallest member id;
2. every pair of an earlier and a later community with a member in common has its Jaccard
   index, |A ∩ B| / |A ∪ B|. The pairs are taken best first — highest index, then most
   members in common, then the earlier one's number, then the later one's smallest member
   id — and a pair whose two communities are both still unmatched, with an index of at least
   :data:`MATCH_THRESHOLD`, is a match: the later community takes the earlier one's number
   (greedy best match, decided the same way every time);
3. a later community left unmatched is new: numbered on after the highest earlier number,
   largest first, equal sizes by smallest member id. An earlier one left unmatched is gone.

A community that split keeps its number in the larger part (if that part still overlaps
enough); one that merged into another lives on in the larger overlap. The threshold, 0.3,
is the one Greene, Doyle and Cunningham found to track communities in dynamic social
networks best ("Tracking the evolution of communities in dynamic social networks", 2010).

>>> before = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1}
>>> after = {"a": 4, "b": 4, "d": 2, "e": 2, "f": 2, "g": 8}
>>> matched = match_communities(before, after)
>>> matched.after
{'a': 1, 'b': 1, 'd': 2, 'e': 2, 'f': 2, 'g': 3}
>>> [(c.number, c.before, c.after, c.overlap) for c in matched.communities]
[(1, 3, 2, 0.667), (2, 2, 3, 0.667), (3, None, 1, None)]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: The least Jaccard index of members at which a later community is an earlier one.
MATCH_THRESHOLD = 0.3


@dataclass(frozen=True)
class Community:
    """One community across the two dates: its number, its members on each (empty where it
    is not there) and their overlap (None for a new or a gone one)."""

    number: int
    members_before: frozenset[str] = field(default_factory=frozenset)
    members_after: frozenset[str] = field(default_factory=frozenset)
    overlap: float | None = None

    @property
    def before(self) -> int | None:
        return len(self.members_before) or None

    @property
    def after(self) -> int | None:
        return len(self.members_after) or None


@dataclass(frozen=True)
class Matched:
    """Both dates' members by the one numbering, and the communities it numbers."""

    before: dict[str, int]
    after: dict[str, int]
    communities: list[Community]


def _groups(membership: Mapping[str, int]) -> list[frozenset[str]]:
    """The communities of a membership, largest first, equal sizes by smallest member."""
    found: dict[int, set[str]] = {}
    for node, community in membership.items():
        found.setdefault(community, set()).add(node)
    return sorted((frozenset(m) for m in found.values()), key=lambda m: (-len(m), min(m)))


def match_communities(before: Mapping[str, int], after: Mapping[str, int]) -> Matched:
    """The communities of two dates under one numbering (the rule of this module).

    ``before`` and ``after`` are each date's membership as Leiden gives it (node -> its own
    community number)."""
    earlier, later = _groups(before), _groups(after)
    number_of = {members: number for number, members in enumerate(earlier, start=1)}
    where = {node: members for members in earlier for node in members}
    pairs: list[tuple[float, int, int, str, frozenset[str], frozenset[str]]] = []
    for b in later:
        shared: dict[frozenset[str], int] = {}
        for node in b:
            a = where.get(node)
            if a is not None:
                shared[a] = shared.get(a, 0) + 1
        for a, common in shared.items():
            jaccard = common / (len(a) + len(b) - common)
            if jaccard >= MATCH_THRESHOLD:
                pairs.append((-jaccard, -common, number_of[a], min(b), a, b))
    pairs.sort(key=lambda pair: pair[:4])
    matches: dict[int, tuple[frozenset[str], float]] = {}  # earlier number -> later, index
    matched: set[frozenset[str]] = set()
    for minus, _, number, _, _, b in pairs:
        if number not in matches and b not in matched:
            matches[number] = (b, -minus)
            matched.add(b)
    communities = []
    for a, number in number_of.items():
        b, jaccard = matches.get(number, (frozenset(), 0.0))
        overlap = round(jaccard, 3) if b else None
        communities.append(Community(number, a, b, overlap))
    for b in later:
        if b not in matched:
            communities.append(Community(len(communities) + 1, members_after=b))
    earlier_of = {node: c.number for c in communities for node in c.members_before}
    later_of = {node: c.number for c in communities for node in c.members_after}
    return Matched(
        before={node: earlier_of[node] for node in before},
        after={node: later_of[node] for node in after},
        communities=communities,
    )
