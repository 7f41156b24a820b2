"""Measures out: the GraphML, GEXF and CSV exports carry each node's measures as the network
questions compute them, declared with their types, and no more of a person than the map shows.

The measures are held against the analysis functions (:func:`node_measures`, the bridges and
isolated answers) and against networkx run on the exported file itself.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pytest

from graph.analysis.bridges import answer_bridges
from graph.analysis.context import NetworkContext
from graph.analysis.isolated import answer_isolated, isolation_signals
from graph.analysis.node_measures import MEASURE_FIELDS, SIGNALS, node_measures
from graph.analysis.results import Scope
from visualise import FORMATS, build_map, export_graph
from visualise.measures import measure_rows, write_measures

READERS: dict[str, Callable[[Path], nx.Graph]] = {
    "graphml": nx.read_graphml,
    "gexf": nx.read_gexf,
}
BLOEMENBUURT = "BU99990101"
#: The type each measure is declared with: GraphML's attr.type and GEXF's type agree here.
DECLARED = {
    "betweenness": "double",
    "constraint": "double",
    "community": "long",
    "coreness": "long",
    "component_size": "long",
    **dict.fromkeys(SIGNALS, "boolean"),
    "isolated": "boolean",
}


def _exported(context: NetworkContext, tmp_path: Path, fmt: str, **options: object) -> nx.Graph:
    path = tmp_path / f"weefsel.{fmt}"
    export_graph(context, path, fmt, **options)  # type: ignore[arg-type]
    return READERS[fmt](path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_node_carries_the_measures_the_analysis_computes(
    sample_context: NetworkContext, tmp_path: Path, fmt: str
) -> None:
    read = _exported(sample_context, tmp_path, fmt)
    measured = node_measures(sample_context, Scope()).nodes
    assert set(read) == set(measured) == set(sample_context.fabric)
    for node, measure in measured.items():
        back = read.nodes[node]
        for field, value in measure.fields().items():
            if value is None:
                assert field not in back, (node, field)
            elif isinstance(value, float):
                assert isinstance(back[field], float) and back[field] == pytest.approx(value)
            else:
                assert type(back[field]) is type(value) and back[field] == value, (node, field)
    residents = [n for n, d in sample_context.fabric.nodes(data=True) if d["label"] == "Resident"]
    assert all(isinstance(read.nodes[n]["isolated"], bool) for n in residents)
    others = set(read) - set(residents)
    assert others and not any(s in read.nodes[n] for n in others for s in SIGNALS)


def test_measures_agree_with_the_answers(sample_context: NetworkContext) -> None:
    """The export's measures are the ones the bridges and isolated answers report."""
    measured = node_measures(sample_context, Scope()).nodes
    bridges = answer_bridges(sample_context, Scope(), limit=50)
    assert bridges.items
    for item in bridges.items:
        assert measured[item.id].betweenness == pytest.approx(item.figures["betweenness"])
        if item.figures["constraint"] is not None:
            assert measured[item.id].constraint == pytest.approx(item.figures["constraint"])
    isolated = answer_isolated(sample_context, Scope(), limit=1000)
    assert isolated.items
    for item in isolated.items:
        assert measured[item.id].isolated is True
        assert list(measured[item.id].signals or ()) == item.figures["signals"]
        assert measured[item.id].coreness == item.figures["coreness"]
        assert measured[item.id].component_size == item.figures["component"]
    flagged = {n for n, m in measured.items() if m.isolated}
    assert flagged == set(isolation_signals(sample_context, Scope()))
    assert isolated.summary["isolated"] == len(flagged)
    # a resident who only takes part in nothing is measured, not counted as isolated
    idle = [m for m in measured.values() if m.signals == ("no_participation",)]
    assert idle and not any(m.isolated for m in idle)


