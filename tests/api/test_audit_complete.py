"""The audit trail has no holes: every route of the API that changes data or reads a person
appends a line when it serves, and a ``denied`` line when it refuses a role; every command
that changes data or reads every person does too. A new route must be placed in one of the
tables below, or this test fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.access.api_keys import KeyStore
from api.access.audit import Role, read_records, verify
from api.access.audit_head import PURPOSE
from api.app import create_app
from api.cli import main
from graph.installation import derived_key
from graph.model import NodeLabel
from graph.settings import Settings, settings_environment
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    #: the role it serves, and one it refuses
    allowed: str
    refused: str
    #: the action its line names
    action: str


#: (method, route) -> how to call it; ``{r}``, ``{i}``, ``{o}``, ``{key}`` are filled in.
CALLS: dict[tuple[str, str], Call] = {
    ("GET", "/residents/{resident_id}"): Call("GET", "/residents/{r}", "admin", "policymaker", "read"),
    ("GET", "/initiatives/{initiative_id}"): Call("GET", "/initiatives/{i}", "admin", "integration", "read"),
    ("GET", "/organisations/{organisation_id}"): Call("GET", "/organisations/{o}", "admin", "policymaker", "read"),
    ("GET", "/questions/{question}"): Call("GET", "/questions/bridges", "admin", "integration", "ask"),
    ("GET", "/questions/{question}/publishable"): Call("GET", "/questions/bridges/publishable", "admin", "coach", "ask"),
    ("GET", "/recommendations"): Call("GET", "/recommendations?resident={r}", "admin", "policymaker", "recommend"),
    ("GET", "/aggregates/{table}"): Call("GET", "/aggregates/residents_by_neighbourhood", "admin", "coach", "aggregate"),
    ("GET", "/persons/{person_id}/export"): Call("GET", "/persons/{r}/export", "admin", "coach", "export"),
    ("DELETE", "/persons/{person_id}"): Call("DELETE", "/persons/{r}", "admin", "coach", "erase"),
    ("POST", "/imports"): Call("POST", "/imports", "admin", "coach", "import"),
    ("POST", "/keys"): Call("POST", "/keys", "admin", "coach", "key_create"),
    ("DELETE", "/keys/{key_id}"): Call("DELETE", "/keys/{key}", "admin", "coach", "key_revoke"),
}  # fmt: skip
#: Routes that neither change data nor read a person, and why.
NO_PERSON: dict[tuple[str, str], str] = {
    ("GET", "/health"): "status of the server",
    ("GET", "/questions"): "the catalogue of questions",
    ("GET", "/aggregates"): "the catalogue of tables",
    ("GET", "/neighbourhoods"): "the areas, no persons",
    ("GET", "/neighbourhoods/{code}"): "an area, no persons",
    ("GET", "/keys"): "the keys' ids and roles, no persons",
}


@dataclass
class Served:
    client: TestClient
    settings: Settings
    tokens: dict[str, str]
    ids: dict[str, str]

    def lines(self) -> int:
        if not self.settings.audit_log.exists():
            return 0
        return len(list(read_records(self.settings.audit_log)))

    def call(self, call: Call, role: str) -> int:
        path = call.path.format(**self.ids)
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        if call.path == "/imports":
            files = [("files", ("bewoners.csv", b"bron_id,buurt\nB999,BU99990101\n", "text/csv"))]
            answer = self.client.post(path, headers=headers, files=files)
        elif call.path == "/keys":
            answer = self.client.post(path, headers=headers, json={"role": "policymaker"})
        else:
            answer = self.client.request(call.method, path, headers=headers)
        return answer.status_code


@pytest.fixture
def served(store: GraphStore, store_settings: Settings, tmp_path: Path) -> Iterator[Served]:
    settings = store_settings.model_copy(
        update={
            "api_keys_file": tmp_path / "keys.json",
            "audit_log": tmp_path / "audit.jsonl",
            "rate_limit": 10_000,
        }
    )
    run_import(store, settings, sample_files(), ImportOptions())
    keys = KeyStore(settings.api_keys_file)
    tokens = {
        role.value: keys.create(role, ["BU99990101"] if role == Role.COACH else [])[1]
        for role in Role
    }
    spare = keys.create(Role.INTEGRATION)[0].key_id
    ids = {
        "r": store.nodes(NodeLabel.RESIDENT)[0].id,
        "i": store.nodes(NodeLabel.INITIATIVE)[0].id,
        "o": store.nodes(NodeLabel.ORGANISATION)[0].id,
        "key": spare,
    }
    with TestClient(create_app(settings, store=store)) as client:
        yield Served(client, settings, tokens, ids)


def test_every_route_is_placed_in_one_table(served: Served) -> None:
    schema = served.client.get("/openapi.json").json()
    routes = {(m.upper(), path) for path, item in schema["paths"].items() for m in item}
    assert routes == set(CALLS) | set(NO_PERSON)


def test_every_route_that_changes_data_or_reads_a_person_logs_serving_and_refusing(
    served: Served,
) -> None:
    # the erasure last: the person it erases is the one the other routes read
    for route, call in sorted(CALLS.items(), key=lambda item: item[1].action == "erase"):
        before = served.lines()
        refused = served.call(call, call.refused)
        assert refused == 403, route
        lines = list(read_records(served.settings.audit_log))
        assert len(lines) == before + 1, f"{route}: no line for the refusal"
        assert (lines[-1].action, lines[-1].result, lines[-1].actor_role) == (
            call.action,
            "denied",
            call.refused,
        ), route
        status = served.call(call, call.allowed)
        assert status in (200, 201), (route, status)
        lines = list(read_records(served.settings.audit_log))
        assert len(lines) > before + 1, f"{route}: no line for serving it"
        assert lines[-1].action == call.action and lines[-1].result in ("ok", "invalid"), route
    key = derived_key(served.settings, PURPOSE)
    assert verify(served.settings.audit_log, head_key=key).ok


def test_every_command_that_changes_data_or_reads_every_person_logs(
    embedded_dir: Path, tmp_path: Path
) -> None:
    settings = Settings(
        db=f"embedded:{embedded_dir}",
        graph_name="auditcli",
        audit_log=tmp_path / "audit.jsonl",
        api_keys_file=tmp_path / "keys.json",
        key_file=tmp_path / "secret.key",
    )
    environment = settings_environment(settings)
    runner = CliRunner()
    good = tmp_path / "bewoners.csv"
    good.write_text("bron_id,buurt\nB1,BU99990101\n", encoding="utf-8")
    bad = tmp_path / "bad" / "bewoners.csv"
    bad.parent.mkdir()
    bad.write_text("bron_id,naam\nB2,Fa\x00tima\n", encoding="utf-8")
    made = runner.invoke(main, ["keys", "create", "--role", "admin", "--json"], env=environment)
    assert made.exit_code == 0, made.output
    key_id = json.loads(made.output)["key_id"]
    commands = [
        (["keys", "revoke", key_id], "key_revoke", "ok"),
        (["keys", "revoke", "nosuchkey"], "key_revoke", "not_found"),
        (["import", "--accept-new-areas", str(good)], "import", "ok"),
        (["import", str(bad)], "import", "invalid"),
        (["export", str(tmp_path / "dump.jsonl")], "export", "ok"),
        (["restore", "--replace", str(tmp_path / "dump.jsonl")], "restore", "ok"),
    ]
    for args, action, result in commands:
        before = len(list(read_records(settings.audit_log)))  # key_create made the log
        runner.invoke(main, args, env=environment)
        lines = list(read_records(settings.audit_log))
        assert len(lines) == before + 1, args
        assert (lines[-1].action, lines[-1].result, lines[-1].actor_key_id) == (
            action,
            result,
            "cli",
        ), args
    first = next(read_records(settings.audit_log))
    assert (first.action, first.object_id) == ("key_create", key_id)
    verified = runner.invoke(main, ["audit", "verify"], env=environment)
    assert verified.exit_code == 0, verified.output
