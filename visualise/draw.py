"""Nodes and ties as the page draws them: vis-network items with Wijkgraaf's own fields.

Each node carries its colour in every colour mode and its size in every size mode, so the
page switches without asking the server, and the rows of its details panel in one language;
the page writes tooltips from those rows (as plain text: vis-network shows a string title as
text, never as HTML), which keeps a map of 2,000 nodes near half the size. A node the answer
marks has a ``role`` and ``reasons``; where an answer marks something, the others are ``dim``.
The only names written are ``context.name(id)``: a display name where consent allows, else the
start of the pseudonymous id.

>>> import networkx as nx
>>> from graph.analysis.context import NetworkContext
>>> fabric = nx.Graph()
>>> fabric.add_node("r-1", label="Resident", display_name="Fatima", neighbourhood="BU1")
>>> fabric.add_node("i-1", label="Initiative", name="Moestuin", neighbourhood="BU1")
>>> fabric.add_edge("r-1", "i-1", type="PARTICIPATES_IN", role="owner")
>>> view = draw(fabric, NetworkContext(1, fabric), lang="nl", seed=1)
>>> [(n["id"], n["label"], n["shape"], n["colours"]["kind"]) for n in view["nodes"]]
[('i-1', 'Moestuin', 'diamond', '#90be6d'), ('r-1', 'Fatima', 'dot', '#8ecae6')]
>>> view["edges"]
[{'id': 'e0', 'from': 'r-1', 'to': 'i-1', 'type': 'PARTICIPATES_IN', 'note': ' (trekker)'}]
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any, TypeAlias

import networkx as nx

from graph.analysis.brokerage import betweenness, communities
from graph.analysis.context import NetworkContext
from graph.analysis.results import Lang
from graph.model import RELATIONSHIPS, RelType
from visualise.layout import positions, separate
from visualise.overlay import Overlay
from visualise.style import (
    KIND_STYLE,
    SECTOR_STYLE,
    UNKNOWN_COLOUR,
    community_colour,
    kind_name,
    role_name,
    sector_name,
    value_name,
    word,
)

MIN_SIZE, MAX_SIZE = 10.0, 34.0
#: Betweenness on a map counts paths of at most this many ties (fast, and what a map shows).
BETWEENNESS_BOUND = 4

Item: TypeAlias = dict[str, Any]


def scaled(value: float, largest: float) -> float:
    """A node size between :data:`MIN_SIZE` and :data:`MAX_SIZE`, by the square root (area)."""
    if largest <= 0 or value <= 0:
        return MIN_SIZE
    return round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(value / largest), 1)


def draw(
    graph: nx.Graph,
    context: NetworkContext,
    *,
    lang: Lang,
    seed: int,
    overlay: Overlay | None = None,
) -> dict[str, list[Item]]:
    """The vis-network nodes and edges of ``graph`` (every node of it, every tie among them)."""
    community_rank = _community_ranks(graph, seed=seed)
    between = betweenness(graph, cutoff=BETWEENNESS_BOUND) if graph.number_of_nodes() > 2 else {}
    fabric = context.fabric
    degrees = {n: fabric.degree(n) if n in fabric else graph.degree(n) for n in graph}
    raw = {
        "degree": degrees,
        "betweenness": between,
        "score": overlay.score if overlay else {},
    }
    largest = {mode: max((raw[mode].get(n, 0.0) for n in graph), default=0.0) for mode in raw}
    sizes = {
        node: {mode: scaled(float(raw[mode].get(node, 0.0)), largest[mode]) for mode in raw}
        for node in graph
    }
    spots = separate(
        positions(graph, seed=seed), {node: max(sizes[node].values()) for node in graph}
    )
    # dim the rest only where the answer marks something on this map
    dim = overlay is not None and any(overlay.primary_role(n) for n in graph)
    nodes = []
    for node in sorted(graph):
        data = graph.nodes[node]
        kind = str(data.get("label", ""))
        style = KIND_STYLE.get(kind)
        role = overlay.primary_role(node) if overlay else None
        colours = {
            "kind": style.colour if style else UNKNOWN_COLOUR,
            "sector": _sector_colour(fabric, node, kind, data),
            "community": community_colour(community_rank.get(node, -1)),
        }
        rows = _details(graph, context, node, lang, degrees[node])
        if node in community_rank:
            community = word(lang, "community_n", n=community_rank[node] + 1)
            rows.append([word(lang, "community"), community])
        reasons: list[str] = []
        if overlay and role:
            roles = overlay.roles[node]
            rows.append([word(lang, "role"), ", ".join(role_name(r, lang) for r in roles)])
            if node in overlay.rank:
                rows.append([word(lang, "rank"), str(overlay.rank[node])])
                rows.append([word(lang, "score"), f"{overlay.score[node]:.3g}"])
            reasons = overlay.reasons.get(node, [])
        x, y = spots.get(node, (0.0, 0.0))
        item: Item = {
            "id": node,
            "label": context.name(node) if node in fabric else node[:8],
            "shape": style.shape if style else "dot",
            "x": x,
            "y": y,
            "kind": kind,
            "colours": colours,
            "sizes": sizes[node],
            "details": rows,
        }
        themes = _themes(context, node, kind)
        if themes:
            item["themes"] = themes
        if role:
            item["role"] = role
            item["reasons"] = reasons
        elif dim:
            item["dim"] = True
        nodes.append(item)
    return {"nodes": nodes, "edges": _edges(graph, lang, overlay)}


def _community_ranks(graph: nx.Graph, *, seed: int) -> dict[str, int]:
    """Each node's community as a rank by size (0 = largest); single nodes get none."""
    if graph.number_of_edges() == 0:
        return {}
    found = communities(graph, seed=seed)
    sizes = Counter(found.values())
    ranked = sorted(sizes, key=lambda c: (-sizes[c], c))
    rank = {c: number for number, c in enumerate(ranked) if sizes[c] > 1}
    return {node: rank[c] for node, c in found.items() if c in rank}