@pytest.mark.parametrize("scope", [Scope(), Scope(neighbourhoods=(BLOEMENBUURT,))], ids=str)
def test_networkx_on_the_exported_file_finds_the_same_measures(
    sample_context: NetworkContext, tmp_path: Path, scope: Scope
) -> None:
    """The export holds the whole network it was measured on, so networkx, reading only the
    file, computes the same betweenness, coreness, constraint and component sizes."""
    read = _exported(sample_context, tmp_path, "graphml", scope=scope)
    assert read.number_of_nodes() <= 5_000  # exact betweenness, no path-length bound
    between = nx.betweenness_centrality(read, normalized=True)
    core = nx.core_number(read)
    sizes = {n: len(part) for part in nx.connected_components(read) for n in part}
    burt = nx.constraint(read)
    for node, data in read.nodes(data=True):
        assert data["betweenness"] == pytest.approx(between[node], abs=1e-12), node
        assert data["coreness"] == core[node], node
        assert data["component_size"] == sizes[node], node
        if math.isnan(burt[node]):
            assert "constraint" not in data, node
        else:
            assert data["constraint"] == pytest.approx(burt[node]), node
    assert max(between.values()) > 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_measures_are_declared_with_their_types(
    sample_context: NetworkContext, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / f"weefsel.{fmt}"
    export_graph(sample_context, path, fmt)  # type: ignore[arg-type]
    root = ElementTree.parse(path).getroot()
    if fmt == "graphml":
        ns = "{http://graphml.graphdrawing.org/xmlns}"
        declared = {
            k.get("attr.name"): k.get("attr.type")
            for k in root.iter(f"{ns}key")
            if k.get("for") == "node"
        }
    else:
        ns = "{http://www.gexf.net/1.2draft}"
        declared = {
            a.get("title"): a.get("type")
            for block in root.iter(f"{ns}attributes")
            if block.get("class") == "node"
            for a in block.iter(f"{ns}attribute")
        }
    assert {field: declared.get(field) for field in MEASURE_FIELDS} == DECLARED


def test_a_coach_exports_what_their_map_shows(
    sample_context: NetworkContext, tmp_path: Path
) -> None:
    """Within a coach's areas (the context the map pages give them): nobody from elsewhere,
    names only as the map writes them, measures worked out within those areas."""
    coach = sample_context.restricted((BLOEMENBUURT,))
    map_nodes = {n["id"]: n["label"] for n in build_map(coach)["view"]["nodes"]}
    elsewhere = {
        n
        for n, d in sample_context.fabric.nodes(data=True)
        if d["label"] == "Resident" and d.get("neighbourhood") != BLOEMENBUURT
    }
    assert elsewhere
    measured = node_measures(coach, Scope()).nodes
    for fmt in FORMATS:
        read = _exported(coach, tmp_path, fmt)
        assert set(read) == set(map_nodes) == set(measured)
        assert not set(read) & elsewhere
        assert {n: read.nodes[n]["label"] for n in read} == map_nodes
        for node, measure in measured.items():
            assert read.nodes[node]["betweenness"] == pytest.approx(measure.betweenness)
    rows = measure_rows(coach)
    assert {row[0]: row[2] for row in rows} == map_nodes
    unnamed = [
        n for n in map_nodes if coach.fabric.nodes[n]["label"] == "Resident"
        and not coach.fabric.nodes[n].get("display_name")
    ]  # fmt: skip
    assert unnamed and all(map_nodes[n] == n[:8] for n in unnamed)
    # the names of residents elsewhere (none shared with someone on the map) are not in it
    text = (tmp_path / "weefsel.graphml").read_text(encoding="utf-8")
    shown = set(map_nodes.values())
    others = {
        str(d["display_name"])
        for n, d in sample_context.fabric.nodes(data=True)
        if n in elsewhere and d.get("display_name")
    } - shown
    assert others
    assert not [name for name in others if f">{name}<" in text]


@pytest.mark.parametrize(
    ("lang", "delimiter", "header"),
    [("nl", ";", ["id", "soort", "naam", "buurt"]), ("en", ",", ["id", "kind", "name"])],
)
def test_the_csv_opens_in_a_spreadsheet_in_either_language(
    sample_context: NetworkContext, tmp_path: Path, lang: str, delimiter: str, header: list[str]
) -> None:
    path = tmp_path / "maten.csv"
    count = write_measures(sample_context, path, lang=lang)  # type: ignore[arg-type]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))
    assert rows[0][: len(header)] == header
    assert count == len(rows) - 1 == sample_context.fabric.number_of_nodes()
    measured = node_measures(sample_context, Scope()).nodes
    yes, no = ("ja", "nee") if lang == "nl" else ("yes", "no")
    columns = {name: i for i, name in enumerate(rows[0])}
    between = columns["tussenpositie" if lang == "nl" else "betweenness"]
    core = columns["kerngetal" if lang == "nl" else "coreness"]
    alone = columns["geïsoleerd" if lang == "nl" else "isolated"]
    for row in rows[1:]:
        assert len(row) == len(rows[0])
        measure = measured[row[0]]
        cell = row[between]
        decimal, other = (",", ".") if lang == "nl" else (".", ",")
        assert decimal in cell and other not in cell, cell
        assert float(cell.replace(",", ".")) == pytest.approx(measure.betweenness)
        assert int(row[core]) == measure.coreness
        expected = "" if measure.isolated is None else (yes if measure.isolated else no)
        assert row[alone] == expected
    assert any(row[alone] == yes for row in rows[1:])


def test_the_csv_row_count_is_the_rows_written_even_with_a_line_break_in_a_name(
    tmp_path: Path,
) -> None:
    fabric = nx.Graph()
    fabric.add_node("r-1", label="Resident", display_name="Fa\r\ntima", neighbourhood="BU1")
    fabric.add_node("i-1", label="Initiative", name="Moes\r\ntuin", neighbourhood="BU1")
    fabric.add_edge("r-1", "i-1", type="PARTICIPATES_IN")
    path = tmp_path / "maten.csv"
    count = write_measures(NetworkContext(1, fabric), path, lang="en")
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    assert count == len(rows) - 1 == 2
    assert "Moes\r\ntuin" in {row[2] for row in rows}
