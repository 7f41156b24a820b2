"""The node and edge sheets other network tools write, read as residents and ties.

- **Kumu** (spreadsheet or JSON): ``Elements`` with ``Label`` (the id the connections use),
  ``Type`` and more; ``Connections`` with ``From``, ``To``, ``Type`` and ``Direction``.
- **Polinode** (Excel): ``Nodes`` with ``Name`` first; ``Edges`` with ``Source`` and
  ``Target``.
- **NodeXL** (Excel): ``Vertices`` with ``Vertex``; ``Edges`` with ``Vertex 1`` and
  ``Vertex 2``; both with many drawing and measure columns, under a row of group headings.

The id column names the person, and is their name too (kept only with consent or
``--keep-names``, as any name). Drawing and measure columns are left out with a note; a
``Type`` that only says "person" too; a connection's type is the tie's kind; a weight of 1 to 3
its strength; a pair listed twice (both directions, say) is one tie. Every other column is read
as the templates' columns are, and an unknown one is refused (data minimisation), with how to
map or drop it.

>>> tool_sheet("Connections.csv"), tool_sheet("Vertices"), tool_sheet("bewoners")
('ties', 'residents', None)
"""

from __future__ import annotations

from importers.graph_attributes import APPEARANCE, MEASURES, merged_pairs, note
from importers.report import RowError
from importers.tables import Table
from importers.templates import header_map, normalise_header

_SHEETS = {
    "elements": "residents", "nodes": "residents", "vertices": "residents",
    "connections": "ties", "edges": "ties", "links": "ties",
}  # fmt: skip
_IDS = ("vertex", "label", "name", "id")  # NodeXL's, Kumu's, Polinode's
_FROM = {"from", "source", "vertex_1"}
_TO = {"to", "target", "vertex_2"}
_KIND = {"type", "connection_type", "kind"}
_WEIGHT = {"weight", "edge_weight", "strength"}
#: Bookkeeping columns of the tools (NodeXL's row ids, filters, reciprocity; Kumu's direction).
_BOOKKEEPING = {
    "id", "dynamic_filter", "add_your_own_columns_here", "reciprocated",
    "reciprocated_vertex_pair_ratio", "direction", "_id",
}  # fmt: skip
_PEOPLE = {"person", "persoon", "people", "resident", "bewoner", "mens", ""}


