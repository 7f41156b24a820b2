"""GraphML, GEXF and edge lists (Gephi, networkx) as tables: nodes become residents, edges
ties, and the nodes' and edges' known attributes become columns.

Each file is checked before networkx reads it (:mod:`importers.limits`): its size, and for XML
no document type definition, no deep nesting, not too many nodes, edges or attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx

from importers.limits import (
    Limits,
    LineTooLong,
    bounded_lines,
    graph_xml_error,
    line_error,
    size_error,
    too_many_rows,
)
from importers.report import Place, RowError
from importers.tables import ReadResult, Table, add_row, cell_text, error, not_utf8
from importers.templates import SHEETS

GRAPH_SUFFIXES = {".graphml", ".gexf", ".edgelist", ".edges"}
# Drawing attributes Gephi and networkx add to graph files; they carry no personal data.
_DRAWING_ATTRIBUTES = {"x", "y", "z", "size", "color", "r", "g", "b", "a", "viz", "weight", "id"}

_GRAPH_READERS: dict[str, Callable[[Path], nx.Graph]] = {
    ".graphml": nx.read_graphml,
    ".gexf": nx.read_gexf,
    ".edgelist": lambda p: nx.read_edgelist(p, data=False),
    ".edges": lambda p: nx.read_edgelist(p, data=False),
}


def read_graph(path: Path, result: ReadResult, neighbourhood: str | None, limits: Limits) -> None:
    """Nodes become residents, edges ties; known attributes become columns."""
    refused = size_error(path, limits)
    if refused is None and path.suffix.lower() in (".graphml", ".gexf"):
        refused = graph_xml_error(path, limits)
    elif refused is None:
        refused = _edge_list_error(path, limits)
    if refused is not None:
        result.errors.append(refused)
        return
    try:
        graph = _GRAPH_READERS[path.suffix.lower()](path)
    except Exception as exc:  # networkx raises many kinds for a malformed file
        result.errors.append(
            error(
                Place(path.name),
                None,
                f"Kan het netwerkbestand niet lezen: {exc}.",
                f"Cannot read the network file: {exc}.",
            )
        )
        return
    residents = Table(SHEETS["residents"], path.name, "nodes", ["source_id"])
    ties = Table(SHEETS["ties"], path.name, "edges", ["resident", "other_resident"])
    node_columns = sorted(
        {k for _, data in graph.nodes(data=True) for k in data} - _DRAWING_ATTRIBUTES
    )
    columns = node_columns
    residents.headers += ["name" if c == "label" else c for c in columns]  # Gephi's label
    if neighbourhood and "neighbourhood" not in residents.headers:
        residents.headers.append("neighbourhood")
    for number, (node, data) in enumerate(graph.nodes(data=True), start=1):
        cells = [str(node)] + [cell_text(data.get(c)) for c in columns]
        if neighbourhood and len(cells) < len(residents.headers):
            cells.append(neighbourhood)
        add_row(residents, number, cells, result)
    edge_columns = sorted(
        {k for *_, data in graph.edges(data=True) for k in data} - _DRAWING_ATTRIBUTES
    )
    ties.headers += edge_columns
    for number, (a, b, data) in enumerate(graph.edges(data=True), start=1):
        add_row(
            ties, number, [str(a), str(b)] + [cell_text(data.get(c)) for c in edge_columns], result
        )
    result.tables.append(residents)
    if ties.rows:
        result.tables.append(ties)


def _edge_list_error(path: Path, limits: Limits) -> RowError | None:
    """An edge list read line by line first: no line too long, not too many lines."""
    number = 0
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            for _ in bounded_lines(handle):
                number += 1
                if number > limits.max_rows:
                    return too_many_rows(Place(path.name, row=number), limits)
    except LineTooLong as exc:
        return line_error(Place(path.name, row=exc.number))
    except UnicodeDecodeError:
        return not_utf8(path)
    return None
