"""The network questions as publishable tables (issue 13): each counted by the question's own
rule (its true counts equal what the question's answer finds on the sample) and published under
the one policy."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import networkx as nx
import pytest

from graph.analysis import brokerage
from graph.analysis.aggregates import TABLES, aggregate
from graph.analysis.bridges import SEED, answer_bridges, cut_off_size
from graph.analysis.collective import ACTIVE, answer_five_o, answer_opportunities, answer_ownership
from graph.analysis.context import NetworkContext
from graph.analysis.disclosure import MIN_CELL, Suppression
from graph.analysis.fragility import neighbourhood_networks
from graph.analysis.isolated import WEIGHTS, answer_isolated
from graph.analysis.question_counts import LEADS
from graph.analysis.results import Scope
from graph.analysis.strengths import answer_strengths
from graph.analysis.whole_tables import _whole
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.graph.analysis.test_aggregates import needs_context

SIGNALS = "isolated_by_neighbourhood_and_signal"
NEEDS = "needs_by_neighbourhood_and_theme"


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> NetworkContext:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return NetworkContext.load(store)


def test_the_isolated_table_counts_what_the_question_finds(sample: NetworkContext) -> None:
    answer = answer_isolated(sample, Scope(), limit=10_000)
    assert answer.items, "the sample has isolated residents"
    true = _whole(sample, TABLES[SIGNALS], MIN_CELL).true
    for signal in WEIGHTS:
        assert true[(None, signal)] == answer.summary["signals"][signal], signal
    # every isolated resident counts once in the total, whatever their signals
    assert true[(None, None)] == answer.summary["isolated"] == len(answer.items)


def test_the_isolated_table_publishes_no_small_count(sample: NetworkContext) -> None:
    table = aggregate(sample, SIGNALS)
    assert table.cells and all(cell.persons for cell in table.cells)
    for cell in table.cells:
        assert cell.value is None or (cell.value % 5 == 0 and cell.value not in range(1, 10))
    signals = table
    assert signals.names["signal"]["no_ties"].nl == "Geen banden"  # type: ignore[index]


ISOLATED_NEEDS = "isolated_needs_by_neighbourhood_and_theme"


def test_the_isolated_needs_table_counts_the_isolated_answer_per_need(
    sample: NetworkContext,
) -> None:
    answer = answer_isolated(sample, Scope(), limit=10_000)
    isolated = {item.id for item in answer.items}
    expected: dict[tuple[str, str], int] = {}
    for resident, themes in sample.needs.items():
        home = sample.fabric.nodes[resident].get("neighbourhood")
        if resident in isolated and home:
            for theme in themes:
                expected[(home, theme)] = expected.get((home, theme), 0) + 1
    true = _whole(sample, TABLES[ISOLATED_NEEDS], MIN_CELL).true
    assert {key: n for key, n in true.items() if n and key[0] in BUURTEN} == expected
    assert sum(expected.values()) >= 10, "the sample's isolated residents have needs"
    _areas_add_up(true)


#: the sample's buurten, all in Vlinderwijk, the one wijk of Wijkgraafstad
BUURTEN = ("BU99990101", "BU99990102", "BU99990103")


def _areas_add_up(true: dict[tuple[str | None, str | None], int]) -> None:
    """A table with rows for the wijk and the gemeente: each adds up the buurten (every
    resident lives in one), column by column."""
    columns = {column for _, column in true}
    for area in ("WK999901", "GM9999"):
        for column in columns:
            assert true[(area, column)] == sum(true[(b, column)] for b in BUURTEN), column


def test_an_isolated_needs_cell_never_leaves_a_small_rest_of_the_needs_cell(
    sample: NetworkContext,
) -> None:
    """Published beside the needs table, a cell and the needs cell it lies in must not
    give the others (the needs cell less it) as a count of 1 to 9: such a cell is hidden,
    as is one the needs table hides."""
    inner = aggregate(sample, ISOLATED_NEEDS)
    outer = _whole(sample, TABLES[NEEDS], MIN_CELL)
    true = _whole(sample, TABLES[ISOLATED_NEEDS], MIN_CELL).true
    assert not inner.totals and all(cell.persons for cell in inner.cells)
    reasons = set()
    for cell in inner.cells:
        key = (cell.dimensions["neighbourhood"], cell.dimensions["theme"])
        if cell.value is None:
            reasons.add(cell.reason)
            continue
        assert cell.value % 5 == 0 and cell.value not in range(1, 10)
        if true[key]:
            assert key not in outer.hidden, key
            assert not 0 < outer.true[key] - true[key] < MIN_CELL, key
    assert "difference" in reasons or "primary" in reasons, "the sample has cells to hide"


def test_a_part_whose_rest_of_the_needs_cell_would_be_small_is_hidden() -> None:
    """In each cell some residents with the need know each other (a group of them, so not
    isolated) and the others stand alone: the isolated part is published only where the rest
    of the needs cell is 0 or at least 10."""
    grid = {("BU1", "schulden"): 20, ("BU1", "taal"): 25, ("BU2", "schulden"): 30}
    context = needs_context(grid)
    for (hood, theme), together in {("BU1", "schulden"): 7, ("BU2", "schulden"): 10}.items():
        group = [f"r-{hood}-{theme}-{i}" for i in range(together)]
        context.fabric.add_edges_from(
            (a, b, {"type": "KNOWS"}) for i, a in enumerate(group) for b in group[i + 1 :]
        )
    table = aggregate(context, ISOLATED_NEEDS)
    cells = {(c.dimensions["neighbourhood"], c.dimensions["theme"]): c for c in table.cells}
    assert cells[("BU1", "schulden")].value is None  # 13 isolated, 7 others
    assert cells[("BU1", "schulden")].reason == Suppression.DIFFERENCE
    assert "minder dan 10" in table.reason_text(Suppression.DIFFERENCE)
    assert cells[("BU1", "taal")].value == 25  # all 25 isolated: no one else
    assert cells[("BU2", "schulden")].value == 20  # 20 isolated, 10 others


# --- opportunities --------------------------------------------------------------------------

OPPORTUNITIES = "opportunities_by_neighbourhood_and_theme"


def test_the_opportunities_table_counts_what_the_question_finds(sample: NetworkContext) -> None:
    answer = answer_opportunities(sample, Scope(), limit=10_000, min_residents=1)
    found = {
        (item.figures["neighbourhood"], item.figures["theme"]): item.figures["residents_with_need"]
        for item in answer.items
    }
    assert found[("BU99990102", "schulden")] == 14, "Havenkwartier × schulden is open"
    true = _whole(sample, TABLES[OPPORTUNITIES], MIN_CELL).true
    assert {key: n for key, n in true.items() if n and key[0] in BUURTEN} == found
    _areas_add_up(true)
    true = {key: n for key, n in true.items() if key[0] in BUURTEN}
    # the question lists the open needs of at least ten residents: the same as the table's
    listed = answer_opportunities(sample, Scope(), limit=10_000).summary["opportunities"]
    assert listed == sum(1 for n in true.values() if n >= MIN_CELL)


def test_the_opportunities_table_shows_the_needs_tables_cells(sample: NetworkContext) -> None:
    """Its cells are cells of the needs table: each is published as that table publishes it
    (hidden where it is hidden there), so neither table undoes the other's protection."""
    table, needs = aggregate(sample, OPPORTUNITIES), aggregate(sample, NEEDS)
    assert not table.totals and all(cell.kind == "cell" for cell in table.cells)
    assert all(cell.persons for cell in table.cells)
    shown = 0
    for cell in table.cells:
        if cell.value == 0:
            continue
        if cell.dimensions["neighbourhood"] not in BUURTEN:  # the wijk and the gemeente
            parts = [table.cell(neighbourhood=b, theme=cell.dimensions["theme"]) for b in BUURTEN]
            assert cell.suppressed == any(part.suppressed for part in parts), cell.dimensions
            continue
        same = needs.cell(**cell.dimensions)
        assert (cell.value, cell.suppressed) == (same.value, same.suppressed), cell.dimensions
        shown += not cell.suppressed
    assert shown == 1  # Havenkwartier × schulden, 15 (14 rounded)
    assert table.cell(neighbourhood="BU99990102", theme="schulden").value == 15
    # the one open need of ten or more, in the wijk and the gemeente too
    assert table.cell(neighbourhood="WK999901", theme="schulden").value == 15
    assert table.cell(neighbourhood="GM9999", theme="schulden").value == 15
    assert table.names["theme"]["schulden"].nl  # type: ignore[index]


