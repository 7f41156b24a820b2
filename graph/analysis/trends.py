"""Trends for policymakers: the publishable tables of a network question at each quarter end.

Whether the collective grows is read from the same tables a policymaker publishes for one
date (:mod:`graph.analysis.publishable`), as of every quarter end (31 March, 30 June,
30 September, 31 December) from the first date the store has data for to the last: the
dates its imports described (``as_of`` of the import runs). A reader may ask for a part of
that period (``start``, ``end``); the quarters are always counted from the store's first
date, so every reader reads one series (:mod:`graph.analysis.series`), whose disclosure
control holds over time: no difference of two published counts shows 1 to 9 persons.

>>> quarter_ends("2025-02-10", "2025-10-01")
['2025-03-31', '2025-06-30', '2025-09-30']
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel

from graph import periods
from graph.analysis.aggregates import AggregateTable, Suppression
from graph.analysis.disclosure import MIN_CELL, SUPPRESSION_TEXT
from graph.analysis.publishable import question_tables
from graph.analysis.questions import QUESTION_TITLES
from graph.analysis.results import Reason
from graph.model import SystemLabel

if TYPE_CHECKING:
    from graph.analysis.engine import Analyst
    from graph.store import GraphStore

_QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def quarter_ends(first: str, last: str) -> list[str]:
    """Every quarter end from ``first`` to ``last`` (both dates included)."""
    start, stop = date.fromisoformat(first), date.fromisoformat(last)
    return [
        day.isoformat()
        for year in range(start.year, stop.year + 1)
        for day in (date(year, month, end) for month, end in _QUARTER_ENDS)
        if start <= day <= stop
    ]


def data_period(store: GraphStore) -> tuple[str, str] | None:
    """The first and the last date the store's imports described, or None if none said."""
    days = sorted(
        str(run.properties["as_of"])
        for run in store.nodes(SystemLabel.IMPORT_RUN)
        if run.properties.get("as_of")
    )
    return (days[0], days[-1]) if days else None


class TrendQuarter(BaseModel):
    """A question's publishable tables as of one quarter end."""

    as_of: str
    tables: list[AggregateTable]


class TrendAnswer(BaseModel):
    """A network question's publishable tables per quarter, oldest first, with notes on what
    is hidden over time; nothing per person."""

    question: str
    title_nl: str
    title_en: str
    #: the selection asked for; () is the whole graph
    neighbourhoods: tuple[str, ...]
    version: int
    #: the first and the last date the store has data for (None: its imports said none)
    data_from: str | None
    data_to: str | None
    quarters: list[TrendQuarter]
    notes: list[Reason]


def quarters(
    period: tuple[str, str] | None, start: str | None, end: str | None
) -> tuple[list[str], list[str]]:
    """(the series, the quarters shown): the series runs from the store's first date, the
    quarters shown are those of it from ``start`` to ``end`` (none, where none lies between:
    the answer says so). A store whose imports said no date has its series from ``start`` to
    ``end``, where both are given.

    >>> quarters(("2025-01-15", "2025-12-31"), "2025-05-01", None)
    (['2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31'], ['2025-06-30', '2025-09-30', '2025-12-31'])
    >>> quarters(("2025-01-15", "2025-12-31"), "2025-10-01", "2025-07-01")
    (['2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31'], [])
    """
    start = periods.as_date(start, "from") if start is not None else None
    end = periods.as_date(end, "to") if end is not None else None
    if period is None:
        if start is None or end is None or end < start:
            return [], []
        period = (start, end)
    series = quarter_ends(*period)
    return series, [day for day in series if (start or day) <= day <= (end or day)]


def trend_answer(
    analyst: Analyst,
    question: str,
    neighbourhoods: tuple[str, ...] = (),
    *,
    start: str | None = None,
    end: str | None = None,
) -> TrendAnswer:
    """``question``'s publishable tables as of each quarter end from ``start`` to ``end``
    (default: the whole period the store has data for), for the whole graph or the
    ``neighbourhoods`` asked."""
    from graph.analysis.series import series_tables

    names = question_tables(question)
    version = analyst.store.version()
    period = data_period(analyst.store)
    series, shown = quarters(period, start, end)
    upto = series.index(shown[-1]) + 1 if shown else 0
    dated = [(day, analyst.context_as_of(day)) for day in series[:upto]]
    tables = series_tables(version, dated, names, neighbourhoods)
    found = [
        TrendQuarter(as_of=day, tables=day_tables)
        for (day, _), day_tables in zip(dated, tables, strict=True)
        if day in shown
    ]
    title_nl, title_en = QUESTION_TITLES[question]
    return TrendAnswer(
        question=question,
        title_nl=title_nl,
        title_en=title_en,
        neighbourhoods=neighbourhoods,
        version=version,
        data_from=period[0] if period else None,
        data_to=period[1] if period else None,
        quarters=found,
        notes=_notes(found, series[0]) if found else [_no_quarter(period, start, end)],
    )


def _no_quarter(period: tuple[str, str] | None, start: str | None, end: str | None) -> Reason:
    """The note of an answer without quarters: none ended within the data, or within the
    part of it asked for, or the imports named no date and no period was given."""
    first, last = period or ("", "")
    asked = f"{start or '…'} – {end or '…'}"
    if period is None:
        nl = "De imports noemden geen datum (--as-of); geef from en to om de kwartalen te kiezen."
        en = "The imports named no date (--as-of); give from and to to choose the quarters."
    else:
        nl = (
            f"Geen kwartaaleinde in de gegevens van {first} tot {last} binnen {asked}: kies een "
            "andere periode, of importeer exports met hun datum (--as-of)."
        )
        en = (
            f"No quarter end in the data from {first} to {last} within {asked}: choose another "
            "period, or import exports with their date (--as-of)."
        )
    return Reason(
        code="no_quarters", nl=nl, en=en, data={"first": first, "last": last, "asked": asked}
    )


def _notes(found: list[TrendQuarter], first: str) -> list[Reason]:
    """What the answer hides over time, and why, in both languages."""
    changed = {
        quarter.as_of: sum(
            cell.reason is Suppression.CHANGE for table in quarter.tables for cell in table.cells
        )
        for quarter in found
    }
    rule_nl, rule_en = (
        text.format(min_cell=MIN_CELL) for text in SUPPRESSION_TEXT[Suppression.CHANGE]
    )
    hidden = sum(changed.values())
    notes = [
        Reason(
            code="quarters",
            nl=f"Per kwartaaleinde, gerekend vanaf het eerste kwartaal met gegevens ({first}), "
            "zodat elke lezer dezelfde reeks leest.",
            en=f"Per quarter end, counted from the first quarter with data ({first}), so every "
            "reader reads the same series.",
            data={"first": first, "quarters": [quarter.as_of for quarter in found]},
        ),
        Reason(
            code="hidden_over_time",
            nl=f"{hidden} getallen verborgen bij de vergelijking tussen kwartalen. {rule_nl} Kleine aantallen en "
            "wat ze zou verraden zijn in elk kwartaal verborgen, zoals in de tabellen van één "
            "datum.",
            en=f"{hidden} counts hidden for the comparison between quarters. {rule_en} Small counts and what would "
            "give them away are hidden in every quarter, as in the tables of one date.",
            data={"min_cell": MIN_CELL, "hidden": changed},
        ),
    ]
    return notes
