"""Trends for policymakers (issue 16): each question's publishable tables per quarter through
the API, the pages, their CSV and the command line, on a dated history of the sample; never a
person, an id or a name, and only for a policymaker or an administrator. The present's tables
are the series' last date: no present cell differs from the last quarter's by 1 to 9 persons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.cli import main
from graph.analysis.aggregates import TABLES, AggregateCell
from graph.analysis.context import NetworkContext
from graph.analysis.publishable import QUESTION_TABLES
from graph.analysis.whole_tables import _members
from graph.settings import Settings, settings_environment
from graph.store import GraphStore
from tests.api.browsing import sign_in
from tests.api.conftest import Api, api_settings, serving
from tests.api.test_publishable import PSEUDONYM, _names, _no_person_in
from tests.graph.analysis.test_disclosure_over_time import key_of, nested_change
from tests.graph.analysis.trend_history import (
    HOOD,
    LATEST_HOOD,
    QUARTERS,
    import_history,
    import_present,
)


@pytest.fixture
def api(store: GraphStore, store_settings: Settings, tmp_path: Path) -> Iterator[Api]:
    """The app on four quarters of the sample's history, with a key per role."""
    settings = api_settings(store_settings, tmp_path)
    import_history(store, settings, tmp_path / "history")
    with serving(store, settings) as api:
        yield api


@pytest.fixture
def api_now(store: GraphStore, store_settings: Settings, tmp_path: Path) -> Iterator[Api]:
    """The app on the four quarters and what came after the last (the present)."""
    settings = api_settings(store_settings, tmp_path)
    import_history(store, settings, tmp_path / "history")
    import_present(store, settings, tmp_path / "history")
    with serving(store, settings) as api:
        yield api


def _persons_published_safely(body: dict[str, object]) -> None:
    for quarter in body["quarters"]:  # type: ignore[attr-defined]
        for table in quarter["tables"]:
            for cell in table["cells"]:
                if cell["persons"] and cell["value"] is not None:
                    assert cell["value"] % 5 == 0 and cell["value"] not in range(1, 10)


def test_a_policymaker_reads_every_trend_without_a_person(api: Api) -> None:
    names = _names(api)
    for question, tables in QUESTION_TABLES.items():
        answer = api.get("policymaker", f"/trends/{question}")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert [q["as_of"] for q in body["quarters"]] == list(QUARTERS)
        assert (body["data_from"], body["data_to"]) == (QUARTERS[0], QUARTERS[-1])
        for quarter in body["quarters"]:
            assert [t["name"] for t in quarter["tables"]] == list(tables)
        _persons_published_safely(body)
        _no_person_in(answer.text, names)
        assert {note["code"] for note in body["notes"]} == {"quarters", "hidden_over_time"}
    isolated = api.get("policymaker", "/trends/isolated").json()
    june = isolated["quarters"][1]["tables"][0]
    assert any(cell["reason"] == "change" for cell in june["cells"]), "June hides a change"
    hidden = next(n for n in isolated["notes"] if n["code"] == "hidden_over_time")
    assert hidden["data"]["hidden"][QUARTERS[1]] > 0
    assert "eerder kwartaal" in hidden["nl"] and "earlier quarter" in hidden["en"]
    # a part of the period is a part of the one series: the same values for the same dates
    part = api.get("policymaker", "/trends/isolated", **{"from": "2025-05-01", "to": "2025-09-30"})
    assert [q["as_of"] for q in part.json()["quarters"]] == list(QUARTERS[1:3])
    assert part.json()["quarters"] == isolated["quarters"][1:3]
    # a neighbourhood's trend: its rows only, as the whole series publishes them
    mine = api.get("policymaker", "/trends/isolated", neighbourhood=HOOD).json()
    for ours, whole in zip(mine["quarters"], isolated["quarters"], strict=True):
        rows = {c["dimensions"].get("neighbourhood") for c in ours["tables"][0]["cells"]}
        assert rows <= {HOOD, None}
        same = [c for c in whole["tables"][0]["cells"] if c["dimensions"].get("neighbourhood")]
        assert [c for c in ours["tables"][0]["cells"] if c["dimensions"].get("neighbourhood")] == [
            c for c in same if c["dimensions"]["neighbourhood"] == HOOD
        ]
    log = [json.loads(line) for line in api.settings.audit_log.read_text().splitlines()]
    asked = [
        line for line in log if line["action"] == "ask" and line["actor_role"] == "policymaker"
    ]
    assert any(line["object_id"] == HOOD for line in asked)


@pytest.mark.parametrize(("role", "status"), [("coach", 403), ("integration", 403), ("admin", 200)])
def test_only_policymakers_and_administrators_read_trends(api: Api, role: str, status: int) -> None:
    answer = api.get(role, "/trends/ownership")
    assert answer.status_code == status
    if status == 403:
        assert set(answer.json()["error"]) == {"code", "message", "message_en", "request_id"}
        page = TestClient(api.client.app)
        sign_in(page, api.tokens[role])
        assert page.get("/pages/trends/ownership").status_code in (401, 403)