def test_a_table_without_totals_has_cells_only() -> None:
    """Each cell of a table without totals stands alone; a selection adds no totals."""
    import networkx as nx

    fabric = nx.Graph()
    fabric.add_nodes_from(
        (f"r{i}", {"label": "Resident", "neighbourhood": f"BU{1 + (i >= 12) + (i >= 15)}"})
        for i in range(27)
    )
    needs = {f"r{i}": {"schulden": False} for i in range(27)}
    context = NetworkContext(1, fabric, needs=needs)
    table = aggregate(context, OPPORTUNITIES)
    assert [(c.dimensions["neighbourhood"], c.value, c.reason) for c in table.cells] == [
        ("BU1", 10, None),
        ("BU2", None, "primary"),
        ("BU3", 10, None),
    ]
    assert aggregate(context, OPPORTUNITIES, ("BU1", "BU2")).cells == table.cells[:2]


# --- five-O and ownership -------------------------------------------------------------------

PRESENT = "five_o_present_by_neighbourhood_and_sector"
MISSING = "five_o_missing_by_neighbourhood_and_sector"
BY_LEAD = "initiatives_by_neighbourhood_and_lead"
RESIDENT_LED = "resident_led_initiatives_by_neighbourhood_and_theme"


def _active_only(context: NetworkContext) -> NetworkContext:
    """The context without the initiatives that are not active: what the tables count, so
    that the questions' answers (which count every initiative) can be held to them."""
    nodes = context.fabric.nodes
    keep = [n for n in nodes if nodes[n].get("label") != "Initiative" or n in _active(context)]
    return replace(context, fabric=context.fabric.subgraph(keep).copy(), _scoped={}, _twins={})


