"""Policymakers ask the network questions (issue 13): every question in its publishable form,
through the API, the pages and the command line, and never a person, an id or a name."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner

from api.cli import main
from graph.analysis.engine import CATALOGUE
from graph.analysis.publishable import QUESTION_TABLES
from graph.model import NodeLabel
from graph.settings import settings_environment
from tests.api.browsing import form_token
from tests.api.conftest import Api

PSEUDONYM = re.compile(r"\b[rp]-[0-9a-f]{32}\b")


def _names(api: Api) -> set[str]:
    """Every name of a person the sample holds (residents who consented, professionals)."""
    names = set()
    for label in (NodeLabel.RESIDENT, NodeLabel.PROFESSIONAL):
        for node in api.store.nodes(label):
            for field in ("name", "display_name"):
                value = node.properties.get(field)
                if isinstance(value, str) and len(value) > 3:
                    names.add(value)
    return names


def _no_person_in(text: str, names: set[str]) -> None:
    assert not PSEUDONYM.search(text), "a person's id"
    assert not [name for name in names if name in text], "a person's name"


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_every_question_has_publishable_tables() -> None:
    assert set(QUESTION_TABLES) == set(CATALOGUE)
    assert all(QUESTION_TABLES.values()), "every question answers with at least one table"


@pytest.mark.parametrize("question", sorted(QUESTION_TABLES))
def test_a_policymaker_reads_each_question_without_a_person(api: Api, question: str) -> None:
    answer = api.get("policymaker", f"/questions/{question}/publishable")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [table["name"] for table in body["tables"]] == list(QUESTION_TABLES[question])
    assert body["tables"] and all(table["cells"] for table in body["tables"])
    for table in body["tables"]:
        for cell in table["cells"]:
            if cell["persons"] and cell["value"] is not None:
                assert cell["value"] % 5 == 0 and cell["value"] not in range(1, 10)
    _no_person_in(answer.text, _names(api))
    assert not [s for s in _strings(body) if PSEUDONYM.fullmatch(s)]
    # the same tables as /aggregates publishes them: one policy, whatever the route
    for table in body["tables"]:
        alone = api.get("policymaker", f"/aggregates/{table['name']}").json()
        assert alone["cells"] == table["cells"]


@pytest.mark.parametrize(("role", "status"), [("coach", 403), ("integration", 403), ("admin", 200)])
def test_only_policymakers_and_administrators_read_the_publishable_form(
    api: Api, role: str, status: int
) -> None:
    assert api.get(role, "/questions/isolated/publishable").status_code == status


def test_a_coachs_answers_stay_person_level(api: Api) -> None:
    answer = api.get("coach", "/questions/isolated").json()
    assert answer["items"] and all(PSEUDONYM.fullmatch(item["id"]) for item in answer["items"])
    assert api.get("policymaker", "/questions/isolated").status_code == 403


def test_a_selection_reads_the_same_cells_as_the_whole(api: Api) -> None:
    whole = api.get("policymaker", "/questions/isolated/publishable").json()
    code = _buurt(api)
    part = api.get("policymaker", "/questions/isolated/publishable", neighbourhood=code).json()
    for mine, all_of in zip(part["tables"], whole["tables"], strict=True):
        cells = {json.dumps(c["dimensions"], sort_keys=True): c for c in all_of["cells"]}
        for cell in mine["cells"]:
            if cell["dimensions"].get("neighbourhood") == code:
                assert cell == cells[json.dumps(cell["dimensions"], sort_keys=True)]


def _buurt(api: Api) -> str:
    areas = api.get("policymaker", "/neighbourhoods").json()
    return next(area["code"] for area in areas if area["level"] == "buurt")


def test_the_page_shows_each_table_with_its_chart_and_notes(api: Api) -> None:
    session = api.client
    token = form_token(session.get("/pages/login").text)
    login = session.post(
        "/pages/login",
        data={"key": api.tokens["policymaker"], "form_token": token},
        follow_redirects=False,
    )
    assert login.status_code == 303, login.text
    for question in QUESTION_TABLES:
        page = session.get(f"/pages/questions/{question}/publishable")
        assert page.status_code == 200, page.text[:300]
        assert page.text.count('class="chart"') == len(QUESTION_TABLES[question])
        assert page.text.count('class="aggregate"') == len(QUESTION_TABLES[question])
        _no_person_in(page.text, _names(api))
    index = session.get("/pages/")
    assert "/pages/questions/isolated/publishable" in index.text


def test_the_command_line_prints_the_publishable_form(api: Api) -> None:
    settings = api.settings
    runner = CliRunner(env=settings_environment(settings))
    result = runner.invoke(
        main, ["--db", settings.db, "ask", "isolated", "--publishable", "--json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert [t["name"] for t in body["tables"]] == list(QUESTION_TABLES["isolated"])
    _no_person_in(result.output, _names(api))
    text = runner.invoke(main, ["--db", settings.db, "ask", "isolated", "--publishable"])
    assert text.exit_code == 0, text.output
    assert "Bewoners die alleen staan per buurt en signaal" in text.output
    assert "Bewoners die alleen staan met een hulpvraag, per buurt en thema" in text.output
    assert "—" in text.output, "hidden counts show as a dash, with why"
    # a table whose columns do not add up prints no totals
    bridges = runner.invoke(main, ["--db", settings.db, "ask", "bridges", "--publishable"])
    assert bridges.exit_code == 0, bridges.output
    assert "Hoe kwetsbaar het netwerk van elke buurt is" in bridges.output
    assert "totaal" not in bridges.output
