"""The collective questions (DOMAIN.md, 4–6): opportunities, five-O coverage, ownership.

- **opportunities**: themes where at least N residents of a neighbourhood have a support need
  and no active initiative there addresses it (an initiative located in the neighbourhood, or
  in the wijk or municipality it lies in, counts as there), with candidate owners: residents
  of that neighbourhood interested in the theme, with a strength that initiatives on the theme
  elsewhere look for, or who know several of the residents with the need (they could gather
  them). Only residents who agreed to be contacted (``consent_contact``) are candidates.
- **five-o**: per initiative, which of the five O's take part (partners by their ``o_sector``;
  residents taking part count as Omgeving), which are missing, and organisations nearby of a
  missing O that could fill the gap and work on the initiative's themes: what an
  organisation works on is read from the initiatives it is a partner of or its professionals
  coach (:func:`organisation_themes`); one known to work on other themes only is not
  suggested (a vegetable garden is not offered the debt counselling service).
- **ownership**: the share of initiatives led by residents versus professionals, per
  neighbourhood and per theme; the ``lead`` an initiative was given, or else: a resident owner
  means residents, coaching without one means professionals.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

from graph.analysis.context import NetworkContext
from graph.analysis.results import Answer, Item, Lang, Reason, Scope
from graph.model import OSector

ACTIVE = {"active", None}
FIVE_O = [o.value for o in OSector]
#: The five O's as a reader names them: (Dutch, English).
O_NAMES: dict[str, tuple[str, str]] = {
    "ondernemers": ("ondernemers", "businesses"),
    "onderwijs": ("onderwijs", "education"),
    "onderzoek": ("onderzoek", "research"),
    "overheid": ("overheid", "government"),
    "omgeving": ("omgeving", "community"),
}


def o_names(sectors: list[str], lang: Lang) -> str:
    """The O's as a reader names them, in a list.

    >>> o_names(["onderwijs", "overheid"], "nl"), o_names(["onderwijs", "overheid"], "en")
    ('onderwijs, overheid', 'education, government')
    """
    index = 0 if lang == "nl" else 1
    return ", ".join(O_NAMES.get(o, (o, o))[index] for o in sectors)


class OrganisationWork(NamedTuple):
    """What organisations are known to work on (:func:`organisation_themes`)."""

    #: organisation -> the themes of the initiatives it is a partner of or its professionals
    #: coach; organisations without either are absent
    themes: dict[str, set[str]]
    #: theme -> 1 / the number of initiatives on it: a theme every initiative has
    #: (ontmoeting) says less about a fit than a rare one (schulden)
    weight: dict[str, float]

    def fit(self, organisation: str, themes: set[str]) -> float | None:
        """How well ``organisation`` fits an initiative on ``themes``: the weight of the
        themes they share (0: it works on other themes only), or None if nothing is known."""
        known = self.themes.get(organisation)
        if known is None:
            return None
        return sum(self.weight.get(theme, 0.0) for theme in known & themes)


def organisation_themes(context: NetworkContext) -> OrganisationWork:
    """What each organisation is known to work on: the themes of the initiatives it is a
    partner of, and of those its professionals coach.

    >>> import networkx as nx
    >>> fabric = nx.Graph()
    >>> fabric.add_node("o-1", label="Organisation")
    >>> fabric.add_node("p-1", label="Professional")
    >>> fabric.add_node("i-1", label="Initiative")
    >>> fabric.add_edge("o-1", "p-1", type="WORKS_FOR")
    >>> fabric.add_edge("p-1", "i-1", type="COACHES")
    >>> work = organisation_themes(NetworkContext(1, fabric, addresses={"i-1": {"groen"}}))
    >>> work.themes, work.fit("o-1", {"groen", "ontmoeting"}), work.fit("o-2", {"groen"})
    ({'o-1': {'groen'}}, 1.0, None)
    """
    fabric = context.fabric
    found: dict[str, set[str]] = {}
    initiatives: Counter[str] = Counter()
    for initiative, themes in context.addresses.items():
        if initiative not in fabric or not themes:
            continue
        initiatives.update(themes)
        for other, tie in fabric.adj[initiative].items():
            kind = tie.get("type")
            if kind == "PARTNER_OF":
                found.setdefault(other, set()).update(themes)
            elif kind == "COACHES":
                for employer, work in fabric.adj[other].items():
                    if work.get("type") == "WORKS_FOR":
                        found.setdefault(employer, set()).update(themes)
    return OrganisationWork(found, {theme: 1 / n for theme, n in initiatives.items()})


def located_in(context: NetworkContext, initiative: str) -> str | None:
    """The area an initiative is recorded in (a buurt, wijk or gemeente), or None.

    >>> import networkx as nx
    >>> fabric = nx.Graph()
    >>> fabric.add_nodes_from([("i-1", {"neighbourhood": "BU1"}), ("i-2", {})])
    >>> context = NetworkContext(1, fabric)
    >>> located_in(context, "i-1"), located_in(context, "i-2")
    ('BU1', None)
    """
    where = context.fabric.nodes[initiative].get("neighbourhood")
    return str(where) if where else None


def areas_up(context: NetworkContext, code: str) -> set[str]:
    """The area and every area it lies within: an initiative recorded in any of them works
    in the area (the opportunities question's coverage; nearby organisations).

    >>> import networkx as nx
    >>> areas = {"BU1": {"parent": "WK1"}, "WK1": {"parent": "GM1"}, "GM1": {"parent": ""}}
    >>> sorted(areas_up(NetworkContext(1, nx.Graph(), areas=areas), "BU1"))
    ['BU1', 'GM1', 'WK1']
    """
    result = set()
    while code and code not in result:
        result.add(code)
        code = context.areas.get(code, {}).get("parent", "")
    return result


def answer_opportunities(
    context: NetworkContext, scope: Scope, *, limit: int = 20, min_residents: int = 10
) -> Answer:
    graph = context.scoped(scope)
    fabric = context.fabric
    residents = [n for n, d in graph.nodes(data=True) if d.get("label") == "Resident"]
    needing: dict[tuple[str, str], set[str]] = defaultdict(set)
    for resident in residents:
        home = fabric.nodes[resident].get("neighbourhood")
        if not home:
            continue
        for theme in context.needs.get(resident, {}):
            if scope.theme is None or theme == scope.theme:
                needing[(home, theme)].add(resident)
    covered: set[tuple[str, str]] = set()
    for initiative, themes in context.addresses.items():
        if initiative in fabric and fabric.nodes[initiative].get("status", "active") in ACTIVE:
            where = located_in(context, initiative)
            if where:
                covered.update((where, theme) for theme in themes)
    sought: dict[str, set[str]] = defaultdict(set)  # theme -> skills initiatives on it look for
    for initiative, themes in context.addresses.items():
        for theme in themes:
            sought[theme] |= context.skills_needed.get(initiative, set())
    open_needs = sorted(
        (
            (-len(people), f"{home}:{theme}", home, theme, people)
            for (home, theme), people in needing.items()
            if len(people) >= min_residents
            and not any((area, theme) in covered for area in areas_up(context, home))
        ),
        key=lambda o: (o[0], o[1]),
    )
    # candidate owners, looked for among the residents of each neighbourhood shown
    homes = {home for _, _, home, _, _ in open_needs[:limit]}
    living: dict[str, list[str]] = defaultdict(list)
    for node, data in fabric.nodes(data=True):
        if data.get("label") == "Resident" and data.get("neighbourhood") in homes:
            living[data["neighbourhood"]].append(node)
    items = []
    for _, _, home, theme, people in open_needs[:limit]:
        candidates = _candidate_owners(context, living[home], theme, people, sought[theme])
        place, topic = context.area_name(home), context.theme_name(theme)
        reasons = [
            Reason(
                code="uncovered_need",
                nl=f"{len(people)} bewoners in {place} hebben een hulpvraag over {topic.lower()}, en geen actief initiatief pakt dat daar op.",
                en=f"{len(people)} residents of {place} have a support question about {context.theme_name(theme, 'en').lower()}, and no active initiative there takes it up.",
                data={"residents": len(people), "neighbourhood": home, "theme": theme},
            )
        ]
        if candidates:
            names = ", ".join(context.name(c) for c, _ in candidates[:3])
            reasons.append(
                Reason(
                    code="candidate_owners",
                    nl=f"Mogelijke trekkers: {names}.",
                    en=f"Possible owners: {names}.",
                    data={"candidates": [c for c, _ in candidates]},
                )
            )
        items.append(
            Item(
                id=f"{home}:{theme}",
                kind="opportunity",
                name=f"{topic} — {place}",
                score=float(len(people)),
                figures={
                    "neighbourhood": home,
                    "theme": theme,
                    "residents_with_need": len(people),
                    "candidates": [
                        {"id": c, "why": why, **context.person(c)} for c, why in candidates
                    ],
                },
                reasons=reasons,
            )
        )
    summary = {"opportunities": len(open_needs), "min_residents": min_residents}
    return Answer(
        question="opportunities",
        scope=scope,
        version=context.version,
        items=items[:limit],
        summary=summary,
    )


def _candidate_owners(
    context: NetworkContext, residents: list[str], theme: str, people: set[str], skills: set[str]
) -> list[tuple[str, list[str]]]:
    """Of the ``residents`` of a neighbourhood who agreed to be contacted, those who could take
    the theme up, best first, with why."""
    fabric = context.fabric
    # who knows how many of the people with the need, counted from their side: they are few
    acquainted: Counter[str] = Counter()
    for person in people:
        for other, tie in fabric.adj[person].items():
            if tie.get("type") == "KNOWS":
                acquainted[other] += 1
    found = []
    for node in residents:
        if not context.may_contact(node):
            continue
        why = []
        if theme in context.interests.get(node, set()):
            why.append("interest")
        if any(willing and s in skills for s, willing in context.skills.get(node, {}).items()):
            why.append("skill")
        knows = acquainted[node]
        if knows >= 2:
            why.append("connector")
        if why and node not in people:
            found.append((-(len(why) * 10 + knows), node, why))
    found.sort()
    return [(node, why) for _, node, why in found[:10]]


def answer_five_o(context: NetworkContext, scope: Scope, *, limit: int = 20) -> Answer:
    graph = context.scoped(scope)
    fabric = context.fabric
    organisations = [n for n, d in fabric.nodes(data=True) if d.get("label") == "Organisation"]
    working_on = organisation_themes(context)
    # First which O's each initiative lacks; nearby organisations only for those shown.
    found: list[tuple[float, str, list[str], set[str]]] = []
    missing_by_theme: Counter[str] = Counter()
    missing_by_area: Counter[str] = Counter()
    for node, data in graph.nodes(data=True):
        if data.get("label") != "Initiative":
            continue
        present = set()
        for other, tie in fabric.adj[node].items():
            kind = tie.get("type")
            if kind == "PARTNER_OF" and fabric.nodes[other].get("o_sector"):
                present.add(fabric.nodes[other]["o_sector"])
            elif kind == "PARTICIPATES_IN":
                present.add("omgeving")
        missing = [o for o in FIVE_O if o not in present]
        for theme in context.addresses.get(node, ()):
            missing_by_theme[theme] += bool(missing)
        if data.get("neighbourhood"):
            missing_by_area[data["neighbourhood"]] += bool(missing)
        found.append((-round(len(missing) / len(FIVE_O), 6), node, missing, present))
    found.sort(key=lambda f: (f[0], f[1]))

    items = []
    for minus_score, node, missing, present in found[:limit]:
        home = fabric.nodes[node].get("neighbourhood")
        themes = context.addresses.get(node, set())
        nearby = {
            o: nearby_organisations(
                context,
                organisations,
                o,
                home,
                exclude=set(fabric.adj[node]) | context.declined_with(node),
                themes=themes,
                working_on=working_on,
            )
            for o in missing
        }
        name = context.name(node)
        reasons = []
        if missing:
            first = {o: n[0] for o, n in nearby.items() if n}
            suggestions = {
                lang: ", ".join(
                    _suggestion(context, org, o, themes & working_on.themes.get(org, set()), lang)
                    for o, org in first.items()
                )
                for lang in ("nl", "en")
            }
            extra_nl = f" Dichtbij: {suggestions['nl']}." if first else ""
            extra_en = f" Nearby: {suggestions['en']}." if first else ""
            reasons.append(
                Reason(
                    code="missing_o",
                    nl=f"Bij {name} ontbreekt: {o_names(missing, 'nl')}.{extra_nl}",
                    en=f"{name} lacks: {o_names(missing, 'en')}.{extra_en}",
                    data={"missing": missing, "nearby": nearby},
                )
            )
        items.append(
            Item(
                id=node,
                kind="Initiative",
                name=name,
                score=-minus_score,
                figures={"present": sorted(present), "missing": missing, "nearby": nearby},
                reasons=reasons,
            )
        )
    summary = {
        "initiatives": len(found),
        "complete": sum(1 for f in found if not f[2]),
        "missing_by_o": {o: sum(1 for f in found if o in f[2]) for o in FIVE_O},
        "incomplete_by_theme": dict(sorted(missing_by_theme.items())),
        "incomplete_by_neighbourhood": dict(sorted(missing_by_area.items())),
    }
    return Answer(
        question="five-o",
        scope=scope,
        version=context.version,
        items=items[:limit],
        summary=summary,
    )


def _suggestion(
    context: NetworkContext, organisation: str, sector: str, shared: set[str], lang: Lang
) -> str:
    """``Tuincentrum Groenrijk (ondernemers; werkt al aan groen)``."""
    works = ", ".join(context.theme_name(t, lang).lower() for t in sorted(shared))
    if not works:
        return f"{context.name(organisation)} ({o_names([sector], lang)})"
    already = "werkt al aan" if lang == "nl" else "already works on"
    return f"{context.name(organisation)} ({o_names([sector], lang)}; {already} {works})"


def nearby_organisations(
    context: NetworkContext,
    organisations: list[str],
    sector: str,
    home: str | None,
    *,
    exclude: set[str],
    themes: set[str] | None = None,
    working_on: OrganisationWork | None = None,
) -> list[str]:
    """Up to three organisations of ``sector`` for an initiative on ``themes`` in ``home``.

    With ``working_on`` (:func:`organisation_themes`): those known to work on its themes
    first, the best fitting first (:meth:`OrganisationWork.fit`), then those nothing is
    known about; those known to work on other themes only are left out. Then the same
    neighbourhood first, then the areas it lies within, then the rest; ties by id.
    """
    fabric = context.fabric
    levels = areas_up(context, home) if home else set()
    ranked = []
    for org in organisations:
        if org in exclude or fabric.nodes[org].get("o_sector") != sector:
            continue
        fit = None
        if working_on is not None and themes:
            fit = working_on.fit(org, themes)
            if fit == 0:
                continue
        where = fabric.nodes[org].get("neighbourhood")
        rank = 0 if where == home else 1 if where in levels else 2
        ranked.append((fit is None, -(fit or 0.0), rank, org))
    ranked.sort()
    return [org for *_, org in ranked[:3]]


def lead_of(context: NetworkContext, initiative: str) -> str:
    """Who leads an initiative: the ``lead`` it was given (residents, shared, professionals),
    or else residents where a resident is its owner, professionals where it is coached
    without one, and "unknown" where neither.

    >>> import networkx as nx
    >>> fabric = nx.Graph()
    >>> fabric.add_nodes_from(["i-1", "i-2", "i-3"], label="Initiative")
    >>> fabric.add_node("i-4", label="Initiative", lead="shared")
    >>> fabric.add_edge("r-1", "i-1", type="PARTICIPATES_IN", role="owner")
    >>> fabric.add_edge("p-1", "i-2", type="COACHES")
    >>> context = NetworkContext(1, fabric)
    >>> [lead_of(context, i) for i in ("i-1", "i-2", "i-3", "i-4")]
    ['residents', 'professionals', 'unknown', 'shared']
    """
    data = context.fabric.nodes[initiative]
    if data.get("lead"):
        return str(data["lead"])
    fabric = context.fabric
    owners = any(
        fabric.edges[initiative, o].get("type") == "PARTICIPATES_IN"
        and fabric.edges[initiative, o].get("role") == "owner"
        for o in fabric.adj[initiative]
    )
    coached = any(
        fabric.edges[initiative, o].get("type") == "COACHES" for o in fabric.adj[initiative]
    )
    return "residents" if owners else "professionals" if coached else "unknown"


def _led_nl(residents: int, count: int, name: str) -> str:
    """How many of the initiatives in ``name`` residents lead, in good Dutch.

    >>> _led_nl(1, 1, "Parkzoom"), _led_nl(1, 3, "Parkzoom"), _led_nl(2, 3, "Parkzoom")
    ('Het enige initiatief in Parkzoom wordt door bewoners getrokken.', '1 van de 3 initiatieven in Parkzoom wordt door bewoners getrokken.', '2 van de 3 initiatieven in Parkzoom worden door bewoners getrokken.')
    """
    if count == 1:
        led = "wordt" if residents else "wordt niet"
        return f"Het enige initiatief in {name} {led} door bewoners getrokken."
    verb = "wordt" if residents == 1 else "worden"
    return f"{residents} van de {count} initiatieven in {name} {verb} door bewoners getrokken."


def _led_en(residents: int, count: int, name: str) -> str:
    """How many of the initiatives in ``name`` residents lead, in English.

    >>> _led_en(0, 1, "Parkzoom"), _led_en(1, 3, "Parkzoom")
    ('The only initiative in Parkzoom is not led by residents.', '1 of the 3 initiatives in Parkzoom is led by residents.')
    """
    if count == 1:
        led = "is" if residents else "is not"
        return f"The only initiative in {name} {led} led by residents."
    verb = "is" if residents == 1 else "are"
    return f"{residents} of the {count} initiatives in {name} {verb} led by residents."


def answer_ownership(context: NetworkContext, scope: Scope, *, limit: int = 20) -> Answer:
    graph = context.scoped(scope)
    by_area: dict[str, Counter[str]] = defaultdict(Counter)
    by_theme: dict[str, Counter[str]] = defaultdict(Counter)
    total: Counter[str] = Counter()
    for node, data in graph.nodes(data=True):
        if data.get("label") != "Initiative":
            continue
        lead = lead_of(context, node)
        total[lead] += 1
        by_area[data.get("neighbourhood") or "-"][lead] += 1
        for theme in context.addresses.get(node, ()):
            by_theme[theme][lead] += 1
    items = []
    for kind, groups in (("neighbourhood", by_area), ("theme", by_theme)):
        for key, counts in groups.items():
            count = sum(counts.values())
            share = counts["residents"] / count
            name = context.area_name(key) if kind == "neighbourhood" else context.theme_name(key)
            items.append(
                Item(
                    id=key,
                    kind=kind,
                    name=name,
                    score=round(share, 6),
                    figures={
                        "initiatives": count,
                        **{
                            lead: counts[lead]
                            for lead in ("residents", "shared", "professionals", "unknown")
                        },
                    },
                    reasons=[
                        Reason(
                            code="resident_led_share",
                            nl=_led_nl(counts["residents"], count, name),
                            en=_led_en(counts["residents"], count, name),
                            data={"share": share},
                        )
                    ],
                )
            )
    items.sort(key=lambda item: (item.kind, item.score, item.id))
    all_count = sum(total.values())
    summary = {
        "initiatives": all_count,
        **{lead: total[lead] for lead in ("residents", "shared", "professionals", "unknown")},
        "resident_led_share": total["residents"] / all_count if all_count else None,
    }
    return Answer(
        question="ownership",
        scope=scope,
        version=context.version,
        items=items[:limit],
        summary=summary,
    )
