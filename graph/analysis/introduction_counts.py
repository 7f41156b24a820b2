"""Who the publishable figure of introductions counts: per neighbourhood and kind, how many
were proposed and how many happened (:mod:`graph.introductions`).

An introduction counts as proposed once a coach or an integration marked it, whatever its
status since; as happened once it happened. Every count is of distinct people, as every
count of persons is: the residents introduced (to an initiative, or to each other: both of
them), each in the row of their own neighbourhood, a resident introduced twice counting
once. An introduction of an initiative to an organisation counts the initiative (not a
person: published as it is), in the initiative's row. The rows are every neighbourhood where
residents or initiatives are, so that a neighbourhood without introductions shows zeros.

>>> import networkx as nx
>>> fabric = nx.Graph()
>>> fabric.add_nodes_from([("r1", {"label": "Resident", "neighbourhood": "BU1"}),
...                        ("r2", {"label": "Resident", "neighbourhood": "BU2"}),
...                        ("i1", {"label": "Initiative", "neighbourhood": "BU1"})])
>>> marks = {("r1", "i1"): "declined", ("r1", "r2"): "happened"}
>>> counts = count_happened(NetworkContext(1, fabric, introductions=marks))
>>> sorted(counts.rows), dict(counts.members)
(['BU1', 'BU2'], {('BU1', 'resident_resident'): {'r1'}, ('BU2', 'resident_resident'): {'r2'}})
"""

from __future__ import annotations

from graph.analysis.context import NetworkContext
from graph.analysis.counting import Counts, Key, located
from graph.introductions import INITIATIVE_ORGANISATION, KINDS, kind_between
from graph.model import IntroductionStatus, NodeLabel

#: The columns of the figure: the kinds of introduction.
COLUMNS: list[str] = list(KINDS)


def _count(context: NetworkContext, *, happened_only: bool) -> Counts:
    homes = dict(located(context, "Resident")) | dict(located(context, "Initiative"))
    counts = Counts(rows=set(homes.values()), columns=COLUMNS)
    nodes = context.fabric.nodes
    for (source, target), status in context.introductions.items():
        if happened_only and status != IntroductionStatus.HAPPENED:
            continue
        if source not in nodes or target not in nodes:
            continue
        kind = kind_between(NodeLabel(nodes[source]["label"]), NodeLabel(nodes[target]["label"]))
        if kind is None:
            continue
        introduced = (source, target) if kind.target == NodeLabel.RESIDENT else (source,)
        for member in introduced:
            if member in homes:
                counts.add(homes[member], kind.key, member)
    return counts


def count_proposed(context: NetworkContext) -> Counts:
    """Every introduction marked, whatever its status since."""
    return _count(context, happened_only=False)


def count_happened(context: NetworkContext) -> Counts:
    """The introductions that happened."""
    return _count(context, happened_only=True)


def counts_persons(key: Key) -> bool:
    """Residents are persons; the initiatives introduced to an organisation are not."""
    return key[1] != INITIATIVE_ORGANISATION
