"""The introductions an answer proposes, item by item: what a coach or an integration can
follow up (:mod:`graph.introductions`).

- ``isolated``: the initiatives offered to the isolated resident (resident → initiative);
- ``unused-strengths``: the initiatives that look for the resident's strength (the same);
- ``five-o``: the organisations nearby that could bring a missing O (initiative →
  organisation);
- recommendations for a resident: its initiatives (resident → initiative) and residents
  (resident → resident); for an initiative: its residents (resident → initiative) and
  organisations (initiative → organisation).

The opportunities' candidate owners and a neighbourhood's recommendations propose a new
initiative, not an introduction; the bridges and ownership propose nothing.

>>> from graph.analysis.results import Answer, Item, Scope
>>> item = Item(id="i-1", kind="Initiative", name="Moestuin", score=0.4,
...             figures={"nearby": {"onderwijs": ["o-2", "o-1"]}})
>>> proposals(Answer(question="five-o", scope=Scope(), version=1, items=[item]))
{'i-1': [Proposal(kind='initiative_organisation', source='i-1', target='o-2'), \
Proposal(kind='initiative_organisation', source='i-1', target='o-1')]}
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.analysis.results import Answer, Item
from graph.introductions import INITIATIVE_ORGANISATION, RESIDENT_INITIATIVE, RESIDENT_RESIDENT


@dataclass(frozen=True)
class Proposal:
    """An introduction an answer proposes: its kind (a key of :data:`~graph.introductions.KINDS`),
    who or what is introduced (``source``) to whom or what (``target``)."""

    kind: str
    source: str
    target: str


def _isolated(item: Item) -> list[Proposal]:
    targets = [r.data["initiative"] for r in item.reasons if "initiative" in r.data]
    return [Proposal(RESIDENT_INITIATIVE, item.id, t) for t in dict.fromkeys(targets)]


def _strengths(item: Item) -> list[Proposal]:
    targets = [match["initiative"] for match in item.figures.get("matches", [])]
    return [Proposal(RESIDENT_INITIATIVE, item.id, t) for t in dict.fromkeys(targets)]


def _five_o(item: Item) -> list[Proposal]:
    nearby: dict[str, list[str]] = item.figures.get("nearby", {})
    targets = [org for orgs in nearby.values() for org in orgs]
    return [Proposal(INITIATIVE_ORGANISATION, item.id, t) for t in dict.fromkeys(targets)]


_BY_QUESTION = {"isolated": _isolated, "unused-strengths": _strengths, "five-o": _five_o}


def proposals(answer: Answer) -> dict[str, list[Proposal]]:
    """What a network question's answer proposes, per item id (items proposing nothing are
    left out)."""
    each = _BY_QUESTION.get(answer.question)
    if each is None:
        return {}
    found = {item.id: each(item) for item in answer.items}
    return {item: proposed for item, proposed in found.items() if proposed}


def recommended(answer: Answer, kind: str, subject: str) -> dict[str, list[Proposal]]:
    """What the recommendations for ``subject`` (a ``kind``: ``"resident"``,
    ``"initiative"`` or ``"neighbourhood"``) propose, per item id."""
    found: dict[str, list[Proposal]] = {}
    for item in answer.items:
        proposal = None
        if kind == "resident" and item.kind == "Initiative":
            proposal = Proposal(RESIDENT_INITIATIVE, subject, item.id)
        elif kind == "resident" and item.kind == "Resident":
            proposal = Proposal(RESIDENT_RESIDENT, subject, item.id)
        elif kind == "initiative" and item.kind == "Resident":
            proposal = Proposal(RESIDENT_INITIATIVE, item.id, subject)
        elif kind == "initiative" and item.kind == "Organisation":
            proposal = Proposal(INITIATIVE_ORGANISATION, subject, item.id)
        if proposal is not None:
            found[item.id] = [proposal]
    return found
