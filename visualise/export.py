"""The social fabric as GraphML or GEXF, for Gephi and other network tools.

The portable dump (``wijkgraaf export``) is the way to move a Wijkgraaf graph between
databases; this export is for looking at the fabric elsewhere. Nodes keep their id and
projection fields; ``kind`` is their Wijkgraaf label (Resident, Initiative, ...) and ``label``
the name Gephi shows (``context.name``: a display name only where consent allows, else the
start of the pseudonymous id). Edges keep their fields, with the relationship type as
``relation`` (GEXF keeps ``type`` for directed/undirected). Both formats hold only strings,
numbers and booleans: a list (a partner's contributions) is joined with ``|`` and an absent
value is left out.

Every node also carries its measures as the network questions compute them for the exported
part (:func:`graph.analysis.node_measures.node_measures`): ``betweenness`` and ``constraint``
as numbers (GraphML ``double``, GEXF ``double``), ``community``, ``coreness`` and
``component_size`` as whole numbers, and for residents the isolation signals and
``isolated`` as booleans, so a Gephi user sizes, colours and filters by them at once. What is
exported is what the map of the same part shows (:func:`visualise.selection.select`) and no
more: pass the context the caller may see, as the map pages do (a coach's is
``Analyst.context_within`` their areas), and the measures are worked out within it.

>>> import networkx as nx
>>> from graph.analysis.context import NetworkContext
>>> fabric = nx.Graph()
>>> fabric.add_node("o-1", label="Organisation", name="Buurthuis", o_sector="omgeving")
>>> fabric.add_node("i-1", label="Initiative", name="Moestuin", lead=None)
>>> fabric.add_edge("o-1", "i-1", type="PARTNER_OF", contribution=["space", "funding"])
>>> graph = exportable(NetworkContext(1, fabric), measures=False)
>>> graph.nodes["i-1"]
{'kind': 'Initiative', 'label': 'Moestuin', 'name': 'Moestuin'}
>>> graph.edges["o-1", "i-1"]
{'relation': 'PARTNER_OF', 'contribution': 'space|funding'}
>>> measured = exportable(NetworkContext(1, fabric)).nodes["i-1"]
>>> {key: measured[key] for key in ("betweenness", "community", "coreness", "component_size")}
{'betweenness': 0.0, 'community': 0, 'coreness': 1, 'component_size': 2}
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypeAlias

import networkx as nx

from graph.analysis.context import NetworkContext
from graph.analysis.node_measures import node_measures
from graph.analysis.results import Scope
from visualise.choices import FORMATS, GraphFormat
from visualise.selection import select

Value: TypeAlias = str | int | float | bool


def _value(value: object) -> Value | None:
    if value is None:
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(str(v) for v in value) if isinstance(value, set | frozenset) else value
        return "|".join(str(v) for v in items if v is not None)
    return str(value)


def _clean(attributes: Mapping[str, object]) -> dict[str, Value]:
    cleaned = {key: _value(value) for key, value in attributes.items()}
    return {key: value for key, value in cleaned.items() if value is not None}


def exportable(
    context: NetworkContext, *, scope: Scope | None = None, measures: bool = True
) -> nx.Graph:
    """A copy of the (scoped) fabric with only values GraphML and GEXF can hold, each node
    with its measures (unless ``measures=False``)."""
    source = select(context, scope=scope)
    measured = node_measures(context, scope or Scope()).nodes if measures else {}
    graph = nx.Graph()
    for node, data in source.nodes(data=True):
        attributes = _clean({"kind": data.get("label"), **data})
        attributes.pop("display_name", None)  # the label below is the name that may be shown
        attributes["label"] = context.name(node) if node in context.fabric else str(node)
        if node in measured:
            attributes.update(_clean(measured[node].fields()))
        graph.add_node(node, **attributes)
    for a, b, data in source.edges(data=True):
        attributes = _clean({"relation": data.get("type"), **data})
        attributes.pop("type", None)
        graph.add_edge(a, b, **attributes)
    return graph


def export_graph(
    context: NetworkContext,
    path: Path,
    fmt: GraphFormat,
    *,
    scope: Scope | None = None,
    measures: bool = True,
) -> dict[str, int]:
    """Write the (scoped) fabric to ``path`` as GraphML or GEXF, with each node's measures
    (unless ``measures=False``); returns node and edge counts."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    graph = exportable(context, scope=scope, measures=measures)
    if fmt == "graphml":
        nx.write_graphml(graph, path, encoding="utf-8")
    else:
        nx.write_gexf(graph, path, encoding="utf-8")
    return {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
