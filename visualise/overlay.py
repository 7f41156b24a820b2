"""What a network question adds to a map: roles for nodes, marked ties and suggested ties.

Each answer item becomes marks on the nodes it is about:

- ``answer``: the item itself (a bridge, an isolated resident, a resident with an unused
  strength, an initiative missing some of the five O's);
- ``target`` and ``via``: the end and the middle of its evidence path (the initiative that
  needs the strength or fits the isolated resident, and who can introduce them);
- ``candidate`` and ``need``: for a collective opportunity, the possible owners and the
  residents of that neighbourhood with that support question; a need flagged ``special``
  (health data, AVG art. 9) is counted in the answer but never marked on a person.

Ties: the bridge ties of the Bridges answer, the ties along an evidence path, and a dashed
suggested tie from a resident to the initiative the answer points them to where no tie exists.

>>> from graph.analysis.results import Answer, Item, Scope
>>> fabric = nx.Graph([("r1", "r2"), ("r2", "i1")])
>>> item = Item(id="r1", kind="Resident", name="r1", score=0.5, path=["r1", "r2", "i1"])
>>> answer = Answer(question="isolated", scope=Scope(), version=1, items=[item])
>>> marks = overlay_for(answer, NetworkContext(1, fabric), lang="nl")
>>> marks.roles, [(s.source, s.target) for s in marks.suggestions]
({'r1': ['answer'], 'r2': ['via'], 'i1': ['target']}, [('r1', 'i1')])
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import networkx as nx

from graph.analysis.context import NetworkContext
from graph.analysis.engine import CATALOGUE
from graph.analysis.results import Answer, Item, Lang
from visualise.style import ROLE_ORDER


@dataclass(frozen=True)
class Suggestion:
    """A tie the answer proposes: not in the data, drawn dashed."""

    source: str
    target: str
    title: str


@dataclass
class Overlay:
    """The marks of one answer, with texts in one language."""

    question: str
    title: str
    roles: dict[str, list[str]] = field(default_factory=dict)
    rank: dict[str, int] = field(default_factory=dict)
    score: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    #: existing ties by their sorted end pair: "bridge" or "path"
    edge_roles: dict[tuple[str, str], str] = field(default_factory=dict)
    suggestions: list[Suggestion] = field(default_factory=list)
    #: per answer item, the nodes it marks (to tell which items a map shows)
    item_nodes: list[set[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def primary_role(self, node: str) -> str | None:
        """The strongest role of a node, or ``None`` when the answer does not touch it."""
        roles = self.roles.get(node)
        if not roles:
            return None
        return min(roles, key=ROLE_ORDER.index)

    def shown_items(self, drawn: set[str]) -> int:
        return sum(1 for nodes in self.item_nodes if nodes & drawn)

    def mark(self, node: str, role: str, reason: str | None = None) -> None:
        """Give ``node`` a role (once), with the reason it has it."""
        roles = self.roles.setdefault(node, [])
        if role not in roles:
            roles.append(role)
        if reason:
            texts = self.reasons.setdefault(node, [])
            if reason not in texts:
                texts.append(reason)


def overlay_for(answer: Answer, context: NetworkContext, *, lang: Lang) -> Overlay:
    """The marks ``answer`` puts on the fabric of ``context``, with texts in ``lang``."""
    entry = CATALOGUE.get(answer.question)
    title = (entry.title_nl if lang == "nl" else entry.title_en) if entry else answer.question
    overlay = Overlay(answer.question, title)
    fabric = context.fabric
    for rank, item in enumerate(answer.items, start=1):
        touched: set[str] = set()
        if item.id in fabric:
            overlay.mark(item.id, "answer")
            overlay.reasons.setdefault(item.id, []).extend(r.text(lang) for r in item.reasons)
            overlay.rank.setdefault(item.id, rank)
            overlay.score.setdefault(item.id, item.score)
            touched.add(item.id)
        touched |= _mark_path(overlay, item, fabric, lang)
        if item.kind == "opportunity":
            touched |= _mark_opportunity(overlay, item, context, lang)
        overlay.item_nodes.append(touched)
    for tie in answer.summary.get("ties", []) if answer.question == "bridges" else []:
        a, b = (str(end) for end in tie)
        if fabric.has_edge(a, b):
            overlay.edge_roles[_pair(a, b)] = "bridge"
    overlay.notes = [note.text(lang) for note in answer.notes]
    return overlay


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _mark_path(overlay: Overlay, item: Item, fabric: nx.Graph, lang: Lang) -> set[str]:
    path = [node for node in item.path if node in fabric]
    if len(path) < 2 or path[0] != item.id:
        return set()
    target = path[-1]
    # the reason that names the target says why it is there
    why = next(
        (r.text(lang) for r in item.reasons if target in r.data.values()),
        item.reasons[-1].text(lang) if item.reasons else item.name,
    )
    for via in path[1:-1]:
        overlay.mark(via, "via", why)
    overlay.mark(target, "target", why)
    for a, b in itertools.pairwise(path):
        if fabric.has_edge(a, b):
            overlay.edge_roles.setdefault(_pair(a, b), "path")
    if not fabric.has_edge(item.id, target):
        overlay.suggestions.append(Suggestion(item.id, target, why))
    return set(path)


def _mark_opportunity(
    overlay: Overlay, item: Item, context: NetworkContext, lang: Lang
) -> set[str]:
    fabric = context.fabric
    home = item.figures.get("neighbourhood")
    theme = item.figures.get("theme")
    headline = item.reasons[0].text(lang) if item.reasons else item.name
    touched: set[str] = set()
    for candidate in item.figures.get("candidates", []):
        node = str(candidate.get("id", "")) if isinstance(candidate, dict) else str(candidate)
        if node in fabric:
            overlay.mark(node, "candidate", f"{item.name}: {headline}")
            touched.add(node)
    if home and theme:
        for resident, needs in context.needs.items():
            # a special (health) need is never marked on a person
            if (
                needs.get(theme) is False
                and resident in fabric
                and fabric.nodes[resident].get("neighbourhood") == home
            ):
                overlay.mark(resident, "need", f"{item.name}: {headline}")
                touched.add(resident)
    return touched
