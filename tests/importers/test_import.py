"""Importing: idempotent, pseudonymised, normalised, crash-safe; every format; dump and restore."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from api.cli import main
from graph.backends import open_store
from graph.model import NodeLabel, RelType, SystemLabel
from graph.settings import Settings, load_settings
from graph.store import GraphStore, WriteCounts
from importers.dump import export_dump, restore_dump
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.template_files import write_templates
from tests.conftest import embedded_settings, neo4j_settings

R = NodeLabel.RESIDENT
ROOT = Path(__file__).parents[2]


def _write(directory: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    path = directory / name
    path.write_text(content, encoding=encoding)
    return path


def test_the_templates_import_cleanly_and_a_second_run_is_unchanged(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    book = next(p for p in write_templates(tmp_path) if p.suffix == ".xlsx")
    first = run_import(store, store_settings, [book], ImportOptions())
    assert first.errors == [] and first.written
    assert first.totals().created > 20 and first.totals().unchanged == 0
    version = store.version()
    second = run_import(store, store_settings, [book], ImportOptions())
    assert (second.totals().created, second.totals().updated) == (0, 0)
    assert second.totals().unchanged == first.totals().created
    assert store.version() == version
    csvs = sorted(p for p in tmp_path.glob("*.csv"))
    third = run_import(store, store_settings, csvs, ImportOptions())
    assert third.errors == [] and third.totals().written == 0, "CSV and xlsx say the same"


def test_semicolons_and_a_byte_order_mark_as_dutch_excel_writes_them(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    path = _write(
        tmp_path, "Bewoners.csv", "\ufeffBron_ID;Naam;Buurt;Leeftijd\nB1;Zoë;BU03630000;80+\n"
    )
    report = run_import(
        store, store_settings, [path], ImportOptions(keep_names=True, accept_new_areas=True)
    )
    assert report.errors == []
    (resident,) = store.nodes(R)
    assert resident.properties["display_name"] == "Zoë"
    assert resident.properties["age_band"] == "80+"


def test_english_headers_and_dutch_values(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    people = _write(tmp_path, "residents.csv", "source_id,age_band\nB1,18-26\nB2,67-79\n")
    initiatives = _write(
        tmp_path, "initiatives.csv", "source_id,name,status\nI1,Buurtkeuken,actief\n"
    )
    roles = _write(
        tmp_path,
        "participation.csv",
        "resident,initiative,role\nB1,I1,eigenaar\nB2,I1,vrijwilliger\n",
    )
    report = run_import(store, store_settings, [people, initiatives, roles], ImportOptions())
    assert report.errors == []
    roles_stored = sorted(e["role"] for _, _, e in store.fabric().edges(data=True))
    assert roles_stored == ["owner", "volunteer"]


def test_source_ids_are_pseudonymised_with_the_installation_key(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "bewoners.csv",
        "bron_id,naam,toestemming_naam\nB-0001,Fatima,ja\nB-0002,Jan,nee\n",
    )
    run_import(store, store_settings, [path], ImportOptions())
    key = installation_key(store_settings)
    ids = {node.id: node.properties for node in store.nodes(R)}
    assert set(ids) == {pseudonym(key, "resident", "B-0001"), pseudonym(key, "resident", "B-0002")}
    assert ids[pseudonym(key, "resident", "B-0001")]["display_name"] == "Fatima"
    assert "display_name" not in ids[pseudonym(key, "resident", "B-0002")], "no consent, no name"
    key_file = Path(store_settings.key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600
    dump = tmp_path / "dump.jsonl"
    export_dump(store, dump)
    text = dump.read_text()
    assert "B-0001" not in text and key_file.read_text().strip() not in text


def test_keep_names_keeps_names_without_consent(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    path = _write(tmp_path, "bewoners.csv", "bron_id,naam\nB1,Jan\n")
    run_import(store, store_settings, [path], ImportOptions(keep_names=True))
    assert store.nodes(R)[0].properties["display_name"] == "Jan"
    run_import(store, store_settings, [path], ImportOptions())
    assert "display_name" not in store.nodes(R)[0].properties, "without the flag the name goes"


def test_skill_and_theme_spellings_meet_and_unknown_terms_are_reported(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    people = _write(tmp_path, "bewoners.csv", "bron_id\nB1\nB2\nB3\nB4\n")
    skills = _write(
        tmp_path, "krachten.csv",
        "bewoner,kracht,wil_delen\nB1,Koken,ja\nB2,koken ,ja\nB3,kookt graag,nee\nB4,Jongleren,ja\n",
    )  # fmt: skip
    needs = _write(tmp_path, "hulpvragen.csv", "bewoner,thema\nB1,Eénzaamheid\nB2,GGZ\n")
    report = run_import(store, store_settings, [people, skills, needs], ImportOptions())
    assert report.errors == []
    assert {n.id for n in store.nodes(NodeLabel.SKILL)} == {"koken", "jongleren"}
    assert report.unknown_terms == {"skill": ["Jongleren"]}
    specials = sorted(
        n.properties["special"]
        for r in store.nodes(R)
        for n in store.neighbours(R, r.id, rel_types=[RelType.HAS_NEED])
    )
    assert specials == [False, True], "a mental-health need is special-category data"


def test_erased_people_are_never_brought_back(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    people = _write(tmp_path, "bewoners.csv", "bron_id\nB1\nB2\n")
    ties = _write(tmp_path, "contacten.csv", "bewoner,andere_bewoner\nB1,B2\n")
    run_import(store, store_settings, [people, ties], ImportOptions())
    erased = pseudonym(installation_key(store_settings), "resident", "B2")
    store.erase_node(R, erased, tombstone=True)
    report = run_import(store, store_settings, [people, ties], ImportOptions())
    assert [(s.place.file, s.place.row) for s in report.skipped] == [
        ("bewoners.csv", 3),
        ("contacten.csv", 2),
    ]
    assert erased not in {n.id for n in store.nodes(R)}
    assert store.fabric().number_of_edges() == 0


def test_a_dry_run_counts_and_writes_nothing(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    people = _write(tmp_path, "bewoners.csv", "bron_id,buurt\nB1,BU03630000\nB2,BU03630000\n")
    version = store.version()
    report = run_import(
        store, store_settings, [people], ImportOptions(dry_run=True, accept_new_areas=True)
    )
    assert report.nodes["Resident"].created == 2 and not report.written
    assert store.count_by_label()["Resident"] == 0 and store.version() == version
    assert store.nodes(SystemLabel.IMPORT_RUN) == []


def test_each_run_is_recorded_without_personal_data(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    people = _write(tmp_path, "bewoners.csv", "bron_id,naam,toestemming_naam\nB1,Fatima,ja\n")
    report = run_import(store, store_settings, [people], ImportOptions())
    run = store.get_node(SystemLabel.IMPORT_RUN, report.run_id).properties
    assert run["files"] == ["bewoners.csv"] and run["status"] == "written"
    assert run["created"] == report.totals().created and run["errors"] == 0
    assert "Fatima" not in json.dumps(run) and "B1" not in json.dumps(run)


def test_cbs_areas_are_created_with_their_parents(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    people = _write(tmp_path, "bewoners.csv", "bron_id,buurt\nB1,BU03630001\n")
    run_import(store, store_settings, [people], ImportOptions(accept_new_areas=True))
    areas = {n.id: n.properties for n in store.nodes(NodeLabel.NEIGHBOURHOOD)}
    assert areas["BU03630001"]["parent"] == "WK036300"
    assert areas["WK036300"]["parent"] == "GM0363" and areas["GM0363"]["level"] == "gemeente"
    names = _write(tmp_path, "buurten.csv", "code,naam\nBU03630001,Oude Kerk e.o.\n")
    run_import(store, store_settings, [names], ImportOptions())
    run_import(store, store_settings, [people], ImportOptions(accept_new_areas=True))
    assert (
        store.get_node(NodeLabel.NEIGHBOURHOOD, "BU03630001").properties["name"] == "Oude Kerk e.o."
    )


def test_json_graphml_gexf_and_edge_lists(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    document = {"bewoners": [{"bron_id": "B1", "leeftijd": "18-26"}, {"bron_id": "B2"}],
                "contacten": [{"bewoner": "B1", "andere_bewoner": "B2", "sterkte": 3}]}  # fmt: skip
    path = tmp_path / "data.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert run_import(store, store_settings, [path], ImportOptions()).errors == []
    assert store.fabric().number_of_edges() == 1

    karate = nx.karate_club_graph()
    for suffix, writer in (
        (".graphml", nx.write_graphml),
        (".gexf", nx.write_gexf),
        (".edgelist", lambda g, p: nx.write_edgelist(g, p, data=False)),
    ):
        store.clear()
        graph = nx.relabel_nodes(karate, {n: f"k{n}" for n in karate})
        for node in graph:
            graph.nodes[node].clear()
        for edge in graph.edges:
            graph.edges[edge].clear()
        file = tmp_path / f"karate{suffix}"
        writer(graph, file)
        report = run_import(
            store,
            store_settings,
            [file],
            ImportOptions(neighbourhood="BU03630000", accept_new_areas=True),
        )
        assert report.errors == [], (suffix, [e.message("en") for e in report.errors])
        fabric = store.fabric()
        assert (fabric.number_of_nodes(), fabric.number_of_edges()) == (34, 78), suffix
        assert {d["neighbourhood"] for _, d in fabric.nodes(data=True)} == {"BU03630000"}


def test_export_from_the_embedded_database_restores_into_neo4j(
    embedded_dir: Path, neo4j_server: tuple[str, str], tmp_path: Path
) -> None:
    source_settings = embedded_settings(embedded_dir)
    target_settings = neo4j_settings(neo4j_server)
    book = next(p for p in write_templates(tmp_path / "t") if p.suffix == ".xlsx")
    with open_store(source_settings) as source, open_store(target_settings) as target:
        source.clear()
        target.clear()
        run_import(source, source_settings, [book], ImportOptions(keep_names=True))
        source.add_tombstones(["r-erased"])
        dump = tmp_path / "dump.jsonl"
        counts = export_dump(source, dump)
        restore_dump(target, dump)
        assert target.count_by_label() == source.count_by_label()
        assert export_dump(target, tmp_path / "again.jsonl") == counts
        for label in (*NodeLabel, SystemLabel.TOMBSTONE, SystemLabel.IMPORT_RUN):
            assert target.nodes(label) == source.nodes(label), label
        assert nx.utils.edges_equal(
            target.fabric().edges(data=True), source.fabric().edges(data=True)
        )
        target.clear()


def _city(directory: Path, residents: int) -> list[Path]:
    """A generated city as CSV, written by the command line."""
    result = CliRunner().invoke(
        main, ["generate", "--residents", str(residents), "--seed", "3", str(directory)]
    )
    assert result.exit_code == 0, result.output
    return sorted(directory.glob("*.csv"))


@pytest.mark.slow
def test_an_import_killed_halfway_and_run_again_gives_the_clean_graph(
    store_settings: Settings, tmp_path: Path
) -> None:
    pytest.importorskip("importers.synthetic")
    files = _city(tmp_path / "city", 3000)
    env = {**os.environ, "WIJKGRAAF_BATCH_SIZE": "100", "WIJKGRAAF_GRAPH_NAME": store_settings.graph_name,
           "WIJKGRAAF_NEO4J_PASSWORD": store_settings.neo4j_password.get_secret_value()}  # fmt: skip
    command = [
        sys.executable,
        "-m",
        "api.cli",
        "--db",
        store_settings.db,
        "import",
        *map(str, files),
    ]
    with open_store(store_settings) as store:
        store.clear()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while store.count_by_label()["Resident"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert store.count_by_label()["Resident"] > 0, "the import was killed while writing"
        halfway = tmp_path / "halfway.jsonl"
        export_dump(store, halfway)
        rerun = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        after_rerun = _comparable(store, tmp_path / "rerun.jsonl")
        store.clear()
        clean = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        assert clean.returncode == 0, clean.stderr
        assert _comparable(store, tmp_path / "clean.jsonl") == after_rerun
        assert halfway.read_text() != (tmp_path / "clean.jsonl").read_text()
        store.clear()


def _comparable(store: GraphStore, path: Path) -> list[str]:
    """The dump without its header and the import-run records (their times differ)."""
    export_dump(store, path)
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return sorted(line for line in lines if SystemLabel.IMPORT_RUN.value not in line)


def test_the_cli_reports_as_json_and_exits_1_on_rejection(tmp_path: Path) -> None:
    good = _write(tmp_path, "bewoners.csv", "bron_id\nB1\n")
    bad = tmp_path / "bad"
    bad.mkdir()
    _write(bad, "bewoners.csv", "bron_id,geboortedatum\nB2,1950-01-01\n")
    db = ["--db", f"embedded:{tmp_path / 'db'}"]
    ok = CliRunner().invoke(main, [*db, "import", "--json", str(good)])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["created"] == 1
    refused = CliRunner().invoke(main, [*db, "import", "--json", str(bad)])
    assert refused.exit_code == 1
    assert json.loads(refused.output)["errors"][0]["column"] == "geboortedatum"
    words = CliRunner().invoke(main, [*db, "import", str(bad)])
    assert "Onbekende kolom" in words.output and "Niets geschreven" in words.output
    assert load_settings().key_file.exists()


def test_a_move_replaces_the_old_neighbourhood_and_a_theme_change_the_old_theme(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    second = tmp_path / "second"
    first.mkdir()
    second.mkdir()
    people = [_write(first, "bewoners.csv", "bron_id,buurt\nB1,BU03630000\n"),
              _write(first, "initiatieven.csv", "bron_id,naam,themas\nI1,Buurtkeuken,voeding|ontmoeting\n")]  # fmt: skip
    moved = [_write(second, "bewoners.csv", "bron_id,buurt\nB1,BU03630001\n"),
             _write(second, "initiatieven.csv", "bron_id,naam,themas\nI1,Buurtkeuken,voeding\n")]  # fmt: skip
    run_import(store, store_settings, people, ImportOptions(accept_new_areas=True))
    report = run_import(store, store_settings, moved, ImportOptions(accept_new_areas=True))
    # the old buurt and theme end (they stay as history, graph/periods.py), none is removed
    assert report.relationships["LIVES_IN"].ended == 1
    assert report.relationships["ADDRESSES"].ended == 1
    assert report.relationships["LIVES_IN"].removed == 0
    (resident,) = store.nodes(R)
    homes = store.neighbours(R, resident.id, rel_types=[RelType.LIVES_IN])
    assert [n.node.id for n in homes] == ["BU03630001"]
    (initiative,) = store.nodes(NodeLabel.INITIATIVE)
    themes = store.neighbours(NodeLabel.INITIATIVE, initiative.id, rel_types=[RelType.ADDRESSES])
    assert [n.node.id for n in themes] == ["voeding"]
    again = run_import(store, store_settings, moved, ImportOptions(accept_new_areas=True))
    assert again.totals().written == 0, "nothing stale the second time"


def test_references_resolve_against_rows_stored_by_an_earlier_import(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    run_import(
        store,
        store_settings,
        [_write(tmp_path, "bewoners.csv", "bron_id\nB1\nB2\n")],
        ImportOptions(),
    )
    later = tmp_path / "later"
    later.mkdir()
    ties = _write(later, "contacten.csv", "bewoner,andere_bewoner,soort\nB1,B2,buren\n")
    report = run_import(store, store_settings, [ties], ImportOptions())
    assert report.errors == [] and report.relationships["KNOWS"].created == 1
    ((_, _, data),) = store.fabric().edges(data=True)
    assert data["kind"] == "neighbour"


def test_the_shipped_sample_is_what_the_generator_builds(tmp_path: Path) -> None:
    from importers.synthetic import sample_files, sample_neighbourhood, write_csv

    fresh = write_csv(sample_neighbourhood(), tmp_path)
    shipped = sample_files()
    assert [p.name for p in shipped] == sorted(p.name for p in fresh)
    for path in shipped:
        assert path.read_bytes() == (tmp_path / path.name).read_bytes(), path.name


def test_the_sample_imports_cleanly_twice(store: GraphStore, store_settings: Settings) -> None:
    from importers.synthetic import sample_files

    first = run_import(store, store_settings, sample_files(), ImportOptions())
    assert first.errors == [] and first.written
    assert first.unknown_terms == {"skill": ["Jongleren"]}
    counts = store.count_by_label()
    assert (counts["Resident"], counts["Initiative"], counts["Organisation"]) == (300, 25, 30)
    sectors = {n.properties["o_sector"] for n in store.nodes(NodeLabel.ORGANISATION)}
    assert sectors == {"ondernemers", "onderwijs", "onderzoek", "overheid", "omgeving"}
    second = run_import(store, store_settings, sample_files(), ImportOptions())
    assert second.totals().written == 0
    assert second.totals().unchanged == first.totals().created


def test_the_cycle_collector_rests_during_an_import_and_comes_back_after(
    store: GraphStore, store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importers.synthetic import sample_files

    during: list[bool] = []
    upsert = store.upsert_nodes

    def watched(*args: Any, **kwargs: Any) -> WriteCounts:
        during.append(gc.isenabled())
        return upsert(*args, **kwargs)

    monkeypatch.setattr(store, "upsert_nodes", watched)
    assert gc.isenabled()
    run_import(store, store_settings, sample_files(), ImportOptions())
    assert during and not any(during), "paused while the import holds the city"
    assert gc.isenabled(), "and collecting again once it is done"


def test_template_command_writes_csv_xlsx_and_explanation(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["template", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    names = {Path(line).name for line in result.output.split()}
    assert {"bewoners.csv", "contacten.csv", "uitleg.csv", "wijkgraaf-sjabloon.xlsx"} <= names
    explanation = (tmp_path / "t" / "uitleg.csv").read_text(encoding="utf-8")
    assert "toestemming_naam" in explanation and "consent_name" in explanation


def test_a_named_parent_area_keeps_its_name_when_a_child_area_is_imported(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    names = _write(
        tmp_path, "buurten.csv", "code,naam\nGM0363,Amsterdam\nWK036300,Burgwallen-Oude Zijde\n"
    )
    run_import(store, store_settings, [names], ImportOptions())
    later = tmp_path / "later"
    later.mkdir()
    people = _write(later, "bewoners.csv", "bron_id,buurt\nB1,BU03630000\n")
    report = run_import(store, store_settings, [people], ImportOptions(accept_new_areas=True))
    assert (
        report.nodes["Neighbourhood"].created == 1 and report.nodes["Neighbourhood"].unchanged == 2
    )
    assert store.get_node(NodeLabel.NEIGHBOURHOOD, "GM0363").properties["name"] == "Amsterdam"
