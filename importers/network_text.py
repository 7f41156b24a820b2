"""Network files that are text, one element a line: networkx edge lists and adjacency lists,
and Pajek ``.net``. Read a line at a time (none longer than the limit, not more lines than
rows allowed), every mistake located at its line.

- **Edge list** (``.edgelist``, ``.edges``; networkx ``write_edgelist``): ``a b`` a tie,
  ``a b {'strength': 2}`` a tie with attributes, ``a b 2`` a tie with a weight, and a line
  with one name a person without ties (never dropped). Names are separated by spaces, or by
  the semicolon, comma or tab of the first line that has one. ``#`` starts a comment.
- **Adjacency list** (``.adjlist``; ``write_adjlist``): a person, then everyone they know.
- **Multi-line adjacency list** (``.multiline-adjlist``; ``write_multiline_adjlist``): a
  person and how many they know, then one line for each, with its attributes.
- **Pajek** (``.net``): ``*Vertices n`` then ``number "label" [x y z] [drawing]``; ``*Edges``
  or ``*Arcs`` then ``a b [weight]``; ``*Edgeslist`` or ``*Arcslist`` then ``a b c ...``.
  A vertex's label is its id where it has one (its number where not): the id that links it
  to other files of the import and to an earlier import, so a label that two vertices have is
  an error at the second, never one person made of two. Edges name vertices by number; a
  label that looks like a number ("2") is a label, never vertex 2. Every vertex is a person,
  with ties or not. Weights written as floats (``1.0``, as networkx writes them) are read as
  whole numbers.

People named only here are residents unless another file of the import lists them (a
``bewoners`` sheet with their details, say): the network file adds no duplicate of them.
"""

from __future__ import annotations

import ast
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from importers.graph_attributes import edge_columns, merged_pairs, note, whole_number
from importers.limits import Limits, LineTooLong, bounded_lines, line_error, too_many_rows
from importers.report import Place
from importers.tables import ReadResult, Table, add_row, cell_text, error, not_utf8
from importers.templates import SHEETS

TEXT_SUFFIXES = {".edgelist", ".edges", ".adjlist", ".multiline-adjlist", ".net"}

Edge = tuple[int, str, str, dict[str, Any]]  # line, one end, the other end, attributes


class LineError(ValueError):
    def __init__(self, nl: str, en: str) -> None:
        super().__init__(en)
        self.nl, self.en = nl, en


class _Network:
    """What a file names: its people (with the line that first names them) and its ties."""

    def __init__(self) -> None:
        self.nodes: dict[str, int] = {}
        self.edges: list[Edge] = []
        self.labels: dict[str, str] = {}  # Pajek: a vertex's number -> its label
        self.vertices: dict[str, tuple[str, int]] = {}  # Pajek: a label -> vertex, line
        self.listed: dict[str, int] = {}  # Pajek: a vertex's number -> its line
        self.problems: list[_Located] = []  # mistakes that do not stop the reading
        self.drawing = False
        self.directed = False

    def node(self, name: str, line: int) -> str:
        self.nodes.setdefault(name, line)
        return name

    def edge(self, line: int, a: str, b: str, data: dict[str, Any]) -> None:
        """A tie; its ends are a Pajek file's vertex numbers (then read as their labels)."""
        a, b = self.labels.get(a, a), self.labels.get(b, b)
        self.edges.append((line, self.node(a, line), self.node(b, line), data))


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    return ".multiline-adjlist" if name.endswith(".multiline-adjlist") else path.suffix.lower()


def read_network_text(
    path: Path, result: ReadResult, neighbourhood: str | None, limits: Limits
) -> None:
    """Read an edge list, adjacency list or Pajek file into residents and ties tables."""
    network = _Network()
    parse = {
        ".edgelist": _edge_list, ".edges": _edge_list, ".adjlist": _adjacency,
        ".multiline-adjlist": _multiline, ".net": _pajek,
    }[suffix_of(path)]  # fmt: skip
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            lines = _numbered(bounded_lines(handle), limits, path)
            parse(lines, network)
    except LineTooLong as exc:
        result.errors.append(line_error(Place(path.name, row=exc.number)))
        return
    except UnicodeDecodeError:
        result.errors.append(not_utf8(path))
        return
    except _TooMany as exc:
        result.errors.append(too_many_rows(Place(path.name, row=exc.number), limits))
        return
    except _Located as exc:
        result.errors.append(error(Place(path.name, row=exc.number), exc.value, exc.nl, exc.en))
        return
    for problem in network.problems:
        place = Place(path.name, row=problem.number)
        result.errors.append(error(place, problem.value, problem.nl, problem.en))
    if network.problems:
        return
    _tables(path.name, network, result, neighbourhood)


class _TooMany(Exception):
    def __init__(self, number: int) -> None:
        self.number = number


class _Located(Exception):
    def __init__(self, number: int, value: str, problem: LineError) -> None:
        self.number, self.value, self.nl, self.en = number, value, problem.nl, problem.en


