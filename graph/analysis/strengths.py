"""Unused strengths (DOMAIN.md, question 3): skills residents want to share that no initiative
of theirs uses, matched to initiatives that need them — same buurt first, then the same wijk,
then further — with a warm introduction where someone they know takes part. And reciprocity:
residents who receive support and have a strength to give (used already or not).

Who can introduce them is someone they know who takes part there and agreed to be contacted
(``consent_contact``); the holder of the strength is the subject, whom the coach asks.

Score: 1.0 for a match in the same buurt, 0.7 in the same wijk, 0.4 further away; +0.2 for a
warm path (capped at 1). A resident with support and a strength but no match scores 0.3.
"""

from __future__ import annotations

from graph.analysis.context import NetworkContext
from graph.analysis.results import Answer, Item, Reason, Scope

DISTANCE_SCORE = {"buurt": 1.0, "wijk": 0.7, "further": 0.4}
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


def _ties(ties: dict[str, dict[str, object]], kind: str) -> set[str]:
    """The other ends of a node's ties (its adjacency dict) of one kind."""
    return {other for other, tie in ties.items() if tie.get("type") == kind}


def _by_kind(ties: dict[str, dict[str, object]]) -> dict[object, set[str]]:
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


def _via(ties: dict[str, dict[str, object]], friends: set[str]) -> str | None:
    """Someone the resident knows who is tied to the initiative (its adjacency dict), the
    first by id."""
    return min((friend for friend in friends if friend in ties), default=None)


def answer_strengths(context: NetworkContext, scope: Scope, *, limit: int = 20) -> Answer:
    graph = context.scoped(scope)
    fabric = context.fabric
    # initiatives needing a skill, by where they are: a resident is matched with those in
    # their buurt and wijk, and only with the rest of the city when nothing is near
    needing: dict[str, list[str]] = {}
    near: dict[tuple[str, str], list[str]] = {}
    for initiative, skills in sorted(context.skills_needed.items()):
        if initiative in fabric and fabric.nodes[initiative].get("status", "active") in ACTIVE:
            where = fabric.nodes[initiative].get("neighbourhood") or ""
            areas = {where, context.areas.get(where, {}).get("parent", "")} - {""}
            for skill in skills:
                needing.setdefault(skill, []).append(initiative)
                for area in areas:
                    near.setdefault((skill, area), []).append(initiative)
    # First every resident's best matches and score; the reasons only for those shown.
    # The initiatives on offer depend only on (home, skill): worked out once per pair, by
    # distance class, sorted by id. Scores fall in fixed steps (buurt 1.0 with or without a
    # warm path — the cap; wijk 0.9 warm, 0.7 not; further 0.6 warm, 0.4 not), so a
    # resident's best three come from the first few of each step; a warm path exists where
    # the initiative is among the places their acquaintances are tied to.
    options: dict[tuple[str, str], dict[str, list[str]]] = {}
    found: list[tuple[float, str, list[str], bool, list[str], list[Candidate]]] = []
    unused_total = 0
    # each node's ties as the plain dicts they are: read through networkx's views, every tie
    # of a city's residents costs a call
    adjacency = dict(fabric.adjacency())
    nodes = graph.nodes
    # only residents with a skill can have one to share: walk those or the scope's nodes,
    # whichever are fewer (a city's skilled residents, a buurt's nodes)
    skilled = context.skills
    holders = skilled if len(skilled) <= len(nodes) else [n for n in nodes if n in skilled]
    for node in holders:
        if node not in nodes:
            continue
        offered = skilled[node]
        data = nodes[node]
        if data.get("label") != "Resident":
            continue
        shareable = sorted(s for s, willing in offered.items() if willing)
        if not shareable:
            continue
        ends = _by_kind(adjacency[node])
        own = ends.get("PARTICIPATES_IN", _NONE)
        used = set().union(*(context.skills_needed.get(i, _NONE) for i in own))
        unused = [s for s in shareable if s not in used]
        unused_total += len(unused)
        supported = "SUPPORTED_BY" in ends
        home = data.get("neighbourhood") or ""
        friends = {f for f in ends.get("KNOWS", _NONE) if context.may_contact(f)}
        reach: set[str] = set()  # where their acquaintances are tied to, once past the buurt
        candidates: list[Candidate] = []
        for distance in ("buurt", "wijk", "further"):
            if distance == "wijk":
                reach = set().union(*(adjacency[f] for f in friends))
            warm: list[tuple[str, str]] = []
            cold: list[tuple[str, str]] = []
            for skill in unused:
                if (home, skill) not in options:
                    options[(home, skill)] = _options(context, home, skill, near, needing)
                kept = 0
                for initiative in options[(home, skill)][distance]:
                    if initiative in own:
                        continue
                    if distance != "buurt" and initiative in reach:
                        warm.append((initiative, skill))
                    elif kept < 3:
                        cold.append((initiative, skill))
                        kept += 1
            base = DISTANCE_SCORE[distance]
            steps = [(min(1.0, base + 0.2), warm), (base, cold)] if warm else [(base, cold)]
            for score, pairs in steps:
                for initiative, skill in sorted(pairs)[: 3 - len(candidates)]:
                    # who can introduce them is looked up for the residents shown, below
                    candidates.append((score, skill, initiative, distance, None))
            if len(candidates) == 3:
                break
        if not candidates and not supported:
            continue
        score = candidates[0][0] if candidates else 0.3
        found.append((-score, node, unused, supported, shareable, candidates))
    found.sort(key=lambda f: (f[0], f[1]))

    items = []
    for minus_score, node, unused, supported, shareable, candidates in found[:limit]:
        friends = {f for f in _ties(adjacency[node], "KNOWS") if context.may_contact(f)}
        introduced = [(*c[:4], _via(adjacency[c[2]], friends)) for c in candidates]
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
    figures: dict[str, object] = {"unused_skills": unused, "receives_support": supported}
    if candidates:
        _, skill, initiative, distance, friend = candidates[0]
        where_nl = {"buurt": "in de eigen buurt", "wijk": "in de wijk", "further": "verderop"}[
            distance
        ]
        where_en = {
            "buurt": "in their own neighbourhood",
            "wijk": "in the district",
            "further": "further away",
        }[distance]
        via_nl = f"; {context.name(friend)} kan introduceren" if friend else ""
        via_en = f"; {context.name(friend)} can introduce them" if friend else ""
        reasons.append(
            Reason(
                code="unused_strength",
                nl=f"{name} wil {context.skill_name(skill).lower()} inzetten; {context.name(initiative)} {where_nl} zoekt dat{via_nl}.",
                en=f"{name} wants to share {context.skill_name(skill, 'en').lower()}; {context.name(initiative)} {where_en} needs it{via_en}.",
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
