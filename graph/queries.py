"""Every Cypher query Wijkgraaf runs, named and parameterised, in one place.

The queries are written in the subset that FalkorDB and Neo4j 5 both understand (see
``shared/docs/ARCHITECTURE.md``): no ``EXISTS {}`` subqueries, no label expressions, no
``elementId()``. Values travel only as ``$parameters``. Labels and relationship types cannot be
parameters in Cypher, so they are put in from the enum allow-list by :func:`_fill`, which
refuses anything that is not a member of :class:`NodeLabel`, :class:`SystemLabel` or
:class:`RelType`. Schema statements differ per database and live in the backends.

>>> upsert_nodes(NodeLabel.THEME).text.splitlines()[1]
'MERGE (n:Theme {id: row.id})'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from graph.model import (
    ATTRIBUTE_NODE_FIELDS,
    ATTRIBUTE_TIES,
    FABRIC_EDGE_FIELDS,
    FABRIC_FIELD_SLOTS,
    FABRIC_LABELS,
    FABRIC_NODE_FIELDS,
    FABRIC_TYPES,
    NodeLabel,
    RelType,
    SystemLabel,
)

Name = NodeLabel | SystemLabel | RelType

META_ID = "graph"
_MARKER = re.compile(r"<[a-z_]+>")


@dataclass(frozen=True)
class Query:
    """A named query; ``name`` appears in error messages and logs, never values."""

    name: str
    text: str


def _fill(template: str, **names: Name) -> str:
    """Put allow-listed labels/types into ``template`` at ``<key>`` markers."""
    text = template
    for key, value in names.items():
        if not isinstance(value, NodeLabel | SystemLabel | RelType):
            raise TypeError(f"{key} must come from the label/type allow-list, not {value!r}")
        text = text.replace(f"<{key}>", value.value)
    if _MARKER.search(text):
        raise ValueError(f"unfilled marker in query template: {template!r}")
    return text


# Every write ends by bumping the graph version in the same statement, so that a cache keyed
# on the version can never miss a change (a statement is atomic on both databases).
_BUMP_VERSION = """
WITH count(*) AS written
MERGE (meta:WijkgraafMeta {id: $meta_id})
ON CREATE SET meta.version = 1
ON MATCH SET meta.version = meta.version + 1
RETURN written, meta.version"""


@cache
def existing_nodes(label: NodeLabel | SystemLabel) -> Query:
    """Properties of the nodes among ``$ids`` that are stored."""
    return Query(
        f"existing_nodes[{label}]",
        _fill(
            "UNWIND $ids AS id\nMATCH (n:<label> {id: id})\nRETURN n.id, properties(n)",
            label=label,
        ),
    )


@cache
def present_ids(label: NodeLabel | SystemLabel) -> Query:
    """Which of ``$ids`` are stored: ids only, which is much cheaper than their properties."""
    return Query(
        f"present_ids[{label}]",
        _fill("UNWIND $ids AS id\nMATCH (n:<label> {id: id})\nRETURN n.id", label=label),
    )


@cache
def upsert_nodes(label: NodeLabel | SystemLabel) -> Query:
    """MERGE ``$rows`` (``{id, props}``) on ``id``; ``null`` in props removes a property.

    Wijkgraaf's own records (tombstones, import runs) change no answer, so writing them does
    not bump the graph version.
    """
    ending = "\nRETURN count(*)" if isinstance(label, SystemLabel) else _BUMP_VERSION
    return Query(
        f"upsert_nodes[{label}]",
        _fill(
            "UNWIND $rows AS row\nMERGE (n:<label> {id: row.id})\nSET n += row.props" + ending,
            label=label,
        ),
    )


@cache
def existing_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """Properties of the relationships among ``$pairs`` (``{source, target}``) that are stored."""
    return Query(
        f"existing_relationships[{source}-{rel}->{target}]",
        _fill(
            "UNWIND $pairs AS pair\n"
            "MATCH (a:<source> {id: pair.source})-[r:<rel>]->(b:<target> {id: pair.target})\n"
            "RETURN a.id, b.id, properties(r)",
            rel=rel,
            source=source,
            target=target,
        ),
    )


@cache
def upsert_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """MERGE one ``rel`` per (source, target) pair in ``$rows`` and set its properties."""
    return Query(
        f"upsert_relationships[{source}-{rel}->{target}]",
        _fill(
            "UNWIND $rows AS row\n"
            "MATCH (a:<source> {id: row.source})\n"
            "MATCH (b:<target> {id: row.target})\n"
            "MERGE (a)-[r:<rel>]->(b)\n"
            "SET r += row.props" + _BUMP_VERSION,
            rel=rel,
            source=source,
            target=target,
        ),
    )


@cache
def stale_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """For each ``$rows`` entry (``{source, targets}``), its ``rel`` to other targets."""
    return Query(
        f"stale_relationships[{source}-{rel}->{target}]",
        _fill(
            "UNWIND $rows AS row\n"
            "MATCH (a:<source> {id: row.source})-[r:<rel>]->(b:<target>)\n"
            "WHERE NOT b.id IN row.targets\n"
            "RETURN a.id, b.id",
            rel=rel,
            source=source,
            target=target,
        ),
    )


@cache
def delete_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """Delete the ``rel`` of each ``$pairs`` entry (``{source, target}``)."""
    return Query(
        f"delete_relationships[{source}-{rel}->{target}]",
        _fill(
            "UNWIND $pairs AS pair\n"
            "MATCH (a:<source> {id: pair.source})-[r:<rel>]->(b:<target> {id: pair.target})\n"
            "DELETE r" + _BUMP_VERSION,
            rel=rel,
            source=source,
            target=target,
        ),
    )


@cache
def get_node(label: NodeLabel | SystemLabel) -> Query:
    return Query(
        f"get_node[{label}]",
        _fill("MATCH (n:<label> {id: $id})\nRETURN properties(n)", label=label),
    )


@cache
def neighbours(label: NodeLabel) -> Query:
    """Every relationship of one node with ``type(r) IN $types``, both directions."""
    part = (
        "MATCH (n:<label> {id: $id})<arrow>(m)\n"
        "WHERE type(r) IN $types\n"
        "RETURN '<direction>' AS direction, type(r) AS type, properties(r) AS rel, "
        "labels(m) AS labels, properties(m) AS node"
    )
    outgoing = part.replace("<arrow>", "-[r]->").replace("<direction>", "out")
    incoming = part.replace("<arrow>", "<-[r]-").replace("<direction>", "in")
    return Query(f"neighbours[{label}]", _fill(outgoing + "\nUNION ALL\n" + incoming, label=label))


@cache
def erase_node(label: NodeLabel) -> Query:
    """Delete one node and every relationship it has; returns how many relationships went."""
    return Query(
        f"erase_node[{label}]",
        _fill(
            "MATCH (n:<label> {id: $id})\n"
            "OPTIONAL MATCH (n)-[r]-()\n"
            "WITH n, count(r) AS relationships\n"
            "DETACH DELETE n\n"
            "WITH relationships\n"
            "MERGE (meta:WijkgraafMeta {id: $meta_id})\n"
            "ON CREATE SET meta.version = 1\n"
            "ON MATCH SET meta.version = meta.version + 1\n"
            "RETURN relationships, meta.version",
            label=label,
        ),
    )


def _count_part(label: NodeLabel) -> str:
    return _fill("MATCH (n:<label>) RETURN '<label>' AS label, count(n) AS nodes", label=label)


COUNT_BY_LABEL = Query(
    "count_by_label", "\nUNION ALL\n".join(_count_part(label) for label in NodeLabel)
)


_FIELD = re.compile(r"^[a-z][a-z_]*$")


def _slots(variable: str, fields: tuple[str, ...]) -> str:
    """``n.a AS f1, n.b AS f2, null AS f3, ...`` for the projection's field slots."""
    if len(fields) > FABRIC_FIELD_SLOTS or not all(_FIELD.match(f) for f in fields):
        raise ValueError(f"not projection fields: {fields!r}")
    cells = [variable + "." + field for field in fields]
    cells += ["null"] * (FABRIC_FIELD_SLOTS - len(fields))
    return ", ".join(cell + " AS f" + str(number) for number, cell in enumerate(cells, start=1))


