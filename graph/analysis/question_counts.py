"""Who is counted where in the publishable tables of the collective questions (DOMAIN.md, 3–6):
opportunities, five-O coverage, ownership and unused strengths.

Each ``count_*`` function returns :class:`~graph.analysis.counting.Counts` as the tables of
:mod:`graph.analysis.counting` do, and counts with the rule of the question it publishes
(:mod:`graph.analysis.collective`, :mod:`graph.analysis.strengths`), so that a table and the
question's answer never disagree about who or what is counted. Initiatives are counted where
they are recorded, residents where they live; whoever has no neighbourhood is not counted.

>>> import networkx as nx
>>> fabric = nx.Graph()
>>> fabric.add_node("r-1", label="Resident", neighbourhood="BU1")
>>> fabric.add_node("i-1", label="Initiative", neighbourhood="BU1", status="active")
>>> fabric.add_node("o-1", label="Organisation", o_sector="overheid")
>>> fabric.add_edge("o-1", "i-1", type="PARTNER_OF")
>>> context = NetworkContext(1, fabric, needs={"r-1": {"schulden": False, "groen": False}},
...                          addresses={"i-1": {"groen"}})
>>> {key: people for key, people in count_opportunities(context).members.items() if people}
{('BU1', 'schulden'): {'r-1'}}
>>> sorted(column for (_, column), ids in count_five_o_missing(context).members.items() if ids)
['omgeving', 'ondernemers', 'onderwijs', 'onderzoek']
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.analysis.collective import ACTIVE, FIVE_O, areas_up, lead_of, located_in
from graph.analysis.context import NetworkContext
from graph.analysis.counting import (
    Counts,
    active_initiatives,
    count_needs,
    located,
    theme_columns,
)
from graph.analysis.strengths import Match, Matcher

#: Who leads an initiative (:func:`~graph.analysis.collective.lead_of`), in a table's order.
LEADS = ("residents", "shared", "professionals", "unknown")


# --- opportunities ------------------------------------------------------------------------------


def covered(context: NetworkContext) -> set[tuple[str, str]]:
    """(area, theme) where an active initiative recorded in the area addresses the theme: as
    the opportunities question reads it (:func:`~graph.analysis.collective.answer_opportunities`),
    a need is taken up where this holds for its home or an area the home lies within."""
    fabric = context.fabric
    found: set[tuple[str, str]] = set()
    for initiative, addressed in context.addresses.items():
        if initiative in fabric and fabric.nodes[initiative].get("status", "active") in ACTIVE:
            where = located_in(context, initiative)
            if where:
                found.update((where, theme) for theme in addressed)
    return found


def count_opportunities(context: NetworkContext) -> Counts:
    """Residents with a support need that no active initiative takes up where they live, by
    their home and the need's theme: the cells of the needs table
    (:func:`~graph.analysis.counting.count_needs`) the opportunities question finds open,
    with every resident in need, not only the cells of ``min_residents`` or more."""
    needs = count_needs(context)
    taken_up = covered(context)
    counts = Counts(rows=needs.rows, columns=needs.columns)
    for (home, theme), people in needs.members.items():
        if home is None or theme is None or not people:
            continue
        if not any((area, theme) in taken_up for area in areas_up(context, home)):
            counts.members[(home, theme)] = set(people)
    return counts


# --- five-O ------------------------------------------------------------------------------------


def _taking_part(context: NetworkContext) -> Iterator[tuple[str, str, set[str]]]:
    """(initiative, neighbourhood, the O's taking part) of each active initiative, as the
    five-O question reads them (:func:`~graph.analysis.collective.answer_five_o`): partners by
    their ``o_sector``, Omgeving where anyone takes part."""
    fabric = context.fabric
    nodes = fabric.nodes
    for initiative, home in active_initiatives(context):
        present: set[str] = set()
        for other, tie in fabric.adj[initiative].items():
            kind = tie.get("type")
            if kind == "PARTNER_OF" and nodes[other].get("o_sector"):
                present.add(str(nodes[other]["o_sector"]))
            elif kind == "PARTICIPATES_IN":
                present.add("omgeving")
        yield initiative, home, present


def count_five_o_present(context: NetworkContext) -> Counts:
    """Active initiatives by their neighbourhood and each O that takes part."""
    counts = Counts(columns=list(FIVE_O))
    for initiative, home, present in _taking_part(context):
        counts.rows.add(home)
        for sector in FIVE_O:
            if sector in present:
                counts.add(home, sector, initiative)
    return counts


def count_five_o_missing(context: NetworkContext) -> Counts:
    """Active initiatives by their neighbourhood and each O that is missing; a row total is
    the initiatives that miss at least one."""
    counts = Counts(columns=list(FIVE_O))
    for initiative, home, present in _taking_part(context):
        counts.rows.add(home)
        for sector in FIVE_O:
            if sector not in present:
                counts.add(home, sector, initiative)
    return counts


def _five_o_by_theme(context: NetworkContext, *, taking_part: bool) -> Counts:
    """Active initiatives by each theme they address and each O that takes part (or is
    missing): rows are themes, for a table over the neighbourhoods asked
    (:attr:`~graph.analysis.table_specs.TableSpec.over_selection`), which keeps the
    initiatives recorded there."""
    counts = Counts(columns=list(FIVE_O))
    for initiative, _, present in _taking_part(context):
        for theme in context.addresses.get(initiative, ()):
            for sector in FIVE_O:
                if (sector in present) == taking_part:
                    counts.add(theme, sector, initiative)
    counts.rows = set(theme_columns(context, (theme for theme, _ in counts.members if theme)))
    return counts


def count_five_o_present_by_theme(context: NetworkContext) -> Counts:
    """Active initiatives by each theme they address and each O that takes part.

    >>> import networkx as nx
    >>> fabric = nx.Graph()
    >>> fabric.add_node("i-1", label="Initiative", neighbourhood="BU1", status="active")
    >>> fabric.add_node("o-1", label="Organisation", o_sector="overheid")
    >>> fabric.add_edge("o-1", "i-1", type="PARTNER_OF")
    >>> context = NetworkContext(1, fabric, addresses={"i-1": {"groen", "armoede"}})
    >>> sorted(key for key, ids in count_five_o_present_by_theme(context).members.items())
    [('armoede', 'overheid'), ('groen', 'overheid')]
    """
    return _five_o_by_theme(context, taking_part=True)


def count_five_o_missing_by_theme(context: NetworkContext) -> Counts:
    """Active initiatives by each theme they address and each O that is missing; a row total
    is the initiatives of the theme that miss at least one."""
    return _five_o_by_theme(context, taking_part=False)


# --- ownership ---------------------------------------------------------------------------------


def count_ownership(context: NetworkContext) -> Counts:
    """Active initiatives by their neighbourhood and who leads them
    (:func:`~graph.analysis.collective.lead_of`): every initiative in one column."""
    counts = Counts(columns=list(LEADS))
    for initiative, home in active_initiatives(context):
        counts.rows.add(home)
        lead = lead_of(context, initiative)
        if lead not in counts.columns:  # a lead outside the vocabulary keeps its own column
            counts.columns.append(lead)
        counts.add(home, lead, initiative)
    return counts


def count_resident_led(context: NetworkContext) -> Counts:
    """Active initiatives led by residents, by their neighbourhood and the themes they
    address: beside the active initiatives per theme, the resident-led share."""
    counts = Counts()
    for initiative, home in active_initiatives(context):
        counts.rows.add(home)
        if lead_of(context, initiative) == "residents":
            for theme in context.addresses.get(initiative, ()):
                counts.add(home, theme, initiative)
    counts.columns = theme_columns(context, (theme for _, theme in counts.members if theme))
    return counts


# --- unused strengths -------------------------------------------------------------------------


def _unused(context: NetworkContext, matcher: Matcher) -> Iterator[tuple[str, str, Match]]:
    """(resident, home, their match) of every resident with a strength to share who has a
    neighbourhood, matched as the unused-strengths question matches them (:class:`Matcher`)."""
    nodes = context.fabric.nodes
    for resident, offered in context.skills.items():
        data = nodes.get(resident, {})
        home = data.get("neighbourhood")
        if data.get("label") != "Resident" or not home:
            continue
        shareable = sorted(skill for skill, willing in offered.items() if willing)
        if shareable:
            yield resident, str(home), matcher.match(resident, shareable)


def _matcher(context: NetworkContext) -> Matcher:
    return Matcher(context, dict(context.fabric.adjacency()))


def count_unused_strengths(context: NetworkContext) -> Counts:
    """Residents with a strength they want to share that no initiative of theirs uses, by
    their home and the strength."""
    counts = Counts(rows={home for _, home in located(context, "Resident")})
    for resident, home, match in _unused(context, _matcher(context)):
        for skill in match.unused:
            counts.add(home, skill, resident)
    used = {skill for _, skill in counts.members if skill}
    counts.columns = sorted(set(context.skill_names) | used)
    return counts


def count_unused_nearby(context: NetworkContext) -> Counts:
    """Of the residents :func:`count_unused_strengths` counts under a strength, those an
    initiative in their own buurt or wijk looks for (:meth:`Matcher.nearby`, the first two
    steps of the question's matching), by their home and the strength: a part of each cell
    of that table, over the same rows and columns."""
    matcher = _matcher(context)
    counts = Counts(rows={home for _, home in located(context, "Resident")})
    skills: set[str] = set()
    for resident, home, match in _unused(context, matcher):
        skills.update(match.unused)  # the columns of the unused-strengths table
        for skill in matcher.nearby(resident, match.unused):
            counts.add(home, skill, resident)
    counts.columns = sorted(set(context.skill_names) | skills)
    return counts
