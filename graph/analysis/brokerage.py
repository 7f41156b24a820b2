"""Brokerage measures for the Bridges question (DOMAIN.md, network question 1).

Plain functions over an undirected, simple :class:`networkx.Graph` whose nodes are string ids.
networkx is the reference; the work runs in igraph (C). :func:`to_igraph` converts once and
every function that needs igraph takes the result as ``ig=`` so several measures share it
(the interface both this module and :mod:`graph.analysis.reference` offer is
:class:`graph.analysis.metrics.MetricBackend`)::

    prepared = to_igraph(graph)
    between = betweenness(graph, cutoff=4, ig=prepared)
    burt = constraint(graph, ig=prepared)

Self-loops are ignored throughout: a tie to oneself brokers nothing. Results are keyed by node
id. Where a measure is undefined for isolated nodes (constraint, effective size) the value is
``math.nan``, as in networkx.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import TypeAlias, TypeVar

import igraph
import networkx as nx

from graph.analysis.metrics import Method

__all__ = [
    "ROLES",
    "Method",
    "Prepared",
    "articulation_points",
    "betweenness",
    "bridge_edges",
    "broker_role",
    "brokerage_roles",
    "communities",
    "component_sizes",
    "constraint",
    "coreness",
    "effective_size",
    "participation_coefficient",
    "parts_from_blocks",
    "to_igraph",
]

T = TypeVar("T")

#: The igraph twin of a networkx graph, and the node id of each vertex index.
Prepared: TypeAlias = tuple[igraph.Graph, list[str]]

#: Gould–Fernandez roles in an undirected graph, in the order they are counted.
ROLES = ("coordinator", "consultant", "representative_gatekeeper", "liaison")
_COORDINATOR, _CONSULTANT, _GATEKEEPER, _LIAISON = range(4)

# igraph draws from one process-wide generator; seeded calls swap it, one at a time.
_RNG_LOCK = threading.Lock()


def to_igraph(graph: nx.Graph) -> Prepared:
    """The igraph twin of ``graph`` (self-loops dropped) and each vertex's node id.

    Edges are passed to igraph as one list of index pairs, which keeps the conversion of
    100,000 nodes and 300,000 ties to a fraction of a second. Vertices are numbered in id
    order, whatever order the graph was built in: igraph's results (a community, the last
    digit of a betweenness) follow the numbering, and the same network gives the same
    answers however its ties were written (a store with a history and a fresh one).

    >>> ig, names = to_igraph(nx.Graph([("a", "b"), ("b", "c")]))
    >>> ig.vcount(), ig.ecount(), names
    (3, 2, ['a', 'b', 'c'])
    """
    if graph.is_directed() or graph.is_multigraph():
        raise nx.NetworkXNotImplemented("brokerage measures need an undirected simple graph")
    names: list[str] = sorted(graph)
    index = {node: number for number, node in enumerate(names)}
    position = index.__getitem__
    edges: list[tuple[int, int]] = []
    adjacency = graph.adj
    for number, node in enumerate(names):
        # each tie once, from its lower end; a self-loop (j == number) falls out here too
        edges += [(number, j) for j in map(position, adjacency[node]) if j > number]
    return igraph.Graph(n=len(names), edges=edges), names


def _prepared(graph: nx.Graph, ig: Prepared | None) -> Prepared:
    if ig is None:
        return to_igraph(graph)
    if ig[0].vcount() != len(graph) or len(ig[1]) != len(graph):
        raise ValueError("ig was prepared from another graph: call to_igraph(graph) again")
    return ig


def betweenness(
    graph: nx.Graph, *, cutoff: int | None = None, ig: Prepared | None = None
) -> dict[str, float]:
    """Shortest-path betweenness, normalised as networkx's ``betweenness_centrality``.

    The share of pairs of other nodes whose shortest paths run through the node: igraph's
    count divided by (n - 1)(n - 2) / 2. ``cutoff=None`` is exact and equals networkx;
    ``cutoff=k`` counts only paths of at most ``k`` ties (still divided by all pairs), which is
    what large graphs use: a broker between near neighbours stays visible at a fraction of
    the cost.

    >>> path = nx.path_graph(["a", "b", "c", "d"])
    >>> betweenness(path)
    {'a': 0.0, 'b': 0.6666666666666666, 'c': 0.6666666666666666, 'd': 0.0}
    >>> betweenness(path, cutoff=2)
    {'a': 0.0, 'b': 0.3333333333333333, 'c': 0.3333333333333333, 'd': 0.0}
    """
    if cutoff is not None and cutoff < 0:
        # igraph reads a negative cutoff as "no cutoff"; say so rather than go exact silently
        raise ValueError(f"cutoff must be 0 or more, not {cutoff}")
    g, names = _prepared(graph, ig)
    n = len(names)
    scale = 2 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    counts: list[float] = g.betweenness(directed=False, cutoff=cutoff)
    return {node: value * scale for node, value in zip(names, counts, strict=True)}


def coreness(graph: nx.Graph, *, ig: Prepared | None = None) -> dict[str, int]:
    """The k-core each node belongs to (its largest k), equal to networkx's ``core_number``.

    >>> coreness(nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")]))
    {'a': 2, 'b': 2, 'c': 2, 'd': 1}
    """
    g, names = _prepared(graph, ig)
    values: list[int] = g.coreness()
    return dict(zip(names, values, strict=True))


def component_sizes(graph: nx.Graph, *, ig: Prepared | None = None) -> dict[str, int]:
    """The size of each node's connected component.

    >>> component_sizes(nx.Graph([("a", "b"), ("c", "d"), ("d", "e")]))
    {'a': 2, 'b': 2, 'c': 3, 'd': 3, 'e': 3}
    """
    g, names = _prepared(graph, ig)
    membership: list[int] = g.connected_components().membership
    sizes = Counter(membership)
    return {node: sizes[part] for node, part in zip(names, membership, strict=True)}


def constraint(
    graph: nx.Graph, *, ig: Prepared | None = None, nodes: Iterable[str] | None = None
) -> dict[str, float]:
    """Burt's constraint: how much a node's contacts are tied to each other (high = closed in).

    Equal to networkx's unweighted ``constraint``; ``math.nan`` for isolated nodes. Every
    node, or only ``nodes``.

    >>> star = nx.star_graph(3)
    >>> star = nx.relabel_nodes(star, str)
    >>> {node: round(value, 3) for node, value in constraint(star).items()}
    {'0': 0.333, '1': 1.0, '2': 1.0, '3': 1.0}
    """
    g, names = _prepared(graph, ig)
    if nodes is None:
        values: list[float] = g.constraint()
        return dict(zip(names, values, strict=True))
    chosen = list(nodes)
    return dict(zip(chosen, g.constraint(_vertices(names, chosen)), strict=True))


def _vertices(names: list[str], nodes: list[str]) -> list[int]:
    """The vertex numbers of ``nodes`` in a graph prepared with ``names``."""
    wanted = set(nodes)
    number = {node: vertex for vertex, node in enumerate(names) if node in wanted}
    return [number[node] for node in nodes]


def effective_size(
    graph: nx.Graph, *, ig: Prepared | None = None, nodes: Iterable[str] | None = None
) -> dict[str, float]:
    """Burt's effective size: non-redundant contacts, ``n - 2t/n`` for ``n`` contacts with ``t``
    ties among them.

    Equal to networkx's unweighted ``effective_size`` (the same closed form), computed from
    igraph's degrees and local clustering instead of one ego network per node; ``math.nan`` for
    isolated nodes. Every node, or only ``nodes``.

    >>> effective_size(nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("a", "d")]))
    {'a': 2.3333333333333335, 'b': 1.0, 'c': 1.0, 'd': 1.0}
    """
    g, names = _prepared(graph, ig)
    chosen = names if nodes is None else list(nodes)
    vertices = None if nodes is None else _vertices(names, chosen)
    degrees: list[int] = g.degree(vertices)
    clustering: list[float] = g.transitivity_local_undirected(vertices, mode="zero")
    result: dict[str, float] = {}
    for node, n, share in zip(chosen, degrees, clustering, strict=True):
        ties = round(share * n * (n - 1) / 2)  # exact: the share is ties / (n choose 2)
        result[node] = n - (2 * ties) / n if n else math.nan
    return result


def communities(
    graph: nx.Graph,
    *,
    seed: int,
    method: Method = "leiden",
    ig: Prepared | None = None,
) -> dict[str, int]:
    """Community of each node by Leiden (modularity objective) or Louvain, the same for a seed.

    Communities are numbered 0, 1, … in the order of their smallest member id, so equal
    partitions get equal numbers. igraph draws from one process-wide generator; it is set to
    ``random.Random(seed)`` for the run and then back to igraph's default, the ``random``
    module (igraph cannot report a generator a caller set before).

    >>> two_triangles = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d"),
    ...                           ("d", "e"), ("e", "f"), ("d", "f")])
    >>> communities(two_triangles, seed=1)
    {'a': 0, 'b': 0, 'c': 0, 'd': 1, 'e': 1, 'f': 1}
    """
    if method not in ("leiden", "louvain"):
        raise ValueError(f"method must be 'leiden' or 'louvain', not {method!r}")
    g, names = _prepared(graph, ig)
    if not names:
        return {}
    with _RNG_LOCK:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            if method == "leiden":
                # igraph's default two iterations: iterating until stable gains little
                # modularity and can take minutes on a large graph without clear communities
                found = g.community_leiden(objective_function="modularity", n_iterations=2)
            else:
                found = g.community_multilevel()
        finally:
            igraph.set_random_number_generator(random)
    membership: list[int] = found.membership
    smallest: dict[int, str] = {}
    for node, label in zip(names, membership, strict=True):
        if label not in smallest or node < smallest[label]:
            smallest[label] = node
    number = {label: rank for rank, label in enumerate(sorted(smallest, key=smallest.__getitem__))}
    return {node: number[label] for node, label in zip(names, membership, strict=True)}


def participation_coefficient(
    graph: nx.Graph, membership: Mapping[str, int], *, nodes: Iterable[str] | None = None
) -> dict[str, float]:
    """Guimerà–Amaral participation: ``1 - Σ_s (k_s / k)²`` over the communities ``s`` of a
    node's ``k`` contacts; 0 when all contacts share one community and for isolated nodes.
    Every node, or only ``nodes``.

    >>> graph = nx.Graph([("a", "b"), ("a", "c"), ("a", "d"), ("a", "e")])
    >>> participation_coefficient(graph, {"a": 0, "b": 0, "c": 0, "d": 1, "e": 2})
    {'a': 0.625, 'b': 0.0, 'c': 0.0, 'd': 0.0, 'e': 0.0}
    """
    missing = [node for node in graph if node not in membership]
    if missing:
        raise ValueError(
            f"membership has no community for {len(missing)} nodes, e.g. {missing[0]!r}"
        )
    result: dict[str, float] = {}
    for node in graph if nodes is None else nodes:
        neighbours = graph.adj[node]
        spread = Counter(membership[other] for other in neighbours if other != node)
        k = sum(spread.values())
        result[node] = 1 - sum(count * count for count in spread.values()) / (k * k) if k else 0.0
    return result


def brokerage_roles(
    graph: nx.Graph,
    groups: Mapping[str, str | None],
    *,
    ig: Prepared | None = None,
    nodes: Iterable[str] | None = None,
) -> dict[str, dict[str, int]]:
    """Gould–Fernandez brokerage over a partition (five O's, neighbourhood), undirected.

    For a node ``b`` every pair of its contacts ``a``, ``c`` that are not tied to each other is
    one brokered pair, counted in one role by the groups of ``a``, ``b`` and ``c``:

    - ``coordinator``: all three in one group;
    - ``consultant``: ``a`` and ``c`` in one group, ``b`` in another (itinerant broker);
    - ``representative_gatekeeper``: ``b`` shares its group with exactly one of ``a``, ``c``
      (without directions the two roles cannot be told apart);
    - ``liaison``: three different groups.

    A node without a group (missing or ``None``) is a group of its own. Every node gets all
    four counts; with ``nodes``, only those nodes (their tied pairs are then found from their
    contacts' contacts instead of the whole graph's triangles).

    Method, exact and without a loop over pairs: with ``n_s`` contacts of ``b`` in group ``s``
    (``B`` being b's own group, ``o`` the contacts outside it), the pairs per role are
    ``C(n_B, 2)``, ``Σ_{s≠B} C(n_s, 2)``, ``n_B·o`` and ``(o² - Σ_{s≠B} n_s²) / 2``. A tied pair
    is a triangle through ``b``, so igraph's triangle list, classified the same way at each of
    its three corners, gives what to subtract. Cost: ties plus triangles.

    >>> graph = nx.Graph([("a", "b"), ("b", "c"), ("b", "d"), ("c", "d")])
    >>> brokerage_roles(graph, {"a": "x", "b": "y", "c": "x", "d": "z"})["b"]
    {'coordinator': 0, 'consultant': 1, 'representative_gatekeeper': 0, 'liaison': 1}
    """
    chosen: Iterable[str] = graph if nodes is None else list(nodes)
    # with nodes, only they and their contacts are looked at: only they get a label
    labelled: Iterable[str] = graph
    if nodes is not None:
        labelled = {other for node in chosen for other in graph.adj[node]} | set(chosen)
        labelled = sorted(labelled)
    codes: dict[str, int] = {}
    labels: dict[str, int] = {}
    for node in labelled:
        group = groups.get(node)
        if group is None:
            labels[node] = -1 - len(labels)  # negative: a group of its own, never shared
        else:
            labels[node] = codes.setdefault(group, len(codes))
    closed: dict[str, list[int]] = {}
    if nodes is None:
        g, names = _prepared(graph, ig)
        label = [labels[node] for node in names]
        counts = [[0] * 4 for _ in names]
        for x, y, z in g.list_triangles():
            lx, ly, lz = label[x], label[y], label[z]
            counts[x][broker_role(lx, ly, lz)] += 1
            counts[y][broker_role(ly, lx, lz)] += 1
            counts[z][broker_role(lz, lx, ly)] += 1
        closed = dict(zip(names, counts, strict=True))
    else:
        for node in chosen:
            contacts = set(graph.adj[node]) - {node}
            tally = [0, 0, 0, 0]
            for a in contacts:
                for c in graph.adj[a]:
                    if c in contacts and a < c:
                        tally[broker_role(labels[node], labels[a], labels[c])] += 1
            closed[node] = tally
    result: dict[str, dict[str, int]] = {}
    for node in chosen:
        own = labels[node]
        spread = Counter(labels[other] for other in graph.adj[node] if other != node)
        inside = spread.pop(own, 0)
        outside = sum(spread.values())
        squares = sum(count * count for count in spread.values())
        tied = closed[node]
        result[node] = {
            "coordinator": inside * (inside - 1) // 2 - tied[_COORDINATOR],
            "consultant": (squares - outside) // 2 - tied[_CONSULTANT],
            "representative_gatekeeper": inside * outside - tied[_GATEKEEPER],
            "liaison": (outside * outside - squares) // 2 - tied[_LIAISON],
        }
    return result


def broker_role(own: int, a: int, c: int) -> int:
    """The role of a broker in group ``own`` between contacts in groups ``a`` and ``c``: its
    index in :data:`ROLES`. Groups are compared by number only; shared with
    :mod:`graph.analysis.reference`, which counts the same roles pair by pair.

    >>> triads = [(1, 1, 1), (2, 1, 1), (1, 1, 3), (1, 2, 3)]
    >>> [ROLES[broker_role(own, a, c)] for own, a, c in triads]
    ['coordinator', 'consultant', 'representative_gatekeeper', 'liaison']
    """
    if a == c:
        return _COORDINATOR if a == own else _CONSULTANT
    return _GATEKEEPER if own in (a, c) else _LIAISON


def articulation_points(graph: nx.Graph, *, ig: Prepared | None = None) -> dict[str, list[int]]:
    """For each node whose removal splits its component: the sizes of the parts, largest first.

    The parts sum to the component's size minus one. Computed on the block-cut tree of
    igraph's biconnected components: below a cut node hang its child blocks' subtrees, and
    the rest of the component is the part above it.

    >>> articulation_points(nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("b", "d"), ("d", "e")]))
    {'b': [3, 1], 'd': [3, 1]}
    """
    g, names = _prepared(graph, ig)
    # igraph's own wrapper turns each block's spanning tree into a vertex set edge by edge
    # (3 s for a million residents); the parts need only each block's size, |tree| + 1, and
    # its cut vertices: those with a tree edge of the block among their own edges
    trees, cut_list = igraph.GraphBase.biconnected_components(g, True)
    block_of: dict[int, int] = {}
    for number, tree in enumerate(trees):
        block_of.update(dict.fromkeys(tree, number))
    cuts_in: list[list[int]] = [[] for _ in trees]
    for vertex in cut_list:
        for number in sorted({block_of[e] for e in g.incident(vertex) if e in block_of}):
            cuts_in[number].append(vertex)
    parts = _block_cut_parts([len(tree) + 1 for tree in trees], cuts_in)
    return {names[vertex]: parts[vertex] for vertex in sorted(parts)}


def parts_from_blocks(blocks: list[list[T]], cuts: set[T]) -> dict[T, list[int]]:
    """Part sizes per cut vertex from biconnected blocks (igraph's or networkx's).

    Below a cut vertex in the block-cut tree hang its child blocks' subtrees; the rest of the
    component is the part above it. The parts sum to the component's size minus one.

    >>> parts_from_blocks([["a", "b"], ["b", "c", "d"], ["d", "e"]], {"b", "d"})
    {'b': [3, 1], 'd': [3, 1]}
    """
    # a city's main block holds most of its nodes: each block's members are walked once, here
    cuts_in = [[vertex for vertex in members if vertex in cuts] for members in blocks]
    return _block_cut_parts([len(members) for members in blocks], cuts_in)


def _block_cut_parts(sizes: list[int], cuts_in: list[list[T]]) -> dict[T, list[int]]:
    """:func:`parts_from_blocks` from each block's size and the cut vertices in it."""
    blocks_at: dict[T, list[int]] = defaultdict(list)
    for number, members in enumerate(cuts_in):
        for vertex in members:
            blocks_at[vertex].append(number)
    parts: dict[T, list[int]] = {}
    placed = [False] * len(sizes)
    for root in range(len(sizes)):
        if placed[root]:
            continue
        placed[root] = True
        # depth first through one component's tree: each block with the cut vertex above it
        order: list[tuple[int, T | None]] = []
        below: dict[T, list[int]] = {}
        stack: list[tuple[int, T | None]] = [(root, None)]
        while stack:
            block, parent = stack.pop()
            order.append((block, parent))
            for vertex in cuts_in[block]:
                if vertex != parent:
                    children = [b for b in blocks_at[vertex] if not placed[b]]
                    for child in children:
                        placed[child] = True
                        stack.append((child, vertex))
                    below[vertex] = children
        # vertices in each block's subtree, not counting the cut vertex above it
        size: dict[int, int] = {}
        for block, parent in reversed(order):
            own = sizes[block] - (parent is not None)
            under = [below.get(vertex, []) for vertex in cuts_in[block] if vertex != parent]
            size[block] = own + sum(size[child] for children in under for child in children)
        component = size[root]
        for vertex, children in below.items():
            hanging = [size[child] for child in children]
            parts[vertex] = sorted([*hanging, component - 1 - sum(hanging)], reverse=True)
    return parts


def bridge_edges(graph: nx.Graph, *, ig: Prepared | None = None) -> list[tuple[str, str]]:
    """Ties whose removal disconnects their component, each as a sorted pair, sorted.

    >>> bridge_edges(nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")]))
    [('c', 'd')]
    """
    g, names = _prepared(graph, ig)
    ties = []
    for edge in g.bridges():
        u, v = g.es[edge].tuple
        a, b = names[u], names[v]
        ties.append((a, b) if a <= b else (b, a))
    return sorted(ties)