def tool_sheet(name: str) -> str | None:
    """The sheet key of a tool's sheet or file name (``Elements``, ``edges.csv``), or None."""
    stem = name.rsplit("/", 1)[-1]
    for suffix in (".csv", ".txt", ".json", ".xlsx"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return _SHEETS.get(normalise_header(stem))


def adapt(table: Table, errors: list[RowError]) -> None:
    """Read a tool's sheet as Wijkgraaf's: headers renamed, the rest left out with a note;
    a pair of an edge sheet repeated with other values is an error in ``errors``."""
    _promote_headings(table)
    folded = [normalise_header(h) for h in table.headers]
    left_out: list[str] = []
    for index, key in enumerate(folded):
        edge_label = key == "label" and table.sheet.key == "ties"
        if key in APPEARANCE or key in MEASURES or key in _BOOKKEEPING or edge_label:
            if key == "id" and table.sheet.key == "residents" and _id_key(folded) == "id":
                continue
            left_out.append(table.headers[index])
            table.headers[index] = folded[index] = ""
    if left_out:
        listed = ", ".join(left_out)
        note(table, f"Teken-, maat- en beheerkolommen weggelaten: {listed}.",
             f"Drawing, measure and bookkeeping columns left out: {listed}.")  # fmt: skip
    if table.sheet.key == "residents":
        _people(table, folded)
    else:
        _ties(table, folded, errors)


def _id_key(folded: list[str]) -> str | None:
    return next((key for key in _IDS if key in folded), None)


def _promote_headings(table: Table) -> None:
    """NodeXL puts group headings ("Visual Properties", "Labels") above the column headers:
    where the headers have no id column and the first row does, the first row is the header."""
    if not table.rows:
        return
    wanted = (_IDS, ("source_id",)) if table.sheet.key == "residents" else (tuple(_FROM),)
    names = {normalise_header(h) for h in table.headers}
    first = {normalise_header(c) for c in table.rows[0][1]}
    if not any(k in names for keys in wanted for k in keys) and any(
        k in first for keys in wanted for k in keys
    ):
        table.header_row, cells = table.rows.pop(0)
        table.headers = list(cells)


def _people(table: Table, folded: list[str]) -> None:
    id_key = _id_key(folded)
    if id_key is None or {"source_id", "bron_id"} & set(folded):
        return  # the templates' own bron_id, or a missing one: the header check says so
    index = folded.index(id_key)
    table.headers[index] = "source_id"
    if id_key == "vertex" and "label" in folded:
        table.headers[folded.index("label")] = "name"  # NodeXL's label: the name shown
    elif not {"naam", "name"} & (set(folded) - {id_key}):
        table.headers.append("name")  # the label is the person's name too
        width = len(table.headers)
        for _, cells in table.rows:
            cells.extend([""] * (width - 1 - len(cells)))
            cells.append(cells[index])
    for index, key in enumerate(folded):
        if key in _KIND and key != id_key:
            kinds = {normalise_header(c[index]) for _, c in table.rows if index < len(c)}
            if kinds <= _PEOPLE:
                note(table, f"'{table.headers[index]}' weggelaten: iedereen is een persoon.",
                     f"'{table.headers[index]}' left out: everyone is a person.")  # fmt: skip
                table.headers[index] = ""


def _ties(table: Table, folded: list[str], errors: list[RowError]) -> None:
    for index, key in enumerate(folded):
        if key in _FROM:
            table.headers[index] = "resident"
        elif key in _TO:
            table.headers[index] = "other_resident"
        elif key in _KIND:
            table.headers[index] = "kind"
        elif key in _WEIGHT:
            texts = {c[index].removesuffix(".0") for _, c in table.rows if index < len(c)}
            if texts <= {"1", "2", "3", ""}:
                table.headers[index] = "strength"
                for _, cells in table.rows:
                    if index < len(cells):
                        cells[index] = cells[index].removesuffix(".0")
            else:
                note(table, f"'{table.headers[index]}' weggelaten: alleen hele getallen 1 tot 3 "
                     "worden de sterkte van een contact.", f"'{table.headers[index]}' left out: "
                     "only whole numbers 1 to 3 become a tie's strength.")  # fmt: skip
                table.headers[index] = ""
    _merge_pairs(table, errors)


def _merge_pairs(table: Table, errors: list[RowError]) -> None:
    """A tool's edge sheet lists a mutual tie once per direction, or twice: each pair is kept
    once (its first row), as :func:`importers.graph_attributes.merged_pairs` says."""
    if "resident" not in table.headers or "other_resident" not in table.headers:
        return
    a, b = table.headers.index("resident"), table.headers.index("other_resident")
    known = header_map(table.sheet)  # an unknown column is refused on its own already
    compared = [
        i for i, h in enumerate(table.headers) if normalise_header(h) in known and i not in (a, b)
    ]

    def cell(cells: list[str], index: int) -> str:
        return cells[index] if index < len(cells) else ""

    kept = merged_pairs(
        table.rows, table, errors, ends=lambda r: (r[0], cell(r[1], a), cell(r[1], b)),
        values=lambda r: {table.headers[i]: cell(r[1], i) for i in compared},
        unit=("rijen", "rows"),
    )  # fmt: skip
    table.rows = []
    for (number, cells), merged in kept:
        cells.extend([""] * (max(compared, default=-1) + 1 - len(cells)))
        for index in compared:
            cells[index] = merged[table.headers[index]]
        table.rows.append((number, cells))
