"""Introductions followed up, as the questions see them (issue 14), on both databases: a
declined introduction is never proposed again, by any question or recommendation, whole or
within areas; one that happened is the tie it describes, and the isolated answer follows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.analysis.engine import CATALOGUE, Analyst
from graph.analysis.proposals import Proposal, proposals, recommended
from graph.analysis.results import Scope
from graph.model import IntroductionStatus, NodeLabel
from graph.settings import Settings
from graph.store import GraphStore
from importers.introductions import mark_introduction
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files

LABELS = {"r": NodeLabel.RESIDENT, "i": NodeLabel.INITIATIVE, "o": NodeLabel.ORGANISATION}


@pytest.fixture
def analyst(store: GraphStore, store_settings: Settings) -> Analyst:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return Analyst(store)


def _mark(analyst: Analyst, proposal: Proposal, status: IntroductionStatus) -> None:
    store = analyst.store
    source = store.get_node(LABELS[proposal.source[0]], proposal.source)
    target = store.get_node(LABELS[proposal.target[0]], proposal.target)
    mark_introduction(store, source, target, status)


def _pair(proposal: Proposal) -> tuple[str, frozenset[str]]:
    return proposal.kind, frozenset((proposal.source, proposal.target))


def everything_proposed(
    analyst: Analyst, within: tuple[str, ...] = ()
) -> Iterator[tuple[str, Proposal]]:
    """Every introduction any question (whole, or per area) or recommendation proposes, as
    someone working ``within`` these areas is answered, with where it was proposed."""
    context = analyst.context_within(within)
    areas = [
        (),
        *((code,) for code in sorted(context.area_codes(within) if within else context.areas)),
    ]
    for question in CATALOGUE:
        for codes in areas:
            answer = analyst.ask(question, Scope(neighbourhoods=codes), limit=500, within=within)
            for found in proposals(answer).values():
                yield from ((question, proposal) for proposal in found)
    nodes = context.fabric.nodes
    for node, data in sorted(nodes(data=True)):
        kind = {"Resident": "resident", "Initiative": "initiative"}.get(data.get("label", ""))
        if kind is None:
            continue
        answer = analyst.recommend(**{kind: node}, limit=500, within=within)  # type: ignore[arg-type]
        for found in recommended(answer, kind, node).values():
            yield from ((f"recommendations for a {kind}", proposal) for proposal in found)


def _markable(analyst: Analyst, proposal: Proposal) -> bool:
    nodes = analyst.context().fabric.nodes
    return all(
        nodes[end].get("consent_contact") is True
        for end in (proposal.source, proposal.target)
        if end.startswith("r-")
    )


def test_a_declined_introduction_is_never_proposed_again(analyst: Analyst) -> None:
    # a few of each kind from each answer that proposes it, first come first
    chosen: dict[tuple[str, str], list[Proposal]] = {}
    for origin, proposal in everything_proposed(analyst):
        picked = chosen.setdefault((origin, proposal.kind), [])
        if len(picked) < 3 and proposal not in picked and _markable(analyst, proposal):
            picked.append(proposal)
    assert sorted(chosen) == [
        ("five-o", "initiative_organisation"),
        ("isolated", "resident_initiative"),
        ("recommendations for a initiative", "initiative_organisation"),
        ("recommendations for a initiative", "resident_initiative"),
        ("recommendations for a resident", "resident_initiative"),
        ("recommendations for a resident", "resident_resident"),
        ("unused-strengths", "resident_initiative"),
    ]
    assert all(len(picked) == 3 for picked in chosen.values()), chosen
    declined = {proposal for picked in chosen.values() for proposal in picked}
    for proposal in declined:
        _mark(analyst, proposal, IntroductionStatus.DECLINED)
    refused = {_pair(proposal) for proposal in declined}
    buurt = sorted(c for c, a in analyst.context().areas.items() if a["level"] == "buurt")[0]
    for within in ((), (buurt,)):
        after = [proposal for _, proposal in everything_proposed(analyst, within)]
        again = {_pair(proposal) for proposal in after} & refused
        assert not again, (within, again)
        assert after, "the rest is still proposed"
    # a coach's part, read on its own before the whole is in hand, knows the declines too
    fresh = Analyst(analyst.store)
    after = [proposal for _, proposal in everything_proposed(fresh, (buurt,))]
    assert fresh.current_context() is None, "the part was read on its own"
    assert not {_pair(proposal) for proposal in after} & refused


def test_proposed_and_accepted_ones_are_still_proposed(analyst: Analyst) -> None:
    """Only a no ends the proposals: one in progress stays in the answers (with its status
    beside it on the pages)."""
    answer = analyst.ask("five-o", limit=500)
    first = next(iter(proposals(answer).values()))[0]
    _mark(analyst, first, IntroductionStatus.ACCEPTED)
    again = proposals(analyst.ask("five-o", limit=500))
    assert first in again[first.source]
    assert analyst.context().introduction(first.source, first.target) == "accepted"


def test_a_happened_introduction_is_the_tie_and_the_isolated_answer_changes(
    analyst: Analyst,
) -> None:
    answer = analyst.ask("isolated", limit=500)
    nodes = analyst.context().fabric.nodes
    item = next(
        item
        for item in answer.items
        if nodes[item.id].get("consent_contact") and item.id in proposals(answer)
        and "no_ties" in item.figures["signals"]
    )  # fmt: skip
    proposal = proposals(answer)[item.id][0]
    _mark(analyst, proposal, IntroductionStatus.HAPPENED)

    context = analyst.context()
    assert context.fabric.edges[item.id, proposal.target]["type"] == "PARTICIPATES_IN"
    after = analyst.ask("isolated", limit=500)
    changed = {i.id: i for i in after.items}.get(item.id)
    # they have a tie now and take part: no longer without ties, nor taking part in nothing
    if changed is not None:
        assert "no_ties" not in changed.figures["signals"]
        assert "no_participation" not in changed.figures["signals"]
        assert proposal not in proposals(after).get(item.id, [])
    assert after.summary["isolated"] <= answer.summary["isolated"]
    assert after.summary["signals"]["no_ties"] == answer.summary["signals"]["no_ties"] - 1
    assert after.version > answer.version


def test_a_resident_introduced_to_a_resident_knows_them_after(analyst: Analyst) -> None:
    resident = next(
        n
        for n, d in sorted(analyst.context().fabric.nodes(data=True))
        if d.get("label") == "Resident" and d.get("consent_contact")
        and recommended(analyst.recommend(resident=n, limit=500), "resident", n)
        and any(p.kind == "resident_resident" for found in recommended(
            analyst.recommend(resident=n, limit=500), "resident", n).values() for p in found)
    )  # fmt: skip
    found = recommended(analyst.recommend(resident=resident, limit=500), "resident", resident)
    proposal = next(p for ps in found.values() for p in ps if p.kind == "resident_resident")
    _mark(analyst, proposal, IntroductionStatus.HAPPENED)
    context = analyst.context()
    assert context.fabric.edges[proposal.source, proposal.target]["type"] == "KNOWS"
    again = recommended(analyst.recommend(resident=resident, limit=500), "resident", resident)
    assert proposal.target not in again, "one knows the other now: no introduction needed"
