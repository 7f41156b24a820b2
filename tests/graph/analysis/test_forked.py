"""Work in a forked child: the same result as here, its errors raised here, nothing left.

A test process has threads of its own (database drivers, servers of other tests), and a
forked child is refused then; so what needs a fork runs in a fresh interpreter, as a command
would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from graph.analysis import forked

ROOT = Path(__file__).parents[3]


def _fresh(code: str) -> Any:
    """Run ``code`` in a fresh interpreter (one thread) and read the JSON it prints."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    if outcome.get("skip"):
        pytest.skip(outcome["skip"])
    return outcome


_PREAMBLE = """
import json, os, sys
from graph.analysis import forked
if not forked.can_fork():
    print(json.dumps({"skip": f"no fork here: {forked.cores()} core(s)"}))
    sys.exit(0)
"""


def test_a_child_computes_the_result_on_another_process() -> None:
    outcome = _fresh(
        _PREAMBLE
        + """
with forked.in_background(lambda: {"pid": os.getpid(), "sum": sum(range(100))}, wanted=True) as work:
    result = work.result()
print(json.dumps({"here": os.getpid(), **result}))
"""
    )
    assert outcome["sum"] == 4950
    assert outcome["pid"] != outcome["here"], "the work ran in a child"


def test_an_error_in_the_child_is_raised_here() -> None:
    outcome = _fresh(
        _PREAMBLE
        + """
def fail():
    raise ValueError("no communities")
try:
    with forked.in_background(fail, wanted=True) as work:
        work.result()
    print(json.dumps({"raised": None}))
except ValueError as error:
    print(json.dumps({"raised": str(error)}))
"""
    )
    assert outcome["raised"] == "no communities"


def test_a_child_whose_result_is_not_wanted_is_stopped() -> None:
    outcome = _fresh(
        _PREAMBLE
        + """
import time
with forked.in_background(lambda: time.sleep(60), wanted=True) as work:
    pid = work._pid
try:
    os.waitpid(pid, os.WNOHANG)
    print(json.dumps({"reaped": False}))
except ChildProcessError:
    print(json.dumps({"reaped": True}))
"""
    )
    assert outcome["reaped"] is True, "stopped and reaped: no such child any more"


def test_without_wanting_it_the_work_runs_here_when_asked() -> None:
    ran: list[int] = []
    with forked.in_background(lambda: ran.append(os.getpid()) or 7, wanted=False) as work:
        assert ran == [], "nothing runs before the result is asked for"
        assert work.result() == 7
    assert ran == [os.getpid()]


def test_with_threads_the_work_runs_here() -> None:
    import threading

    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert not forked.can_fork(), "a second thread rules the fork out"
        with forked.in_background(os.getpid, wanted=True) as work:
            assert work.result() == os.getpid()
    finally:
        stop.set()
        helper.join()
