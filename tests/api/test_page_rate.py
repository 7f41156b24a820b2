"""Forms posted to the pages are rate-limited before their body is read: per sender's address,
since a sign-in carries its key in the body (someone trying keys one after another is held to
the rate), and then, signed in, per key as every page is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access.api_keys import KeyStore
from api.access.audit import Role
from api.app import create_app
from graph.settings import Settings
from graph.store import GraphStore
from tests.api.browsing import form_token

RATE = 4


@pytest.fixture
def client(
    embedded_dir: Path, tmp_path: Path, store: GraphStore
) -> Iterator[tuple[TestClient, str]]:
    del embedded_dir
    settings: Settings = store.settings.model_copy(
        update={
            "api_keys_file": tmp_path / "keys.json",
            "audit_log": tmp_path / "audit.jsonl",
            "rate_limit": RATE,
        }
    )
    key = KeyStore(settings.api_keys_file).create(Role.POLICYMAKER)[1]
    with TestClient(create_app(settings, store=store)) as test_client:
        yield test_client, key


def test_trying_keys_one_after_another_is_held_to_the_rate(
    client: tuple[TestClient, str],
) -> None:
    browser, key = client
    page = browser.get("/pages/login")
    token = form_token(page.text)
    for n in range(RATE):
        wrong = browser.post("/pages/login", data={"key": f"guess-{n}", "form_token": token})
        assert wrong.status_code == 401, wrong.text[:200]  # the sign-in page again
        token = form_token(wrong.text)
    held = browser.post("/pages/login", data={"key": key, "form_token": token})
    assert held.status_code == 429
    assert int(held.headers["retry-after"]) >= 1
    assert "Te veel verzoeken" in held.text and "Too many requests" in held.text
    assert held.headers["content-security-policy"] == "default-src 'none'"
    assert "set-cookie" not in held.headers, "no session for a held sign-in"
    # reading pages is not a form: the sign-in page still opens
    assert browser.get("/pages/login").status_code == 200


def test_a_form_held_to_the_rate_is_not_read(client: tuple[TestClient, str]) -> None:
    """The answer comes before the body: a body that never arrives does not stop it."""
    browser, _ = client
    for _ in range(RATE):
        browser.post("/pages/login", data={"key": "x", "form_token": "y"})

    def body_never_sent() -> Iterator[bytes]:
        raise AssertionError("the body was read")
        yield b""

    held = browser.post(
        "/pages/login",
        content=body_never_sent(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert held.status_code == 429
