"""Bridges: who holds the network together and links groups (DOMAIN.md, question 1).

Signals, each named in the answer: articulation points (with the sizes of the parts they hold
together), bridge ties, brokers by betweenness (exact on small graphs, bounded path length on
large ones — the bound is reported), Burt's constraint and effective size, ties spanning
communities (Leiden, seeded; participation coefficient), Gould–Fernandez brokerage over the
five-O and neighbourhood partitions, and bridges between lifeworld and system world.

Every "als X wegvalt" reason names who or what is cut off (up to three, then how many more),
with their ids in its data; the bridge ties are listed in the notes, each with what hangs on
it. With ``Scope(people_only=True)`` the items are people (residents and professionals)
only, and the places that would have ranked among them are listed in the summary
(``places``); names are what :meth:`NetworkContext.name` gives, as for every item.

The score, in [0, 1], is the larger of two signals a coach can weigh side by side: betweenness
relative to the scope's top broker (who scores 1), and what would be cut off if the node fell
away, k people and places weighing k / (k + 5) — a group of five counts as much as half the
top broker.
"""

from __future__ import annotations

import bisect
import heapq
from typing import Any

import networkx as nx

from graph.analysis import brokerage, forked
from graph.analysis.context import NetworkContext
from graph.analysis.metrics import MetricBackend
from graph.analysis.results import Answer, Item, Reason, Scope, counted

#: Who a bridge is in a list of people (``Scope.people_only``): the rest are places.
PEOPLE = frozenset({"Resident", "Professional"})

#: Up to EXACT_LIMIT nodes betweenness is exact; above it, it counts only paths of at most
#: ``bound(n)`` steps. Measured on the 100,000-resident synthetic city (2 cores): 4 steps took
#: 65 s, 3 steps 7–8 s, 2 steps 1 s. A neighbourhood of 5,000 takes 0.1 s at 3 steps. Two
#: steps is "stands between two of their own contacts who do not know each other": the
#: local brokerage a coach can act on, and what a whole city can afford.
EXACT_LIMIT = 5_000
WIDE_LIMIT = 20_000
SEED = 2026
#: From this many nodes the communities are found in a forked child on a second core while
#: betweenness runs here (:mod:`graph.analysis.forked`): a million residents' 12 s of Leiden
#: then costs nothing extra. Below it, the fork would cost more than it saves.
BACKGROUND_FROM = 200_000


def bound(nodes: int) -> int | None:
    """The path-length bound of betweenness for a graph of ``nodes`` nodes (None: exact).

    >>> bound(40), bound(6_000), bound(100_000)
    (None, 3, 2)
    """
    if nodes <= EXACT_LIMIT:
        return None
    return 3 if nodes <= WIDE_LIMIT else 2


def cut_weight(cut_off: int) -> float:
    return cut_off / (cut_off + 5)


def cut_off_size(parts: list[int]) -> int:
    """People and places cut off from the largest remaining part when an articulation point
    leaves, of the sizes of the parts it holds together (sorted largest first, as
    :func:`graph.analysis.brokerage.articulation_points` gives them).

    >>> cut_off_size([40, 3, 1]), cut_off_size([])
    (4, 0)
    """
    return sum(parts[1:])


def _hanging(graph: nx.Graph, node: str, parts: list[int]) -> tuple[int, str | None]:
    """What is cut off when ``node`` goes: how many, and its best-connected initiative."""
    small = hanging_part(graph, node, parts)
    initiatives = [n for n in small if graph.nodes[n].get("label") == "Initiative"]
    best = max(initiatives, key=lambda n: (graph.degree[n], n), default=None)
    return len(small), best


def hanging_part(graph: nx.Graph, node: str, parts: list[int]) -> set[str]:
    """What is cut off when ``node`` goes: the nodes outside the largest remaining part.

    A walk from each contact stops once it has seen more than the cut-off parts hold: only
    the remaining main part is that large, and walking it would mean walking the city.
    """
    cap = cut_off_size(parts)
    main: set[str] = set()  # nodes of walks known to be in the main part
    complete: list[set[str]] = []
    for start in sorted(graph.adj[node]):
        if start == node or start in main or any(start in part for part in complete):
            continue
        part, pending, is_main = {start}, [start], False
        while pending and not is_main:
            for other in graph.adj[pending.pop()]:
                if other in main:
                    is_main = True
                elif other != node and other not in part:
                    part.add(other)
                    pending.append(other)
            is_main = is_main or len(part) > cap
        if is_main:
            main |= part
        else:
            complete.append(part)
    # If no walk outgrew the cap, parts tie in size: the first largest met is the main part.
    if not main and complete:
        complete.remove(max(complete, key=len))
    small: set[str] = set().union(*complete)
    return small


