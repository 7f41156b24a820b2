"""The publishable tables over a series of dates: disclosure control that holds over time.

A table published for several dates (the trends of :mod:`graph.analysis.trends`, one per
quarter end) gives a reader differences: the same cell in two quarters, or a cell of one
quarter and a total or another table's cell of another. Where the people of one count hold
the people of the other, with 1 to ``min_cell - 1`` persons between (three residents who came
to stand alone, and nobody who stopped), the difference of the two published counts is a
small count of persons, and rounding to 5 does not hide it.

So the tables of a series are worked out date by date, from the first: each is the whole
table of that date under every rule of :mod:`graph.analysis.disclosure`, and rule 6 besides
(:func:`~graph.analysis.disclosure.changed`): a count of persons whose people are, but for 1
to 9, those of a count published for an earlier date, in any table of the series, is hidden
at the later date, and the table's secondary suppression protects it as it protects a small
count; and rule 7: what a date hides stays hidden at the later dates while it counts anyone,
so that two dates never protect a count with different cells. What was published for a date never changes when a later one is added, so a series
and any shorter series from the same first date publish the same values for the dates they
share. The first date is fixed by the data (:func:`graph.analysis.trends.quarters`), not by
what a reader asks for: two readers asking for different periods read the one series.

Every table of a series is worked out for the whole graph; a selection of neighbourhoods is a
window on it, as for the tables of one date (:mod:`graph.analysis.aggregates`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from graph.analysis.aggregates import (
    TABLES,
    AggregateTable,
    _members,
    _publish,
    _Whole,
    _whole,
)
from graph.analysis.context import NetworkContext
from graph.analysis.disclosure import MIN_CELL, Suppression, changed
from graph.analysis.publishable import QUESTION_TABLES

#: Every table the trends publish: the publishable tables of the six questions.
SERIES_TABLES: tuple[str, ...] = tuple(
    dict.fromkeys(name for names in QUESTION_TABLES.values() for name in names)
)


def protected_series(
    contexts: Sequence[NetworkContext], *, min_cell: int = MIN_CELL
) -> list[dict[str, _Whole]]:
    """The whole tables of :data:`SERIES_TABLES` for each context (the network on each date,
    oldest first), under the disclosure policy with rule 6 across the dates."""
    earlier: set[frozenset[str]] = set()
    series: list[dict[str, _Whole]] = []
    for context in contexts:
        wholes: dict[str, _Whole] = {}
        published: set[frozenset[str]] = set()
        for name in SERIES_TABLES:
            spec = TABLES[name]
            counts = spec.count(context)
            members = _members(counts, sorted(counts.rows), totals=spec.totals)
            people = {key: frozenset(ids) for key, ids in members.items() if spec.persons(key)}
            hidden = changed(people, earlier, min_cell=min_cell)
            if series:  # hidden before, hidden still: one pattern for the whole series
                before = series[-1][name].hidden
                for key in before:
                    if members.get(key):
                        hidden.setdefault(key, Suppression.SERIES)
            whole = _whole(context, spec, min_cell, counts=counts, changed=hidden)
            wholes[name] = whole
            published |= {ids for key, ids in people.items() if whole.published[key] and ids}
        earlier |= published
        series.append(wholes)
    return series


class _Kept:
    """The series last worked out, per graph version and dates: a server asks the trends of
    six questions and several selections of one series."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, tuple[str, ...]] | None = None
        self._series: list[dict[str, _Whole]] = []

    def series(
        self, version: int, dates: tuple[str, ...], contexts: Sequence[NetworkContext]
    ) -> list[dict[str, _Whole]]:
        with self._lock:
            if self._key != (version, dates):
                self._series = protected_series(contexts)
                self._key = (version, dates)
            return self._series


_KEPT = _Kept()


def series_tables(
    version: int,
    dated: Sequence[tuple[str, NetworkContext]],
    names: Sequence[str],
    neighbourhoods: tuple[str, ...] = (),
) -> list[list[AggregateTable]]:
    """For each (date, network on that date) of ``dated``, oldest first, the tables
    ``names`` as the series publishes them, for the whole graph or the ``neighbourhoods``."""
    dates = tuple(day for day, _ in dated)
    contexts = [context for _, context in dated]
    series = _KEPT.series(version, dates, contexts)
    return [
        [
            _publish(context, TABLES[name], wholes[name], neighbourhoods or None, MIN_CELL)
            for name in names
        ]
        for context, wholes in zip(contexts, series, strict=True)
    ]
