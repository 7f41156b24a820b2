"""Isolated people (DOMAIN.md, question 2): kept apart from loneliness, which a graph cannot see.

Signals, each named: no ties at all; only system-world ties (support and nothing else); no
participation in any initiative; in a small component cut off from the neighbourhood's main
network; low coreness. Ranked with support needs first, then by the weight of the signals.
Each person gets the nearest initiative that fits their interests or needs, with a warm path
to it where one exists: someone they know who takes part; never one whose introduction they
declined (:mod:`graph.introductions`).
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.analysis import brokerage
from graph.analysis.context import NetworkContext
from graph.analysis.metrics import MetricBackend
from graph.analysis.results import Answer, Item, Reason, Scope
from graph.analysis.strengths import WHERE, best_match, introducers, via

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
    context: NetworkContext, node: str, contacts: set[str]
) -> tuple[str, list[str], set[str]] | None:
    """(initiative, path, shared themes) for the best fitting active initiative: one with a
    warm path first (someone among ``contacts`` who is tied to it), then in their own buurt,
    then the most themes shared, then by id."""
    wanted = set(context.needs.get(node, {})) | context.interests.get(node, set())
    if not wanted:
        return None
    fabric = context.fabric
    home = fabric.nodes[node].get("neighbourhood")
    candidates = []
    for initiative, themes in context.addresses.items():
        shared = themes & wanted
        if not shared or initiative not in fabric or fabric.has_edge(node, initiative):
            continue
        if context.declined(node, initiative):
            continue
        data = fabric.nodes[initiative]
        if data.get("status", "active") not in ACTIVE:
            continue
        introducer = via(context, fabric.adj[initiative], contacts)
        path = [node, introducer, initiative] if introducer else [node, initiative]
        rank = (
            0 if introducer else 1,
            0 if data.get("neighbourhood") == home else 1,
            -len(shared),
            initiative,
        )
        candidates.append((rank, initiative, path, shared))
    if not candidates:
        return None
    _, initiative, path, shared = min(candidates)
    return initiative, path, shared


def _ways_in(context: NetworkContext, node: str, name: str) -> tuple[list[Reason], list[str]]:
    """The ways in for an isolated resident, and the evidence path of the warmest.

    Two, each with a warm path where one exists (:func:`~graph.analysis.strengths.introducers`:
    an acquaintance who agreed to be contacted, or a professional or organisation supporting
    them, who is tied to the initiative — two steps: resident, who introduces, initiative):
    the initiative that best fits their needs or interests, and the first match the
    unused-strengths answer offers them (:func:`~graph.analysis.strengths.best_match`), so the
    two answers agree about a person.
    """
    fabric = context.fabric
    contacts = introducers(context, {"KNOWS": _known(fabric, node), **_supporters(fabric, node)})
    reasons: list[Reason] = []
    paths: list[list[str]] = []
    fit = _fitting_initiative(context, node, contacts)
    if fit:
        initiative, path, shared = fit
        reasons.append(_way_in(context, path, shared, name))
        paths.append(path)
    match = best_match(context, node)
    if match and not (fit and match[2] == fit[0]):
        _, skill, initiative, distance, introducer = match
        path = [node, introducer, initiative] if introducer else [node, initiative]
        reasons.append(_strength_way(context, path, skill, distance, name))
        paths.append(path)
    elif match and fit:  # the same initiative: it fits, and wants their strength as well
        reasons[0].data["skill"] = match[1]
    warm = [path for path in paths if len(path) == 3]
    return reasons, (warm or paths or [[]])[0]


def _known(fabric: nx.Graph, node: str) -> set[str]:
    return {m for m, tie in fabric.adj[node].items() if tie.get("type") == "KNOWS"}


def _supporters(fabric: nx.Graph, node: str) -> dict[object, set[str]]:
    found = {m for m, tie in fabric.adj[node].items() if tie.get("type") == "SUPPORTED_BY"}
    return {"SUPPORTED_BY": found} if found else {}


class Signals(dict[str, tuple[list[str], int]]):
    """The isolated residents of a scope: each one's signals and number of ties, with what
    they were worked out from."""

    residents: int
    component_of: dict[str, int]
    core: dict[str, int]


def is_isolated(signals: list[str]) -> bool:
    """The one rule behind the isolated answer and its publishable table: some signal, and
    not only that they take part in nothing.

    >>> is_isolated(["no_ties", "no_participation"]), is_isolated(["no_participation"])
    (True, False)
    """
    return bool(signals) and signals != _ONLY_NO_PARTICIPATION


def isolation_score(signals: list[str]) -> float:
    """The isolated answer's score of a resident: the weighted share of their signals.

    >>> round(isolation_score(["no_ties", "no_participation"]), 3)
    0.414
    """
    return sum(WEIGHTS[s] for s in signals) / sum(WEIGHTS.values())


def isolation_signals(
    context: NetworkContext,
    scope: Scope,
    *,
    metrics: MetricBackend[Any] = brokerage,
    everyone: bool = False,
) -> Signals:
    """Every resident of ``scope`` the network keeps apart (:func:`is_isolated`), with their
    signals; with ``everyone``, every resident of it, whatever their signals (none, or only
    ``no_participation``), as the export of measures lists them.

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
        if everyone or is_isolated(signals):
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
    found: list[tuple[tuple[bool, float, str], list[str], int]] = []
    counts = dict.fromkeys(WEIGHTS, 0)
    signalled = isolation_signals(context, scope, metrics=metrics)
    for node, (signals, ties) in signalled.items():
        for signal in signals:
            counts[signal] += 1
        score = isolation_score(signals)
        found.append(((node not in context.needs, -score, node), signals, ties))
    found.sort()
    residents = signalled.residents
    component_of, core = signalled.component_of, signalled.core

    items = []
    for (_, minus_score, node), signals, ties in found[:limit]:  # only those shown in full
        name = context.name(node)
        needs = sorted(context.needs.get(node, {}))
        reasons = [signal_reason(signal, name, component_of[node]) for signal in signals]
        if needs:
            themes_nl = ", ".join(context.theme_name(t).lower() for t in needs)
            themes_en = ", ".join(context.theme_name(t, "en").lower() for t in needs)
            reasons.insert(
                0,
                Reason(
                    code="has_support_need",
                    nl=f"{name} heeft een hulpvraag ({themes_nl}).",
                    en=f"{name} has a support question ({themes_en}).",
                    data={"themes": needs},
                ),
            )
        ways, path = _ways_in(context, node, name)
        reasons += ways
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
                    **context.person(node),
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


