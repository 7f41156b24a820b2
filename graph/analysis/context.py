"""Everything the network questions need, loaded from the store once per graph version.

The social fabric (a networkx graph) plus the attributes that are not part of it: skills,
needs, interests, the themes initiatives address and the skills they need, and the
neighbourhood tree. Scoping a question to neighbourhoods or a theme happens here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import networkx as nx

from graph.analysis.results import Lang, Scope
from graph.model import NodeLabel, RelType
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
SYSTEM_LABELS = frozenset({"Professional", "Organisation"})


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
    #: scoped graphs already cut, so the questions asked of one scope share one
    _scoped: dict[Scope, nx.Graph] = field(default_factory=dict, repr=False, compare=False)
    _worlds: dict[tuple[str, ...], NetworkContext] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def load(cls, store: GraphStore) -> NetworkContext:
        """One read of the projection (one statement on the embedded database)."""
        projection = store.projection()
        context = cls(projection.version, projection.fabric)
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
        return context

    # --- names ------------------------------------------------------------------------------

    def name(self, node_id: str) -> str:
        """A node's display name, or where no name may be shown the start of its pseudonymous
        id (``r-1a2b3c``: the prefix tells the kind), the same in every language."""
        data = self.fabric.nodes[node_id]
        name = data.get("display_name") or data.get("name")
        return str(name) if name else node_id[:8]

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
        children: dict[str, set[str]] = {}
        for code, area in self.areas.items():
            if area["parent"]:
                children.setdefault(area["parent"], set()).add(code)
        result: set[str] = set()
        pending = list(codes)
        while pending:
            code = pending.pop()
            if code not in result:
                result.add(code)
                pending.extend(children.get(code, ()))
        return result

    def restricted(self, codes: tuple[str, ...]) -> NetworkContext:
        """The network as someone working in these areas may see it: the fabric cut to the
        areas (:meth:`scoped`), the rest unchanged. Every question asked of it, and every
        id, name and path in its answers, stays within that part; made once per areas."""
        key = tuple(sorted(set(codes)))
        if key not in self._worlds:
            fabric = self.scoped(Scope(neighbourhoods=key))
            self._worlds[key] = replace(self, fabric=fabric, _scoped={}, _worlds={})
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
        if scope not in self._scoped:
            self._scoped[scope] = self._cut(scope)
        return self._scoped[scope]

    def _cut(self, scope: Scope) -> nx.Graph:
        graph = self.fabric
        keep: set[str] = set(graph.nodes)
        if scope.neighbourhoods:
            codes = self.area_codes(scope.neighbourhoods)
            located = {n for n, d in graph.nodes(data=True) if d.get("neighbourhood") in codes}
            keep = located | {
                other
                for node in located
                for other in graph.adj[node]
                if graph.nodes[other].get("label") in SYSTEM_LABELS
            }
        if scope.theme:
            theme = scope.theme
            core = {r for r, t in self.needs.items() if theme in t}
            core |= {r for r, t in self.interests.items() if theme in t}
            core |= {i for i, t in self.addresses.items() if theme in t}
            core &= keep
            keep = core | {other for node in core for other in graph.adj[node] if other in keep}
        return graph if len(keep) == graph.number_of_nodes() else graph.subgraph(keep).copy()
