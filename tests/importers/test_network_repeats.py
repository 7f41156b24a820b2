"""Network files that name someone or something twice: Pajek labels that repeat, pairs listed
twice (with the same or different values), rows with an empty end, and the small quirks of
how tools write them (a separator only from the second line, weights written as ``1.0``)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graph.model import NodeLabel
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym

HOOD = ImportOptions(neighbourhood="BU03630000", accept_new_areas=True)


def _write(directory: Path, name: str, content: str) -> Path:
    path = directory / name
    path.write_text(content, encoding="utf-8")
    return path


def _files(directory: Path, name: str, content: str) -> list[Path]:
    """The file, and for a tool's edge sheet its node sheet (the people the edges name)."""
    path = _write(directory, name, content)
    if name != "Edges.csv":
        return [path]
    return [_write(directory, "Nodes.csv", "Name\nAnna\nBob\n"), path]


def _located(report: object) -> list[tuple[str, int | None, str]]:
    return [(e.place.file, e.place.row, e.en) for e in report.errors]  # type: ignore[attr-defined]


def test_a_repeated_pajek_label_is_an_error_at_its_line_not_one_person(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path, "n.net", '*Vertices 3\n1 "Jan"\n2 "Jan"\n3 "Piet"\n*Edges\n1 3\n2 3\n')
    report = run_import(store, store_settings, [path], HOOD)
    ((file, row, message),) = _located(report)
    assert (file, row) == ("n.net", 3) and "also the label of vertex 1 (line 2)" in message
    assert not report.written and store.count_by_label().get("Resident", 0) == 0


@pytest.mark.parametrize(
    ("content", "row"),
    [
        pytest.param('*Vertices 2\n1 "2"\n2\n', 3, id="number-as-id"),
        pytest.param('*Vertices 2\n1 "Jan"\n1 "Piet"\n', 3, id="vertex-number-twice"),
        pytest.param('*Vertices 2\n1 "2"\n', 1, id="unlisted-vertex-numbered"),
    ],
)
def test_a_pajek_label_never_folds_into_another_vertex(
    store: GraphStore, store_settings: Settings, tmp_path: Path, content: str, row: int
) -> None:
    """A label "2" is vertex 2's id too where vertex 2 has no label of its own: an error,
    never one person; and a label is looked up as a vertex number only at an edge's ends."""
    report = run_import(store, store_settings, [_write(tmp_path, "n.net", content)], HOOD)
    assert [(f, r) for f, r, _ in _located(report)] == [("n.net", row)], _located(report)
    assert "vertex" in report.errors[0].en


def test_pajek_labels_that_look_like_numbers_are_people_of_their_own(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path, "n.net", '*Vertices 3\n3 "Piet"\n1 "3"\n2 "Jan"\n*Edges\n3 2\n')
    report = run_import(store, store_settings, [path], HOOD)
    assert report.errors == [], _located(report)
    key = installation_key(store_settings)
    ids = {pseudonym(key, "resident", name): name for name in ("3", "Piet", "Jan")}
    fabric = store.fabric()
    assert {ids[n] for n in fabric} == {"3", "Piet", "Jan"}
    assert {frozenset((ids[a], ids[b])) for a, b in fabric.edges} == {frozenset(("Piet", "Jan"))}


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param("Edges.csv", "Source,Target,Weight\nAnna,,1\nAnna,,2\n", "is required",
                     id="tool-sheet-empty-end"),
        pytest.param("n.edgelist", "anna bob\nanna anna\nanna anna\n", "connects something "
                     "to itself", id="edge-list-self-loop"),
    ],
)  # fmt: skip
def test_rows_that_are_mistakes_are_never_merged_away(
    store: GraphStore,
    store_settings: Settings,
    tmp_path: Path,
    name: str,
    content: str,
    expected: str,
) -> None:
    report = run_import(store, store_settings, _files(tmp_path, name, content), HOOD)
    rows = [r for _, r, message in _located(report) if expected in message]
    assert rows == [2, 3], _located(report)
    assert not report.written


