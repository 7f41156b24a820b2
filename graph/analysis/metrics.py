"""What a metric backend offers: the measures the network questions compute, one signature each.

Two modules implement it: :mod:`graph.analysis.brokerage` (igraph, what the questions use) and
:mod:`graph.analysis.reference` (networkx alone, the reference and the bench baseline). A
question takes either as ``metrics=`` and calls only what :class:`MetricBackend` lists, so the
two stay interchangeable: mypy checks both modules against it (the assignments at the bottom of
this module), and ``tests/graph/analysis/test_metric_backends.py`` checks their parameter names
at run time.

The shape follows networkx's backend interface: a backend converts a networkx graph once into
its own form (:meth:`MetricBackend.to_igraph`, networkx's ``convert_from_nx``) and every
measure takes that form back as ``ig=``, so several measures share one conversion. The form is
the backend's own business, hence the type parameter: igraph's twin and its vertex ids for
:mod:`~graph.analysis.brokerage`, ``None`` for :mod:`~graph.analysis.reference`, which works
on the graph itself. Code that takes any backend writes ``MetricBackend[Any]``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias, TypeVar

import networkx as nx

__all__ = ["Method", "MetricBackend"]

#: A backend's form of a graph, made by ``to_igraph`` and taken back by every ``ig=``.
Twin = TypeVar("Twin")

#: Community detection methods: Leiden optimising modularity, or Louvain.
Method: TypeAlias = Literal["leiden", "louvain"]


class MetricBackend(Protocol[Twin]):
    """The measures a backend module offers; see each function in :mod:`~graph.analysis.brokerage`
    for what it computes. Results are keyed by node id; self-loops are ignored throughout."""

    #: the module's name, which keys the twins a network context keeps per backend
    __name__: str

    def to_igraph(self, graph: nx.Graph) -> Twin:
        """The backend's form of ``graph``, made once and passed to the measures as ``ig=``."""
        ...

    def betweenness(
        self, graph: nx.Graph, *, cutoff: int | None = None, ig: Twin | None = None
    ) -> dict[str, float]:
        """Shortest-path betweenness, normalised; ``cutoff`` bounds the path length."""
        ...

    def coreness(self, graph: nx.Graph, *, ig: Twin | None = None) -> dict[str, int]:
        """The k-core each node belongs to."""
        ...

    def component_sizes(self, graph: nx.Graph, *, ig: Twin | None = None) -> dict[str, int]:
        """The size of each node's connected component."""
        ...

    def constraint(
        self, graph: nx.Graph, *, ig: Twin | None = None, nodes: Iterable[str] | None = None
    ) -> dict[str, float]:
        """Burt's constraint of every node, or only ``nodes``."""
        ...

    def effective_size(
        self, graph: nx.Graph, *, ig: Twin | None = None, nodes: Iterable[str] | None = None
    ) -> dict[str, float]:
        """Burt's effective size of every node, or only ``nodes``."""
        ...

    def communities(
        self, graph: nx.Graph, *, seed: int, method: Method = ..., ig: Twin | None = None
    ) -> dict[str, int]:
        """The community of each node, numbered in the order of their smallest member id; the
        same for a seed. Each backend has its own default method."""
        ...

    def participation_coefficient(
        self,
        graph: nx.Graph,
        membership: Mapping[str, int],
        *,
        nodes: Iterable[str] | None = None,
    ) -> dict[str, float]:
        """Guimerà–Amaral participation over the communities in ``membership``."""
        ...

    def brokerage_roles(
        self,
        graph: nx.Graph,
        groups: Mapping[str, str | None],
        *,
        ig: Twin | None = None,
        nodes: Iterable[str] | None = None,
    ) -> dict[str, dict[str, int]]:
        """Gould–Fernandez brokerage counts per role over the partition ``groups``."""
        ...

    def articulation_points(
        self, graph: nx.Graph, *, ig: Twin | None = None
    ) -> dict[str, list[int]]:
        """For each cut node: the sizes of the parts its removal leaves, largest first."""
        ...

    def bridge_edges(self, graph: nx.Graph, *, ig: Twin | None = None) -> list[tuple[str, str]]:
        """Ties whose removal disconnects their component, each a sorted pair, sorted."""
        ...


if TYPE_CHECKING:
    # mypy checks both modules against the protocol here (modules can implement protocols).
    # Only mypy imports them: at run time nothing here needs igraph, and either module may
    # import this one without a cycle.
    from graph.analysis import brokerage, reference

    _IGRAPH: MetricBackend[brokerage.Prepared] = brokerage
    _NETWORKX: MetricBackend[None] = reference
