"""The audit log: concurrent appends keep one chain, tampering is found, only ids go in."""

from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import stat
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from api.access.audit import (
    GENESIS,
    AuditEvent,
    AuditLog,
    AuditLogError,
    Problem,
    read_for_subject,
    verify,
)
from api.access.audit_head import PURPOSE
from api.cli.audit import audit_command
from graph.errors import ConfigurationError
from graph.installation import derived_key
from graph.settings import load_settings

RESIDENT = "r-" + "1a" * 16
OTHER = "r-" + "2b" * 16
COACH_KEY = "k-coach-07"


def event(**changes: Any) -> AuditEvent:
    fields: dict[str, Any] = {
        "actor_key_id": COACH_KEY,
        "actor_role": "coach",
        "action": "read",
        "object_kind": "resident",
        "object_id": RESIDENT,
        "result": "ok",
        "request_id": str(uuid.UUID(int=7)),
    }
    return AuditEvent(**(fields | changes))


def head_key() -> bytes:
    """The key the command line signs and checks the log's head with (the test's own
    installation key: WIJKGRAAF_KEY_FILE is in the test's folder)."""
    return derived_key(load_settings(), PURPOSE)


def write_log(path: Path, count: int) -> list[bytes]:
    log = AuditLog(path, head_key=head_key())
    for i in range(count):
        log.append(
            event(object_id=RESIDENT if i % 2 else OTHER, result="ok" if i % 3 else "denied")
        )
    return path.read_bytes().splitlines(keepends=True)


# --- what goes in -------------------------------------------------------------------------


def test_an_event_is_stored_as_one_chained_line(tmp_path: Path) -> None:
    path = tmp_path / "audit" / "audit.log"
    log = AuditLog(path)
    first = log.append(event(time=datetime(2025, 3, 1, 13, 5, tzinfo=timezone(timedelta(hours=1)))))
    second = log.append(event(object_kind="neighbourhood", object_id="BU99990101", result="denied"))
    assert (first.seq, first.prev) == (1, GENESIS)
    assert (second.seq, second.prev) == (2, first.hash)
    lines = path.read_text(encoding="ascii").splitlines()
    stored = json.loads(lines[0])
    assert stored["time"] == "2025-03-01T12:05:00.000000Z"
    assert stored["subject_id"] == RESIDENT, "a person object is the event's subject"
    assert stored["hash"] == first.hash
    assert json.loads(lines[1])["subject_id"] is None
    assert set(stored) == {
        "time",
        "actor_key_id",
        "actor_role",
        "action",
        "object_kind",
        "object_id",
        "subject_id",
        "on_behalf_of",
        "result",
        "request_id",
        "seq",
        "prev",
        "hash",
    }


def test_the_log_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    AuditLog(path).append(event())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        AuditLog(path).append(event())


SECRET = "wgk_9fQ2xLr7Tb3mK8pZ4vN1sD6h"
REFUSED = [
    ({"object_id": "Fatima El Amrani"}, "object_id"),
    ({"object_kind": "neighbourhood", "object_id": "Bloemenbuurt Noord"}, "object_id"),
    ({"object_kind": "initiative", "object_id": RESIDENT}, "object_id"),
    ({"actor_key_id": SECRET}, "looks like a key secret"),
    ({"actor_key_id": "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"}, "looks like a key secret"),
    ({"actor_key_id": "Fatima El Amrani"}, "key id"),
    ({"on_behalf_of": SECRET}, "looks like a key secret"),
    ({"subject_id": "Fatima"}, "pseudonymous id"),
    (
        {"object_kind": "table", "object_id": "needs", "subject_id": OTHER.replace("r-", "i-")},
        "pseudonymous id",
    ),
    ({"subject_id": OTHER}, "its own subject"),
    ({"request_id": "not-a-request-id"}, "request_id"),
    ({"name": "Fatima El Amrani"}, "Extra inputs are not permitted"),
    ({"secret": SECRET}, "Extra inputs are not permitted"),
    ({"actor_role": "mayor"}, "actor_role"),
    ({"time": datetime(2025, 3, 1, 12, 0)}, "time zone"),
]


