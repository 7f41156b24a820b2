"""The overview of a map too large to draw: one node per group, one line per tied pair.

Each group node carries its members' count, the ties inside it and to other groups, its best
connected members (by ``context.name``) and, with a question, how many answers fall inside.
Where the whole map is small enough (:data:`EMBED_MAX_NODES`, and no group above
:data:`~visualise.grouping.MAX_DRAWN_NODES`) every group's own map travels in the page and
opens on click; otherwise a neighbourhood group links to ``drill_url`` with its code, and the
details panel says how to make the group's own map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import compress, repeat
from operator import add, contains, ge
from typing import Any
from urllib.parse import quote

import networkx as nx

from graph.analysis.context import NetworkContext
from graph.analysis.results import Lang
from graph.projection import ordered_subgraph
from visualise.choices import COLOUR_MODES, SIZE_MODES
from visualise.draw import draw
from visualise.grouping import MAX_DRAWN_NODES, OTHER, Grouping, group_ties
from visualise.layout import positions, separate
from visualise.overlay import Overlay
from visualise.style import GROUP_SHAPE, community_colour, count, word

#: Groups are embedded for opening in the page while their members number at most this many.
EMBED_MAX_NODES = 6000
#: The type of a line between two groups.
GROUP_TIE = "GROUP"
#: Pixels between groups (a group is drawn up to 60 pixels wide).
GROUP_SPACING = 160.0
#: Members named in the details of a group.
GROUP_NAMES_SHOWN = 10

MapData = dict[str, Any]


def _group_name(context: NetworkContext, grouping: Grouping, key: str, lang: Lang) -> str:
    if key == OTHER:
        return word(lang, "other_groups" if grouping.by == "community" else "no_neighbourhood")
    if grouping.by == "community":
        return word(lang, "community_n", n=key.removeprefix("c"))
    return context.area_name(key)


def grouped_view(
    graph: nx.Graph,
    context: NetworkContext,
    grouping: Grouping,
    overlay: Overlay | None,
    *,
    lang: Lang,
    seed: int,
    drill_url: str | None,
) -> tuple[MapData, dict[str, MapData]]:
    """One node per group and one edge per tied pair of groups; the groups' own maps where
    they may be embedded."""
    grouped = group_ties(graph, grouping.membership)
    members, inside, between = grouped.members, grouped.inner, grouped.between
    outside: dict[str, int] = dict.fromkeys(members, 0)
    for (a, b), ties in between.items():
        outside[a] += ties
        outside[b] += ties
    embeddable = all(len(m) <= MAX_DRAWN_NODES for m in members.values()) and (
        graph.number_of_nodes() <= EMBED_MAX_NODES
    )
    order = sorted(members, key=lambda k: (-len(members[k]), k))
    largest = max(len(m) for m in members.values())
    quotient = nx.Graph()
    quotient.add_nodes_from(members)
    quotient.add_edges_from(between)
    radius = {key: _group_size(len(people), largest) for key, people in members.items()}
    # room for the label under each hexagon too
    spots = separate(positions(quotient, seed=seed, spacing=GROUP_SPACING), radius, gap=40.0)
    groups: dict[str, MapData] = {}
    nodes = []
    for rank, key in enumerate(order):
        name = _group_name(context, grouping, key, lang)
        people = members[key]
        marked = [n for n in people if overlay.primary_role(n) == "answer"] if overlay else []
        drill = None
        if not embeddable and drill_url and grouping.by == "neighbourhood" and key != OTHER:
            drill = drill_url.replace("{code}", _quote(key))
        best = _best_connected(people, grouped.neighbours[key])
        rows = [
            [word(lang, "members"), count(len(people), lang)],
            [word(lang, "inner_ties"), count(inside[key], lang)],
            [word(lang, "outer_ties"), count(outside[key], lang)],
            [word(lang, "largest_members"), ", ".join(context.name(n) for n in best)],
        ]
        if grouping.by == "neighbourhood" and key != OTHER:
            rows.insert(0, [word(lang, "neighbourhood"), key])
        if overlay is not None:
            rows.append([word(lang, "answers_inside"), str(len(marked))])
        if embeddable or drill:
            hint = word(lang, "open_group")
        elif grouping.by == "neighbourhood" and key != OTHER:
            hint = word(lang, "too_large", code=key)
        else:
            hint = word(lang, "too_large_community")
        x, y = spots[key]
        item: dict[str, Any] = {
            "id": f"group:{key}",
            "label": f"{name} ({count(len(people), lang)})"
            + (f" ★{len(marked)}" if marked else ""),
            "shape": GROUP_SHAPE,
            "x": x,
            "y": y,
            "kind": "group",
            "groupKey": key,
            "groupName": name,
            "openable": embeddable,
            "colours": dict.fromkeys(COLOUR_MODES, community_colour(rank)),
            # a group's size is its membership whatever the size mode
            "sizes": dict.fromkeys(SIZE_MODES, radius[key]),
            "details": rows,
            "reasons": [hint],
        }
        if drill:
            item["drill"] = drill
        if marked:
            item["role"] = "answer"
        nodes.append(item)
        if embeddable:
            # in id order: a subgraph view of fewer than half the nodes iterates a set, so its
            # seeded layout and communities would follow how the ids happen to hash
            inner = ordered_subgraph(graph, set(people))
            drawn = draw(inner, context, lang=lang, seed=seed, overlay=overlay)
            groups[key] = {"name": name, **drawn}
    edges: list[dict[str, Any]] = []
    heaviest = max(between.values(), default=1)
    for (a, b), ties in sorted(between.items()):
        first, second = (_group_name(context, grouping, key, lang) for key in (a, b))
        names = f"{first} – {second}"
        edges.append(
            {
                "id": f"g{len(edges)}",
                "from": f"group:{a}",
                "to": f"group:{b}",
                "type": GROUP_TIE,
                "ties": ties,
                "width": round(1 + 11 * math.sqrt(ties / heaviest), 1),
                "title": f"{count(ties, lang)} {word(lang, 'between')} {names}",
            }
        )
    return {"nodes": nodes, "edges": edges}, groups


def _best_connected(people: list[str], neighbours: Sequence[Mapping[str, object]]) -> list[str]:
    """The :data:`GROUP_NAMES_SHOWN` members with the most ties (then by id), as sorting them
    all would give, but sorting only those with at least the tenth-highest degree;
    ``neighbours`` holds each one's neighbours."""
    # the degree as networkx counts it: a self-loop twice
    degrees = list(map(add, map(len, neighbours), map(contains, neighbours, people)))
    if len(people) > GROUP_NAMES_SHOWN:
        least = sorted(degrees, reverse=True)[GROUP_NAMES_SHOWN - 1]
        people = list(compress(people, map(ge, degrees, repeat(least))))
        degrees = [d for d in degrees if d >= least]
    degree = dict(zip(people, degrees, strict=True))
    return sorted(people, key=lambda n: (-degree[n], n))[:GROUP_NAMES_SHOWN]


def _group_size(members: int, largest: int) -> float:
    return round(12 + 48 * math.sqrt(members / largest), 1)


def _quote(code: str) -> str:
    return quote(code, safe="")
