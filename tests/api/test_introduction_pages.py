"""Following up introductions on the question pages (issue 14): a form beside each proposal,
none for a resident who did not agree to be contacted; the form marks it as the API does and
leads back; without its session's token, with another's, or from another site it is refused
(403, a page that says why), changes nothing and is logged."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from api.access.audit import read_records
from tests.api.browsing import Site, form_token

HERE = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
FOREIGN = {"Origin": "https://elders.example", "Sec-Fetch-Site": "cross-site"}
FORM = re.compile(
    r'<div class="follow-up" data-source="([^"]+)" data-target="([^"]+)">(.*?)</div>', re.S
)


def _follow_ups(page: str) -> list[tuple[str, str, str]]:
    """(source, target, what the follow-up shows) of every proposal on a page."""
    return [(a, b, html.unescape(body)) for a, b, body in FORM.findall(page)]


def _lines(site: Site) -> list[Any]:
    return list(read_records(site.settings.audit_log)) if site.settings.audit_log.exists() else []


def _introductions(site: Site) -> dict[tuple[str, str], str]:
    services = site.app.state.services
    return dict(services.analyst.context().introductions)


@pytest.fixture
def coach(site: Site) -> Any:
    return site.browser("coach")


def _page(client: Any, question: str = "unused-strengths") -> str:
    answer = client.get(f"/pages/questions/{question}?limit=50")
    assert answer.status_code == 200, answer.text[:300]
    return str(answer.text)


def _a_form(page: str) -> tuple[str, str]:
    for source, target, body in _follow_ups(page):
        if "<form" in body:
            return source, target
    raise AssertionError("no proposal with a form on the page")


def test_each_proposal_has_its_form_and_none_without_consent(site: Site, coach: Any) -> None:
    nodes = site.app.state.services.analyst.context().fabric.nodes
    for question in ("isolated", "unused-strengths", "five-o"):
        page = _page(coach, question)
        shown = _follow_ups(page)
        assert shown, f"{question}: proposals to follow up"
        for source, target, body in shown:
            willing = all(
                nodes[end].get("consent_contact") is True
                for end in (source, target)
                if end.startswith("r-")
            )
            assert ("<form" in body) == willing, (question, source, target)
            if not willing:
                assert "geen toestemming om benaderd te worden" in body
            else:
                assert 'name="form_token" value="' + form_token(page) + '"' in body
                assert "nog niet opgevolgd" in body
    # in English on request
    assert "Follow up the introduction" in coach.get("/pages/questions/five-o?lang=en").text


def test_the_form_marks_the_introduction_and_leads_back(site: Site, coach: Any) -> None:
    page = _page(coach)
    source, target = _a_form(page)
    before = len(_lines(site))
    data = {
        "form_token": form_token(page), "source": source, "target": target,
        "status": "accepted", "back": "/pages/questions/unused-strengths?limit=50",
    }  # fmt: skip
    answer = coach.post("/pages/introductions", data=data, headers=HERE)
    assert answer.status_code == 303, answer.text[:300]
    assert answer.headers["location"] == "/pages/questions/unused-strengths?limit=50"
    assert _introductions(site)[(source, target)] == "accepted"
    [line] = _lines(site)[before:]
    assert (line.action, line.result, line.object_id) == (
        "introduction_accepted",
        "ok",
        f"{source}~{target}",
    )
    # the page shows where it stands now, and offers what may follow
    again = dict(((a, b), body) for a, b, body in _follow_ups(_page(coach)))[(source, target)]
    assert "aangenomen" in again and 'value="proposed"' not in again
    # declined: gone from the answer
    data["status"] = "declined"
    assert coach.post("/pages/introductions", data=data, headers=HERE).status_code == 303
    assert (source, target) not in {(a, b) for a, b, _ in _follow_ups(_page(coach))}
    # a refusal is a page that says why, and changes nothing
    data["status"] = "proposed"
    refused = coach.post("/pages/introductions", data=data, headers=HERE)
    assert refused.status_code == 409 and "afgewezen" in refused.text
    assert refused.headers["content-type"].startswith("text/html")
    assert _introductions(site)[(source, target)] == "declined"


@pytest.mark.parametrize("sent", ["none", "empty", "another session's", "from another site"])
def test_a_form_without_its_sessions_token_is_refused_and_logged(
    site: Site, coach: Any, sent: str
) -> None:
    page = _page(coach)
    source, target = _a_form(page)
    token = {
        "none": None,
        "empty": "",
        "another session's": form_token(site.browser("admin").get("/pages/").text),
        "from another site": form_token(page),
    }[sent]
    data = {"source": source, "target": target, "status": "declined"}
    if token is not None:
        data["form_token"] = token
    before, marked = len(_lines(site)), _introductions(site)
    answer = coach.post(
        "/pages/introductions", data=data, headers=FOREIGN if sent == "from another site" else HERE
    )
    why = "kwam van een andere site" if sent == "from another site" else "niets veranderd"
    assert answer.status_code == 403 and why in answer.text
    assert _introductions(site) == marked, "nothing changed"
    [line] = _lines(site)[before:]
    assert (line.action, line.result, line.actor_role) == ("introduce", "denied", "coach")


def test_a_policymaker_and_another_coachs_buurt_are_refused(site: Site) -> None:
    coach = site.browser("coach")
    source, target = _a_form(_page(coach))
    policymaker = site.browser("policymaker")
    token = form_token(policymaker.get("/pages/").text)
    data = {"form_token": token, "source": source, "target": target, "status": "declined"}
    before = len(_lines(site))
    refused = policymaker.post("/pages/introductions", data=data, headers=HERE)
    assert refused.status_code == 403 and "niet voor uw rol" in refused.text
    other = site.browser("coach2")
    data["form_token"] = form_token(other.get("/pages/").text)
    hidden = other.post("/pages/introductions", data=data, headers=HERE)
    assert hidden.status_code == 404, "as if it did not exist"
    marks = [r for r in _lines(site)[before:] if r.action.startswith("introduc")]
    assert [(r.action, r.result) for r in marks] == [
        ("introduce", "denied"),
        ("introduction_declined", "not_found"),
    ]
    assert (source, target) not in _introductions(site) or _introductions(site)[
        (source, target)
    ] != "declined"
