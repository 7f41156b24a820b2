"""Unused strengths (DOMAIN.md, question 3): skills residents want to share that no initiative
of theirs uses, matched to initiatives that need them — same buurt first, then the same wijk,
then further — with a warm introduction where someone they know takes part. And reciprocity:
residents who receive support and have a strength to give (used already or not).

Score: 1.0 for a match in the same buurt, 0.7 in the same wijk, 0.4 further away; +0.2 for a
warm path (capped at 1). A resident with support and a strength but no match scores 0.3.
"""

from __future__ import annotations

import networkx as nx

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


def _warm_friend(fabric: nx.Graph, node: str, initiative: str) -> str | None:
    friends = sorted(
        f
        for f in fabric.adj[node]
        if fabric.edges[node, f].get("type") == "KNOWS" and fabric.has_edge(f, initiative)
    )
    return friends[0] if friends else None


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
    items = []
    unused_total = 0
    for node, data in graph.nodes(data=True):
        if data.get("label") != "Resident":
            continue
        shareable = sorted(s for s, willing in context.skills.get(node, {}).items() if willing)
        if not shareable:
            continue
        own = [
            i for i in fabric.adj[node] if fabric.edges[node, i].get("type") == "PARTICIPATES_IN"
        ]
        used = set().union(*(context.skills_needed.get(i, set()) for i in own)) if own else set()
        unused = [s for s in shareable if s not in used]
        unused_total += len(unused)
        supported = any(
            fabric.edges[node, o].get("type") == "SUPPORTED_BY" for o in fabric.adj[node]
        )
        candidates = []
        home = data.get("neighbourhood") or ""
        home_areas = [home, context.areas.get(home, {}).get("parent", "")]
        for skill in unused:
            nearby = sorted({i for a in home_areas if a for i in near.get((skill, a), [])})
            for initiative in nearby or needing.get(skill, [])[:3]:
                if initiative in own:
                    continue
                distance = _distance(
                    context,
                    data.get("neighbourhood"),
                    fabric.nodes[initiative].get("neighbourhood"),
                )
                friend = _warm_friend(fabric, node, initiative)
                score = min(1.0, DISTANCE_SCORE[distance] + (0.2 if friend else 0.0))
                candidates.append((score, skill, initiative, distance, friend))
        # the best score; ties broken by initiative and skill id, so answers are deterministic
        candidates.sort(key=lambda c: (-c[0], c[2], c[1]))
        best = candidates[0] if candidates else None
        if best is None and not supported:
            continue
        name = context.name(node)
        reasons = []
        path: list[str] = []
        figures: dict[str, object] = {"unused_skills": unused, "receives_support": supported}
        score = 0.3
        if best is not None:
            score, skill, initiative, distance, friend = best
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
                    {
                        "initiative": c[2],
                        "skill": c[1],
                        "distance": c[3],
                        "score": c[0],
                        "via": c[4],
                    }
                    for c in candidates[:3]
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
        items.append(
            Item(
                id=node,
                kind="Resident",
                name=name,
                score=round(score, 6),
                figures=figures,
                reasons=reasons,
                path=path,
            )
        )
    items.sort(key=lambda item: (-item.score, item.id))
    summary = {
        "residents_with_unused_strengths": sum(1 for i in items if i.figures["unused_skills"]),
        "unused_strengths": unused_total,
        "matched": sum(1 for i in items if "initiative" in i.figures),
        "reciprocity": sum(1 for i in items if any(r.code == "reciprocity" for r in i.reasons)),
    }
    return Answer(
        question="unused-strengths",
        scope=scope,
        version=context.version,
        items=items[:limit],
        summary=summary,
    )
