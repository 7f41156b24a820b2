"""A question of several neighbourhoods is logged once per neighbourhood it read, under the
request's one id: the audit log says whose data was read, not only the first area's."""

from __future__ import annotations

from api.access.audit import Action, ObjectKind, read_records
from tests.api.conftest import Api


def _asked(api: Api) -> list[tuple[str, str, str | None]]:
    return [
        (r.object_kind.value, r.object_id, r.request_id)
        for r in read_records(api.settings.audit_log)
        if r.action == Action.ASK
    ]


def test_a_question_of_two_neighbourhoods_is_logged_for_each(api: Api) -> None:
    codes = ["BU99990101", "BU99990102"]
    answer = api.get("admin", "/questions/isolated", neighbourhood=codes)
    assert answer.status_code == 200, answer.text
    lines = _asked(api)
    assert [(kind, code) for kind, code, _ in lines] == [
        (ObjectKind.NEIGHBOURHOOD.value, code) for code in codes
    ]
    assert len({request for _, _, request in lines}) == 1, "one request, one id"


def test_a_publishable_question_of_two_neighbourhoods_is_logged_for_each(api: Api) -> None:
    codes = ["BU99990102", "BU99990103"]
    answer = api.get("policymaker", "/questions/bridges/publishable", neighbourhood=codes)
    assert answer.status_code == 200, answer.text
    assert [code for _, code, _ in _asked(api)] == codes


def test_a_question_of_the_whole_graph_is_one_line(api: Api) -> None:
    assert api.get("admin", "/questions/ownership").status_code == 200
    assert [kind for kind, _, _ in _asked(api)] == [ObjectKind.GRAPH.value]
