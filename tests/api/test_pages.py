"""The pages for a browser, on the sample neighbourhood in the embedded database: signing in,
the same roles as the API, a coach kept to their own neighbourhoods, tables equal to the API's
answers, publishable figures only, CSV downloads, and every page in the audit log."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access.api_keys import KeyStore
from api.access.audit import Role, read_records, verify
from api.access.sessions import COOKIE
from api.pages.access import INLINE_SCRIPT
from graph.model import NodeLabel
from graph.store import GraphStore
from tests.api.browsing import Site, sign_in, sign_out


def _residents_of(store: GraphStore, code: str) -> list[str]:
    return sorted(
        n.id for n in store.nodes(NodeLabel.RESIDENT) if n.properties.get("neighbourhood") == code
    )


def _cells(page: str, table_id: str) -> list[list[str]]:
    """The text of every row of a table (header cells included), tags stripped."""
    table = page[page.index(f'<table id="{table_id}"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", " ", cell).split() and " ".join(re.sub(r"<[^>]+>", " ", cell).split())
         for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]  # fmt: skip


def test_a_page_without_a_session_sends_the_browser_to_sign_in(site: Site) -> None:
    client = site.browser()
    answer = client.get("/pages/questions/bridges", params={"lang": "en"})
    assert answer.status_code == 303
    target = answer.headers["location"]
    assert target.startswith("/pages/login?") and "next=%2Fpages%2Fquestions%2Fbridges" in target
    form = client.get(target)
    assert form.status_code == 200 and 'name="key"' in form.text
    assert 'value="/pages/questions/bridges?lang=en"' in form.text
    assert "script-src 'none'" in form.headers["content-security-policy"]
    assert client.get("/").headers["location"] == "/pages/"


def test_a_wrong_key_is_refused_and_no_session_starts(site: Site) -> None:
    client = site.browser()
    answer = sign_in(client, "wgk_000000000000_" + "A" * 43)
    assert answer.status_code == 401
    assert 'id="sign-in-problem"' in answer.text and COOKIE not in answer.headers.get(
        "set-cookie", ""
    )
    assert client.get("/pages/").status_code == 303


def test_signing_in_sets_a_strict_cookie_and_is_audited(site: Site) -> None:
    client = site.browser()
    answer = sign_in(client, site.tokens["coach"], next="/pages/questions/isolated?lang=en")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/pages/questions/isolated?lang=en"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/pages" in cookie
    assert site.tokens["coach"] not in answer.headers["set-cookie"], "the key is not the cookie"
    key = KeyStore(site.settings.api_keys_file).authenticate(site.tokens["coach"])
    assert key is not None
    signed = [r for r in read_records(site.settings.audit_log) if r.action == "sign_in"]
    assert signed and signed[-1].object_id == key.key_id
    assert site.tokens["coach"] not in site.settings.audit_log.read_text()


@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example/", "//elsewhere.example/pages/", "/keys", "/pages\\x"]
)
def test_signing_in_never_sends_the_browser_elsewhere(site: Site, next_url: str) -> None:
    answer = sign_in(site.browser(), site.tokens["admin"], next=next_url)
    assert answer.status_code == 303 and answer.headers["location"] == "/pages/"


# (role, path, allowed)
PAGE_MATRIX = [
    ("coach", "/pages/", True),
    ("coach", "/pages/map", True),
    ("coach", "/pages/questions/bridges", True),
    ("coach", "/pages/questions/bridges.csv", True),
    ("coach", "/pages/aggregates", False),
    ("coach", "/pages/aggregates/residents_by_neighbourhood", False),
    ("policymaker", "/pages/", True),
    ("policymaker", "/pages/map", False),
    ("policymaker", "/pages/questions/bridges", False),
    ("policymaker", "/pages/questions/bridges.csv", False),
    ("policymaker", "/pages/aggregates", True),
    ("policymaker", "/pages/aggregates/residents_by_neighbourhood", True),
    ("policymaker", "/pages/aggregates/residents_by_neighbourhood.csv", True),
    ("integration", "/pages/", False),
    ("integration", "/pages/map", False),
    ("integration", "/pages/aggregates", False),
    ("admin", "/pages/", True),
    ("admin", "/pages/map", True),
    ("admin", "/pages/questions/five-o", True),
    ("admin", "/pages/aggregates/participants_by_neighbourhood_and_sector", True),
]


@pytest.mark.parametrize(("role", "path", "allowed"), PAGE_MATRIX)
def test_each_role_sees_only_its_pages(site: Site, role: str, path: str, allowed: bool) -> None:
    answer = site.browser(role).get(path)
    assert answer.status_code == (200 if allowed else 403), answer.text[:300]
    if not allowed:
        assert answer.headers["content-type"].startswith("text/html")
        assert 'id="error-message"' in answer.text


def test_the_index_lists_a_coachs_own_neighbourhoods_only(site: Site) -> None:
    page = site.browser("coach").get("/pages/").text
    assert f'data-area="{site.areas["coach"]}"' in page
    assert f'data-area="{site.areas["coach2"]}"' not in page
    admin = site.browser("admin").get("/pages/").text
    assert f'data-area="{site.areas["coach"]}"' in admin and 'id="tables"' in admin
    policymaker = site.browser("policymaker").get("/pages/").text
    assert 'id="areas"' not in policymaker and 'id="tables"' in policymaker


def test_a_coach_reaches_no_map_of_another_neighbourhood(site: Site) -> None:
    coach = site.browser("coach")
    theirs = site.areas["coach2"]
    assert coach.get("/pages/map", params={"neighbourhood": site.areas["coach"]}).status_code == 200
    assert coach.get("/pages/map", params={"neighbourhood": theirs}).status_code == 404
    own = _residents_of(site.store, site.areas["coach"])[0]
    context = site.app.state.services.analyst.context()
    # someone living elsewhere whose name may be shown, to see that it is not
    other = next(r for r in _residents_of(site.store, theirs) if context.name(r) != r[:8])
    assert coach.get("/pages/map", params={"ego": own, "steps": 2}).status_code == 200
    refused = coach.get("/pages/map", params={"ego": other})
    unknown = coach.get("/pages/map", params={"ego": "r-" + "0" * 32})
    assert refused.status_code == unknown.status_code == 404
    assert _error_text(refused.text) == _error_text(unknown.text), "nothing tells them apart"
    assert context.name(other) not in refused.text
    records = read_records(site.settings.audit_log)
    assert any(r.action == "map" and r.subject_id == own and r.result == "ok" for r in records)
    assert any(
        r.action == "map" and r.object_id == other and r.result == "not_found" for r in records
    )
    assert site.browser("admin").get("/pages/map", params={"ego": other}).status_code == 200


def _error_text(page: str) -> str:
    return page[
        page.index('id="error-message"') : page.index("</p>", page.index('id="error-message"'))
    ]


def test_a_coachs_map_and_answers_hold_nobody_from_elsewhere(site: Site) -> None:
    coach = site.browser("coach")
    elsewhere = set(_residents_of(site.store, site.areas["coach2"]))
    pages = [coach.get("/pages/map").text]
    for question in ("bridges", "isolated", "unused-strengths"):
        pages.append(coach.get("/pages/map", params={"question": question}).text)
        pages.append(coach.get(f"/pages/questions/{question}").text)
        pages.append(coach.get(f"/pages/questions/{question}.csv").text)
    assert elsewhere, "the other coach's areas have residents to leak"
    shown = [set(re.findall(r"r-[0-9a-f]{32}", page)) for page in pages]
    assert any(shown), "the pages name residents: the check below reads ids that are there"
    for ids in shown:
        assert not elsewhere & ids


def test_a_question_page_shows_the_apis_answer(site: Site) -> None:
    coach = site.browser("coach")
    code = site.areas["coach"]
    page = coach.get("/pages/questions/isolated", params={"neighbourhood": code})
    api = site.app.state.services.analyst.ask("isolated", _scope(code), limit=20, within=(code,))
    rows = _cells(page.text, "answer")[1:]
    assert api.items, "the sample has isolated residents"
    assert [row[1] for row in rows] == [item.name for item in api.items]
    assert api.items[0].reasons[0].nl in page.text
    assert f"/pages/map?ego={api.items[0].id}&amp;question=isolated" in page.text
    assert 'href="/pages/questions/isolated.csv?limit=20&amp;neighbourhood=' in page.text
    english = coach.get("/pages/questions/isolated", params={"neighbourhood": code, "lang": "en"})
    assert "Who is isolated?" in english.text and api.items[0].reasons[0].en in english.text


def _scope(code: str) -> Any:
    from graph.analysis.results import Scope

    return Scope(neighbourhoods=(code,))


def test_a_question_downloads_as_csv(site: Site) -> None:
    code = site.areas["coach"]
    answer = site.browser("coach").get(
        "/pages/questions/isolated.csv", params={"neighbourhood": code}
    )
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="wijkgraaf-isolated.csv"' in answer.headers["content-disposition"]
    assert answer.text.startswith("\ufeff"), "UTF-8 with a byte-order mark, for Excel"
    rows = list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff")), delimiter=";"))
    api = site.app.state.services.analyst.ask("isolated", _scope(code), limit=20, within=(code,))
    assert rows[0] == ["rang", "id", "soort", "naam", "score", "redenen"]
    assert [row[1] for row in rows[1:]] == [item.id for item in api.items]


def test_aggregate_pages_publish_no_cell_under_ten(site: Site) -> None:
    policymaker = site.browser("policymaker")
    for table in (
        "residents_by_neighbourhood",
        "needs_by_neighbourhood_and_theme",
        "participants_by_neighbourhood_and_sector",
        "initiatives_by_neighbourhood_and_theme",
    ):
        page = policymaker.get(f"/pages/aggregates/{table}")
        assert page.status_code == 200, page.text[:200]
        shown = [cell for row in _cells(page.text, "aggregate")[1:] for cell in row[1:]]
        numbers = [int(cell.replace(".", "")) for cell in shown if cell != "—"]
        api = policymaker.get(
            f"/aggregates/{table}",
            headers={"Authorization": f"Bearer {site.tokens['policymaker']}"},
        ).json()
        # counts of persons; counts of initiatives and organisations are published as they are
        persons = [c["value"] for c in api["cells"] if c["value"] is not None and c["persons"]]
        assert all((n == 0 or n >= 10) and n % 5 == 0 for n in persons), (table, persons)
        published = [c["value"] for c in api["cells"] if c["value"] is not None]
        assert sorted(numbers) == sorted(published), "the page shows the API's numbers"
        assert shown.count("—") == sum(c["value"] is None for c in api["cells"])
        assert '<svg id="chart"' in page.text
        download = policymaker.get(f"/pages/aggregates/{table}.csv")
        text = download.text.lstrip("\ufeff")
        values = [row[-2] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
        assert sorted(int(v) for v in values if v) == sorted(published)


def test_every_script_on_a_page_is_allowed_by_its_hash_and_nothing_else_loads(site: Site) -> None:
    answer = site.browser("admin").get("/pages/map", params={"question": "bridges"})
    policy = answer.headers["content-security-policy"]
    scripts = INLINE_SCRIPT.findall(answer.text)
    assert len(scripts) == 2, "vis-network and the page's own script"
    for body in scripts:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "unsafe-eval" not in policy
    assert 'id="map-nav"' in answer.text


def test_a_revoked_key_or_signing_out_ends_the_session(site: Site) -> None:
    keys = KeyStore(site.settings.api_keys_file)
    key, token = keys.create(Role.COACH, [site.areas["coach"]], label="kort")
    browser = TestClient(site.app, follow_redirects=False)
    assert sign_in(browser, token).status_code == 303
    assert browser.get("/pages/").status_code == 200
    keys.revoke(key.key_id)
    assert browser.get("/pages/").status_code == 303
    other = site.browser("coach")
    assert sign_out(other).status_code == 303
    assert other.get("/pages/").status_code == 303


def test_errors_under_pages_are_pages_and_the_api_keeps_its_json(site: Site) -> None:
    admin = site.browser("admin")
    missing = admin.get("/pages/questions/no-such-question")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    invalid = admin.get("/pages/map", params={"steps": 7, "lang": "en"})
    assert invalid.status_code == 422 and "Invalid request" in invalid.text
    api = admin.get("/questions/no-such-question")
    assert api.status_code == 401 and api.json()["error"]["code"] == "unauthorised"


def test_the_audit_chain_of_the_pages_verifies(site: Site) -> None:
    site.browser("policymaker").get("/pages/aggregates/needs_by_neighbourhood_and_theme")
    assert verify(site.settings.audit_log).ok


def test_every_figure_and_kind_on_a_dutch_question_page_has_a_dutch_name(site: Site) -> None:
    """No English key reaches a Dutch page (issue 14): each headline figure the pages show and
    each kind of item has its name in Dutch."""
    from graph.analysis.engine import CATALOGUE
    from graph.analysis.results import Scope
    from visualise.site import ITEM_KINDS
    from visualise.style import KIND_STYLE
    from visualise.words import SUMMARY_NAMES

    analyst = site.app.state.services.analyst
    shown, kinds = set(), set()
    for question in CATALOGUE:
        for scope in (Scope(), Scope(people_only=True), _scope(site.areas["coach"])):
            answer = analyst.ask(question, scope, limit=100)
            shown |= {k for k, v in answer.summary.items() if isinstance(v, int | float | str)}
            kinds |= {item.kind for item in answer.items}
    assert shown and kinds
    assert shown <= set(SUMMARY_NAMES), shown - set(SUMMARY_NAMES)
    assert kinds <= set(KIND_STYLE) | set(ITEM_KINDS), kinds - set(KIND_STYLE) - set(ITEM_KINDS)
    page = site.browser("admin").get("/pages/questions/opportunities")
    assert page.status_code == 200 and ">Kans<" in page.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://elders.example"},
        {"Origin": "null"},
        {"Referer": "https://elders.example/form.html"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://testserver"},
        {"Origin": "http://testserver.elders.example"},
    ],
)
def test_a_sign_in_or_out_sent_from_another_site_is_refused(
    site: Site, headers: dict[str, str]
) -> None:
    """Issue 17: a login posted from a foreign origin got a session cookie. (The forms carry
    their right tokens here: where they came from is enough to refuse them.)"""
    client = site.browser()
    forged = sign_in(client, site.tokens["coach"], headers=headers)
    assert forged.status_code == 403, forged.text[:200]
    assert COOKIE not in forged.cookies and not client.cookies.get(COOKIE)
    signed_in = site.browser("coach")
    out = sign_out(signed_in, headers=headers)
    assert out.status_code == 403
    assert signed_in.get("/pages/").status_code == 200, "the session is still open"


def test_a_sign_in_from_this_site_is_let_through(site: Site) -> None:
    client = site.browser()
    here = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    answer = sign_in(client, site.tokens["coach"], headers=here)
    assert answer.status_code == 303 and client.get("/pages/").status_code == 200
    assert sign_out(client, headers=here).status_code == 303
