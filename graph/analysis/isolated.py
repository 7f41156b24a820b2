"""Isolated people (DOMAIN.md, question 2): kept apart from loneliness, which a graph cannot see.

Signals, each named: no ties at all; only system-world ties (support and nothing else); no
participation in any initiative; in a small component cut off from the neighbourhood's main
network; low coreness. Ranked with support needs first, then by the weight of the signals.
Each person gets the nearest initiative that fits their interests or needs, with a warm path
to it where one exists: someone they know who takes part.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.analysis import brokerage
from graph.analysis.context import NetworkContext
from graph.analysis.metrics import MetricBackend
from graph.analysis.results import Answer, Item, Reason, Scope

WEIGHTS = {
    "no_ties": 1.0,
    "only_support": 0.8,
    "cut_off": 0.6,
    "low_coreness": 0.3,
    "no_participation": 0.2,
}
#: A component counts as cut off when it is at most this share of the largest one.
SMALL_COMPONENT_SHARE = 0.1
ACTIVE = {"active", None}
_ONLY_SUPPORT = {"SUPPORTED_BY"}
_ONLY_NO_PARTICIPATION = ["no_participation"]


def _types(ties: dict[str, dict[str, object]], node: str) -> tuple[set[object], int]:
    """The types of a node's ties (its adjacency dict) and how many there are, a tie to itself
    left out."""
    if node in ties:
        return {tie.get("type") for other, tie in ties.items() if other != node}, len(ties) - 1
    return {tie.get("type") for tie in ties.values()}, len(ties)


def _fitting_initiative(
    context: NetworkContext, graph: nx.Graph, node: str
) -> tuple[str, list[str], set[str]] | None:
    """(initiative, warm path, shared themes) for the best fitting active initiative."""
    wanted = set(context.needs.get(node, {})) | context.interests.get(node, set())
    if not wanted:
        return None
    fabric = context.fabric
    home = fabric.nodes[node].get("neighbourhood")
    candidates = []
    for initiative, themes in context.addresses.items():
        shared = themes & wanted
        if not shared or initiative not in fabric:
            continue
        data = fabric.nodes[initiative]
        if data.get("status", "active") not in ACTIVE:
            continue
        friends = sorted(
            friend
            for friend in fabric.adj[node]
            if fabric.edges[node, friend].get("type") == "KNOWS"
            and fabric.has_edge(friend, initiative)
            and context.may_contact(friend)
        )
        path = [node, friends[0], initiative] if friends else [node, initiative]
        rank = (
            0 if friends else 1,
            0 if data.get("neighbourhood") == home else 1,
            -len(shared),
            initiative,
        )
        candidates.append((rank, initiative, path, shared))
    if not candidates:
        return None
    _, initiative, path, shared = min(candidates)
    return initiative, path, shared


class Signals(dict[str, tuple[list[str], int]]):
    """The isolated residents of a scope: each one's signals and number of ties, with what
    they were worked out from."""

    residents: int
    component_of: dict[str, int]
    core: dict[str, int]


def isolation_signals(
    context: NetworkContext, scope: Scope, *, metrics: MetricBackend[Any] = brokerage
) -> Signals:
    """Every resident of ``scope`` the network keeps apart, with their signals: the one rule
    behind the isolated answer and its publishable table (a resident whose only signal is
    that they take part in nothing is not isolated).

    >>> import networkx as nx
    >>> fabric = nx.Graph()
    >>> fabric.add_nodes_from(["r1", "r2", "r3"], label="Resident")
    >>> fabric.add_node("i1", label="Initiative")
    >>> fabric.add_edges_from([("r2", "i1"), ("r3", "i1")], type="PARTICIPATES_IN")
    >>> fabric.add_edge("r2", "r3", type="KNOWS")
    >>> dict(isolation_signals(NetworkContext(1, fabric), Scope()))
    {'r1': (['no_ties', 'no_participation'], 0)}
    """
    graph = context.scoped(scope)
    prepared = context.prepared(scope, metrics)
    found = Signals()
    found.component_of = metrics.component_sizes(graph, ig=prepared)
    found.core = metrics.coreness(graph, ig=prepared)
    found.residents = 0
    largest = max(found.component_of.values(), default=0)
    # each node's ties as the plain dicts they are (networkx's views cost a call per tie)
    adjacency = dict(graph.adjacency())
    small = max(1, SMALL_COMPONENT_SHARE * largest)
    for node, data in graph.nodes(data=True):
        if data.get("label") != "Resident":
            continue
        found.residents += 1
        types, ties = _types(adjacency[node], node)
        signals = []
        if not ties:
            signals.append("no_ties")
        elif types == _ONLY_SUPPORT:
            signals.append("only_support")
        if ties and found.component_of[node] <= small:
            signals.append("cut_off")
        if ties and found.core.get(node, 0) <= 1:
            signals.append("low_coreness")
        if "PARTICIPATES_IN" not in types:
            signals.append("no_participation")
        if signals and signals != _ONLY_NO_PARTICIPATION:
            found[node] = (signals, ties)
    return found


def answer_isolated(
    context: NetworkContext,
    scope: Scope,
    *,
    limit: int = 20,
    metrics: MetricBackend[Any] = brokerage,
) -> Answer:
    """Residents the network keeps apart, support needs first, with a way in for each.

    ``metrics`` computes coreness: igraph (:mod:`~graph.analysis.brokerage`) or networkx
    alone (:mod:`~graph.analysis.reference`).
    """
    graph = context.scoped(scope)
    found: list[tuple[tuple[bool, float, str], list[str], int]] = []
    counts = dict.fromkeys(WEIGHTS, 0)
    total = sum(WEIGHTS.values())
    signalled = isolation_signals(context, scope, metrics=metrics)
    for node, (signals, ties) in signalled.items():
        for signal in signals:
            counts[signal] += 1
        score = sum(WEIGHTS[s] for s in signals) / total
        found.append(((node not in context.needs, -score, node), signals, ties))
    found.sort()
    residents = signalled.residents
    component_of, core = signalled.component_of, signalled.core

    items = []
    for (_, minus_score, node), signals, ties in found[:limit]:  # only those shown in full
        name = context.name(node)
        needs = sorted(context.needs.get(node, {}))
        reasons = [_signal_reason(signal, name, component_of[node]) for signal in signals]
        if needs:
            themes_nl = ", ".join(context.theme_name(t) for t in needs)
            themes_en = ", ".join(context.theme_name(t, "en") for t in needs)
            reasons.insert(
                0,
                Reason(
                    code="has_support_need",
                    nl=f"{name} heeft een hulpvraag ({themes_nl}).",
                    en=f"{name} has a support question ({themes_en}).",
                    data={"themes": needs},
                ),
            )
        path: list[str] = []
        fit = _fitting_initiative(context, graph, node)
        if fit:
            _, path, shared = fit
            reasons.append(_way_in(context, path, shared))
        items.append(
            Item(
                id=node,
                kind="Resident",
                name=name,
                score=round(-minus_score, 6),
                figures={
                    "signals": signals,
                    "ties": ties,
                    "component": component_of[node],
                    "coreness": core.get(node, 0),
                    "needs": needs,
                },
                reasons=reasons,
                path=path,
            )
        )
    summary = {"residents": residents, "isolated": len(found), "signals": counts}
    return Answer(
        question="isolated",
        scope=scope,
        version=context.version,
        items=items,
        summary=summary,
    )


def _signal_reason(signal: str, name: str, component: int) -> Reason:
    texts = {
        "no_ties": (
            f"{name} heeft geen enkele band in het netwerk.",
            f"{name} has no ties in the network at all.",
        ),
        "only_support": (
            f"{name} heeft alleen contact met hulpverlening, geen eigen netwerk.",
            f"{name} is only in touch with professional support, with no network of their own.",
        ),
        "cut_off": (
            f"{name} hoort bij een groepje van {component} dat los staat van de rest van de buurt.",
            f"{name} belongs to a group of {component} cut off from the rest of the neighbourhood.",
        ),
        "low_coreness": (
            f"{name} hangt aan één draad: weinig onderling verbonden contacten.",
            f"{name} hangs by a thread: few contacts who are connected to each other.",
        ),
        "no_participation": (
            f"{name} doet aan geen enkel initiatief mee.",
            f"{name} takes part in no initiative.",
        ),
    }
    nl, en = texts[signal]
    return Reason(
        code=signal, nl=nl, en=en, data={"component": component} if signal == "cut_off" else {}
    )


def _way_in(context: NetworkContext, path: list[str], shared: set[str]) -> Reason:
    initiative = path[-1]
    themes_nl = ", ".join(context.theme_name(t) for t in sorted(shared))
    themes_en = ", ".join(context.theme_name(t, "en") for t in sorted(shared))
    target_nl, target_en = context.name(initiative), context.name(initiative)
    if len(path) == 3:
        friend = context.name(path[1])
        nl = f"Past bij {target_nl} ({themes_nl}); {friend} kent deze persoon en doet daar mee."
        en = f"Fits {target_en} ({themes_en}); {friend} knows this person and takes part there."
    else:
        nl = f"Past bij {target_nl} ({themes_nl}); nog niemand uit het eigen netwerk doet mee."
        en = f"Fits {target_en} ({themes_en}); nobody in their own network takes part yet."
    return Reason(
        code="fitting_initiative",
        nl=nl,
        en=en,
        data={"initiative": initiative, "themes": sorted(shared), "path": path},
    )
