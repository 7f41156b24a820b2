"""``/docs`` and ``/redoc`` in a real browser with the network cut off: headless Chromium
(Debian's package) driven by Playwright, every request but loopback sent to a proxy that
does not exist, against the app on a loopback port this module starts and stops.

Swagger UI draws every path of ``/openapi.json``, ReDoc every operation; no request leaves
the server and the console shows no error (a request the content-security policy refused
would be one).
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from graph.backends import open_store
from tests.api.browsing import on_loopback
from tests.conftest import embedded_settings

playwright_api = pytest.importorskip("playwright.sync_api")

BROWSER = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine")

REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def _dead_port() -> int:
    """A loopback port nothing listens on (bound, then let go): the proxy that is not there."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base(embedded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on 127.0.0.1 (a free port), in a thread this fixture stops."""
    folder = tmp_path_factory.mktemp("docs")
    settings = embedded_settings(
        embedded_dir, api_keys_file=folder / "keys.json", audit_log=folder / "audit.jsonl"
    )
    with open_store(settings) as store, on_loopback(create_app(settings, store=store)) as address:
        yield address


@pytest.fixture(scope="module")
def offline() -> Iterator[Any]:
    """Chromium whose every request but loopback goes to a proxy nobody runs."""
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=BROWSER,
            args=["--no-sandbox", "--disable-gpu"],
            proxy={"server": f"http://127.0.0.1:{_dead_port()}", "bypass": "127.0.0.1"},
        )
        try:
            yield browser
        finally:
            browser.close()


class Tab:
    """A fresh tab that keeps its console errors and every address it asked for."""

    def __init__(self, browser: Any, base: str) -> None:
        self.page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
        self.base = base
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else 0)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        #: the requests the browser did not send, and why
        self.failed: dict[str, str] = {}
        self.page.on("requestfailed", lambda r: self.failed.update({r.url: r.failure or ""}))

    def stayed_home(self, *, refused: tuple[str, ...] = ()) -> None:
        """No request left the server, and the console shows no error; but the ``refused``
        addresses, which the content-security policy stopped before they were sent."""
        assert self.requests
        away = [u for u in self.requests if not u.startswith((self.base + "/", "data:"))]
        assert sorted(set(away)) == sorted(refused), f"requests left the server: {away}"
        for url in refused:
            assert self.failed.get(url) == "csp", f"not stopped by the policy: {self.failed}"
        errors = [
            e
            for e in self.errors
            if not any(f"'{url}' violates the following Content Security" in e for url in refused)
        ]
        assert not errors, f"console errors: {errors}"


def test_the_network_is_cut_but_loopback(offline: Any, base: str) -> None:
    """What the tests below rest on: an address off this machine does not load, the app
    on loopback does."""
    with pytest.raises(playwright_api.Error, match="ERR_PROXY_CONNECTION_FAILED"):
        Tab(offline, base).page.goto("http://wijkgraaf.example/")
    assert Tab(offline, base).page.goto(base + "/health").status == 200


def test_swagger_ui_shows_every_path_offline(offline: Any, base: str) -> None:
    tab = Tab(offline, base)
    answer = tab.page.goto(base + "/docs")
    assert answer.status == 200
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "http" not in policy
    tab.page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    shown = tab.page.eval_on_selector_all(
        ".opblock-summary-path", "nodes => nodes.map(n => n.dataset.path)"
    )
    paths = httpx.get(base + "/openapi.json").json()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    assert set(shown) == set(paths) and len(shown) == operations
    tab.page.click(".opblock-summary-path[data-path='/recommendations']")
    tab.page.wait_for_selector(".opblock.is-open .parameters", timeout=10_000)
    assert "page_size" in tab.page.inner_text(".opblock.is-open .parameters")
    tab.stayed_home()


def test_redoc_shows_every_operation_offline(offline: Any, base: str) -> None:
    tab = Tab(offline, base)
    answer = tab.page.goto(base + "/redoc")
    assert answer.status == 200
    assert "script-src 'self';" in answer.headers["content-security-policy"]
    tab.page.wait_for_selector("[data-section-id^='tag/']", timeout=30_000)
    paths = httpx.get(base + "/openapi.json").json()["paths"]
    text = tab.page.inner_text("body")
    assert all(path in text for path in paths), "every path is described"
    # ReDoc always draws its maker's logo from the internet: the policy refuses it, as the
    # console says, and ReDoc leaves it out
    tab.stayed_home(refused=(REDOC_LOGO,))
    assert not tab.page.locator(f"img[src='{REDOC_LOGO}']").count()
