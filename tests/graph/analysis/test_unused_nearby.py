"""Unused strengths that could be matched nearby, as a policymaker may read them (issue 13):
per strength and neighbourhood, of the residents with a strength no initiative uses, those an
initiative in their own buurt or wijk looks for; a part of the strengths table's cell, hidden
by the rule of TableSpec.within."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest

from graph.analysis.aggregates import TABLES, AggregateCell, aggregate
from graph.analysis.context import NetworkContext
from graph.analysis.disclosure import MIN_CELL, Suppression
from graph.analysis.results import Scope
from graph.analysis.strengths import answer_strengths
from graph.analysis.table_specs import UNUSED
from graph.analysis.whole_tables import _whole
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> NetworkContext:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return NetworkContext.load(store)


NEARBY = "unused_strengths_nearby_by_neighbourhood_and_skill"


def _matchable_nearby(context: NetworkContext) -> Counter[tuple[str, str]]:
    """Residents per home and unused strength for whom an active initiative in their buurt or
    wijk looks for it (and they did not decline an introduction to it), worked out here apart
    from the matcher."""
    nodes, areas = context.fabric.nodes, context.areas

    def parent(area: str | None) -> str | None:
        return areas.get(area or "", {}).get("parent") or None

    def near(home: str, there: str | None) -> bool:
        up = parent(home)
        return (
            there == home
            or (up is not None and up in (there, parent(there)))
            or (parent(there) == home)
        )

    found: Counter[tuple[str, str]] = Counter()
    for resident, offered in context.skills.items():
        home = nodes[resident].get("neighbourhood")
        if nodes[resident].get("label") != "Resident" or not home:
            continue
        own = [o for o in context.fabric.adj[resident] if o in context.skills_needed]
        used = set().union(*(context.skills_needed[o] for o in own))
        for skill in [s for s, willing in offered.items() if willing and s not in used]:
            if any(
                skill in needed and nodes[i].get("status", "active") in ("active", None)
                and near(home, nodes[i].get("neighbourhood"))
                and context.introduction(resident, i) != "declined"
                for i, needed in context.skills_needed.items()
            ):  # fmt: skip
                found[(home, skill)] += 1
    return found


def test_the_nearby_table_counts_whom_the_question_matches_nearby(sample: NetworkContext) -> None:
    whole = _whole(sample, TABLES[NEARBY], MIN_CELL).true
    true = {key: n for key, n in whole.items() if key[0] in BUURTEN}
    assert {key: n for key, n in true.items() if n} == dict(_matchable_nearby(sample))
    for area in AREAS:  # the wijk's row and the gemeente's add up the buurten
        for skill in {skill for _, skill in true}:
            assert whole[(area, skill)] == sum(true[(b, skill)] for b in BUURTEN), skill
    # the coach's answer: whoever it matches in their buurt or wijk counts under that strength
    answer = answer_strengths(sample, Scope(), limit=10_000)
    matched = 0
    for item in answer.items:
        home = sample.fabric.nodes[item.id]["neighbourhood"]
        for match in item.figures.get("matches", []):
            if match["distance"] in ("buurt", "wijk"):
                assert true[(home, match["skill"])] > 0, (item.id, match)
                matched += 1
    assert matched >= 3, "the sample matches residents nearby"
    # a part of the unused-strengths cell: in the sample, where nobody declined anything, all
    # of it or none, since who is matched nearby then depends on the home and strength only
    unused = _whole(sample, TABLES[UNUSED], MIN_CELL).true
    assert set(true) == {key for key in unused if None not in key}
    assert not sample.introductions
    assert all(n in (0, unused[key]) for key, n in true.items())


def test_the_nearby_table_publishes_what_the_strengths_table_allows(
    sample: NetworkContext,
) -> None:
    table, unused = aggregate(sample, NEARBY), aggregate(sample, UNUSED)
    assert not table.totals and all(c.kind == "cell" and c.persons for c in table.cells)
    for cell in table.cells:
        if cell.value is not None:
            assert cell.value % 5 == 0 and cell.value not in range(1, 10)
        if cell.dimensions["neighbourhood"] in AREAS:  # published where every buurt is
            skill = cell.dimensions["skill"]
            parts = [table.cell(neighbourhood=b, skill=skill) for b in BUURTEN]
            if any(part.suppressed for part in parts):
                assert cell.suppressed, cell.dimensions
            continue
        outer = unused.cell(**cell.dimensions)
        if cell.value is not None:
            assert cell.value == 0 or cell.value == outer.value, cell.dimensions
    buurten = [c for c in table.cells if c.dimensions["neighbourhood"] in BUURTEN]
    assert {c.reason for c in buurten if c.suppressed} == {Suppression.PRIMARY}
    areas = {c.reason for c in table.cells if c.suppressed} - {c.reason for c in buurten}
    assert areas <= {Suppression.SCOPE_TOTAL}
    assert table.note("nl") and table.note("en")


#: the sample's buurten, and the wijk and gemeente around them
BUURTEN = ("BU99990101", "BU99990102", "BU99990103")
AREAS = ("WK999901", "GM9999")


def _strengths_context(declined: int = 0) -> NetworkContext:
    """BU1 and BU2 in WK1, BU3 in WK2. Residents with a strength to share: 20 cooks and 4
    gardeners in BU1, 15 cooks in BU3; a cook of BU1 who already cooks for the neighbourhood
    restaurant in BU2 (her strength is used) and an initiative in BU1 needing a gardener.
    ``declined``: how many of BU1's cooks declined an introduction to the restaurant."""
    fabric = nx.Graph()
    skills: dict[str, dict[str, bool]] = {}
    for hood, skill, number in (
        ("BU1", "koken", 20),
        ("BU1", "tuinieren", 4),
        ("BU3", "koken", 15),
    ):
        for i in range(number):
            fabric.add_node(f"r-{hood}-{skill}-{i:02}", label="Resident", neighbourhood=hood)
            skills[f"r-{hood}-{skill}-{i:02}"] = {skill: True}
    fabric.add_node("i-restaurant", label="Initiative", neighbourhood="BU2", status="active")
    fabric.add_node("i-tuin", label="Initiative", neighbourhood="BU1", status="active")
    fabric.add_node("r-used", label="Resident", neighbourhood="BU1")
    skills["r-used"] = {"koken": True}
    fabric.add_edge("r-used", "i-restaurant", type="PARTICIPATES_IN")
    areas = {
        "BU1": {"name": "Een", "parent": "WK1", "level": "buurt"},
        "BU2": {"name": "Twee", "parent": "WK1", "level": "buurt"},
        "BU3": {"name": "Drie", "parent": "WK2", "level": "buurt"},
    }
    return NetworkContext(
        1,
        fabric,
        areas=areas,
        skills=skills,
        skills_needed={"i-restaurant": {"koken"}, "i-tuin": {"tuinieren"}},
        skill_names={"koken": ("Koken", "Cooking"), "tuinieren": ("Tuinieren", "Gardening")},
        introductions={
            (f"r-BU1-koken-{i:02}", "i-restaurant"): "declined" for i in range(declined)
        },
    )