def signal_reason(signal: str, name: str, component: int) -> Reason:
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


def _introducer_text(context: NetworkContext, path: list[str]) -> tuple[str, str]:
    """Who can introduce them, in a clause: the middle of a warm path, or no one yet."""
    if len(path) < 3:
        return (
            "nog niemand uit het eigen netwerk doet mee",
            "nobody in their own network takes part yet",
        )
    introducer = path[1]
    who = context.name(introducer)
    if context.fabric.nodes[introducer].get("label") == "Resident":
        return f"{who} kent deze persoon en doet daar mee", f"{who} knows them and takes part"
    return (
        f"{who} ondersteunt deze persoon, is daar betrokken en kan introduceren",
        f"{who} supports them, is involved there and can introduce them",
    )


def _way_in(context: NetworkContext, path: list[str], shared: set[str], name: str) -> Reason:
    initiative = path[-1]
    themes_nl = ", ".join(context.theme_name(t).lower() for t in sorted(shared))
    themes_en = ", ".join(context.theme_name(t, "en").lower() for t in sorted(shared))
    target = context.name(initiative)
    who_nl, who_en = _introducer_text(context, path)
    return Reason(
        code="fitting_initiative",
        nl=f"{target} past bij {name} ({themes_nl}); {who_nl}.",
        en=f"{target} fits {name} ({themes_en}); {who_en}.",
        data={"initiative": initiative, "themes": sorted(shared), "path": path},
    )


def _strength_way(
    context: NetworkContext, path: list[str], skill: str, distance: str, name: str
) -> Reason:
    initiative = path[-1]
    target = context.name(initiative)
    where_nl, where_en = WHERE[distance]
    who_nl, who_en = _introducer_text(context, path)
    return Reason(
        code="strength_wanted",
        nl=f"{target} {where_nl} zoekt wat {name} te bieden heeft: "
        f"{context.skill_name(skill).lower()}; {who_nl}.",
        en=f"{target} {where_en} looks for what {name} has to offer: "
        f"{context.skill_name(skill, 'en').lower()}; {who_en}.",
        data={"initiative": initiative, "skill": skill, "distance": distance, "path": path},
    )
