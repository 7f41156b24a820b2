"""A network file's graph as tables of residents and ties, the way other tools write it.

Gephi, networkx and Wijkgraaf's own export put more on nodes and edges than people and ties:
drawing (position, size, colour), computed measures (degree, betweenness, modularity class),
a display ``label`` beside a ``name``, a weight. What carries no data about a person is left
out with a note in the report; a ``label`` becomes the name where there is no ``name``; a
weight of 1 to 3 becomes a tie's strength. Every other attribute is a column like any other:
known ones are read, unknown ones refused (data minimisation) in one error that says how to
map or drop them.

Wijkgraaf's ties are mutual: a directed file's arcs a→b and b→a become one tie, and parallel
edges one tie, each with a note that says how many were merged.

>>> graph = nx.Graph()
>>> graph.add_node("a", label="Fatima", size=10.0, r=255)
>>> graph.add_node("b", label="Jan")
>>> graph.add_edge("a", "b", weight=2.0)
>>> result = ReadResult()
>>> graph_tables(graph, "g.graphml", result, neighbourhood=None)
>>> people, ties = result.tables
>>> people.headers, people.rows[0][1]
(['source_id', 'name'], ['a', 'Fatima'])
>>> ties.headers, ties.rows[0][1]
(['resident', 'other_resident', 'strength'], ['a', 'b', '2'])
>>> [n.en for n in people.notes]
['Drawing attributes (they hold no data about people) left out: r, size.']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from importers.report import Note
from importers.tables import ReadResult, Table, add_row, cell_text
from importers.templates import SHEETS, normalise_header

#: What drawing tools put on nodes and edges: position, size, colour, shape, line.
APPEARANCE = frozenset(
    normalise_header(name)
    for name in (
        "x", "y", "z", "size", "color", "colour", "r", "g", "b", "a", "viz", "shape", "width",
        "opacity", "thickness", "visibility", "layout order", "locked", "polar r",
        "polar angle", "image", "image file", "label fill color", "label position",
        "label text color", "label font size", "label color", "style", "tooltip", "font",
        "x_fact", "y_fact", "ic", "bc", "bw", "lc", "fos", "phi", "edge label",
        "label text", "interval",
    )
)  # fmt: skip
#: Measures Gephi, NodeXL and Wijkgraaf's own export compute; an import recomputes them.
MEASURES = frozenset(
    normalise_header(name)
    for name in (
        "degree", "weighted degree", "in-degree", "out-degree", "indegree", "outdegree",
        "weighted in-degree", "weighted out-degree", "modularity class", "modularity_class",
        "betweenness centrality", "betweennesscentrality", "closeness centrality",
        "closnesscentrality", "harmonic closeness centrality", "harmonicclosnesscentrality",
        "eccentricity", "eigenvector centrality", "eigencentrality", "pageranks", "pagerank",
        "component id", "componentnumber", "strongly-connected id", "strongcompnum",
        "clustering coefficient", "clustering", "number of triangles", "triangles",
        "authority", "hub", "betweenness", "constraint", "community", "coreness",
        "component_size", "isolated", "no_ties", "only_support", "cut_off", "low_coreness",
        "no_participation", "timeset", "vertex group", "subgraph",
    )
)  # fmt: skip
#: Identifiers a file gives its edges, and a GEXF edge's own direction: not data.
_EDGE_BOOKKEEPING = frozenset({"id", "key", "edge_id", "type", "directed", "edgeid"})
#: A node's Wijkgraaf label as the export writes it (``kind``): residents only here.
_RESIDENT_KINDS = frozenset({"resident", "bewoner", "person", "persoon", "people"})
_KNOWS = frozenset({"knows", "kent"})


def note(table: Table, nl: str, en: str) -> None:
    table.notes.append(Note(table.place(), nl, en))


def _left_out(table: Table, names: Iterable[str], kind_nl: str, kind_en: str) -> None:
    listed = ", ".join(sorted(names))
    if listed:
        note(table, f"{kind_nl} weggelaten: {listed}.", f"{kind_en} left out: {listed}.")


def node_columns(table: Table, keys: set[str], values: dict[str, set[str]]) -> dict[str, str]:
    """The node attributes that become columns, as {attribute: header}; the rest is noted.

    ``values`` holds the distinct texts of the attributes whose values decide (``kind``)."""
    drawing = {k for k in keys if normalise_header(k) in APPEARANCE}
    measures = {k for k in keys if normalise_header(k) in MEASURES}
    _left_out(table, drawing, "Tekenattributen (geen gegevens over mensen)",
              "Drawing attributes (they hold no data about people)")  # fmt: skip
    _left_out(table, measures, "Berekende maten (Wijkgraaf berekent ze opnieuw)",
              "Computed measures (Wijkgraaf computes them again)")  # fmt: skip
    columns = {k: k for k in sorted(keys - drawing - measures)}
    names = {k for k in columns if normalise_header(k) in ("name", "naam")}
    labels = {k for k in columns if normalise_header(k) == "label"}
    for label in labels:
        if names:
            del columns[label]
            note(table, f"'{label}' weggelaten: de naam komt uit '{min(names)}'.",
                 f"'{label}' left out: the name comes from '{min(names)}'.")  # fmt: skip
        else:
            columns[label] = "name"
    kinds = {k for k in columns if normalise_header(k) in ("kind", "type", "soort")}
    for kind in kinds:
        if {normalise_header(v) for v in values.get(kind, set())} <= _RESIDENT_KINDS:
            del columns[kind]
    return columns


def edge_columns(
    table: Table, keys: set[str], values: dict[str, set[str]]
) -> tuple[dict[str, str], bool]:
    """The edge attributes that become columns, as {attribute: header}, and whether a
    ``weight`` becomes the tie's strength (whole numbers 1 to 3 only); the rest is noted."""
    drawing = {k for k in keys if normalise_header(k) in APPEARANCE | {"label"}}
    measures = {k for k in keys if normalise_header(k) in MEASURES}
    _left_out(table, drawing, "Tekenattributen van lijnen", "Drawing attributes of edges")
    _left_out(table, measures, "Berekende maten", "Computed measures")
    columns = {k: k for k in sorted(keys - drawing - measures)}
    for key in list(columns):
        folded = normalise_header(key)
        if folded in _EDGE_BOOKKEEPING or (
            folded in ("relation", "relatie")
            and {normalise_header(v) for v in values.get(key, set())} <= _KNOWS
        ):
            del columns[key]
    weight = next((k for k in columns if normalise_header(k) in ("weight", "gewicht")), None)
    as_strength = False
    if weight is not None:
        del columns[weight]
        texts = values.get(weight, set())
        has_strength = any(normalise_header(k) in ("strength", "sterkte") for k in columns)
        as_strength = not has_strength and texts <= {"1", "2", "3"}
        if as_strength:
            columns[weight] = "strength"
        else:
            note(table, "Gewicht weggelaten: alleen hele getallen 1 tot 3 worden de sterkte "
                 "van een contact.", "Weight left out: only whole numbers 1 to 3 become a "
                 "tie's strength.")  # fmt: skip
    return columns, as_strength