def _fabric_node_part(label: NodeLabel) -> str:
    return _fill(
        "MATCH (n:<label>) RETURN '<label>' AS kind, n.id AS a, null AS b, ", label=label
    ) + _slots("n", FABRIC_NODE_FIELDS[label])


def _fabric_edge_part(rel: RelType) -> str:
    return _fill(
        "MATCH (x)-[r:<rel>]->(y) RETURN '<rel>' AS kind, x.id AS a, y.id AS b, ", rel=rel
    ) + _slots("r", FABRIC_EDGE_FIELDS.get(rel, ()))


#: The social fabric in one statement: nodes, then edges, each with its projection fields
#: in the slots f1..f4 (which field is in which slot depends on the kind).
FABRIC = Query(
    "fabric",
    "\nUNION ALL\n".join(
        [_fabric_node_part(label) for label in FABRIC_LABELS]
        + [_fabric_edge_part(rel) for rel in FABRIC_TYPES]
    ),
)


def _packed_part(part: str, pattern: str, cells: list[str]) -> str:
    """One part of :data:`PACKED_PROJECTION`: the rows of ``pattern`` as one JSON list, and
    how many distinct values FalkorDB's ``toJSON`` would not quote safely (it escapes neither
    ``"`` nor ``\\``); the caller reads the slow, exact way if there are any. Checking
    the distinct values of each cell, not every row, keeps the check cheap: ties carry a
    handful of coded values."""
    texts = " + ".join(f"collect(DISTINCT {cell})" for cell in cells if not cell.startswith("ID("))
    return (
        f"{pattern}\n"
        f"WITH collect([{', '.join(cells)}]) AS packed, {texts or '[]'} AS texts\n"
        f"RETURN '{part}' AS part, toJSON(packed) AS packed,\n"
        "       size([v IN texts WHERE any(x IN CASE WHEN typeOf(v) = 'List' THEN v ELSE [v] END\n"
        "                                WHERE toString(x) CONTAINS '\"'\n"
        "                                   OR toString(x) CONTAINS '\\\\')]) AS unclean"
    )


