"""Recommendations for integrations: the network questions turned into suggestions.

- resident → initiative: active initiatives on their interests or needs, or needing a strength
  they want to share; nearby and with someone they know inside first;
- resident → resident: an introduction to someone in the same buurt they do not know yet, with
  friends or interests in common;
- initiative → resident: residents with a strength it needs or an interest in its themes;
- initiative → organisation: organisations of a missing O, nearby first;
- neighbourhood → new initiative: the collective opportunities there, with candidate owners.

Only residents who agreed to be contacted (``consent_contact``) are proposed: as a resident
to invite or to meet, as a candidate owner, or as the one who can introduce (the middle of an
evidence path). The resident recommendations are asked for is the subject, not a proposal.
An introduction that was declined (:mod:`graph.introductions`) is never proposed again, nor is
one that happened: it is the tie it describes now.

Each item has a score in [0, 1], machine-readable reasons (``code`` and ``data``, with Dutch
and English text) and the evidence path of ids. A reason built on a health-related need has
``data["special_category"] = True``, so a caller that may not see such data can drop it.
Deterministic for the same graph: ties are broken by id.
"""

from __future__ import annotations

from graph.analysis.collective import (
    FIVE_O,
    answer_opportunities,
    nearby_organisations,
    o_names,
    organisation_themes,
)
from graph.analysis.context import NetworkContext
from graph.analysis.results import Answer, Item, Reason, Scope, counted
from graph.errors import NotFoundError

ACTIVE = {"active", None}


def _edge_type(context: NetworkContext, a: str, b: str) -> str | None:
    data = context.fabric.get_edge_data(a, b)
    return None if data is None else str(data.get("type"))


def _known(context: NetworkContext, node: str) -> set[str]:
    return {m for m in context.fabric.adj[node] if _edge_type(context, node, m) == "KNOWS"}


def _require(context: NetworkContext, node: str, label: str) -> None:
    if node not in context.fabric or context.fabric.nodes[node].get("label") != label:
        raise NotFoundError(
            f"Geen {label} met id {node!r}.", f"No {label} with id {node!r}.", missing=(node,)
        )


def _finish(
    items: list[Item], question: str, scope: Scope, context: NetworkContext, limit: int
) -> Answer:
    items.sort(key=lambda item: (-item.score, item.id))
    return Answer(
        question=question,
        scope=scope,
        version=context.version,
        items=items[:limit],
        summary={"candidates": len(items)},
    )


def _place_and_warmth(
    context: NetworkContext, home: str | None, there: str | None, inside: list[str]
) -> tuple[float, list[Reason]]:
    """+0.2 for the same buurt, +0.2 for someone known who takes part (the warm path)."""
    bonus, reasons = 0.0, []
    if home and there == home:
        bonus += 0.2
        reasons.append(
            Reason(
                code="same_neighbourhood",
                nl="In dezelfde buurt.",
                en="In the same neighbourhood.",
                data={"neighbourhood": home},
            )
        )
    if inside:
        bonus += 0.2
        name = context.name(inside[0])
        reasons.append(
            Reason(
                code="knows_participant",
                nl=f"{name} doet al mee en kan introduceren.",
                en=f"{name} already takes part and can introduce them.",
                data={"via": inside[0]},
            )
        )
    return bonus, reasons


