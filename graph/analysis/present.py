"""The publishable tables of the present: the last date of the series.

The trends publish the tables of the six questions as of every quarter end
(:mod:`graph.analysis.trends`), under rules 6 and 7 of :mod:`graph.analysis.disclosure`
across the dates (:mod:`graph.analysis.series`). Whatever leaves for a role that may not see
persons now (``/aggregates``, a question's publishable answer, the policymaker's pages and
``wijkgraaf ask --publishable``, the counts in an integration's recommendations) reads the
tables of the present, and a reader can set those beside the last quarter. So the present is
the series' last date: where the store has a dated history, its tables are worked out after
the quarter ends (:func:`~graph.analysis.series.protected_series`, each quarter end's network
as of that date, then the network now), and a count of persons that differs from a count
published for a quarter by 1 to 9 persons is hidden now, as is everything the last quarter hid
while it counts anyone. The quarters publish the same as without the present after them.

Without a history (no import said its date, or no quarter ended by the last date one said)
there is no series, and the present's tables are those of one date
(:func:`graph.analysis.aggregates.aggregate`), at no extra cost.

The present's series is worked out once per graph version (per present network, the
:class:`~graph.analysis.engine.Analyst`'s context) and kept until the next: loading the network
of a quarter end takes about a second for a city of 100,000 residents (kept on disk per date),
and every table is counted for every date. The quarters it works out are offered to the
trends, which then read the whole period without working it out again.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

from graph.analysis.aggregates import (
    AggregateTable,
    _publish,
    aggregate,
    published_values,
    table_spec,
    worked_out,
)
from graph.analysis.context import NetworkContext
from graph.analysis.counting import Key
from graph.analysis.disclosure import MIN_CELL
from graph.analysis.publishable import PublishableAnswer, question_tables
from graph.analysis.questions import QUESTION_TITLES
from graph.analysis.series import _KEPT, protected_series
from graph.analysis.trends import data_period, quarters
from graph.analysis.whole_tables import _Whole

if TYPE_CHECKING:
    from graph.analysis.engine import Analyst


def present_table(
    analyst: Analyst,
    table_name: str,
    neighbourhoods: tuple[str, ...] | None = None,
    *,
    version: int | None = None,
) -> AggregateTable:
    """One of the publishable tables as the present publishes it, for the whole graph or
    some neighbourhoods (a window on the whole table, as :func:`aggregate` gives it).
    ``version``: the stored graph's, if just read."""
    spec = table_spec(table_name)
    context = analyst.context(version=version)
    wholes = _PRESENT.wholes(analyst, context)
    if wholes is None:
        return aggregate(context, table_name, neighbourhoods)
    return _publish(context, spec, wholes[table_name], neighbourhoods, MIN_CELL)


def present_values(
    analyst: Analyst, table_name: str, *, version: int | None = None
) -> dict[Key, int | None]:
    """Every entry of a whole table as the present publishes it, ``None`` where it is hidden:
    what a single figure elsewhere (an integration's recommendation) must show."""
    table_spec(table_name)
    context = analyst.context(version=version)
    wholes = _PRESENT.wholes(analyst, context)
    if wholes is None:
        return published_values(context, table_name)
    return wholes[table_name].published


def present_ready(analyst: Analyst, table_name: str, *, version: int | None = None) -> bool:
    """Whether :func:`present_values` of this table would answer from what is worked out
    already (milliseconds: a server's event loop may then call it), loading nothing."""
    context = analyst.current_context(version)
    if context is None:
        return False
    held, wholes = _PRESENT.held(context)
    if not held:
        return False
    return wholes is not None or worked_out(context, table_name)


def _worked_out(analyst: Analyst, present: NetworkContext) -> dict[str, _Whole] | None:
    """The present's whole tables as the series' last date, or None without a series."""
    days, _ = quarters(data_period(analyst.store), None, None)
    if not days:
        return None
    dated = [analyst.context_as_of(day) for day in days]
    series = protected_series(dated, present=present)
    if all(context.version == present.version for context in dated):
        _KEPT.offer(present.version, tuple(days), series[:-1])
    return series[-1]


class _Kept:
    """The present's tables for the present network they were last worked out on (None: it
    has no series). Held by a weak reference, as the tables of one date are: they go with
    their network, which nothing changes once loaded (a new graph version is a new one)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: (the network, its tables), replaced as one so that a reader without the lock
        #: never sees the tables of one network with another
        self._held: tuple[weakref.ref[NetworkContext], dict[str, _Whole] | None] | None = None

    def wholes(self, analyst: Analyst, context: NetworkContext) -> dict[str, _Whole] | None:
        held, wholes = self.held(context)
        if held:
            return wholes
        with self._lock:
            held, wholes = self.held(context)
            if not held:
                wholes = _worked_out(analyst, context)
                self._held = (weakref.ref(context, self._forget), wholes)
            return wholes

    def held(self, context: NetworkContext) -> tuple[bool, dict[str, _Whole] | None]:
        """(whether the tables of ``context`` are held, the tables); no waiting for the lock,
        which is held while tables are worked out."""
        held = self._held
        if held is None or held[0]() is not context:
            return False, None
        return True, held[1]

    def _forget(self, gone: weakref.ref[NetworkContext]) -> None:
        # no lock: the collector may call this in the middle of wholes() on this thread
        held = self._held
        if held is not None and held[0] is gone:
            self._held = None


_PRESENT = _Kept()


def publishable_answer(
    analyst: Analyst,
    question: str,
    neighbourhoods: tuple[str, ...] = (),
    *,
    version: int | None = None,
) -> PublishableAnswer:
    """``question``'s publishable tables of the present, for the whole graph or a selection
    of it: the series' last date (:mod:`graph.analysis.present`). ``version``: the stored
    graph's, if just read."""
    names = question_tables(question)
    title_nl, title_en = QUESTION_TITLES[question]
    version = analyst.context(version=version).version  # one version for every table
    tables = [
        present_table(analyst, name, neighbourhoods or None, version=version) for name in names
    ]
    return PublishableAnswer(
        question=question,
        title_nl=title_nl,
        title_en=title_en,
        neighbourhoods=neighbourhoods,
        version=version,
        tables=tables,
    )
