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


def _fabric_node_part(label: NodeLabel, dated: bool) -> str:
    return (
        fill("MATCH (n:<label>)", label=label)
        + _where(_held(dated, "n"))
        + fill(" RETURN '<label>' AS kind, n.id AS a, null AS b, ", label=label)
        + _slots("n", FABRIC_NODE_FIELDS[label])
        + _period_slots(dated, "n")
    )


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


def _where(*conditions: str | None) -> str:
    given = [condition for condition in conditions if condition]
    return " WHERE " + " AND ".join(given) if given else ""


def _held(dated: bool, variable: str = "r") -> str:
    """The condition a tie ``r`` or a fabric node meets to be read (:mod:`graph.periods`): in
    the present, that it holds; as of the date ``$as_of``, that its latest version held then
    or it has earlier versions (which one held, if any, the store works out from the period
    cells, and a tie only while both its ends were there)."""
    v = variable
    if not dated:
        return f"{v}.valid_to IS NULL"
    return (
        f"({v}.past IS NOT NULL OR (({v}.valid_from IS NULL OR {v}.valid_from <= $as_of)"
        f" AND ({v}.valid_to IS NULL OR $as_of < {v}.valid_to)))"
    )


def _ends_held(dated: bool, source: NodeLabel, target: NodeLabel) -> str | None:
    """In the present, a tie is read only while both its ends are there (its fabric ends: an
    area, theme or skill has no period); as of a date the store drops the ties whose ends
    were not there then."""
    if dated:
        return None
    ends = [v for v, label in (("x", source), ("y", target)) if label in FABRIC_LABELS]
    return " AND ".join(f"{v}.valid_to IS NULL" for v in ends) or None


def _tie_held(dated: bool, source: NodeLabel, target: NodeLabel) -> str:
    return " AND ".join(c for c in (_held(dated), _ends_held(dated, source, target)) if c)


#: The cells a tie read as of a date carries after its fields: its period and past versions
#: (a fabric node's the same, of ``n``).
PERIOD_CELLS: tuple[str, ...] = ("r.valid_from", "r.valid_to", "r.past")


def _period_slots(dated: bool, variable: str = "r") -> str:
    """``, r.valid_from AS p1, ...`` after the field slots of a tie or node read as of a date,
    nothing in the present."""
    if not dated:
        return ""
    cells = [cell.replace("r.", variable + ".") for cell in PERIOD_CELLS]
    return "".join(f", {cell} AS p{n}" for n, cell in enumerate(cells, start=1))


def _fabric_edge_part(rel: RelType, pattern: str, dated: bool) -> str:
    return (
        pattern
        + fill(" RETURN '<rel>' AS kind, x.id AS a, y.id AS b, ", rel=rel)
        + _slots("r", FABRIC_EDGE_FIELDS.get(rel, ()))
        + _period_slots(dated)
    )


def _fabric(dated: bool) -> Query:
    """The social fabric in one statement: nodes, then edges, each with its projection fields
    in the slots f1..f4 (which field is in which slot depends on the kind); as of a date, the
    edges' period cells after them."""
    return Query(
        "fabric_as_of" if dated else "fabric",
        "\nUNION ALL\n".join(
            [_fabric_node_part(label, dated) for label in FABRIC_LABELS]
            + [
                _fabric_edge_part(
                    rel, _tie_pattern(rel, s, t) + _where(_tie_held(dated, s, t)), dated
                )
                for _, rel, s, t in _fabric_ties()
            ]
        ),
    )


FABRIC = _fabric(dated=False)
FABRIC_AS_OF = _fabric(dated=True)

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


def _node_part(label: NodeLabel, fields: tuple[str, ...], dated: bool = False) -> str:
    """A packed part of nodes: a fabric node's only while it is there (its period cells after
    its fields as of a date), an area, theme or skill always."""
    cells = [f"n.{field}" for field in fields if _FIELD.match(field)]
    fabric = label in FABRIC_LABELS
    pattern = fill("MATCH (n:<label>)", label=label) + (_where(_held(dated, "n")) if fabric else "")
    periods = _period_cells(dated, "n") if fabric else []
    return _packed_part(label.value, pattern, ["ID(n)", "n.id", *cells, *periods])