_DECIDING = frozenset({"kind", "type", "soort", "relation", "relatie", "weight", "gewicht"})


def _texts(items: Iterable[dict[str, Any]], keys: set[str]) -> dict[str, set[str]]:
    """The distinct texts of the attributes whose values decide how they are read."""
    wanted = {k for k in keys if normalise_header(k) in _DECIDING}
    found: dict[str, set[str]] = {k: set() for k in wanted}
    for data in items:
        for key in wanted:
            if key in data:
                found[key].add(cell_text(data[key]))
    return found


def graph_tables(
    graph: nx.Graph, file: str, result: ReadResult, *, neighbourhood: str | None
) -> None:
    """``graph``'s nodes as a residents table and its edges as a ties table, in ``result``."""
    residents = Table(SHEETS["residents"], file, "nodes", ["source_id"])
    ties = Table(SHEETS["ties"], file, "edges", ["resident", "other_resident"])
    node_keys = {k for _, data in graph.nodes(data=True) for k in data}
    columns = node_columns(residents, node_keys, _texts((d for _, d in graph.nodes(data=True)),
                                                         node_keys))  # fmt: skip
    attributes = list(columns)
    residents.headers += [columns[a] for a in attributes]
    if neighbourhood and "neighbourhood" not in residents.headers:
        residents.headers.append("neighbourhood")
    width = len(residents.headers)
    for number, (node, data) in enumerate(graph.nodes(data=True), start=1):
        cells = [str(node)] + [cell_text(data.get(a)) for a in attributes]
        if neighbourhood and len(cells) < width:
            cells.append(neighbourhood)
        add_row(residents, number, cells, result)
    edges = _mutual_edges(graph, ties)
    edge_keys = {k for *_, data in edges for k in data}
    link_columns, _ = edge_columns(ties, edge_keys, _texts((d for *_, d in edges), edge_keys))
    link_attributes = list(link_columns)
    ties.headers += [link_columns[a] for a in link_attributes]
    for number, (a, b, data) in enumerate(edges, start=1):
        cells = [str(a), str(b)] + [cell_text(data.get(k)) for k in link_attributes]
        add_row(ties, number, cells, result)
    result.tables.append(residents)
    result.tables.append(ties)


def _mutual_edges(graph: nx.Graph, ties: Table) -> list[tuple[Any, Any, dict[str, Any]]]:
    """The graph's edges as mutual ties: reciprocal arcs and parallel edges merged (the first
    one's attributes kept), with a note of how many."""
    seen: set[frozenset[Any]] = set()
    edges = []
    merged = 0
    for a, b, data in graph.edges(data=True):
        pair = frozenset((a, b))
        if pair in seen:
            merged += 1
            continue
        seen.add(pair)
        edges.append((a, b, data))
    if merged:
        why_nl = "gerichte pijlen" if graph.is_directed() else "dubbele lijnen"
        why_en = "directed arcs" if graph.is_directed() else "parallel edges"
        note(ties, f"{merged} {why_nl} samengevoegd: een contact in Wijkgraaf is wederzijds.",
             f"{merged} {why_en} merged: a tie in Wijkgraaf is mutual.")  # fmt: skip
    elif graph.is_directed() and graph.number_of_edges():
        note(ties, "Gericht netwerk: elke pijl is als wederzijds contact gelezen.",
             "Directed network: every arc was read as a mutual tie.")  # fmt: skip
    return edges
