"""``POST /introductions`` (issue 14): who may mark an introduction, what is refused and how,
the audit line of every mark, and what the answers of every route do after it."""

from __future__ import annotations

from typing import Any

from api.access.audit import read_for_subject, read_records
from graph.analysis.proposals import proposals
from graph.analysis.results import Answer
from tests.api.conftest import Api


def _post(api: Api, role: str, source: str, target: str, status: str) -> Any:
    body = {"source": source, "target": target, "status": status}
    return api.client.post("/introductions", json=body, headers=api.auth(role))


def _residents(api: Api) -> dict[str, dict[str, Any]]:
    context = api.client.app.state.services.analyst.context()  # type: ignore[attr-defined]
    return {n: d for n, d in context.fabric.nodes(data=True) if d.get("label") == "Resident"}


def _coach_buurt(api: Api) -> str:
    services = api.client.app.state.services  # type: ignore[attr-defined]
    key = services.keys.authenticate(api.tokens["coach"])
    return str(key.neighbourhoods[0])


def _a_proposal_in(api: Api, buurt: str) -> tuple[str, str]:
    """A resident → initiative introduction the coach's unused-strengths answer proposes, for
    a resident of their buurt who agreed to be contacted."""
    answer = Answer.model_validate(
        api.get("coach", "/questions/unused-strengths", limit=100).json()
    )
    residents = _residents(api)
    for found in proposals(answer).values():
        for proposal in found:
            if residents[proposal.source].get("consent_contact"):
                return proposal.source, proposal.target
    raise AssertionError(f"no proposal in {buurt}")


def test_every_role_as_its_key_allows(api: Api) -> None:
    buurt = _coach_buurt(api)
    source, target = _a_proposal_in(api, buurt)
    assert _post(api, "policymaker", source, target, "proposed").status_code == 403
    answer = _post(api, "coach", source, target, "proposed")
    assert answer.status_code == 200, answer.text
    assert answer.json() | {"changed": None} == {
        "kind": "resident_initiative", "source": source, "target": target,
        "status": "proposed", "previous": None, "changed": None, "written": True,
        "tie_created": False,
    }  # fmt: skip
    # a coach of another buurt: as if it did not exist
    other = _post(api, "coach2", source, target, "accepted")
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    # an integration marks anywhere, as its key allows; an administrator too
    assert _post(api, "integration", source, target, "accepted").json()["previous"] == "proposed"
    again = _post(api, "admin", source, target, "accepted").json()
    assert again["written"] is False and again["status"] == "accepted"

    lines = [r for r in read_records(api.settings.audit_log) if r.object_kind == "introduction"]
    assert [(r.action, r.result, r.actor_role) for r in lines] == [
        ("introduction_proposed", "ok", "coach"),
        ("introduction_accepted", "not_found", "coach"),
        ("introduction_accepted", "ok", "integration"),
        ("introduction_accepted", "ok", "admin"),
    ]
    assert {(r.object_id, r.subject_id) for r in lines} == {(f"{source}~{target}", source)}
    denied = [r for r in read_records(api.settings.audit_log) if r.result == "denied"]
    assert [(r.action, r.actor_role) for r in denied] == [("introduce", "policymaker")]
    # the resident's right of access lists every mark of their introductions
    assert len(read_for_subject(api.settings.audit_log, source)) >= 4


