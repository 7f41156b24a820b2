"""How fragile each neighbourhood's network is: the bridges question (DOMAIN.md, question 1) as
indicators a policymaker may read, one row per neighbourhood where residents live and one per
wijk and gemeente around them (a wijk's network is that of its buurten together, with the
ties between them: no sum of its buurten's rows).

Each row is worked out on that neighbourhood's part of the network, as the bridges question
sees it when asked about the neighbourhood alone (``context.scoped``: who and what is located
there, with the professionals and organisations from elsewhere they are tied to), with the
same measures (:mod:`graph.analysis.brokerage`, or another :class:`MetricBackend`):

- ``outside_largest``: residents outside the largest connected part (persons);
- ``cut_off``: residents cut off from the rest when the one person or place whose leaving cuts
  off the most people and places leaves (the articulation point with the largest
  :func:`~graph.analysis.bridges.cut_off_size`; persons);
- ``bridge_ties``: ties whose loss splits the network;
- ``lifeworld_system_ties``: ties between the lifeworld and the system world;
- ``communities``: communities (Leiden, seeded as the bridges question) of at least two: one
  person alone is no group, and is counted among those outside the largest part.

The columns measure different things, so they add up to nothing: the table has no totals and
each row stands alone (``TableSpec.totals``). Counts of residents are counts of persons,
hidden under the threshold; counts of ties and communities are not.

>>> import networkx as nx
>>> fabric = nx.Graph([("r1", "r2"), ("r2", "r3"), ("r3", "o1")])
>>> fabric.add_node("r4")
>>> for node in fabric:
...     fabric.nodes[node].update(label="Resident", neighbourhood="BU1")
>>> fabric.nodes["o1"].update(label="Organisation")
>>> counts = count_fragility(NetworkContext(1, fabric))
>>> [(column, len(counts.members[("BU1", column)])) for column in INDICATORS][:3]
[('outside_largest', 1), ('cut_off', 1), ('bridge_ties', 3)]
>>> [(column, len(counts.members[("BU1", column)])) for column in INDICATORS][3:]
[('lifeworld_system_ties', 1), ('communities', 2)]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import networkx as nx

from graph.analysis import brokerage
from graph.analysis.bridges import SEED, cut_off_size
from graph.analysis.context import SYSTEM_LABELS, NetworkContext
from graph.analysis.counting import Counts, Key, located
from graph.analysis.metrics import MetricBackend
from graph.projection import ordered_subgraph

INDICATORS = (
    "outside_largest",
    "cut_off",
    "bridge_ties",
    "lifeworld_system_ties",
    "communities",
)
#: The indicators that count persons.
PERSON_INDICATORS = frozenset({"outside_largest", "cut_off"})


def counts_persons(key: Key) -> bool:
    """Whether an entry of the fragility table counts persons (residents)."""
    return key[1] in PERSON_INDICATORS


def _with_areas_around(context: NetworkContext, homes: set[str]) -> list[str]:
    """The ``homes`` and every area they lie within (their wijk, their gemeente), sorted.

    >>> areas = {"BU1": {"parent": "WK1"}, "WK1": {"parent": "GM1"}, "GM1": {"parent": ""}}
    >>> _with_areas_around(NetworkContext(1, nx.Graph(), areas=areas), {"BU1"})
    ['BU1', 'GM1', 'WK1']
    """
    found: set[str] = set()
    for home in homes:
        code = home
        while code and code not in found:
            found.add(code)
            code = str(context.areas.get(code, {}).get("parent") or "")
    return sorted(found)


def neighbourhood_networks(context: NetworkContext) -> Iterator[tuple[str, nx.Graph]]:
    """Each neighbourhood where residents live, and each wijk and gemeente around them, with
    its part of the network as ``context.scoped`` cuts it for that area alone (a wijk's holds
    its buurten), made in one pass over the network (and not kept in the context, as scoped
    parts are)."""
    fabric = context.fabric
    nodes = fabric.nodes
    by_area: defaultdict[str, list[str]] = defaultdict(list)
    for node, data in fabric.nodes(data=True):
        if where := data.get("neighbourhood"):
            by_area[str(where)].append(node)
    for home in _with_areas_around(context, {home for _, home in located(context, "Resident")}):
        inside = [n for area in context.area_codes((home,)) for n in by_area.get(area, ())]
        keep = set(inside)
        keep.update(
            other
            for node in inside
            for other in fabric.adj[node]
            if nodes[other].get("label") in SYSTEM_LABELS
        )
        yield home, ordered_subgraph(fabric, keep)


def _cut_off_residents(graph: nx.Graph, node: str) -> set[str]:
    """The residents cut off from the largest remaining part when ``node`` leaves."""
    seen = {node}
    parts: list[set[str]] = []
    for start in sorted(graph.adj[node]):
        if start in seen:
            continue
        part, pending = {start}, [start]
        while pending:
            for other in graph.adj[pending.pop()]:
                if other not in seen and other not in part:
                    part.add(other)
                    pending.append(other)
        seen |= part
        parts.append(part)
    parts.sort(key=len, reverse=True)  # stable: of equal parts, the first met stays
    nodes = graph.nodes
    return {n for part in parts[1:] for n in part if nodes[n].get("label") == "Resident"}


def fragility(
    context: NetworkContext, graph: nx.Graph, *, metrics: MetricBackend[Any] = brokerage
) -> dict[str, set[str]]:
    """The members each indicator counts in one neighbourhood's part of the network: the
    residents, the ties (``a|b``) or the communities (their numbers) it counts."""
    prepared = metrics.to_igraph(graph)
    nodes = graph.nodes
    residents = [n for n in graph if nodes[n].get("label") == "Resident"]
    sizes = metrics.component_sizes(graph, ig=prepared)
    largest = max(sizes.values(), default=0)
    found: dict[str, set[str]] = {name: set() for name in INDICATORS}
    found["outside_largest"] = {r for r in residents if sizes[r] < largest}
    cuts = metrics.articulation_points(graph, ig=prepared)
    if cuts:
        weakest = min(cuts, key=lambda node: (-cut_off_size(cuts[node]), node))
        found["cut_off"] = _cut_off_residents(graph, weakest)
    found["bridge_ties"] = {f"{a}|{b}" for a, b in metrics.bridge_edges(graph, ig=prepared)}
    lifeworld = {node: context.in_lifeworld(node) for node in graph}  # once per node, not tie
    found["lifeworld_system_ties"] = {
        f"{a}|{b}" if a <= b else f"{b}|{a}"
        for a, b in graph.edges()
        if a != b and lifeworld[a] != lifeworld[b]
    }
    membership = metrics.communities(graph, seed=SEED, ig=prepared)
    groups = Counter(membership.values())
    found["communities"] = {str(group) for group, size in groups.items() if size >= 2}
    return found


def count_fragility(context: NetworkContext) -> Counts:
    """The fragility indicators of every neighbourhood where residents live."""
    counts = Counts(columns=list(INDICATORS))
    for home, graph in neighbourhood_networks(context):
        counts.rows.add(home)
        for name, members in fragility(context, graph).items():
            counts.members[(home, name)] = members
    return counts
