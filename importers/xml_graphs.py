"""GraphML and GEXF read as a stream: each node and edge becomes a row as it is parsed and is
let go, so a city's network file never sits in memory as a document and a graph beside its
rows (networkx's readers build both).

What is read, after the formats' own descriptions:

- **GraphML**: ``<key id for attr.name attr.type>`` with an optional ``<default>``; ``<graph
  edgedefault>``; ``<node id>`` and ``<edge source target [directed]>`` with ``<data key>``.
  An attribute's name is its ``attr.name`` (its id where it has none), as networkx reads it.
- **GEXF** (1.1 to 1.3): ``<attributes class>`` of ``<attribute id title type>`` with an
  optional ``<default>``; ``<node id label>`` with ``<attvalues>``; ``viz:`` drawing;
  ``<edge source target [weight] [label] [kind]>`` with ``<attvalues>``.

Numbers of a floating type that are whole (``2.0``) read as whole numbers (``2``), as a
spreadsheet shows them. Nested graphs, hyperedges and ports are not people and ties: an error
says so. :mod:`importers.graph_attributes` decides what becomes a column.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from importers.graph_attributes import (
    deciding,
    edge_columns,
    merged_pairs,
    node_columns,
    note,
    whole_number,
)
from importers.report import Place
from importers.tables import ReadResult, Table, add_row, error
from importers.templates import SHEETS

_FLOATS = {"double", "float"}
#: let go of the parsed nodes and edges (emptied already) every so many
_RELEASE = 1000


class _Attribute:
    __slots__ = ("default", "floating", "name")

    def __init__(self, name: str, kind: str, default: str = "") -> None:
        self.name, self.floating, self.default = name, kind.lower() in _FLOATS, default


def _text(attribute: _Attribute | None, value: str) -> str:
    value = value.strip()
    if attribute is not None and attribute.floating and value:
        return whole_number(value)
    return value


class _Reader:
    """One file's nodes and edges as lists of attribute texts, with the names of both."""

    def __init__(self) -> None:
        self.attributes: dict[str, dict[str, _Attribute]] = {"node": {}, "edge": {}}
        self.nodes: list[tuple[str, dict[str, str]]] = []
        #: each edge with its number in the file, its ends and its attributes
        self.edges: list[tuple[int, str, str, dict[str, str]]] = []
        self.directed = False
        self.drawing: set[str] = set()

    def names(self, kind: str) -> list[str]:
        found = {a.name: None for a in self.attributes[kind].values()}
        for _, data in self.nodes if kind == "node" else ((a, d) for *a, d in self.edges):
            for name in data:
                found.setdefault(name, None)
        return list(found)

    def with_defaults(self, kind: str, data: dict[str, str]) -> dict[str, str]:
        for attribute in self.attributes[kind].values():
            if attribute.default and attribute.name not in data:
                data[attribute.name] = attribute.default
        return data


def read_xml_graph(path: Path, result: ReadResult, *, neighbourhood: str | None) -> None:
    """Read ``path`` (checked by :func:`importers.limits.graph_xml_error` already)."""
    from defusedxml.ElementTree import iterparse

    reader = _Reader()
    gexf = path.suffix.lower() == ".gexf"
    graphs = 0
    parents = []  # the open elements: a node's or edge's parent lets go of it
    try:
        for event, element in iterparse(str(path), events=("start", "end"), forbid_dtd=True):
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                if tag == "graph":
                    graphs += 1
                    mode = element.get("edgedefault") or element.get("defaultedgetype") or ""
                    reader.directed = reader.directed or mode == "directed"
                if tag in ("hyperedge", "port") or graphs > 1:
                    raise _Unsupported(tag)
                parents.append(element)
                continue
            parents.pop()
            if element.tag.startswith("{") and "viz" in element.tag.partition("}")[0]:
                reader.drawing.add(f"viz:{tag}")
            elif gexf:
                _gexf_end(reader, tag, element)
            else:
                _graphml_end(reader, tag, element)
            if tag in ("node", "edge") and parents and len(parents[-1]) >= _RELEASE:
                del parents[-1][:]
    except _Unsupported as exc:
        result.errors.append(error(Place(path.name), exc.tag, exc.nl, exc.en))
        return
    except SyntaxError as exc:  # ParseError: malformed XML, with its line
        result.errors.append(
            error(
                Place(path.name, row=getattr(exc, "position", (None,))[0]),
                None,
                f"Kan het netwerkbestand niet lezen: {exc}.",
                f"Cannot read the network file: {exc}.",
            )
        )
        return
    _tables(path.name, reader, result, neighbourhood)


