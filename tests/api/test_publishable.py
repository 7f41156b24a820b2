"""Policymakers ask the network questions (issue 13): every question in its publishable form,
through the API, the pages and the command line, and never a person, an id or a name."""

from __future__ import annotations

import csv
import io
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
from tests.planted_introductions import plant_introductions

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


INTRODUCTION_TABLES = (
    "introductions_proposed_by_neighbourhood",
    "introductions_happened_by_neighbourhood",
)


def test_introductions_proposed_and_happened_are_a_publishable_figure(api: Api) -> None:
    """Per neighbourhood, how many introductions were proposed and how many happened (issue
    14): residents counted as persons (under 10 hidden, the rest rounded to 5), initiatives
    introduced to an organisation as they are; on the API, the pages and their CSV, to a
    policymaker and an administrator only, with no person in it."""
    marked = plant_introductions(api.store)
    assert any(status == "happened" for status in marked.values())
    names = _names(api)
    tables = {}
    for table in INTRODUCTION_TABLES:
        assert api.get("coach", f"/aggregates/{table}").status_code == 403
        assert api.get("integration", f"/aggregates/{table}").status_code == 403
        answer = api.get("policymaker", f"/aggregates/{table}")
        assert answer.status_code == 200, answer.text[:300]
        _no_person_in(answer.text, names)
        tables[table] = body = answer.json()
        assert body["totals"] is False, "the kinds count other things: no totals"
        for cell in body["cells"]:
            value = cell["value"]
            if cell["persons"]:
                assert value is None or value == 0 or (value >= 10 and value % 5 == 0), cell
            assert cell["dimensions"]["introduction"] in (
                "resident_initiative", "resident_resident", "initiative_organisation",
            )  # fmt: skip
        assert any(c["value"] for c in body["cells"] if c["persons"]), "something is published"
    # what happened lies within what was proposed: never more, and never a small rest
    proposed, happened = (
        {(c["dimensions"]["neighbourhood"], c["dimensions"]["introduction"]): c for c in t["cells"]}
        for t in tables.values()
    )
    for key, cell in happened.items():
        if cell["value"] is not None and proposed[key]["value"] is not None:
            assert cell["value"] <= proposed[key]["value"], key
    # the pages show both with their charts, and a CSV
    session = api.client
    token = form_token(session.get("/pages/login").text)
    session.post(
        "/pages/login",
        data={"key": api.tokens["policymaker"], "form_token": token},
        follow_redirects=False,
    )
    for table in INTRODUCTION_TABLES:
        page = session.get(f"/pages/aggregates/{table}")
        assert page.status_code == 200 and 'class="chart"' in page.text
        assert "Bewoner aan initiatief" in page.text
        _no_person_in(page.text, names)
        download = session.get(f"/pages/aggregates/{table}.csv")
        assert download.status_code == 200 and "introductie" in download.text.splitlines()[0]
    index = session.get("/pages/aggregates")
    assert "Voorgestelde introducties per buurt en soort" in index.text


def _signed_in(api: Api, role: str) -> Any:
    session = api.client
    token = form_token(session.get("/pages/login").text)
    login = session.post(
        "/pages/login",
        data={"key": api.tokens[role], "form_token": token},
        follow_redirects=False,
    )
    assert login.status_code == 303, login.text
    return session


THEME_TABLES = ("five_o_present_by_theme_and_sector", "five_o_missing_by_theme_and_sector")