def _nearby(context: NetworkContext) -> dict[tuple[str, str], AggregateCell]:
    return {
        (c.dimensions["neighbourhood"], c.dimensions["skill"]): c
        for c in aggregate(context, NEARBY).cells
    }


def test_a_nearby_cell_is_the_strengths_cell_nought_or_hidden_with_it() -> None:
    """Where nobody declined: the 20 cooks of BU1 have a restaurant in their wijk (published
    as the strengths table publishes them), the 15 cooks of BU3 have none near (0, though the
    strengths cell is 15), the 4 gardeners of BU1 are hidden as they are there. The cook who
    already cooks there is not counted: her strength is used."""
    context = _strengths_context()
    nearby, unused = _nearby(context), aggregate(context, UNUSED)
    assert unused.cell(neighbourhood="BU1", skill="koken").value == 20
    assert unused.cell(neighbourhood="BU3", skill="koken").value == 15
    assert (nearby[("BU1", "koken")].value, nearby[("BU1", "koken")].reason) == (20, None)
    assert (nearby[("BU3", "koken")].value, nearby[("BU3", "koken")].reason) == (0, None)
    assert nearby[("BU1", "tuinieren")].value is None
    assert nearby[("BU1", "tuinieren")].reason == Suppression.PRIMARY
    assert unused.cell(neighbourhood="BU1", skill="tuinieren").reason == Suppression.PRIMARY


@pytest.mark.parametrize(
    ("declined", "value", "reason"),
    [
        (5, None, Suppression.DIFFERENCE),  # 15 could be matched: the other 5 would show
        (10, 10, None),  # 10 could, 10 could not
        (15, None, Suppression.PRIMARY),  # 5 could
    ],
)
def test_a_nearby_cell_that_leaves_a_small_rest_is_hidden(
    declined: int, value: int | None, reason: Suppression | None
) -> None:
    """Who declined an introduction to the restaurant is not matched with it again, so the
    cell is a part of the strengths cell (20 cooks): published only where the rest, the
    strengths cell less it, is 0 or at least 10 (the rule of TableSpec.within), as the
    isolated residents with a need are within the needs table."""
    context = _strengths_context(declined)
    cell = _nearby(context)[("BU1", "koken")]
    assert (cell.value, cell.reason) == (value, reason)
    assert _whole(context, TABLES[NEARBY], MIN_CELL).true[("BU1", "koken")] == 20 - declined
    assert aggregate(context, UNUSED).cell(neighbourhood="BU1", skill="koken").value == 20
