"""Bridges on published networks and on the sample: imported, then answered through ``ask``."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from api.cli import main
from graph.analysis.engine import Analyst
from graph.analysis.results import Scope
from graph.model import NodeLabel
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym


def _ask(settings: Settings, *args: str) -> dict[str, Any]:
    env = {
        "WIJKGRAAF_GRAPH_NAME": settings.graph_name,
        "WIJKGRAAF_NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "WIJKGRAAF_KEY_FILE": str(settings.key_file),
    }
    result = CliRunner().invoke(main, ["--db", settings.db, "ask", *args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def _import_graph(
    store: GraphStore, settings: Settings, graph: nx.Graph, path: Path
) -> dict[str, str]:
    """Import a networkx graph as residents and ties; returns source id -> stored id."""
    graph = nx.relabel_nodes(graph, {n: str(n) for n in graph})
    nx.write_edgelist(graph, path, data=False)
    options = ImportOptions(neighbourhood="BU03630000", accept_new_areas=True)
    report = run_import(store, settings, [path], options)
    assert report.errors == []
    key = installation_key(settings)
    return {node: pseudonym(key, "resident", node) for node in graph}


def _cut_points(answer: dict[str, Any]) -> set[str]:
    return {
        item["id"]
        for item in answer["items"]
        if any(r["code"] == "articulation_point" for r in item["reasons"])
    }


def test_florentine_families_medici_broker_and_the_four_cut_points(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    ids = _import_graph(
        store, store_settings, nx.florentine_families_graph(), tmp_path / "f.edgelist"
    )
    answer = _ask(store_settings, "bridges", "--limit", "15")
    assert answer["items"][0]["id"] == ids["Medici"]
    assert _cut_points(answer) == {ids[f] for f in ("Albizzi", "Guadagni", "Medici", "Salviati")}
    assert answer["summary"]["articulation_points"] == 4


def test_karate_club_member_0_cuts_and_0_11_is_the_only_bridge(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    ids = _import_graph(store, store_settings, nx.karate_club_graph(), tmp_path / "k.edgelist")
    answer = _ask(store_settings, "bridges", "--limit", "34")
    assert _cut_points(answer) == {ids["0"]}
    assert answer["summary"]["ties"] == [sorted([ids["0"], ids["11"]])]
    top = max(nx.betweenness_centrality(nx.karate_club_graph()).items(), key=lambda kv: kv[1])[0]
    assert answer["items"][0]["id"] == ids[str(top)]


def test_southern_women_as_residents_and_initiatives(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    davis = nx.davis_southern_women_graph()
    women = sorted(n for n, d in davis.nodes(data=True) if d["bipartite"] == 0)
    events = sorted(n for n, d in davis.nodes(data=True) if d["bipartite"] == 1)
    code = {name: f"W{i:02d}" for i, name in enumerate(women)} | {
        e: f"E{i:02d}" for i, e in enumerate(events)
    }
    with open(tmp_path / "bewoners.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bron_id", "naam", "toestemming_naam"])
        writer.writerows([code[w], w, "ja"] for w in women)
    with open(tmp_path / "initiatieven.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bron_id", "naam"])
        writer.writerows([code[e], f"Bijeenkomst {e}"] for e in events)
    with open(tmp_path / "deelname.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["bewoner", "initiatief", "rol"])
        for a, b in davis.edges():
            woman, event = (a, b) if a in women else (b, a)
            writer.writerow([code[woman], code[event], "participant"])
    report = run_import(store, store_settings, sorted(tmp_path.glob("*.csv")), ImportOptions())
    assert report.errors == []
    answer = _ask(store_settings, "bridges", "--limit", "40")
    key = installation_key(store_settings)
    stored = {pseudonym(key, "resident" if n in women else "initiative", code[n]): n for n in davis}
    expected = max(nx.betweenness_centrality(davis).items(), key=lambda kv: (kv[1], kv[0]))[0]
    assert stored[answer["items"][0]["id"]] == expected
    assert {stored[i] for i in _cut_points(answer)} == set(nx.articulation_points(davis))
    assert answer["items"][0]["name"] in (expected, f"Bijeenkomst {expected}")


def test_the_sample_neighbourhood_finds_its_planted_bridges(
    store: GraphStore, store_settings: Settings
) -> None:
    from importers.synthetic import SAMPLE_PLANTED, sample_files

    run_import(store, store_settings, sample_files(), ImportOptions())
    answer = Analyst(store).ask("bridges", Scope())  # the default top 20
    key = installation_key(store_settings)
    planted = {pseudonym(key, "resident", s) for s in SAMPLE_PLANTED["bridges"]}
    found = {
        item.id
        for item in answer.items
        if any(r.code == "articulation_point" for r in item.reasons)
    }
    assert planted <= found
    fatima = next(i for i in answer.items if i.id == pseudonym(key, "resident", "B001"))
    assert fatima.name.startswith("Fatima")
    reason = fatima.reasons[0]
    assert reason.code == "articulation_point"
    assert f"Als {fatima.name} wegvalt" in reason.nl and "moestuin" in reason.nl.lower()


def test_answers_are_cached_per_version_and_recomputed_after_a_write(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    _import_graph(store, store_settings, nx.path_graph(5), tmp_path / "p.edgelist")
    analyst = Analyst(store)
    first = analyst.ask("bridges")
    assert analyst.ask("bridges") is first
    store.upsert_nodes(NodeLabel.RESIDENT, [{"id": "r-new"}])
    second = analyst.ask("bridges")
    assert second is not first and second.version > first.version


def test_a_neighbourhood_scope_keeps_to_that_neighbourhood(
    store: GraphStore, store_settings: Settings
) -> None:
    from importers.synthetic import sample_files

    run_import(store, store_settings, sample_files(), ImportOptions())
    whole = Analyst(store).ask("bridges", Scope(), limit=500)
    haven = Analyst(store).ask("bridges", Scope(neighbourhoods=("BU99990102",)), limit=500)
    assert 0 < haven.summary["nodes"] < whole.summary["nodes"]
    located = {
        n.id
        for n in store.nodes(NodeLabel.RESIDENT)
        if n.properties.get("neighbourhood") == "BU99990102"
    }
    residents_in_answer = {i.id for i in haven.items if i.kind == "Resident"}
    assert residents_in_answer <= located
    wijk = Analyst(store).context().scoped(Scope(neighbourhoods=("WK999901",)))
    residents = {n.id for n in store.nodes(NodeLabel.RESIDENT)}
    assert residents <= set(wijk), "a wijk holds the residents of all its buurten"


@pytest.mark.parametrize("question", ["nonsense"])
def test_an_unknown_question_is_refused_with_the_catalogue(question: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", f"embedded:{tmp_path}", "ask", question])
    assert result.exit_code == 2 and "bridges" in result.output


def test_the_networkx_reference_gives_the_same_answer_on_small_graphs(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    from graph.analysis import reference
    from graph.analysis.bridges import answer_bridges

    _import_graph(store, store_settings, nx.florentine_families_graph(), tmp_path / "f.edgelist")
    context = Analyst(store).context()
    fast = answer_bridges(context, Scope(), limit=15)
    slow = answer_bridges(context, Scope(), limit=15, metrics=reference)
    assert [i.id for i in fast.items] == [i.id for i in slow.items]
    for a, b in zip(fast.items, slow.items, strict=True):
        assert a.figures["parts"] == b.figures["parts"]
        assert a.figures["betweenness"] == pytest.approx(b.figures["betweenness"])
        assert a.figures["constraint"] == pytest.approx(b.figures["constraint"])
        assert a.figures["brokerage_neighbourhood"] == b.figures["brokerage_neighbourhood"]
    assert fast.summary["ties"] == slow.summary["ties"]


@pytest.mark.parametrize(
    "graph",
    [
        nx.karate_club_graph(),
        nx.florentine_families_graph(),
        nx.barbell_graph(5, 3),
        nx.balanced_tree(3, 3),
        nx.star_graph(4),
    ],
    ids=["karate", "florentine", "barbell", "tree", "star"],
)
def test_what_hangs_on_a_cut_point_equals_removing_it(graph: nx.Graph) -> None:
    from graph.analysis.bridges import _hanging
    from graph.analysis.brokerage import articulation_points

    graph = nx.relabel_nodes(graph, {n: str(n) for n in graph})
    for node, parts in articulation_points(graph).items():
        rest = graph.subgraph(set(graph) - {node})
        components = sorted(nx.connected_components(rest), key=len, reverse=True)
        size, _ = _hanging(graph, node, parts)
        assert size == sum(len(c) for c in components[1:]), node


def test_communities_found_in_a_forked_child_give_the_same_answer() -> None:
    # a fresh interpreter: the test process has threads, and a fork is refused there
    code = """
