"""A column mapping reads another system's export as it is; its own mistakes are located."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from graph.errors import ConfigurationError
from graph.model import NodeLabel
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.mapping import parse_mapping

ROOT = Path(__file__).parents[2]
#: A case system's export, with its own file names and headers, and columns not to import.
CLIENTS = (
    "Clientnummer;Wijkcode;Leeftijdsklasse;Telefoon;Notities\n"
    "C-1;BU03630000;27-44;0612345678;belt vaak\nC-2;BU03630000;80+;;\nC-3;BU03630000;;;\n"
)
RELATIONS = "Client,Relatie met,Soort relatie\nC-1,C-2,buren\nC-2,C-3,familie\n"


def _readme_mapping() -> str:
    """The mapping the README shows, so that what it promises is what is tested."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("**Mapping columns") :]
    match = re.search(r"```toml\n(.*?)```", section, re.S)
    assert match, "the README shows a mapping"
    return match.group(1)


def _export(directory: Path) -> list[Path]:
    (directory / "clienten.csv").write_text(CLIENTS, encoding="utf-8")
    (directory / "relaties.csv").write_text(RELATIONS, encoding="utf-8")
    (directory / "buurten.csv").write_text("code,naam\nBU03630000,Kop Zeedijk\n", "utf-8")
    return [directory / n for n in ("buurten.csv", "clienten.csv", "relaties.csv")]


def test_the_readme_mapping_imports_a_case_system_export_unedited(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    mapping = parse_mapping(_readme_mapping(), "koppeling.toml")
    report = run_import(store, store_settings, _export(tmp_path), ImportOptions(columns=mapping))
    assert report.errors == [], [e.message("en") for e in report.errors]
    ages = sorted(str(n.properties.get("age_band")) for n in store.nodes(NodeLabel.RESIDENT))
    assert ages == ["27-44", "80+", "None"]
    kinds = sorted(d["kind"] for *_, d in store.fabric().edges(data=True))
    assert kinds == ["family", "neighbour"]
    (dropped,) = report.notes
    assert dropped.place.file == "clienten.csv" and "Telefoon, Notities" in dropped.en


def test_without_the_mapping_the_export_is_refused_with_how_to_map_it(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    report = run_import(store, store_settings, _export(tmp_path), ImportOptions())
    assert {e.place.file for e in report.errors} == {"clienten.csv", "relaties.csv"}
    assert all("--columns" in e.en or "sheet" in e.en for e in report.errors)


def test_the_command_line_takes_the_mapping(tmp_path: Path) -> None:
    mapping = tmp_path / "koppeling.toml"
    mapping.write_text(_readme_mapping(), encoding="utf-8")
    files = [str(p) for p in _export(tmp_path)]
    db = f"embedded:{tmp_path / 'db'}"
    result = CliRunner().invoke(main, ["import", "--db", db, "--columns", str(mapping), *files])
    assert result.exit_code == 0, result.output
    assert "Weggelaten (1)" in result.output and "aangemaakt" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[columns.bewoners]\nWijk = 'wijk'\n",
                     "k.toml, [columns.bewoners] 'Wijk': 'wijk' is not a column of residents",
                     id="unknown-column"),
        pytest.param("[columns.klanten]\nA = 'bron_id'\n",
                     "k.toml, [columns.klanten]: unknown sheet 'klanten'; choose from: "
                     "residents, professionals, organisations,", id="unknown-sheet"),
        pytest.param("[sheets]\nclienten = 3\n", "k.toml, [sheets] 'clienten': expected a sheet",
                     id="not-a-name"),
        pytest.param("[drop]\nbewoners = 'Telefoon'\n", "k.toml, [drop] bewoners: expected a list",
                     id="drop-not-a-list"),
        pytest.param("[kolommen]\n", "k.toml, [kolommen]: unknown section", id="unknown-section"),
        pytest.param("[columns.bewoners\n", "k.toml: not valid TOML", id="not-toml"),
    ],
)  # fmt: skip
def test_a_mistake_in_the_mapping_is_named_with_its_file_and_key(text: str, expected: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_mapping(text, "k.toml")
    assert expected in caught.value.en


def test_every_mistake_in_the_mapping_at_once() -> None:
    text = "[columns.bewoners]\nA = 'x'\nB = 'y'\n[drop]\nklanten = ['z']\n"
    with pytest.raises(ConfigurationError) as caught:
        parse_mapping(text, "k.toml")
    assert len(caught.value.en.splitlines()) == 3


def test_an_import_refused_for_its_mapping_is_in_the_audit_log(tmp_path: Path) -> None:
    """A mapping that cannot be read refuses the import before anything is read: the audit
    log has the refused import all the same, as it has every other failed import."""
    mapping = tmp_path / "koppeling.toml"
    mapping.write_text("[kolommen]\n", encoding="utf-8")
    files = [str(p) for p in _export(tmp_path)]
    log = tmp_path / "audit.jsonl"
    db = f"embedded:{tmp_path / 'db'}"
    result = CliRunner(env={"WIJKGRAAF_AUDIT_LOG": str(log)}).invoke(
        main, ["import", "--db", db, "--columns", str(mapping), *files]
    )
    assert result.exit_code == 1
    assert "koppeling.toml, [kolommen]: onbekende sectie" in result.output
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    imports = [line for line in lines if line.get("action") == "import"]
    assert [line["result"] for line in imports] == ["invalid"], lines