def _sector_colour(fabric: nx.Graph, node: str, kind: str, data: dict[str, Any]) -> str:
    """Organisations by their O; professionals by the O of where they work; residents and
    their initiatives are the Omgeving."""
    sector = None
    if kind == "Organisation":
        sector = data.get("o_sector")
    elif kind == "Professional" and node in fabric:
        employers = sorted(
            other
            for other in fabric.adj[node]
            if fabric.edges[node, other].get("type") == RelType.WORKS_FOR
        )
        sector = fabric.nodes[employers[0]].get("o_sector") if employers else None
    elif kind in ("Resident", "Initiative"):
        sector = "omgeving"
    style = SECTOR_STYLE.get(str(sector)) if sector else None
    return style[0] if style else UNKNOWN_COLOUR


def _themes(context: NetworkContext, node: str, kind: str) -> list[str]:
    """Themes a node is filtered by: what an initiative addresses, what a resident is
    interested in (support needs stay out of the page)."""
    if kind == "Initiative":
        return sorted(context.addresses.get(node, ()))
    if kind == "Resident":
        return sorted(context.interests.get(node, ()))
    return []


def _count_ties(graph: nx.Graph, node: str, rel: RelType) -> int:
    return sum(1 for other in graph.adj[node] if graph.edges[node, other].get("type") == rel)


