"""Every Cypher query Wijkgraaf runs, named and parameterised: the reads and writes of records
and of the import journal here, the reads of the projection in :mod:`graph.projection_queries`.

The queries are written in the subset that FalkorDB and Neo4j 5 both understand (see
``shared/docs/ARCHITECTURE.md``): no ``EXISTS {}`` subqueries, no label expressions, no
``elementId()``. Values travel only as ``$parameters``. Labels and relationship types cannot be
parameters in Cypher, so they are put in from the enum allow-list by :func:`fill`, which
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


def fill(template: str, **names: Name) -> str:
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
VERSION_BUMP = """
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
        fill(
            "UNWIND $ids AS id\nMATCH (n:<label> {id: id})\nRETURN n.id, properties(n)",
            label=label,
        ),
    )


@cache
def any_node(label: NodeLabel | SystemLabel) -> Query:
    """A row if any node of ``label`` is stored: where none is, a write needs no read first."""
    return Query(f"any_node[{label}]", fill("MATCH (n:<label>) RETURN 1 LIMIT 1", label=label))


@cache
def any_relationship(rel: RelType) -> Query:
    """A row if any ``rel`` relationship is stored, between whatever labels (a scan of the
    type, which both databases keep apart): where none is, a write needs no read first."""
    return Query(
        f"any_relationship[{rel}]", fill("MATCH ()-[r:<rel>]->() RETURN 1 LIMIT 1", rel=rel)
    )


@cache
def present_ids(label: NodeLabel | SystemLabel) -> Query:
    """Which of ``$ids`` are stored: ids only, which is much cheaper than their properties."""
    return Query(
        f"present_ids[{label}]",
        fill("UNWIND $ids AS id\nMATCH (n:<label> {id: id})\nRETURN n.id", label=label),
    )


@cache
def ended_ids(label: NodeLabel) -> Query:
    """Which of ``$ids`` are stored but no longer there (a complete sheet ended them)."""
    return Query(
        f"ended_ids[{label}]",
        fill(
            "UNWIND $ids AS id\nMATCH (n:<label> {id: id})\nWHERE n.valid_to IS NOT NULL\n"
            "RETURN n.id",
            label=label,
        ),
    )


@cache
def upsert_nodes(label: NodeLabel | SystemLabel) -> Query:
    """MERGE ``$rows`` (``{id, props}``) on ``id``; ``null`` in props removes a property.

    Wijkgraaf's own records (tombstones, import runs) change no answer, so writing them does
    not bump the graph version.
    """
    ending = "\nRETURN count(*)" if isinstance(label, SystemLabel) else VERSION_BUMP
    return Query(
        f"upsert_nodes[{label}]",
        fill(
            "UNWIND $rows AS row\nMERGE (n:<label> {id: row.id})\nSET n += row.props" + ending,
            label=label,
        ),
    )