def for_resident(context: NetworkContext, resident: str, *, limit: int = 20) -> Answer:
    """Initiatives to join and people to meet, for one resident."""
    _require(context, resident, "Resident")
    fabric = context.fabric
    home = fabric.nodes[resident].get("neighbourhood")
    needs = context.needs.get(resident, {})
    interests = context.interests.get(resident, set())
    strengths = {s for s, willing in context.skills.get(resident, {}).items() if willing}
    friends = _known(context, resident)
    items: list[Item] = []
    for initiative, themes in sorted(context.addresses.items()):
        if initiative not in fabric or fabric.has_edge(resident, initiative):
            continue
        if fabric.nodes[initiative].get("status", "active") not in ACTIVE:
            continue
        if context.declined(resident, initiative):
            continue
        reasons, score = [], 0.0
        for theme in sorted(themes & (set(needs) | interests)):
            special = bool(needs.get(theme))
            reasons.append(
                Reason(
                    code="shared_theme",
                    nl=f"Sluit aan bij {context.theme_name(theme).lower()}.",
                    en=f"Matches {context.theme_name(theme, 'en').lower()}.",
                    data={"theme": theme, "special_category": special},
                )
            )
            score += 0.3
        for skill in sorted(context.skills_needed.get(initiative, set()) & strengths):
            reasons.append(
                Reason(
                    code="skill_needed",
                    nl=f"Zoekt iemand voor: {context.skill_name(skill).lower()}.",
                    en=f"Looks for someone for: {context.skill_name(skill, 'en').lower()}.",
                    data={"skill": skill},
                )
            )
            score += 0.4
        if not reasons:
            continue
        inside = sorted(
            f for f in friends if fabric.has_edge(f, initiative) and context.may_contact(f)
        )
        there = fabric.nodes[initiative].get("neighbourhood")
        bonus, extra = _place_and_warmth(context, home, there, inside)
        score = min(score, 0.6) + bonus
        reasons += extra
        path = [resident, inside[0], initiative] if inside else [resident, initiative]
        items.append(
            Item(
                id=initiative,
                kind="Initiative",
                name=context.name(initiative),
                score=round(min(score, 1.0), 6),
                reasons=reasons,
                path=path,
            )
        )
    items += _introductions(context, resident, friends, home, interests)
    return _finish(items, "recommendations", Scope(), context, limit)


def _introductions(
    context: NetworkContext, resident: str, friends: set[str], home: str | None, interests: set[str]
) -> list[Item]:
    fabric = context.fabric
    items = []
    for other, data in fabric.nodes(data=True):
        if other == resident or data.get("label") != "Resident" or other in friends:
            continue
        if not home or data.get("neighbourhood") != home or not data.get("consent_contact"):
            continue
        if context.declined(resident, other):
            continue
        common = sorted(friends & _known(context, other))
        shared = sorted(interests & context.interests.get(other, set()))
        if not common and not shared:
            continue
        score = min(0.15 * len(common), 0.45) + min(0.2 * len(shared), 0.4) + 0.15
        reasons = []
        # who can introduce them: a common acquaintance who agreed to be contacted
        introducer = next((c for c in common if context.may_contact(c)), None)
        if introducer:
            reasons.append(
                Reason(
                    code="common_friends",
                    nl=f"Kennen allebei {context.name(introducer)}.",
                    en=f"Both know {context.name(introducer)}.",
                    data={"count": len(common), "via": introducer},
                )
            )
        elif common:
            reasons.append(
                Reason(
                    code="common_friends",
                    nl=f"Hebben {counted(len(common), 'gemeenschappelijke kennis', 'gemeenschappelijke kennissen')}.",
                    en=f"Have {counted(len(common), 'acquaintance', 'acquaintances')} in common.",
                    data={"count": len(common)},
                )
            )
        if shared:
            names_nl = ", ".join(context.theme_name(t).lower() for t in shared)
            names_en = ", ".join(context.theme_name(t, "en").lower() for t in shared)
            reasons.append(
                Reason(
                    code="shared_interest",
                    nl=f"Delen interesse in {names_nl}.",
                    en=f"Share an interest in {names_en}.",
                    data={"themes": shared},
                )
            )
        path = [resident, introducer, other] if introducer else [resident, other]
        items.append(
            Item(
                id=other,
                kind="Resident",
                name=context.name(other),
                score=round(min(score, 1.0), 6),
                figures=context.person(other),
                reasons=reasons,
                path=path,
            )
        )
    return items