def _packed_parts() -> list[str]:
    parts = [
        _packed_part(
            "version",
            _fill("MATCH (n:<meta> {id: $meta_id})", meta=SystemLabel.META),
            ["n.version"],
        )
    ]
    node_fields = {label: FABRIC_NODE_FIELDS[label] for label in FABRIC_LABELS}
    for label, fields in (node_fields | ATTRIBUTE_NODE_FIELDS).items():
        cells = [f"n.{field}" for field in fields if _FIELD.match(field)]
        parts.append(
            _packed_part(
                label.value, _fill("MATCH (n:<label>)", label=label), ["ID(n)", "n.id", *cells]
            )
        )
    for rel in FABRIC_TYPES:
        cells = [f"r.{field}" for field in FABRIC_EDGE_FIELDS.get(rel, ()) if _FIELD.match(field)]
        parts.append(
            _packed_part(
                rel.value, _fill("MATCH (x)-[r:<rel>]->(y)", rel=rel), ["ID(x)", "ID(y)", *cells]
            )
        )
    for rel, (source, target, fields) in ATTRIBUTE_TIES.items():
        cells = [f"r.{field}" for field in fields if _FIELD.match(field)]
        pattern = _fill(
            "MATCH (x:<source>)-[r:<rel>]->(y:<target>)", source=source, rel=rel, target=target
        )
        parts.append(_packed_part(rel.value, pattern, ["ID(x)", "ID(y)", *cells]))
    return parts


#: Everything the network questions read, in one statement (so one consistent snapshot), each
#: part as one JSON list: decoding a city's 400,000 rows one cell at a time took seconds, one
#: string per part a fraction. FalkorDB only (``toJSON``); ties name their ends by internal id,
#: which the node parts of the same statement map to ``id``.
PACKED_PROJECTION = Query("packed_projection", "\nUNION ALL\n".join(_packed_parts()))


GRAPH_VERSION = Query(
    "graph_version",
    _fill("MATCH (m:<meta> {id: $meta_id}) RETURN m.version", meta=SystemLabel.META),
)

#: Clearing goes in batches, relationships first: one transaction for a whole city, or one
#: theme node with its 100,000 INTERESTED_IN ties, exceeds Neo4j's transaction memory.
CLEAR_RELATIONSHIPS_BATCH = Query(
    "clear_relationships_batch",
    "MATCH ()-[r]->()\nWITH r LIMIT $limit\nDELETE r\nRETURN count(*)",
)
CLEAR_NODES_BATCH = Query(
    "clear_nodes_batch",
    _fill(
        "MATCH (n) WHERE NOT n:<meta>\nWITH n LIMIT $limit\nDETACH DELETE n\nRETURN count(*)",
        meta=SystemLabel.META,
    ),
)

BUMP_VERSION = Query("bump_version", "WITH 1 AS one" + _BUMP_VERSION)


@cache
def neo4j_unique_id(label: NodeLabel | SystemLabel) -> Query:
    """Neo4j's uniqueness constraint on ``id`` (FalkorDB sets its own up through its client)."""
    return Query(
        f"neo4j_unique_id[{label}]",
        _fill(
            "CREATE CONSTRAINT wijkgraaf_<label>_id IF NOT EXISTS "
            "FOR (n:<label>) REQUIRE n.id IS UNIQUE",
            label=label,
        ),
    )


@cache
def all_nodes(label: NodeLabel | SystemLabel) -> Query:
    """Every node of a label with its properties (for the portable dump)."""
    return Query(
        f"all_nodes[{label}]",
        _fill("MATCH (n:<label>) RETURN n.id, properties(n) ORDER BY n.id", label=label),
    )


@cache
def all_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """Every ``rel`` from a ``source`` node to a ``target`` node (for the portable dump)."""
    return Query(
        f"all_relationships[{source}-{rel}->{target}]",
        _fill(
            "MATCH (a:<source>)-[r:<rel>]->(b:<target>)\n"
            "RETURN a.id, b.id, properties(r) ORDER BY a.id, b.id",
            rel=rel,
            source=source,
            target=target,
        ),
    )
