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

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate, chain, compress
from operator import contains, not_
from typing import Literal, TypeAlias, cast

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
    # one pass over the node data as the plain dicts they are (``nodes(data="neighbourhood")``
    # is a generator: a third of a grouped city map's time); then the few without an area
    membership: dict[str, str | None] = {
        node: None if (code := data.get("neighbourhood")) is None else str(code)
        for node, data in graph.nodes(data=True)
    }
    elsewhere = {
        node: _most_tied(graph.adj[node], membership)
        for node, code in membership.items()
        if code is None
    }
    membership.update(elsewhere)
    return _rolled_up(cast(dict[str, str], membership), areas)


def _most_tied(neighbours: Iterable[str], located: Mapping[str, str | None]) -> str:
    around = Counter(code for other in neighbours if (code := located[other]) is not None)
    # most ties first, then the smallest code: the same answer every time
    return min(around, key=lambda code: (-around[code], code)) if around else OTHER


def _rolled_up(
    membership: dict[str, str], areas: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """Areas rolled up to their parents until at most :data:`MAX_GROUPS` remain (or no area
    has a parent). Worked out on the distinct codes, then applied to the nodes once."""
    codes = set(membership.values())
    final = {code: code for code in codes}
    while len(codes) > MAX_GROUPS:
        parent = {code: areas.get(code, {}).get("parent") or code for code in codes}
        if all(parent[code] == code for code in codes):
            break
        final = {code: parent[now] for code, now in final.items()}
        codes = set(parent.values())
    if all(code == now for code, now in final.items()):
        return membership
    return {node: final[code] for node, code in membership.items()}


def _by_community(graph: nx.Graph, *, seed: int) -> dict[str, str]:
    found = communities(graph, seed=seed)
    sizes = Counter(found.values())
    ranked = sorted(sizes, key=lambda c: (-sizes[c], c))
    kept = {c: f"c{rank}" for rank, c in enumerate(ranked[: MAX_GROUPS - 1], 1) if sizes[c] > 1}
    return {node: kept.get(community, OTHER) for node, community in found.items()}


def between_groups(graph: nx.Graph, membership: Mapping[str, str]) -> Counter[tuple[str, str]]:
    """Ties between each pair of different groups (pair sorted), in the order the pairs first
    meet in ``graph.edges()``."""
    return group_ties(graph, membership).between


def inner_ties(graph: nx.Graph, membership: Mapping[str, str]) -> Counter[str]:
    """Ties within each group."""
    return group_ties(graph, membership).inner


@dataclass(frozen=True)
class GroupTies:
    #: each group's nodes in the graph's order, the groups in the order of their first node
    members: dict[str, list[str]]
    #: the neighbours of each of those nodes (the graph's own adjacency dicts, read-only)
    neighbours: dict[str, list[Mapping[str, object]]]
    #: ties within each group
    inner: Counter[str]
    #: ties between each pair of different groups (pair sorted)
    between: Counter[tuple[str, str]]


def group_ties(graph: nx.Graph, membership: Mapping[str, str]) -> GroupTies:
    """Each group's members and the ties within and between the groups.

    The same counts, with the pairs in the same order, as a walk over ``graph.edges()``, but
    worked out a group at a time in passes that run in C: which of its members' ties stay
    inside, then the groups the others lead to (a million residents' 3.3 million ties: two
    seconds instead of six). A tie inside a group is met from both of its ends, a self-loop
    from its one end. The order matters: the overview's seeded layout takes the pairs in it.
    """
    group_of = membership.__getitem__
    members: dict[str, list[str]] = {}
    adjacent: dict[str, list[Mapping[str, object]]] = {}
    for node, neighbours in graph.adjacency():
        group = group_of(node)
        if group in members:
            members[group].append(node)
            adjacent[group].append(neighbours)
        else:
            members[group], adjacent[group] = [node], [neighbours]
    inner: Counter[str] = Counter()
    between: dict[tuple[str, str], int] = {}
    # where each pair is first met, as (node, place among its neighbours), from either side
    first_met: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for group, people in members.items():
        neighbours = adjacent[group]
        # which ties stay inside: asked of the group's own members (a set small enough to stay
        # in the processor's cache), not of the whole city's membership, for every tie
        reached = list(chain.from_iterable(neighbours))
        leaving = list(map(not_, map(set(people).__contains__, reached)))
        outside = list(map(group_of, compress(reached, leaving)))
        loops = sum(map(contains, neighbours, people))
        within = (len(reached) - len(outside) + loops) // 2
        if within:
            inner[group] = within
        if not outside:
            continue
        # the first place each other group is reached: a key's last write in a dict wins
        places = list(compress(range(len(reached)), leaving))
        first = dict(zip(reversed(outside), reversed(places), strict=True))
        starts = list(accumulate(map(len, neighbours), initial=0))
        for other, ties in Counter(outside).items():
            place = first[other]
            member = bisect_right(starts, place) - 1
            pair = (group, other) if group < other else (other, group)
            between[pair] = ties
            first_met.setdefault(pair, []).append((people[member], place - starts[member]))
    wanted = {node for met in first_met.values() for node, _ in met}
    rank = {node: number for number, node in enumerate(graph.adj) if node in wanted}
    order = {
        pair: min((rank[node], place) for node, place in met) for pair, met in first_met.items()
    }
    ordered = Counter({pair: between[pair] for pair in sorted(order, key=order.__getitem__)})
    return GroupTies(members, adjacent, inner, ordered)
