"""The brokerage measures computed with networkx alone: the reference and the bench baseline.

Same functions and signatures as :mod:`graph.analysis.brokerage` (which runs them in igraph),
both checked against :class:`graph.analysis.metrics.MetricBackend`, so a question can be
answered with either (``answer_bridges(..., metrics=reference)``) and ``bench/questions.py``
can time both in one run. networkx has no path-length bound for betweenness; where one is
asked for, it estimates from ``PIVOTS`` seeded sample sources, which is networkx's own way to
bound the cost. It has Louvain, not Leiden.

>>> articulation_points(nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "d"), ("d", "e")]))
{'b': [3, 1], 'd': [3, 1]}
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from graph.analysis.brokerage import (
    ROLES,
    broker_role,
    participation_coefficient,
    parts_from_blocks,
)

__all__ = [
    "articulation_points",
    "betweenness",
    "bridge_edges",
    "brokerage_roles",
    "communities",
    "component_sizes",
    "constraint",
    "coreness",
    "effective_size",
    "participation_coefficient",
    "to_igraph",
]

PIVOTS = 200


def to_igraph(graph: nx.Graph) -> None:
    """Nothing to prepare: networkx works on the graph itself."""
    return None


def betweenness(graph: nx.Graph, *, cutoff: int | None = None, ig: Any = None) -> dict[str, float]:
    if cutoff is None or graph.number_of_nodes() <= PIVOTS:
        return dict(nx.betweenness_centrality(graph))
    return dict(nx.betweenness_centrality(graph, k=PIVOTS, seed=1))


def coreness(graph: nx.Graph, *, ig: Any = None) -> dict[str, int]:
    return dict(nx.core_number(graph)) if graph.number_of_edges() else dict.fromkeys(graph, 0)


def component_sizes(graph: nx.Graph, *, ig: Any = None) -> dict[str, int]:
    return {node: len(part) for part in nx.connected_components(graph) for node in part}


def constraint(
    graph: nx.Graph, *, ig: Any = None, nodes: Iterable[str] | None = None
) -> dict[str, float]:
    chosen = None if nodes is None else list(nodes)
    return {node: float(value) for node, value in nx.constraint(graph, chosen).items()}


def effective_size(
    graph: nx.Graph, *, ig: Any = None, nodes: Iterable[str] | None = None
) -> dict[str, float]:
    """Burt's closed form ``n - 2t/n`` with networkx's triangle counts.

    ``nx.effective_size`` itself builds an undirected copy of the whole graph for every node
    (through ``ego_graph``): on a 100,000-node city that ran for over half an hour without
    finishing, which measures a quirk, not networkx. The closed form is what it computes.
    """
    chosen = list(graph if nodes is None else nodes)
    triangles = nx.triangles(graph, chosen)
    result = {}
    for node in chosen:
        neighbours = graph.adj[node]
        n = len(neighbours) - (node in neighbours)
        result[node] = n - 2 * triangles[node] / n if n else float("nan")
    return result


def communities(
    graph: nx.Graph, *, seed: int, method: str = "louvain", ig: Any = None
) -> dict[str, int]:
    found = nx.community.louvain_communities(graph, seed=seed)
    ordered = sorted((sorted(c) for c in found), key=lambda members: members[0])
    return {node: number for number, members in enumerate(ordered) for node in members}


def brokerage_roles(
    graph: nx.Graph,
    groups: Mapping[str, str | None],
    *,
    ig: Any = None,
    nodes: Iterable[str] | None = None,
) -> dict[str, dict[str, int]]:
    """Every pair of a node's unconnected neighbours, one by one."""
    group_of = {node: groups.get(node) or f"\0{node}" for node in graph}
    index = {group: number for number, group in enumerate(sorted(set(group_of.values())))}
    result = {}
    for node in graph if nodes is None else nodes:
        counts = [0, 0, 0, 0]
        own = index[group_of[node]]
        for a, c in itertools.combinations(graph.adj[node], 2):
            if not graph.has_edge(a, c):
                counts[broker_role(own, index[group_of[a]], index[group_of[c]])] += 1
        result[node] = dict(zip(ROLES, counts, strict=True))
    return result


def articulation_points(graph: nx.Graph, *, ig: Any = None) -> dict[str, list[int]]:
    blocks = [list(block) for block in nx.biconnected_components(graph)]
    parts = parts_from_blocks(blocks, set(nx.articulation_points(graph)))
    return {node: parts[node] for node in sorted(parts)}


def bridge_edges(graph: nx.Graph, *, ig: Any = None) -> list[tuple[str, str]]:
    return sorted((a, b) if a <= b else (b, a) for a, b in nx.bridges(graph))