def test_refusals_say_why_change_nothing_and_are_logged(api: Api) -> None:
    residents = _residents(api)
    without = next(r for r, d in sorted(residents.items()) if not d.get("consent_contact"))
    willing = [r for r, d in sorted(residents.items()) if d.get("consent_contact")]
    version = api.get("admin", "/health").json()["version"]
    answer = _post(api, "integration", willing[0], without, "proposed")
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "no_contact_consent" and without in error["message"]
    assert "toestemming_contact" in error["message"] and "consent" in error["message_en"]
    assert api.get("admin", "/health").json()["version"] == version, "nothing written"

    assert _post(api, "admin", willing[0], willing[1], "declined").status_code == 200
    again = _post(api, "admin", willing[1], willing[0], "proposed")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "status_not_allowed"
    assert "afgewezen" in again.json()["error"]["message"]

    same = _post(api, "admin", willing[0], willing[0], "proposed")
    assert same.status_code == 409 and same.json()["error"]["code"] == "same_resident"
    unknown = _post(api, "admin", willing[0], "i-" + "0" * 32, "proposed")
    assert unknown.status_code == 404
    backwards = _post(api, "admin", "i-" + "0" * 32, willing[0], "proposed")
    assert backwards.status_code == 422, "the schema names the pairs an introduction has"

    results = [
        (r.action, r.result)
        for r in read_records(api.settings.audit_log)
        if r.object_kind == "introduction"
    ]
    assert results == [
        ("introduction_proposed", "invalid"),
        ("introduction_declined", "ok"),
        ("introduction_proposed", "invalid"),
        ("introduction_proposed", "invalid"),
        ("introduction_proposed", "not_found"),
    ]
    log = api.settings.audit_log.read_text()
    for name in (d.get("display_name") for d in residents.values()):
        assert not name or f'"{name}"' not in log, "no names in the log"


def test_a_declined_one_leaves_every_route_and_a_happened_one_is_the_tie(api: Api) -> None:
    source, target = _a_proposal_in(api, _coach_buurt(api))

    def proposed_everywhere() -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for role in ("coach", "admin"):
            answer = Answer.model_validate(
                api.get(role, "/questions/unused-strengths", limit=100).json()
            )
            found |= {(p.source, p.target) for ps in proposals(answer).values() for p in ps}
        for role in ("coach", "integration", "admin"):
            page = api.get(role, "/recommendations", resident=source, page_size=100).json()
            for item in page["items"]:
                if item["kind"] == "Initiative":
                    found.add((source, item["id"]))
        return found

    assert (source, target) in proposed_everywhere()
    assert _post(api, "coach", source, target, "declined").status_code == 200
    assert (source, target) not in proposed_everywhere()

    # another one happens: the resident takes part now, and their answer follows
    before = api.get("admin", "/questions/isolated", limit=100).json()
    answer = Answer.model_validate(
        api.get("admin", "/questions/unused-strengths", limit=100).json()
    )
    residents = _residents(api)
    other = next(
        p for ps in proposals(answer).values() for p in ps
        if p.source != source and residents[p.source].get("consent_contact")
    )  # fmt: skip
    done = _post(api, "integration", other.source, other.target, "happened").json()
    assert done["tie_created"] is True
    record = api.get("admin", f"/residents/{other.source}").json()
    assert {"type": "PARTICIPATES_IN", "id": other.target} in [
        {"type": t["type"], "id": t["id"]} for t in record["ties"]
    ]
    after = api.get("admin", "/questions/isolated", limit=100).json()
    assert after["version"] > before["version"]
    recommendations = api.get("admin", "/recommendations", resident=other.source).json()
    assert other.target not in {item["id"] for item in recommendations["items"]}


def test_the_schema_describes_the_route_and_its_pairs(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    post = schema["paths"]["/introductions"]["post"]
    assert {"403", "404", "409", "422"} <= set(post["responses"])
    body = schema["components"]["schemas"]["IntroductionMark"]
    assert body["additionalProperties"] is False
    # an initiative to an organisation; a resident to an initiative or a resident
    assert body["then"]["properties"]["target"]["pattern"].startswith("^o-")
    assert body["else"]["properties"]["target"]["pattern"].startswith("^(r-")
    assert set(body["properties"]["status"]["$ref"].split("/")[-1:]) == {"IntroductionStatus"}


def test_a_mark_while_an_import_writes_waits_for_it_and_is_logged(api: Api) -> None:
    source, target = _a_proposal_in(api, _coach_buurt(api))
    api.store.begin_import("an-import-writing")
    try:
        answer = _post(api, "integration", source, target, "accepted")
    finally:
        api.store.end_import()
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "import_in_progress"
    [line] = [r for r in read_records(api.settings.audit_log) if r.object_kind == "introduction"]
    assert (line.action, line.result) == ("introduction_accepted", "error")
    assert _post(api, "integration", source, target, "accepted").status_code == 200
