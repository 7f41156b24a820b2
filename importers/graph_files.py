"""Network files as tables: GraphML and GEXF (Gephi, networkx, Wijkgraaf's own export), and
the text formats of :mod:`importers.network_text` (edge lists, adjacency lists, Pajek).

Nodes become residents, edges ties; how the attributes other tools write are read (drawing and
measures left out with a note, ``label`` beside ``name``, weights, directed files) is
:mod:`importers.graph_attributes`. Each XML file is checked before it is read
(:mod:`importers.limits`): its size, no document type definition, no deep nesting, not too
many nodes, edges or attributes; then it is read as a stream (:mod:`importers.xml_graphs`).
"""

from __future__ import annotations

from pathlib import Path

from importers.limits import Limits, graph_xml_error, size_error
from importers.network_text import TEXT_SUFFIXES, read_network_text, suffix_of
from importers.tables import ReadResult
from importers.xml_graphs import read_xml_graph

XML_SUFFIXES = {".graphml", ".gexf"}
GRAPH_SUFFIXES = XML_SUFFIXES | TEXT_SUFFIXES


def is_graph_file(path: Path) -> bool:
    return suffix_of(path) in GRAPH_SUFFIXES


def read_graph(path: Path, result: ReadResult, neighbourhood: str | None, limits: Limits) -> None:
    """Nodes become residents, edges ties; known attributes become columns."""
    suffix = suffix_of(path)
    refused = size_error(path, limits)
    if refused is None and suffix in XML_SUFFIXES:
        refused = graph_xml_error(path, limits)
    if refused is not None:
        result.errors.append(refused)
        return
    if suffix in TEXT_SUFFIXES:
        read_network_text(path, result, neighbourhood, limits)
    else:
        read_xml_graph(path, result, neighbourhood=neighbourhood)