#: Who is named of what is cut off: at most this many, then how many more.
NAMED = 3
#: The ids of what is cut off carried in a reason's data: at most this many.
CARRIED = 20


def named_group(
    graph: nx.Graph, nodes: set[str], context: NetworkContext
) -> tuple[str, str, list[str]]:
    """What is cut off, in words (Dutch, English) and its ids: places first (initiatives,
    then organisations, best connected first), then people; three named, then how many more.

    >>> import networkx as nx
    >>> graph = nx.Graph([("a", "b"), ("a", "c")])
    >>> for n, name in (("a", "Ans"), ("b", "Bob"), ("c", "Cor")):
    ...     graph.add_node(n, label="Resident", display_name=name)
    >>> named_group(graph, {"b", "c"}, NetworkContext(1, graph))[:2]
    ('Bob en Cor', 'Bob and Cor')
    """
    order = {"Initiative": 0, "Organisation": 1}
    ranked = sorted(
        nodes,
        key=lambda n: (order.get(graph.nodes[n].get("label"), 2), -graph.degree[n], n),
    )
    names = [context.name(n) for n in ranked[:NAMED]]
    more = len(ranked) - len(names)
    if more:
        nl = f"{', '.join(names)} en {counted(more, 'ander', 'anderen')}"
        en = f"{', '.join(names)} and {counted(more, 'other', 'others')}"
    else:
        nl = " en ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        en = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    return nl, en, ranked[:CARRIED]


def articulation_reason(
    graph: nx.Graph, node: str, parts: list[int], context: NetworkContext
) -> Reason:
    name = context.name(node)
    small = hanging_part(graph, node, parts)
    what_nl, what_en, ids = named_group(graph, small, context)
    one = len(small) == 1
    return Reason(
        code="articulation_point",
        nl=f"Als {name} wegvalt, {'raakt' if one else 'raken'} {what_nl} los van de rest "
        "van het netwerk.",
        en=f"If {name} drops out, {what_en} {'loses' if one else 'lose'} touch with the rest "
        "of the network.",
        data={"parts": parts, "cut_off": cut_off_size(parts), "cut_off_ids": ids},
    )


def _tie_side(graph: nx.Graph, a: str, b: str, *, cap: int = 5_000) -> set[str] | None:
    """The side a bridge tie ``a``–``b`` cuts off: the smaller of the two parts left when it
    goes, found by walking both sides at once until one is done (None: both are larger than
    ``cap``, as a tie between two halves of a city would be).

    >>> import networkx as nx
    >>> sorted(_tie_side(nx.Graph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]), "c", "d"))
    ['d']
    """
    seen = ({a}, {b})
    pending = ([a], [b])
    while all(pending):
        for side in (0, 1):
            here = pending[side].pop()
            for other in graph.adj[here]:
                if other not in seen[side] and {here, other} != {a, b}:
                    seen[side].add(other)
                    pending[side].append(other)
            if not pending[side]:
                return seen[side]
        if min(len(seen[0]), len(seen[1])) > cap:
            return None
    return seen[0] if not pending[0] else seen[1]


def _tie_notes(
    graph: nx.Graph, ties: list[tuple[str, str]], context: NetworkContext
) -> list[Reason]:
    """One note per listed bridge tie: its ends by name and what is cut off without it, the
    largest cut first."""
    notes = []
    for a, b in ties:
        side = _tie_side(graph, a, b)
        if side is None:
            continue
        what_nl, what_en, ids = named_group(graph, side, context)
        one = len(side) == 1
        notes.append(
            (
                -len(side),
                (a, b),
                Reason(
                    code="bridge_tie",
                    nl=f"Brugband {context.name(a)} – {context.name(b)}: zonder deze band "
                    f"{'raakt' if one else 'raken'} {what_nl} los.",
                    en=f"Bridge tie {context.name(a)} – {context.name(b)}: without it, "
                    f"{what_en} {'loses' if one else 'lose'} touch.",
                    data={"tie": [a, b], "cut_off": len(side), "cut_off_ids": ids},
                ),
            )
        )
    notes.sort(key=lambda note: note[:2])
    return [reason for *_, reason in notes]


