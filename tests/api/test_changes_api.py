"""What changed between two dates through the API and the command line (issue 16), on the
sample's history: a coach within their own neighbourhoods (another's: 404), no person-level
changes for a policymaker or an integration (403, logged), one audit line per neighbourhood,
the error shape, and ``wijkgraaf changes --json`` printing the API's own document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.access.api_keys import KeyStore
from api.access.audit import Role, read_records
from api.app import create_app
from api.cli import main
from graph.analysis.engine import Analyst
from graph.analysis.results import Scope
from graph.settings import Settings, settings_environment
from graph.store import GraphStore
from tests.api.conftest import Api, sample_keys
from tests.api.test_answer_document import Published
from tests.sample_story import BLOEMENBUURT, FIRST, LAST, PARKZOOM, load_sample_history, story


@pytest.fixture
def told(store: GraphStore, store_settings: Settings, tmp_path: Path) -> Iterator[Api]:
    """The app on the sample's history, with the keys of ``api`` and a coach of Parkzoom."""
    settings = store_settings.model_copy(
        update={
            "api_keys_file": tmp_path / "keys.json",
            "audit_log": tmp_path / "audit.jsonl",
            "rate_limit": 10_000,
        }
    )
    load_sample_history(store, settings, tmp_path / "history")
    tokens, _ = sample_keys(store, settings)
    tokens["parkzoom"] = KeyStore(settings.api_keys_file).create(Role.COACH, [PARKZOOM])[1]
    with TestClient(create_app(settings, store=store)) as client:
        yield Api(client, settings, store, tokens)


DATES = {"from": FIRST, "to": LAST}


def _lines(api: Api) -> list[Any]:
    return list(read_records(api.settings.audit_log)) if api.settings.audit_log.exists() else []


def test_a_coach_reads_what_changed_in_their_own_neighbourhood(told: Api) -> None:
    people = story(told.settings)
    before = len(_lines(told))
    answer = told.get("parkzoom", "/changes", **DATES)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["scope"]["neighbourhoods"] == [PARKZOOM]
    lost = {item["id"]: item for item in body["bridges_lost"]}
    assert lost[people.mover]["name"] == "Gerrit Bakker"
    assert {item["id"] for item in body["newly_isolated"]} == people.held_together
    assert [item["id"] for item in body["taken_over"]] == [people.handed_over]
    expected = Analyst(told.store).changes(
        FIRST, LAST, Scope(neighbourhoods=(PARKZOOM,)), within=(PARKZOOM,)
    )
    assert body == expected.model_dump(mode="json")
    lines = _lines(told)[before:]
    assert [(r.action, r.object_kind, r.object_id, r.result) for r in lines] == [
        ("changes", "neighbourhood", PARKZOOM, "ok")
    ]


def test_a_coach_outside_their_neighbourhoods_gets_404(told: Api) -> None:
    answer = told.get("coach", "/changes", neighbourhood=PARKZOOM, **DATES)
    assert answer.status_code == 404
    assert set(answer.json()["error"]) == {"code", "message", "message_en", "request_id"}
    mine = told.get("coach", "/changes", neighbourhood=BLOEMENBUURT, **DATES)
    assert mine.status_code == 200
    assert not mine.json()["bridges_lost"] or all(
        item["figures"].get("neighbourhood") in (None, BLOEMENBUURT)
        for item in mine.json()["bridges_lost"]
    )


@pytest.mark.parametrize("role", ["policymaker", "integration"])
def test_no_person_level_changes_for_a_policymaker_or_an_integration(told: Api, role: str) -> None:
    before = len(_lines(told))
    answer = told.get(role, "/changes", **DATES)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "forbidden"
    lines = _lines(told)[before:]
    assert [(r.action, r.result, r.actor_role) for r in lines] == [("changes", "denied", role)]


def test_one_audit_line_per_neighbourhood_under_one_request(told: Api) -> None:
    before = len(_lines(told))
    answer = told.client.get(
        "/changes",
        params=[
            ("from", FIRST),
            ("to", LAST),
            ("neighbourhood", BLOEMENBUURT),
            ("neighbourhood", PARKZOOM),
        ],
        headers=told.auth("admin"),
    )
    assert answer.status_code == 200
    lines = _lines(told)[before:]
    assert [(r.action, r.object_id) for r in lines] == [
        ("changes", BLOEMENBUURT),
        ("changes", PARKZOOM),
    ]
    assert len({r.request_id for r in lines}) == 1


def test_dates_that_are_none_are_refused_with_the_error_shape(told: Api) -> None:
    for params in ({"from": "31-03-2025"}, {"from": FIRST, "to": "2025-02-30"}, {}):
        answer = told.get("admin", "/changes", **params)
        assert answer.status_code == 422, params
        assert set(answer.json()["error"]) == {"code", "message", "message_en", "request_id"}
    today = told.get("admin", "/changes", **{"from": FIRST})
    assert today.status_code == 200 and today.json()["to_date"] > LAST


def test_the_answer_is_the_document_the_api_describes(told: Api) -> None:
    published = Published(told.client.get("/openapi.json").json())
    published.check("/changes", told.get("admin", "/changes", **DATES).json())
    operation = told.client.get("/openapi.json").json()["paths"]["/changes"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"from", "to", "neighbourhood", "limit"} <= names


def test_the_command_line_prints_the_api_s_document(told: Api) -> None:
    runner = CliRunner(env=settings_environment(told.settings))
    args = ["--db", told.settings.db, "changes", "--from", FIRST, "--to", LAST]
    printed = runner.invoke(main, [*args, "--neighbourhood", PARKZOOM, "--json"])
    assert printed.exit_code == 0, printed.output
    api = told.get("admin", "/changes", neighbourhood=PARKZOOM, **DATES)
    assert json.loads(printed.output) == api.json()
    before = len(_lines(told))
    text = runner.invoke(main, [*args, "--lang", "en"])
    assert text.exit_code == 0, text.output
    assert "Gerrit Bakker" in text.output and "is gone" in text.output
    assert "Wandelgroep Parkzoom" in text.output and "Bogdan Ramdin" in text.output
    assert "Moestuin De Groene Hoek grew from 3 to 7 participants" in text.output
    lines = _lines(told)[before:]
    assert [(r.action, r.object_kind, r.actor_key_id) for r in lines] == [
        ("changes", "graph", "cli")
    ]
