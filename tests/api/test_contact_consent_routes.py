"""No resident without contact consent is ever proposed or named as a candidate, on every
route and for every role that proposes or names candidates (issue 14).

tests/graph/analysis/test_contact_consent.py holds the questions and recommendations to it
where they are worked out; here the same is asked of what leaves the server: the API's
answers for a coach (of each buurt), an administrator and an integration, the pages and their
CSV for a coach and an administrator, the command line, and the new ways introductions are
followed up (``POST /introductions`` and the pages' form refuse such a resident for every
role that may mark one, and no page offers a form for one).

A resident is *proposed* when an answer suggests approaching them on someone else's behalf:
every resident id an item carries (the item itself, its evidence path, its figures, the data
of its reasons), except the answer's subject: the resident recommendations are for, and the
item itself of the isolated and unused-strengths answers (whose items are the people a coach
asks about). The bridges name who holds the network together and propose no one.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from api.cli import main
from graph.analysis.engine import CATALOGUE
from graph.settings import settings_environment
from tests.api.browsing import Site, form_token

RESIDENT = re.compile(r"r-[0-9a-f]{32}")
SUBJECT_QUESTIONS = {"isolated", "unused-strengths"}
QUESTIONS = [q for q in CATALOGUE if q != "bridges"]
HERE = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def proposed(document: dict[str, Any]) -> set[str]:
    """The residents a question's answer or a page of recommendations proposes."""
    subject = document.get("subject")
    found: set[str] = set()
    for item in document["items"]:
        carried = set(_strings({k: v for k, v in item.items() if k not in ("name", "score")}))
        residents = {m for text in carried for m in RESIDENT.findall(text)}
        if document.get("question") in SUBJECT_QUESTIONS:
            residents.discard(item["id"])
        found |= residents - {subject}
    return found


@pytest.fixture(scope="module")
def refused(site: Site) -> set[str]:
    nodes = site.app.state.services.analyst.context().fabric.nodes
    without = {n for n, d in nodes(data=True) if d.get("label") == "Resident"}
    without -= {n for n in without if nodes[n].get("consent_contact") is True}
    assert without, "the sample has residents who did not agree to be contacted"
    return without


