"""Bridges: who holds the network together and links groups (DOMAIN.md, question 1).

Signals, each named in the answer: articulation points (with the sizes of the parts they hold
together), bridge ties, brokers by betweenness (exact on small graphs, bounded path length on
large ones — the bound is reported), Burt's constraint and effective size, ties spanning
communities (Leiden, seeded; participation coefficient), Gould–Fernandez brokerage over the
five-O and neighbourhood partitions, and bridges between lifeworld and system world.

The score, in [0, 1], is the larger of two signals a coach can weigh side by side: betweenness
relative to the scope's top broker (who scores 1), and what would be cut off if the node fell
away, k people and places weighing k / (k + 5) — a group of five counts as much as half the
top broker.
"""

from __future__ import annotations

from types import ModuleType

import networkx as nx

from graph.analysis import brokerage
from graph.analysis.context import NetworkContext
from graph.analysis.results import Answer, Item, Reason, Scope

#: Above this many nodes betweenness counts only paths up to BOUND steps. Measured on the
#: 100,000-resident synthetic city (2 cores): a bound of 4 took 65 s, a bound of 3 took 7 s;
#: brokers a coach can act on are local, within three steps.
EXACT_LIMIT = 5_000
BOUND = 3
SEED = 2026


def _cut_weight(cut_off: int) -> float:
    return cut_off / (cut_off + 5)


def _cut_off(parts: list[int]) -> int:
    """People cut off from the largest remaining part (parts sorted largest first)."""
    return sum(parts[1:])


def _hanging(graph: nx.Graph, node: str) -> tuple[int, str | None]:
    """What is cut off when ``node`` goes: how many, and its best-connected initiative."""
    around = nx.node_connected_component(graph, node) - {node}
    parts = sorted(nx.connected_components(graph.subgraph(around)), key=len, reverse=True)
    small: set[str] = set().union(*parts[1:]) if len(parts) > 1 else set()
    initiatives = [n for n in small if graph.nodes[n].get("label") == "Initiative"]
    best = max(initiatives, key=lambda n: (graph.degree[n], n), default=None)
    return len(small), best


def _articulation_reason(
    graph: nx.Graph, node: str, parts: list[int], context: NetworkContext
) -> Reason:
    name = context.name(node)
    size, initiative = _hanging(graph, node)
    if initiative:
        others = size - 1
        what_nl = f"raakt {context.name(initiative)} (met {others} anderen)"
        what_en = f"{context.name(initiative)} (with {others} others) loses touch"
    elif size == 1:
        what_nl, what_en = "raakt één persoon of plek", "one person or place loses touch"
    else:
        what_nl, what_en = f"raken {size} mensen en plekken", f"{size} people and places lose touch"
    return Reason(
        code="articulation_point",
        nl=f"Als {name} wegvalt, {what_nl} los van de rest van het netwerk.",
        en=f"If {name} drops out, {what_en} with the rest of the network.",
        data={"parts": parts, "cut_off": _cut_off(parts)},
    )