def _period_cells(dated: bool, variable: str = "r") -> list[str]:
    return [cell.replace("r.", variable + ".") for cell in PERIOD_CELLS] if dated else []


def _packed_parts(dated: bool) -> list[str]:
    parts = [_version_part()]
    node_fields = {label: FABRIC_NODE_FIELDS[label] for label in FABRIC_LABELS}
    for label, fields in (node_fields | ATTRIBUTE_NODE_FIELDS).items():
        parts.append(_node_part(label, fields, dated))
    for part, rel, source, target in _fabric_ties():
        cells = [f"r.{field}" for field in FABRIC_EDGE_FIELDS.get(rel, ()) if _FIELD.match(field)]
        parts.append(
            _packed_part(
                part,
                _tie_pattern(rel, source, target) + _where(_tie_held(dated, source, target)),
                ["ID(x)", "ID(y)", *cells, *_period_cells(dated)],
            )
        )
    for rel, (source, target, fields) in ATTRIBUTE_TIES.items():
        cells = [f"r.{field}" for field in fields if _FIELD.match(field)]
        pattern = _tie_pattern(rel, source, target) + _where(_tie_held(dated, source, target))
        parts.append(
            _packed_part(rel.value, pattern, ["ID(x)", "ID(y)", *cells, *_period_cells(dated)])
        )
    return parts


#: Everything the network questions read, in one statement (so one consistent snapshot), each
#: part as one JSON list: decoding a city's 400,000 rows one cell at a time took seconds, one
#: string per part a fraction. FalkorDB only (``toJSON``); ties name their ends by internal id,
#: which the node parts of the same statement map to ``id``. As of a date (``$as_of``), each
#: tie carries its period cells after its fields.
PACKED_PROJECTION = Query("packed_projection", "\nUNION ALL\n".join(_packed_parts(False)))
PACKED_PROJECTION_AS_OF = Query(
    "packed_projection_as_of", "\nUNION ALL\n".join(_packed_parts(True))
)


# --- the projection of some areas ------------------------------------------------------------
#
# The part of the fabric in some areas is what ``NetworkContext.scoped`` cuts from the whole:
# the residents, initiatives and organisations located in ``$codes`` (the areas and the areas
# within them), the professionals and organisations from elsewhere tied to those, and the ties
# among all of these. The queries read a little more: the whole system world (a few hundred
# nodes in a city) and every tie within it. The store then cuts by the same rule as the cut of
# the whole, so both agree whatever plan the database chooses; the lifeworld, all but a few
# percent of the graph, is filtered where it is read.


def _located(variable: str, label: NodeLabel, dated: bool = False) -> str | None:
    """The condition a node of ``label`` meets in the areas' part, if any: the lifeworld must be
    located there; the system world is read whole (which of it is tied there, the store sees).
    As of a date, also a node with earlier versions (it may have lived there then: the store
    cuts by where it was)."""
    if label in SYSTEM_LABELS:
        return None
    here = f"{variable}.neighbourhood IN $codes"
    return f"({here} OR {variable}.past IS NOT NULL)" if dated else here


def _area_nodes(dated: bool) -> list[tuple[NodeLabel, str]]:
    """(label, pattern) per fabric label."""
    return [
        (
            label,
            fill("MATCH (n:<label>)", label=label)
            + _where(_located("n", label, dated), _held(dated, "n")),
        )
        for label in FABRIC_LABELS
    ]


def _area_ties(dated: bool) -> list[tuple[str, RelType, str]]:
    """(part name, type, pattern) as :func:`_fabric_ties`, of the ties that can be in the
    areas' part: each lifeworld end is located there."""
    return [
        (
            part,
            rel,
            _tie_pattern(rel, source, target)
            + _where(
                _located("x", source, dated),
                _located("y", target, dated),
                _tie_held(dated, source, target),
            ),
        )
        for part, rel, source, target in _fabric_ties()
    ]