@pytest.mark.parametrize(("changes", "message"), REFUSED, ids=[str(c) for c, _ in REFUSED])
def test_names_secrets_and_unknown_fields_are_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        event(**changes)
    for field, value in changes.items():
        if field != "object_kind" and isinstance(value, str) and len(value) > 8:
            assert value not in str(refused.value), "the refused value is not repeated"


def test_ids_and_codes_of_every_kind_are_accepted() -> None:
    accepted = [
        event(
            object_kind="initiative",
            object_id="i-" + "0f" * 16,
            subject_id=RESIDENT,
            action="recommend",
        ),
        event(object_kind="neighbourhood", object_id="WK999901", action="aggregate"),
        event(object_kind="neighbourhood", object_id="vlinderwijk-noord"),
        event(
            object_kind="table",
            object_id="needs_by_neighbourhood_and_theme",
            actor_role="policymaker",
        ),
        event(
            object_kind="key", object_id="k-integration-2", actor_role="admin", action="key_revoke"
        ),
        event(object_kind="graph", object_id="wijkgraaf", action="import", request_id=None),
        event(on_behalf_of="k-coach-12", actor_key_id="k-matching", actor_role="integration"),
    ]
    assert [e.subject_id for e in accepted] == [RESIDENT, None, None, None, None, None, RESIDENT]
    assert accepted[0].request_id == "00000000-0000-0000-0000-000000000007"


# --- many writers -------------------------------------------------------------------------


def test_threads_appending_at_once_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    log = AuditLog(path)
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        start.wait()
        for i in range(25):
            log.append(event(request_id=str(uuid.UUID(int=worker * 1000 + i))))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = verify(path)
    assert result.ok, result.en
    assert result.lines == 200
    requests = {json.loads(line)["request_id"] for line in path.read_text().splitlines()}
    assert len(requests) == 200, "no event lost or written twice"


def _append_from_a_process(path: str, worker: int, count: int) -> None:
    log = AuditLog(path)
    for i in range(count):
        log.append(event(request_id=str(uuid.UUID(int=worker * 1000 + i))))


def test_processes_appending_at_once_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_append_from_a_process, args=(str(path), n, 40)) for n in range(3)
    ]
    for worker in workers:
        worker.start()
    _append_from_a_process(str(path), 9, 40)
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    result = verify(path)
    assert result.ok, result.en
    assert result.lines == 160


def test_a_new_log_object_continues_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    lines = write_log(path, 30)  # more than 4 KB: the last line is found by reading backwards
    assert path.stat().st_size > 8192
    record = AuditLog(path).append(event())
    assert record.seq == 31
    assert record.prev == json.loads(lines[-1])["hash"]
    assert verify(path).ok


# --- tampering ----------------------------------------------------------------------------


