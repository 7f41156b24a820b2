"""A change made in the pages is an import whose records are kept for its author to undo
(issue 14), on both databases: undone, the store is the store before it; something newer on
the same facts refuses the undo and changes nothing; an erasure takes the kept change with the
person; an undo cut off is finished by the next import. And the importer's two options the
forms use: a reference may name a stored node by its id, and a skipped row refuses all."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from graph.backends import open_store
from graph.changes import Author, Undo
from graph.cypher_store import CypherStore
from graph.model import NodeLabel, RelType, SystemLabel
from graph.queries import Query
from graph.settings import Settings
from graph.store import GraphStore
from importers.dump import export_dump
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from tests.importers.faults import InjectedFault

SECRET = "a-key-for-the-kept-change-tests-only"
BASE: dict[str, list[dict[str, str]]] = {
    "buurten": [
        {"code": "GM9999", "naam": "Wijkgraafstad", "niveau": "gemeente"},
        {"code": "BU99990101", "naam": "Maten", "niveau": "buurt"},
    ],
    "bewoners": [
        {
            "bron_id": f"B{n}",
            "naam": f"Bewoner {n}",
            "buurt": "BU99990101",
            "leeftijd": "27-44",
            "toestemming_naam": "ja",
            "toestemming_contact": "ja",
        }
        for n in range(1, 5)
    ],
    "initiatieven": [
        {"bron_id": "I1", "naam": "Moestuin", "themas": "groen", "buurt": "BU99990101"}
    ],
    "contacten": [{"bewoner": "B1", "andere_bewoner": "B2", "soort": "friend", "sterkte": "2"}],
    "krachten": [{"bewoner": "B1", "kracht": "koken", "wil_delen": "ja"}],
}
COACH = Author("k-coach", "r-" + "0" * 32)


@pytest.fixture
def settings(store_settings: Settings) -> Settings:
    return store_settings.model_copy(update={"secret_key": SecretStr(SECRET)})


@pytest.fixture
def base(settings: Settings, store: GraphStore, tmp_path: Path) -> GraphStore:
    del store  # cleared before and after: the store opened below is the same database
    opened = open_store(settings)
    assert _import(opened, settings, tmp_path, BASE).written
    return opened


def _import(
    store: GraphStore, settings: Settings, folder: Path, sheets: dict[str, Any], **options: Any
) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "formulier.json"
    path.write_text(json.dumps(sheets), encoding="utf-8")
    return run_import(store, settings, [path], ImportOptions(**options))


def _id(settings: Settings, kind: str, source_id: str) -> str:
    return pseudonym(installation_key(settings), kind, source_id)


def _dump(store: GraphStore, path: Path) -> list[str]:
    export_dump(store, path)
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return sorted(line for line in lines if SystemLabel.IMPORT_RUN.value not in line)


@contextmanager
def _failing(store: GraphStore, name: str) -> Iterator[None]:
    """The first write statement whose query's name starts with ``name`` fails, once."""
    assert isinstance(store, CypherStore)
    write, write_batches = store._write, store._write_batches
    fired: list[str] = []

    def check(query: Query) -> None:
        if not fired and query.name.startswith(name):
            fired.append(query.name)
            raise InjectedFault(1, "before")

    def failing_write(query: Query, params: Mapping[str, Any]) -> list[list[Any]]:
        check(query)
        return write(query, params)

    def failing_batches(query: Query, batches: Any) -> None:
        check(query)
        write_batches(query, batches)

    store._write = failing_write  # type: ignore[method-assign]
    store._write_batches = failing_batches  # type: ignore[method-assign]
    try:
        yield
    finally:
        del store._write, store._write_batches
    assert fired, f"no statement {name}"


def _conversation(settings: Settings) -> dict[str, Any]:
    """What a coach learnt of B3: a new tie to B1, B1's tie to B2 stronger, a strength,
    B3 a year older; and a new resident, B5, who knows B3."""
    b1, b3 = _id(settings, "resident", "B1"), _id(settings, "resident", "B3")
    return {
        "bewoners": [
            {
                "bron_id": "B3",
                "naam": "Bewoner 3",
                "buurt": "BU99990101",
                "leeftijd": "45-66",
                "toestemming_naam": "ja",
                "toestemming_contact": "ja",
            },
            {"bron_id": "B5", "buurt": "BU99990101", "leeftijd": "67-79"},
        ],
        "contacten": [
            {"bewoner": b3, "andere_bewoner": b1, "soort": "neighbour", "sterkte": "1"},
            {
                "bewoner": b1,
                "andere_bewoner": _id(settings, "resident", "B2"),
                "soort": "friend",
                "sterkte": "3",
            },
            {"bewoner": "B5", "andere_bewoner": b3, "soort": "family"},
        ],
        "krachten": [{"bewoner": b3, "kracht": "fietsen repareren", "wil_delen": "ja"}],
    }


