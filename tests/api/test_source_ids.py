"""People a coach can recognise: a resident's source id, sealed in the store, opened for a
coach of their neighbourhood only, logged, gone with the person, on both databases.

The sample's residents are ``B001``…``B300`` in its files; Fatima (``B001``) lives in the
first buurt, which is the area of the ``coach`` key (``coach2`` has the second).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.access.audit import read_records, verify
from graph.analysis.context import NetworkContext
from graph.model import KEYED_LABELS, NodeLabel
from graph.source_ids import PROPERTY, SourceIds
from importers.dump import export_dump, restore_dump
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.synthetic import sample_files
from tests.api.conftest import Api
from visualise.export import export_graph

SOURCE_ID = re.compile(r"\bB\d{3}\b")


def _fatima(api: Api) -> str:
    return pseudonym(installation_key(api.settings), "resident", "B001")


def _path(resident: str) -> str:
    return f"/residents/{resident}/source-id"


def _last_line(api: Api) -> tuple[str, str, str, str]:
    line = list(read_records(api.settings.audit_log))[-1]
    return (line.action, line.result, line.actor_role, line.object_id)


def test_the_store_holds_every_residents_source_id_sealed_never_in_clear(api: Api) -> None:
    ids = SourceIds(installation_key(api.settings))
    residents = api.store.nodes(NodeLabel.RESIDENT)
    assert len(residents) == 300
    for node in residents:
        sealed = node.properties[PROPERTY]
        assert isinstance(sealed, str) and sealed.startswith("siv1:")
        source_id = ids.open(node.id, sealed)
        assert source_id is not None and SOURCE_ID.fullmatch(source_id), node.id
        assert source_id not in sealed
        assert node.id == pseudonym(installation_key(api.settings), "resident", source_id)
    for label in KEYED_LABELS:  # no property of any node holds a source id in clear
        for node in api.store.nodes(label):
            for value in node.properties.values():
                assert not (isinstance(value, str) and SOURCE_ID.fullmatch(value)), node.id


def test_a_coach_of_the_residents_buurt_gets_the_source_id_and_it_is_logged(api: Api) -> None:
    fatima = _fatima(api)
    answer = api.get("coach", _path(fatima))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"id": fatima, "source_id": "B001"}
    assert _last_line(api) == ("source_id", "ok", "coach", fatima)
    log = api.settings.audit_log.read_text(encoding="utf-8")
    assert "B001" not in log, "the line names the pseudonym, never the source id"
    assert verify(api.settings.audit_log).ok


def test_a_coach_of_another_buurt_gets_404_and_it_is_logged(api: Api) -> None:
    fatima = _fatima(api)
    answer = api.get("coach2", _path(fatima))
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert "B001" not in answer.text
    assert _last_line(api) == ("source_id", "not_found", "coach", fatima)
    nobody = "r-" + "0" * 32
    assert api.get("coach", _path(nobody)).status_code == 404


@pytest.mark.parametrize("role", ["policymaker", "integration", "admin"])
def test_every_other_role_is_refused_the_source_id(api: Api, role: str) -> None:
    fatima = _fatima(api)
    answer = api.get(role, _path(fatima))
    assert answer.status_code == 403
    assert "B001" not in answer.text
    assert _last_line(api) == ("source_id", "denied", role, fatima)


def test_records_and_answers_never_carry_the_sealed_or_the_clear_source_id(api: Api) -> None:
    fatima = _fatima(api)
    for role in ("coach", "admin"):
        record = api.get(role, f"/residents/{fatima}")
        assert record.status_code == 200
        assert PROPERTY not in record.json()["properties"]
        assert "siv1:" not in record.text and "B001" not in record.text
    for question in ("bridges", "isolated"):
        answer = api.get("coach", f"/questions/{question}")
        assert answer.status_code == 200
        assert "siv1:" not in answer.text and not SOURCE_ID.search(answer.text), question
    page = api.get("integration", "/recommendations", neighbourhood=_coach_buurt(api))
    assert page.status_code == 200
    assert "siv1:" not in page.text and not SOURCE_ID.search(page.text)


def _coach_buurt(api: Api) -> str:
    node = api.store.get_node(NodeLabel.RESIDENT, _fatima(api))
    return str(node.properties["neighbourhood"])


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_the_network_export_carries_no_source_id_at_all(api: Api, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"fabric.{fmt}"
    export_graph(NetworkContext.load(api.store), target, fmt)  # type: ignore[arg-type]
    text = target.read_text(encoding="utf-8")
    assert _fatima(api) in text, "the export holds the residents"
    assert PROPERTY not in text and "siv1:" not in text and not SOURCE_ID.search(text)


def test_the_dump_carries_the_sealed_id_only_and_restores_it(api: Api, tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    export_dump(api.store, dump)
    text = dump.read_text(encoding="utf-8")
    sealed = api.store.get_node(NodeLabel.RESIDENT, _fatima(api)).properties[PROPERTY]
    assert sealed in text
    assert not SOURCE_ID.search(text)
    restore_dump(api.store, dump, replace=True)  # moving databases keeps what a coach sees
    answer = api.get("coach", _path(_fatima(api)))
    assert answer.status_code == 200 and answer.json()["source_id"] == "B001"


def test_the_right_of_access_export_lists_the_sealed_id_never_the_clear_one(api: Api) -> None:
    fatima = _fatima(api)
    sealed = api.store.get_node(NodeLabel.RESIDENT, fatima).properties[PROPERTY]
    export = api.client.get(f"/persons/{fatima}/export", headers=api.auth("admin"))
    assert export.status_code == 200
    assert export.json()["properties"][PROPERTY] == sealed, "everything stored is listed"
    assert "B001" not in export.text


def test_erasure_takes_the_source_id_with_the_person(api: Api, tmp_path: Path) -> None:
    fatima = _fatima(api)
    sealed = api.store.get_node(NodeLabel.RESIDENT, fatima).properties[PROPERTY]
    assert api.client.delete(f"/persons/{fatima}", headers=api.auth("admin")).status_code == 200
    assert api.get("coach", _path(fatima)).status_code == 404
    dump = tmp_path / "dump.jsonl"
    export_dump(api.store, dump)
    assert sealed not in dump.read_text(encoding="utf-8"), "nothing stored keeps it"
    assert _last_line(api) == ("source_id", "not_found", "coach", fatima)


def test_importing_the_same_files_again_leaves_every_resident_unchanged(api: Api) -> None:
    before = {n.id: n.properties[PROPERTY] for n in api.store.nodes(NodeLabel.RESIDENT)}
    again = run_import(api.store, api.settings, sample_files(), ImportOptions())
    residents = again.nodes["Resident"]
    assert (residents.created, residents.updated, residents.unchanged) == (0, 0, 300)
    after = {n.id: n.properties[PROPERTY] for n in api.store.nodes(NodeLabel.RESIDENT)}
    assert after == before


def test_a_sealed_id_that_does_not_open_here_is_not_known(api: Api) -> None:
    """A dump restored under another installation key, or a value copied from another
    resident: the coach is told the source id is not known, and nothing is guessed."""
    fatima = _fatima(api)
    other = pseudonym(installation_key(api.settings), "resident", "B002")
    copied = api.store.get_node(NodeLabel.RESIDENT, other).properties[PROPERTY]
    api.store.upsert_nodes(NodeLabel.RESIDENT, [{"id": fatima, PROPERTY: copied}])
    answer = api.get("coach", _path(fatima))
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "source_id_unknown"
    assert "B002" not in answer.text
    assert _last_line(api) == ("source_id", "not_found", "coach", fatima)
