"""The Cypher that reads the projection the network questions need: the fabric and the
attributes, the whole city's or some areas' part, row by row or packed into one JSON string
per part (how the embedded database reads a city quickly).

The same rules as :mod:`graph.queries`: the subset FalkorDB and Neo4j 5 both understand,
values only as ``$parameters``, labels and types only from the allow-list (:func:`fill`).
"""

from __future__ import annotations

import re
from functools import cache

from graph.model import (
    ATTRIBUTE_NODE_FIELDS,
    ATTRIBUTE_TIES,
    FABRIC_EDGE_FIELDS,
    FABRIC_FIELD_SLOTS,
    FABRIC_LABELS,
    FABRIC_NODE_FIELDS,
    FABRIC_TYPES,
    PERSON_LABELS,
    RELATIONSHIPS,
    SYSTEM_LABELS,
    NodeLabel,
    RelType,
    SystemLabel,
)
from graph.queries import Query, fill

_FIELD = re.compile(r"^[a-z][a-z_]*$")


def _slots(variable: str, fields: tuple[str, ...]) -> str:
    """``n.a AS f1, n.b AS f2, null AS f3, ...`` for the projection's field slots."""
    if len(fields) > FABRIC_FIELD_SLOTS or not all(_FIELD.match(f) for f in fields):
        raise ValueError(f"not projection fields: {fields!r}")
    cells = [variable + "." + field for field in fields]
    cells += ["null"] * (FABRIC_FIELD_SLOTS - len(fields))
    return ", ".join(cell + " AS f" + str(number) for number, cell in enumerate(cells, start=1))


def _fabric_node_part(label: NodeLabel) -> str:
    return fill(
        "MATCH (n:<label>) RETURN '<label>' AS kind, n.id AS a, null AS b, ", label=label
    ) + _slots("n", FABRIC_NODE_FIELDS[label])


def _fabric_ties() -> list[tuple[str, RelType, NodeLabel, NodeLabel]]:
    """(part name, type, source label, target label) for each type of fabric tie and pair of
    labels it connects (``RELATIONSHIPS``, which the store holds every tie to)."""
    return [
        (f"{rel} {source} {target}", rel, source, target)
        for rel in FABRIC_TYPES
        for source in sorted(RELATIONSHIPS[rel].sources)
        for target in sorted(RELATIONSHIPS[rel].targets)
    ]


def _tie_pattern(rel: RelType, source: NodeLabel, target: NodeLabel) -> str:
    """The ties of a type between two labels. With both ends labelled the database starts from
    the fewer nodes: unlabelled, reading the few ties between organisations walked every node
    of a city."""
    return fill("MATCH (x:<source>)-[r:<rel>]->(y:<target>)", source=source, rel=rel, target=target)


def _fabric_edge_part(rel: RelType, pattern: str) -> str:
    return (
        pattern
        + fill(" RETURN '<rel>' AS kind, x.id AS a, y.id AS b, ", rel=rel)
        + _slots("r", FABRIC_EDGE_FIELDS.get(rel, ()))
    )


#: The social fabric in one statement: nodes, then edges, each with its projection fields
#: in the slots f1..f4 (which field is in which slot depends on the kind).
FABRIC = Query(
    "fabric",
    "\nUNION ALL\n".join(
        [_fabric_node_part(label) for label in FABRIC_LABELS]
        + [_fabric_edge_part(rel, _tie_pattern(rel, s, t)) for _, rel, s, t in _fabric_ties()]
    ),
)

