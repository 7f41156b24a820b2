"""Where each node is drawn: a seeded force-directed layout computed before the page opens.

The browser gets fixed positions and physics switched off, so a map of 2,000 nodes opens at
once instead of simulating springs for a minute, and the same data and seed draw the same map.
The layout is igraph's Fruchterman–Reingold (C; 2,000 nodes in a fraction of a second).
igraph draws from one process-wide generator; it is set to ``random.Random(seed)`` for the run.
Fruchterman–Reingold sees points, not discs: :func:`separate` then pushes apart the nodes
whose discs overlap, looking only at near neighbours (a grid of cells), so it stays linear.

>>> import networkx as nx
>>> spots = positions(nx.path_graph(["a", "b", "c"]), seed=1)
>>> sorted(spots), spots == positions(nx.path_graph(["a", "b", "c"]), seed=1)
(['a', 'b', 'c'], True)
>>> separate({"a": (0.0, 0.0), "b": (1.0, 0.0)}, {"a": 10.0, "b": 10.0}, gap=0.0)
{'a': (-9.5, 0.0), 'b': (10.5, 0.0)}
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping

import igraph
import networkx as nx

from graph.analysis.brokerage import to_igraph

_RNG_LOCK = threading.Lock()
#: Pixels between neighbouring nodes, roughly.
SPACING = 45.0


def positions(
    graph: nx.Graph,
    *,
    seed: int,
    spacing: float = SPACING,
) -> dict[str, tuple[float, float]]:
    """Pixel coordinates of each node, centred on 0, about ``spacing`` pixels apart."""
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    ig, names = to_igraph(graph)
    with _RNG_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            coords: list[list[float]] = ig.layout_fruchterman_reingold().coords
        finally:
            igraph.set_random_number_generator(random)
    mean_x = sum(x for x, _ in coords) / len(coords)
    mean_y = sum(y for _, y in coords) / len(coords)
    reach = max(math.hypot(x - mean_x, y - mean_y) for x, y in coords) or 1.0
    scale = spacing * math.sqrt(len(coords)) / reach
    return {
        node: (round((x - mean_x) * scale, 1), round((y - mean_y) * scale, 1))
        for node, (x, y) in zip(names, coords, strict=True)
    }


def separate(
    spots: Mapping[str, tuple[float, float]],
    radius: Mapping[str, float],
    *,
    gap: float = 6.0,
    rounds: int = 30,
) -> dict[str, tuple[float, float]]:
    """Move overlapping discs apart (each pair by half the overlap each way) until none
    overlap or ``rounds`` are done; two discs on one spot part left and right."""
    names = sorted(spots)
    xs = [spots[name][0] for name in names]
    ys = [spots[name][1] for name in names]
    rs = [radius.get(name, 0.0) for name in names]
    cell = 2 * max(rs, default=0.0) + gap
    if not names or cell <= 0:
        return dict(spots)
    for _ in range(rounds):
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(len(names)):
            grid.setdefault((math.floor(xs[i] / cell), math.floor(ys[i] / cell)), []).append(i)
        moved = False
        for (cx, cy), members in grid.items():
            near = [
                j
                for dx in (-1, 0, 1)
                for dy in (-1, 0, 1)
                for j in grid.get((cx + dx, cy + dy), ())
            ]
            for i in members:
                for j in near:
                    if j <= i:
                        continue
                    dx, dy = xs[j] - xs[i], ys[j] - ys[i]
                    distance = math.hypot(dx, dy)
                    need = rs[i] + rs[j] + gap
                    if distance >= need:
                        continue
                    if distance == 0:
                        dx, dy, distance = 1.0, 0.0, 1.0
                    push = (need - distance) / 2
                    xs[i] -= dx / distance * push
                    ys[i] -= dy / distance * push
                    xs[j] += dx / distance * push
                    ys[j] += dy / distance * push
                    moved = True
        if not moved:
            break
    return {name: (round(x, 1), round(y, 1)) for name, x, y in zip(names, xs, ys, strict=True)}
