"""The audit log's signed head: lines cut off the end, and a head removed, edited or forged,
are found (the chain alone cannot see a log cut short: what is left is whole)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.access.audit import Problem, verify
from api.access.audit_head import head_path, write_head
from api.cli.audit import audit_command
from tests.api.test_audit import head_key, write_log


def test_lines_cut_off_the_end_are_found_by_the_signed_head(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    lines = write_log(path, 6)
    assert verify(path, head_key=head_key()).ok
    path.write_bytes(b"".join(lines[:4]))
    assert verify(path).ok, "the chain alone cannot see it: what is left is whole"
    result = verify(path, head_key=head_key())
    assert (result.ok, result.problem, result.lines) == (False, Problem.CUT_OFF, 4)
    assert "regel 6" in result.nl and "cut off" in result.en
    command = CliRunner().invoke(audit_command, ["verify", "--log", str(path)])
    assert command.exit_code == 1 and "afgeknipt" in command.output


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (lambda head: head.unlink(), Problem.HEAD_MISSING),
        (
            lambda head: head.write_text(head.read_text().replace('"seq": 6', '"seq": 4')),
            Problem.HEAD_INVALID,
        ),
        (lambda head: head.write_text("{}"), Problem.HEAD_INVALID),
    ],
    ids=["removed", "edited", "replaced"],
)
def test_a_head_removed_edited_or_replaced_is_found(
    tmp_path: Path, tamper: Callable[[Path], object], problem: Problem
) -> None:
    path = tmp_path / "audit.log"
    write_log(path, 6)
    tamper(head_path(path))
    result = verify(path, head_key=head_key())
    assert (result.ok, result.problem) == (False, problem)


def test_a_head_signed_with_another_key_is_not_believed(tmp_path: Path) -> None:
    path = tmp_path / "audit.log"
    lines = write_log(path, 3)
    path.write_bytes(b"".join(lines[:2]))
    write_head(path, 2, json.loads(lines[1])["hash"], b"k" * 32)  # whoever cut, re-signing
    result = verify(path, head_key=head_key())
    assert (result.ok, result.problem) == (False, Problem.HEAD_INVALID)