def _active(context: NetworkContext) -> set[str]:
    nodes = context.fabric.nodes
    return {
        n
        for n in nodes
        if nodes[n].get("label") == "Initiative" and nodes[n].get("status") in ACTIVE
    }


def _true(context: NetworkContext, name: str) -> dict[tuple[str | None, str | None], int]:
    return {key: n for key, n in _whole(context, TABLES[name], MIN_CELL).true.items() if n}


def test_the_five_o_tables_count_what_the_question_finds(sample: NetworkContext) -> None:
    active = _active_only(sample)
    assert len(_active(active)) < sum(
        1 for _, d in sample.fabric.nodes(data=True) if d.get("label") == "Initiative"
    ), "the sample has initiatives that are not active"
    answer = answer_five_o(active, Scope(), limit=10_000)
    present: dict[tuple[str | None, str | None], int] = {}
    missing: dict[tuple[str | None, str | None], int] = {}
    for item in answer.items:
        home = active.fabric.nodes[item.id]["neighbourhood"]
        for found, sectors in (
            (present, item.figures["present"]),
            (missing, item.figures["missing"]),
        ):
            for sector in sectors:
                found[(home, sector)] = found.get((home, sector), 0) + 1
    assert {k: n for k, n in _true(sample, PRESENT).items() if None not in k} == present
    missing_true = _true(sample, MISSING)
    assert {k: n for k, n in missing_true.items() if None not in k} == missing
    summary = answer.summary
    assert missing_true[(None, None)] == summary["initiatives"] - summary["complete"]
    for sector, n in summary["missing_by_o"].items():
        assert missing_true.get((None, sector), 0) == n, sector
    for home, n in summary["incomplete_by_neighbourhood"].items():
        assert missing_true[(home, None)] == n, home


def test_the_ownership_tables_count_what_the_question_finds(sample: NetworkContext) -> None:
    active = _active_only(sample)
    answer = answer_ownership(active, Scope(), limit=10_000)
    by_lead = _true(sample, BY_LEAD)
    resident_led = _true(sample, RESIDENT_LED)
    for item in answer.items:
        if item.kind == "neighbourhood":
            assert by_lead[(item.id, None)] == item.figures["initiatives"], item.id
            for lead in LEADS:
                assert by_lead.get((item.id, lead), 0) == item.figures[lead], (item.id, lead)
        else:  # a theme: resident-led initiatives, over every neighbourhood
            assert resident_led.get((None, item.id), 0) == item.figures["residents"], item.id
    assert by_lead[(None, None)] == answer.summary["initiatives"]
    assert by_lead[(None, "residents")] == answer.summary["residents"] > 0


def test_counts_of_initiatives_are_published_as_they_are(sample: NetworkContext) -> None:
    for name in (PRESENT, MISSING, BY_LEAD, RESIDENT_LED):
        table = aggregate(sample, name)
        true = _whole(sample, TABLES[name], MIN_CELL).true
        assert table.totals and not any(cell.persons for cell in table.cells), name
        assert not any(cell.suppressed for cell in table.cells), name
        assert sorted(c.value for c in table.cells) == sorted(true.values()), name  # type: ignore[type-var]
    lead = aggregate(sample, BY_LEAD)
    assert lead.names["lead"]["residents"].nl == "Bewoners"  # type: ignore[index]
    assert aggregate(sample, MISSING).names["sector"]["omgeving"].en  # type: ignore[index]


# --- bridges: how fragile each neighbourhood's network is ------------------------------------

FRAGILITY = "fragility_by_neighbourhood"


