"""Work in a forked child: the same result as here, its errors raised here, nothing left."""

from __future__ import annotations

import os

import pytest

from graph.analysis import forked

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="fork needs one thread and 2 cores")


@needs_fork
def test_a_child_computes_the_result_on_another_process() -> None:
    with forked.in_background(
        lambda: {"pid": os.getpid(), "sum": sum(range(100))}, wanted=True
    ) as work:
        outcome = work.result()
    assert outcome["sum"] == 4950
    assert outcome["pid"] != os.getpid(), "the work ran in a child"


def test_without_wanting_it_the_work_runs_here_when_asked() -> None:
    ran: list[int] = []
    with forked.in_background(lambda: ran.append(os.getpid()) or 7, wanted=False) as work:
        assert ran == [], "nothing runs before the result is asked for"
        assert work.result() == 7
    assert ran == [os.getpid()]


@needs_fork
def test_an_error_in_the_child_is_raised_here() -> None:
    def fail() -> int:
        raise ValueError("no communities")

    with (
        forked.in_background(fail, wanted=True) as work,
        pytest.raises(ValueError, match="no communities"),
    ):
        work.result()


@needs_fork
def test_a_child_whose_result_is_not_wanted_is_stopped() -> None:
    with forked.in_background(lambda: __import__("time").sleep(60), wanted=True) as work:
        pid = work._pid
        assert pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no such child any more
