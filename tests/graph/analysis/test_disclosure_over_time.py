"""The joint audit of test_disclosure_joint.py over time: every trend table of every quarter.

A reader of the trends holds the publishable tables of the six questions as of each quarter
end. The people counted keep their (pseudonymous) identity across quarters, so the audit's
atoms span the quarters: a resident counted in a cell in March and in June is one person in
both. Every entry of every quarter is a constraint; then, as in the joint audit, no hidden
count of 1 to 9 persons may be shown small, and no difference of two published entries (the
same cell in two quarters, or any two entries of any tables and quarters, one holding the
other) may be shown to be 1 to 9 persons.

The audit can fail: the same quarters published one by one, each as the tables of one date
are (without rule 6 of graph/analysis/disclosure.py), give away the three residents who came
to stand alone in Havenkwartier in the second quarter, and the audit says so.

The present is the series' last date (graph/analysis/present.py): its tables, as every route
publishes them, hide a cell December published that grew by 1 to 9 persons since, and all
December hid; without a history they are the tables of one date.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis.aggregates import TABLES, AggregateCell, TableSpec, aggregate, published_values
from graph.analysis.context import NetworkContext
from graph.analysis.counting import Key
from graph.analysis.disclosure import MIN_CELL, Suppression
from graph.analysis.engine import Analyst
from graph.analysis.present import present_table, present_values
from graph.analysis.publishing import NEEDS_TABLE
from graph.analysis.series import SERIES_TABLES, protected_series
from graph.analysis.whole_tables import _members
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.graph.analysis.test_disclosure_joint import (
    Entry,
    _person,
    largest_hidden,
    largest_rests,
)
from tests.graph.analysis.trend_history import (
    LATEST_HOOD,
    QUARTERS,
    import_history,
    import_present,
)

Published = dict[str, dict[Key, int | None]]  # table -> entry -> published value


def _entries(
    quarters: list[tuple[str, NetworkContext, Published]],
) -> tuple[dict[Entry, set[str]], dict[Entry, int | None], set[Entry]]:
    """Members, published value and whether it counts persons, of every entry of every table
    published for every quarter (or the present), named ``quarter/table``; persons keep their id across quarters,
    anything else (an initiative, a tie) is named apart per quarter and table."""
    members: dict[Entry, set[str]] = {}
    published: dict[Entry, int | None] = {}
    persons: set[Entry] = set()
    for day, context, values in quarters:
        for name in values:
            spec = TABLES[name]
            counts = spec.count(context)
            table = f"{day}/{name}"
            for key, ids in _members(counts, sorted(counts.rows), totals=spec.totals).items():
                members[(table, key)] = {m if _person(context, m) else f"{table}:{m}" for m in ids}
                published[(table, key)] = values[name][key]
                if spec.persons(key):
                    persons.add((table, key))
    return members, published, persons


@pytest.fixture
def history(store: GraphStore, store_settings: Settings, tmp_path: Path) -> list[NetworkContext]:
    import_history(store, store_settings, tmp_path)
    return [NetworkContext.load(store, as_of=day) for day in QUARTERS]


def _as_series(contexts: list[NetworkContext]) -> list[tuple[str, NetworkContext, Published]]:
    series = protected_series(contexts)
    return [
        (day, context, {name: whole.published for name, whole in wholes.items()})
        for day, context, wholes in zip(QUARTERS, contexts, series, strict=True)
    ]


def _one_by_one(contexts: list[NetworkContext]) -> list[tuple[str, NetworkContext, Published]]:
    """Each quarter as the tables of one date publish it (no rule 6)."""
    return [
        (day, context, {name: published_values(context, name) for name in SERIES_TABLES})
        for day, context in zip(QUARTERS, contexts, strict=True)
    ]


def test_rule_6_hides_the_newcomers_cells(history: list[NetworkContext]) -> None:
    """The three who came to stand alone in June (nobody left): every count published in
    March that grew by them is hidden in June, for its change, and so is what would give it
    away; nothing hidden in March is published in June."""
    series = protected_series(history)
    march, june = (series[i]["isolated_by_neighbourhood_and_signal"] for i in (0, 1))
    grew = {
        key
        for key, value in march.published.items()
        if value and 0 < june.true[key] - march.true[key] < MIN_CELL
    }
    assert grew, "the newcomers change counts March published"
    assert {key for key, why in june.hidden.items() if why is Suppression.CHANGE} == grew
    assert all(june.published[key] is None for key in march.hidden if june.true[key])


def test_no_count_is_given_away_across_quarters(history: list[NetworkContext]) -> None:
    members, published, persons = _entries(_as_series(history))
    small = largest_hidden(members, published, persons)
    assert len({entry[0].split("/")[0] for entry in small}) == len(QUARTERS)
    exposed = {e: round(b, 2) for e, b in small.items() if b < MIN_CELL - 1e-6}
    assert exposed == {}, f"a small hidden count shown across quarters: {exposed}"
    rests = largest_rests(members, published, persons)
    shown = {pair: round(b, 2) for pair, b in rests.items() if b < MIN_CELL - 1e-6}
    assert shown == {}, f"a small difference shown across quarters: {shown}"


def test_the_audit_finds_the_quarters_published_one_by_one(
    history: list[NetworkContext],
) -> None:
    members, published, persons = _entries(_one_by_one(history))
    rests = largest_rests(members, published, persons)
    across = {
        (outer, inner): bound
        for (outer, inner), bound in rests.items()
        if outer[0].split("/")[0] != inner[0].split("/")[0] and bound < MIN_CELL - 1e-6
    }
    june, march = (f"{day}/isolated_by_neighbourhood_and_signal" for day in QUARTERS[1::-1])
    given_away = [
        (outer, inner)
        for outer, inner in across
        if outer[0] == june and inner[0] == march and len(members[outer] - members[inner]) == 3
    ]
    assert given_away, f"the three June newcomers are shown: {sorted(map(str, across))[:5]}"


def key_of(spec: TableSpec, cell: AggregateCell) -> Key:
    """The entry a published cell is."""
    row = cell.dimensions.get(spec.dimensions[0])
    column = cell.dimensions.get(spec.dimensions[1]) if len(spec.dimensions) > 1 else None
    return (row, column)


def nested_change(before: set[str], now: set[str]) -> int | None:
    """The number of persons between two counts whose people hold one another, else None."""
    if before <= now or now <= before:
        return abs(len(now) - len(before))
    return None


class _Analyst(Analyst):
    """An analyst that notes the dates whose network it is asked for."""

    def __init__(self, store: GraphStore) -> None:
        super().__init__(store)
        self.dates: list[str] = []

    def context_as_of(self, as_of: str, within: tuple[str, ...] = ()) -> NetworkContext:
        self.dates.append(as_of)
        return super().context_as_of(as_of, within)


def test_the_present_is_the_last_date_of_the_series(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    """Four residents came after December with a need December counted: every count of
    persons December published that grew or shrank by 1 to 9 persons since is hidden in the
    present as every route publishes it (rule 6), and so is everything December hid while it
    counts anyone (rule 7). The quarters publish the same as without the present."""
    import_history(store, store_settings, tmp_path)
    import_present(store, store_settings, tmp_path)
    analyst = Analyst(store)
    quarters = [analyst.context_as_of(day) for day in QUARTERS]
    series = protected_series(quarters)
    december, last = series[-1], quarters[-1]
    now = analyst.context()
    changed: list[tuple[str, Key]] = []
    for name in SERIES_TABLES:
        spec = TABLES[name]
        published = {key_of(spec, c): c.value for c in present_table(analyst, name).cells}
        assert published == present_values(analyst, name)
        counts, earlier = spec.count(now), spec.count(last)
        people = _members(counts, sorted(counts.rows), totals=spec.totals)
        before = _members(earlier, sorted(earlier.rows), totals=spec.totals)
        for key, value in december[name].published.items():
            between = nested_change(before[key], people.get(key, set()))
            if value and spec.persons(key) and between and between < MIN_CELL:
                assert published.get(key) is None, (name, key)
                changed.append((name, key))
        for key in december[name].hidden:
            if people.get(key):
                assert published[key] is None, f"{name} {key}: hidden in December, not now"
    opportunities = ("opportunities_by_neighbourhood_and_theme", (LATEST_HOOD, "schulden"))
    assert opportunities in changed, f"the newcomers' need: {changed}"
    needs = present_values(analyst, NEEDS_TABLE)
    assert needs[(LATEST_HOOD, "schulden")] is None, "the needs table keeps the same secret"
    longer = protected_series(quarters, present=now)
    assert len(longer) == len(QUARTERS) + 1
    assert [{n: w.published for n, w in ws.items()} for ws in longer[:-1]] == [
        {n: w.published for n, w in ws.items()} for ws in series
    ], "the quarters publish the same with the present after them"


def test_no_count_is_given_away_across_quarters_and_the_present(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    """The joint audit over the four quarters and every table of the present, as the routes
    publish it: no hidden count, and no difference of two published entries, can be shown to
    be 1 to 9 persons."""
    import_history(store, store_settings, tmp_path)
    import_present(store, store_settings, tmp_path)
    analyst = Analyst(store)
    quarters = _as_series([analyst.context_as_of(day) for day in QUARTERS])
    now = ("present", analyst.context(), {name: present_values(analyst, name) for name in TABLES})
    members, published, persons = _entries([*quarters, now])
    small = largest_hidden(members, published, persons)
    exposed = {e: round(b, 2) for e, b in small.items() if b < MIN_CELL - 1e-6}
    assert exposed == {}, f"a small hidden count shown by the present: {exposed}"
    rests = largest_rests(members, published, persons)
    shown = {pair: round(b, 2) for pair, b in rests.items() if b < MIN_CELL - 1e-6}
    assert shown == {}, f"a small difference shown by the present: {shown}"
    assert any(entry[0].startswith("present/") for entry in small), "the present is audited"


@pytest.mark.parametrize("as_of", [None, "2025-02-10"], ids=["undated", "no-quarter-end"])
def test_without_a_history_the_present_is_the_tables_of_one_date(
    store: GraphStore, store_settings: Settings, as_of: str | None
) -> None:
    """No import said its date, or no quarter ended by the last it said: the present's
    tables are those of one date, and no network of an earlier date is loaded for them."""
    run_import(store, store_settings, sample_files(), ImportOptions(as_of=as_of))
    analyst = _Analyst(store)
    context = analyst.context()
    for name in TABLES:
        assert present_table(analyst, name) == aggregate(context, name), name
        assert present_table(analyst, name, ("BU99990101",)) == aggregate(
            context, name, ("BU99990101",)
        )
    assert present_values(analyst, NEEDS_TABLE) == published_values(context, NEEDS_TABLE)
    assert analyst.dates == []
