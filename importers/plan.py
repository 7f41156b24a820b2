"""What an import will write: its node and relationship rows, and which sheet gives which.

A :class:`Plan` is made from the valid records of an import (:mod:`importers.plan_builder`)
before anything is written, so an import with errors writes nothing, and the writing
(:mod:`importers.load`) sends each label's and each relationship's rows in batches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.model import NodeLabel, RelType

L, T = NodeLabel, RelType
#: Sheets whose rows are nodes with a pseudonymised source id.
ENTITY_SHEETS: dict[str, tuple[str, NodeLabel]] = {
    "residents": ("resident", L.RESIDENT),
    "professionals": ("professional", L.PROFESSIONAL),
    "organisations": ("organisation", L.ORGANISATION),
    "initiatives": ("initiative", L.INITIATIVE),
}
#: Relationship sheets: type, and the (column, sheet) of each end; ``None`` sheet = vocabulary.
LINK_SHEETS: dict[str, tuple[RelType, str, str]] = {
    "ties": (T.KNOWS, "resident", "other_resident"),
    "participation": (T.PARTICIPATES_IN, "resident", "initiative"),
    "partnerships": (T.PARTNER_OF, "organisation", "initiative"),
    "collaborations": (T.COLLABORATES_WITH, "organisation", "other_organisation"),
    "coaching": (T.COACHES, "professional", "initiative"),
    "skills": (T.HAS_SKILL, "resident", "skill"),
    "skills_needed": (T.NEEDS_SKILL, "initiative", "skill"),
    "needs": (T.HAS_NEED, "resident", "theme"),
    "interests": (T.INTERESTED_IN, "resident", "theme"),
}


@dataclass
class Plan:
    nodes: dict[NodeLabel, dict[str, dict[str, Any]]] = field(default_factory=dict)
    links: dict[tuple[RelType, NodeLabel, NodeLabel], list[dict[str, Any]]] = field(
        default_factory=dict
    )

    def node(self, label: NodeLabel, node_id: str, /, **props: Any) -> None:
        self.nodes.setdefault(label, {})[node_id] = {"id": node_id, **props}

    def link(self, rel: RelType, source: NodeLabel, target: NodeLabel, /, **row: Any) -> None:
        """One relationship row: ``source`` and ``target`` ids plus its properties."""
        self.links.setdefault((rel, source, target), []).append(row)