def test_the_fragility_table_measures_what_the_bridges_question_finds(
    sample: NetworkContext,
) -> None:
    true = _whole(sample, TABLES[FRAGILITY], MIN_CELL).true
    networks = dict(neighbourhood_networks(sample))
    # each buurt, and the wijk and the gemeente around them: Vlinderwijk is the whole sample
    buurten = ["BU99990101", "BU99990102", "BU99990103"]
    assert sorted(networks) == [*buurten, "GM9999", "WK999901"]
    assert set(networks["WK999901"].edges) > set().union(*(networks[b].edges for b in buurten))
    for home, graph in networks.items():
        scope = Scope(neighbourhoods=(home,))
        scoped = sample.scoped(scope)
        assert list(graph.nodes) == list(scoped.nodes) and set(graph.edges) == set(scoped.edges)
        answer = answer_bridges(sample, scope, limit=10_000)
        assert true[(home, "bridge_ties")] == answer.summary["bridge_ties"] > 0
        groups = Counter(brokerage.communities(scoped, seed=SEED).values())
        assert len(groups) == answer.summary["communities"]
        assert true[(home, "communities")] == sum(1 for size in groups.values() if size >= 2)
        # the articulation point that cuts off the most, as the answer names them
        worst = max(cut_off_size(item.figures["parts"]) for item in answer.items)
        assert 0 < true[(home, "cut_off")] <= worst
        residents = {n for n in scoped if scoped.nodes[n].get("label") == "Resident"}
        largest = max(nx.connected_components(scoped), key=len)
        assert true[(home, "outside_largest")] == len(residents - largest)
        between = sum(
            1 for a, b in scoped.edges if sample.in_lifeworld(a) != sample.in_lifeworld(b)
        )
        assert true[(home, "lifeworld_system_ties")] == between


def test_the_fragility_table_hides_small_counts_of_residents_only(sample: NetworkContext) -> None:
    table = aggregate(sample, FRAGILITY)
    assert not table.totals and all(cell.kind == "cell" for cell in table.cells)
    true = _whole(sample, TABLES[FRAGILITY], MIN_CELL).true
    for cell in table.cells:
        key = (cell.dimensions["neighbourhood"], cell.dimensions["indicator"])
        assert cell.persons == (key[1] in ("outside_largest", "cut_off"))
        if cell.persons:  # residents: rounded to 5, never 1 to 9
            assert cell.value is None or (cell.value % 5 == 0 and cell.value not in range(1, 10))
            if cell.reason == Suppression.DIFFERENCE:  # a few more or fewer than the isolated
                assert key[0] not in BUURTEN and true[key] >= MIN_CELL
                continue
            assert cell.suppressed == (0 < true[key] < MIN_CELL)
        else:  # ties and communities, as they are
            assert cell.value == true[key]
    names = table.names["indicator"]  # type: ignore[index]
    assert names["cut_off"].nl.startswith("Bewoners die losraken")
    # a selection is the rows it selects: no totals to add
    one = aggregate(sample, FRAGILITY, ("BU99990101",))
    assert one.cells == [c for c in table.cells if c.dimensions["neighbourhood"] == "BU99990101"]


# --- unused strengths -----------------------------------------------------------------------

UNUSED = "unused_strengths_by_neighbourhood_and_skill"


def test_the_unused_strengths_table_counts_what_the_question_finds(sample: NetworkContext) -> None:
    answer = answer_strengths(sample, Scope(), limit=10_000)
    true = _whole(sample, TABLES[UNUSED], MIN_CELL).true
    # every (resident, unused strength) once: the question's count of unused strengths
    cells = {key: n for key, n in true.items() if None not in key and n}
    assert sum(cells.values()) == answer.summary["unused_strengths"] > 0
    # the residents the answer lists with unused strengths count under each of them
    for item in answer.items:
        home = sample.fabric.nodes[item.id]["neighbourhood"]
        for skill in item.figures["unused_skills"]:
            assert cells[(home, skill)] > 0, (item.id, skill)
    listed = {item.id for item in answer.items if item.figures["unused_skills"]}
    assert len(listed) == answer.summary["residents_with_unused_strengths"] <= true[(None, None)]


def test_the_unused_strengths_table_publishes_no_small_count(sample: NetworkContext) -> None:
    table = aggregate(sample, UNUSED)
    assert table.totals and all(cell.persons for cell in table.cells)
    for cell in table.cells:
        assert cell.value is None or (cell.value % 5 == 0 and cell.value not in range(1, 10))
    names = table.names["skill"]  # type: ignore[index]
    assert names and all(name.nl and name.en for name in names.values())


def test_no_two_person_tables_count_over_the_same_cells_unless_linked() -> None:
    """Two tables counting persons over the same cells (neighbourhood x theme) would let one
    published cell be subtracted from the other and count a few residents: a table may repeat
    another's cells only when linked to it (the same value, or an entry hidden in both)."""
    by_cells: dict[tuple[str, ...], list[str]] = {}
    for name, spec in TABLES.items():
        if any(spec.persons((None, column)) for column in (None, "x")):
            by_cells.setdefault(tuple(spec.dimensions), []).append(name)
    assert len(by_cells) >= 5, "the person tables to check"
    for names in by_cells.values():
        unlinked = [
            name
            for name in names
            if TABLES[name].linked not in names and TABLES[name].within not in names
        ]
        assert len(unlinked) == 1, names
