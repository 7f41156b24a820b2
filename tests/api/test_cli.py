"""The command line through click's runner: JSON status, one-line errors, exit codes."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main
from graph.backends import open_store
from graph.model import NodeLabel
from graph.settings import Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_status_json_on_a_fresh_embedded_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", f"embedded:{tmp_path / 'x'}", "status", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["backend"] == "falkordb"
    assert report["counts"] == {label.value: 0 for label in NodeLabel}


def test_db_after_the_subcommand_and_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    after = runner.invoke(main, ["status", "--json", "--db", f"embedded:{tmp_path / 'a'}"])
    assert str(tmp_path / "a") in json.loads(after.output)["database"]
    monkeypatch.setenv("WIJKGRAAF_DB", f"embedded:{tmp_path / 'b'}")
    from_env = runner.invoke(main, ["status", "--json"])
    assert str(tmp_path / "b") in json.loads(from_env.output)["database"]


def test_status_counts_what_is_stored(store_settings: Settings) -> None:
    with open_store(store_settings) as store:
        store.clear()
        store.upsert_nodes(NodeLabel.THEME, [{"id": "armoede", "name": "Armoede"}])
    args = ["--db", store_settings.db, "status", "--json"]
    env = {
        "WIJKGRAAF_GRAPH_NAME": store_settings.graph_name,
        "WIJKGRAAF_NEO4J_PASSWORD": store_settings.neo4j_password.get_secret_value(),
    }
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["Theme"] == 1


def test_status_in_words_dutch_by_default_english_on_request(tmp_path: Path) -> None:
    db = f"embedded:{tmp_path}"
    dutch = CliRunner().invoke(main, ["--db", db, "status"])
    english = CliRunner().invoke(main, ["--lang", "en", "--db", db, "status"])
    assert "Bewoners" in dutch.output and "Versie van de graaf" in dutch.output
    assert "Residents" in english.output and "Graph version" in english.output


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["--db", "bolt://127.0.0.1:{port}", "status"], {}, "niet bereikbaar"),
        (["--lang", "en", "--db", "bolt://127.0.0.1:{port}", "status"], {}, "not reachable"),
        (["--db", "postgres://x", "status"], {}, "Onbekende database"),
        (["--db", "embedded:", "status"], {}, "mist een map"),
        (["status"], {"WIJKGRAAF_BATCH_SIZE": "veel"}, "WIJKGRAAF_BATCH_SIZE"),
        (["status"], {"WIJKGRAAF_LANG": "fr"}, "WIJKGRAAF_LANG"),
    ],
)
def test_errors_are_one_line_and_exit_1(
    args: list[str], env: dict[str, str], expected: str
) -> None:
    port = _free_port()  # nothing listens there
    result = CliRunner().invoke(main, [a.format(port=port) for a in args], env=env)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(("fout: ", "error: "))
    assert expected in lines[0]


def test_a_wrong_neo4j_password_says_so_plainly(neo4j_server: tuple[str, str]) -> None:
    uri, password = neo4j_server
    if not password:
        pytest.skip("this Neo4j server runs without authentication")
    result = CliRunner().invoke(
        main, ["--db", uri, "status"], env={"WIJKGRAAF_NEO4J_PASSWORD": "wrong-" + password}
    )
    assert result.exit_code == 1
    assert "weigert de inloggegevens" in result.output
    assert "wrong-" not in result.output, "a password is never printed"