def _numbered(lines: Iterator[str], limits: Limits, path: Path) -> Iterator[tuple[int, str]]:
    """The file's lines that hold something, with their 1-based numbers; comments removed."""
    for number, line in enumerate(lines, start=1):
        if number > limits.max_rows + 1:
            raise _TooMany(number)
        text = line.strip()
        if not text or text.startswith(("#", "%")):
            continue
        yield number, text


def _located(number: int, text: str, problem: LineError) -> _Located:
    return _Located(number, text[:60], problem)


def _delimiter(text: str) -> str | None:
    head = text.split("{", 1)[0]
    for candidate in (";", "\t", ","):
        if candidate in head:
            return candidate
    return None


def _split(text: str, delimiter: str | None) -> tuple[list[str], str]:
    """A line's names, and what follows them from its first ``{`` (attributes)."""
    head, brace, rest = text.partition("{")
    names = [part.strip() for part in head.split(delimiter) if part.strip()]
    return names, brace + rest


def _attributes(text: str) -> dict[str, Any]:
    """A networkx attribute dictionary, ``{'strength': 2}``: values only, never code."""
    if not text:
        return {}
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str | int | float | bool))
        for k, v in value.items()
    ):
        raise LineError(
            "Attributen niet leesbaar: schrijf ze als {'sterkte': 2, 'soort': 'buur'}.",
            "Attributes cannot be read: write them as {'strength': 2, 'kind': 'neighbour'}.",
        )
    return value


def _edge_list(lines: Iterator[tuple[int, str]], network: _Network) -> None:
    delimiter: str | None = None  # spaces, until a line has a semicolon, tab or comma
    for number, text in lines:
        if delimiter is None:
            delimiter = _delimiter(text)
        try:
            names, rest = _split(text, delimiter)
            data = _attributes(rest)
        except LineError as problem:
            raise _located(number, text, problem) from None
        if len(names) == 1 and not data:
            network.node(names[0], number)
        elif len(names) == 2:
            network.edge(number, names[0], names[1], data)
        elif len(names) == 3 and not data:
            network.edge(number, names[0], names[1], {"weight": whole_number(names[2])})
        else:
            raise _located(number, text, LineError(
                "Verwacht 'a b', 'a b {attributen}' of één naam (iemand zonder contacten).",
                "Expected 'a b', 'a b {attributes}' or one name (someone without ties).",
            ))  # fmt: skip


def _adjacency(lines: Iterator[tuple[int, str]], network: _Network) -> None:
    for number, text in lines:
        names, rest = _split(text, _delimiter(text))
        if rest:
            raise _located(number, text, LineError(
                "Een lijst van buren heeft geen attributen; gebruik een meerregelige lijst.",
                "An adjacency list has no attributes; use a multi-line adjacency list.",
            ))  # fmt: skip
        network.node(names[0], number)
        for other in names[1:]:
            network.edge(number, names[0], other, {})


def _multiline(lines: Iterator[tuple[int, str]], network: _Network) -> None:
    for number, text in lines:
        names, _ = _split(text, None)
        if len(names) != 2 or not names[1].isdigit():
            raise _located(number, text, LineError(
                "Verwacht 'naam aantal' (hoeveel regels met buren volgen).",
                "Expected 'name count' (how many lines of neighbours follow).",
            ))  # fmt: skip
        person = network.node(names[0], number)
        for _ in range(int(names[1])):
            following = next(lines, None)
            if following is None:
                raise _located(number, text, LineError(
                    "Het bestand houdt op voor alle buren van deze regel er zijn.",
                    "The file ends before all the neighbours of this line.",
                ))  # fmt: skip
            line, other_text = following
            try:
                others, rest = _split(other_text, None)
                data = _attributes(rest)
            except LineError as problem:
                raise _located(line, other_text, problem) from None
            if len(others) != 1:
                raise _located(line, other_text, LineError(
                    "Verwacht één buur per regel, met zijn attributen.",
                    "Expected one neighbour a line, with its attributes.",
                ))  # fmt: skip
            network.edge(line, person, others[0], data)