def _details(
    graph: nx.Graph, context: NetworkContext, node: str, lang: Lang, degree: int
) -> list[list[str]]:
    """The rows of the details panel: label and value, in ``lang``."""
    data = graph.nodes[node]
    kind = str(data.get("label", ""))
    fabric = context.fabric
    rows = [[word(lang, "kind"), kind_name(kind, lang)]]  # the page adds the id
    area = data.get("neighbourhood")
    if area:
        rows.append([word(lang, "neighbourhood"), f"{context.area_name(str(area))} ({area})"])
    rows.append([word(lang, "ties"), str(degree)])
    whole = fabric if node in fabric else graph
    if kind == "Resident":
        interests = context.interests.get(node, set())
        if interests:
            names = ", ".join(sorted(context.theme_name(t, lang) for t in interests))
            rows.append([word(lang, "interests"), names])
        taking_part = _count_ties(whole, node, RelType.PARTICIPATES_IN)
        rows.append([word(lang, "initiatives"), str(taking_part)])
    elif kind == "Professional":
        if data.get("craft"):
            rows.append([word(lang, "craft"), value_name(data["craft"], lang)])
        employer = data.get("organisation")
        if employer and employer in fabric:
            rows.append([word(lang, "organisation"), context.name(str(employer))])
    elif kind == "Initiative":
        themes = context.addresses.get(node, set())
        if themes:
            names = ", ".join(sorted(context.theme_name(t, lang) for t in themes))
            rows.append([word(lang, "themes"), names])
        for key in ("status", "lead"):
            if data.get(key):
                rows.append([word(lang, key), value_name(data[key], lang)])
        participants = _count_ties(whole, node, RelType.PARTICIPATES_IN)
        rows.append([word(lang, "participants"), str(participants)])
        rows.append([word(lang, "partners"), str(_count_ties(whole, node, RelType.PARTNER_OF))])
    elif kind == "Organisation":
        if data.get("o_sector"):
            rows.append([word(lang, "sector"), sector_name(str(data["o_sector"]), lang)])
        if data.get("craft"):
            rows.append([word(lang, "craft"), value_name(data["craft"], lang)])
    return rows


def _oriented(graph: nx.Graph, a: str, b: str, rel: str) -> tuple[str, str]:
    """The ends of a tie in the direction the data model reads it (resident → initiative)."""
    try:
        spec = RELATIONSHIPS[RelType(rel)]
    except ValueError:
        return (a, b) if a <= b else (b, a)
    if spec.symmetric:
        return (a, b) if a <= b else (b, a)
    label_a = graph.nodes[a].get("label")
    if label_a in spec.sources and graph.nodes[b].get("label") in spec.targets:
        return a, b
    return b, a


def _edge_words(data: dict[str, Any], lang: Lang) -> str:
    """What a tie's fields say, as ``" (buur; sterkte 2)"``."""
    extra = []
    for key in ("kind", "role", "craft"):
        if data.get(key):
            extra.append(value_name(data[key], lang))
    if data.get("strength"):
        extra.append(("sterkte " if lang == "nl" else "strength ") + str(data["strength"]))
    contribution = data.get("contribution")
    if contribution:
        items = contribution if isinstance(contribution, list) else [contribution]
        extra.append(", ".join(value_name(c, lang) for c in items))
    return f" ({'; '.join(extra)})" if extra else ""


def _edges(graph: nx.Graph, lang: Lang, overlay: Overlay | None) -> list[Item]:
    """Ties as the page draws them; the page writes their tooltips from the names of the
    ends, the relation's name and ``note``."""
    edges: list[Item] = []
    for a, b, data in sorted(graph.edges(data=True), key=lambda e: (min(e[:2]), max(e[:2]))):
        rel = str(data.get("type", ""))
        source, target = _oriented(graph, a, b, rel)
        edge: Item = {"id": f"e{len(edges)}", "from": source, "to": target, "type": rel}
        note = _edge_words(data, lang)
        if note:
            edge["note"] = note
        role = overlay.edge_roles.get((a, b) if a <= b else (b, a)) if overlay else None
        if role:
            edge["role"] = role
        if data.get("strength"):
            edge["width"] = 1.0 + 0.75 * (int(data["strength"]) - 1)
        edges.append(edge)
    for suggestion in overlay.suggestions if overlay else []:
        if suggestion.source in graph and suggestion.target in graph:
            edges.append(
                {
                    "id": f"e{len(edges)}",
                    "from": suggestion.source,
                    "to": suggestion.target,
                    "type": "SUGGESTION",
                    "role": "suggestion",
                    "note": f"\n{suggestion.title}",
                    "dashes": True,
                    "arrows": "to",
                }
            )
    return edges
