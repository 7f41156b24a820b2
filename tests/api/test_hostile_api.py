"""``POST /imports`` meets hostile files and hostile requests: every file of the table in
tests/importers/hostile_files.py gives its located error and leaves the store's dump as it
was; names with tricks in them are kept apart or refused; a body is never read before its key
is checked; every import, refused or failed, leaves an audit line.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.access.api_keys import KeyStore
from api.access.audit import Role, read_records, verify
from api.app import create_app
from graph.backends import open_store
from graph.settings import Settings
from graph.store import GraphStore
from tests.importers.hostile_files import BASE_FILES, HOSTILE
from tests.importers.test_hostile import assert_located, dump_body


@dataclass
class Upload:
    client: TestClient
    settings: Settings
    store: GraphStore
    admin: str
    coach: str

    def post(self, files: list[tuple[str, bytes]], token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token or self.admin}"}
        parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
        return self.client.post("/imports", headers=headers, files=parts)


@pytest.fixture
def upload(store: GraphStore, store_settings: Settings, tmp_path: Path) -> Iterator[Upload]:
    settings = store_settings.model_copy(
        update={
            "api_keys_file": tmp_path / "keys.json",
            "audit_log": tmp_path / "audit.jsonl",
            "rate_limit": 10_000,
        }
    )
    keys = KeyStore(settings.api_keys_file)
    admin, coach = keys.create(Role.ADMIN)[1], keys.create(Role.COACH, ["BU99990101"])[1]
    with TestClient(create_app(settings, store=store)) as client:
        made = Upload(client, settings, store, admin, coach)
        base = made.post([(name, text.encode()) for name, text in BASE_FILES.items()])
        assert base.status_code == 200 and base.json()["written"], base.text
        yield made


def _content(value: object) -> bytes:
    data = value() if callable(value) else value
    assert isinstance(data, str | bytes)
    return data.encode() if isinstance(data, str) else data


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_an_uploaded_hostile_file_is_refused_at_its_place_and_nothing_is_written(
    upload: Upload, tmp_path: Path, name: str
) -> None:
    case = HOSTILE[name]
    upload.settings.__dict__.update(case.settings)  # the app reads its settings per import
    before = dump_body(upload.store, tmp_path / "before.jsonl")
    answer = upload.post([(file, _content(content)) for file, content in case.files.items()])
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert not report["written"]
    assert_located(report["errors"], case)
    assert dump_body(upload.store, tmp_path / "after.jsonl") == before
    last = list(read_records(upload.settings.audit_log))[-1]
    assert (last.action, last.result) == ("import", "invalid")


TRICKS = [
    ("../../etc/bewoners.csv", "bewoners.csv"),
    ("..\\..\\bewoners.csv", "bewoners.csv"),
    ("/abs/olute/bewoners.csv", "bewoners.csv"),
]


@pytest.mark.parametrize(("sent", "kept"), TRICKS)
def test_a_path_in_an_upload_name_goes_nowhere_but_its_own_folder(
    upload: Upload, sent: str, kept: str
) -> None:
    answer = upload.post([(sent, b"bron_id,buurt\nB9,BU99990101\n")])
    assert answer.status_code == 200, answer.text
    assert answer.json()["files"] == [kept] and answer.json()["written"]


@pytest.mark.parametrize(
    "sent", [b"bewoners\x00.csv", b"bewoners\x1b.csv", b"bewoners.exe", b".bewoners.csv"]
)
def test_an_upload_name_with_a_control_character_or_no_known_suffix_is_refused(
    upload: Upload, sent: bytes
) -> None:
    # written by hand: a client library would escape the control characters in the name
    body = (
        b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="'
        + sent
        + b'"\r\nContent-Type: text/csv\r\n\r\nbron_id\nB9\n\r\n--xyz--\r\n'
    )
    answer = upload.client.post(
        "/imports",
        headers={
            "Authorization": f"Bearer {upload.admin}",
            "Content-Type": "multipart/form-data; boundary=xyz",
        },
        content=body,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "unsupported_file"
    last = list(read_records(upload.settings.audit_log))[-1]
    assert (last.action, last.result) == ("import", "invalid")


def test_two_uploads_of_the_same_name_are_both_imported(upload: Upload) -> None:
    answer = upload.post(
        [
            ("a/bewoners.csv", b"bron_id,buurt\nB7,BU99990101\n"),
            ("b/bewoners.csv", b"bron_id,buurt\nB8,BU99990101\n"),
        ]
    )
    report = answer.json()
    assert report["files"] == ["a/bewoners.csv", "b/bewoners.csv"]
    assert report["written"] and report["nodes"]["Resident"]["created"] == 2


def _call(app: Any, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, int]:
    """(status, body messages the app asked for) of one request straight through ASGI."""
    asked = 0
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/imports",
        "raw_path": b"/imports",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-length", str(len(body)).encode()), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    return statuses[0], asked


def test_an_upload_without_a_valid_key_is_refused_before_its_body_is_read(
    upload: Upload,
) -> None:
    body = b"x" * 45_000_000
    for headers in ([], [(b"authorization", b"Bearer wgk_000000000000_" + b"a" * 43)]):
        assert _call(upload.client.app, headers, body) == (401, 0)
    keys = KeyStore(upload.settings.api_keys_file)
    limited = keys.create(Role.ADMIN)[1]
    upload.settings.__dict__["rate_limit"] = 1
    app = create_app(upload.settings, store=upload.store)
    auth = [(b"authorization", f"Bearer {limited}".encode())]
    first = _call(app, [*auth, (b"content-type", b"multipart/form-data; boundary=xyz")], b"x")
    assert first[0] != 429 and first[1] >= 1, "the first upload is read"
    assert _call(app, auth, body) == (429, 0), "the rate limit stops the second unread"


def test_a_refused_role_is_logged(upload: Upload) -> None:
    answer = upload.post([("bewoners.csv", b"bron_id\nB9\n")], token=upload.coach)
    assert answer.status_code == 403
    last = list(read_records(upload.settings.audit_log))[-1]
    assert (last.action, last.actor_role, last.result) == ("import", "coach", "denied")
    assert verify(upload.settings.audit_log).ok


def test_an_import_that_fails_while_writing_is_logged(
    upload: Upload, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.web.routes import imports

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(imports, "run_import", broken)
    client = TestClient(upload.client.app, raise_server_exceptions=False)
    answer = client.post(
        "/imports",
        headers={"Authorization": f"Bearer {upload.admin}"},
        files=[("files", ("bewoners.csv", b"bron_id\nB9\n", "text/csv"))],
    )
    assert answer.status_code == 500 and json.loads(answer.text)["error"]["code"] == "internal"
    last = list(read_records(upload.settings.audit_log))[-1]
    assert (last.action, last.result) == ("import", "error")


def test_an_upload_while_another_import_writes_is_refused_and_writes_nothing(
    upload: Upload, tmp_path: Path
) -> None:
    """An import holds the journal (graph/journal.py): a second one gets 409, not a mix."""
    before = dump_body(upload.store, tmp_path / "before.jsonl")
    with open_store(upload.settings) as other:
        other.begin_import("an-import-that-writes")
        try:
            answer = upload.post([("bewoners.csv", b"bron_id\nB9\n")])
        finally:
            other.undo_import()
    assert answer.status_code == 409, answer.text
    error = answer.json()["error"]
    assert error["code"] == "import_in_progress"
    assert "Er loopt al een import" in error["message"]
    assert dump_body(upload.store, tmp_path / "after.jsonl") == before
    assert upload.post([("bewoners.csv", b"bron_id\nB9\n")]).json()["written"]
