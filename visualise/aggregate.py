"""Networks too large to draw: neighbourhoods or communities as nodes.

Above :data:`MAX_DRAWN_NODES` a browser spends minutes laying out and drawing every person,
so the map draws groups instead: one node per neighbourhood or community, sized by its
members, with one line per pair of groups weighted by the ties between them.

Grouping by neighbourhood uses each node's ``neighbourhood``; a node without one (a
professional, a city-wide organisation) joins the neighbourhood most of its ties lead to.
Where there are more than :data:`MAX_GROUPS` areas, they roll up to their parents (buurt to
wijk). Grouping by community uses Leiden (seeded); the smallest communities (often single
people without ties) share one group of "other small groups". ``"auto"`` groups by
neighbourhood unless one neighbourhood would hold most of the map (a map of one buurt), and
then by community.

>>> import networkx as nx
>>> graph = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
>>> nx.set_node_attributes(graph, {"a": "BU1", "b": "BU1", "c": "BU2", "d": "BU2"}, "neighbourhood")
>>> grouping = group_nodes(graph, {}, by="neighbourhood", seed=1)
>>> grouping.by, grouping.membership
('neighbourhood', {'a': 'BU1', 'b': 'BU1', 'c': 'BU2', 'd': 'BU2'})
>>> dict(between_groups(graph, grouping.membership))
{('BU1', 'BU2'): 1}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

import networkx as nx

from graph.analysis.brokerage import communities
from visualise.choices import GroupChoice

#: Above this many nodes a map draws groups instead of people.
MAX_DRAWN_NODES = 2000
#: At most this many groups are drawn; past it areas roll up and small communities merge.
MAX_GROUPS = 300
#: Key of the group that collects the smallest communities or nodes without any area.
OTHER = "~other"

GroupBy: TypeAlias = Literal["neighbourhood", "community"]


@dataclass(frozen=True)
class Grouping:
    by: GroupBy
    #: node -> group key (an area code, ``c1``, ``c2``, … by size, or :data:`OTHER`)
    membership: dict[str, str]


def group_nodes(
    graph: nx.Graph,
    areas: Mapping[str, Mapping[str, str]],
    *,
    by: GroupChoice = "auto",
    seed: int,
) -> Grouping:
    """Which group each node of ``graph`` is drawn in; ``areas`` gives each area's parent."""
    if by in ("auto", "neighbourhood"):
        membership = _by_neighbourhood(graph, areas)
        sizes = Counter(membership.values())
        largest = max(sizes.values(), default=0)
        if by == "neighbourhood" or (len(sizes) > 1 and largest <= graph.number_of_nodes() / 2):
            return Grouping("neighbourhood", membership)
    return Grouping("community", _by_community(graph, seed=seed))


def _by_neighbourhood(graph: nx.Graph, areas: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    located = {
        node: str(code) for node, code in graph.nodes(data="neighbourhood") if code is not None
    }
    membership: dict[str, str] = {}
    for node in graph:
        if node in located:
            membership[node] = located[node]
            continue
        around = Counter(located[other] for other in graph.adj[node] if other in located)
        # most ties first, then the smallest code: the same answer every time
        membership[node] = min(around, key=lambda code: (-around[code], code)) if around else OTHER
    while len(set(membership.values())) > MAX_GROUPS:
        parent = {
            code: areas.get(code, {}).get("parent") or code for code in set(membership.values())
        }
        rolled = {node: parent[code] for node, code in membership.items()}
        if rolled == membership:
            break
        membership = rolled
    return membership


def _by_community(graph: nx.Graph, *, seed: int) -> dict[str, str]:
    found = communities(graph, seed=seed)
    sizes = Counter(found.values())
    ranked = sorted(sizes, key=lambda c: (-sizes[c], c))
    kept = {c: f"c{rank}" for rank, c in enumerate(ranked[: MAX_GROUPS - 1], 1) if sizes[c] > 1}
    return {node: kept.get(community, OTHER) for node, community in found.items()}


def between_groups(graph: nx.Graph, membership: Mapping[str, str]) -> Counter[tuple[str, str]]:
    """Ties between each pair of different groups (pair sorted)."""
    counts: Counter[tuple[str, str]] = Counter()
    for a, b in graph.edges():
        ga, gb = membership[a], membership[b]
        if ga != gb:
            counts[(ga, gb) if ga < gb else (gb, ga)] += 1
    return counts


def inner_ties(graph: nx.Graph, membership: Mapping[str, str]) -> Counter[str]:
    """Ties within each group."""
    counts: Counter[str] = Counter()
    for a, b in graph.edges():
        if membership[a] == membership[b]:
            counts[membership[a]] += 1
    return counts
