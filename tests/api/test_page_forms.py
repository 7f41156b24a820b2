"""Every form of the pages shows it came from this site (issue 17): a form without its token,
with another browser's or session's token, or sent from another site is refused with a page
that says why, changes nothing, and is logged; the real flow, with its tokens, works."""

from __future__ import annotations

import re

import pytest

from api.access.api_keys import KeyStore
from api.access.audit import read_records, verify
from api.access.sessions import COOKIE
from api.pages.forms import FORM_FIELD, SIGN_IN_COOKIE, sign_in_form
from api.web.errors import PAGES_PREFIX
from tests.api.browsing import Site, app_routes, form_token, sign_in, sign_out

FOREIGN = {"Origin": "https://elders.example", "Sec-Fetch-Site": "cross-site"}


def _lines(site: Site) -> list[tuple[str, str, str]]:
    if not site.settings.audit_log.exists():
        return []
    return [(r.action, r.result, r.object_id) for r in read_records(site.settings.audit_log)]


def _key_id(site: Site, role: str) -> str:
    key = KeyStore(site.settings.api_keys_file).authenticate(site.tokens[role])
    assert key is not None
    return key.key_id


def test_every_state_changing_page_route_checks_its_form(site: Site) -> None:
    """A form route added later is held to the checks too: each route under /pages that
    takes anything but GET depends on the sign-in form's check or a session form's."""
    unsafe = [
        route
        for route in app_routes(site.app)
        if route.path.startswith(PAGES_PREFIX) and (route.methods or set()) - {"GET", "HEAD"}
    ]
    assert {route.path for route in unsafe} == {
        "/pages/login",
        "/pages/logout",
        "/pages/introductions",
        "/pages/residents/{resident_id}",
        "/pages/residents",
        "/pages/initiatives",
        "/pages/undo",
    }
    for route in unsafe:
        checks = {
            getattr(dependency.call, "__qualname__", "")
            for dependency in route.dependant.dependencies
        }
        assert {sign_in_form.__qualname__, "session_form.<locals>.check"} & checks, route.path


def test_the_sign_in_page_sets_its_cookie_and_its_form_carries_the_token(site: Site) -> None:
    client = site.browser()
    page = client.get("/pages/login")
    cookie = page.headers["set-cookie"].lower()
    assert SIGN_IN_COOKIE in cookie and "httponly" in cookie and "samesite=strict" in cookie
    token = form_token(page.text)
    assert len(token) == 64 and token not in page.headers["set-cookie"]
    assert form_token(client.get("/pages/login").text) == token, "one token per browser"
    assert form_token(site.browser().get("/pages/login").text) != token, "not another's"


@pytest.mark.parametrize(
    "sent",
    [
        "none",  # the form without its token
        "empty",
        "another browser's",  # a token read by someone else, from their own cookie
        "no cookie",  # the token without the cookie it belongs to
        "not ascii",
    ],
)
def test_a_sign_in_without_its_right_token_is_refused_and_logged(site: Site, sent: str) -> None:
    client = site.browser()
    token = form_token(client.get("/pages/login").text)
    if sent == "none":
        data = {"key": site.tokens["coach"]}
    else:
        value = {
            "empty": "",
            "another browser's": form_token(site.browser().get("/pages/login").text),
            "no cookie": token,
            "not ascii": "é" * 64,
        }[sent]
        data = {"key": site.tokens["coach"], FORM_FIELD: value}
    if sent == "no cookie":
        client.cookies.clear()
    before = len(_lines(site))
    answer = client.post("/pages/login", data=data)
    assert answer.status_code == 403, answer.text[:300]
    assert answer.headers["content-type"].startswith("text/html")
    assert "Dit formulier is verlopen of kwam niet van deze site" in answer.text
    assert COOKIE not in answer.headers.get("set-cookie", "") and not client.cookies.get(COOKIE)
    assert client.get("/pages/").status_code == 303, "not signed in"
    lines = _lines(site)
    assert lines[before:] == [("sign_in", "denied", _key_id(site, "coach"))]
    assert site.tokens["coach"] not in site.settings.audit_log.read_text()


def test_a_refused_form_says_why_in_english_on_request(site: Site) -> None:
    answer = site.browser().post("/pages/login?lang=en", data={"key": "nothing"})
    assert answer.status_code == 403
    assert "This form has expired or did not come from this site" in answer.text
    assert "nothing was changed" in answer.text


def test_a_sign_in_without_a_token_and_without_a_valid_key_has_nobody_to_log(site: Site) -> None:
    before = len(_lines(site))
    answer = site.browser().post("/pages/login", data={"key": "wgk_nope"})
    assert answer.status_code == 403 and len(_lines(site)) == before


