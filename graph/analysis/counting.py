"""Who is counted where in the publishable tables, before any disclosure control.

Each ``count_*`` function goes over a network context once and returns :class:`Counts`: the
neighbourhoods of the population (the rows), the column values, and the **distinct** members
of every cell. Rows are the areas where the counted people and initiatives are recorded, at
whatever level; whoever has no neighbourhood is not counted. :mod:`graph.analysis.aggregates`
turns these into tables and :mod:`graph.analysis.disclosure` decides what may be published.

>>> import networkx as nx
>>> fabric = nx.Graph()
>>> fabric.add_nodes_from([
...     ("r1", {"label": "Resident", "neighbourhood": "BU1"}),
...     ("r2", {"label": "Resident", "neighbourhood": "BU2"}),
...     ("r3", {"label": "Resident"}),
... ])
>>> counts = count_needs(NetworkContext(1, fabric, needs={"r1": {"armoede": False}}))
>>> sorted(counts.rows), counts.columns, dict(counts.members)
(['BU1', 'BU2'], ['armoede'], {('BU1', 'armoede'): {'r1'}})
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from graph.analysis.collective import ACTIVE
from graph.analysis.context import NetworkContext
from graph.analysis.isolated import WEIGHTS, isolation_signals
from graph.analysis.results import Scope
from graph.model import OSector

#: An entry of a table: (neighbourhood, column value); None stands for "all" (a total). A
#: one-dimensional table has only the column None: its cells are (neighbourhood, None).
Key = tuple[str | None, str | None]


@dataclass
class Counts:
    """Who is counted where, before any disclosure control."""

    rows: set[str] = field(default_factory=set)  # every neighbourhood of the population
    columns: list[str] = field(default_factory=list)  # empty for one-dimensional tables
    members: dict[Key, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, row: str, column: str | None, member: str) -> None:
        self.members[(row, column)].add(member)


def located(context: NetworkContext, label: str) -> Iterator[tuple[str, str]]:
    """(id, neighbourhood) of the nodes of a label that have a neighbourhood.

    One pass over the node data as the plain dicts they are: a million residents take a
    fraction of a second, through networkx's views of each node several times that."""
    for node, data in context.fabric.nodes(data=True):
        if data.get("label") == label and (home := data.get("neighbourhood")):
            yield node, str(home)


def active_initiatives(context: NetworkContext) -> Iterator[tuple[str, str]]:
    """(id, neighbourhood) of the active initiatives that have a neighbourhood."""
    nodes = context.fabric.nodes
    for node, home in located(context, "Initiative"):
        if nodes[node].get("status") in ACTIVE:
            yield node, home


def theme_columns(context: NetworkContext, used: Iterable[str]) -> list[str]:
    """The columns of a table by theme: every known theme and any other one ``used``."""
    return sorted(set(context.theme_names) | set(used))


def count_residents(context: NetworkContext) -> Counts:
    by_home: defaultdict[str, list[str]] = defaultdict(list)
    for resident, home in located(context, "Resident"):
        by_home[home].append(resident)
    counts = Counts(rows=set(by_home))
    counts.members.update(((home, None), set(people)) for home, people in by_home.items())
    return counts


def count_needs(context: NetworkContext) -> Counts:
    """Residents with a support need, by their home and the need's theme."""
    counts = Counts(rows={home for _, home in located(context, "Resident")})
    nodes = context.fabric.nodes
    for resident, themes in context.needs.items():
        # the residents with a need, not every resident: most have none
        data = nodes[resident] if themes and resident in nodes else {}
        home = data.get("neighbourhood")
        if data.get("label") == "Resident" and home:
            row = str(home)
            for theme in themes:
                counts.add(row, theme, resident)
    counts.columns = theme_columns(context, (theme for _, theme in counts.members if theme))
    return counts


def count_participants(context: NetworkContext) -> Counts:
    """Who takes part in active initiatives, by the initiative's neighbourhood and O-sector.

    As in the five-O question: residents taking part count as Omgeving, partner organisations
    by their ``o_sector``; professionals who coach are not participants.
    """
    fabric = context.fabric
    nodes = fabric.nodes
    counts = Counts(columns=[o.value for o in OSector])
    sectors = set(counts.columns)
    omgeving = OSector.OMGEVING.value
    for initiative, home in active_initiatives(context):
        counts.rows.add(home)
        # the ties as the plain dicts they are, not through an edge view each
        for other, tie in fabric.adj[initiative].items():
            kind = tie.get("type")
            if kind == "PARTICIPATES_IN":
                if nodes[other].get("label") == "Resident":
                    counts.add(home, omgeving, other)
            elif kind == "PARTNER_OF":
                sector = nodes[other].get("o_sector")
                if sector in sectors:
                    counts.add(home, str(sector), other)
    return counts


def count_initiatives(context: NetworkContext) -> Counts:
    """Active initiatives, by their neighbourhood and the themes they address."""
    counts = Counts()
    for initiative, home in active_initiatives(context):
        counts.rows.add(home)
        for theme in context.addresses.get(initiative, ()):
            counts.add(home, theme, initiative)
    counts.columns = theme_columns(context, (theme for _, theme in counts.members if theme))
    return counts


def count_isolated(context: NetworkContext) -> Counts:
    """Isolated residents, by their home and each signal they show (the isolated question's
    own rule, :func:`~graph.analysis.isolated.isolation_signals`)."""
    counts = Counts(rows={home for _, home in located(context, "Resident")}, columns=[*WEIGHTS])
    nodes = context.fabric.nodes
    for resident, (signals, _) in isolation_signals(context, Scope()).items():
        home = nodes[resident].get("neighbourhood")
        if home:
            for signal in signals:
                counts.add(str(home), signal, resident)
    return counts


def count_isolated_needs(context: NetworkContext) -> Counts:
    """Isolated residents (the isolated question's rule) with a support need, by their home
    and the need's theme: a part of each cell of :func:`count_needs`, over the same rows and
    columns."""
    needs = count_needs(context)
    isolated = isolation_signals(context, Scope())
    counts = Counts(rows=set(needs.rows), columns=list(needs.columns))
    for key, residents in needs.members.items():
        if key[1] is not None:
            counts.members[key] = {r for r in residents if r in isolated}
    return counts


def with_areas_around(
    count: Callable[[NetworkContext], Counts],
) -> Callable[[NetworkContext], Counts]:
    """``count`` with a row besides for every wijk and gemeente around its rows: the distinct
    members of the rows within it, column by column (and those recorded at it, if it is a row
    already). What such a row may publish is :func:`graph.analysis.whole_tables._area_rows`."""

    def counted(context: NetworkContext) -> Counts:
        counts = count(context)
        homes = sorted(counts.rows)
        columns: list[str | None] = [*counts.columns] or [None]
        for home in homes:
            code = str(context.areas.get(home, {}).get("parent") or "")
            while code:
                counts.rows.add(code)
                for column in columns:
                    if members := counts.members.get((home, column)):
                        counts.members[(code, column)] |= members
                code = str(context.areas.get(code, {}).get("parent") or "")
        return counts

    counted.__name__ = counted.__qualname__ = count.__name__
    counted.__doc__ = count.__doc__
    return counted
