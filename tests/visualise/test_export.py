"""GraphML and GEXF for Gephi: what is written reads back with networkx's own readers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from graph.analysis.context import NetworkContext
from graph.analysis.results import Scope
from graph.errors import NotFoundError
from visualise import FORMATS, export_graph

READERS: dict[str, Callable[[Path], nx.Graph]] = {
    "graphml": nx.read_graphml,
    "gexf": nx.read_gexf,
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_fabric_round_trips(sample_context: NetworkContext, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"weefsel.{fmt}"
    counts = export_graph(sample_context, path, fmt)  # type: ignore[arg-type]
    fabric = sample_context.fabric
    assert counts == {"nodes": fabric.number_of_nodes(), "edges": fabric.number_of_edges()}
    read = READERS[fmt](path)
    assert set(read) == set(fabric)
    assert {frozenset(e) for e in read.edges()} == {frozenset(e) for e in fabric.edges()}
    for node, data in fabric.nodes(data=True):
        back = read.nodes[node]
        assert back["kind"] == data["label"]
        assert back["label"] == sample_context.name(node)
        for field in ("neighbourhood", "o_sector", "status", "craft"):
            assert back.get(field) == data.get(field), (node, field)
        assert "display_name" not in back
    for a, b, data in fabric.edges(data=True):
        back = read.edges[a, b]
        assert back["relation"] == data["type"]
        if "strength" in data:
            assert int(back["strength"]) == data["strength"]
        if "contribution" in data:
            assert back["contribution"] == "|".join(data["contribution"])
        assert None not in back.values()


def test_names_without_consent_stay_out_of_the_export(
    sample_context: NetworkContext, tmp_path: Path
) -> None:
    path = tmp_path / "weefsel.graphml"
    export_graph(sample_context, path, "graphml")
    read = nx.read_graphml(path)
    unnamed = [n for n, d in sample_context.fabric.nodes(data=True) if d["label"] == "Resident"
               and not d.get("display_name")]  # fmt: skip
    assert unnamed
    assert all(read.nodes[n]["label"] == n[:8] for n in unnamed)


def test_a_neighbourhood_alone(sample_context: NetworkContext, tmp_path: Path) -> None:
    scope = Scope(neighbourhoods=("BU99990101",))
    path = tmp_path / "bloemenbuurt.gexf"
    counts = export_graph(sample_context, path, "gexf", scope=scope)
    assert set(nx.read_gexf(path)) == set(sample_context.scoped(scope))
    assert counts["nodes"] < sample_context.fabric.number_of_nodes()
    with pytest.raises(NotFoundError):
        export_graph(sample_context, path, "gexf", scope=Scope(neighbourhoods=("BU0",)))
    with pytest.raises(ValueError, match="fmt"):
        export_graph(sample_context, path, "dot")  # type: ignore[arg-type]
