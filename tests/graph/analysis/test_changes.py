"""What changed between two dates (issue 16), on the sample's history and on both databases:
the story the history tells is what the answer shows, a coach's answer stays in their
neighbourhoods, communities keep their number across the dates, and the two databases
answer the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from graph.analysis.changes import ChangesAnswer, compare
from graph.analysis.community_identity import match_communities
from graph.analysis.engine import CATALOGUE, Analyst
from graph.analysis.results import Item, Scope
from graph.backends import open_store
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.conftest import embedded_settings, neo4j_settings
from tests.sample_story import FIRST, LAST, PARKZOOM, Story, load_sample_history, story

#: One installation key for these tests: the communities Leiden finds follow the order of the
#: (pseudonymous) ids, so a fixed key gives the same communities every run.
KEY = "wijkgraaf-test-history-0123456789abcdef"


@pytest.fixture
def history(store: GraphStore, store_settings: Settings, tmp_path: Path) -> Analyst:
    load_sample_history(store, _keyed(store_settings), tmp_path / "history")
    return Analyst(store)


@pytest.fixture
def told(store_settings: Settings) -> Story:
    return story(_keyed(store_settings))


def _keyed(settings: Settings) -> Settings:
    return settings.model_copy(update={"secret_key": SecretStr(KEY)})


def _ids(items: list[Item]) -> set[str]:
    return {item.id for item in items}


def _item(items: list[Item], node: str) -> Item:
    found = [item for item in items if item.id == node]
    assert found, f"{node} is not among {sorted(_ids(items))}"
    return found[0]


def test_the_story_of_the_history_is_what_changed(history: Analyst, told: Story) -> None:
    answer = history.changes(FIRST, LAST, limit=500)
    # the resident who held a group together moved away: the bridge is lost, the four cut off
    lost = _item(answer.bridges_lost, told.mover)
    assert lost.name == "Gerrit Bakker"
    assert lost.figures["neighbourhood"] == PARKZOOM and lost.figures["age_band"] == "67-79"
    assert lost.reasons[0].code == "bridge_lost" and lost.reasons[0].data["gone"]
    assert set(lost.reasons[0].data["cut_off_now"]) == told.held_together
    assert told.held_together <= _ids(answer.newly_isolated)
    for node in told.held_together:
        item = _item(answer.newly_isolated, node)
        assert "cut_off" in item.figures["signals"]
        assert [r.data for r in item.reasons if r.code == "held_by_lost_bridge"] == [
            {"bridge": told.mover}
        ]
    assert answer.summary["residents_left"] == 1
    # the isolated resident who joined the garden, which grew from three to seven
    joined = _item(answer.no_longer_isolated, told.joiner)
    assert joined.figures["signals_before"][0] == "no_ties" and not joined.figures["signals"]
    assert {r.code for r in joined.reasons} == {"isolated_before", "takes_part_now", "knows_more"}
    assert (
        told.garden
        in next(r for r in joined.reasons if r.code == "takes_part_now").data["initiatives"]
    )
    garden = _item(answer.participation, told.garden)
    assert (garden.figures["participants_before"], garden.figures["participants_after"]) == (3, 7)
    # the walking group handed over by its coach to a resident owner
    handed = _item(answer.taken_over, told.handed_over)
    assert (handed.figures["lead_before"], handed.figures["lead_after"]) == (
        "professionals",
        "residents",
    )
    assert [p["id"] for p in handed.figures["coaches_before"]] == [told.coach]
    assert handed.figures["coaches_after"] == []
    assert [p["id"] for p in handed.figures["owners_after"]] == [told.owner]
    assert handed.figures["owners_after"][0]["neighbourhood"] == PARKZOOM
    assert "Lotte Smit" in handed.reasons[0].nl and "Bogdan Ramdin" in handed.reasons[0].en
    # started by period, stopped by status; more initiatives led by residents than before
    assert _ids(answer.initiatives_started) == told.started
    assert _ids(answer.initiatives_stopped) == told.stopped
    assert _item(answer.initiatives_started, next(iter(told.started))).reasons[0].code == (
        "initiative_new"
    )
    assert answer.after.resident_led_share > answer.before.resident_led_share  # type: ignore[operator]
    assert answer.before.lead["professionals"] == answer.after.lead["professionals"] + 1
    assert sum(answer.after.five_o_present.values()) >= answer.after.five_o_complete * 5


def test_names_only_with_consent_and_every_person_with_buurt_and_age(
    history: Analyst, store_settings: Settings
) -> None:
    answer = history.changes(FIRST, LAST, limit=500)
    before = history.context_as_of(FIRST)
    after = history.context_as_of(LAST)
    people = [
        (item, key)
        for key in ("newly_isolated", "no_longer_isolated", "bridges_gained", "bridges_lost")
        for item in getattr(answer, key)
        if item.kind == "Resident"
    ]
    assert len(people) >= 9
    for item, key in people:
        context = before if key == "bridges_lost" else after
        assert item.name == context.name(item.id), "named as the answers name them"
        data = context.fabric.nodes[item.id]
        if not data.get("display_name"):
            assert item.name == item.id[:8], "no consent: the start of the pseudonym"
        assert {"neighbourhood", "neighbourhood_name", "age_band", "community"} <= set(item.figures)


def test_a_coach_sees_only_their_own_neighbourhoods(history: Analyst) -> None:
    mine = history.changes(FIRST, LAST, within=(PARKZOOM,), limit=500)
    assert mine.scope.neighbourhoods == ()  # a coach's part is the scope of its context
    after = history.context_as_of(LAST, (PARKZOOM,))
    before = history.context_as_of(FIRST, (PARKZOOM,))
    for key in ("newly_isolated", "no_longer_isolated", "bridges_gained", "bridges_lost"):
        for item in getattr(mine, key):
            if item.kind == "Resident":
                assert item.figures["neighbourhood"] == PARKZOOM, (key, item.name)
            assert item.id in after.fabric or item.id in before.fabric
    whole = history.changes(FIRST, LAST, Scope(neighbourhoods=(PARKZOOM,)), limit=500)
    assert _ids(mine.bridges_lost) == _ids(whole.bridges_lost)
    assert _ids(mine.newly_isolated) == _ids(whole.newly_isolated)
    assert not mine.no_longer_isolated, "the garden is in another buurt"


def test_communities_keep_their_number_across_the_dates(history: Analyst, told: Story) -> None:
    answer = history.changes(FIRST, LAST, limit=500)
    numbers = [c.number for c in answer.communities]
    assert numbers == list(range(1, len(numbers) + 1))
    for community in answer.communities:
        if community.status == "same":
            assert community.before == community.after and community.overlap == 1.0
        elif community.status == "new":
            assert community.before is None and community.overlap is None
        elif community.status == "gone":
            assert community.after is None and community.overlap is None
        else:
            assert community.overlap is not None and community.overlap >= 0.3
    # Kees's soos did not change: one community, the same number and members on both dates
    soos = [
        c
        for c in answer.communities
        if all(told.kees in r.data["members"] for r in c.reasons) and len(c.reasons) == 2
    ]
    assert [c.status for c in soos] == ["same"]
    # who stood alone joined the garden's group: another community than his own of one
    kofi = _item(answer.no_longer_isolated, told.joiner)
    assert kofi.figures["community"]["before"] != kofi.figures["community"]["after"]
    # the four Gerrit held: one group on both dates, under one number, Gerrit gone from it
    parkzoom = history.changes(FIRST, LAST, Scope(neighbourhoods=(PARKZOOM,)), limit=500)
    four = {
        (item.figures["community"]["before"], item.figures["community"]["after"])
        for item in parkzoom.newly_isolated
        if item.id in told.held_together
    }
    assert len(four) == 1, "the four are one group on both dates"
    ((before, after),) = four
    assert before == after, "and keep its number"
    group = next(c for c in parkzoom.communities if c.number == after)
    assert (group.after, group.joined) == (4, 0)
    gerrit = _item(parkzoom.bridges_lost, told.mover)
    assert gerrit.figures["community"]["after"] is None, "he is gone"
    assert group.left == (1 if gerrit.figures["community"]["before"] == before else 0)


def test_the_numbering_is_of_the_members_not_of_leiden_s_labels() -> None:
    before = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 2}
    after = {"a": 7, "b": 7, "c": 7, "d": 3, "e": 3, "g": 3, "h": 5}
    relabelled = {node: {7: 1, 3: 9, 5: 0}[label] for node, label in after.items()}
    first, second = match_communities(before, after), match_communities(before, relabelled)
    assert first == second
    assert first.after == {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2, "g": 2, "h": 4}
    assert [(c.number, c.before, c.after) for c in first.communities] == [
        (1, 3, 3), (2, 2, 3), (3, 1, None), (4, None, 1)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # a split: the larger part keeps the number, the smaller one is new
        ({"a": 0, "b": 0, "c": 0, "d": 0, "e": 1, "f": 1}, {"a": 1, "e": 2}),
        # a merge: the merged group is the larger one it came from; the other is gone
        ({"a": 0, "b": 0, "c": 0, "d": 0, "e": 0, "f": 0, "x": 0, "y": 1}, {"a": 1, "y": 3}),
        # too little overlap (a Jaccard index under 0.3): a new group, the old one gone
        ({"a": 0, "p": 0, "q": 0, "r": 0, "e": 1, "f": 1}, {"a": 3, "e": 2}),
    ],
)
def test_split_merge_and_too_little_overlap(
    after: dict[str, int], expected: dict[str, int]
) -> None:
    before = {"a": 0, "b": 0, "c": 0, "d": 0, "e": 1, "f": 1}
    matched = match_communities(before, after)
    assert {node: matched.after[node] for node in expected} == expected


def test_equal_overlaps_go_to_the_lower_number() -> None:
    """Two earlier groups of one size that a later group overlaps equally: the first number."""
    before = {"a": 0, "b": 0, "c": 1, "d": 1}
    after = {"a": 0, "b": 0, "c": 0, "d": 0}
    assert match_communities(before, after).after == dict.fromkeys("abcd", 1)


def test_the_same_network_on_both_dates_changes_nothing(history: Analyst) -> None:
    answer = history.changes(LAST, LAST)
    for key in ("newly_isolated", "no_longer_isolated", "bridges_gained", "bridges_lost"):
        assert getattr(answer, key) == [], key
    assert not answer.taken_over and not answer.participation
    assert all(c.status == "same" for c in answer.communities)
    assert answer.before.model_dump(exclude={"date"}) == answer.after.model_dump(exclude={"date"})


def test_after_the_history_the_present_is_todays_sample(embedded_dir: Path, tmp_path: Path) -> None:
    """The last export is the sample as shipped: every question answers the same on a store
    with the history as on a store loaded with today's sample alone."""
    key_file = tmp_path / "secret.key"
    answers = []
    for history in (True, False):
        settings = embedded_settings(embedded_dir, key_file=key_file)
        with open_store(settings) as store:
            store.clear()
            try:
                if history:
                    load_sample_history(store, settings, tmp_path / "history")
                else:
                    run_import(store, settings, sample_files(), ImportOptions())
                analyst = Analyst(store)
                answers.append(
                    {
                        question: analyst.ask(question, Scope(), limit=100).model_dump(
                            exclude={"version"}
                        )
                        for question in CATALOGUE
                    }
                )
            finally:
                store.clear()
    for question in CATALOGUE:
        assert answers[0][question] == answers[1][question], question


def test_both_databases_answer_the_same(
    embedded_dir: Path, neo4j_server: tuple[str, str], tmp_path: Path
) -> None:
    answers: list[ChangesAnswer] = []
    key_file = tmp_path / "secret.key"  # one installation: the same pseudonyms
    for settings in (
        embedded_settings(embedded_dir, key_file=key_file),
        neo4j_settings(neo4j_server, key_file=key_file),
    ):
        with open_store(settings) as store:
            store.clear()
            try:
                load_sample_history(store, settings, tmp_path / settings.graph_name)
                answers.append(Analyst(store).changes(FIRST, LAST, limit=500))
            finally:
                store.clear()
    embedded, neo4j = (a.model_dump(exclude={"version"}) for a in answers)
    assert embedded == neo4j


def test_compare_is_a_function_of_the_two_networks(history: Analyst) -> None:
    """The engine's answer is :func:`compare` of the two dates' networks, computed again."""
    scope = Scope(neighbourhoods=(PARKZOOM,))
    again = compare(
        history.context_as_of(FIRST), history.context_as_of(LAST), scope, dates=(FIRST, LAST)
    )
    assert history.changes(FIRST, LAST, scope) == again
