"""Aggregate tables at city scale: the faster counting equals the straightforward one, a whole
table is worked out once per context and read by every selection, and its selection totals
count a person once however the table's rows share people."""

from __future__ import annotations

import gc
import random
from collections.abc import Iterable
from itertools import combinations

import networkx as nx
import pytest

from graph.analysis import aggregates, whole_tables
from graph.analysis.aggregates import MIN_CELL, TABLES, Counts, Key, aggregate
from graph.analysis.collective import ACTIVE
from graph.analysis.context import NetworkContext
from graph.model import OSector

HOODS = ("BU11", "BU12", "BU13", "BU21", "BU22")
AREAS = {"GM1": "", "WK1": "GM1", "WK2": "GM1"} | {h: f"WK{h[2]}" for h in HOODS}
THEMES = ("armoede", "eenzaamheid", "groen", "schulden", "werk")
SECTORS = [o.value for o in OSector]


def city(seed: int, residents: int = 1500) -> NetworkContext:
    """Residents in five buurten with needs, active and ended initiatives on themes, residents
    taking part in initiatives of other buurten too, partner organisations of every O, and the
    odd node without an area, without a label or with a need but no home."""
    rng = random.Random(seed)
    fabric = nx.Graph()
    needs: dict[str, dict[str, bool]] = {}
    addresses: dict[str, set[str]] = {}
    people = [f"r-{seed}-{n:05d}" for n in range(residents)]
    for person in people:
        home = rng.choice([*HOODS, HOODS[0], None])
        fabric.add_node(person, label="Resident", **({"neighbourhood": home} if home else {}))
        if rng.random() < 0.4:
            needs[person] = {t: rng.random() < 0.2 for t in rng.sample(THEMES, rng.randint(1, 3))}
    needs["r-nowhere"] = {"armoede": False}  # a need of someone not in the network
    needs[people[0]] = {}
    initiatives = [f"i-{seed}-{n:03d}" for n in range(60)]
    for initiative in initiatives:
        fabric.add_node(
            initiative,
            label="Initiative",
            neighbourhood=rng.choice([*HOODS, "WK1"]),
            status=rng.choice([*ACTIVE, "ended"]),
        )
        addresses[initiative] = set(rng.sample(THEMES, rng.randint(0, 2)))
        for person in rng.sample(people, rng.randint(0, 30)):
            fabric.add_edge(person, initiative, type="PARTICIPATES_IN", role="participant")
    for n in range(40):
        organisation = f"o-{seed}-{n:03d}"
        fabric.add_node(organisation, label="Organisation", o_sector=rng.choice([*SECTORS, None]))
        for initiative in rng.sample(initiatives, 3):
            fabric.add_edge(organisation, initiative, type=rng.choice(["PARTNER_OF", "COACHES"]))
    fabric.add_node("x-unlabelled", neighbourhood="BU11")
    needs["x-unlabelled"] = {"werk": False}
    fabric.add_edge("x-unlabelled", initiatives[0], type="PARTICIPATES_IN")
    areas = {code: {"name": code, "parent": parent, "level": ""} for code, parent in AREAS.items()}
    names = {theme: (theme.title(), theme.upper()) for theme in THEMES}
    return NetworkContext(
        seed, fabric, areas=areas, theme_names=names, needs=needs, addresses=addresses
    )


# --- the straightforward counts: every node of the network, through networkx's views -------


def _homes(context: NetworkContext, label: str) -> Iterable[tuple[str, str]]:
    for node in context.fabric:
        data = context.fabric.nodes[node]
        if data.get("label") == label and data.get("neighbourhood"):
            yield node, str(data["neighbourhood"])


def _straightforward(context: NetworkContext, table: str) -> tuple[set[str], dict[Key, set[str]]]:
    rows: set[str] = set()
    members: dict[Key, set[str]] = {}

    def add(row: str, column: str | None, member: str) -> None:
        members.setdefault((row, column), set()).add(member)

    fabric = context.fabric
    if table == "residents_by_neighbourhood":
        for resident, home in _homes(context, "Resident"):
            rows.add(home)
            add(home, None, resident)
        return rows, members
    if table == "needs_by_neighbourhood_and_theme":
        for resident, home in _homes(context, "Resident"):
            rows.add(home)
            for theme in context.needs.get(resident, {}):
                add(home, theme, resident)
        return rows, members
    for initiative, home in _homes(context, "Initiative"):
        if fabric.nodes[initiative].get("status") not in ACTIVE:
            continue
        rows.add(home)
        if table == "initiatives_by_neighbourhood_and_theme":
            for theme in context.addresses.get(initiative, ()):
                add(home, theme, initiative)
            continue
        for other in fabric.adj[initiative]:
            tie = fabric.edges[initiative, other].get("type")
            data = fabric.nodes[other]
            if tie == "PARTICIPATES_IN" and data.get("label") == "Resident":
                add(home, OSector.OMGEVING.value, other)
            elif tie == "PARTNER_OF" and data.get("o_sector") in SECTORS:
                add(home, str(data["o_sector"]), other)
    return rows, members


