"""Questions as of a date through the API (issue 16): ``as_of`` on ``GET /questions/{q}`` and
its publishable form, answered on the network as it was then."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from api.cli import main
from graph.analysis.engine import Analyst
from graph.analysis.results import Scope
from importers.load import ImportOptions, run_import
from tests.api.conftest import Api
from tests.importers.histories import entity_files, fact_files, random_history

DATES = ["2025-01-15", "2025-03-31", "2025-06-30", "2025-09-30"]


def _history(api: Api, tmp_path: Path) -> None:
    api.store.clear()
    for number, export in enumerate(random_history(3, DATES)):
        directory = tmp_path / f"e{number}"
        files = entity_files(directory) + fact_files(directory, export.facts)
        options = ImportOptions(as_of=export.as_of, complete=tuple(sorted(export.complete)))
        assert run_import(api.store, api.settings, files, options).written


def test_a_question_as_of_a_date_is_answered_on_the_network_then(api: Api, tmp_path: Path) -> None:
    _history(api, tmp_path)
    then = api.get("admin", "/questions/isolated", as_of="2025-02-01", limit=50)
    assert then.status_code == 200, then.text
    expected = Analyst(api.store).ask("isolated", Scope(), limit=50, as_of="2025-02-01")
    assert then.json()["items"] == expected.model_dump(mode="json")["items"]
    now = api.get("admin", "/questions/isolated", limit=50).json()
    assert then.json()["items"] != now["items"], "the history changed who stands alone"
    # a coach asks about their own buurt as it was then
    coach = api.get("coach", "/questions/isolated", as_of="2025-02-01", limit=50)
    assert coach.status_code == 200
    mine = Analyst(api.store).ask(
        "isolated", Scope(), limit=50, within=("BU99990101",), as_of="2025-02-01"
    )
    assert coach.json()["items"] == mine.model_dump(mode="json")["items"]


def test_publishable_figures_are_of_the_present_and_a_date_that_is_not_one_is_refused(
    api: Api, tmp_path: Path
) -> None:
    """A policymaker's figures of earlier dates are the trends (protected between quarters),
    never a table of any date set beside today's: the publishable answer has no date."""
    _history(api, tmp_path)
    schema = api.client.get("/openapi.json").json()
    names = [
        p["name"] for p in schema["paths"]["/questions/{question}/publishable"]["get"]["parameters"]
    ]
    assert "as_of" not in names
    now = api.get("policymaker", "/questions/isolated/publishable")
    assert now.status_code == 200
    command = ["--db", api.settings.db, "ask", "isolated", "--publishable", "--as-of", "2025-02-01"]
    env = {"WIJKGRAAF_GRAPH_NAME": api.settings.graph_name}
    refused_cli = CliRunner().invoke(main, command, env=env)
    assert refused_cli.exit_code != 0
    assert "wijkgraaf trends isolated" in refused_cli.output
    refused = api.get("admin", "/questions/isolated", as_of="31-12-2025")
    assert refused.status_code == 422
    assert "as_of" in refused.text


def test_an_upload_says_its_date_and_its_complete_sheets(api: Api, tmp_path: Path) -> None:
    _history(api, tmp_path)  # the store holds data as of 2025-09-30
    files = [
        ("files", ("deelname.csv", b"bewoner,initiatief,rol\nB01,I1,owner\n", "text/csv")),
    ]
    data = {"as_of": "2025-12-31", "complete": ["deelname"]}
    answer = api.client.post("/imports", headers=api.auth("admin"), files=files, data=data)
    assert answer.status_code == 200, answer.text[:300]
    report = answer.json()
    assert report["written"] and report["as_of"] == "2025-12-31"
    assert report["complete"] == ["participation"] and report["ended"] > 0
    older = api.client.post(
        "/imports", headers=api.auth("admin"), files=files, data={"as_of": "2025-01-01"}
    )
    assert older.status_code == 409, older.text[:300]
    assert older.json()["error"]["code"] == "older_than_store"
    assert "oldest to newest" in older.json()["error"]["message_en"]
    bad = api.client.post(
        "/imports", headers=api.auth("admin"), files=files, data={"as_of": "morgen"}
    )
    assert bad.status_code == 422
