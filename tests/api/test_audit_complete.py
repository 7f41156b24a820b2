"""The audit trail has no holes: every route of the API that changes data or reads a person
appends a line when it serves, and a ``denied`` line when it refuses a role; every command
that changes data or reads a person does too (``ask``, ``recommend``, ``map``,
``export-graph``, ``demo`` as well as the imports, exports and keys). A new route or command
must be placed in one of the tables below, or this test fails. The pages for a browser are
held to the same rule.
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
from api.access.audit import AuditRecord, Role, read_records, verify
from api.access.audit_head import PURPOSE
from api.app import create_app
from api.cli import main
from graph.backends import open_store
from graph.installation import derived_key
from graph.model import NodeLabel
from graph.settings import Settings, settings_environment
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.api.browsing import Site, app_routes


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    #: the role it serves, and one it refuses
    allowed: str
    refused: str
    #: the action its line names
    action: str
    #: the action a refusal's line names, where it is another (a mark refused before its
    #: status was read: ``introduce``; served: ``introduction_<status>``)
    refused_action: str | None = None


#: (method, route) -> how to call it; ``{r}``, ``{i}``, ``{o}``, ``{key}`` are filled in, and
#: ``{rc}``: a resident of the coach's buurt.
CALLS: dict[tuple[str, str], Call] = {
    ("GET", "/residents/{resident_id}"): Call("GET", "/residents/{r}", "admin", "policymaker", "read"),
    ("GET", "/residents/{resident_id}/source-id"): Call("GET", "/residents/{rc}/source-id", "coach", "admin", "source_id"),
    ("GET", "/initiatives/{initiative_id}"): Call("GET", "/initiatives/{i}", "admin", "integration", "read"),
    ("GET", "/organisations/{organisation_id}"): Call("GET", "/organisations/{o}", "admin", "policymaker", "read"),
    ("GET", "/questions/{question}"): Call("GET", "/questions/bridges", "admin", "integration", "ask"),
    ("GET", "/questions/{question}/publishable"): Call("GET", "/questions/bridges/publishable", "admin", "coach", "ask"),
    ("GET", "/changes"): Call("GET", "/changes?from=2025-01-01", "admin", "integration", "changes"),
    ("GET", "/recommendations"): Call("GET", "/recommendations?resident={r}", "admin", "policymaker", "recommend"),
    ("GET", "/aggregates/{table}"): Call("GET", "/aggregates/residents_by_neighbourhood", "admin", "coach", "aggregate"),
    ("GET", "/trends/{question}"): Call("GET", "/trends/isolated", "policymaker", "integration", "ask"),
    ("GET", "/persons/{person_id}/export"): Call("GET", "/persons/{r}/export", "admin", "coach", "export"),
    ("DELETE", "/persons/{person_id}"): Call("DELETE", "/persons/{r}", "admin", "coach", "erase"),
    ("POST", "/imports"): Call("POST", "/imports", "admin", "coach", "import"),
    ("POST", "/keys"): Call("POST", "/keys", "admin", "coach", "key_create"),
    ("POST", "/introductions"): Call("POST", "/introductions", "integration", "policymaker", "introduction_proposed", "introduce"),
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
        elif call.path == "/introductions":
            body = {"source": self.ids["willing"], "target": self.ids["i"], "status": "proposed"}
            answer = self.client.post(path, headers=headers, json=body)
        else:
            answer = self.client.request(call.method, path, headers=headers)
        return int(answer.status_code)


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
        "rc": next(
            n.id
            for n in store.nodes(NodeLabel.RESIDENT)
            if n.properties.get("neighbourhood") == "BU99990101"
        ),
        "i": store.nodes(NodeLabel.INITIATIVE)[0].id,
        "o": store.nodes(NodeLabel.ORGANISATION)[0].id,
        "key": spare,
        # one who agreed to be contacted, to be introduced
        "willing": next(
            n.id for n in store.nodes(NodeLabel.RESIDENT) if n.properties.get("consent_contact")
        ),
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
            call.refused_action or call.action,
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


#: The pages (``/pages/…``) by route: served to one role, refused to another, and the action
#: of their lines. ``{buurt}`` (the coach's) and ``{rc}`` (a resident of it) are filled in.
PAGE_CALLS: dict[tuple[str, str], Call] = {
    ("GET", "/pages/map"): Call("GET", "/pages/map?neighbourhood={buurt}", "admin", "policymaker", "map"),
    ("GET", "/pages/questions/{question}"): Call("GET", "/pages/questions/bridges", "admin", "policymaker", "ask"),
    ("GET", "/pages/questions/{question}.csv"): Call("GET", "/pages/questions/bridges.csv", "coach", "policymaker", "ask"),
    ("GET", "/pages/questions/{question}/publishable"): Call("GET", "/pages/questions/bridges/publishable", "policymaker", "coach", "ask"),
    ("GET", "/pages/changes"): Call("GET", "/pages/changes?from=2025-01-01&neighbourhood={buurt}", "coach", "policymaker", "changes"),
    ("GET", "/pages/aggregates/{table}"): Call("GET", "/pages/aggregates/residents_by_neighbourhood", "policymaker", "coach", "aggregate"),
    ("GET", "/pages/aggregates/{table}.csv"): Call("GET", "/pages/aggregates/residents_by_neighbourhood.csv", "admin", "coach", "aggregate"),
    ("GET", "/pages/source-id/{resident_id}"): Call("GET", "/pages/source-id/{rc}", "coach", "admin", "source_id"),
    ("GET", "/pages/residents/{resident_id}"): Call("GET", "/pages/residents/{rc}", "coach", "policymaker", "read"),
    ("GET", "/pages/residents/new"): Call("GET", "/pages/residents/new?neighbourhood={buurt}", "coach", "integration", "read"),
    ("GET", "/pages/initiatives/new"): Call("GET", "/pages/initiatives/new?neighbourhood={buurt}", "admin", "policymaker", "read"),
    ("GET", "/pages/trends/{question}"): Call("GET", "/pages/trends/five-o", "policymaker", "coach", "ask"),
    ("GET", "/pages/trends/{question}.csv"): Call("GET", "/pages/trends/five-o.csv?lang=en", "admin", "coach", "ask"),
}  # fmt: skip
#: Pages that neither change data nor read a person, and why (their refusals are logged too).
NO_PERSON_PAGES: dict[tuple[str, str], str] = {
    ("GET", "/"): "leads to /pages/",
    ("GET", "/pages/"): "the areas with their counts, and links",
    ("GET", "/pages/aggregates"): "the catalogue of tables",
    ("GET", "/pages/login"): "the sign-in form",
}
#: The forms: logged when served and when refused, in test_page_forms.py.
FORM_PAGES = {
    ("POST", "/pages/login"),
    ("POST", "/pages/logout"),
    ("POST", "/pages/introductions"),  # and in test_introduction_pages.py
    (
        "POST",
        "/pages/residents/{resident_id}",
    ),  # and in test_record_pages.py, test_record_access.py
    ("POST", "/pages/residents"),  # and in test_record_pages.py, test_record_access.py
    ("POST", "/pages/initiatives"),  # and in test_record_pages.py, test_record_access.py
    ("POST", "/pages/undo"),  # and in test_record_pages.py, test_record_access.py
}


def test_every_page_is_placed_in_one_table(site: Site) -> None:
    pages = {
        (method, route.path)
        for route in app_routes(site.app)
        if route.path == "/" or route.path.startswith("/pages")
        for method in route.methods or ()
        if method != "HEAD"
    }
    assert pages == set(PAGE_CALLS) | set(NO_PERSON_PAGES) | FORM_PAGES


def test_every_page_that_reads_a_person_logs_serving_and_refusing(site: Site) -> None:
    def lines() -> list[AuditRecord]:
        return list(read_records(site.settings.audit_log))

    buurt = site.areas["coach"]
    rc = next(
        n.id
        for n in site.store.nodes(NodeLabel.RESIDENT)
        if n.properties.get("neighbourhood") == buurt
    )
    for route, call in PAGE_CALLS.items():
        path = call.path.format(buurt=buurt, rc=rc)
        refused, allowed = site.browser(call.refused), site.browser(call.allowed)
        before = len(lines())
        assert refused.get(path).status_code == 403, route
        got = [(r.action, r.result, r.actor_role) for r in lines()[before:]]
        assert got == [(call.action, "denied", call.refused)], route
        before = len(lines())
        assert allowed.get(path).status_code == 200, route
        got = [(r.action, r.result, r.actor_role) for r in lines()[before:]]
        assert got == [(call.action, "ok", call.allowed)], route
    assert verify(site.settings.audit_log).ok


#: Commands that neither change data nor read a person, and why. Every other command is
#: called below and must log.
NO_PERSON_COMMANDS: dict[str, str] = {
    "audit": "checks the audit log's chain",
    "generate": "writes synthetic data to files; reads no store",
    "template": "writes blank templates",
    "serve": "serves the API and the pages, whose routes log themselves",
    "status": "counts nodes per label",
    "stop": "stops the embedded database",
}


def test_every_command_is_placed_in_one_table() -> None:
    from api.cli import COMMANDS

    called = {args[0] for args, _ in _command_calls(Path("x"), "r-" + "0" * 32, "k")}
    assert set(COMMANDS) == called | set(NO_PERSON_COMMANDS)
    assert not called & set(NO_PERSON_COMMANDS)


def _command_calls(
    tmp_path: Path, resident: str, key_id: str
) -> list[tuple[list[str], list[tuple[str, str, str]]]]:
    """(arguments, the lines they append: (action, result, object id or ``*`` for any))."""
    good, bad = tmp_path / "bewoners.csv", tmp_path / "bad" / "bewoners.csv"
    dump, buurt = tmp_path / "dump.jsonl", "BU99990101"
    return [
        (["keys", "revoke", key_id], [("key_revoke", "ok", key_id)]),
        (["keys", "revoke", "nosuchkey"], [("key_revoke", "not_found", "nosuchkey")]),
        (
            ["demo", "--no-serve", "--out", str(tmp_path / "demo")],
            [
                *[("import", "ok", "auditcli")] * 4,  # the sample's history, a quarter each
                ("ask", "ok", "auditcli"),
                ("map", "ok", "auditcli"),
                ("changes", "ok", "BU99990103"),
            ],
        ),
        (["import", str(good)], [("import", "ok", "auditcli")]),
        (["import", str(bad)], [("import", "invalid", "auditcli")]),
        (["ask", "bridges"], [("ask", "ok", "auditcli")]),
        (["ask", "isolated", "--neighbourhood", buurt, "--json"], [("ask", "ok", buurt)]),
        (["ask", "isolated", "--publishable", "--json"], [("ask", "ok", "auditcli")]),
        (["trends", "ownership", "--json"], [("ask", "ok", "auditcli")]),
        (["trends", "isolated", "--neighbourhood", buurt], [("ask", "ok", buurt)]),
        (["changes", "--from", "2025-03-31"], [("changes", "ok", "auditcli")]),
        (
            ["changes", "--from", "2025-03-31", "--neighbourhood", buurt, "--json"],
            [("changes", "ok", buurt)],
        ),
        (["recommend", "--resident", resident], [("recommend", "ok", resident)]),
        (["recommend", "--neighbourhood", buurt, "--json"], [("recommend", "ok", buurt)]),
        (["map", "-o", str(tmp_path / "kaart.html")], [("map", "ok", "auditcli")]),
        (
            ["map", "--ego", resident, "-o", str(tmp_path / "ego.html")],
            [("map", "ok", resident)],
        ),
        (["map", "--neighbourhood", buurt, "-o", str(tmp_path / "b.html")], [("map", "ok", buurt)]),
        (["export-graph", "-o", str(tmp_path / "g.graphml")], [("export", "ok", "auditcli")]),
        (["export", str(dump)], [("export", "ok", "auditcli")]),
        (["restore", "--replace", str(dump)], [("restore", "ok", "auditcli")]),
    ]


def test_every_command_that_changes_data_or_reads_a_person_logs(
    embedded_dir: Path, tmp_path: Path
) -> None:
    """The audit trail of the command line: each command that changes data or reads persons
    appends its lines (key id ``cli``), failed and refused ones too; never a name."""
    settings = Settings(
        db=f"embedded:{embedded_dir}",
        graph_name="auditcli",
        audit_log=tmp_path / "audit.jsonl",
        api_keys_file=tmp_path / "keys.json",
        key_file=tmp_path / "secret.key",
        embedded_idle=0,  # no question server left behind
    )
    environment = settings_environment(settings)
    runner = CliRunner()
    (tmp_path / "bewoners.csv").write_text("bron_id,buurt\nB1,BU99990101\n", encoding="utf-8")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "bewoners.csv").write_text(
        "bron_id,naam\nB2,Fa\x00tima\n", encoding="utf-8"
    )
    made = runner.invoke(main, ["keys", "create", "--role", "admin", "--json"], env=environment)
    assert made.exit_code == 0, made.output
    key_id = json.loads(made.output)["key_id"]
    with open_store(settings) as store:
        store.clear()
    resident, names = "", set()  # known once the demo loaded the sample
    for number in range(len(_command_calls(tmp_path, "r-x", key_id))):
        args, expected = _command_calls(tmp_path, resident, key_id)[number]
        before = len(list(read_records(settings.audit_log)))  # key_create made the log
        result = runner.invoke(main, args, env=environment)
        lines = list(read_records(settings.audit_log))[before:]
        got = [(line.action, line.result, line.object_id) for line in lines]
        assert got == expected, (args, result.output[-500:])
        assert {line.actor_key_id for line in lines} == {"cli"}, args
        if args[0] == "demo":
            with open_store(settings) as store:
                people = store.nodes(NodeLabel.RESIDENT)
                # one who lives there now: the history's resident who moved away does not
                resident = next(p.id for p in people if not p.properties.get("valid_to"))
                names = {
                    str(n.properties["display_name"])
                    for n in people
                    if n.properties.get("display_name")
                }
    ego = [r for r in read_records(settings.audit_log) if r.object_id == resident]
    assert ego and all(r.subject_id == resident for r in ego), "a person read is the subject"
    text = settings.audit_log.read_text(encoding="utf-8")
    assert names and not any(name in text for name in names), "no name in the log"
    first = next(read_records(settings.audit_log))
    assert (first.action, first.object_id) == ("key_create", key_id)
    verified = runner.invoke(main, ["audit", "verify"], env=environment)
    assert verified.exit_code == 0, verified.output
    with open_store(settings) as store:
        store.clear()