def test_an_undone_change_leaves_the_store_as_it_was(
    base: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    before = _dump(base, tmp_path / "before.jsonl")
    report = _import(
        base, settings, tmp_path / "change", _conversation(settings),
        stored_ids=True, whole=True, author=COACH,
    )  # fmt: skip
    assert report.written and not report.errors, report.as_json()
    totals = report.totals()
    assert totals.created and totals.updated
    changed = _dump(base, tmp_path / "changed.jsonl")
    assert changed != before
    kept = base.kept_change(COACH.key_id)
    assert kept is not None and kept.run == report.run_id and kept.author == COACH
    assert _id(settings, "resident", "B5") in kept.properties()["subjects"]
    assert not base.nodes(SystemLabel.JOURNAL), "the journal went; the kept change stays"

    assert base.undo_change("k-other", "run-other") is Undo.NOTHING, "another author's: none"
    assert base.undo_change(COACH.key_id, "run-undo") is Undo.UNDONE
    assert _dump(base, tmp_path / "undone.jsonl") == before
    assert base.kept_change(COACH.key_id) is None and not base.nodes(SystemLabel.JOURNAL)
    run = base.get_node(SystemLabel.IMPORT_RUN, report.run_id)
    assert run.properties["undone"], "the change's run says it was undone"
    assert base.undo_change(COACH.key_id, "run-again") is Undo.NOTHING


@pytest.mark.parametrize(
    "newer",
    [
        {"contacten": [{"bewoner": "B1", "andere_bewoner": "B3", "sterkte": "2"}]},  # a tie it made
        {
            "bewoners": [{"bron_id": "B3", "buurt": "BU99990101", "leeftijd": "80+"}]
        },  # a resident it changed
        {"contacten": [{"bewoner": "B5", "andere_bewoner": "B4"}]},  # a tie to a resident it made
    ],
    ids=["tie", "resident", "tie-to-new"],
)
def test_a_newer_change_of_the_same_facts_refuses_the_undo(
    base: GraphStore, settings: Settings, tmp_path: Path, newer: dict[str, Any]
) -> None:
    change = _import(
        base, settings, tmp_path / "change", _conversation(settings), stored_ids=True, author=COACH
    )
    assert change.written
    later = _import(base, settings, tmp_path / "newer", newer)
    assert later.written and later.totals().written, later.as_json()
    now = _dump(base, tmp_path / "now.jsonl")
    assert base.undo_change(COACH.key_id, "run-undo") is Undo.CHANGED_SINCE
    assert _dump(base, tmp_path / "after.jsonl") == now, "nothing undone"
    assert base.kept_change(COACH.key_id) is not None
    assert not base.nodes(SystemLabel.JOURNAL)


def test_a_newer_change_of_other_facts_leaves_the_undo_possible(
    base: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    _import(
        base, settings, tmp_path / "change", _conversation(settings), stored_ids=True, author=COACH
    )
    newer = {"krachten": [{"bewoner": "B4", "kracht": "koken"}]}
    assert _import(base, settings, tmp_path / "newer", newer).totals().created
    assert base.undo_change(COACH.key_id, "run-undo") is Undo.UNDONE
    skills = base.relationships(
        RelType.HAS_SKILL, source_label=NodeLabel.RESIDENT, target_label=NodeLabel.SKILL
    )
    b4 = _id(settings, "resident", "B4")
    assert (b4, "koken") in {(a, b) for a, b, _ in skills}, "the other change stays"


def test_a_change_that_changes_nothing_keeps_the_last_one_that_did(
    base: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    first = _import(
        base, settings, tmp_path / "a", _conversation(settings), stored_ids=True, author=COACH
    )
    again = _import(
        base, settings, tmp_path / "b", _conversation(settings), stored_ids=True, author=COACH
    )
    assert again.written and not again.totals().written
    kept = base.kept_change(COACH.key_id)
    assert kept is not None and kept.run == first.run_id


def test_a_newer_change_of_the_author_replaces_the_kept_one(
    base: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    _import(base, settings, tmp_path / "a", _conversation(settings), stored_ids=True, author=COACH)
    middle = _dump(base, tmp_path / "middle.jsonl")
    newer = {"interesses": [{"bewoner": "B4", "thema": "sport"}]}
    second = _import(base, settings, tmp_path / "b", newer, author=COACH)
    kept = base.kept_change(COACH.key_id)
    assert kept is not None and kept.run == second.run_id
    assert base.undo_change(COACH.key_id, "run-undo") is Undo.UNDONE
    assert _dump(base, tmp_path / "after.jsonl") == middle, "only the last change is undone"


def test_erasing_a_person_takes_every_kept_change_that_names_them(
    base: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    _import(base, settings, tmp_path / "a", _conversation(settings), stored_ids=True, author=COACH)
    other = Author("k-other", "r-" + "1" * 32)
    _import(
        base,
        settings,
        tmp_path / "b",
        {"interesses": [{"bewoner": "B4", "thema": "sport"}]},
        author=other,
    )
    base.erase_node(NodeLabel.RESIDENT, _id(settings, "resident", "B1"), tombstone=True)
    assert base.kept_change(COACH.key_id) is None, "B1's earlier tie was kept: it goes"
    assert base.kept_change("k-other") is not None, "one about B4 only stays"
    assert [n.id for n in base.nodes(SystemLabel.CHANGE)] == ["k-other"]


def test_a_failed_change_keeps_the_one_kept_before(
    base: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    first = _import(
        base, settings, tmp_path / "a", _conversation(settings), stored_ids=True, author=COACH
    )
    before = _dump(base, tmp_path / "before.jsonl")
    newer = {"interesses": [{"bewoner": "B4", "thema": "sport"}]}
    keeping = f"upsert_nodes[{SystemLabel.CHANGE}]+journal"
    with _failing(base, keeping), pytest.raises(InjectedFault):
        _import(base, settings, tmp_path / "b", newer, author=COACH)
    assert _dump(base, tmp_path / "after.jsonl") == before
    kept = base.kept_change(COACH.key_id)
    assert kept is not None and kept.run == first.run_id


def test_an_undo_cut_off_is_finished_by_the_next_import(
    base: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    before = _dump(base, tmp_path / "before.jsonl")
    _import(base, settings, tmp_path / "a", _conversation(settings), stored_ids=True, author=COACH)
    with _failing(base, "journal_restore"), pytest.raises(InjectedFault):
        base.undo_change(COACH.key_id, "run-undo")  # cut off in the undo, after the record
    assert base.nodes(SystemLabel.JOURNAL), "cut off: the journal holds the undo"
    assert base.undo_abandoned_import() == "run-undo"  # what the next import does first
    assert _dump(base, tmp_path / "undone.jsonl") == before
    assert base.undo_change(COACH.key_id, "run-again") is Undo.NOTHING
    assert base.kept_change(COACH.key_id) is None


def test_a_reference_by_a_stored_id_needs_the_option_and_a_stored_node(
    base: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    b1 = _id(settings, "resident", "B1")
    tie = {"contacten": [{"bewoner": b1, "andere_bewoner": "B4"}]}
    plain = _import(base, settings, tmp_path / "a", tie)
    assert [e.en for e in plain.errors] == [
        "Reference to an unknown residents row: not in this import and not stored."
    ], "without the option an id is a source id like any other"
    unknown = {"contacten": [{"bewoner": "r-" + "f" * 32, "andere_bewoner": "B4"}]}
    report = _import(base, settings, tmp_path / "b", unknown, stored_ids=True)
    assert [e.nl for e in report.errors] == [
        "Verwijzing naar onbekende bewoners-rij: staat niet in deze import en niet in de database."
    ]
    initiative = _id(settings, "initiative", "I1")
    wrong_kind = {"deelname": [{"bewoner": "B4", "initiatief": b1}]}
    assert _import(base, settings, tmp_path / "c", wrong_kind, stored_ids=True).errors
    joined = {"deelname": [{"bewoner": b1, "initiatief": initiative, "rol": "vrijwilliger"}]}
    assert _import(base, settings, tmp_path / "d", joined, stored_ids=True).totals().created == 1


def test_a_whole_import_refuses_a_row_it_would_skip(
    base: GraphStore, settings: Settings, tmp_path: Path
) -> None:
    base.erase_node(NodeLabel.RESIDENT, _id(settings, "resident", "B4"), tombstone=True)
    before = _dump(base, tmp_path / "before.jsonl")
    sheets = {
        "krachten": [{"bewoner": "B1", "kracht": "zingen"}],
        "contacten": [{"bewoner": "B1", "andere_bewoner": "B4"}],
    }
    report = _import(base, settings, tmp_path / "a", sheets, whole=True)
    assert not report.written and not report.errors
    assert [s.reason_en for s in report.skipped] == [
        "This person was erased on request and is not imported again."
    ]
    assert _dump(base, tmp_path / "after.jsonl") == before
    assert _import(base, settings, tmp_path / "b", sheets).written, "an import skips it"