def test_five_o_per_theme_on_every_route(api: Api) -> None:
    """The five-O tables per theme count the neighbourhoods asked: the API, the page (with
    where and the note), the CSV in Dutch Excel's and the English form, and the command line."""
    code = _buurt(api)
    name = api.get("policymaker", f"/neighbourhoods/{code}").json()["name"]
    whole = api.get("policymaker", "/questions/five-o/publishable").json()
    body = api.get("policymaker", "/questions/five-o/publishable", neighbourhood=code).json()
    tables = {table["name"]: table for table in body["tables"]}
    for table_name in THEME_TABLES:
        table = tables[table_name]
        assert table["neighbourhoods"] == [code] and table["dimensions"] == ["theme", "sector"]
        assert table["names"]["neighbourhood"][code]["nl"] == name
        assert table["note_nl"] and table["note_en"]
        alone = api.get("policymaker", f"/aggregates/{table_name}", neighbourhood=code).json()
        assert alone["cells"] == table["cells"]
        assert not any(cell["persons"] or cell["suppressed"] for cell in table["cells"])
    mine = tables[THEME_TABLES[0]]["cells"][-1]["value"]
    everywhere = next(t for t in whole["tables"] if t["name"] == THEME_TABLES[0])
    assert 0 < mine < everywhere["cells"][-1]["value"], "a buurt counts its own initiatives"

    session = _signed_in(api, "policymaker")
    page = session.get("/pages/questions/five-o/publishable", params={"neighbourhood": code})
    assert page.status_code == 200, page.text[:300]
    assert page.text.count('class="chart"') == 4
    assert f"Waar: {name}" in page.text and "Telt initiatieven, geen personen" in page.text
    assert f"/pages/aggregates/{THEME_TABLES[0]}.csv?neighbourhood={code}" in page.text
    english = session.get("/pages/questions/five-o/publishable", params={"lang": "en"})
    assert "Where: All neighbourhoods and districts" in english.text

    dutch = session.get(f"/pages/aggregates/{THEME_TABLES[0]}.csv", params={"neighbourhood": code})
    assert dutch.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(dutch.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["buurten", "thema", "sector"]
    assert {row[0] for row in rows[1:]} == {code}
    values = sorted(int(row[-2]) for row in rows[1:])
    assert values == sorted(c["value"] for c in tables[THEME_TABLES[0]]["cells"])
    en = session.get(f"/pages/aggregates/{THEME_TABLES[0]}.csv", params={"lang": "en"})
    rows = list(csv.reader(io.StringIO(en.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["neighbourhoods", "theme", "sector"]
    assert {row[0] for row in rows[1:]} == {"all"}

    runner = CliRunner(env=settings_environment(api.settings))
    args = ["--db", api.settings.db, "ask", "five-o", "--publishable", "--neighbourhood", code]
    text = runner.invoke(main, args)
    assert text.exit_code == 0, text.output
    assert "Actieve initiatieven per thema en O die meedoet" in text.output
    assert "Actieve initiatieven per thema en O die ontbreekt" in text.output
    assert f"Waar: {name}" in text.output and "Telt initiatieven" in text.output
    _no_person_in(text.output, _names(api))
    as_json = json.loads(runner.invoke(main, [*args, "--json"]).output)
    assert [t["cells"] for t in as_json["tables"]] == [t["cells"] for t in body["tables"]]


def test_unused_strengths_nearby_on_every_route(api: Api) -> None:
    nearby = "unused_strengths_nearby_by_neighbourhood_and_skill"
    body = api.get("policymaker", "/questions/unused-strengths/publishable").json()
    table = next(t for t in body["tables"] if t["name"] == nearby)
    assert not table["totals"] and all(cell["persons"] for cell in table["cells"])
    session = _signed_in(api, "policymaker")
    page = session.get("/pages/questions/unused-strengths/publishable", params={"lang": "en"})
    assert "Residents with an unused strength an initiative in their neighbourhood" in page.text
    assert "Fewer than 10: not published." in page.text
    download = session.get(f"/pages/aggregates/{nearby}.csv")
    rows = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["buurt", "kracht"]
    assert sorted(row[-2] for row in rows[1:]) == sorted(
        "" if c["value"] is None else str(c["value"]) for c in table["cells"]
    )
    runner = CliRunner(env=settings_environment(api.settings))
    text = runner.invoke(
        main, ["--db", api.settings.db, "ask", "unused-strengths", "--publishable"]
    )
    assert text.exit_code == 0, text.output
    assert (
        "Bewoners met een onbenutte kracht die een initiatief in hun buurt of wijk" in text.output
    )
    _no_person_in(text.output, _names(api))


def _person_values(table: dict[str, Any]) -> list[int]:
    return [c["value"] for c in table["cells"] if c["persons"] and c["value"] is not None]


@pytest.mark.parametrize("role", ["policymaker", "integration"])
def test_no_count_of_persons_under_ten_on_any_route(api: Api, role: str) -> None:
    """Every table, every question's publishable form, for the whole graph and each area,
    as JSON and as CSV: no count of persons from 1 to 9, every one a multiple of 5, and a
    selection's cells read as the whole table's (so selections cannot be subtracted)."""
    from graph.analysis.aggregates import TABLES

    codes = [area["code"] for area in api.get("admin", "/neighbourhoods").json()]
    if role == "integration":  # recommendations only: the needs table's published counts
        for path in ["/aggregates", *(f"/questions/{q}/publishable" for q in QUESTION_TABLES)]:
            assert api.get(role, path).status_code == 403, path
        for code in codes:
            answer = api.get(role, "/recommendations", neighbourhood=code, page_size=100)
            for item in answer.json()["items"]:
                for reason in item["reasons"]:
                    count = reason.get("data", {}).get("residents")
                    assert count is None or (count % 5 == 0 and count not in range(1, 10))
        return
    session = _signed_in(api, role)
    for name, spec in TABLES.items():
        whole = api.get(role, f"/aggregates/{name}").json()
        cells = {json.dumps(c["dimensions"], sort_keys=True): c for c in whole["cells"]}
        for code in [None, *codes]:
            params = {"neighbourhood": code} if code else {}
            table = api.get(role, f"/aggregates/{name}", **params).json()
            assert all(n % 5 == 0 and n not in range(1, 10) for n in _person_values(table))
            for cell in table["cells"]:
                if cell["kind"] in ("cell", "row_total") and not spec.over_selection:
                    assert cell == cells[json.dumps(cell["dimensions"], sort_keys=True)]
            download = session.get(f"/pages/aggregates/{name}.csv", params=params)
            rows = list(csv.reader(io.StringIO(download.text.lstrip("\ufeff")), delimiter=";"))
            assert [row[-2] for row in rows[1:]] == [
                "" if c["value"] is None else str(c["value"]) for c in table["cells"]
            ]
    for question in QUESTION_TABLES:
        for code in [None, *codes]:
            params = {"neighbourhood": code} if code else {}
            body = api.get(role, f"/questions/{question}/publishable", **params).json()
            for table in body["tables"]:
                assert all(n % 5 == 0 and n not in range(1, 10) for n in _person_values(table))