#: The part names of the packed projections that hold fabric ties, with their type.
TIE_PARTS: tuple[tuple[str, RelType], ...] = tuple(
    (part, rel) for part, rel, _, _ in _fabric_ties()
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


def _version_part() -> str:
    return _packed_part(
        "version", fill("MATCH (n:<meta> {id: $meta_id})", meta=SystemLabel.META), ["n.version"]
    )


def _node_part(label: NodeLabel, fields: tuple[str, ...]) -> str:
    cells = [f"n.{field}" for field in fields if _FIELD.match(field)]
    return _packed_part(
        label.value, fill("MATCH (n:<label>)", label=label), ["ID(n)", "n.id", *cells]
    )


def _packed_parts() -> list[str]:
    parts = [_version_part()]
    node_fields = {label: FABRIC_NODE_FIELDS[label] for label in FABRIC_LABELS}
    for label, fields in (node_fields | ATTRIBUTE_NODE_FIELDS).items():
        parts.append(_node_part(label, fields))
    for part, rel, source, target in _fabric_ties():
        cells = [f"r.{field}" for field in FABRIC_EDGE_FIELDS.get(rel, ()) if _FIELD.match(field)]
        parts.append(
            _packed_part(part, _tie_pattern(rel, source, target), ["ID(x)", "ID(y)", *cells])
        )
    for rel, (source, target, fields) in ATTRIBUTE_TIES.items():
        cells = [f"r.{field}" for field in fields if _FIELD.match(field)]
        pattern = fill(
            "MATCH (x:<source>)-[r:<rel>]->(y:<target>)", source=source, rel=rel, target=target
        )
        parts.append(_packed_part(rel.value, pattern, ["ID(x)", "ID(y)", *cells]))
    return parts


#: Everything the network questions read, in one statement (so one consistent snapshot), each
#: part as one JSON list: decoding a city's 400,000 rows one cell at a time took seconds, one
#: string per part a fraction. FalkorDB only (``toJSON``); ties name their ends by internal id,
#: which the node parts of the same statement map to ``id``.
PACKED_PROJECTION = Query("packed_projection", "\nUNION ALL\n".join(_packed_parts()))


# --- the projection of some areas ------------------------------------------------------------
#
# The part of the fabric in some areas is what ``NetworkContext.scoped`` cuts from the whole:
# the residents, initiatives and organisations located in ``$codes`` (the areas and the areas
# within them), the professionals and organisations from elsewhere tied to those, and the ties
# among all of these. The queries read a little more: the whole system world (a few hundred
# nodes in a city) and every tie within it. The store then cuts by the same rule as the cut of
# the whole, so both agree whatever plan the database chooses; the lifeworld, all but a few
# percent of the graph, is filtered where it is read.


def _located(variable: str, label: NodeLabel) -> str | None:
    """The condition a node of ``label`` meets in the areas' part, if any: the lifeworld must be
    located there; the system world is read whole (which of it is tied there, the store sees)."""
    return None if label in SYSTEM_LABELS else f"{variable}.neighbourhood IN $codes"


def _where(*conditions: str | None) -> str:
    given = [condition for condition in conditions if condition]
    return " WHERE " + " AND ".join(given) if given else ""


def _area_nodes() -> list[tuple[NodeLabel, str]]:
    """(label, pattern) per fabric label."""
    return [
        (label, fill("MATCH (n:<label>)", label=label) + _where(_located("n", label)))
        for label in FABRIC_LABELS
    ]


def _area_ties() -> list[tuple[str, RelType, str]]:
    """(part name, type, pattern) as :func:`_fabric_ties`, of the ties that can be in the
    areas' part: each lifeworld end is located there."""
    return [
        (
            part,
            rel,
            _tie_pattern(rel, source, target)
            + _where(_located("x", source), _located("y", target)),
        )
        for part, rel, source, target in _fabric_ties()
    ]


def _area_attribute_ties() -> list[tuple[RelType, str]]:
    """(type, pattern) per attribute tie: a person's only where they are located; what
    initiatives address and look for, everywhere (the opportunities question weighs what
    initiatives elsewhere look for)."""
    found = []
    for rel, (source, target, _) in ATTRIBUTE_TIES.items():
        if source in PERSON_LABELS and source in SYSTEM_LABELS:
            raise ValueError(f"{rel}: a person of the system world has no area to scope to")
        condition = _where(_located("x", source)) if source in PERSON_LABELS else ""
        found.append((rel, _tie_pattern(rel, source, target) + condition))
    return found


#: What :data:`FABRIC` reads, for the part of some areas (``$codes``), in the same columns.
AREA_FABRIC = Query(
    "area_fabric",
    "\nUNION ALL\n".join(
        [
            pattern
            + fill(" RETURN '<label>' AS kind, n.id AS a, null AS b, ", label=label)
            + _slots("n", FABRIC_NODE_FIELDS[label])
            for label, pattern in _area_nodes()
        ]
        + [
            pattern
            + fill(" RETURN '<rel>' AS kind, x.id AS a, y.id AS b, ", rel=rel)
            + _slots("r", FABRIC_EDGE_FIELDS.get(rel, ()))
            for _, rel, pattern in _area_ties()
        ]
    ),
)


@cache
def area_attribute_ties(rel: RelType) -> Query:
    """The ``rel`` attribute ties the part of some areas (``$codes``) holds."""
    pattern = dict(_area_attribute_ties())[RelType(rel)]
    return Query(
        f"area_attribute_ties[{rel}]",
        pattern + "\nRETURN x.id, y.id, properties(r) ORDER BY x.id, y.id",
    )


#: The version and the attribute nodes (areas, themes, skills), packed as in
#: :data:`PACKED_PROJECTION`: the first of the two statements of an areas' projection.
PACKED_ATTRIBUTES = Query(
    "packed_attributes",
    "\nUNION ALL\n".join(
        [_version_part()]
        + [_node_part(label, fields) for label, fields in ATTRIBUTE_NODE_FIELDS.items()]
    ),
)

#: The second: the part of the fabric in ``$codes`` and its attribute ties, packed, every end
#: named by ``id`` (the attribute nodes were read by the first statement). Parts are named by
#: label, by attribute tie type, and ``"<type> <source> <target>"`` for the fabric's ties.
PACKED_AREA_PROJECTION = Query(
    "packed_area_projection",
    "\nUNION ALL\n".join(
        [
            _packed_part(
                label.value,
                pattern,
                ["n.id", *(f"n.{field}" for field in FABRIC_NODE_FIELDS[label])],
            )
            for label, pattern in _area_nodes()
        ]
        + [
            _packed_part(
                part,
                pattern,
                ["x.id", "y.id", *(f"r.{f}" for f in FABRIC_EDGE_FIELDS.get(rel, ()))],
            )
            for part, rel, pattern in _area_ties()
        ]
        + [
            _packed_part(
                rel.value, pattern, ["x.id", "y.id", *(f"r.{f}" for f in ATTRIBUTE_TIES[rel][2])]
            )
            for rel, pattern in _area_attribute_ties()
        ]
    ),
)
