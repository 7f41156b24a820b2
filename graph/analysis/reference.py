"""The brokerage measures computed with networkx alone: the reference and the bench baseline.

Same functions and signatures as :mod:`graph.analysis.brokerage` (which runs them in igraph),
so a question can be answered with either (``answer_bridges(..., metrics=reference)``) and
``bench/questions.py`` can time both in one run. networkx has no path-length bound for
betweenness; where one is asked for, it estimates from ``PIVOTS`` seeded sample sources,
which is networkx's own way to bound the cost. It has Louvain, not Leiden.

>>> articulation_points(nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "d"), ("d", "e")]))
{'b': [3, 1], 'd': [3, 1]}
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import networkx as nx

from graph.analysis.brokerage import ROLES, _role, participation_coefficient, parts_from_blocks

__all__ = [
    "articulation_points",
    "betweenness",
    "bridge_edges",
    "brokerage_roles",
    "communities",
    "constraint",
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


def constraint(graph: nx.Graph, *, ig: Any = None) -> dict[str, float]:
    return {node: float(value) for node, value in nx.constraint(graph).items()}


def effective_size(graph: nx.Graph, *, ig: Any = None) -> dict[str, float]:
    return {node: float(value) for node, value in nx.effective_size(graph).items()}


def communities(
    graph: nx.Graph, *, seed: int, method: str = "louvain", ig: Any = None
) -> dict[str, int]:
    found = nx.community.louvain_communities(graph, seed=seed)
    ordered = sorted((sorted(c) for c in found), key=lambda members: members[0])
    return {node: number for number, members in enumerate(ordered) for node in members}


def brokerage_roles(
    graph: nx.Graph, groups: Mapping[str, str | None], *, ig: Any = None
) -> dict[str, dict[str, int]]:
    """Every pair of a node's unconnected neighbours, one by one."""
    group_of = {node: groups.get(node) or f"\0{node}" for node in graph}
    index = {group: number for number, group in enumerate(sorted(set(group_of.values())))}
    result = {}
    for node in graph:
        counts = [0, 0, 0, 0]
        own = index[group_of[node]]
        for a, c in itertools.combinations(graph.adj[node], 2):
            if not graph.has_edge(a, c):
                counts[_role(own, index[group_of[a]], index[group_of[c]])] += 1
        result[node] = dict(zip(ROLES, counts, strict=True))
    return result


def articulation_points(graph: nx.Graph, *, ig: Any = None) -> dict[str, list[int]]:
    blocks = [list(block) for block in nx.biconnected_components(graph)]
    parts = parts_from_blocks(blocks, set(nx.articulation_points(graph)))
    return {node: parts[node] for node in sorted(parts)}


def bridge_edges(graph: nx.Graph, *, ig: Any = None) -> list[tuple[str, str]]:
    return sorted((a, b) if a <= b else (b, a) for a, b in nx.bridges(graph))