def answer_bridges(
    context: NetworkContext,
    scope: Scope,
    *,
    limit: int = 20,
    metrics: MetricBackend[Any] = brokerage,
) -> Answer:
    """People and organisations who hold the network together, with the reasons why.

    ``metrics`` computes the measures: :mod:`graph.analysis.brokerage` (igraph), or
    :mod:`graph.analysis.reference` (networkx alone, the baseline).
    """
    graph = context.scoped(scope)
    prepared = context.prepared(scope, metrics)
    n = graph.number_of_nodes()
    steps = bound(n)

    def community_numbers() -> list[int]:  # in node order: a list of ints travels fast
        found = metrics.communities(graph, seed=SEED, ig=prepared)
        return [found[node] for node in graph]

    with forked.in_background(community_numbers, wanted=n >= BACKGROUND_FROM) as finding:
        between = metrics.betweenness(graph, cutoff=steps, ig=prepared)
        cuts = metrics.articulation_points(graph, ig=prepared)
        top_between = max(max(between.values(), default=0.0), 1e-12)
        scores = {node: value / top_between for node, value in between.items()}
        for node, parts in cuts.items():  # a node without parts adds weight 0
            scores[node] = max(scores[node], cut_weight(cut_off_size(parts)))
        labels = graph.nodes
        chosen = [
            node
            for _, node in heapq.nsmallest(
                limit,
                (
                    (-score, node)
                    for node, score in scores.items()
                    if score > 0 and (not scope.people_only or labels[node].get("label") in PEOPLE)
                ),
            )
        ]
        membership = dict(zip(graph, finding.result(), strict=True))
    # The rest describes only the nodes shown: ranks, Burt, groups spanned, roles, reach.
    place = _places(between, chosen)
    constraint = metrics.constraint(graph, ig=prepared, nodes=chosen)
    effective = metrics.effective_size(graph, ig=prepared, nodes=chosen)
    participation = metrics.participation_coefficient(graph, membership, nodes=chosen)
    data = graph.nodes
    areas = {node: data[node].get("neighbourhood") for node in _with_contacts(graph, chosen)}
    sectors = {node: data[node].get("o_sector") for node in areas}
    by_area = metrics.brokerage_roles(graph, areas, nodes=chosen)
    by_sector = metrics.brokerage_roles(graph, sectors, nodes=chosen)
    reach = _lifeworld_reach(graph, chosen, context)

    items = []
    for node in chosen:
        parts = cuts.get(node, [])
        name = context.name(node)
        reasons = []
        if parts:
            reasons.append(articulation_reason(graph, node, parts, context))
        if place[node] <= max(10, n // 20) and between.get(node, 0) > 0:
            reasons.append(
                Reason(
                    code="broker",
                    nl=f"{name} ligt op veel kortste wegen tussen anderen (plaats {place[node]} van {n}).",
                    en=f"{name} lies on many shortest paths between others (rank {place[node]} of {n}).",
                    data={"betweenness": between[node], "rank": place[node], "bounded_at": steps},
                )
            )
        communities = {membership[m] for m in graph.adj[node] if m in membership}
        if len(communities) >= 3 and participation[node] >= 0.5:
            reasons.append(
                Reason(
                    code="spans_communities",
                    nl=f"{name} heeft banden met {len(communities)} verschillende groepen.",
                    en=f"{name} has ties into {len(communities)} different groups.",
                    data={"communities": len(communities), "participation": participation[node]},
                )
            )
        roles = by_area[node]
        liaison = roles["liaison"] + roles["representative_gatekeeper"]
        if liaison:
            reasons.append(
                Reason(
                    code="links_neighbourhoods",
                    nl=f"{name} verbindt {liaison} paren uit verschillende buurten.",
                    en=f"{name} links {liaison} pairs from different neighbourhoods.",
                    data={"roles": roles},
                )
            )
        if reach[node]:
            reasons.append(
                Reason(
                    code="lifeworld_system_bridge",
                    nl=f"{name} is voor {reach[node]} bewoners de enige schakel naar hulp en instanties.",
                    en=f"For {reach[node]} residents {name} is the only link to services and institutions.",
                    data={"residents": reach[node]},
                )
            )
        items.append(
            Item(
                id=node,
                kind=str(graph.nodes[node].get("label", "")),
                name=name,
                score=round(scores[node], 6),
                figures={
                    "betweenness": between.get(node, 0.0),
                    "constraint": _finite(constraint.get(node)),
                    "effective_size": _finite(effective.get(node)),
                    "parts": parts,
                    "community": membership.get(node),
                    "participation": participation[node],
                    "brokerage_neighbourhood": roles,
                    "brokerage_five_o": by_sector[node],
                    **(context.person(node) if data[node].get("label") == "Resident" else {}),
                },
                reasons=reasons,
            )
        )
    ties = metrics.bridge_edges(graph, ig=prepared)
    listed = ties[:limit]
    summary: dict[str, Any] = {
        "nodes": n,
        "edges": graph.number_of_edges(),
        "articulation_points": len(cuts),
        "bridge_ties": len(ties),
        "communities": len(set(membership.values())),
        "betweenness_bound": steps,
        "ties": [list(tie) for tie in listed],
    }
    if scope.people_only:
        summary["places"] = _places_ranked(graph, scores, limit, context)
    notes = _tie_notes(graph, listed, context)
    if steps is not None:
        notes.insert(
            0,
            Reason(
                code="bounded_betweenness",
                nl=f"Grote graaf: de tussenpositie (betweenness) telt alleen wegen tot "
                f"{steps} stappen.",
                en=f"Large graph: betweenness counts paths of up to {steps} steps only.",
                data={"bound": steps},
            ),
        )
    return Answer(
        question="bridges",
        scope=scope,
        version=context.version,
        items=items,
        summary=summary,
        notes=notes,
    )


def _places_ranked(
    graph: nx.Graph, scores: dict[str, float], limit: int, context: NetworkContext
) -> list[dict[str, Any]]:
    """The places (initiatives, organisations) that hold the network together, best first:
    their own list beside the people."""
    best = heapq.nsmallest(
        limit,
        (
            (-score, node)
            for node, score in scores.items()
            if score > 0 and graph.nodes[node].get("label") not in PEOPLE
        ),
    )
    return [
        {
            "id": node,
            "kind": str(graph.nodes[node].get("label", "")),
            "name": context.name(node),
            "score": round(-minus, 6),
        }
        for minus, node in best
    ]


def _places(between: dict[str, float], nodes: list[str]) -> dict[str, int]:
    """The place of each of ``nodes`` when all are ranked by betweenness, highest first and
    ties by id: what sorting a city would give, without sorting it."""
    descending = sorted(-value for value in between.values())
    values = {between[node] for node in nodes}
    tied: dict[float, list[str]] = {value: [] for value in values}
    for node, value in between.items():
        if value in values:
            tied[value].append(node)
    return {
        node: bisect.bisect_left(descending, -between[node])
        + sum(1 for other in tied[between[node]] if other < node)
        + 1
        for node in nodes
    }


def _with_contacts(graph: nx.Graph, nodes: list[str]) -> set[str]:
    """``nodes`` and everyone tied to one of them: all that their brokerage roles look at."""
    return set(nodes).union(*(graph.adj[node] for node in nodes))


def _finite(value: float | None) -> float | None:
    return None if value is None or value != value else value


def _lifeworld_reach(graph: nx.Graph, nodes: list[str], context: NetworkContext) -> dict[str, int]:
    """For each of ``nodes``: the residents whose only tie towards the system world runs
    through it (it is in the lifeworld itself, and those residents have no such tie of
    their own)."""
    result = {}
    for node in nodes:
        contacts = graph.adj[node]
        if not context.in_lifeworld(node) or all(context.in_lifeworld(m) for m in contacts):
            result[node] = 0
            continue
        result[node] = sum(
            1
            for neighbour in contacts
            if graph.nodes[neighbour].get("label") == "Resident"
            and all(context.in_lifeworld(m) for m in graph.adj[neighbour])
        )
    return result
