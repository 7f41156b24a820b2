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

The present is the series' last date: what leaves for a role that may not see persons now
(:mod:`graph.analysis.present`) is worked out after the quarter ends under rules 6 and 7 as
any later date is, so that the present set beside the last quarter shows no change of 1 to
9 persons and publishes nothing the quarter hid. It has every table, not only the series':
those the quarters do not publish come under rule 6 alone. The quarters publish the same
with the present after them as without it.

A table that shows cells of another (:attr:`~graph.analysis.table_specs.TableSpec.linked`,
``within``) hides, at each date, whatever that other table hides at the same date when both
are worked out for it, the cells hidden for a change and those that protect them included.

Every table of a series is worked out for the whole graph; a selection of neighbourhoods is a
window on it, as for the tables of one date (:mod:`graph.analysis.aggregates`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from graph.analysis.aggregates import TABLES, AggregateTable, _publish
from graph.analysis.context import NetworkContext
from graph.analysis.disclosure import MIN_CELL, Suppression, changed
from graph.analysis.publishable import QUESTION_TABLES
from graph.analysis.whole_tables import _members, _Whole, _whole

#: Every table the trends publish: the publishable tables of the six questions.
SERIES_TABLES: tuple[str, ...] = tuple(
    dict.fromkeys(name for names in QUESTION_TABLES.values() for name in names)
)
#: Every table the present publishes, as the series' last date: all of them.
PRESENT_TABLES: tuple[str, ...] = tuple(TABLES)


def protected_series(
    contexts: Sequence[NetworkContext],
    *,
    min_cell: int = MIN_CELL,
    present: NetworkContext | None = None,
) -> list[dict[str, _Whole]]:
    """The whole tables of :data:`SERIES_TABLES` for each context (the network on each date,
    oldest first), under the disclosure policy with rules 6 and 7 across the dates.

    ``present``: the network now, after the last date: one element more, with every table of
    :data:`~graph.analysis.table_specs.TABLES` (see the module docstring). The elements for
    ``contexts`` are the same with it as without it."""
    dated = [(context, SERIES_TABLES) for context in contexts]
    if present is not None:
        dated.append((present, PRESENT_TABLES))
    earlier: set[frozenset[str]] = set()
    series: list[dict[str, _Whole]] = []
    for context, names in dated:
        wholes: dict[str, _Whole] = {}
        published: set[frozenset[str]] = set()
        for name in _outer_first(names):
            spec = TABLES[name]
            counts = spec.count(context)
            members = _members(counts, sorted(counts.rows), totals=spec.totals)
            people = {key: frozenset(ids) for key, ids in members.items() if spec.persons(key)}
            hidden = changed(people, earlier, min_cell=min_cell)
            # a table of another's cells: hidden where that one is at this date
            outer = wholes.get(spec.linked or spec.within or "")
            given = dict(outer.hidden) if outer else {}
            if series and name in series[-1]:
                # rule 7: hidden before, hidden still: one pattern for the whole series
                given.update(dict.fromkeys(series[-1][name].hidden, Suppression.SERIES))
            for key, why in given.items():
                if members.get(key):
                    hidden.setdefault(key, why)
            whole = _whole(context, spec, min_cell, counts=counts, changed=hidden)
            wholes[name] = whole
            published |= {ids for key, ids in people.items() if whole.published[key] and ids}
        earlier |= published
        series.append({name: wholes[name] for name in names})
    return series


def _outer_first(names: Sequence[str]) -> list[str]:
    """``names`` with every table that shows cells of another after the others."""
    return sorted(names, key=lambda name: bool(TABLES[name].linked or TABLES[name].within))


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

    def offer(self, version: int, dates: tuple[str, ...], series: list[dict[str, _Whole]]) -> None:
        """Keep ``series``, worked out elsewhere for these dates (the present's, which runs
        over every quarter end), unless one of the same version and dates is kept already."""
        with self._lock:
            if self._key != (version, dates):
                self._series = series
                self._key = (version, dates)


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