def _get(site: Site, role: str, path: str, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {site.tokens[role]}"}
    return site.browser().get(path, params=params, headers=headers)


def _subjects(site: Site) -> list[tuple[str, str]]:
    context = site.app.state.services.analyst.context()
    found = [("neighbourhood", code) for code in sorted(context.areas)]
    for node, data in sorted(context.fabric.nodes(data=True)):
        if data.get("label") in ("Resident", "Initiative"):
            found.append((data["label"].lower(), node))
    return found


def test_the_questions_of_every_role_propose_no_one_without_consent(
    site: Site, refused: set[str]
) -> None:
    everyone: set[str] = set()
    areas = ["", *sorted(site.app.state.services.analyst.context().areas)]
    for role in ("coach", "coach2", "admin"):
        for question in QUESTIONS:
            for area in areas if role == "admin" else [""]:
                params = {"limit": 100, **({"neighbourhood": area} if area else {})}
                answer = _get(site, role, f"/questions/{question}", **params)
                assert answer.status_code == 200, (role, question, area, answer.text[:200])
                found = proposed(answer.json())
                assert not found & refused, (role, question, area, sorted(found & refused))
                everyone |= found
    assert len(everyone) >= 10, "the check can fail: residents are proposed"


def test_the_recommendations_of_every_role_propose_no_one_without_consent(
    site: Site, refused: set[str]
) -> None:
    served = {role: 0 for role in ("coach", "coach2", "integration", "admin")}
    everyone: set[str] = set()
    for kind, subject in _subjects(site):
        for role in served:
            answer = _get(site, role, "/recommendations", **{kind: subject}, page_size=100)
            if role.startswith("coach") and answer.status_code == 404:
                continue  # outside the coach's buurt: as if it did not exist
            assert answer.status_code == 200, (role, kind, subject, answer.text[:200])
            document = answer.json()
            found = proposed(document)
            assert not found & refused, (role, kind, subject, sorted(found & refused))
            everyone |= found
            served[role] += 1
    assert all(served.values()), served
    assert len(everyone) >= 20, "the check can fail: residents are proposed"


def _page_reasons(page: str) -> set[str]:
    cells = re.findall(r'<ul class="reasons">(.*?)</ul>', page, re.S)
    return {html.unescape(r) for cell in cells for r in re.findall(r"<li>(.*?)</li>", cell, re.S)}


def test_the_pages_and_their_csv_show_the_same_answers_and_offer_no_one_without_consent(
    site: Site, refused: set[str]
) -> None:
    for role in ("coach", "coach2", "admin"):
        browser = site.browser(role)
        for question in QUESTIONS:
            page = browser.get(f"/pages/questions/{question}?limit=100")
            assert page.status_code == 200, (role, question)
            api = _get(site, role, f"/questions/{question}", limit=100).json()
            expected = {reason["nl"] for item in api["items"] for reason in item["reasons"]}
            assert _page_reasons(page.text) == expected, (role, question)
            for source, target in re.findall(
                r'name="source" value="([^"]+)">\s*<input type="hidden" name="target" '
                r'value="([^"]+)"',
                page.text,
            ):
                assert not {source, target} & refused, (role, question, source, target)
            csv = browser.get(f"/pages/questions/{question}.csv?limit=100")
            assert csv.status_code == 200
            for reason in expected:
                assert reason.split(";")[0].replace('"', '""')[:40] in csv.text


def test_the_command_line_proposes_no_one_without_consent(site: Site, refused: set[str]) -> None:
    runner = CliRunner(env=settings_environment(site.settings))
    db = ["--db", site.settings.db]
    for question in QUESTIONS:
        result = runner.invoke(main, [*db, "ask", question, "--limit", "100", "--json"])
        assert result.exit_code == 0, result.output
        assert not proposed(json.loads(result.output)) & refused, question
    everyone: set[str] = set()
    for kind, subject in _subjects(site)[:40]:
        result = runner.invoke(main, [*db, "recommend", f"--{kind}", subject, "--json"])
        assert result.exit_code == 0, result.output
        found = proposed(json.loads(result.output))
        assert not found & refused, (kind, subject)
        everyone |= found
    assert everyone, "the check can fail: residents are proposed"


def test_no_role_can_introduce_a_resident_without_consent(site: Site, refused: set[str]) -> None:
    """The new routes: the API and the pages' form refuse such a resident for every role that
    may mark an introduction, in every kind, whatever the status; nothing is written."""
    context = site.app.state.services.analyst.context()
    buurt = site.areas["coach"]
    nodes = context.fabric.nodes
    mine = sorted(r for r in refused if nodes[r].get("neighbourhood") == buurt)
    willing = sorted(
        n
        for n, d in nodes(data=True)
        if d.get("label") == "Resident"
        and d.get("consent_contact")
        and d.get("neighbourhood") == buurt
    )
    initiative = next(
        n
        for n, d in sorted(nodes(data=True))
        if d.get("neighbourhood") == buurt and d.get("label") == "Initiative"
    )
    version = site.store.version()
    for role in ("coach", "integration", "admin"):
        for status in ("proposed", "accepted", "declined", "happened"):
            for source, target in (
                (mine[0], initiative),
                (mine[0], willing[0]),
                (willing[0], mine[0]),
            ):
                body = {"source": source, "target": target, "status": status}
                headers = {"Authorization": f"Bearer {site.tokens[role]}"}
                answer = site.browser().post("/introductions", json=body, headers=headers)
                assert answer.status_code == 409, (role, status, answer.text[:200])
                assert answer.json()["error"]["code"] == "no_contact_consent"
    for role in ("coach", "admin"):
        browser = site.browser(role)
        token = form_token(browser.get("/pages/").text)
        data = {"form_token": token, "source": mine[0], "target": initiative, "status": "proposed"}
        answer = browser.post("/pages/introductions", data=data, headers=HERE)
        assert answer.status_code == 409 and "toestemming_contact" in answer.text
    assert site.store.version() == version, "nothing was written"