def _rehash(line: bytes, **changes: Any) -> bytes:
    """A line changed by someone who also recomputes its own hash."""
    fields = json.loads(line) | changes
    body = {k: v for k, v in fields.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    fields["hash"] = hashlib.sha256(canonical.encode()).hexdigest()
    return (json.dumps(fields, sort_keys=True, separators=(",", ":")) + "\n").encode()


Tamper = Callable[[list[bytes]], list[bytes]]
TAMPERING: list[tuple[str, Tamper, Problem, int]] = [
    (
        "a changed result",
        lambda ls: [*ls[:3], ls[3].replace(b'"denied"', b'"ok"'), *ls[4:]],
        Problem.CHANGED,
        4,
    ),
    (
        "a changed actor",
        lambda ls: [*ls[:5], ls[5].replace(b"k-coach-07", b"k-coach-08"), *ls[6:]],
        Problem.CHANGED,
        6,
    ),
    (
        "a space added",
        lambda ls: [*ls[:2], ls[2].replace(b",", b", ", 1), *ls[3:]],
        Problem.CHANGED,
        3,
    ),
    (
        "a change with its hash redone",
        lambda ls: [*ls[:3], _rehash(ls[3], result="ok"), *ls[4:]],
        Problem.BROKEN_CHAIN,
        5,
    ),
    ("a removed line", lambda ls: [*ls[:4], *ls[5:]], Problem.OUT_OF_SEQUENCE, 5),
    ("the first line removed", lambda ls: ls[1:], Problem.OUT_OF_SEQUENCE, 1),
    ("an inserted copy", lambda ls: [*ls[:6], ls[2], *ls[6:]], Problem.OUT_OF_SEQUENCE, 7),
    ("a line written twice", lambda ls: [*ls[:6], ls[5], *ls[6:]], Problem.OUT_OF_SEQUENCE, 7),
    ("two lines swapped", lambda ls: [*ls[:2], ls[3], ls[2], *ls[4:]], Problem.OUT_OF_SEQUENCE, 3),
    ("a truncated last line", lambda ls: [*ls[:-1], ls[-1][:57]], Problem.TRUNCATED, 10),
    ("a last line without its newline", lambda ls: [*ls[:-1], ls[-1][:-1]], Problem.TRUNCATED, 10),
    ("a garbage line", lambda ls: [*ls[:7], b"hello\n", *ls[7:]], Problem.UNREADABLE, 8),
    (
        "a forged line with a name",
        lambda ls: [*ls[:9], _rehash(ls[9], object_id="Fatima")],
        Problem.UNREADABLE,
        10,
    ),
]


@pytest.mark.parametrize(
    ("tamper", "problem", "line"), [t[1:] for t in TAMPERING], ids=[t[0] for t in TAMPERING]
)
def test_verify_finds_the_first_tampered_line(
    tmp_path: Path, tamper: Tamper, problem: Problem, line: int
) -> None:
    path = tmp_path / "audit.log"
    original = write_log(path, 10)
    assert verify(path).ok
    path.write_bytes(b"".join(tamper(original)))
    result = verify(path)
    assert not result.ok
    assert (result.problem, result.bad_line) == (problem, line)
    assert result.lines == line - 1
    assert f"regel {line}" in result.nl and f"line {line}" in result.en


def test_an_empty_log_is_intact_and_its_head_is_genesis(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    path.touch(mode=0o600)
    result = verify(path)
    assert (result.ok, result.lines, result.head) == (True, 0, GENESIS)


def test_a_log_ending_in_a_damaged_line_takes_no_more_events(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    lines = write_log(path, 3)
    path.write_bytes(b"".join(lines)[:-20])
    with pytest.raises(AuditLogError) as refused:
        AuditLog(path).append(event())
    assert "wijkgraaf audit verify" in refused.value.message("nl")
    assert path.read_bytes() == b"".join(lines)[:-20], "nothing was written"


# --- reading about one person -------------------------------------------------------------


def test_read_for_subject_returns_who_looked_at_one_person(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    assert read_for_subject(path, RESIDENT) == []
    log = AuditLog(path)
    log.append(event())
    log.append(event(object_id=OTHER))
    log.append(
        event(
            action="recommend",
            object_kind="initiative",
            object_id="i-" + "0f" * 16,
            subject_id=RESIDENT,
            actor_key_id="k-matching",
            actor_role="integration",
        )
    )
    log.append(
        event(action="export", actor_key_id="k-admin-1", actor_role="admin", result="denied")
    )
    found = read_for_subject(path, RESIDENT)
    assert [(r.seq, r.actor_key_id, r.action, r.result) for r in found] == [
        (1, COACH_KEY, "read", "ok"),
        (3, "k-matching", "recommend", "ok"),
        (4, "k-admin-1", "export", "denied"),
    ]
    assert [r.seq for r in read_for_subject(path, OTHER)] == [2]


# --- the command --------------------------------------------------------------------------


def test_the_verify_command_says_intact_or_where_it_broke(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    lines = write_log(path, 4)
    runner = CliRunner()
    intact = runner.invoke(audit_command, ["verify", "--log", str(path)])
    assert intact.exit_code == 0, intact.output
    assert intact.output.startswith("Auditlog in orde: 4 regels")
    assert len(intact.output.splitlines()) == 1
    path.write_bytes(b"".join([lines[0], lines[2], lines[3]]))
    broken = runner.invoke(audit_command, ["verify", "--log", str(path), "--lang", "en"])
    assert broken.exit_code == 1
    assert (
        broken.output.strip()
        == "Audit log damaged: line 2 carries number 3: a line was removed, inserted or moved."
    )
    as_json = runner.invoke(audit_command, ["verify", "--log", str(path), "--json"])
    assert as_json.exit_code == 1
    assert json.loads(as_json.output) | {"nl": "", "en": ""} == {
        "ok": False,
        "lines": 1,
        "head": json.loads(lines[0])["hash"],
        "bad_line": 2,
        "problem": "out_of_sequence",
        "nl": "",
        "en": "",
    }


def test_the_verify_command_on_a_missing_log_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(audit_command, ["verify", "--log", str(tmp_path / "nope.log")])
    assert result.exit_code == 1
    assert result.output.startswith("fout: Auditlog ") and "bestaat niet" in result.output
    assert len(result.output.splitlines()) == 1
    assert "Traceback" not in result.output
    configured = CliRunner().invoke(
        audit_command, ["verify"], env={"WIJKGRAAF_AUDIT_LOG": str(tmp_path / "nope.log")}
    )
    assert configured.exit_code == 1 and len(configured.output.splitlines()) == 1


def test_the_command_speaks_the_configured_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "audit.log"
    write_log(path, 2)
    monkeypatch.setenv("WIJKGRAAF_LANG", "en")
    result = CliRunner().invoke(audit_command, ["verify", "--log", str(path)])
    assert result.exit_code == 0
    assert result.output == f"Audit log intact: 2 lines, last hash {verify(path).head[:16]}.\n"


def test_group_commit_keeps_every_line_of_many_threads_in_one_chain(tmp_path: Path) -> None:
    from api.access.audit_writer import GroupCommit

    log = GroupCommit(AuditLog(tmp_path / "audit.jsonl"))
    seen: list[int] = []

    def write() -> None:
        for _ in range(40):
            seen.append(log.append(event()).seq)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 321))
    result = verify(tmp_path / "audit.jsonl")
    assert result.ok and result.lines == 320


def test_group_commit_from_coroutines_and_threads_shares_one_chain(tmp_path: Path) -> None:
    """A server's coroutine routes and its pool threads append to one log at once."""
    from api.access.audit_writer import GroupCommit

    log = GroupCommit(AuditLog(tmp_path / "audit.jsonl"))
    threaded: list[int] = []

    def write() -> None:
        for _ in range(30):
            threaded.append(log.append(event()).seq)

    async def many() -> list[int]:
        records = await asyncio.gather(*(log.append_async(event()) for _ in range(120)))
        return [record.seq for record in records]

    thread = threading.Thread(target=write)
    thread.start()
    awaited = asyncio.run(many())
    thread.join()
    assert sorted(awaited + threaded) == list(range(1, 151))
    written = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert sorted(r["seq"] for r in written) == list(range(1, 151))
    assert verify(tmp_path / "audit.jsonl").ok


def test_verify_reads_the_configured_log_by_default(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    AuditLog(path, head_key=head_key()).append(event())
    result = CliRunner().invoke(audit_command, ["verify"], env={"WIJKGRAAF_AUDIT_LOG": str(path)})
    assert result.exit_code == 0, result.output
    path.write_text(path.read_text().replace('"ok"', '"denied"'))
    broken = CliRunner().invoke(audit_command, ["verify"], env={"WIJKGRAAF_AUDIT_LOG": str(path)})
    assert broken.exit_code == 1
