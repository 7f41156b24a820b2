"""Each node's measures as a CSV: one row per node the map of the same part shows.

The rows are the nodes :func:`visualise.selection.select` gives (what the map shows, and what
the GraphML and GEXF export writes), each with its id, kind, the name the map shows
(``context.name``: a display name only where consent allows, else the start of the
pseudonymous id), its buurt, and the measures of
:func:`graph.analysis.node_measures.node_measures`. Pass the context the caller may see, as the
map pages do. As the other CSV downloads (:mod:`visualise.downloads`): in Dutch a semicolon
between columns, a decimal comma and Dutch headers, as Dutch Excel opens it; ``lang="en"``
commas, points and English headers; :func:`write_measures` adds the UTF-8 byte-order mark.
A resident's signals read ``ja``/``nee`` (``yes``/``no``); for anyone else they are empty.

>>> import networkx as nx
>>> from graph.analysis.context import NetworkContext
>>> fabric = nx.Graph()
>>> fabric.add_node("r-1", label="Resident", display_name="Fatima", neighbourhood="BU1")
>>> fabric.add_node("i-1", label="Initiative", name="Moestuin", neighbourhood="BU1")
>>> fabric.add_edge("r-1", "i-1", type="PARTICIPATES_IN")
>>> for line in measures_csv(NetworkContext(1, fabric), lang="nl").splitlines():
...     print(line)
id;soort;naam;buurt;buurt_naam;tussenpositie;beperking;gemeenschap;kerngetal;componentgrootte;geen_banden;alleen_hulp;afgesneden;lage_kern;geen_deelname;geïsoleerd
i-1;Initiatief;Moestuin;BU1;BU1;0,0;1,0;0;1;2;;;;;;
r-1;Bewoner;Fatima;BU1;BU1;0,0;1,0;0;1;2;nee;nee;nee;ja;nee;ja
"""

from __future__ import annotations

from pathlib import Path

from graph.analysis.context import NetworkContext
from graph.analysis.node_measures import MEASURE_FIELDS, node_measures
from graph.analysis.results import Lang, Scope
from visualise.downloads import _csv
from visualise.selection import select
from visualise.style import kind_name

#: The CSV's columns: the node, then its measures in :data:`MEASURE_FIELDS` order.
COLUMNS: tuple[str, ...] = ("id", "kind", "name", "neighbourhood", "neighbourhood_name")
COLUMNS += MEASURE_FIELDS
#: Each column's header in Dutch and English.
HEADERS: dict[str, tuple[str, str]] = {
    "id": ("id", "id"),
    "kind": ("soort", "kind"),
    "name": ("naam", "name"),
    "neighbourhood": ("buurt", "neighbourhood"),
    "neighbourhood_name": ("buurt_naam", "neighbourhood_name"),
    "betweenness": ("tussenpositie", "betweenness"),
    "constraint": ("beperking", "constraint"),
    "community": ("gemeenschap", "community"),
    "coreness": ("kerngetal", "coreness"),
    "component_size": ("componentgrootte", "component_size"),
    "no_ties": ("geen_banden", "no_ties"),
    "only_support": ("alleen_hulp", "only_support"),
    "cut_off": ("afgesneden", "cut_off"),
    "low_coreness": ("lage_kern", "low_coreness"),
    "no_participation": ("geen_deelname", "no_participation"),
    "isolated": ("geïsoleerd", "isolated"),
}

_YES_NO: dict[Lang, tuple[str, str]] = {"nl": ("ja", "nee"), "en": ("yes", "no")}


def measure_rows(
    context: NetworkContext, *, scope: Scope | None = None, lang: Lang = "nl"
) -> list[list[object]]:
    """The CSV's rows (without the header), one per node in id order, values as written
    before the decimal comma: numbers stay numbers."""
    graph = select(context, scope=scope)
    measured = node_measures(context, scope or Scope()).nodes
    yes, no = _YES_NO[lang]
    rows: list[list[object]] = []
    for node in sorted(graph):
        data = graph.nodes[node]
        home = data.get("neighbourhood")
        values = measured[node].fields()
        rows.append(
            [
                node,
                kind_name(str(data.get("label", "")), lang),
                context.name(node),
                home or "",
                context.area_name(str(home)) if home else "",
                *[
                    (yes if value else no) if isinstance(value, bool) else value
                    for value in (values[field] for field in MEASURE_FIELDS)
                ],
            ]
        )
    return rows


def measures_csv(context: NetworkContext, *, scope: Scope | None = None, lang: Lang = "nl") -> str:
    """The CSV as text, header first (without the byte-order mark)."""
    return _as_csv(measure_rows(context, scope=scope, lang=lang), lang)


def _as_csv(rows: list[list[object]], lang: Lang) -> str:
    header = [HEADERS[column][0 if lang == "nl" else 1] for column in COLUMNS]
    return _csv(header, rows, lang)


def write_measures(
    context: NetworkContext, path: Path, *, scope: Scope | None = None, lang: Lang = "nl"
) -> int:
    """Write :func:`measures_csv` to ``path`` with the UTF-8 byte-order mark (Excel needs it to
    show accents); returns the number of rows written (not of lines: a name may hold a line
    break)."""
    rows = measure_rows(context, scope=scope, lang=lang)
    path.write_text(_as_csv(rows, lang), encoding="utf-8-sig", newline="")
    return len(rows)
