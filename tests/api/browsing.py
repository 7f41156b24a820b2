"""A browser's way through the pages in tests: the sign-in form read first for its token, the
session's form token read from a page, the site the page tests share, and an app served on a
loopback port for a real browser."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import uvicorn
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from graph.settings import Settings
from graph.store import GraphStore

FORM_TOKEN = re.compile(r'name="form_token" value="([^"]*)"')


class Client(Protocol):
    """A TestClient or an httpx.Client: both keep the cookies a page sets."""

    def get(self, url: str, **kwargs: Any) -> Any: ...

    def post(self, url: str, **kwargs: Any) -> Any: ...


def app_routes(app: Any) -> Iterator[APIRoute]:
    """Every route of ``app``, inside the routers it includes too (FastAPI keeps those)."""

    def walk(routes: list[Any]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            elif hasattr(route, "original_router"):
                yield from walk(route.original_router.routes)

    return walk(app.routes)


def form_token(page: str) -> str:
    """The form token of the (first) form on ``page``."""
    found = FORM_TOKEN.search(page)
    assert found is not None, "the page has no form token"
    return found.group(1)


def sign_in(
    client: Client, key: str, *, headers: dict[str, str] | None = None, **fields: str
) -> Any:
    """Sign in as a person would: open the sign-in page (it sets its cookie), then send its
    form with ``key`` and ``fields`` (next, lang)."""
    page = client.get("/pages/login")
    assert page.status_code == 200, page.text[:300]
    data = {"key": key, "form_token": form_token(page.text), **fields}
    return client.post("/pages/login", data=data, headers=headers)


def sign_out(client: Client, headers: dict[str, str] | None = None) -> Any:
    """Sign out as a person would: with the token of the form on a page of the session."""
    index = client.get("/pages/")
    assert index.status_code == 200, index.text[:300]
    return client.post(
        "/pages/logout", data={"form_token": form_token(index.text)}, headers=headers
    )


@dataclass
class Site:
    app: Any
    settings: Settings
    store: GraphStore
    tokens: dict[str, str]
    areas: dict[str, str]  # coach role -> their buurt

    def browser(self, role: str | None = None) -> TestClient:
        """A client that signed in as ``role`` (None: not signed in)."""
        client = TestClient(self.app, follow_redirects=False)
        if role is not None:
            answer = sign_in(client, self.tokens[role])
            assert answer.status_code == 303, answer.text
        return client


@contextmanager
def on_loopback(app: Any) -> Iterator[str]:
    """``app`` served on 127.0.0.1 (a free port) in a thread, stopped on leaving: its address."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
