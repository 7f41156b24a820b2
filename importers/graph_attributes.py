"""Which attributes of a network file's nodes and edges become columns, the way other tools
write them (read by :mod:`importers.xml_graphs` and :mod:`importers.network_text`).

Gephi, networkx and Wijkgraaf's own export put more on nodes and edges than people and ties:
drawing (position, size, colour), computed measures (degree, betweenness, modularity class),
a display ``label`` beside a ``name``, a weight. What carries no data about a person is left
out with a note in the report; a ``label`` becomes the name where there is no ``name``; a
weight of 1 to 3 becomes a tie's strength. Every other attribute is a column like any other:
known ones are read, unknown ones refused (data minimisation) in one error that says how to
map or drop them.

Wijkgraaf's ties are mutual: a directed file's arcs a→b and b→a become one tie, and parallel
edges one tie, each with a note that says how many were merged (:func:`merged_pairs`, for the
readers of every network file and tool sheet).

>>> from importers.templates import SHEETS
>>> people = Table(SHEETS["residents"], "g.graphml", "nodes", ["source_id"])
>>> node_columns(people, {"label", "size", "r", "leeftijd"}, {})
{'label': 'name', 'leeftijd': 'leeftijd'}
>>> [n.en for n in people.notes]
['Drawing attributes (they hold no data about people) left out: r, size.']
>>> ties = Table(SHEETS["ties"], "g.graphml", "edges", ["resident", "other_resident"])
>>> edge_columns(ties, {"weight", "Edge Id"}, {"weight": {"2", "1"}})
({'weight': 'strength'}, True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from importers.report import Note, RowError
from importers.tables import Table
from importers.templates import normalise_header

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
E = TypeVar("E")


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


def deciding(name: str) -> bool:
    """Whether an attribute's values decide how it is read (``kind``, ``weight``, ...): its
    distinct values are passed to :func:`node_columns` and :func:`edge_columns`."""
    return normalise_header(name) in _DECIDING


def whole_number(text: str) -> str:
    """A number that is whole written as one (``2.0`` as ``2``), as a spreadsheet shows it:
    networkx writes a weight as a float, and only whole numbers 1 to 3 become a strength.

    >>> whole_number("2.0"), whole_number("2.5"), whole_number("buur")
    ('2', '2.5', 'buur')
    """
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


def merged_pairs(
    edges: Sequence[E],
    ties: Table,
    errors: list[RowError],
    *,
    ends: Callable[[E], tuple[int, str, str]],
    values: Callable[[E], dict[str, str]],
    directed: bool = False,
    unit: tuple[str, str] = ("lijnen", "edges"),
) -> list[tuple[E, dict[str, str]]]:
    """Each pair once, with a note of how many were merged: a tie in Wijkgraaf is mutual, so
    a directed file's a→b and b→a, and a pair listed twice, are one tie.

    ``ends`` gives an edge's row and its two ends; ``values`` what the edge says about the
    tie, by column (kind, strength, ...). Each pair's first edge is kept, with the values its
    repeats add where it has none (a→b with a kind, b→a without: one tie of that kind).
    Nothing that is a mistake is merged away: an edge with an empty end, and a self-loop,
    each stay to be refused (every mistake in one run). A repeat that gives a value other
    than the first's is an error at its row, and the first row is refused with it: only the
    file's author knows which is right.

    >>> from importers.templates import SHEETS
    >>> table, found = Table(SHEETS["ties"], "g.gexf", "edges", []), []
    >>> edges = [(1, "a", "b", ""), (2, "b", "a", "2"), (3, "a", "c", "1"), (4, "c", "a", "3")]
    >>> merged_pairs(edges, table, found, ends=lambda e: e[:3],
    ...              values=lambda e: {"strength": e[3]}, directed=True)
    [((1, 'a', 'b', ''), {'strength': '2'}), ((3, 'a', 'c', '1'), {'strength': '1'})]
    >>> [n.en for n in table.notes], [(e.place.row, e.value) for e in found], table.refused
    (['1 directed arcs merged: a tie in Wijkgraaf is mutual.'], [(4, '3')], {3})
    """
    first: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    kept: list[tuple[E, dict[str, str]]] = []
    merged = 0
    for edge in edges:
        row, a, b = ends(edge)
        a, b = a.strip(), b.strip()
        if not a or not b or a == b:
            kept.append((edge, values(edge)))
            continue
        pair = (a, b) if a <= b else (b, a)
        seen = first.get(pair)
        if seen is None:
            first[pair] = (row, values(edge))
            kept.append((edge, first[pair][1]))
            continue
        repeat = values(edge)
        conflicts = _conflicts(ties, row, seen, repeat)
        if conflicts:
            errors += conflicts
            ties.refused.add(seen[0])
            continue
        merged += 1
        for column, value in repeat.items():
            if value and not seen[1].get(column):
                seen[1][column] = value
    if merged:
        what_nl = "gerichte pijlen" if directed else f"dubbele of tegengestelde {unit[0]}"
        what_en = "directed arcs" if directed else f"repeated or opposite {unit[1]}"
        note(ties, f"{merged} {what_nl} samengevoegd: een contact in Wijkgraaf is wederzijds.",
             f"{merged} {what_en} merged: a tie in Wijkgraaf is mutual.")  # fmt: skip
    elif directed and edges:
        note(ties, "Gericht netwerk: elke pijl is als wederzijds contact gelezen.",
             "Directed network: every arc was read as a mutual tie.")  # fmt: skip
    return kept


def _conflicts(
    ties: Table, row: int, first: tuple[int, dict[str, str]], values: dict[str, str]
) -> list[RowError]:
    """The errors of a repeated pair's row, one for each column where both give a value and
    the values differ."""
    earlier, before = first
    return [
        RowError(
            ties.place(row, column),
            values.get(column, ""),
            f"Hetzelfde paar staat op rij {earlier} met {column} {before.get(column, '')!r}, "
            f"hier {values.get(column, '')!r}. Een contact in Wijkgraaf is wederzijds en heeft "
            "één waarde: maak de rijen gelijk of laat er één weg (geen van beide wordt "
            "ingelezen).",
            f"The same pair is on row {earlier} with {column} {before.get(column, '')!r}, here "
            f"{values.get(column, '')!r}. A tie in Wijkgraaf is mutual and has one value: make "
            "the rows agree or leave one out (neither is imported).",
        )
        for column in sorted(before.keys() & values.keys())
        if before[column] and values[column] and before[column] != values[column]
    ]