def for_initiative(context: NetworkContext, initiative: str, *, limit: int = 20) -> Answer:
    """Residents to invite and organisations to ask, for one initiative."""
    _require(context, initiative, "Initiative")
    fabric = context.fabric
    data = fabric.nodes[initiative]
    home = data.get("neighbourhood")
    themes = context.addresses.get(initiative, set())
    wanted = context.skills_needed.get(initiative, set())
    participants = {
        m for m in fabric.adj[initiative] if _edge_type(context, initiative, m) == "PARTICIPATES_IN"
    }
    items: list[Item] = []
    for resident, rdata in fabric.nodes(data=True):
        if rdata.get("label") != "Resident" or resident in participants:
            continue
        if not context.may_contact(resident) or context.declined(resident, initiative):
            continue
        reasons, score = [], 0.0
        strengths = {s for s, willing in context.skills.get(resident, {}).items() if willing}
        for skill in sorted(wanted & strengths):
            reasons.append(
                Reason(
                    code="has_needed_skill",
                    nl=f"Biedt aan: {context.skill_name(skill).lower()}.",
                    en=f"Offers: {context.skill_name(skill, 'en').lower()}.",
                    data={"skill": skill},
                )
            )
            score += 0.4
        for theme in sorted(themes & context.interests.get(resident, set())):
            reasons.append(
                Reason(
                    code="interested",
                    nl=f"Interesse in {context.theme_name(theme).lower()}.",
                    en=f"Interested in {context.theme_name(theme, 'en').lower()}.",
                    data={"theme": theme},
                )
            )
            score += 0.2
        if not reasons:
            continue
        inside = sorted(
            m for m in _known(context, resident) & participants if context.may_contact(m)
        )
        bonus, extra = _place_and_warmth(context, home, rdata.get("neighbourhood"), inside)
        score = min(score, 0.6) + bonus
        reasons += extra
        path = [initiative, inside[0], resident] if inside else [initiative, resident]
        items.append(
            Item(
                id=resident,
                kind="Resident",
                name=context.name(resident),
                score=round(min(score, 1.0), 6),
                figures=context.person(resident),
                reasons=reasons,
                path=path,
            )
        )
    present = {
        fabric.nodes[o].get("o_sector")
        for o in fabric.adj[initiative]
        if _edge_type(context, initiative, o) == "PARTNER_OF"
    }
    if participants:
        present.add("omgeving")
    organisations = [n for n, d in fabric.nodes(data=True) if d.get("label") == "Organisation"]
    working_on = organisation_themes(context)
    for sector in (o for o in FIVE_O if o not in present):
        for rank, organisation in enumerate(
            nearby_organisations(
                context,
                organisations,
                sector,
                home,
                exclude=set(fabric.adj[initiative]) | context.declined_with(initiative),
                themes=themes,
                working_on=working_on,
            )
        ):
            items.append(
                Item(
                    id=organisation,
                    kind="Organisation",
                    name=context.name(organisation),
                    score=round(0.7 - 0.1 * rank, 6),
                    reasons=[
                        Reason(
                            code="missing_o",
                            nl=f"Brengt de ontbrekende O mee: {o_names([sector], 'nl')}.",
                            en=f"Brings the missing O: {o_names([sector], 'en')}.",
                            data={"o_sector": sector},
                        )
                    ],
                    path=[initiative, organisation],
                )
            )
    return _finish(items, "recommendations", Scope(), context, limit)


def for_neighbourhood(
    context: NetworkContext, code: str, *, limit: int = 20, min_residents: int = 10
) -> Answer:
    """New initiatives a neighbourhood could start: its collective opportunities."""
    if code not in context.areas:
        raise NotFoundError(
            f"Geen buurt met code {code!r}.",
            f"No neighbourhood with code {code!r}.",
            missing=(code,),
        )
    scope = Scope(neighbourhoods=(code,))
    opportunities = answer_opportunities(context, scope, limit=limit, min_residents=min_residents)
    top = max((item.score for item in opportunities.items), default=1.0)
    items = [
        item.model_copy(
            update={
                "score": round(item.score / top, 6),
                "path": [code, *(c["id"] for c in item.figures["candidates"][:1])],
            }
        )
        for item in opportunities.items
    ]
    return _finish(items, "recommendations", scope, context, limit)
