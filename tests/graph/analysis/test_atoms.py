"""Rule 4c of graph/analysis/disclosure.py on a table the tests build: where someone counts
in two cells, two published counts, one holding the other, must not be close enough to give
away the few between them (the audit of the table's people, graph/analysis/atoms.py)."""

from __future__ import annotations

import networkx as nx

from graph.analysis import atoms
from graph.analysis.aggregates import MIN_CELL, TABLES, Suppression, aggregate
from graph.analysis.context import NetworkContext
from graph.analysis.disclosure import protect
from graph.analysis.whole_tables import _members
from tests.graph.analysis.test_aggregates import NEEDS, published


def test_two_close_counts_one_holding_the_other_are_not_both_published() -> None:
    """Rule 4c: 16 residents of BU1 have a need for help with money, 15 of them with debts
    as well. Rules 1 to 4b publish the row's total, its money cell and its debts cell, all as
    15, and their difference is the one resident with no debts. The audit of the table's
    people sees that, and one more entry is hidden so that nothing tells it."""
    fabric = nx.Graph()
    needs: dict[str, dict[str, bool]] = {}
    for i in range(16):
        fabric.add_node(f"r-a{i}", label="Resident", neighbourhood="BU1")
        needs[f"r-a{i}"] = {"armoede": False, **({"schulden": False} if i else {})}
    for i, theme in enumerate(["armoede"] * 20 + ["schulden"] * 12):
        fabric.add_node(f"r-b{i}", label="Resident", neighbourhood="BU2")
        needs[f"r-b{i}"] = {theme: False}
    context = NetworkContext(1, fabric, needs=needs)
    spec = TABLES[NEEDS]
    counts = spec.count(context)
    members = _members(counts, sorted(counts.rows))
    audit = {"persons": spec.persons, "min_cell": MIN_CELL, "rounding": 5}
    rules = protect({k: len(v) for k, v in members.items()}, ["BU1", "BU2"], counts.columns,
                    min_cell=MIN_CELL)  # fmt: skip
    assert atoms.exposed(members, rules, **audit), "rules 1 to 4b alone give the one away"

    table = aggregate(context, NEEDS)
    hidden = [key for key, value in published(table).items() if value is None]
    assert atoms.exposed(members, hidden, **audit) == []
    reasons = {cell.reason for cell in table.cells}
    assert Suppression.NESTED in reasons
    assert table.reason_text(Suppression.NESTED).startswith("Verborgen: het verschil")
    assert published(table)[("BU2", "armoede")] == 20, "what tells nothing stays published"
