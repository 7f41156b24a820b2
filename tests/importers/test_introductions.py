"""Introductions followed up (issue 14), on both databases: every status transition, what a
happened one becomes, who may be introduced, and the guarantees of the store path they are
written by (all or nothing, idempotent, erased with a person, carried by the dump)."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from graph.analysis.context import NetworkContext
from graph.cypher_store import CypherStore
from graph.errors import RefusedError
from graph.introductions import KINDS, TRANSITIONS, IntroductionKind
from graph.model import IntroductionStatus, NodeLabel, RelType, SystemLabel
from graph.periods import version_at
from graph.store import GraphStore
from importers.dump import export_dump, restore_dump
from importers.introductions import mark_introduction
from tests.importers.faults import Faults, InjectedFault

S = IntroductionStatus
DAY = date(2025, 5, 1)
BUURT = "BU99990101"
#: the resident of the first transitions, and those after: one per pair tried
RESIDENTS = [f"r-{n:032x}" for n in range(1, 40)]
NO_CONSENT = f"r-{999:032x}"
INITIATIVE = f"i-{1:032x}"
ORGANISATION = f"o-{1:032x}"


@pytest.fixture
def neighbourhood(store: GraphStore) -> GraphStore:
    """A buurt with residents who agreed to be contacted, one who did not, an initiative and
    an organisation."""
    store.upsert_nodes(
        NodeLabel.NEIGHBOURHOOD, [{"id": BUURT, "name": "Bloemen", "level": "buurt"}]
    )
    store.upsert_nodes(
        NodeLabel.RESIDENT,
        [{"id": r, "neighbourhood": BUURT, "consent_contact": True} for r in RESIDENTS]
        + [{"id": NO_CONSENT, "neighbourhood": BUURT, "consent_contact": False}],
    )
    store.upsert_nodes(
        NodeLabel.INITIATIVE, [{"id": INITIATIVE, "name": "Moestuin", "neighbourhood": BUURT}]
    )
    store.upsert_nodes(
        NodeLabel.ORGANISATION,
        [{"id": ORGANISATION, "name": "Groenrijk", "o_sector": "ondernemers"}],
    )
    return store


def _node(store: GraphStore, node_id: str) -> object:
    label = {"r": NodeLabel.RESIDENT, "i": NodeLabel.INITIATIVE, "o": NodeLabel.ORGANISATION}
    return store.get_node(label[node_id[0]], node_id)


def mark(store: GraphStore, source: str, target: str, status: str, **kwargs: object) -> object:
    return mark_introduction(
        store,
        _node(store, source),
        _node(store, target),
        status,
        today=DAY,
        **kwargs,  # type: ignore[arg-type]
    )


def _status(store: GraphStore, kind: IntroductionKind, source: str, target: str) -> str | None:
    for a, b, props in store.relationships(
        kind.rel, source_label=kind.source, target_label=kind.target
    ):
        if {a, b} == {source, target}:
            return str(props["status"])
    return None


def _ties(
    store: GraphStore, rel: RelType, source: NodeLabel, target: NodeLabel
) -> set[tuple[str, str]]:
    return {
        (a, b) for a, b, _ in store.relationships(rel, source_label=source, target_label=target)
    }


#: How to bring a fresh introduction to each status first: the marks on the way.
_WAY = {None: [], **{status: [status] for status in S}}


def test_every_status_transition(neighbourhood: GraphStore) -> None:
    """From nothing and from every status to every status: the allowed ones are recorded (the
    same status again writes nothing), the others are refused and change nothing."""
    store = neighbourhood
    kind = KINDS["resident_initiative"]
    pairs = itertools.product([None, *S], S)
    refused, recorded = 0, 0
    for resident, (first, then) in zip(RESIDENTS, pairs, strict=False):
        for status in _WAY[first]:
            mark(store, resident, INITIATIVE, status)
        assert _status(store, kind, resident, INITIATIVE) == first
        version = store.version()
        if then in TRANSITIONS[first]:
            marked = mark(store, resident, INITIATIVE, then)
            assert (marked.previous, marked.status) == (first, then)  # type: ignore[attr-defined]
            assert marked.written == (first != then)  # type: ignore[attr-defined]
            assert (store.version() > version) == (first != then), (first, then)
            assert _status(store, kind, resident, INITIATIVE) == then
            recorded += 1
        else:
            with pytest.raises(RefusedError) as caught:
                mark(store, resident, INITIATIVE, then)
            assert caught.value.code == "status_not_allowed", (first, then)
            assert "kan niet meer" in caught.value.nl and "no longer" in caught.value.en
            assert store.version() == version, "a refusal writes nothing"
            assert _status(store, kind, resident, INITIATIVE) == first
            refused += 1
    # every pair was tried: 4 from nothing, 4 from proposed, 3 from accepted, 1 from each
    # final status; refused: accepted back to proposed, and the 3 others from each final one
    assert (recorded, refused) == (13, 7)


def test_the_table_of_transitions() -> None:
    assert TRANSITIONS[S.DECLINED] == {S.DECLINED}, "a no is respected"
    assert TRANSITIONS[S.HAPPENED] == {S.HAPPENED}, "what happened is a tie now"
    assert TRANSITIONS[S.ACCEPTED] == {S.ACCEPTED, S.DECLINED, S.HAPPENED}
    assert TRANSITIONS[None] == TRANSITIONS[S.PROPOSED] == set(S)


@pytest.mark.parametrize("key", sorted(KINDS))
def test_each_kind_goes_its_way_and_happened_becomes_its_tie(
    neighbourhood: GraphStore, key: str
) -> None:
    store, kind = neighbourhood, KINDS[key]
    source, target = {
        "resident_initiative": (RESIDENTS[0], INITIATIVE),
        "resident_resident": (RESIDENTS[1], RESIDENTS[0]),
        "initiative_organisation": (INITIATIVE, ORGANISATION),
    }[key]
    tie_ends = kind.tie_ends(source, target)
    pair = tuple(sorted(tie_ends)) if kind.tie == RelType.KNOWS else tie_ends
    for status in (S.PROPOSED, S.ACCEPTED):
        mark(store, source, target, status)
        assert _status(store, kind, source, target) == status
        assert pair not in _ties(store, kind.tie, *kind.tie_labels), "no tie before it happened"
    marked = mark(store, source, target, S.HAPPENED)
    assert marked.tie_created  # type: ignore[attr-defined]
    assert pair in _ties(store, kind.tie, *kind.tie_labels)
    # the fabric has the tie now, as an import's would be
    fabric = NetworkContext.load(store).fabric
    assert fabric.edges[tie_ends]["type"] == kind.tie.value
    again = mark(store, source, target, S.HAPPENED)
    assert not again.written and not again.tie_created  # type: ignore[attr-defined]


def test_a_tie_that_is_there_already_is_kept_as_it_is(neighbourhood: GraphStore) -> None:
    store = neighbourhood
    a, b = RESIDENTS[0], RESIDENTS[1]
    store.upsert_relationships(
        RelType.KNOWS,
        [{"source": a, "target": b, "kind": "friend", "strength": 3}],
        source_label=NodeLabel.RESIDENT,
        target_label=NodeLabel.RESIDENT,
    )
    marked = mark(store, b, a, S.HAPPENED)
    assert marked.written and not marked.tie_created  # type: ignore[attr-defined]
    [(_, _, props)] = store.relationships(
        RelType.KNOWS, source_label=NodeLabel.RESIDENT, target_label=NodeLabel.RESIDENT
    )
    assert props == {"kind": "friend", "strength": 3}


def test_a_happened_tie_is_an_acquaintance_since_that_day(neighbourhood: GraphStore) -> None:
    mark(neighbourhood, RESIDENTS[0], RESIDENTS[1], S.HAPPENED)
    [(_, _, props)] = neighbourhood.relationships(
        RelType.KNOWS, source_label=NodeLabel.RESIDENT, target_label=NodeLabel.RESIDENT
    )
    # dated as every fact is: it holds from the day it happened
    assert props == {
        "kind": "acquaintance",
        "since": DAY.isoformat(),
        "valid_from": DAY.isoformat(),
    }


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize(
    "ends",
    [(NO_CONSENT, INITIATIVE), (NO_CONSENT, RESIDENTS[0]), (RESIDENTS[0], NO_CONSENT)],
    ids=["to an initiative", "to a resident", "a resident to them"],
)
def test_a_resident_without_contact_consent_is_never_introduced(
    neighbourhood: GraphStore, status: str, ends: tuple[str, str]
) -> None:
    store = neighbourhood
    version = store.version()
    with pytest.raises(RefusedError) as caught:
        mark(store, *ends, status)
    assert caught.value.code == "no_contact_consent"
    assert NO_CONSENT in caught.value.nl and "toestemming_contact" in caught.value.nl
    assert "has not agreed to be contacted" in caught.value.en
    assert store.version() == version
    assert not NetworkContext.load(store).introductions


def test_consent_withdrawn_later_refuses_the_next_mark(neighbourhood: GraphStore) -> None:
    store = neighbourhood
    mark(store, RESIDENTS[0], INITIATIVE, S.PROPOSED)
    store.upsert_nodes(NodeLabel.RESIDENT, [{"id": RESIDENTS[0], "consent_contact": False}])
    with pytest.raises(RefusedError, match="consent"):
        mark(store, RESIDENTS[0], INITIATIVE, S.HAPPENED)
    assert NetworkContext.load(store).introduction(RESIDENTS[0], INITIATIVE) == "proposed"


@pytest.mark.parametrize(
    "ends, code",
    [
        ((INITIATIVE, RESIDENTS[0]), "not_an_introduction"),
        ((ORGANISATION, INITIATIVE), "not_an_introduction"),
        ((RESIDENTS[0], ORGANISATION), "not_an_introduction"),
        ((INITIATIVE, INITIATIVE), "not_an_introduction"),
        ((RESIDENTS[0], RESIDENTS[0]), "same_resident"),
    ],
)
def test_what_is_no_introduction_is_refused(
    neighbourhood: GraphStore, ends: tuple[str, str], code: str
) -> None:
    with pytest.raises(RefusedError) as caught:
        mark(neighbourhood, *ends, S.PROPOSED)
    assert caught.value.code == code


def test_a_mark_is_recorded_as_a_run_with_the_day_it_changed(neighbourhood: GraphStore) -> None:
    store = neighbourhood
    mark(store, RESIDENTS[0], INITIATIVE, S.ACCEPTED)
    [(_, _, props)] = store.relationships(
        RelType.INTRODUCED_TO_INITIATIVE,
        source_label=NodeLabel.RESIDENT,
        target_label=NodeLabel.INITIATIVE,
    )
    assert props == {
        "status": "accepted",
        "changed": DAY.isoformat(),
        "valid_from": DAY.isoformat(),
    }
    runs = store.nodes(SystemLabel.IMPORT_RUN)
    assert [run.properties["files"] for run in runs] == [["introduction"]]
    assert runs[0].properties["created"] == 1


def test_erasing_a_person_erases_their_introductions(neighbourhood: GraphStore) -> None:
    store = neighbourhood
    gone, kept = RESIDENTS[0], RESIDENTS[1]
    mark(store, gone, INITIATIVE, S.DECLINED)
    mark(store, gone, kept, S.PROPOSED)
    mark(store, kept, INITIATIVE, S.ACCEPTED)
    mark(store, INITIATIVE, ORGANISATION, S.PROPOSED)
    store.erase_node(NodeLabel.RESIDENT, gone, tombstone=True)
    introductions = NetworkContext.load(store).introductions
    assert introductions == {(kept, INITIATIVE): "accepted", (INITIATIVE, ORGANISATION): "proposed"}
    for kind in KINDS.values():
        for a, b, _ in store.relationships(
            kind.rel, source_label=kind.source, target_label=kind.target
        ):
            assert gone not in (a, b)


def test_the_dump_carries_introductions_to_a_restore(
    neighbourhood: GraphStore, tmp_path: Path
) -> None:
    store = neighbourhood
    mark(store, RESIDENTS[0], INITIATIVE, S.DECLINED)
    mark(store, RESIDENTS[1], RESIDENTS[2], S.ACCEPTED)
    mark(store, INITIATIVE, ORGANISATION, S.HAPPENED)
    before = NetworkContext.load(store)
    counts = export_dump(store, tmp_path / "dump.jsonl")
    assert counts["INTRODUCED_TO_INITIATIVE"] == counts["INTRODUCED_TO_RESIDENT"] == 1
    restore_dump(store, tmp_path / "dump.jsonl", replace=True)
    after = NetworkContext.load(store)
    assert after.introductions == before.introductions and len(after.introductions) == 3
    assert after.declined(INITIATIVE, RESIDENTS[0])
    assert after.fabric.has_edge(INITIATIVE, ORGANISATION)


def test_a_happened_mark_is_all_or_nothing(neighbourhood: GraphStore) -> None:
    """A database error at any statement of a mark that makes a tie leaves the store as it was:
    neither the mark nor the tie; run again, both are there."""
    store = neighbourhood
    assert isinstance(store, CypherStore)
    resident = RESIDENTS[0]
    mark(store, resident, INITIATIVE, S.ACCEPTED)
    before = NetworkContext.load(store)
    failed = 0
    for at in itertools.count(1):
        faults = Faults(store, at, "before")
        raised = False
        try:
            mark(store, resident, INITIATIVE, S.HAPPENED)
        except InjectedFault:
            raised = True
        finally:
            faults.remove()
        assert raised == faults.fired, "a fault fails the mark, and only a fault does"
        if not faults.fired:
            break
        failed += 1
        now = NetworkContext.load(store)
        assert now.introductions == before.introductions, at
        assert not now.fabric.has_edge(resident, INITIATIVE), at
    assert failed >= 3, "the mark, the tie and the run record each failed once"
    after = NetworkContext.load(store)
    assert after.introduction(resident, INITIATIVE) == "happened"
    assert after.fabric.has_edge(resident, INITIATIVE)


def test_a_status_changed_on_a_later_day_keeps_the_one_before(neighbourhood: GraphStore) -> None:
    """A mark holds from the day it was made; changed later, the earlier status stays in its
    history, as every fact's does (graph.periods)."""
    store = neighbourhood
    mark(store, RESIDENTS[0], INITIATIVE, S.PROPOSED)
    later = date(2025, 6, 15)
    mark_introduction(
        store,
        _node(store, RESIDENTS[0]),
        _node(store, INITIATIVE),
        S.ACCEPTED,
        today=later,  # type: ignore[arg-type]
    )
    [(_, _, props)] = store.relationships(
        RelType.INTRODUCED_TO_INITIATIVE,
        source_label=NodeLabel.RESIDENT,
        target_label=NodeLabel.INITIATIVE,
    )
    assert props["status"] == "accepted" and props["valid_from"] == later.isoformat()
    assert version_at(props, "2025-05-10")["status"] == "proposed"  # type: ignore[index]
    assert version_at(props, "2025-04-30") is None, "not marked yet"