def _cells(counts: Counts) -> dict[Key, set[str]]:
    return {key: ids for key, ids in counts.members.items() if ids}


#: The tables counted by the walk above; the network questions' tables are checked against
#: the questions' own answers (test_publishable_questions.py).
WALKED = (
    "residents_by_neighbourhood",
    "needs_by_neighbourhood_and_theme",
    "participants_by_neighbourhood_and_sector",
    "initiatives_by_neighbourhood_and_theme",
)


def test_the_walk_covers_the_fixed_tables() -> None:
    assert set(WALKED) <= set(TABLES)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("table", WALKED)
def test_the_counts_equal_a_walk_over_every_node(seed: int, table: str) -> None:
    context = city(seed)
    counts = TABLES[table].count(context)
    rows, members = _straightforward(context, table)
    assert counts.rows == rows
    assert _cells(counts) == members


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("table", [name for name, spec in TABLES.items() if spec.totals])
def test_a_selections_totals_count_each_person_once(seed: int, table: str) -> None:
    """Summed where no one counts in two rows, otherwise the union of the rows' members."""
    context = city(seed)
    counts = TABLES[table].count(context)
    rows = sorted(counts.rows)
    members = whole_tables._members(counts, rows)
    whole = whole_tables._whole(context, TABLES[table], MIN_CELL)
    rng = random.Random(seed)
    for size in range(1, len(rows) + 1):
        choices = list(combinations(rows, size))
        for selected in rng.sample(choices, min(3, len(choices))):
            for column in [*counts.columns, None]:
                parts = [(row, column) for row in selected]
                union: set[str] = set().union(*(members[part] for part in parts))
                assert whole.selection_total(parts) == len(union)


def test_only_a_table_whose_rows_share_people_keeps_them() -> None:
    context = city(1)
    kept = {
        name: whole_tables._whole(context, spec, MIN_CELL).shared for name, spec in TABLES.items()
    }
    # residents taking part in initiatives of two buurten: their union is needed
    assert kept.pop("participants_by_neighbourhood_and_sector") is not None
    # a table over a selection (themes as rows) counts the initiatives of each selection
    over = [name for name, spec in TABLES.items() if spec.over_selection]
    assert over and all(kept.pop(name) is not None for name in over)
    # everyone else counts in their own (or their initiative's) one neighbourhood
    assert kept == dict.fromkeys(kept)


def test_a_whole_table_is_worked_out_once_per_context(monkeypatch: pytest.MonkeyPatch) -> None:
    worked: list[tuple[int, str, int]] = []
    real = aggregates._whole

    def counting(context: NetworkContext, spec: aggregates.TableSpec, min_cell: int) -> object:
        worked.append((context.version, spec.name, min_cell))
        return real(context, spec, min_cell)

    monkeypatch.setattr(aggregates, "_whole", counting)
    first, second = city(1), city(2)
    table = "needs_by_neighbourhood_and_theme"
    whole = aggregate(first, table)
    assert aggregate(first, table, ("WK1",)).cell(neighbourhood="BU11") == whole.cell(
        neighbourhood="BU11"
    )
    assert aggregate(first, table).model_dump() == whole.model_dump()
    assert worked == [(1, table, MIN_CELL)]
    # another table, another threshold, another context: each worked out anew
    aggregate(first, "residents_by_neighbourhood")
    aggregate(first, table, min_cell=20)
    again = aggregate(second, table)
    assert [c.value for c in again.cells] != [c.value for c in whole.cells]
    assert worked[1:] == [
        (1, "residents_by_neighbourhood", MIN_CELL),
        (1, table, 20),
        (2, table, MIN_CELL),
    ]
    assert aggregate(first, table).model_dump() == whole.model_dump()
    assert worked[-1] == (1, table, MIN_CELL)


def test_the_tables_go_with_their_context() -> None:
    context = city(4)
    aggregate(context, "residents_by_neighbourhood")
    assert aggregates._WHOLE_TABLES._tables
    del context
    gc.collect()
    assert aggregates._WHOLE_TABLES._tables == {}