class _Unsupported(Exception):
    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.nl = (
            f"<{tag}> wordt niet ingelezen: een netwerk van Wijkgraaf heeft personen en "
            "contacten, geen geneste grafen, hyperlijnen of poorten."
        )
        self.en = (
            f"<{tag}> is not read: a Wijkgraaf network has people and ties, not nested "
            "graphs, hyperedges or ports."
        )


def _graphml_end(reader: _Reader, tag: str, element: Element) -> None:
    get = element.get
    if tag == "key":
        kind, key = get("for", "node"), get("id", "")
        default = next((c.text or "" for c in element if c.tag.endswith("default")), "")
        if kind in ("node", "edge", "all"):
            attribute = _Attribute(get("attr.name") or key, get("attr.type", "string"))
            attribute.default = _text(attribute, default)
            for target in ("node", "edge") if kind == "all" else (kind,):
                reader.attributes[target][key] = attribute
    elif tag in ("node", "edge"):
        keys = reader.attributes[tag]
        data: dict[str, str] = {}
        for child in element:
            if child.tag.endswith("data"):
                known = keys.get(child.get("key", ""))
                name = known.name if known else child.get("key", "")
                data[name] = _text(known, child.text or "")
        _add(reader, tag, element, reader.with_defaults(tag, data))
        reader.directed = reader.directed or get("directed") == "true"


def _gexf_end(reader: _Reader, tag: str, element: Element) -> None:
    get = element.get
    if tag == "attributes":
        kind = get("class", "node")
        for child in element:
            default = next((c.text or "" for c in child if c.tag.endswith("default")), "")
            key = child.get("id", "")
            attribute = _Attribute(child.get("title") or key, child.get("type", ""))
            attribute.default = _text(attribute, default)
            reader.attributes.setdefault(kind, {})[key] = attribute
    elif tag in ("node", "edge"):
        keys = reader.attributes.get(tag, {})
        data: dict[str, str] = {}
        for child in element.iter():
            if child.tag.endswith("attvalue"):
                key = child.get("for") or child.get("id") or ""
                known = keys.get(key)
                data[known.name if known else key] = _text(known, child.get("value") or "")
        for name in ("label", "weight", "kind") if tag == "edge" else ("label",):
            value = get(name)
            if value is not None:
                data[name] = _text(_Attribute(name, "double" if name == "weight" else ""), value)
        _add(reader, tag, element, reader.with_defaults(tag, data))
        reader.directed = reader.directed or get("type") == "directed"


def _add(reader: _Reader, tag: str, element: Element, data: dict[str, str]) -> None:
    """A parsed node or edge as a row of texts; the element emptied (its parent lets go of
    it with others later). A missing id or end is an empty cell: the check names it."""
    get = element.get
    if tag == "node":
        reader.nodes.append((get("id", ""), data))
    else:
        number = len(reader.edges) + 1
        reader.edges.append((number, get("source", ""), get("target", ""), data))
    element.clear()


def _tables(file: str, reader: _Reader, result: ReadResult, neighbourhood: str | None) -> None:
    residents = Table(SHEETS["residents"], file, "nodes", ["source_id"])
    ties = Table(SHEETS["ties"], file, "edges", ["resident", "other_resident"])
    if reader.drawing:
        note(residents, "Tekenattributen (geen gegevens over mensen) weggelaten: viz.",
             "Drawing attributes (they hold no data about people) left out: viz.")  # fmt: skip
    names = reader.names("node")
    values = {n: {d.get(n, "") for _, d in reader.nodes} - {""} for n in names if deciding(n)}
    columns = node_columns(residents, set(names), values)
    attributes = [n for n in names if n in columns]
    residents.headers += [columns[a] for a in attributes]
    if neighbourhood and "neighbourhood" not in residents.headers:
        residents.headers.append("neighbourhood")
    nodes, reader.nodes = reader.nodes, []
    for number, (node, data) in enumerate(nodes, start=1):
        cells = [node] + [data.get(a, "") for a in attributes]
        if neighbourhood and len(cells) < len(residents.headers):
            cells.append(neighbourhood)
        add_row(residents, number, cells, result)
    del nodes
    names = reader.names("edge")
    values = {n: {d.get(n, "") for *_, d in reader.edges} - {""} for n in names if deciding(n)}
    link_columns, _ = edge_columns(ties, set(names), values)
    link_attributes = [n for n in names if n in link_columns]
    ties.headers += [link_columns[a] for a in link_attributes]
    edges = merged_pairs(
        reader.edges, ties, result.errors, ends=lambda e: e[:3], directed=reader.directed,
        values=lambda e: {link_columns[k]: e[3].get(k, "") for k in link_attributes},
    )  # fmt: skip
    for (number, a, b, _), merged in edges:
        add_row(ties, number, [a, b] + [merged[link_columns[k]] for k in link_attributes], result)
    result.tables.append(residents)
    result.tables.append(ties)
