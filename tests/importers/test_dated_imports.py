"""Facts with a time (issue 16, :mod:`graph.periods`): dated imports, sheets declared complete,
and the network as of a date, on both databases.

The main test is a property over random histories (:mod:`tests.importers.histories`): after a
history of dated exports, the network and the six answers as of any date are those of a fresh
store loaded with only the facts that held on that date, as the issue's rule (kept apart from
the store's code, :class:`~tests.importers.histories.Reference`) says they held.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from graph.analysis.engine import Analyst
from graph.analysis.questions import QUESTION_KEYS
from graph.analysis.results import Scope
from graph.backends import open_store
from graph.cypher_store import CypherStore
from graph.errors import InvalidDataError, RefusedError
from graph.model import NodeLabel, RelType
from graph.periods import PAST, VALID_FROM, VALID_TO, decode_version
from graph.settings import Settings
from graph.store import GraphStore
from importers.dump import export_dump
from importers.load import ImportOptions, run_import
from importers.report import ImportReport
from tests.importers.histories import (
    RESIDENTS,
    Export,
    Reference,
    entity_files,
    fact_files,
    random_history,
)
from tests.importers.test_atomic_import import BATCH, SECRET, _dump, _killed

DATES = ["2025-01-15", "2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
#: the dates asked about: on import dates, between them, and now (None). (Residents,
#: initiatives and organisations do not have dates yet: they are there on every date, so a
#: date before the first export is not asked.)
ASKED: list[str | None] = [
    "2025-01-15", "2025-02-01", "2025-03-31", "2025-05-15", "2025-09-29",
    "2025-12-31", None,
]  # fmt: skip
HOOD = "BU99990101"


def _import(store: GraphStore, settings: Settings, directory: Path, export: Export) -> ImportReport:
    files = entity_files(directory, export.entities()) + fact_files(directory, export.facts)
    options = ImportOptions(as_of=export.as_of, complete=tuple(sorted(export.complete)))
    report = run_import(store, settings, files, options)
    assert report.written and not report.errors, report.as_json()
    return report


def _network(store: GraphStore, as_of: str | None) -> dict[str, Any]:
    """The projection as plain sorted values (its version left out: it differs per store)."""
    projection = store.projection(as_of=as_of)
    fabric = projection.fabric
    return {
        "nodes": sorted(repr((n, sorted(d.items()))) for n, d in fabric.nodes(data=True)),
        "edges": sorted(
            repr((min(a, b), max(a, b), sorted(d.items()))) for a, b, d in fabric.edges(data=True)
        ),
        "attributes": {
            str(rel): sorted(repr((a, b, sorted(f.items()))) for a, b, f in rows)
            for rel, rows in projection.attribute_ties.items()
        },
    }


def _answers(store: GraphStore, as_of: str | None, within: tuple[str, ...] = ()) -> dict[str, Any]:
    analyst = Analyst(store)
    found = {}
    for question in QUESTION_KEYS:
        answer = analyst.ask(question, Scope(), limit=50, within=within, as_of=as_of)
        document = answer.model_dump(mode="json")
        document.pop("version", None)
        found[question] = document
    return found


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "come_and_go"), [(1, False), (2, False), (3, True), (4, True)])
def test_the_network_as_of_any_date_is_a_fresh_store_of_what_held_then(
    store: GraphStore, store_settings: Settings, tmp_path: Path, seed: int, come_and_go: bool
) -> None:
    """With ``come_and_go``, residents also move, leave and come back, and initiatives change
    their status and lead."""
    exports = random_history(seed, DATES, people_come_and_go=come_and_go)
    reference = Reference()
    for number, export in enumerate(exports):
        _import(store, store_settings, tmp_path / f"export{number}", export)
        reference.apply(export)
    seen = {}
    for day in ASKED:
        seen[day] = (_network(store, day), _answers(store, day), _answers(store, day, (HOOD,)))
        if isinstance(store, CypherStore) and day is not None:
            # a backend's own packed read and the row-by-row read agree as of a date too
            by_rows = store.projection_by_rows(as_of=day)
            packed = store.projection(as_of=day)
            assert sorted(by_rows.fabric.edges(data=True), key=repr) == sorted(
                packed.fabric.edges(data=True), key=repr
            )
            for rel, rows in by_rows.attribute_ties.items():
                assert sorted(rows, key=repr) == sorted(packed.attribute_ties[rel], key=repr)
    held_somewhen = 0
    for day in ASKED:
        store.clear()
        held = reference.held(day)
        held_somewhen += sum(len(facts) for facts in held.values())
        directory = tmp_path / f"fresh-{day or 'now'}"
        files = entity_files(directory, reference.entities(day)) + fact_files(directory, held)
        fresh = run_import(store, store_settings, files, ImportOptions(as_of=day))
        assert fresh.written and not fresh.errors, fresh.as_json()
        network, answers, part = seen[day]
        assert _network(store, None) == network, f"the network as of {day}"
        assert _answers(store, None) == answers, f"the answers as of {day}"
        assert _answers(store, None, (HOOD,)) == part, f"a coach's answers as of {day}"
    assert held_somewhen > 0, "the history held facts to compare"


def _participation(store: GraphStore) -> dict[tuple[str, str], dict[str, Any]]:
    rows = store.relationships(
        RelType.PARTICIPATES_IN, source_label=NodeLabel.RESIDENT, target_label=NodeLabel.INITIATIVE
    )
    return {(a, b): props for a, b, props in rows}


def _ids(store: GraphStore, label: NodeLabel) -> dict[str, str]:
    """Pseudonymous id by name (initiatives) or by source id order (residents)."""
    return {str(n.properties.get("name") or n.id): n.id for n in store.nodes(label)}


def test_a_complete_sheet_ends_only_what_an_earlier_complete_one_listed_in_its_areas(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    everything = entity_files(tmp_path / "entities")
    first = Export("2025-03-31", {"deelname": {("B01", "I1"): (("rol", "owner"),),
                                               ("B02", "I2"): (("rol", "volunteer"),)}}, {"deelname"})  # fmt: skip
    partial = Export("2025-06-30", {"deelname": {("B03", "I1"): (("rol", "participant"),)}}, set())
    for number, export in enumerate((first, partial)):
        _import(store, store_settings, tmp_path / f"e{number}", export)
    stored = _participation(store)
    assert len(stored) == 3 and all(props.get(VALID_TO) is None for props in stored.values())
    # a complete export of Havenkwartier only: its residents, and participation there
    havenkwartier = tmp_path / "havenkwartier"
    havenkwartier.mkdir()
    (people,) = [path for path in everything if path.name == "bewoners.csv"]
    rows = people.read_text(encoding="utf-8").splitlines()
    local = [rows[0], *(row for row in rows[1:] if HOOD in row)]
    residents = havenkwartier / "bewoners.csv"
    residents.write_text("\n".join(local) + "\n", encoding="utf-8")
    last = Export(
        "2025-09-30", {"deelname": {("B05", "I1"): (("rol", "participant"),)}}, {"deelname"}
    )
    files = [residents, *fact_files(havenkwartier, last.facts)]
    report = run_import(
        store, store_settings, files, ImportOptions(as_of=last.as_of, complete=("deelname",))
    )
    assert report.written and not report.errors, report.as_json()
    assert report.complete == ["participation"]
    assert report.complete_areas == [HOOD]
    assert report.relationships["PARTICIPATES_IN"].ended == 1
    after = _participation(store)
    ended = {pair: props for pair, props in after.items() if props.get(VALID_TO) is not None}
    assert [props.get(VALID_TO) for props in ended.values()] == ["2025-09-30"]
    assert [props["role"] for props in ended.values()] == ["owner"], "B01 in Havenkwartier"
    holding = sorted(props["role"] for props in after.values() if props.get(VALID_TO) is None)
    # B02 lives in the Bloemenbuurt (not covered); B03 only a partial import stated
    assert holding == ["participant", "participant", "volunteer"]
    # as of before the end, B01 still took part; after it, not
    analyst = Analyst(store)
    before = analyst.context_as_of("2025-09-29")
    later = analyst.context_as_of("2025-09-30")
    owner = next(pair for pair in ended)
    assert before.fabric.has_edge(*owner) and not later.fabric.has_edge(*owner)


def test_the_same_dated_files_again_change_nothing_and_an_older_export_is_refused(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    exports = random_history(7, DATES[:3])
    for number, export in enumerate(exports):
        _import(store, store_settings, tmp_path / f"e{number}", export)
    version = store.version()
    again = _import(store, store_settings, tmp_path / "e2", exports[2])
    assert again.totals().written == 0, again.as_json()
    assert store.version() == version
    with pytest.raises(RefusedError) as refused:
        _import(store, store_settings, tmp_path / "e1", exports[1])
    assert "2025-06-30" in refused.value.en and "oldest to newest" in refused.value.en
    with pytest.raises(RefusedError) as future:
        run_import(
            store, store_settings, entity_files(tmp_path / "x"), ImportOptions(as_of="2999-01-01")
        )
    assert "future" in future.value.en
    with pytest.raises(InvalidDataError) as unknown:
        run_import(
            store, store_settings, entity_files(tmp_path / "y"),
            ImportOptions(as_of=DATES[2], complete=("buurten",)),
        )  # fmt: skip
    assert "only these sheets can be complete" in unknown.value.en
    assert store.version() == version, "nothing written by a refused import"


def test_a_fact_that_changes_keeps_its_earlier_version_and_one_that_returns_its_gap(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    tie = ("B01", "B02")
    history = [
        Export("2025-01-15", {"contacten": {tie: (("soort", "friend"), ("sterkte", "1"))}}, {"contacten"}),
        Export("2025-03-31", {"contacten": {tie: (("soort", "friend"), ("sterkte", "3"))}}, {"contacten"}),
        Export("2025-06-30", {"contacten": {("B03", "B04"): (("soort", "family"), ("sterkte", "2"))}}, {"contacten"}),
        Export("2025-09-30", {"contacten": {tie: (("soort", "neighbour"), ("sterkte", "2"))}}, set()),
    ]  # fmt: skip
    for number, export in enumerate(history):
        _import(store, store_settings, tmp_path / f"e{number}", export)
    rows = store.relationships(
        RelType.KNOWS, source_label=NodeLabel.RESIDENT, target_label=NodeLabel.RESIDENT
    )
    props = next(p for _, _, p in rows if p.get("kind") == "neighbour")
    assert props[VALID_FROM] == "2025-09-30" and props.get(VALID_TO) is None
    assert [decode_version(text)[:2] for text in props[PAST]] == [
        ("2025-01-15", "2025-03-31"),
        ("2025-03-31", "2025-06-30"),
    ]
    strengths = {}
    for day in ("2025-02-01", "2025-04-01", "2025-07-01", "2025-10-01"):
        edges = [d for a, b, d in store.projection(as_of=day).fabric.edges(data=True)
                 if d.get("kind") != "family"]  # fmt: skip
        strengths[day] = [(d["kind"], d["strength"]) for d in edges]
    assert strengths == {
        "2025-02-01": [("friend", 1)],
        "2025-04-01": [("friend", 3)],
        "2025-07-01": [],
        "2025-10-01": [("neighbour", 2)],
    }


def test_erasure_leaves_no_trace_in_any_period(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    exports = random_history(11, DATES)
    for number, export in enumerate(exports):
        _import(store, store_settings, tmp_path / f"e{number}", export)
    ids = {n.id for n in store.nodes(NodeLabel.RESIDENT)}
    assert len(ids) == len(RESIDENTS)
    # the resident with the most ties over the whole history (as of every date asked)
    networks = [_network(store, day) for day in ASKED]
    degree = {
        node_id: sum(node_id in edge for network in networks for edge in network["edges"])
        for node_id in ids
    }
    person = max(sorted(ids), key=degree.__getitem__)
    assert degree[person] > 2, "a resident with a history to erase"
    store.erase_node(NodeLabel.RESIDENT, person, tombstone=True)
    for day in ASKED:
        network = _network(store, day)
        assert not any(person in text for text in network["nodes"] + network["edges"]), day
        assert not any(person in text for rows in network["attributes"].values() for text in rows)
    after = tmp_path / "after.jsonl"
    export_dump(store, after)
    for line in after.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("node") == "WijkgraafTombstone":
            continue
        assert person not in line
        for text in (record.get("properties") or {}).get(PAST) or []:
            assert person not in json.dumps(decode_version(text))


@pytest.mark.slow
def test_a_dated_complete_import_killed_anywhere_converges_on_the_rerun(
    store_settings: Settings, tmp_path: Path
) -> None:
    """``kill -9`` at every other statement of a dated import that ends facts (a complete sheet)
    and changes others: the next run undoes it (the store before it); run again, it gives
    the store a clean run gives, periods and past versions included."""
    settings = store_settings.model_copy(
        update={"batch_size": BATCH, "secret_key": SecretStr(SECRET)}
    )
    first, second = random_history(5, DATES[:2])
    first_files = entity_files(tmp_path / "first") + fact_files(tmp_path / "first", first.facts)
    second_files = entity_files(tmp_path / "second") + fact_files(tmp_path / "second", second.facts)
    options = {"as_of": second.as_of, "complete": sorted(second.complete)}

    def first_import(store: GraphStore) -> None:
        store.clear()
        run_import(store, settings, first_files, ImportOptions(
            as_of=first.as_of, complete=tuple(sorted(first.complete))))  # fmt: skip

    with open_store(settings) as store:
        first_import(store)
        before = _dump(store, tmp_path / "before.jsonl")
        clean = run_import(store, settings, second_files, ImportOptions(**options))
        assert clean.totals().ended and clean.totals().created, clean.as_json()
        after = _dump(store, tmp_path / "after.jsonl")
        first_import(store)
        killed = 0
        for at in range(1, 500, 2):
            result = _killed(settings, at, second_files, options=options)
            if result.returncode == 3:
                break  # the import finished before statement ``at``
            assert result.returncode == -9, result.stderr
            killed += 1
            store.undo_abandoned_import()
            assert _dump(store, tmp_path / f"{at}.jsonl") in (before, after), at
            rerun = run_import(store, settings, second_files, ImportOptions(**options))
            assert rerun.written
            assert _dump(store, tmp_path / f"{at}-rerun.jsonl") == after, at
            first_import(store)
        assert killed > 5
        store.clear()


def test_a_resident_a_complete_export_left_out_is_gone_with_their_ties_until_stated_again(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    tie = {("B01", "B02"): (("soort", "friend"), ("sterkte", "2"))}
    everyone = Export("2025-03-31", {"contacten": tie}, {"bewoners", "contacten"})
    _import(store, store_settings, tmp_path / "e0", everyone)
    without = {r: props for r, props in everyone.entities()["bewoners"].items() if r != "B01"}
    moved = Export("2025-06-30", {}, {"bewoners"}, residents=without)
    report = _import(store, store_settings, tmp_path / "e1", moved)
    assert report.nodes["Resident"].ended == 1
    assert report.relationships["KNOWS"].ended == 1
    assert report.relationships["LIVES_IN"].ended == 1
    analyst = Analyst(store)
    assert len(analyst.context_as_of("2025-06-29").fabric.edges) == 1
    assert len(store.projection().fabric.edges) == 0
    residents = [
        n for n, d in store.projection().fabric.nodes(data=True) if d["label"] == "Resident"
    ]
    assert len(residents) == len(RESIDENTS) - 1
    # a tie of theirs in a later export, without them: refused, with what to do
    directory = tmp_path / "e2"
    files = fact_files(directory, {"contacten": {("B01", "B03"): (("soort", "friend"),)}})
    refused = run_import(store, store_settings, files, ImportOptions(as_of="2025-09-30"))
    assert not refused.written
    (error,) = refused.errors
    assert error.place.column == "bewoner" and "no longer in the data" in error.message("en")
    # stated again, they are back (their old tie stays ended: a new export states ties anew)
    back = Export("2025-12-31", {}, set(), residents={"B01": (("buurt", "BU99990101"),)})
    _import(store, store_settings, tmp_path / "e3", back)
    assert len(store.projection().fabric.nodes) == len(RESIDENTS) + 7
    assert len(store.projection().fabric.edges) == 0
    assert not analyst.context_as_of("2025-09-30").fabric.has_node(_ids_of(store)["B01"])


def _ids_of(store: GraphStore) -> dict[str, str]:
    """Residents' pseudonyms by source id, worked out as the importer does."""
    from importers.pseudonyms import installation_key, pseudonym

    key = installation_key(store.settings)
    return {r: pseudonym(key, "resident", r) for r in RESIDENTS}
