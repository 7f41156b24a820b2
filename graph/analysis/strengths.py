"""Unused strengths (DOMAIN.md, question 3): skills residents want to share that no initiative
of theirs uses, matched to initiatives that need them — same buurt first, then the same wijk,
then further — with a warm introduction where someone they know takes part. And reciprocity:
residents who receive support and have a strength to give (used already or not).

Who can introduce them (:func:`introducers`) is someone they know who is tied to the initiative
and agreed to be contacted (``consent_contact``), or a professional or organisation that
supports them and is tied to it; the holder of the strength is the subject, whom the coach
asks. :func:`best_match` gives another answer the same first match for a person.

Score: 1.0 for a match in the same buurt, 0.7 in the same wijk, 0.4 further away; +0.2 for a
warm path (capped at 1). A resident with support and a strength but no match scores 0.3.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from graph.analysis.context import NetworkContext
from graph.analysis.results import Answer, Item, Reason, Scope

DISTANCE_SCORE = {"buurt": 1.0, "wijk": 0.7, "further": 0.4}
#: Where a match lies, as a reader says it: (Dutch, English).
WHERE = {
    "buurt": ("in de eigen buurt", "in their own neighbourhood"),
    "wijk": ("in de wijk", "in the district"),
    "further": ("verderop", "further away"),
}
ACTIVE = {"active", None}


def _distance(context: NetworkContext, home: str | None, there: str | None) -> str:
    if home and home == there:
        return "buurt"
    parent_home = context.areas.get(home or "", {}).get("parent")
    parent_there = context.areas.get(there or "", {}).get("parent")
    if (
        home
        and there
        and ((parent_home and parent_home in (parent_there, there)) or parent_there == home)
    ):
        return "wijk"
    return "further"


def _by_kind(ties: Mapping[str, Mapping[str, Any]]) -> dict[object, set[str]]:
    """The other ends of a node's ties (its adjacency dict), by the ties' kind: one pass."""
    ends: dict[object, set[str]] = {}
    for other, tie in ties.items():
        kind = tie.get("type")
        if kind in ends:
            ends[kind].add(other)
        else:
            ends[kind] = {other}
    return ends


_NONE: frozenset[str] = frozenset()

Candidate = tuple[float, str, str, str, str | None]  # score, skill, initiative, distance, via


def _options(
    context: NetworkContext,
    home: str,
    skill: str,
    near: dict[tuple[str, str], list[str]],
    needing: dict[str, list[str]],
) -> dict[str, list[str]]:
    """Initiatives needing ``skill`` that a resident of ``home`` is offered, by distance class
    and sorted by id: those in their buurt and wijk, or when none, three from further away."""
    areas = [home, context.areas.get(home, {}).get("parent", "")]
    nearby = sorted({i for area in areas if area for i in near.get((skill, area), [])})
    by_class: dict[str, list[str]] = {"buurt": [], "wijk": [], "further": []}
    for initiative in nearby or needing.get(skill, [])[:3]:
        there = context.fabric.nodes[initiative].get("neighbourhood")
        by_class[_distance(context, home or None, there)].append(initiative)
    return by_class


def introducers(context: NetworkContext, ends: dict[object, set[str]]) -> set[str]:
    """Who can introduce a resident, of their ties by kind (:func:`_by_kind`): acquaintances
    who agreed to be contacted, and the professionals and organisations that support them."""
    known = {f for f in ends.get("KNOWS", _NONE) if context.may_contact(f)}
    return known | ends.get("SUPPORTED_BY", _NONE)


def via(context: NetworkContext, ties: Mapping[str, object], contacts: set[str]) -> str | None:
    """Of a resident's ``contacts`` (:func:`introducers`), the one tied to a place (its ties,
    an adjacency dict) who can introduce them: an acquaintance before a professional or an
    organisation, then the first by id."""
    return min(
        (c for c in contacts if c in ties),
        key=lambda c: (context.fabric.nodes[c].get("label") != "Resident", c),
        default=None,
    )


class Matcher:
    """Initiatives that need a resident's strengths, as :func:`answer_strengths` ranks them:
    the tables of who needs what where are made once, the matches per resident.

    Scores fall in fixed steps (buurt 1.0 with or without a warm path — the cap; wijk 0.9
    warm, 0.7 not; further 0.6 warm, 0.4 not), so a resident's best three come from the
    first few of each step; a warm path exists where someone who can introduce them
    (:func:`introducers`) is tied to the initiative.
    """

    def __init__(self, context: NetworkContext, adjacency: Mapping[str, Mapping[str, Any]]):
        self.context = context
        #: each node's ties (a city's as the plain dicts they are: through networkx's views,
        #: every tie costs a call)
        self.adjacency = adjacency
        fabric = context.fabric
        # initiatives needing a skill, by where they are: a resident is matched with those in
        # their buurt and wijk, and only with the rest of the city when nothing is near
        self.needing: dict[str, list[str]] = {}
        self.near: dict[tuple[str, str], list[str]] = {}
        for initiative, skills in sorted(context.skills_needed.items()):
            if initiative in fabric and fabric.nodes[initiative].get("status", "active") in ACTIVE:
                where = fabric.nodes[initiative].get("neighbourhood") or ""
                areas = {where, context.areas.get(where, {}).get("parent", "")} - {""}
                for skill in skills:
                    self.needing.setdefault(skill, []).append(initiative)
                    for area in areas:
                        self.near.setdefault((skill, area), []).append(initiative)
        #: the initiatives on offer depend only on (home, skill): worked out once per pair
        self.options: dict[tuple[str, str], dict[str, list[str]]] = {}

    def match(self, node: str, shareable: list[str]) -> Match:
        """A resident's unused strengths of ``shareable``, whether they receive support, and
        their best three matches (who can introduce them is left to :meth:`introduced`)."""
        context, adjacency = self.context, self.adjacency
        ends = _by_kind(adjacency[node])
        own = ends.get("PARTICIPATES_IN", _NONE)
        used = set().union(*(context.skills_needed.get(i, _NONE) for i in own))
        unused = [s for s in shareable if s not in used]
        home = context.fabric.nodes[node].get("neighbourhood") or ""
        contacts: set[str] | None = None  # looked up once past the buurt
        candidates: list[Candidate] = []
        for distance in ("buurt", "wijk", "further"):
            if distance != "buurt" and contacts is None:
                contacts = introducers(context, ends)
            warm: list[tuple[str, str]] = []
            cold: list[tuple[str, str]] = []
            for skill in unused:
                kept = 0
                for initiative in self._offered(home, skill)[distance]:
                    if initiative in own or context.declined(node, initiative):
                        continue
                    ties = adjacency[initiative]
                    if contacts and any(c in ties for c in contacts):
                        warm.append((initiative, skill))
                    elif kept < 3:
                        cold.append((initiative, skill))
                        kept += 1
            base = DISTANCE_SCORE[distance]
            steps = [(min(1.0, base + 0.2), warm), (base, cold)] if warm else [(base, cold)]
            for score, pairs in steps:
                for initiative, skill in sorted(pairs)[: 3 - len(candidates)]:
                    candidates.append((score, skill, initiative, distance, None))
            if len(candidates) == 3:
                break
        return Match(unused, "SUPPORTED_BY" in ends, candidates)

    def _offered(self, home: str, skill: str) -> dict[str, list[str]]:
        if (home, skill) not in self.options:
            self.options[(home, skill)] = _options(
                self.context, home, skill, self.near, self.needing
            )
        return self.options[(home, skill)]

    def nearby(self, node: str, unused: list[str]) -> list[str]:
        """Of a resident's ``unused`` strengths, those an initiative in their own buurt or
        wijk looks for (one they do not take part in yet, nor declined an introduction to):
        the first two steps of :meth:`match`, for every strength rather than the best three
        matches."""
        own = {i for i, tie in self.adjacency[node].items() if tie.get("type") == "PARTICIPATES_IN"}
        home = self.context.fabric.nodes[node].get("neighbourhood") or ""
        return [
            skill
            for skill in unused
            if any(
                initiative not in own and not self.context.declined(node, initiative)
                for distance in ("buurt", "wijk")
                for initiative in self._offered(home, skill)[distance]
            )
        ]

    def introduced(self, node: str, candidates: list[Candidate]) -> list[Candidate]:
        """The candidates with who can introduce the resident to each (:func:`via`)."""
        contacts = introducers(self.context, _by_kind(self.adjacency[node]))
        return [(*c[:4], via(self.context, self.adjacency[c[2]], contacts)) for c in candidates]


class Match(NamedTuple):
    unused: list[str]
    supported: bool
    candidates: list[Candidate]


def best_match(context: NetworkContext, node: str) -> Candidate | None:
    """The first match :func:`answer_strengths` offers ``node`` (score, skill, initiative,
    distance, who can introduce them), or None: for another answer about the same person."""
    shareable = sorted(s for s, willing in context.skills.get(node, {}).items() if willing)
    if not shareable:
        return None
    matcher = Matcher(context, context.fabric.adj)
    candidates = matcher.match(node, shareable).candidates
    return matcher.introduced(node, candidates[:1])[0] if candidates else None


def answer_strengths(context: NetworkContext, scope: Scope, *, limit: int = 20) -> Answer:
    graph = context.scoped(scope)
    # First every resident's best matches and score; the reasons only for those shown.
    matcher = Matcher(context, dict(context.fabric.adjacency()))
    found: list[tuple[float, str, list[str], bool, list[str], list[Candidate]]] = []
    unused_total = 0
    nodes = graph.nodes
    # only residents with a skill can have one to share: walk those or the scope's nodes,
    # whichever are fewer (a city's skilled residents, a buurt's nodes)
    skilled = context.skills
    holders = skilled if len(skilled) <= len(nodes) else [n for n in nodes if n in skilled]
    for node in holders:
        if node not in nodes:
            continue
        offered = skilled[node]
        if nodes[node].get("label") != "Resident":
            continue
        shareable = sorted(s for s, willing in offered.items() if willing)
        if not shareable:
            continue
        unused, supported, candidates = matcher.match(node, shareable)
        unused_total += len(unused)
        if not candidates and not supported:
            continue
        score = candidates[0][0] if candidates else 0.3
        found.append((-score, node, unused, supported, shareable, candidates))
    found.sort(key=lambda f: (f[0], f[1]))

    items = []
    for minus_score, node, unused, supported, shareable, candidates in found[:limit]:
        introduced = matcher.introduced(node, candidates)
        items.append(_item(context, node, -minus_score, unused, supported, shareable, introduced))
    summary = {
        "residents_with_unused_strengths": sum(1 for f in found if f[2]),
        "unused_strengths": unused_total,
        "matched": sum(1 for f in found if f[5]),
        "reciprocity": sum(1 for f in found if f[3]),
    }
    return Answer(
        question="unused-strengths",
        scope=scope,
        version=context.version,
        items=items,
        summary=summary,
    )


def _item(
    context: NetworkContext,
    node: str,
    score: float,
    unused: list[str],
    supported: bool,
    shareable: list[str],
    candidates: list[tuple[float, str, str, str, str | None]],
) -> Item:
    name = context.name(node)
    reasons = []
    path: list[str] = []
    figures: dict[str, object] = {
        "unused_skills": unused,
        "receives_support": supported,
        **context.person(node),
    }
    if candidates:
        _, skill, initiative, distance, friend = candidates[0]
        where_nl, where_en = WHERE[distance]
        via_nl = f"; {context.name(friend)} kan introduceren" if friend else ""
        via_en = f"; {context.name(friend)} can introduce them" if friend else ""
        reasons.append(
            Reason(
                code="unused_strength",
                nl=f"{name} biedt aan: {context.skill_name(skill).lower()}; "
                f"{context.name(initiative)} {where_nl} zoekt dat{via_nl}.",
                en=f"{name} offers {context.skill_name(skill, 'en').lower()}; "
                f"{context.name(initiative)} {where_en} needs it{via_en}.",
                data={"skill": skill, "initiative": initiative, "distance": distance},
            )
        )
        path = [node, friend, initiative] if friend else [node, initiative]
        figures |= {
            "skill": skill,
            "initiative": initiative,
            "distance": distance,
            "matches": [
                {"initiative": c[2], "skill": c[1], "distance": c[3], "score": c[0], "via": c[4]}
                for c in candidates
            ],
        }
    if supported:
        reasons.append(
            Reason(
                code="reciprocity",
                nl=f"{name} krijgt ondersteuning en heeft ook iets te geven.",
                en=f"{name} receives support and has something to give as well.",
                data={"skills": shareable},
            )
        )
    return Item(
        id=node,
        kind="Resident",
        name=name,
        score=round(score, 6),
        figures=figures,
        reasons=reasons,
        path=path,
    )
