"""Introductions as coaches would have followed them up on the sample, planted for the tests
of the publishable figure (seeded: the same every run).

Most residents who agreed to be contacted were introduced to an initiative, some to another
resident of their buurt, and about half the initiatives to an organisation; each introduction
stands at a status drawn with weights. By default only the marks are written (in one go, as
an import writes its rows), not the ties the happened ones made: the other tables count the
sample as it is, so that their own audits are of the sample's data. With ``ties`` the happened
ones also make their ties, as following them up does: a variant of the sample's network for
audits that must hold on any data, not only on the sample.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from graph.analysis.context import NetworkContext
from graph.introductions import kind_between
from graph.model import IntroductionStatus, NodeLabel, RelType
from graph.store import GraphStore
from importers.load import write_links

_STATUSES = list(IntroductionStatus)
_WEIGHTS = [3, 2, 2, 3]  # proposed, accepted, declined, happened


def plant_introductions(
    store: GraphStore, *, seed: int = 14, ties: bool = False
) -> dict[tuple[str, str], str]:
    """Mark introductions on the sample in ``store`` (``ties``: and write the ties the happened
    ones made); returns what was marked, by pair."""
    context = NetworkContext.load(store)
    rng = random.Random(seed)
    nodes = context.fabric.nodes
    residents = sorted(
        n for n, d in nodes(data=True) if d.get("label") == "Resident" and d.get("consent_contact")
    )
    initiatives = sorted(n for n, d in nodes(data=True) if d.get("label") == "Initiative")
    organisations = sorted(n for n, d in nodes(data=True) if d.get("label") == "Organisation")
    marked: dict[tuple[str, str], str] = {}
    for resident in residents:
        if rng.random() < 0.7:
            marked[(resident, rng.choice(initiatives))] = ""
        neighbours = [
            r for r in residents
            if r != resident and nodes[r].get("neighbourhood") == nodes[resident].get("neighbourhood")
        ]  # fmt: skip
        if neighbours and rng.random() < 0.3:
            pair = tuple(sorted((resident, rng.choice(neighbours))))
            marked[(pair[0], pair[1])] = ""
    for initiative in initiatives:
        if rng.random() < 0.5:
            marked[(initiative, rng.choice(organisations))] = ""
    for pair in marked:
        marked[pair] = rng.choices(_STATUSES, _WEIGHTS)[0].value
    _write(store, marked)
    if ties:
        _made(store, marked)
    return marked


_LABELS = {"r": NodeLabel.RESIDENT, "i": NodeLabel.INITIATIVE, "o": NodeLabel.ORGANISATION}
_DAY = date(2025, 6, 1)


def _made(store: GraphStore, marked: dict[tuple[str, str], str]) -> None:
    """The ties (acquaintance, participation, partnership) the happened introductions made."""
    links: dict[tuple[RelType, NodeLabel, NodeLabel], list[dict[str, Any]]] = {}
    for (source, target), status in marked.items():
        kind = kind_between(_LABELS[source[0]], _LABELS[target[0]])
        assert kind is not None
        if status == IntroductionStatus.HAPPENED.value:
            start, end = kind.tie_ends(source, target)
            row = {"source": start, "target": end, **kind.tie_properties(_DAY)}
            links.setdefault((kind.tie, *kind.tie_labels), []).append(row)
    write_links(store, links, files=["planted-ties"])


def _write(store: GraphStore, marked: dict[tuple[str, str], str]) -> None:
    links: dict[tuple[RelType, NodeLabel, NodeLabel], list[dict[str, Any]]] = {}
    for (source, target), status in marked.items():
        kind = kind_between(_LABELS[source[0]], _LABELS[target[0]])
        assert kind is not None
        row = {"source": source, "target": target, "status": status, "changed": _DAY}
        links.setdefault((kind.rel, kind.source, kind.target), []).append(row)
    write_links(store, links, files=["planted"])
