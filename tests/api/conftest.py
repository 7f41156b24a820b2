"""What the API's tests share: the app on the sample neighbourhood with a key per role, through
the API (``api``) and through the pages (``site``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access.api_keys import KeyStore
from api.access.audit import Role
from api.app import create_app
from graph.analysis.context import NetworkContext
from graph.backends import open_store
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.api.browsing import Site
from tests.conftest import embedded_settings


@dataclass
class Api:
    client: TestClient
    settings: Settings
    store: GraphStore
    tokens: dict[str, str]

    def get(self, role: str, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params, headers=self.auth(role))

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def sample_keys(store: GraphStore, settings: Settings) -> tuple[dict[str, str], list[str]]:
    """A key of each role for the sample in ``store`` (two coaches, of its first two
    buurten), and the buurten's codes."""
    context = NetworkContext.load(store)
    buurten = sorted(c for c, a in context.areas.items() if a["level"] == "buurt")
    keys = KeyStore(settings.api_keys_file)
    tokens = {
        "coach": keys.create(Role.COACH, [buurten[0]])[1],
        "coach2": keys.create(Role.COACH, [buurten[1]])[1],
        "policymaker": keys.create(Role.POLICYMAKER)[1],
        "integration": keys.create(Role.INTEGRATION)[1],
        "admin": keys.create(Role.ADMIN)[1],
    }
    return tokens, buurten


def api_settings(store_settings: Settings, tmp_path: Path) -> Settings:
    """The store's settings with a keys file and an audit log of the test's own."""
    return store_settings.model_copy(
        update={
            "api_keys_file": tmp_path / "keys.json",
            "audit_log": tmp_path / "audit.jsonl",
            "rate_limit": 10_000,
        }
    )


@contextmanager
def serving(store: GraphStore, settings: Settings) -> Iterator[Api]:
    """The app on what ``store`` holds, with a key per role."""
    tokens, _ = sample_keys(store, settings)
    with TestClient(create_app(settings, store=store)) as client:
        yield Api(client, settings, store, tokens)


@pytest.fixture
def api(store: GraphStore, store_settings: Settings, tmp_path: Path) -> Iterator[Api]:
    settings = api_settings(store_settings, tmp_path)
    run_import(store, settings, sample_files(), ImportOptions())
    with serving(store, settings) as api:
        yield api


@pytest.fixture(scope="module")
def site(embedded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("pages")
    settings = embedded_settings(
        embedded_dir,
        key_file=folder / "secret.key",
        api_keys_file=folder / "keys.json",
        audit_log=folder / "audit.jsonl",
        rate_limit=10_000,
    )
    with open_store(settings) as store:
        store.clear()
        assert not run_import(store, settings, sample_files(), ImportOptions()).errors
        tokens, buurten = sample_keys(store, settings)
        app = create_app(settings, store=store)
        with TestClient(app):  # runs the app's start-up
            yield Site(app, settings, store, tokens, {"coach": buurten[0], "coach2": buurten[1]})
        store.clear()
