"""The projection the network questions read: the social fabric as a networkx graph, and the
attributes (areas, themes, skills and the ties to them) beside it.

A store reads it (:meth:`graph.store.GraphStore.projection`); the functions here build it from
rows, whichever way they were read: row by row (:class:`graph.cypher_store.CypherStore`) or
packed into one JSON string per part (:func:`from_packed`, how the embedded database reads it).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph import periods, projection_queries
from graph.errors import InvalidDataError
from graph.model import (
    ATTRIBUTE_NODE_FIELDS,
    ATTRIBUTE_TIES,
    FABRIC_EDGE_FIELDS,
    FABRIC_LABELS,
    FABRIC_NODE_FIELDS,
    NODE_HISTORY_FIELDS,
    PERSON_LABELS,
    SYSTEM_LABELS,
    NodeLabel,
    RelType,
)

#: The parts of a packed read (``projection_queries.PACKED_PROJECTION``) by name: their rows.
Packed = Mapping[str, list[list[Any]]]

FabricNode = tuple[str, dict[str, Any]]  # id, its label and projection fields
FabricEdge = tuple[str, str, dict[str, Any]]  # one end, other end, its type and fields


@dataclass
class Projection:
    """Everything the network questions read, from one state of the graph.

    ``fabric`` as :meth:`graph.store.GraphStore.fabric` builds it; ``attribute_nodes`` the
    areas, themes and skills (id -> their ``ATTRIBUTE_NODE_FIELDS``); ``attribute_ties`` per
    tie type of ``ATTRIBUTE_TIES`` its (source id, target id, fields) rows.
    """

    version: int
    fabric: nx.Graph
    attribute_nodes: dict[NodeLabel, dict[str, dict[str, Any]]]
    attribute_ties: dict[RelType, list[tuple[str, str, dict[str, Any]]]]


def fabric_attributes(
    key: str, kind: str, fields: Sequence[str], values: Sequence[Any]
) -> dict[str, Any]:
    """``{key: kind}`` and the fields that have a value (absent ones are left out).

    >>> fabric_attributes("type", "KNOWS", ("kind", "strength"), ("friend", None))
    {'type': 'KNOWS', 'kind': 'friend'}
    """
    attributes = {key: kind}
    for field_name, value in zip(fields, values, strict=False):
        if value is not None:
            attributes[field_name] = value
    return attributes


def fabric_graph(nodes: Sequence[FabricNode], edges: Iterable[FabricEdge]) -> nx.Graph:
    """The fabric as a networkx graph; an id under two labels is refused.

    The graph takes the attribute dicts it is given as its own. It is built straight into
    networkx's adjacency dicts, as ``add_nodes_from``/``add_edges_from`` would build it
    (a tie's end that is not among ``nodes`` becomes a bare node; a second tie between the
    same two nodes adds to the first one's attributes), without their argument checks and
    copies, which took about a second for a city's 300,000 ties.

    Ties with equal attributes share one dict: a city's millions of ties have a few dozen
    distinct ones (``KNOWS`` of a kind and strength, ``PARTICIPATES_IN`` in a role), and one
    dict each cost 600 MB and half the time to keep and reload a million residents'
    projection. So the graph is read-only, as every question treats it: a tie's attributes
    are never changed in place.

    >>> graph = fabric_graph([], [("a", "b", {"type": "KNOWS"}), ("b", "c", {"type": "KNOWS"})])
    >>> graph.adj["a"]["b"] is graph.adj["b"]["c"]
    True
    """
    graph = nx.Graph()
    shared: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = {}

    def one_of(attributes: dict[str, Any]) -> dict[str, Any]:
        try:
            return shared.setdefault(tuple(attributes.items()), attributes)
        except TypeError:  # a list among the values: kept as it is
            return attributes

    node_data: dict[str, dict[str, Any]] = graph._node
    adj: dict[str, dict[str, dict[str, Any]]] = graph._adj
    for node_id, attributes in nodes:
        known = node_data.get(node_id)
        if known is None:
            node_data[node_id] = attributes
            adj[node_id] = {}
        elif known["label"] != attributes["label"]:
            raise InvalidDataError(
                f"Id {node_id!r} hoort bij zowel {known['label']} als {attributes['label']}.",
                f"Id {node_id!r} belongs to both {known['label']} and {attributes['label']}.",
            )
        else:
            known.update(attributes)
    for a, b, attributes in edges:
        if a not in adj or b not in adj:
            for end in (a, b):
                if end not in adj:
                    node_data[end] = {}
                    adj[end] = {}
        ties = adj[a]
        tie = ties.get(b)
        tie = one_of(attributes if tie is None else {**tie, **attributes})
        ties[b] = tie
        adj[b][a] = tie
    return graph


def areas_within(areas: Mapping[str, Mapping[str, Any]], codes: Iterable[str]) -> set[str]:
    """The given area codes and every area that lies within them (a wijk's buurten), by each
    area's ``parent``; a code no area has stays in, within it nothing.

    >>> areas = {"WK1": {"parent": "GM1"}, "BU1": {"parent": "WK1"}, "BU2": {"parent": "WK2"}}
    >>> sorted(areas_within(areas, ["GM1", "XX"]))
    ['BU1', 'GM1', 'WK1', 'XX']
    """
    children: dict[str, set[str]] = {}
    for code, fields in areas.items():
        parent = str(fields.get("parent") or "")
        if parent:
            children.setdefault(parent, set()).add(code)
    result: set[str] = set()
    pending = list(codes)
    while pending:
        code = pending.pop()
        if code not in result:
            result.add(code)
            pending.extend(children.get(code, ()))
    return result


def area_fabric(
    nodes: Sequence[FabricNode], edges: Sequence[FabricEdge], codes: Collection[str]
) -> nx.Graph:
    """The part of the fabric in the areas ``codes``, from rows that hold at least that part.

    The residents, initiatives and organisations located there (their ``neighbourhood``), the
    professionals and organisations from elsewhere tied to one of those (the system world
    serving them), and the ties among all of these; in id order (:func:`ordered_graph`).
    ``NetworkContext.scoped`` cuts the whole fabric by the same rule.

    >>> nodes = [("r1", {"label": "Resident", "neighbourhood": "BU1"}),
    ...          ("r2", {"label": "Resident", "neighbourhood": "BU2"}),
    ...          ("p1", {"label": "Professional"})]
    >>> edges = [("r1", "p1", {"type": "SUPPORTED_BY"}), ("r2", "p1", {"type": "SUPPORTED_BY"})]
    >>> sorted(area_fabric(nodes, edges, {"BU1"}).edges)
    [('p1', 'r1')]
    """
    label = {node: data["label"] for node, data in nodes}
    keep = {node for node, data in nodes if data.get("neighbourhood") in codes}
    tied = set()
    for a, b, _ in edges:
        if a in keep and label.get(b) in SYSTEM_LABELS:
            tied.add(b)
        if b in keep and label.get(a) in SYSTEM_LABELS:
            tied.add(a)
    keep |= tied
    return ordered_graph(
        [(node, data) for node, data in nodes if node in keep],
        [(a, b, data) for a, b, data in edges if a in keep and b in keep],
    )


def ordered_graph(nodes: Sequence[FabricNode], edges: Iterable[FabricEdge]) -> nx.Graph:
    """:func:`fabric_graph` in id order: nodes sorted by id, each node's ties by the id at the
    other end.

    A part of the fabric is built this way whether it was cut from the whole or read on its
    own, so the two are the same graph down to their order, which igraph's vertex numbers and
    so the seeded community detection follow; nor does it depend on how strings hash.
    """

    def pair(edge: FabricEdge) -> tuple[str, str]:
        return (edge[0], edge[1]) if edge[0] <= edge[1] else (edge[1], edge[0])

    return fabric_graph(sorted(nodes, key=lambda node: node[0]), sorted(edges, key=pair))


def ordered_subgraph(graph: nx.Graph, keep: Collection[str]) -> nx.Graph:
    """The part of ``graph`` on the nodes ``keep``, as :func:`ordered_graph` builds it (a copy:
    node attributes are not shared with ``graph``; tie attributes, never changed, are)."""
    nodes = [(node, dict(graph.nodes[node])) for node in keep]
    edges = [(a, b, data) for a in keep for b, data in graph.adj[a].items() if a <= b and b in keep]
    return ordered_graph(nodes, edges)


# --- built from packed parts: one JSON string per part, as the embedded database reads it ---


@contextmanager
def _ends_in_projection(rel: RelType) -> Iterator[None]:
    """Refuse a ``rel`` tie whose end (an internal id) no node part of the read named."""
    try:
        yield
    except KeyError:
        raise InvalidDataError(
            f"Een {rel}-band raakt een knoop die niet in de projectie hoort.",
            f"A {rel} tie touches a node outside the projection.",
        ) from None


def packed_attribute_nodes(
    parts: Packed, internal: dict[int, str]
) -> dict[NodeLabel, dict[str, dict[str, Any]]]:
    """The attribute nodes of packed parts by label and id; their internal ids into ``internal``."""
    attribute_nodes: dict[NodeLabel, dict[str, dict[str, Any]]] = {}
    for label, fields in ATTRIBUTE_NODE_FIELDS.items():
        attribute_nodes[label] = {}
        for number, node_id, *values in parts[label.value]:
            internal[number] = node_id
            attribute_nodes[label][node_id] = dict(zip(fields, values, strict=True))
    return attribute_nodes


def from_packed(parts: Packed) -> Projection:
    """The whole projection from the parts of ``projection_queries.PACKED_PROJECTION``, whose
    ties name their ends by internal id."""
    version = int(parts["version"][0][0]) if parts["version"] else 0
    internal: dict[int, str] = {}  # internal id -> id, for the ties
    nodes: list[FabricNode] = []
    for label in FABRIC_LABELS:
        fields = FABRIC_NODE_FIELDS[label]
        for number, node_id, *values in parts[label.value]:
            internal[number] = node_id
            nodes.append((node_id, fabric_attributes("label", label.value, fields, values)))
    attribute_nodes = packed_attribute_nodes(parts, internal)
    # A city has hundreds of thousands of ties: they are named in comprehensions, each
    # type's at once, with any end not in the projection caught once per type.
    edges: list[FabricEdge] = []
    attribute_ties: dict[RelType, list[tuple[str, str, dict[str, Any]]]] = {}
    for part, rel in projection_queries.TIE_PARTS:
        kind, fields = rel.value, FABRIC_EDGE_FIELDS.get(rel, ())
        with _ends_in_projection(rel):
            edges += [
                (internal[x], internal[y], fabric_attributes("type", kind, fields, values))
                for x, y, *values in parts[part]
            ]
    for rel, (_, _, fields) in ATTRIBUTE_TIES.items():
        with _ends_in_projection(rel):
            attribute_ties[rel] = [
                (internal[x], internal[y], dict(zip(fields, values, strict=True)))
                for x, y, *values in parts[rel.value]
            ]
    return Projection(version, fabric_graph(nodes, edges), attribute_nodes, attribute_ties)


def held_values(
    values: Sequence[Any],
    fields: Sequence[str],
    as_of: str,
    history: tuple[str, ...] | None = None,
) -> list[Any] | None:
    """A tie's cells read as of a date (its field cells, then its period cells,
    ``projection_queries.PERIOD_CELLS``) as the tie was on ``as_of``: its fields' values then,
    or None if it did not hold then. A node's (``history``: its fields with a history) the
    same way.

    >>> held_values(["friend", 2, "2025-01-01", None, None], ("kind", "strength"), "2025-03-31")
    ['friend', 2]
    >>> old = periods.encode_version("2024-01-01", "2025-01-01", {"kind": "neighbour"})
    >>> held_values(["friend", None, "2025-01-01", None, [old]], ("kind",), "2024-06-30")
    ['neighbour']
    >>> held_values(["friend", None, "2025-01-01", None, [old]], ("kind",), "2023-06-30") is None
    True
    """
    *cells, start, end, past = values
    if past is None:  # one version, which the query found held on the date
        return list(cells[: len(fields)])
    props: dict[str, Any] = {f: v for f, v in zip(fields, cells, strict=False) if v is not None}
    props.update({periods.VALID_FROM: start, periods.VALID_TO: end, periods.PAST: past})
    version = periods.version_at(props, as_of, history)
    return None if version is None else [version.get(field) for field in fields]


def held_parts(parts: Packed, as_of: str, *, internal: bool) -> dict[str, list[list[Any]]]:
    """Packed parts read as of a date (``*_AS_OF`` queries) with every node and tie as it was
    on ``as_of``, and those that were not there then left out, a tie also when one of its
    ends was not: the parts as the present's read would give them for a store holding only
    what held on that date. ``internal``: the nodes' rows start with their internal id, by
    which the ties name them (the whole projection), else ties name them by id."""
    held: dict[str, list[list[Any]]] = dict(parts)
    there: set[Any] = set()  # the fabric nodes there on the date, as ties name them
    for label in FABRIC_LABELS:
        fields, history = FABRIC_NODE_FIELDS[label], NODE_HISTORY_FIELDS[label]
        kept = held[label.value] = []
        for row in parts.get(label.value, []):
            keys = row[:2] if internal else row[:1]
            found = held_values(row[len(keys) :], fields, as_of, history)
            if found is not None:
                kept.append([*keys, *found])
                there.add(keys[0])
    ties: list[tuple[str, tuple[str, ...], bool]] = [
        (part, FABRIC_EDGE_FIELDS.get(rel, ()), True) for part, rel in projection_queries.TIE_PARTS
    ]
    ties += [(rel.value, fields, False) for rel, (_, _, fields) in ATTRIBUTE_TIES.items()]
    for part, fields, fabric in ties:
        kept = held[part] = []
        for x, y, *values in parts.get(part, []):
            # of an areas' part, what initiatives elsewhere address is read too: those are not
            # among its nodes (a tie of someone who is not there has ended with them)
            if ((fabric or internal) and x not in there) or (fabric and y not in there):
                continue
            found = held_values(values, fields, as_of)
            if found is not None:
                kept.append([x, y, *found])
    return held


def people_within(
    attribute_ties: dict[RelType, list[tuple[str, str, dict[str, Any]]]], fabric: nx.Graph
) -> dict[RelType, list[tuple[str, str, dict[str, Any]]]]:
    """The attribute ties of an areas' part: a person's only if they are in the part (as of a
    date, someone who lived elsewhere then is read too, and left out here); what initiatives
    address and look for, everywhere."""
    return {
        rel: [row for row in rows if row[0] in fabric]
        if ATTRIBUTE_TIES[rel][0] in PERSON_LABELS
        else rows
        for rel, rows in attribute_ties.items()
    }


def area_from_packed(
    version: int,
    attribute_nodes: dict[NodeLabel, dict[str, dict[str, Any]]],
    parts: Packed,
    codes: set[str],
) -> Projection:
    """The part of the areas ``codes`` from the parts of
    ``projection_queries.PACKED_AREA_PROJECTION`` (whose ties name their ends by id), beside
    the attribute nodes read before it."""
    nodes: list[FabricNode] = [
        (node_id, fabric_attributes("label", label.value, FABRIC_NODE_FIELDS[label], values))
        for label in FABRIC_LABELS
        for node_id, *values in parts[label.value]
    ]
    edges: list[FabricEdge] = [
        (a, b, fabric_attributes("type", rel.value, FABRIC_EDGE_FIELDS.get(rel, ()), values))
        for part, rel in projection_queries.TIE_PARTS
        for a, b, *values in parts[part]
    ]
    attribute_ties = {
        rel: [(a, b, dict(zip(fields, values, strict=True))) for a, b, *values in parts[rel.value]]
        for rel, (_, _, fields) in ATTRIBUTE_TIES.items()
    }
    fabric = area_fabric(nodes, edges, codes)
    return Projection(version, fabric, attribute_nodes, people_within(attribute_ties, fabric))