@pytest.mark.parametrize("sent", ["none", "empty", "another session's", "the sign-in form's"])
def test_a_sign_out_without_its_sessions_token_is_refused_and_the_session_stays(
    site: Site, sent: str
) -> None:
    mine, theirs = site.browser("coach"), site.browser("admin")
    data = {
        "none": {},
        "empty": {FORM_FIELD: ""},
        "another session's": {FORM_FIELD: form_token(theirs.get("/pages/").text)},
        "the sign-in form's": {FORM_FIELD: form_token(mine.get("/pages/login").text)},
    }[sent]
    before = len(_lines(site))
    answer = mine.post("/pages/logout", data=data)
    assert answer.status_code == 403 and "niets veranderd" in answer.text
    assert mine.get("/pages/").status_code == 200, "the session is still open"
    assert theirs.get("/pages/").status_code == 200
    assert _lines(site)[before:] == [("sign_out", "denied", _key_id(site, "coach"))]


def test_a_sign_out_from_another_site_is_refused_even_with_its_token(site: Site) -> None:
    mine = site.browser("coach")
    token = form_token(mine.get("/pages/").text)
    answer = mine.post("/pages/logout", data={FORM_FIELD: token}, headers=FOREIGN)
    assert answer.status_code == 403 and "kwam van een andere site" in answer.text
    assert mine.get("/pages/").status_code == 200


def test_a_sign_in_from_another_site_is_refused_even_with_its_token(site: Site) -> None:
    client = site.browser()
    answer = sign_in(client, site.tokens["coach"], headers=FOREIGN)
    assert answer.status_code == 403 and not client.cookies.get(COOKIE)


def test_the_real_flow_signs_in_shows_the_sessions_token_and_signs_out(site: Site) -> None:
    client = site.browser()
    here = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    before = len(_lines(site))
    assert sign_in(client, site.tokens["policymaker"], headers=here).status_code == 303
    assert not client.cookies.get(SIGN_IN_COOKIE), "the sign-in cookie is spent"
    pages = [client.get(path) for path in ("/pages/", "/pages/aggregates")]
    tokens = {form_token(page.text) for page in pages}
    assert len(tokens) == 1, "one token per session, on every page"
    other = site.browser("policymaker")
    assert form_token(other.get("/pages/").text) not in tokens, "each session its own"
    out = sign_out(client, headers=here)
    assert out.status_code == 303 and out.headers["location"] == "/pages/login?lang=nl"
    assert client.get("/pages/").status_code == 303, "signed out"
    assert other.get("/pages/").status_code == 200, "another session of the key stays"
    key_id = _key_id(site, "policymaker")
    assert [line for line in _lines(site)[before:] if line[2] == key_id][:1] == [
        ("sign_in", "ok", key_id)
    ]
    assert ("sign_out", "ok", key_id) in _lines(site)[before:]
    assert verify(site.settings.audit_log).ok


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("admin", "/pages/"),
        ("admin", "/pages/map"),
        ("admin", "/pages/questions/bridges"),
        ("policymaker", "/pages/aggregates"),
        ("policymaker", "/pages/aggregates/residents_by_neighbourhood"),
        ("policymaker", "/pages/questions/isolated/publishable"),
        ("policymaker", "/pages/trends/isolated"),
        ("coach", "/pages/changes"),
        ("coach", "/pages/residents/new"),
        ("coach", "/pages/initiatives/new"),
        (None, "/pages/login"),
    ],
)
def test_every_form_on_a_page_carries_a_token(site: Site, role: str | None, path: str) -> None:
    """Every form that changes something (POST) carries the session's token; a form that only
    chooses what to read (GET: a date, a period) carries none, since its fields go into the
    address, where a token must never be."""
    client = site.browser(role)
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    forms = re.findall(r"<form\b[^>]*>.*?</form>", page.text, flags=re.S)
    posting = [f for f in forms if re.search(r'method="post"', f, flags=re.I)]
    reading = [f for f in forms if re.search(r'method="get"', f, flags=re.I)]
    assert len(posting) + len(reading) == page.text.count("<form"), "every form says its method"
    assert all(f.count(f'name="{FORM_FIELD}"') == 1 for f in posting), path
    assert not any(FORM_FIELD in f for f in reading), path
    forms = len(posting)
    if role is not None and forms:  # the sign-out form: with this session's token
        assert form_token(page.text) == form_token(client.get("/pages/").text)