@pytest.mark.parametrize(
    "params",
    [{"from": "2025-10-01", "to": "2025-07-01"}, {"from": "2026-01-01"}, {"to": "2024-12-31"}],
)
def test_a_period_without_a_quarter_end_is_answered_with_a_note(
    api: Api, params: dict[str, str]
) -> None:
    answer = api.get("policymaker", "/trends/isolated", **params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["quarters"] == []
    [note] = body["notes"]
    assert note["code"] == "no_quarters" and "kwartaaleinde" in note["nl"]


def test_a_malformed_date_or_question_is_refused_with_the_error_shape(api: Api) -> None:
    answer = api.get("policymaker", "/trends/isolated", **{"from": "2025-13-01"})
    assert answer.status_code == 422
    assert set(answer.json()["error"]) == {"code", "message", "message_en", "request_id"}
    unknown = api.get("policymaker", "/trends/nothing")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"]


def test_the_page_draws_each_table_over_the_quarters_with_the_notes(api: Api) -> None:
    page_client = api.client
    assert sign_in(page_client, api.tokens["policymaker"], next="/pages/").status_code in (200, 303)
    names = _names(api)
    for lang, said in (("nl", "Verborgen: het verschil"), ("en", "Hidden: its difference")):
        page = page_client.get("/pages/trends/isolated", params={"lang": lang})
        assert page.status_code == 200, page.text[:300]
        assert page.text.count('class="chart trend"') == len(QUESTION_TABLES["isolated"])
        assert page.text.count("<polyline") > 0
        assert page.text.count('class="aggregate"') == len(QUARTERS) * 2
        assert said in page.text
        assert (
            "/pages/logout" in page.text and f"lang={'en' if lang == 'nl' else 'nl'}" in page.text
        )
        assert "http://" not in page.text and "https://" not in page.text, "nothing from elsewhere"
        _no_person_in(page.text, names)
    dutch = page_client.get("/pages/trends/isolated.csv")
    assert dutch.status_code == 200 and dutch.content.startswith("\ufeff".encode())
    header = dutch.text.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("kwartaaleinde;tabel;buurt")
    english = page_client.get("/pages/trends/isolated.csv", params={"lang": "en"})
    assert english.text.lstrip("\ufeff").splitlines()[0].startswith("quarter_end,table,")
    assert all(day in dutch.text for day in QUARTERS)
    _no_person_in(dutch.text, names)
    assert not PSEUDONYM.search(english.text)


def test_the_command_line_prints_the_trend_as_the_api_gives_it(api: Api) -> None:
    settings = api.settings
    runner = CliRunner(env=settings_environment(settings))
    result = runner.invoke(main, ["--db", settings.db, "trends", "five-o", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == api.get("policymaker", "/trends/five-o").json()
    text = runner.invoke(
        main,
        ["--db", settings.db, "trends", "isolated", "--neighbourhood", HOOD, "--to", "2025-06-30"],
    )
    assert text.exit_code == 0, text.output
    assert "Per 2025-03-31" in text.output and "Per 2025-06-30" in text.output
    assert "2025-09-30" not in text.output.split("—")[0]
    _no_person_in(text.output, _names(api))
    wrong = runner.invoke(main, ["--db", settings.db, "trends", "isolated", "--from", "morgen"])
    assert wrong.exit_code == 1 and "JJJJ-MM-DD" in wrong.output


def test_the_present_differs_from_the_last_quarter_by_no_small_count(api_now: Api) -> None:
    """Every table of every question, as ``/aggregates/{table}`` publishes it now beside the
    last quarter of its trend: where both publish a count of persons whose people hold one
    another, they differ by 0 or by 10 or more; the four newcomers' need is hidden for its
    change. The publishable answers publish the present's tables the same way."""
    api = api_now
    last = NetworkContext.load(api.store, as_of=QUARTERS[-1])
    now = NetworkContext.load(api.store)
    hidden_for_change = []
    for question, names in QUESTION_TABLES.items():
        trend = api.get("policymaker", f"/trends/{question}").json()
        assert trend["data_to"] == "2026-02-10" and trend["quarters"][-1]["as_of"] == QUARTERS[-1]
        answer = api.get("policymaker", f"/questions/{question}/publishable").json()
        for name, december, published in zip(
            names, trend["quarters"][-1]["tables"], answer["tables"], strict=True
        ):
            spec = TABLES[name]
            present = api.get("policymaker", f"/aggregates/{name}").json()
            assert present["cells"] == published["cells"]
            before_counts, now_counts = spec.count(last), spec.count(now)
            before = _members(before_counts, sorted(before_counts.rows), totals=spec.totals)
            people = _members(now_counts, sorted(now_counts.rows), totals=spec.totals)
            then = {
                key_of(spec, AggregateCell(**cell)): cell["value"] for cell in december["cells"]
            }
            for cell in present["cells"]:
                key = key_of(spec, AggregateCell(**cell))
                if cell["reason"] == "change":
                    hidden_for_change.append((name, key))
                if not cell["persons"] or cell["value"] is None or not then.get(key):
                    continue
                between = nested_change(before.get(key, set()), people[key])
                assert between is None or between == 0 or between >= 10, (name, key, between)
    newcomers = ("opportunities_by_neighbourhood_and_theme", (LATEST_HOOD, "schulden"))
    assert newcomers in hidden_for_change