import json, sys
import networkx as nx
from graph.analysis import bridges, forked
from graph.analysis.context import NetworkContext
from graph.analysis.results import Scope
if not forked.can_fork():
    print(json.dumps({"skip": "no fork here"}))
    sys.exit(0)
graph = nx.relabel_nodes(nx.connected_caveman_graph(12, 6), lambda n: f"r-{n:03d}")
graph.add_edges_from([("r-000", "x-1"), ("x-1", "x-2")])  # something to cut off
nx.set_node_attributes(graph, "Resident", "label")
here = bridges.answer_bridges(NetworkContext(version=1, fabric=graph), Scope())
bridges.BACKGROUND_FROM = 0
forks = []
real_fork = forked.os.fork
forked.os.fork = lambda: forks.append(1) or real_fork()
in_child = bridges.answer_bridges(NetworkContext(version=1, fabric=graph), Scope())
print(json.dumps({"forks": len(forks), "here": here.model_dump(), "child": in_child.model_dump()}))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
        cwd=Path(__file__).parents[3],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    if outcome.get("skip"):
        pytest.skip(outcome["skip"])
    assert outcome["forks"] == 1, "the communities were found in a child"
    assert outcome["child"] == outcome["here"]
    assert outcome["here"]["summary"]["communities"] > 1
