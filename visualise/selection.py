"""Which part of the fabric a map or an export shows.

An area map shows what a :class:`~graph.analysis.results.Scope` selects (see
:meth:`~graph.analysis.context.NetworkContext.scoped`); an ego map shows one node, everyone
within ``steps`` ties of it and every tie among them, cut from that scope.

>>> import networkx as nx
>>> from graph.analysis.context import NetworkContext
>>> context = NetworkContext(1, nx.path_graph(["a", "b", "c", "d"]))
>>> sorted(select(context, ego="b")), sorted(select(context, ego="a", steps=2))
(['a', 'b', 'c'], ['a', 'b', 'c'])
"""

from __future__ import annotations

import networkx as nx

from graph.analysis.context import NetworkContext
from graph.analysis.results import Scope
from graph.errors import NotFoundError

#: How far an ego map reaches: one step (direct ties) or two (their ties too).
EGO_STEPS = (1, 2)


def select(
    context: NetworkContext, *, scope: Scope | None = None, ego: str | None = None, steps: int = 1
) -> nx.Graph:
    """The part of the fabric a map shows: the scope, or the ego network cut from it."""
    scope = scope or Scope()
    if steps not in EGO_STEPS:
        raise ValueError(f"steps must be 1 or 2, not {steps}")
    codes = scope.neighbourhoods
    if codes and not any(code in context.areas for code in codes):
        located = {d for _, d in context.fabric.nodes(data="neighbourhood")}
        if not located & set(codes):
            raise NotFoundError(
                f"Geen buurt of wijk {', '.join(codes)} gevonden.",
                f"No neighbourhood or district {', '.join(codes)} found.",
                missing=codes,
            )
    graph = context.scoped(scope)
    if ego is None:
        return graph
    if ego not in graph:
        raise NotFoundError(
            f"Geen bewoner, professional, initiatief of organisatie met id {ego!r} gevonden.",
            f"No resident, professional, initiative or organisation with id {ego!r} found.",
            missing=(ego,),
        )
    return nx.ego_graph(graph, ego, radius=steps)