@cache
def existing_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """Properties of the relationships among ``$pairs`` (``{source, target}``) that are stored."""
    return Query(
        f"existing_relationships[{source}-{rel}->{target}]",
        fill(
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
        fill(
            "UNWIND $rows AS row\n"
            "MATCH (a:<source> {id: row.source})\n"
            "MATCH (b:<target> {id: row.target})\n"
            "MERGE (a)-[r:<rel>]->(b)\n"
            "SET r += row.props" + VERSION_BUMP,
            rel=rel,
            source=source,
            target=target,
        ),
    )


@cache
def stale_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """For each ``$rows`` entry (``{source, targets}``), its holding ``rel`` to other targets,
    with the relationship's properties (the import journal keeps them, to put back on an
    undo)."""
    return Query(
        f"stale_relationships[{source}-{rel}->{target}]",
        fill(
            "UNWIND $rows AS row\n"
            "MATCH (a:<source> {id: row.source})-[r:<rel>]->(b:<target>)\n"
            "WHERE NOT b.id IN row.targets AND r.valid_to IS NULL\n"
            "RETURN a.id, b.id, properties(r)",
            rel=rel,
            source=source,
            target=target,
        ),
    )


@cache
def listed_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """The holding ``rel`` facts a complete sheet listed (``graph.periods.LISTED``) that touch
    the areas ``$codes`` (an end located there; ``null``: anywhere), with their properties."""
    return Query(
        f"listed_relationships[{source}-{rel}->{target}]",
        fill(
            "MATCH (a:<source>)-[r:<rel>]->(b:<target>)\n"
            "WHERE r.valid_to IS NULL AND r.listed_complete = true\n"
            "  AND ($codes IS NULL OR a.neighbourhood IN $codes OR b.neighbourhood IN $codes)\n"
            "RETURN a.id, b.id, properties(r)",
            rel=rel,
            source=source,
            target=target,
        ),
    )


@cache
def listed_nodes(label: NodeLabel) -> Query:
    """The nodes of ``label`` that are there and that a complete sheet listed, located in the
    areas ``$codes`` (``null``: anywhere), with their properties."""
    return Query(
        f"listed_nodes[{label}]",
        fill(
            "MATCH (n:<label>)\n"
            "WHERE n.valid_to IS NULL AND n.listed_complete = true\n"
            "  AND ($codes IS NULL OR n.neighbourhood IN $codes)\n"
            "RETURN n.id, properties(n)",
            label=label,
        ),
    )


@cache
def holding_relationships(label: NodeLabel) -> Query:
    """Every holding relationship of the nodes ``$ids`` whose type is among ``$types``, both
    ways: direction, type, the other end's labels and id, the node's id, properties."""
    part = (
        "UNWIND $ids AS id\n"
        "MATCH (n:<label> {id: id})<arrow>(m)\n"
        "WHERE type(r) IN $types AND r.valid_to IS NULL\n"
        "RETURN '<direction>' AS direction, type(r) AS type, labels(m) AS labels, m.id AS other, "
        "n.id AS node, properties(r) AS rel"
    )
    outgoing = part.replace("<arrow>", "-[r]->").replace("<direction>", "out")
    incoming = part.replace("<arrow>", "<-[r]-").replace("<direction>", "in")
    return Query(
        f"holding_relationships[{label}]",
        fill(outgoing + "\nUNION ALL\n" + incoming, label=label),
    )


@cache
def delete_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """Delete the ``rel`` of each ``$pairs`` entry (``{source, target}``)."""
    return Query(
        f"delete_relationships[{source}-{rel}->{target}]",
        fill(
            "UNWIND $pairs AS pair\n"
            "MATCH (a:<source> {id: pair.source})-[r:<rel>]->(b:<target> {id: pair.target})\n"
            "DELETE r" + VERSION_BUMP,
            rel=rel,
            source=source,
            target=target,
        ),
    )


@cache
def get_node(label: NodeLabel | SystemLabel) -> Query:
    return Query(
        f"get_node[{label}]",
        fill("MATCH (n:<label> {id: $id})\nRETURN properties(n)", label=label),
    )


@cache
def neighbours(label: NodeLabel) -> Query:
    """Every holding relationship of one node with ``type(r) IN $types``, both directions."""
    part = (
        "MATCH (n:<label> {id: $id})<arrow>(m)\n"
        "WHERE type(r) IN $types AND r.valid_to IS NULL\n"
        "RETURN '<direction>' AS direction, type(r) AS type, properties(r) AS rel, "
        "labels(m) AS labels, properties(m) AS node"
    )
    outgoing = part.replace("<arrow>", "-[r]->").replace("<direction>", "out")
    incoming = part.replace("<arrow>", "<-[r]-").replace("<direction>", "in")
    return Query(f"neighbours[{label}]", fill(outgoing + "\nUNION ALL\n" + incoming, label=label))


@cache
def erase_node(label: NodeLabel) -> Query:
    """Delete one node and every relationship it has; returns how many relationships went."""
    return Query(
        f"erase_node[{label}]",
        fill(
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
    return fill("MATCH (n:<label>) RETURN '<label>' AS label, count(n) AS nodes", label=label)


COUNT_BY_LABEL = Query(
    "count_by_label", "\nUNION ALL\n".join(_count_part(label) for label in NodeLabel)
)


GRAPH_VERSION = Query(
    "graph_version",
    fill("MATCH (m:<meta> {id: $meta_id}) RETURN m.version", meta=SystemLabel.META),
)

#: Clearing goes in batches, relationships first: one transaction for a whole city, or one
#: theme node with its 100,000 INTERESTED_IN ties, exceeds Neo4j's transaction memory.
CLEAR_RELATIONSHIPS_BATCH = Query(
    "clear_relationships_batch",
    "MATCH ()-[r]->()\nWITH r LIMIT $limit\nDELETE r\nRETURN count(*)",
)
CLEAR_NODES_BATCH = Query(
    "clear_nodes_batch",
    fill(
        "MATCH (n) WHERE NOT n:<meta>\nWITH n LIMIT $limit\nDETACH DELETE n\nRETURN count(*)",
        meta=SystemLabel.META,
    ),
)

BUMP_VERSION = Query("bump_version", "WITH 1 AS one" + VERSION_BUMP)


@cache
def neo4j_unique_id(label: NodeLabel | SystemLabel) -> Query:
    """Neo4j's uniqueness constraint on ``id`` (FalkorDB sets its own up through its client)."""
    return Query(
        f"neo4j_unique_id[{label}]",
        fill(
            "CREATE CONSTRAINT wijkgraaf_<label>_id IF NOT EXISTS "
            "FOR (n:<label>) REQUIRE n.id IS UNIQUE",
            label=label,
        ),
    )


@cache
def neo4j_area_index(label: NodeLabel) -> Query:
    """Neo4j's index on ``neighbourhood``, from which one area's part is read."""
    return Query(
        f"neo4j_area_index[{label}]",
        fill(
            "CREATE INDEX wijkgraaf_<label>_neighbourhood IF NOT EXISTS "
            "FOR (n:<label>) ON (n.neighbourhood)",
            label=label,
        ),
    )


@cache
def all_nodes(label: NodeLabel | SystemLabel) -> Query:
    """Every node of a label with its properties (for the portable dump)."""
    return Query(
        f"all_nodes[{label}]",
        fill("MATCH (n:<label>) RETURN n.id, properties(n) ORDER BY n.id", label=label),
    )


@cache
def all_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    """Every ``rel`` from a ``source`` node to a ``target`` node (for the portable dump)."""
    return Query(
        f"all_relationships[{source}-{rel}->{target}]",
        fill(
            "MATCH (a:<source>)-[r:<rel>]->(b:<target>)\n"
            "RETURN a.id, b.id, properties(r) ORDER BY a.id, b.id",
            rel=rel,
            source=source,
            target=target,
        ),
    )


# --- the import journal (graph/journal.py) ---------------------------------------------

_JOURNAL_LABEL = SystemLabel.JOURNAL

#: Take the head for ``$run`` unless another run holds it; returns the run that holds it.
JOURNAL_TAKE_HEAD = Query(
    "journal_take_head",
    fill(
        "MERGE (h:<journal> {id: $head})\n"
        "ON CREATE SET h.run = $run, h.host = $host, h.machine = $machine, h.pid = $pid, "
        "h.started = $started, h.at = timestamp()\n"
        "RETURN h.run, h.host, h.machine, h.pid, h.started, h.at",
        journal=_JOURNAL_LABEL,
    ),
)
#: The head and the time of the newest record: who holds the journal and since when it wrote.
JOURNAL_READ_HEAD = Query(
    "journal_read_head",
    fill(
        "MATCH (h:<journal> {id: $head})\n"
        "MATCH (r:<journal> {run: h.run})\n"
        "RETURN h.run, h.host, h.machine, h.pid, h.started, max(r.at)",
        journal=_JOURNAL_LABEL,
    ),
)
#: The database's clock, by which the records' times are.
JOURNAL_NOW = Query("journal_now", "RETURN timestamp()")
#: The records of ``$run``, newest first (ids only: each record is read as it is undone).
JOURNAL_RECORDS = Query(
    "journal_records",
    fill(
        "MATCH (r:<journal> {run: $run}) WHERE r.id <> $head\n"
        "RETURN r.id, r.seq ORDER BY r.seq DESC",
        journal=_JOURNAL_LABEL,
    ),
)
JOURNAL_READ_RECORD = Query(
    "journal_read_record",
    fill("MATCH (r:<journal> {id: $id}) RETURN r.undo", journal=_JOURNAL_LABEL),
)
JOURNAL_DELETE_RECORD = Query(
    "journal_delete_record",
    fill("MATCH (r:<journal> {id: $id}) DELETE r RETURN count(*)", journal=_JOURNAL_LABEL),
)
#: The end of an import: its records and the head go in one statement.
JOURNAL_END = Query(
    "journal_end",
    fill(
        "MATCH (r:<journal> {run: $run}) DELETE r RETURN count(*)",
        journal=_JOURNAL_LABEL,
    ),
)
# MERGE, not CREATE: a statement sent again after the embedded server restarted (the store
# sends what was not answered once more) finds its record and writes what it wrote before
_RECORD_PREFIX = fill(
    "MERGE (j:<journal> {id: $journal_id})\n"
    "ON CREATE SET j.run = $journal_run, j.seq = $journal_seq, j.undo = $journal_undo, "
    "j.at = timestamp()\n"
    "WITH count(*) AS journalled\n",
    journal=_JOURNAL_LABEL,
)


def journalled(query: Query) -> Query:
    """``query`` with the journal's record of what it overwrites created in the same
    statement (parameters from :meth:`Journal.record`)."""
    return Query(query.name + "+journal", _RECORD_PREFIX + query.text)


@cache
def delete_nodes(label: NodeLabel | SystemLabel) -> Query:
    """Delete the nodes ``$ids`` with their relationships (an undone creation, a clear)."""
    return Query(
        f"journal_delete_nodes[{label}]",
        fill(
            "UNWIND $ids AS id\nMATCH (n:<label> {id: id})\nDETACH DELETE n" + VERSION_BUMP,
            label=label,
        ),
    )


#: ``<find>`` is MATCH or MERGE, put in by :func:`journal_restore_nodes` (never a value)
_SET_NODES = (
    "UNWIND $rows AS row\n<find> (n:<label> {id: row.id})\nSET n = row.props" + VERSION_BUMP
)


@cache
def journal_restore_nodes(label: NodeLabel | SystemLabel, *, recreate: bool = False) -> Query:
    """Give the nodes of ``$rows`` (``{id, props}``) exactly the properties they had: nodes an
    import changed, or with ``recreate`` nodes a clear deleted (made again: MERGE, not MATCH)."""
    name, find = ("recreate", "MERGE") if recreate else ("restore", "MATCH")
    return Query(
        f"journal_{name}_nodes[{label}]",
        fill(_SET_NODES.replace("<find>", find), label=label),
    )


@cache
def journal_restore_relationships(rel: RelType, source: NodeLabel, target: NodeLabel) -> Query:
    return Query(
        f"journal_restore_relationships[{source}-{rel}->{target}]",
        fill(
            "UNWIND $rows AS row\n"
            "MATCH (a:<source> {id: row.source})\n"
            "MATCH (b:<target> {id: row.target})\n"
            "MERGE (a)-[r:<rel>]->(b)\n"
            "SET r = row.props" + VERSION_BUMP,
            rel=rel,
            source=source,
            target=target,
        ),
    )
