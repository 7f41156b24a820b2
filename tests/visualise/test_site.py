"""The pages' HTML and CSV without a server: escaping, formulas, hidden cells, the chart."""

from __future__ import annotations

import csv
import io

import networkx as nx

from graph.analysis.aggregates import AggregateTable, aggregate
from graph.analysis.context import NetworkContext
from graph.analysis.results import Answer, Item, Reason, Scope
from visualise.downloads import aggregate_csv, answer_csv
from visualise.site import (
    Chrome,
    Link,
    aggregate_grid,
    bar_chart,
    render_aggregate,
    render_answer,
)


def _answer(name: str) -> Answer:
    reason = Reason(code="x", nl=f"{name} staat alleen.", en=f"{name} is alone.")
    item = Item(id="r-1", kind="Resident", name=name, score=0.5, reasons=[reason])
    return Answer(question="isolated", scope=Scope(), version=3, items=[item])


def test_a_name_is_text_on_a_page_never_markup() -> None:
    page = render_answer(
        Chrome("nl"),
        title="Wie staat er alleen?",
        answer=_answer("<script>alert(1)</script>"),
        links=[Link("/pages/x?a=1&b=2", "CSV")],
        item_links={"r-1": "/pages/map?ego=r-1"},
    )
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="/pages/x?a=1&amp;b=2"' in page
    assert "0,5" in page, "a Dutch decimal comma"


def test_a_spreadsheet_formula_in_a_name_stays_text_in_the_csv() -> None:
    rows = list(csv.reader(io.StringIO(answer_csv(_answer('=HYPERLINK("x")'), "en"))))
    assert rows[0] == ["rank", "id", "kind", "name", "score", "reasons"]
    assert rows[1][3] == '\'=HYPERLINK("x")'
    assert rows[1][5] == '\'=HYPERLINK("x") is alone.'
    plain = list(csv.reader(io.StringIO(answer_csv(_answer("Fatima"), "nl")), delimiter=";"))
    assert plain[1][3] == "Fatima"


def test_a_dutch_csv_opens_in_dutch_excel_and_an_english_one_with_commas() -> None:
    """Dutch Excel splits columns on a semicolon and reads a decimal comma (issue 13)."""
    dutch = answer_csv(_answer("Fatima"), "nl")
    rows = list(csv.reader(io.StringIO(dutch), delimiter=";"))
    assert rows[0] == ["rang", "id", "soort", "naam", "score", "redenen"]
    assert "," in rows[1][4] and "." not in rows[1][4], "a decimal comma"
    english = list(csv.reader(io.StringIO(answer_csv(_answer("Fatima"), "en"))))
    assert "." in english[1][4] and len(english[1]) == len(rows[1])
    table = list(csv.reader(io.StringIO(aggregate_csv(_table(), "nl")), delimiter=";"))
    assert table[0] == ["buurt", "buurt_naam", "soort", "aantal", "reden"]
    assert {row[2] for row in table[1:]} == {"cel", "totaal"}


def _table() -> AggregateTable:
    fabric = nx.Graph()
    fabric.add_nodes_from(
        (f"r{i}", {"label": "Resident", "neighbourhood": "BU1" if i < 40 else "BU2" if i < 60 else "BU3"})
        for i in range(63)
    )  # fmt: skip
    context = NetworkContext(
        1, fabric, areas={"BU1": {"name": "Noord", "parent": "", "level": "buurt"}}
    )
    return aggregate(context, "residents_by_neighbourhood")


def test_hidden_cells_show_as_dashes_with_their_reason_and_no_bar() -> None:
    table = _table()
    grid = aggregate_grid(table, "nl")
    cells = {row["label"]: row["cells"][-1] for row in grid["rows"]}
    assert cells["Noord"] == {"text": "40", "hidden": False}
    assert cells["BU3"]["text"] == "—" and cells["BU3"]["hidden"]
    chart = bar_chart(table, "en")
    bars = {bar["label"]: bar for bar in chart["bars"]}
    assert bars["Noord"]["width"] > 0 and bars["BU3"]["hidden"] and bars["BU3"]["width"] == 0
    assert bars["BU3"]["text"] == "not published"
    page = render_aggregate(Chrome("en"), table=table, links=[])
    assert "Fewer than 10: not published." in page and '<svg id="chart"' in page
    rows = list(csv.reader(io.StringIO(aggregate_csv(table, "en"))))
    assert rows[0] == ["neighbourhood", "neighbourhood_name", "kind", "count", "reason"]
    hidden = [row for row in rows[1:] if row[0] == "BU3"]
    assert hidden and hidden[0][3] == "" and hidden[0][4]