@pytest.mark.parametrize(
    ("name", "content", "row", "column"),
    [
        pytest.param("Edges.csv", "Source,Target,Weight\nAnna,Bob,1\nBob,Anna,3\n", 3,
                     "strength", id="tool-sheet"),
        pytest.param("n.edgelist", "anna bob {'strength': 1}\nbob anna {'strength': 3}\n", 2,
                     "strength", id="edge-list"),
        pytest.param("n.net", '*Vertices 2\n1 "a"\n2 "b"\n*Arcs\n1 2 1\n2 1 2\n', 6,
                     "strength", id="pajek-arcs"),
        pytest.param("n.graphml", '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
                     '<key id="k" for="edge" attr.name="soort" attr.type="string"/>'
                     '<graph edgedefault="directed"><node id="a"/><node id="b"/>'
                     '<edge source="a" target="b"><data key="k">buur</data></edge>'
                     '<edge source="b" target="a"><data key="k">familie</data></edge>'
                     "</graph></graphml>", 2, "soort", id="graphml"),
    ],
)  # fmt: skip
def test_a_pair_repeated_with_other_values_is_an_error_not_the_first_kept(
    store: GraphStore,
    store_settings: Settings,
    tmp_path: Path,
    name: str,
    content: str,
    row: int,
    column: str,
) -> None:
    paths = _files(tmp_path, name, content)
    report = run_import(store, store_settings, paths, ImportOptions(
        neighbourhood="BU03630000", accept_new_areas=True, skip_invalid=True))  # fmt: skip
    (error,) = report.errors
    assert (error.place.file, error.place.row, error.place.column) == (name, row, column)
    assert "The same pair is on row" in error.en, error.en
    assert store.count_by_label().get("Resident", 0) == 2
    assert store.fabric().number_of_edges() == 0, "neither value is guessed: both refused"


def test_a_pair_repeated_with_the_same_values_is_one_tie_with_a_note(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    paths = _files(tmp_path, "Edges.csv", "Source,Target,Weight\nAnna,Bob,2\nBob,Anna,2.0\n")
    report = run_import(store, store_settings, paths, HOOD)
    assert report.errors == [], _located(report)
    assert any("1 repeated or opposite rows merged" in n.en for n in report.notes)
    ((*_, data),) = store.fabric().edges(data=True)
    assert data["strength"] == 2


def test_an_edge_list_separator_is_decided_by_the_first_line_that_has_one(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path, "n.edges", "Anna\nJan de Vries;Piet Jansen\n")
    report = run_import(store, store_settings, [path], HOOD)
    assert report.errors == [], _located(report)
    key = installation_key(store_settings)
    names = {pseudonym(key, "resident", n): n for n in ("Anna", "Jan de Vries", "Piet Jansen")}
    fabric = store.fabric()
    assert {names[n] for n in fabric} == set(names.values())
    assert fabric.number_of_edges() == 1


@pytest.mark.parametrize(
    ("suffix", "write"),
    [
        pytest.param(".net", nx.write_pajek, id="pajek"),
        pytest.param(".edgelist", lambda g, p: nx.write_weighted_edgelist(g, p),
                     id="weighted-edge-list"),
    ],
)  # fmt: skip
def test_a_weight_written_as_a_float_is_a_strength(
    store: GraphStore, store_settings: Settings, tmp_path: Path, suffix: str, write: object
) -> None:
    graph = nx.Graph()
    graph.add_edge("anna", "bob", weight=2.0)
    graph.add_edge("bob", "cees", weight=1.0)
    path = tmp_path / f"n{suffix}"
    write(graph, path)  # type: ignore[operator]
    assert "2.0" in path.read_text(encoding="utf-8")
    report = run_import(store, store_settings, [path], HOOD)
    assert report.errors == [], _located(report)
    strengths = sorted(d["strength"] for *_, d in store.fabric().edges(data=True))
    assert strengths == [1, 2]
    assert store.count_by_label()[NodeLabel.RESIDENT.value] == 3


def test_a_pajek_edge_to_a_vertex_not_listed_is_an_error_not_someone_else(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    """Vertex 5 is not among the 2: the edge is a mistake, never a tie to the person whose
    label is "5"."""
    path = _write(tmp_path, "n.net", '*Vertices 2\n1 "5"\n2 "Jan"\n*Edges\n5 2\n')
    report = run_import(store, store_settings, [path], HOOD)
    ((file, row, message),) = _located(report)
    assert (file, row) == ("n.net", 5) and "Vertex 5 is not" in message, message
    assert not report.written