def _pajek(lines: Iterator[tuple[int, str]], network: _Network) -> None:
    section = ""
    declared: tuple[int, str, int] | None = None  # *Vertices n: its line, its text and n
    for number, text in lines:
        if text.startswith("*"):
            words = text.split()
            section = words[0].lower()
            if section == "*vertices" and len(words) > 1 and words[1].isdigit():
                declared = (number, text, int(words[1]))
            network.directed = network.directed or section.startswith("*arc")
            if section not in ("*vertices", "*edges", "*arcs", "*edgeslist", "*arcslist"):
                raise _located(number, text, LineError(
                    "Onbekend onderdeel; Pajek kent *Vertices, *Edges, *Arcs, *Edgeslist en "
                    "*Arcslist.", "Unknown section; Pajek has *Vertices, *Edges, *Arcs, "
                    "*Edgeslist and *Arcslist.",
                ))  # fmt: skip
            continue
        try:
            parts = shlex.split(text, posix=True)
        except ValueError:
            raise _located(number, text, LineError(
                "Een aanhalingsteken sluit niet.", "A quote does not close."
            )) from None  # fmt: skip
        if section == "*vertices":
            vertex, label = parts[0], parts[1] if len(parts) > 1 else parts[0]
            _vertex(network, vertex, label, (number, text))
            network.drawing = network.drawing or len(parts) > 2
        elif section in ("*edges", "*arcs") and len(parts) >= 2:
            data = {"weight": whole_number(parts[2])} if len(parts) > 2 else {}
            network.drawing = network.drawing or len(parts) > 3
            if _listed(network, declared, parts[:2], (number, text)):
                network.edge(number, parts[0], parts[1], data)
        elif section in ("*edgeslist", "*arcslist"):
            if _listed(network, declared, parts, (number, text)):
                for other in parts[1:]:
                    network.edge(number, parts[0], other, {})
        else:
            raise _located(number, text, LineError(
                "Regel buiten *Vertices of *Edges, of een lijn met één punt.",
                "A line outside *Vertices or *Edges, or an edge with one end.",
            ))  # fmt: skip
    if declared is not None:  # vertices without a line of their own: numbered 1 to n
        line, text, count = declared
        for vertex in map(str, range(1, count + 1)):
            if vertex not in network.listed:
                _vertex(network, vertex, vertex, (line, text))


def _listed(
    network: _Network,
    declared: tuple[int, str, int] | None,
    ends: list[str],
    where: tuple[int, str],
) -> bool:
    """Whether an edge's ends are vertices of the file (listed, or numbered 1 to n by
    ``*Vertices n``); if not, an error at its line: never a tie to whoever has that label."""
    if declared is None and not network.listed:
        return True  # no *Vertices at all: the ends are the ids
    count = declared[2] if declared else 0
    for end in ends:
        if end not in network.listed and not (end.isdigit() and 1 <= int(end) <= count):
            network.problems.append(_located(*where, LineError(
                f"Punt {end} staat niet onder *Vertices ({count} punten): een lijn verbindt "
                "punten bij hun nummer.", f"Vertex {end} is not listed under *Vertices ({count} "
                "vertices): an edge joins vertices by their numbers.",
            )))  # fmt: skip
            return False
    return True


def _vertex(network: _Network, vertex: str, label: str, where: tuple[int, str]) -> None:
    """A Pajek vertex, its label its id: a vertex listed twice, or a label another vertex has
    (Pajek allows it), is an error at its line, so that no two vertices become one person."""
    number, text = where
    if vertex in network.listed:
        line = network.listed[vertex]
        network.problems.append(_located(number, text, LineError(
            f"Punt {vertex} staat er twee keer in (ook op regel {line}): geef elk punt een "
            "eigen nummer.", f"Vertex {vertex} is listed twice (also on line {line}): give "
            "every vertex a number of its own.",
        )))  # fmt: skip
        return
    network.listed[vertex] = number
    other = network.vertices.get(label)
    if other is not None:
        network.problems.append(_located(number, text, LineError(
            f"Punt {vertex}: {label!r} is ook het label van punt {other[0]} (regel {other[1]}). "
            "Wijkgraaf leest het label als de id van een persoon (zonder label het nummer), "
            "dus beide punten zouden één persoon worden. Geef elk punt een eigen label, "
            "bijvoorbeeld met een nummer erachter.",
            f"Vertex {vertex}: {label!r} is also the label of vertex {other[0]} (line "
            f"{other[1]}). Wijkgraaf reads the label as a person's id (without a label, the "
            "number), so both vertices would be one person. Give every vertex a label of its "
            "own, say with a number after it.",
        )))  # fmt: skip
        return
    network.labels[vertex] = label
    network.vertices[label] = (vertex, number)
    network.node(label, number)


def _tables(file: str, network: _Network, result: ReadResult, neighbourhood: str | None) -> None:
    residents = Table(SHEETS["residents"], file, None, ["source_id"], implicit=True)
    if neighbourhood:
        residents.headers.append("neighbourhood")
    for name, number in network.nodes.items():
        add_row(residents, number, [name, neighbourhood] if neighbourhood else [name], result)
    if network.drawing:
        note(residents, "Tekengegevens (positie, vorm, kleur) weggelaten.",
             "Drawing data (position, shape, colour) left out.")  # fmt: skip
    ties = Table(SHEETS["ties"], file, None, ["resident", "other_resident"])
    keys = {k for *_, data in network.edges for k in data}
    texts = {k: {cell_text(d[k]) for *_, d in network.edges if k in d} for k in keys}
    columns, _ = edge_columns(ties, keys, texts)
    attributes = list(columns)
    ties.headers += [columns[a] for a in attributes]
    edges = merged_pairs(
        network.edges, ties, result.errors, ends=lambda e: e[:3], directed=network.directed,
        values=lambda e: {columns[k]: cell_text(e[3].get(k)) for k in attributes},
    )  # fmt: skip
    for (number, a, b, _), merged in edges:
        add_row(ties, number, [a, b] + [merged[columns[k]] for k in attributes], result)
    result.tables.append(residents)
    result.tables.append(ties)
