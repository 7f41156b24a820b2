"""Page sessions: a hash on disk per session, shared by every server process, ending when
idle, signed out, or unknown."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from api.access.sessions import IDLE_SECONDS, TOUCH_SECONDS, PageSessions


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_is_known_to_every_process_and_only_its_hash_is_stored(tmp_path: Path) -> None:
    path = tmp_path / "page-sessions.json"
    clock = Clock()
    one, other = PageSessions(path, clock=clock), PageSessions(path, clock=clock)
    token = one.open("abc123def456")
    assert other.key_id(token) == "abc123def456"
    assert token not in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert other.key_id(token + "x") is None
    other.close(token)
    assert one.key_id(token) is None, "signing out in one process ends it in all"


def test_a_session_ends_after_being_idle_and_use_keeps_it(tmp_path: Path) -> None:
    clock = Clock()
    sessions = PageSessions(tmp_path / "s.json", clock=clock)
    kept, idle = sessions.open("k1"), sessions.open("k2")
    for _ in range(3):  # kept in use, longer in all than the idle time
        clock.now += IDLE_SECONDS / 2
        assert sessions.key_id(kept) == "k1"
    assert sessions.key_id(idle) is None
    assert len(json.loads((tmp_path / "s.json").read_text())) == 1, "the idle one is gone"


def test_last_use_is_written_only_now_and_then(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "s.json"
    sessions = PageSessions(path, clock=clock)
    token = sessions.open("k1")
    before = path.stat().st_mtime_ns
    clock.now += TOUCH_SECONDS / 2
    assert sessions.key_id(token) == "k1"
    assert path.stat().st_mtime_ns == before, "a page view within a minute writes nothing"
    clock.now += TOUCH_SECONDS
    assert sessions.key_id(token) == "k1"
    assert json.loads(path.read_text())[next(iter(json.loads(path.read_text())))][1] == clock.now
