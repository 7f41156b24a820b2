"""One run names every mistake; --skip-invalid counts what it skipped; new areas are declared."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from graph.model import NodeLabel, SystemLabel
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import

BUURTEN = "code,naam\nBU03630000,Kop Zeedijk\n"
#: a cell error (row 3), a duplicate id (row 5), an unknown area (row 6)
RESIDENTS = (
    "bron_id,leeftijd,buurt\nB1,27-44,BU03630000\nB2,99,BU03630000\nB3,80+,BU03630000\n"
    "B3,80+,BU03630000\nB4,,BU12345678\n"
)
#: a self-tie (2), a tie to a rejected row (3), an unknown reference (4), a cell error and an
#: unknown reference in one row (5), a valid tie (6)
TIES = "bewoner,andere_bewoner,sterkte\nB1,B1,2\nB1,B2,2\nB1,B9,2\nB3,B8,7\nB1,B3,3\n"


def _files(directory: Path) -> list[Path]:
    files = []
    for name, content in (("buurten.csv", BUURTEN), ("bewoners.csv", RESIDENTS),
                          ("contacten.csv", TIES)):  # fmt: skip
        path = directory / name
        path.write_text(content, encoding="utf-8")
        files.append(path)
    return files


def test_one_run_reports_cells_duplicates_self_ties_references_and_areas(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    report = run_import(store, store_settings, _files(tmp_path), ImportOptions())
    found = sorted((e.place.file, e.place.row, e.place.column) for e in report.errors)
    assert found == [
        ("bewoners.csv", 3, "leeftijd"),
        ("bewoners.csv", 5, None),
        ("bewoners.csv", 6, "buurt"),
        ("contacten.csv", 2, "andere_bewoner"),
        ("contacten.csv", 4, "andere_bewoner"),
        ("contacten.csv", 5, "andere_bewoner"),
        ("contacten.csv", 5, "sterkte"),
    ]
    area = next(e for e in report.errors if e.place.column == "buurt")
    assert "BU12345678" in area.nl and "--accept-new-areas" in area.en
    (depends,) = report.skipped
    assert depends.place.row == 3 and "afgekeurde rij in bewoners (B2)" in depends.reason_nl
    assert report.rows_with_errors == 6 and report.skipped_rows == 1
    assert not report.written and store.count_by_label().get("Resident", 0) == 0


def test_skip_invalid_counts_every_row_it_left_out(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    options = ImportOptions(skip_invalid=True)
    report = run_import(store, store_settings, _files(tmp_path), options)
    assert report.written and report.skipped_rows == 7  # six rows with errors, one dependant
    assert report.as_json()["skipped"] == 7
    (run,) = store.nodes(SystemLabel.IMPORT_RUN)  # the graph's record of the run says so too
    assert run.properties["skipped"] == 7 and run.properties["status"] == "partial"
    assert {n.id for n in store.nodes(NodeLabel.NEIGHBOURHOOD)} == {"BU03630000"}
    assert store.count_by_label()["Resident"] == 2  # B1 and the first B3
    assert store.fabric().number_of_edges() == 1  # B1-B3


def test_the_command_line_says_how_many_it_skipped(tmp_path: Path) -> None:
    files = [str(p) for p in _files(tmp_path)]
    db = f"embedded:{tmp_path / 'db'}"
    result = CliRunner().invoke(main, ["import", "--db", db, "--skip-invalid", *files])
    assert result.exit_code == 1
    assert "overgeslagen 7" in result.output
    assert "Overgeslagen rijen (1)" in result.output


def test_a_header_mistake_still_has_its_cells_checked_and_its_dependants_named(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    people = tmp_path / "bewoners.csv"
    people.write_text("bron_id,leeftijd,telefoon,notitie\nB1,oud,06,x\nB2,80+,,\n", "utf-8")
    ties = tmp_path / "contacten.csv"
    ties.write_text("bewoner,andere_bewoner\nB1,B2\n", "utf-8")
    report = run_import(store, store_settings, [people, ties], ImportOptions())
    (header, cell) = report.errors
    assert header.place.column == "telefoon, notitie" and "--columns" in header.nl
    assert "2 onbekende kolommen" in header.nl
    assert (cell.place.row, cell.place.column) == (2, "leeftijd")
    assert [s.place.row for s in report.skipped] == [2], "the tie depends on a rejected row"


@pytest.mark.parametrize(
    ("options", "declared", "expected"),
    [
        pytest.param(ImportOptions(), "", "error", id="undeclared"),
        pytest.param(ImportOptions(accept_new_areas=True), "", "created", id="accepted"),
        pytest.param(ImportOptions(), "code,naam\nBU12345678,Nieuw\n", "created", id="declared"),
    ],
)
def test_new_areas_are_declared_not_guessed(
    store: GraphStore,
    store_settings: Settings,
    tmp_path: Path,
    options: ImportOptions,
    declared: str,
    expected: str,
) -> None:
    people = tmp_path / "bewoners.csv"
    people.write_text("bron_id,buurt\nB1,BU12345678\n", "utf-8")
    files = [people]
    if declared:
        files.append(tmp_path / "buurten.csv")
        files[-1].write_text(declared, "utf-8")
    report = run_import(store, store_settings, files, options)
    areas = {n.id for n in store.nodes(NodeLabel.NEIGHBOURHOOD)}
    if expected == "error":
        assert [e.value for e in report.errors] == ["BU12345678"] and areas == set()
        return
    assert report.errors == [] and "BU12345678" in areas
    # once stored, the area is known: a later import needs no declaration
    again = run_import(store, store_settings, [people], ImportOptions())
    assert again.errors == []


def test_the_parents_of_a_declared_area_are_known(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "buurten.csv").write_text("code,naam\nBU03630000,Kop Zeedijk\n", "utf-8")
    (tmp_path / "organisaties.csv").write_text(
        "bron_id,naam,o_sector,buurt\nO1,Wijkteam,overheid,WK036300\n", "utf-8"
    )
    files = [tmp_path / "buurten.csv", tmp_path / "organisaties.csv"]
    report = run_import(store, store_settings, files, ImportOptions())
    assert report.errors == []
    assert "WK036300" in {n.id for n in store.nodes(NodeLabel.NEIGHBOURHOOD)}


def test_an_unknown_area_is_named_once_for_all_the_rows_that_use_it(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    people = tmp_path / "bewoners.csv"
    people.write_text("bron_id,buurt\nB1,BU12345678\nB2,BU12345678\nB3,BU12345678\n", "utf-8")
    report = run_import(store, store_settings, [people], ImportOptions(skip_invalid=True))
    (error,) = report.errors
    assert error.place.row == 2
    assert "Also used in 2 rows after this one: bewoners.csv, row 3; bewoners.csv, row 4." in (
        error.en
    )
    assert report.skipped_rows == 3 and store.count_by_label().get("Resident", 0) == 0


def test_every_person_of_an_edge_list_line_is_rejected_for_an_unknown_area(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    """Both people of a line have its row: the second one is rejected too, and the error
    counts rows (not people) and names them."""
    edges = tmp_path / "netwerk.edgelist"
    edges.write_text("Anna Bob\nCees Dirk\n", "utf-8")
    options = ImportOptions(neighbourhood="BU12345678", skip_invalid=True)
    report = run_import(store, store_settings, [edges], options)
    (error,) = report.errors
    assert (error.place.file, error.place.row) == ("netwerk.edgelist", 1)
    assert error.en.endswith("Also used in 1 row after this one: netwerk.edgelist, row 2."), (
        error.en
    )
    assert error.nl.endswith("Ook gebruikt in 1 rij hierna: netwerk.edgelist, rij 2.")
    assert store.count_by_label().get("Resident", 0) == 0, "nobody without their buurt"