def answer_bridges(
    context: NetworkContext, scope: Scope, *, limit: int = 20, metrics: ModuleType = brokerage
) -> Answer:
    """People and organisations who hold the network together, with the reasons why.

    ``metrics`` computes the measures: :mod:`graph.analysis.brokerage` (igraph), or
    :mod:`graph.analysis.reference` (networkx alone, the baseline).
    """
    graph = context.scoped(scope)
    prepared = metrics.to_igraph(graph)
    n = graph.number_of_nodes()
    bounded = n > EXACT_LIMIT
    between = metrics.betweenness(graph, cutoff=BOUND if bounded else None, ig=prepared)
    constraint = metrics.constraint(graph, ig=prepared)
    effective = metrics.effective_size(graph, ig=prepared)
    membership = metrics.communities(graph, seed=SEED, ig=prepared)
    participation = metrics.participation_coefficient(graph, membership)
    cuts = metrics.articulation_points(graph, ig=prepared)
    sectors = {node: data.get("o_sector") for node, data in graph.nodes(data=True)}
    areas = {node: data.get("neighbourhood") for node, data in graph.nodes(data=True)}
    by_area = metrics.brokerage_roles(graph, {k: v for k, v in areas.items() if v})
    by_sector = metrics.brokerage_roles(graph, {k: v for k, v in sectors.items() if v})
    ranked_between = sorted(between, key=lambda k: (-between[k], k))
    place = {node: number for number, node in enumerate(ranked_between, start=1)}
    top_between = max(max(between.values(), default=0.0), 1e-12)

    items = []
    for node in graph.nodes:
        parts = cuts.get(node, [])
        score = max(between.get(node, 0.0) / top_between, _cut_weight(_cut_off(parts)))
        if score <= 0:
            continue
        name = context.name(node)
        reasons = []
        if place.get(node, n + 1) <= max(10, n // 20) and between.get(node, 0) > 0:
            reasons.append(
                Reason(
                    code="broker",
                    nl=f"{name} ligt op veel kortste wegen tussen anderen (plaats {place[node]} van {n}).",
                    en=f"{name} lies on many shortest paths between others (rank {place[node]} of {n}).",
                    data={
                        "betweenness": between[node],
                        "rank": place[node],
                        "bounded_at": BOUND if bounded else None,
                    },
                )
            )
        communities = {membership[m] for m in graph.adj[node] if m in membership}
        if len(communities) >= 3 and participation.get(node, 0) >= 0.5:
            reasons.append(
                Reason(
                    code="spans_communities",
                    nl=f"{name} heeft banden met {len(communities)} verschillende groepen.",
                    en=f"{name} has ties into {len(communities)} different groups.",
                    data={"communities": len(communities), "participation": participation[node]},
                )
            )
        liaison = by_area.get(node, {}).get("liaison", 0) + by_area.get(node, {}).get(
            "representative_gatekeeper", 0
        )
        if liaison:
            reasons.append(
                Reason(
                    code="links_neighbourhoods",
                    nl=f"{name} verbindt {liaison} paren uit verschillende buurten.",
                    en=f"{name} links {liaison} pairs from different neighbourhoods.",
                    data={"roles": by_area.get(node, {})},
                )
            )
        lifeworld_only = _lifeworld_reach(graph, node, context)
        if lifeworld_only:
            reasons.append(
                Reason(
                    code="lifeworld_system_bridge",
                    nl=f"{name} is voor {lifeworld_only} bewoners de enige schakel naar hulp en instanties.",
                    en=f"For {lifeworld_only} residents {name} is the only link to services and institutions.",
                    data={"residents": lifeworld_only},
                )
            )
        items.append(
            Item(
                id=node,
                kind=str(graph.nodes[node].get("label", "")),
                name=name,
                score=round(score, 6),
                figures={
                    "betweenness": between.get(node, 0.0),
                    "constraint": _finite(constraint.get(node)),
                    "effective_size": _finite(effective.get(node)),
                    "parts": parts,
                    "community": membership.get(node),
                    "participation": participation.get(node, 0.0),
                    "brokerage_neighbourhood": by_area.get(node, {}),
                    "brokerage_five_o": by_sector.get(node, {}),
                },
                reasons=reasons,
            )
        )
    items.sort(key=lambda item: (-item.score, item.id))
    items = items[:limit]
    for item in items:  # what hangs on a person is worth the search only for those shown
        if item.figures["parts"]:
            item.reasons.insert(
                0, _articulation_reason(graph, item.id, item.figures["parts"], context)
            )
    ties = metrics.bridge_edges(graph, ig=prepared)
    summary = {
        "nodes": n,
        "edges": graph.number_of_edges(),
        "articulation_points": len(cuts),
        "bridge_ties": len(ties),
        "communities": len(set(membership.values())),
        "betweenness_bound": BOUND if bounded else None,
        "ties": [list(tie) for tie in ties[:limit]],
    }
    notes = []
    if bounded:
        notes.append(
            Reason(
                code="bounded_betweenness",
                nl=f"Grote graaf: betweenness telt alleen wegen tot {BOUND} stappen.",
                en=f"Large graph: betweenness counts paths of up to {BOUND} steps only.",
                data={"bound": BOUND},
            )
        )
    return Answer(
        question="bridges",
        scope=scope,
        version=context.version,
        items=items,
        summary=summary,
        notes=notes,
    )


def _finite(value: float | None) -> float | None:
    return None if value is None or value != value else value


def _lifeworld_reach(graph: nx.Graph, node: str, context: NetworkContext) -> int:
    """Residents whose only tie towards the system world runs through ``node``."""
    if not context.in_lifeworld(node) or all(context.in_lifeworld(m) for m in graph.adj[node]):
        return 0
    return sum(
        1
        for neighbour in graph.adj[node]
        if graph.nodes[neighbour].get("label") == "Resident"
        and all(context.in_lifeworld(m) for m in graph.adj[neighbour])
    )