def _area_attribute_ties(dated: bool) -> list[tuple[RelType, str]]:
    """(type, pattern) per attribute tie: a person's only where they are located; what
    initiatives address and look for, everywhere (the opportunities question weighs what
    initiatives elsewhere look for)."""
    found = []
    for rel, (source, target, _) in ATTRIBUTE_TIES.items():
        if source in PERSON_LABELS and source in SYSTEM_LABELS:
            raise ValueError(f"{rel}: a person of the system world has no area to scope to")
        located = _located("x", source, dated) if source in PERSON_LABELS else None
        condition = _where(located, _tie_held(dated, source, target))
        found.append((rel, _tie_pattern(rel, source, target) + condition))
    return found


def _area_fabric(dated: bool) -> Query:
    """What :data:`FABRIC` reads, for the part of some areas (``$codes``), in the same
    columns."""
    return Query(
        "area_fabric_as_of" if dated else "area_fabric",
        "\nUNION ALL\n".join(
            [
                pattern
                + fill(" RETURN '<label>' AS kind, n.id AS a, null AS b, ", label=label)
                + _slots("n", FABRIC_NODE_FIELDS[label])
                + _period_slots(dated, "n")
                for label, pattern in _area_nodes(dated)
            ]
            + [
                pattern
                + fill(" RETURN '<rel>' AS kind, x.id AS a, y.id AS b, ", rel=rel)
                + _slots("r", FABRIC_EDGE_FIELDS.get(rel, ()))
                + _period_slots(dated)
                for _, rel, pattern in _area_ties(dated)
            ]
        ),
    )


AREA_FABRIC = _area_fabric(dated=False)
AREA_FABRIC_AS_OF = _area_fabric(dated=True)


@cache
def area_attribute_ties(rel: RelType, *, dated: bool = False) -> Query:
    """The ``rel`` attribute ties the part of some areas (``$codes``) holds (as of ``$as_of``
    with ``dated``: every version's properties are in ``properties(r)``)."""
    pattern = dict(_area_attribute_ties(dated))[RelType(rel)]
    return Query(
        f"area_attribute_ties{'_as_of' if dated else ''}[{rel}]",
        pattern + "\nRETURN x.id, y.id, properties(r) ORDER BY x.id, y.id",
    )


@cache
def attribute_ties(rel: RelType, *, dated: bool = False) -> Query:
    """Every ``rel`` attribute tie of the whole graph that holds (as of ``$as_of`` with
    ``dated``), with its properties."""
    source, target, _ = ATTRIBUTE_TIES[RelType(rel)]
    return Query(
        f"attribute_ties{'_as_of' if dated else ''}[{rel}]",
        _tie_pattern(rel, source, target)
        + _where(_tie_held(dated, source, target))
        + "\nRETURN x.id, y.id, properties(r) ORDER BY x.id, y.id",
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


def _packed_area_projection(dated: bool) -> Query:
    """The second: the part of the fabric in ``$codes`` and its attribute ties, packed, every
    end named by ``id`` (the attribute nodes were read by the first statement). Parts are named
    by label, by attribute tie type, and ``"<type> <source> <target>"`` for the fabric's ties.
    As of a date, each node and tie carries its period cells after its fields."""
    periods = _period_cells(dated)
    return Query(
        "packed_area_projection_as_of" if dated else "packed_area_projection",
        "\nUNION ALL\n".join(
            [
                _packed_part(
                    label.value,
                    pattern,
                    [
                        "n.id",
                        *(f"n.{field}" for field in FABRIC_NODE_FIELDS[label]),
                        *_period_cells(dated, "n"),
                    ],
                )
                for label, pattern in _area_nodes(dated)
            ]
            + [
                _packed_part(
                    part,
                    pattern,
                    [
                        "x.id",
                        "y.id",
                        *(f"r.{f}" for f in FABRIC_EDGE_FIELDS.get(rel, ())),
                        *periods,
                    ],
                )
                for part, rel, pattern in _area_ties(dated)
            ]
            + [
                _packed_part(
                    rel.value,
                    pattern,
                    ["x.id", "y.id", *(f"r.{f}" for f in ATTRIBUTE_TIES[rel][2]), *periods],
                )
                for rel, pattern in _area_attribute_ties(dated)
            ]
        ),
    )


PACKED_AREA_PROJECTION = _packed_area_projection(dated=False)
PACKED_AREA_PROJECTION_AS_OF = _packed_area_projection(dated=True)
