"""Each node's measures as the network questions compute them, for tools that go on from there.

For every node of a scope: betweenness and community as the bridges question computes them
(:func:`~graph.analysis.bridges.bound` on the path length, seed
:data:`~graph.analysis.bridges.SEED`), Burt's constraint, the k-core it belongs to and the size
of its component; for every resident the isolation signals and whether they count as isolated,
by the isolated question's own rule (:func:`~graph.analysis.isolated.isolation_signals`). The
measures come from one metric backend and one conversion of the scope's graph
(:meth:`NetworkContext.prepared`), so they equal what the answers report.

The field names (:data:`MEASURE_FIELDS`) are what an export writes: a reader of Wijkgraaf's
own exports can tell them from data (they are worked out, not recorded).

>>> import networkx as nx
>>> from graph.analysis.context import NetworkContext
>>> from graph.analysis.results import Scope
>>> fabric = nx.Graph()
>>> fabric.add_nodes_from(["r-1", "r-2", "r-3"], label="Resident")
>>> fabric.add_node("i-1", label="Initiative")
>>> fabric.add_edges_from([("r-1", "i-1"), ("r-2", "i-1")], type="PARTICIPATES_IN")
>>> found = node_measures(NetworkContext(1, fabric), Scope())
>>> found.nodes["i-1"].betweenness, found.nodes["i-1"].coreness, found.nodes["i-1"].signals
(0.3333333333333333, 1, None)
>>> found.nodes["r-3"].signals, found.nodes["r-3"].isolated, found.nodes["r-3"].constraint
(('no_ties', 'no_participation'), True, None)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from graph.analysis import brokerage
from graph.analysis.bridges import SEED, bound
from graph.analysis.context import NetworkContext
from graph.analysis.isolated import WEIGHTS, is_isolated, isolation_signals
from graph.analysis.metrics import MetricBackend
from graph.analysis.results import Scope

#: The isolation signals, in the order the isolated question weighs them.
SIGNALS: tuple[str, ...] = tuple(WEIGHTS)
#: Every field an export of measures writes, in order: the measures, then a resident's
#: signals and whether they count as isolated.
MEASURE_FIELDS: tuple[str, ...] = (
    "betweenness",
    "constraint",
    "community",
    "coreness",
    "component_size",
    *SIGNALS,
    "isolated",
)


@dataclass(frozen=True)
class NodeMeasure:
    """One node's measures; ``signals`` and ``isolated`` are ``None`` for all but residents,
    ``constraint`` is ``None`` where it is undefined (a node without ties)."""

    betweenness: float
    constraint: float | None
    community: int
    coreness: int
    component_size: int
    signals: tuple[str, ...] | None = None
    isolated: bool | None = None

    def fields(self) -> dict[str, float | int | bool | None]:
        """The measures by :data:`MEASURE_FIELDS` name: a signal is ``True`` or ``False`` for a
        resident, ``None`` for anyone else."""
        signals = self.signals
        return {
            "betweenness": self.betweenness,
            "constraint": self.constraint,
            "community": self.community,
            "coreness": self.coreness,
            "component_size": self.component_size,
            **{s: (s in signals if signals is not None else None) for s in SIGNALS},
            "isolated": self.isolated,
        }


@dataclass(frozen=True)
class NodeMeasures:
    """The measures of a scope's nodes, with the path-length bound betweenness counted to
    (``None``: exact)."""

    nodes: dict[str, NodeMeasure]
    betweenness_bound: int | None


def node_measures(
    context: NetworkContext, scope: Scope, *, metrics: MetricBackend[Any] = brokerage
) -> NodeMeasures:
    """Every node of ``scope`` (``context.scoped(scope)``) with its measures."""
    graph = context.scoped(scope)
    prepared = context.prepared(scope, metrics)
    steps = bound(graph.number_of_nodes())
    between = metrics.betweenness(graph, cutoff=steps, ig=prepared)
    membership = metrics.communities(graph, seed=SEED, ig=prepared)
    constraint = metrics.constraint(graph, ig=prepared)
    signalled = isolation_signals(context, scope, metrics=metrics, everyone=True)
    nodes = {}
    for node in graph:
        burt = constraint.get(node)
        signals = signalled.get(node)
        nodes[node] = NodeMeasure(
            betweenness=float(between.get(node, 0.0)),
            constraint=None if burt is None or math.isnan(burt) else float(burt),
            community=int(membership[node]),
            coreness=int(signalled.core.get(node, 0)),
            component_size=int(signalled.component_of[node]),
            signals=tuple(signals[0]) if signals is not None else None,
            isolated=is_isolated(signals[0]) if signals is not None else None,
        )
    return NodeMeasures(nodes, steps)
