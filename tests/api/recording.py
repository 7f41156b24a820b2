"""What the tests of recording in the pages share (issue 14): the sample on each database in
turn as a browser sees it, the store as its dump holds it, the audit log's lines, and forms
sent as a page of the session would send them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access.api_keys import KeyStore
from api.access.audit import read_records
from api.access.sessions import COOKIE
from api.pages.forms import FORM_FIELD
from graph.model import NodeLabel, RelType, SystemLabel
from importers.dump import export_dump
from tests.api.browsing import Site
from tests.api.conftest import Api

FOREIGN = {"Origin": "https://elders.example", "Sec-Fetch-Site": "cross-site"}
ALERTS = re.compile(r'role="alert">([^<]*)<')


@pytest.fixture
def site(api: Api) -> Site:
    """The sample, on each database in turn, as a browser sees it (two coaches of a buurt
    each, an administrator, a policymaker, an integration)."""
    buurten = sorted(
        n.id for n in api.store.nodes(NodeLabel.NEIGHBOURHOOD) if n.properties["level"] == "buurt"
    )
    return Site(
        api.client.app,
        api.settings,
        api.store,
        api.tokens,
        {"coach": buurten[0], "coach2": buurten[1]},
    )


def dump(site: Site, tmp_path: Path, name: str) -> list[str]:
    """The store as the portable dump holds it, import runs left out (each has its times)."""
    path = tmp_path / f"{name}.jsonl"
    export_dump(site.store, path)
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return sorted(line for line in lines if SystemLabel.IMPORT_RUN.value not in line)


def audit_lines(site: Site) -> list[tuple[str, str, str, str]]:
    if not site.settings.audit_log.exists():
        return []
    return [
        (r.action, r.result, r.object_id, r.actor_role)
        for r in read_records(site.settings.audit_log)
    ]


def residents(site: Site, buurt: str) -> list[Any]:
    return sorted(
        (
            n
            for n in site.store.nodes(NodeLabel.RESIDENT)
            if n.properties.get("neighbourhood") == buurt
        ),
        key=lambda n: n.id,
    )


def strangers(site: Site, buurt: str) -> tuple[Any, Any]:
    """Two residents of the buurt with no tie between them yet: the first by id, and the first
    after them they do not know. Which two depends on the installation's key, which names the
    pseudonyms, so the pair is looked for rather than taken as the first two."""
    people = residents(site, buurt)
    first = people[0]
    return first, next(p for p in people[1:] if knows(site, first.id, p.id) is None)


def details(node: Any) -> dict[str, str]:
    """A resident's details as their form shows them, unchanged."""
    props = node.properties
    sent = {
        "naam": props.get("display_name") or "",
        "buurt": props["neighbourhood"],
        "leeftijd": props.get("age_band") or "",
    }
    sent.update(
        {
            box: "ja"
            for box in ("toestemming_naam", "toestemming_contact")
            if props.get(box.replace("toestemming", "consent"))
        }
    )
    return sent


def knows(site: Site, a: str, b: str) -> dict[str, Any] | None:
    pair = tuple(sorted((a, b)))
    for source, target, props in site.store.relationships(
        RelType.KNOWS, source_label=NodeLabel.RESIDENT, target_label=NodeLabel.RESIDENT
    ):
        if (source, target) == pair:
            return props
    return None


def skills(site: Site, resident: str) -> set[str]:
    return {
        t
        for s, t, _ in site.store.relationships(
            RelType.HAS_SKILL, source_label=NodeLabel.RESIDENT, target_label=NodeLabel.SKILL
        )
        if s == resident
    }


def post(client: TestClient, path: str, fields: dict[str, str], **kwargs: Any) -> Any:
    """A form sent with the session's own token, as a page of the session holds it."""
    session = client.app.state.services.sessions.find(client.cookies[COOKIE])  # type: ignore[attr-defined]
    return client.post(path, data={FORM_FIELD: session.form_token, **fields}, **kwargs)


def key_id(site: Site, role: str) -> str:
    key = KeyStore(site.settings.api_keys_file).authenticate(site.tokens[role])
    assert key is not None
    return key.key_id
