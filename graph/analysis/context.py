"""Everything the network questions need, loaded from the store once per graph version.

The social fabric (a networkx graph) plus the attributes that are not part of it: skills,
needs, interests, the themes initiatives address and the skills they need, and the
neighbourhood tree. Scoping a question to neighbourhoods or a theme happens here too.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from graph.analysis.metrics import MetricBackend
from graph.analysis.results import Lang, Scope
from graph.introductions import INTRODUCTION_TYPES
from graph.model import SYSTEM_LABELS as SYSTEM_WORLD
from graph.model import IntroductionStatus, NodeLabel, RelType
from graph.projection import Projection, areas_within, ordered_subgraph
from graph.projection_cache import ProjectionCache
from graph.store import GraphStore

L, T = NodeLabel, RelType

KIND_NL = {
    "Resident": "bewoner",
    "Professional": "professional",
    "Initiative": "initiatief",
    "Organisation": "organisatie",
}
KIND_EN = {
    "Resident": "resident",
    "Professional": "professional",
    "Initiative": "initiative",
    "Organisation": "organisation",
}
#: Lifeworld: residents and what they run themselves; system world: professionals and
#: organisations (an initiative led by professionals belongs to the system world too).
SYSTEM_LABELS = frozenset(label.value for label in SYSTEM_WORLD)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a projection's million dicts, lists and tuples
    are made: it would walk the growing heap a dozen times over, which was a third of loading
    the 100,000-resident city. They form no cycles; reference counting frees them as ever."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fits(twin: Any, graph: nx.Graph) -> bool:
    """Whether a kept twin (an igraph graph and its vertices' ids) was made of ``graph``."""
    try:
        ig, names = twin
        return bool(ig.vcount() == len(names) == len(graph)) and all(
            a == b for a, b in zip(names, sorted(graph), strict=True)
        )
    except (TypeError, ValueError, AttributeError):
        return False


#: How many dates' networks are kept (on disk per graph version, and in a server's memory):
#: a caller who asks about many dates does not fill either.
KEPT_DATES = 4


@dataclass
class NetworkContext:
    version: int
    fabric: nx.Graph
    areas: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> name, parent, level
    theme_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (nl, en)
    skill_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    skills: dict[str, dict[str, bool]] = field(default_factory=dict)  # resident -> skill -> willing
    needs: dict[str, dict[str, bool]] = field(default_factory=dict)  # resident -> theme -> special
    interests: dict[str, set[str]] = field(default_factory=dict)  # resident -> themes
    addresses: dict[str, set[str]] = field(default_factory=dict)  # initiative -> themes
    skills_needed: dict[str, set[str]] = field(default_factory=dict)  # initiative -> skills
    #: introductions followed up: (from, to) -> status (graph.introductions)
    introductions: dict[tuple[str, str], str] = field(default_factory=dict)
    #: scoped graphs already cut, so the questions asked of one scope share one
    _scoped: dict[Scope, nx.Graph] = field(default_factory=dict, repr=False, compare=False)
    _worlds: dict[tuple[str, ...], NetworkContext] = field(
        default_factory=dict, repr=False, compare=False
    )
    #: the igraph twins of scoped graphs, per scope and metrics module
    _twins: dict[tuple[Scope, str], Any] = field(default_factory=dict, repr=False, compare=False)
    #: whether the fabric is a part built in id order (read for some areas, or cut), which a
    #: scope that keeps all of it can share as it is
    _ordered: bool = field(default=False, repr=False, compare=False)
    #: the files this version is kept in, where the whole fabric's igraph twin is kept too
    _kept: ProjectionCache | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """What is kept on disk (:mod:`graph.projection_cache`): not the scoped graphs
        and igraph twins cut from it, which are made again as questions need them (the
        whole fabric's twin is kept apart, see :meth:`prepared`)."""
        state = dict(self.__dict__)
        state.update(_scoped={}, _worlds={}, _twins={}, _kept=None)
        return state

    @classmethod
    def load(
        cls, store: GraphStore, *, areas: tuple[str, ...] | None = None, as_of: str | None = None
    ) -> NetworkContext:
        """One read of the projection (one statement on the embedded database), or, for the
        whole graph, the file the store keeps of this graph version if there is one
        (:meth:`GraphStore.projection_cache`), written here after a read if there is not.

        With ``areas``, only their part is read: the context equals what
        ``load(store).restricted(areas)`` holds for every node in it (the attributes of
        residents elsewhere are not read), and answers every question the same, in the time
        the part takes rather than the city. It knows nothing outside that part: scope or
        restrict it within the areas only.

        With ``as_of``, the network as it was on that date, kept on disk the same way (a part
        of its own per date: ``as-of-2025-06-30``), so a command asking about the same date
        again loads it as fast as the present's.
        """
        cache = store.projection_cache() if areas is None else None
        part = "context" if as_of is None else "as-of-" + as_of
        with _collector_paused():
            if cache is not None:
                version = store.version()
                kept = cache.load_part(version, part)
                if isinstance(kept, NetworkContext) and kept.version == version:
                    kept._kept = cache if as_of is None else None  # the twin kept is the present's
                    return kept
            context = cls._from(store.projection(areas, as_of=as_of), ordered=areas is not None)
        if cache is not None and cache.save_part(context.version, part, context):
            context._kept = cache if as_of is None else None
            if as_of is not None:
                cache.trim(context.version, "as-of-", KEPT_DATES)
        return context

    @classmethod
    def _from(cls, projection: Projection, *, ordered: bool) -> NetworkContext:
        context = cls(projection.version, projection.fabric, _ordered=ordered)
        for code, fields in projection.attribute_nodes[L.NEIGHBOURHOOD].items():
            context.areas[code] = {
                "name": str(fields.get("name") or code),
                "parent": str(fields.get("parent") or ""),
                "level": str(fields.get("level") or ""),
            }
        for code, fields in projection.attribute_nodes[L.THEME].items():
            name = str(fields.get("name") or code)
            context.theme_names[code] = (name, str(fields.get("name_en") or name))
        for code, fields in projection.attribute_nodes[L.SKILL].items():
            name = str(fields.get("name") or code)
            context.skill_names[code] = (name, str(fields.get("name_en") or name))
        ties = projection.attribute_ties
        for a, b, fields in ties[T.HAS_SKILL]:
            context.skills.setdefault(a, {})[b] = bool(fields.get("willing_to_share"))
        for a, b, fields in ties[T.HAS_NEED]:
            context.needs.setdefault(a, {})[b] = bool(fields.get("special"))
        for a, b, _ in ties[T.INTERESTED_IN]:
            context.interests.setdefault(a, set()).add(b)
        for a, b, _ in ties[T.ADDRESSES]:
            context.addresses.setdefault(a, set()).add(b)
        for a, b, _ in ties[T.NEEDS_SKILL]:
            context.skills_needed.setdefault(a, set()).add(b)
        for rel in INTRODUCTION_TYPES:
            for a, b, fields in ties.get(rel, ()):
                context.introductions[(a, b)] = str(fields.get("status"))
        return context

    # --- names ------------------------------------------------------------------------------

    def name(self, node_id: str) -> str:
        """A node's display name, or where no name may be shown the start of its pseudonymous
        id (``r-1a2b3c``: the prefix tells the kind), the same in every language."""
        data = self.fabric.nodes[node_id]
        name = data.get("display_name") or data.get("name")
        return str(name) if name else node_id[:8]

    def may_contact(self, node_id: str) -> bool:
        """Whether an answer may propose ``node_id`` to someone: a resident only if they agreed
        to be approached for an introduction (``consent_contact``); professionals,
        organisations and initiatives take part in their work's name.

        >>> import networkx as nx
        >>> fabric = nx.Graph()
        >>> fabric.add_node("r-1", label="Resident", consent_contact=True)
        >>> fabric.add_node("r-2", label="Resident")
        >>> fabric.add_node("p-1", label="Professional")
        >>> context = NetworkContext(1, fabric)
        >>> [context.may_contact(n) for n in ("r-1", "r-2", "p-1")]
        [True, False, True]
        """
        data = self.fabric.nodes[node_id]
        return data.get("label") != "Resident" or data.get("consent_contact") is True

    def introduction(self, a: str, b: str) -> str | None:
        """The status of the introduction of ``a`` to ``b`` (either way round), if one was
        followed up (:mod:`graph.introductions`)."""
        return self.introductions.get((a, b)) or self.introductions.get((b, a))

    def declined(self, a: str, b: str) -> bool:
        """Whether introducing ``a`` to ``b`` was declined: then no answer proposes it again.

        >>> import networkx as nx
        >>> context = NetworkContext(1, nx.Graph(), introductions={("r-1", "i-1"): "declined"})
        >>> context.declined("i-1", "r-1"), context.declined("r-1", "i-2")
        (True, False)
        """
        return self.introduction(a, b) == IntroductionStatus.DECLINED

    def declined_with(self, node_id: str) -> set[str]:
        """Everyone and everything an introduction of ``node_id`` was declined with."""
        return {
            b if a == node_id else a
            for (a, b), status in self.introductions.items()
            if node_id in (a, b) and status == IntroductionStatus.DECLINED
        }

    def person(self, node_id: str) -> dict[str, str | None]:
        """Beside a resident's name, what tells two of the same name apart: their buurt (code
        and name) and age band, as an item's figures.

        >>> import networkx as nx
        >>> fabric = nx.Graph()
        >>> fabric.add_node("r-1", label="Resident", neighbourhood="BU1", age_band="27-44")
        >>> context = NetworkContext(1, fabric, areas={"BU1": {"name": "Bloemenbuurt"}})
        >>> context.person("r-1")
        {'neighbourhood': 'BU1', 'neighbourhood_name': 'Bloemenbuurt', 'age_band': '27-44'}
        """
        data = self.fabric.nodes[node_id]
        home = data.get("neighbourhood")
        return {
            "neighbourhood": str(home) if home else None,
            "neighbourhood_name": self.area_name(str(home)) if home else None,
            "age_band": str(data["age_band"]) if data.get("age_band") else None,
        }

    def area_name(self, code: str) -> str:
        return self.areas.get(code, {}).get("name", code)

    def theme_name(self, code: str, lang: Lang = "nl") -> str:
        names = self.theme_names.get(code, (code, code))
        return names[0] if lang == "nl" else names[1]

    def skill_name(self, code: str, lang: Lang = "nl") -> str:
        names = self.skill_names.get(code, (code, code))
        return names[0] if lang == "nl" else names[1]

    # --- scope ------------------------------------------------------------------------------

    def area_codes(self, codes: tuple[str, ...]) -> set[str]:
        """The given areas and every area that lies within them (a wijk's buurten)."""
        return areas_within(self.areas, codes)

    def restricted(self, codes: tuple[str, ...]) -> NetworkContext:
        """The network as someone working in these areas may see it: the fabric cut to the
        areas (:meth:`scoped`), the rest unchanged. Every question asked of it, and every
        id, name and path in its answers, stays within that part; made once per areas."""
        key = tuple(sorted(set(codes)))
        if key not in self._worlds:
            fabric = self.scoped(Scope(neighbourhoods=key))
            self._worlds[key] = replace(
                self, fabric=fabric, _scoped={}, _worlds={}, _twins={}, _ordered=True, _kept=None
            )
        return self._worlds[key]

    def in_lifeworld(self, node_id: str) -> bool:
        data = self.fabric.nodes[node_id]
        if data.get("label") in SYSTEM_LABELS:
            return False
        return not (data.get("label") == "Initiative" and data.get("lead") == "professionals")

    def scoped(self, scope: Scope) -> nx.Graph:
        """The part of the fabric a question looks at.

        Neighbourhoods: the residents, initiatives and organisations located there (and in the
        areas within), with the professionals and organisations from elsewhere that they are
        tied to (the system world serving them). Cut once per scope and shared by every
        question asked of it: read it, never change it. Theme: the residents who need or are interested in it and the initiatives that
        address it, with everyone they are tied to.
        """
        scope = scope.area()
        if scope not in self._scoped:
            self._scoped[scope] = self._cut(scope)
        return self._scoped[scope]

    def prepared(self, scope: Scope, metrics: MetricBackend[Any]) -> Any:
        """``metrics.to_igraph`` of the scope's graph, made once per scope: the questions that
        run in igraph share one conversion (a third of a second for a city of 100,000, 4 s for
        a million). The whole fabric's is kept on disk beside the context when that is kept,
        so the next command reads it back instead (a quarter of the time)."""
        scope = scope.area()
        key = (scope, metrics.__name__)
        if key not in self._twins:
            graph = self.scoped(scope)
            whole = self._kept is not None and graph is self.fabric
            part = "twin-" + metrics.__name__.rsplit(".", 1)[-1]
            twin = self._kept.load_part(self.version, part) if whole else None  # type: ignore[union-attr]
            if twin is None or not _fits(twin, graph):
                with _collector_paused():
                    twin = metrics.to_igraph(graph)
                if whole and twin is not None:
                    self._kept.save_part(self.version, part, twin)  # type: ignore[union-attr]
            self._twins[key] = twin
        return self._twins[key]

    def _cut(self, scope: Scope) -> nx.Graph:
        """The scope's part, built in id order (as the store builds a part it reads on its own:
        the same graph, so the same answers)."""
        graph = self.fabric
        if not scope.neighbourhoods and not scope.theme:
            return graph
        # the nodes' data and ties as the plain dicts they are: through networkx's views, each
        # costs a call
        nodes = dict(graph.nodes(data=True))
        adjacency = dict(graph.adjacency())
        keep: set[str] = set(nodes)
        if scope.neighbourhoods:
            codes = self.area_codes(scope.neighbourhoods)
            located = {n for n, d in nodes.items() if d.get("neighbourhood") in codes}
            keep = located | {
                other
                for node in located
                for other in adjacency[node]
                if nodes[other].get("label") in SYSTEM_LABELS
            }
        if scope.theme:
            theme = scope.theme
            core = {r for r, t in self.needs.items() if theme in t}
            core |= {r for r, t in self.interests.items() if theme in t}
            core |= {i for i, t in self.addresses.items() if theme in t}
            core &= keep
            keep = core | {other for node in core for other in adjacency[node] if other in keep}
        if self._ordered and len(keep) == len(nodes):
            return graph
        return ordered_subgraph(graph, keep)
