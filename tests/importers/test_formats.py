"""Files as other tools write them: Gephi, networkx, Pajek, Kumu, Polinode, NodeXL; export,
re-import, same graph; the quirks of real files."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import networkx as nx
import pytest

from graph.analysis.context import NetworkContext
from graph.model import NodeLabel
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from tests.importers import network_files as files
from visualise.export import export_graph

HOOD = ImportOptions(neighbourhood="BU03630000", accept_new_areas=True)


def _write(directory: Path, name: str, content: str) -> Path:
    path = directory / name
    path.write_text(content, encoding="utf-8")
    return path


def _assert_neighbourhood(store: GraphStore, settings: Settings) -> nx.Graph:
    """The four people and three ties of :mod:`network_files`, Noor without ties."""
    key = installation_key(settings)
    ids = {pseudonym(key, "resident", name): name for name in files.PEOPLE}
    fabric = store.fabric()
    assert {ids[node] for node in fabric} == files.PEOPLE
    assert {frozenset((ids[a], ids[b])) for a, b in fabric.edges} == files.TIES
    assert fabric.degree[pseudonym(key, "resident", "noor")] == 0
    return nx.relabel_nodes(fabric, ids)


def _messages(report: object) -> list[str]:
    return [e.message("en") for e in report.errors]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("gephi.graphml", files.GEPHI_GRAPHML, id="gephi-graphml"),
        pytest.param("gephi.gexf", files.GEPHI_GEXF, id="gephi-gexf"),
        pytest.param("netwerk.edgelist", files.EDGE_LIST, id="edge-list-attributes-bom"),
        pytest.param("netwerk.edges", files.EDGE_LIST_SEMICOLONS, id="edge-list-semicolons"),
        pytest.param("netwerk.net", files.PAJEK, id="pajek"),
        pytest.param("kumu.json", files.KUMU_JSON, id="kumu-json"),
    ],
)
def test_a_network_file_as_its_tool_writes_it(
    store: GraphStore, store_settings: Settings, tmp_path: Path, name: str, content: str
) -> None:
    path = _write(tmp_path, name, content)
    report = run_import(store, store_settings, [path], HOOD)
    assert report.errors == [], _messages(report)
    graph = _assert_neighbourhood(store, store_settings)
    if name.startswith(("gephi", "netwerk.edge", "netwerk.net")):
        strengths = {frozenset(e): d.get("strength") for *e, d in graph.edges(data=True)}
        assert strengths[frozenset(("fatima", "jan"))] == 2, "a weight of 2 is a strength"
    if name.startswith("gephi"):
        noted = " ".join(n.en for n in report.notes)
        assert "Drawing attributes" in noted and "Computed measures" in noted


def test_gephi_graphml_keeps_the_name_beside_the_label_and_merges_the_arcs(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path, "gephi.graphml", files.GEPHI_GRAPHML)
    options = ImportOptions(keep_names=True, neighbourhood="BU03630000", accept_new_areas=True)
    report = run_import(store, store_settings, [path], options)
    assert report.errors == [], _messages(report)
    names = {n.properties.get("display_name") for n in store.nodes(NodeLabel.RESIDENT)}
    assert names == {"Fatima", "Jan", "Kees", "Noor"}
    noted = [n.en for n in report.notes]
    assert "'label' left out: the name comes from 'name'." in noted
    assert any("1 directed arcs merged" in n for n in noted), noted
    ages = {n.properties.get("age_band") for n in store.nodes(NodeLabel.RESIDENT)}
    assert ages == {"27-44", "67-79", None}, "an empty attribute is an empty cell"


@pytest.mark.parametrize(
    ("name", "sheets"),
    [
        pytest.param("kumu.xlsx", files.KUMU_XLSX, id="kumu"),
        pytest.param("polinode.xlsx", files.POLINODE_XLSX, id="polinode"),
        pytest.param("nodexl.xlsx", files.NODEXL_XLSX, id="nodexl"),
    ],
)
def test_node_and_edge_sheets_of_kumu_polinode_and_nodexl(
    store: GraphStore,
    store_settings: Settings,
    tmp_path: Path,
    name: str,
    sheets: dict[str, list[list[object]]],
) -> None:
    path = files.workbook(tmp_path / name, sheets)
    report = run_import(store, store_settings, [path], HOOD)
    assert report.errors == [], _messages(report)
    graph = _assert_neighbourhood(store, store_settings)
    if name == "kumu.xlsx":
        assert graph.edges["fatima", "jan"]["kind"] == "neighbour"
    if name == "nodexl.xlsx":
        assert any("Color" in n.en and "Degree" not in n.en for n in report.notes)
        assert any("1 repeated or opposite rows merged" in n.en for n in report.notes)


def test_unknown_attributes_are_refused_in_one_error_that_says_how_to_map_them(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    graphml = files.GEPHI_GRAPHML.replace(
        '<key attr.name="leeftijd"',
        '<key attr.name="diagnose" attr.type="string" for="node" id="d"/>\n'
        '<key attr.name="adres" attr.type="string" for="node" id="a"/>\n'
        '<key attr.name="leeftijd"',
    ).replace('<data key="leeftijd">27-44</data>', '<data key="d">x</data><data key="a">y</data>')
    report = run_import(store, store_settings, [_write(tmp_path, "g.graphml", graphml)], HOOD)
    (refused,) = report.errors
    assert refused.place.column == "diagnose, adres"  # as the file declares them
    assert "--columns" in refused.en and "[drop]" in refused.en
    # ties depend on refused rows; each at its edge's place in the file (edge 2, the arc
    # back, merged into edge 1)
    assert [s.place.row for s in report.skipped] == [1, 3, 4]
    assert store.count_by_label().get("Resident", 0) == 0


def test_an_edge_list_beside_a_node_list_keeps_everyone_on_the_node_list(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    """182 households in, 182 imported: people without ties come from the node list."""
    households = [f"H{n:03d}" for n in range(182)]
    people = _write(tmp_path, "bewoners.csv", "bron_id,leeftijd\n" + "".join(
        f"{h},45-66\n" for h in households))  # fmt: skip
    ties = "".join(
        f"{a} {b}\n" for a, b in zip(households[:174:2], households[1:174:2], strict=True)
    )
    edges = _write(tmp_path, "netwerk.edgelist", ties + "H999\n")
    report = run_import(store, store_settings, [edges, people], ImportOptions())
    assert report.errors == [], _messages(report)
    assert store.count_by_label()["Resident"] == 183, "the node list's 182 and H999"
    ages = [n.properties.get("age_band") for n in store.nodes(NodeLabel.RESIDENT)]
    assert ages.count("45-66") == 182, "the node list's details are kept, not duplicated"


GRAPHML_HEAD = (
    '<?xml version="1.0"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    '<graph edgedefault="undirected">'
)


def test_graphml_defaults_and_a_gexf_edge_kind_are_read(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    graphml = GRAPHML_HEAD.replace("<graph edge", '<key id="d0" for="node" attr.name="leeftijd">'
        "<default>80+</default></key>\n<graph edge") + (
        '<node id="a"/><node id="b"><data key="d0">18-26</data></node>'
        '<edge source="a" target="b"/></graph></graphml>'
    )  # fmt: skip
    report = run_import(store, store_settings, [_write(tmp_path, "d.graphml", graphml)], HOOD)
    assert report.errors == [], _messages(report)
    ages = sorted(n.properties["age_band"] for n in store.nodes(NodeLabel.RESIDENT))
    assert ages == ["18-26", "80+"]
    store.clear()
    gexf = files.GEPHI_GEXF.replace('weight="2.0"/>', 'weight="2.0" kind="buren"/>')
    report = run_import(store, store_settings, [_write(tmp_path, "k.gexf", gexf)], HOOD)
    assert report.errors == [], _messages(report)
    graph = _assert_neighbourhood(store, store_settings)
    assert graph.edges["fatima", "jan"]["kind"] == "neighbour"


@pytest.mark.parametrize(
    ("name", "content", "row", "expected"),
    [
        pytest.param("n.edgelist", "a b\nb b\n", 2, "connects something to itself",
                     id="self-loop"),
        pytest.param("n.edgelist", "a b {'strength': __import__('os')}\n", 1,
                     "Attributes cannot be read", id="code-in-attributes"),
        pytest.param("n.edgelist", "a b c d\n", 1, "Expected 'a b'", id="too-many-names"),
        pytest.param("n.net", '*Vertices 2\n1 "a\n', 2, "quote does not close",
                     id="pajek-quote"),
        pytest.param("n.net", "*Vertices 2\n*Matrix\n1 1\n", 2, "Unknown section",
                     id="pajek-matrix"),
        pytest.param("n.multiline-adjlist", "a 2\nb\n", 1, "file ends before",
                     id="adjlist-short"),
        pytest.param("n.graphml", GRAPHML_HEAD + '<node id="a"/><hyperedge/></graph></graphml>',
                     None, "not nested graphs, hyperedges", id="graphml-hyperedge"),
        pytest.param("n.graphml", GRAPHML_HEAD + '<node id="a">\n</graph></graphml>', 4,
                     "Cannot read the network file", id="graphml-malformed"),
    ],
)  # fmt: skip
def test_a_bad_network_line_is_located(
    store: GraphStore,
    store_settings: Settings,
    tmp_path: Path,
    name: str,
    content: str,
    row: int | None,
    expected: str,
) -> None:
    report = run_import(store, store_settings, [_write(tmp_path, name, content)], HOOD)
    matching = [e for e in report.errors if expected in e.en]
    assert matching, _messages(report)
    assert (matching[0].place.file, matching[0].place.row) == (name, row)
    assert not report.written


@pytest.mark.parametrize(
    ("suffix", "write"),
    [
        pytest.param(".edgelist", lambda g, p: nx.write_edgelist(g, p, data=True), id="edgelist"),
        pytest.param(".adjlist", nx.write_adjlist, id="adjlist"),
        pytest.param(".multiline-adjlist", nx.write_multiline_adjlist, id="multiline"),
        pytest.param(".net", nx.write_pajek, id="pajek"),
    ],
)
def test_networkx_writes_and_wijkgraaf_reads_the_same_graph(
    store: GraphStore, store_settings: Settings, tmp_path: Path, suffix: str, write: object
) -> None:
    graph = nx.Graph()
    graph.add_nodes_from(sorted(files.PEOPLE))
    for a, b in sorted(tuple(sorted(t)) for t in files.TIES):
        graph.add_edge(a, b, strength=2)
    path = tmp_path / f"netwerk{suffix}"
    write(graph, path)  # type: ignore[operator]
    if suffix == ".edgelist":  # networkx writes no line for a node without edges; people do
        with path.open("a", encoding="utf-8") as handle:
            handle.write("noor\n")
    report = run_import(store, store_settings, [path], HOOD)
    assert report.errors == [], _messages(report)
    read = _assert_neighbourhood(store, store_settings)
    if suffix in (".edgelist", ".multiline-adjlist"):
        assert {d["strength"] for *_, d in read.edges(data=True)} == {2}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_then_import_gives_the_same_graph(
    store: GraphStore, store_settings: Settings, tmp_path: Path, fmt: str
) -> None:
    _write(tmp_path, "buurten.csv", "code,naam\nBU03630000,Kop Zeedijk\n")
    _write(tmp_path, "bewoners.csv", "bron_id,leeftijd,buurt\n" + "".join(
        f"{p},27-44,BU03630000\n" for p in sorted(files.PEOPLE)))  # fmt: skip
    _write(tmp_path, "contacten.csv", "bewoner,andere_bewoner,sterkte,soort\n"
           "fatima,jan,2,buur\njan,kees,1,familie\nkees,fatima,3,vriend\n")  # fmt: skip
    paths = [tmp_path / n for n in ("buurten.csv", "bewoners.csv", "contacten.csv")]
    assert run_import(store, store_settings, paths, ImportOptions()).errors == []
    before = store.fabric()
    exported = tmp_path / f"export.{fmt}"
    export_graph(NetworkContext(1, before), exported, fmt)  # type: ignore[arg-type]
    store.clear()
    again = run_import(store, store_settings, [paths[0], exported], ImportOptions())
    assert again.errors == [], _messages(again)
    after = store.fabric()

    def shape(graph: nx.Graph) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        nodes = sorted((d["label"], d.get("neighbourhood"), d.get("age_band"))
                       for _, d in graph.nodes(data=True))  # fmt: skip
        edges = sorted((d.get("kind"), d.get("strength")) for *_, d in graph.edges(data=True))
        return nodes, edges

    assert nx.is_isomorphic(before, after) and shape(before) == shape(after)


def test_an_edge_list_leaves_what_is_stored_about_the_people_it_names(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    people = _write(tmp_path, "bewoners.csv", "bron_id,leeftijd\nfatima,27-44\njan,67-79\n")
    assert run_import(store, store_settings, [people], ImportOptions()).errors == []
    later = tmp_path / "later"
    later.mkdir()
    edges = _write(later, "netwerk.edgelist", "fatima jan\njan kees\n")
    report = run_import(store, store_settings, [edges], ImportOptions())
    assert report.errors == [], _messages(report)
    ages = {n.properties.get("age_band") for n in store.nodes(NodeLabel.RESIDENT)}
    assert ages == {"27-44", "67-79", None}, "kees is new; fatima and jan keep their age"
    assert report.nodes["Resident"].created == 1 and report.nodes["Resident"].unchanged == 2


def test_a_header_under_nodexl_headings_is_named_at_its_own_row(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    """NodeXL's headers are row 2 (its group headings are row 1): an error names row 2."""
    nodexl = cast(dict[str, list[list[object]]], files.NODEXL_XLSX)
    vertices = [[*row, "x"] for row in nodexl["Vertices"]]
    vertices[0][-1], vertices[1][-1] = None, "Diagnose"
    sheets = {**nodexl, "Vertices": vertices}
    path = files.workbook(tmp_path / "nodexl.xlsx", sheets)
    report = run_import(store, store_settings, [path], HOOD)
    (refused,) = report.errors
    assert (refused.place.sheet, refused.place.row, refused.value) == ("Vertices", 2, "Diagnose")
