"""``wijkgraaf map`` and ``wijkgraaf export-graph`` through click's runner, on the sample."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner, Result

from api.access.audit import read_records
from api.cli import main
from api.cli.common import WijkgraafGroup
from api.cli.map import MAP_COMMANDS
from graph.settings import Settings
from tests.visualise.conftest import page_data

# the commands under a group that sets up exactly what ``wijkgraaf`` sets up
CLI = WijkgraafGroup(
    "wijkgraaf",
    params=main.params,
    callback=main.callback,
    commands={command.name: command for command in MAP_COMMANDS if command.name},
)


def _run(settings: Settings, *args: str) -> Result:
    env = {
        "WIJKGRAAF_GRAPH_NAME": settings.graph_name,
        "WIJKGRAAF_KEY_FILE": str(settings.key_file),
    }
    return CliRunner().invoke(CLI, ["--db", settings.db, *args], env=env)


def test_a_neighbourhood_map_with_a_question(sample_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "havenkwartier.html"
    result = _run(
        sample_settings, "map", "--neighbourhood", "BU99990102", "--question", "opportunities",
        "--colour", "sector", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Kaart geschreven naar {out}: ")
    data = page_data(out.read_text(encoding="utf-8"))
    assert "Havenkwartier" in data["title"]
    assert data["overlay"]["question"] == "opportunities"
    assert data["colourBy"] == "sector"
    assert any(n.get("role") == "candidate" for n in data["view"]["nodes"])


def test_an_ego_map_in_english(
    sample_settings: Settings, pid: Callable[[str], str], tmp_path: Path
) -> None:
    out = tmp_path / "fatima.html"
    fatima = pid("B001")
    result = _run(
        sample_settings, "--lang", "en", "map", "--ego", fatima, "--steps", "2",
        "--question", "bridges", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Map written to {out}: ")
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["title"] == "Network of Fatima El Amrani (2 steps)"
    nodes = {n["id"]: n for n in data["view"]["nodes"]}
    assert nodes[fatima]["role"] == "answer"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["map", "--ego", "r-x", "--neighbourhood", "BU99990102", "-o", "{out}"], "niet allebei"),
        (["map", "--ego", "r-nobody", "-o", "{out}"], "r-nobody"),
        (["map", "--neighbourhood", "BU00000000", "-o", "{out}"], "BU00000000"),
        (["export-graph", "-o", "{out}"], "--format graphml, gexf of csv"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(
    sample_settings: Settings, tmp_path: Path, args: list[str], expected: str
) -> None:
    out = str(tmp_path / "uit.html")
    result = _run(sample_settings, *[a.format(out=out) for a in args])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fout: ") and expected in lines[0]
    assert not Path(out).exists()


@pytest.mark.parametrize(("args", "suffix"), [(["--format", "gexf"], "xml"), ([], "graphml")])
def test_export_graph_for_gephi(
    sample_settings: Settings, tmp_path: Path, args: list[str], suffix: str
) -> None:
    out = tmp_path / f"weefsel.{suffix}"
    result = _run(sample_settings, "export-graph", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    read = nx.read_gexf(out) if suffix == "xml" else nx.read_graphml(out)
    ties = f"{read.number_of_edges():,}".replace(",", ".")  # Dutch thousands
    assert result.output.strip() == (
        f"Graaf geschreven naar {out}: {read.number_of_nodes()} knopen, {ties} banden."
    )
    assert read.number_of_nodes() > 300


@pytest.mark.parametrize(
    ("args", "delimiter", "line"),
    [
        ([], ";", "Maten geschreven naar {out}: {n} knopen."),
        (["--format", "csv", "--lang", "en"], ",", "Measures written to {out}: {n} nodes."),
    ],
)
def test_export_graph_writes_the_measures_as_csv(
    sample_settings: Settings, tmp_path: Path, args: list[str], delimiter: str, line: str
) -> None:
    out = tmp_path / "maten.csv"
    result = _run(
        sample_settings, "export-graph", "--neighbourhood", "BU99990101", *args, "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))
    assert result.output.strip() == line.format(out=out, n=len(rows) - 1)
    header = rows[0]
    assert header[1] == ("soort" if delimiter == ";" else "kind")
    assert len(rows) > 50 and all(len(row) == len(header) for row in rows)
    between = header.index("tussenpositie" if delimiter == ";" else "betweenness")
    assert max(float(row[between].replace(",", ".")) for row in rows[1:]) > 0


def test_export_graph_carries_the_measures(sample_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "weefsel.gexf"
    result = _run(sample_settings, "export-graph", "-o", str(out))
    assert result.exit_code == 0, result.output
    read = nx.read_gexf(out)
    assert all(isinstance(d["betweenness"], float) for _, d in read.nodes(data=True))
    assert any(d.get("isolated") is True for _, d in read.nodes(data=True))


def test_export_graph_logs_every_neighbourhood_it_exports(
    sample_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export of two neighbourhoods names both in the audit log (one line each, one
    request), not only the first."""
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("WIJKGRAAF_AUDIT_LOG", str(log))
    result = _run(
        sample_settings, "export-graph", "--neighbourhood", "BU99990101",
        "--neighbourhood", "BU99990102", "-o", str(tmp_path / "twee.graphml"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = list(read_records(log))
    assert [(r.action.value, r.object_kind.value, r.object_id, r.result.value) for r in lines] == [
        ("export", "neighbourhood", "BU99990101", "ok"),
        ("export", "neighbourhood", "BU99990102", "ok"),
    ]
    assert len({r.request_id for r in lines}) == 1
