"""Recording in the pages (issue 14), on both databases: a coach records what a conversation
taught about a resident of their own buurt, adds a resident and an initiative with who takes
part, and undoes their last change. Bad input is refused with the importer's own messages and
changes nothing; every form is refused from another site or without its token; a coach is
kept to their own neighbourhoods, a policymaker and an integration record nothing; every write
leaves one line in the audit log, without a name or a source id."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from api.access.audit import verify
from graph.model import NodeLabel, RelType, SystemLabel
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from tests.api.browsing import Site
from tests.api.recording import (
    ALERTS,
    audit_lines,
    details,
    dump,
    key_id,
    knows,
    post,
    residents,
    site,
    skills,
    strangers,
)

__all__ = ["site"]  # the fixture: the sample on each database in turn


def test_a_coach_records_a_conversation_sees_it_and_undoes_it(site: Site, tmp_path: Path) -> None:
    coach = site.browser("coach")
    quiet, other = strangers(site, site.areas["coach"])
    assert knows(site, quiet.id, other.id) is None
    page = coach.get(f"/pages/residents/{quiet.id}")
    assert page.status_code == 200 and f'value="{other.id}"' in page.text
    before = dump(site, tmp_path, "before")
    lines = len(audit_lines(site))
    fields = {
        **details(quiet),
        "contact_bewoner": other.id,
        "contact_soort": "buurvrouw",
        "contact_sterkte": "2",
        "kracht": "kookt graag",
        "kracht_wil_delen": "ja",
    }
    saved = post(coach, f"/pages/residents/{quiet.id}", fields, follow_redirects=False)
    assert saved.status_code == 303, ALERTS.findall(saved.text)
    target = f"/pages/residents/{quiet.id}?saved=true&lang=nl#record-notice"
    assert saved.headers["location"] == target
    tie = knows(site, quiet.id, other.id)
    assert tie is not None and (tie["kind"], tie["strength"]) == ("neighbour", 2)
    assert "koken" in skills(site, quiet.id), "the vocabulary's term, as an import makes it"
    assert audit_lines(site)[lines:] == [("update", "ok", quiet.id, "coach")], "one line per write"
    shown = coach.get(saved.headers["location"])
    assert 'id="record-notice"' in shown.text and 'id="undo"' in shown.text
    assert "Koken (wil delen)" in shown.text
    runs = site.store.nodes(SystemLabel.IMPORT_RUN)
    assert any(run.properties["files"] == ["formulier-bewoner.json"] for run in runs), "recorded"

    again = post(coach, f"/pages/residents/{quiet.id}", fields, follow_redirects=False)
    assert again.status_code == 303, "the same conversation again changes nothing"
    kept = site.store.kept_change(key_id(site, "coach"))
    assert kept is not None and kept.author.subject == quiet.id

    lines = len(audit_lines(site))
    undone = post(coach, "/pages/undo", {})
    assert undone.status_code == 200 and "Uw laatste wijziging is ongedaan gemaakt." in undone.text
    assert dump(site, tmp_path, "after") == before
    assert audit_lines(site)[lines:] == [("update", "ok", quiet.id, "coach")]
    nothing = post(coach, "/pages/undo", {})
    assert (
        nothing.status_code == 200
        and "Er is geen wijziging van u om ongedaan te maken." in nothing.text
    )
    text = site.settings.audit_log.read_text(encoding="utf-8")
    assert "koken" not in text and (quiet.properties.get("display_name") or "§") not in text
    assert verify(site.settings.audit_log).ok


#: Bad input in one field (or two) of a resident's form, and the importer's message for it.
BAD_CONVERSATIONS = [
    (
        {"contact_soort": "vijand"},
        "contact_soort",
        "Kies een van: acquaintance, family, friend, neighbour.",
    ),
    ({"contact_sterkte": "5"}, "contact_sterkte", "Kies een getal van 1 tot en met 3."),
    (
        {"contact_sinds": "31-02-2020"},
        "contact_sinds",
        "Geen geldige datum; schrijf JJJJ-MM-DD (2023-04-01) of DD-MM-JJJJ (01-04-2023).",
    ),
    ({"kracht": "", "kracht_niveau": "2"}, "kracht", "kracht is verplicht."),
    ({"leeftijd": "100+"}, "leeftijd", "Kies een van: 0-17, 18-26, 27-44, 45-66, 67-79, 80+."),
    ({"naam": "x" * 201}, "naam", "Te lang (hoogstens 200 tekens)."),
    ({"naam": "Jan\x07"}, "naam", None),
    ({"contact_bewoner": "{self}"}, "contact_bewoner", "Een rij verbindt iets met zichzelf."),
    (
        {"deelname_rol": "baas"},
        "deelname_rol",
        "Kies een van: beneficiary, organiser, owner, participant, volunteer.",
    ),
]


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    BAD_CONVERSATIONS,
    ids=[c[1] + "-" + str(n) for n, c in enumerate(BAD_CONVERSATIONS)],
)
def test_bad_input_is_refused_with_the_importers_message_and_changes_nothing(
    site: Site, tmp_path: Path, bad: dict[str, str], field: str, message: str | None
) -> None:
    coach = site.browser("coach")
    quiet, other = strangers(site, site.areas["coach"])
    fields = {**details(quiet), "contact_bewoner": other.id, "kracht": "koken", **bad}
    if fields["contact_bewoner"] == "{self}":
        fields["contact_bewoner"] = quiet.id
    before, lines = dump(site, tmp_path, "before"), len(audit_lines(site))
    refused = post(coach, f"/pages/residents/{quiet.id}", fields)
    assert refused.status_code == 422
    assert "Er is niets vastgelegd." in refused.text
    told = re.search(
        rf'<div class="field wrong">\s*<label[^>]*>(?:<input[^>]*>)?[^<]*</label>\s*(?:<select name="{field}"|<input type="[a-z]+" name="{field}").*?</div>',
        refused.text,
        re.S,
    )
    assert told is not None, ALERTS.findall(refused.text)
    said = ALERTS.findall(told.group(0))
    if message is not None:
        assert said == [message]
    # the importer's own words: all it says of the same rows in a file, and nothing else
    assert sorted(ALERTS.findall(refused.text)) == sorted(
        _importer_says(site, tmp_path, quiet.id, fields)
    )
    assert dump(site, tmp_path, "after") == before, "nothing changed"
    assert audit_lines(site)[lines:] == [("update", "invalid", quiet.id, "coach")]
    # the form keeps what was typed (a select, only its choices)
    if field == "contact_sinds" or bad.get("naam") == "x" * 201:
        assert f'value="{fields[field]}"' in refused.text


def _importer_says(site: Site, tmp_path: Path, resident: str, fields: dict[str, str]) -> list[str]:
    """What a dry-run import of the form's rows as a JSON file says of them, in Dutch."""
    from api.pages.record_forms import CONVERSATION, DETAILS, document, values
    from graph.source_ids import PROPERTY, SourceIds

    node = site.store.get_node(NodeLabel.RESIDENT, resident)
    source_id = SourceIds.of(site.settings).open(resident, node.properties[PROPERTY])
    parts = (DETAILS, *CONVERSATION)
    sheets, _ = document(
        parts, values(fields, parts), own=resident, fixed={"bewoner": {"bron_id": source_id or ""}}
    )
    path = tmp_path / "zelfde.json"
    path.write_text(json.dumps(sheets), encoding="utf-8")
    report = run_import(
        site.store, site.settings, [path], ImportOptions(dry_run=True, stored_ids=True)
    )
    return [e.nl for e in report.errors]


def test_a_new_resident_and_a_new_initiative_with_who_takes_part(
    site: Site, tmp_path: Path
) -> None:
    coach, buurt = site.browser("coach"), site.areas["coach"]
    people = residents(site, buurt)
    form = coach.get(f"/pages/residents/new?neighbourhood={buurt}")
    assert form.status_code == 200 and 'name="bron_id"' in form.text
    made = post(
        coach,
        "/pages/residents",
        {
            "bron_id": "K-2025-17",
            "buurt": buurt,
            "leeftijd": "80+",
            "naam": "Toos",
            "contact_bewoner": people[0].id,
            "interesse": "sport",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, ALERTS.findall(made.text)
    new = pseudonym(installation_key(site.settings), "resident", "K-2025-17")
    assert made.headers["location"].startswith(f"/pages/residents/{new}?")
    stored = site.store.get_node(NodeLabel.RESIDENT, new).properties
    assert stored["age_band"] == "80+" and stored["consent_name"] is False
    assert "display_name" not in stored or stored["display_name"] is None, "no name without consent"
    assert knows(site, new, people[0].id) is not None

    taken = post(coach, "/pages/residents", {"bron_id": "K-2025-17", "buurt": buurt})
    assert taken.status_code == 422 and "Er is al een bewoner met dit bron-id" in taken.text

    form = coach.get(f"/pages/initiatives/new?neighbourhood={buurt}")
    assert form.status_code == 200 and 'name="deelnemer1"' in form.text
    started = post(
        coach,
        "/pages/initiatives",
        {
            "bron_id": "INIT-9",
            "naam": "Repair Café",
            "themas": "energie|ontmoeting",
            "buurt": buurt,
            "deelnemer1": new,
            "deelnemer1_rol": "trekker",
            "deelnemer2": people[1].id,
        },
        follow_redirects=False,
    )
    assert started.status_code == 303, ALERTS.findall(started.text)
    initiative = pseudonym(installation_key(site.settings), "initiative", "INIT-9")
    joined = {
        (s, p.get("role"))
        for s, t, p in site.store.relationships(
            RelType.PARTICIPATES_IN,
            source_label=NodeLabel.RESIDENT,
            target_label=NodeLabel.INITIATIVE,
        )
        if t == initiative
    }
    assert joined == {(new, "owner"), (people[1].id, "participant")}
    assert "Vastgelegd. Repair Café" in coach.get(started.headers["location"]).text

    nameless = post(coach, "/pages/initiatives", {"bron_id": "INIT-10", "buurt": buurt})
    assert nameless.status_code == 422 and "naam is verplicht." in ALERTS.findall(nameless.text)
    # the last change is the initiative: undone, the resident stays
    assert post(coach, "/pages/undo", {}).status_code == 200
    assert not site.store.existing_ids(NodeLabel.INITIATIVE, [initiative])
    assert site.store.existing_ids(NodeLabel.RESIDENT, [new])


def test_an_undo_is_refused_when_something_newer_touched_the_same_facts(
    site: Site, tmp_path: Path
) -> None:
    coach, admin = site.browser("coach"), site.browser("admin")
    quiet, other = strangers(site, site.areas["coach"])
    fields = {**details(quiet), "contact_bewoner": other.id, "contact_sterkte": "1"}
    assert (
        post(coach, f"/pages/residents/{quiet.id}", fields, follow_redirects=False).status_code
        == 303
    )
    stronger = {**details(quiet), "contact_bewoner": other.id, "contact_sterkte": "3"}
    assert (
        post(admin, f"/pages/residents/{quiet.id}", stronger, follow_redirects=False).status_code
        == 303
    )
    before, lines = dump(site, tmp_path, "before"), len(audit_lines(site))
    refused = post(coach, "/pages/undo", {})
    assert refused.status_code == 409
    assert "kan niet meer ongedaan worden gemaakt" in refused.text
    english = post(coach, "/pages/undo?lang=en", {})
    assert "can no longer be undone" in english.text
    assert dump(site, tmp_path, "after") == before
    assert audit_lines(site)[lines:] == [("update", "invalid", quiet.id, "coach")] * 2
    # the administrator's own change is theirs to undo
    assert "ongedaan gemaakt" in post(admin, "/pages/undo", {}).text
    assert (knows(site, quiet.id, other.id) or {}).get("strength") == 1


def test_erasing_a_person_takes_the_change_kept_for_undo(site: Site) -> None:
    coach = site.browser("coach")
    quiet, other = strangers(site, site.areas["coach"])
    fields = {**details(quiet), "contact_bewoner": other.id}
    assert (
        post(coach, f"/pages/residents/{quiet.id}", fields, follow_redirects=False).status_code
        == 303
    )
    assert site.store.nodes(SystemLabel.CHANGE)
    erased = site.browser().delete(
        f"/persons/{other.id}", headers={"Authorization": f"Bearer {site.tokens['admin']}"}
    )
    assert erased.status_code == 200
    assert not site.store.nodes(SystemLabel.CHANGE), "what it kept of the person went with them"
    assert "Er is geen wijziging van u" in post(coach, "/pages/undo", {}).text


def test_the_pages_speak_english_on_request(site: Site) -> None:
    coach = site.browser("coach")
    quiet = residents(site, site.areas["coach"])[0]
    page = coach.get(f"/pages/residents/{quiet.id}?lang=en")
    assert "Record a conversation" in page.text and "Gesprek vastleggen" not in page.text
    refused = post(
        coach,
        f"/pages/residents/{quiet.id}?lang=en",
        {**details(quiet), "contact_sterkte": "9", "contact_soort": "friend"},
    )
    assert "Choose a number from 1 to 3." in ALERTS.findall(refused.text)
    assert "Nothing was saved." in refused.text
    # a refused new resident's page leads to the same form in the other language
    buurt = site.areas["coach"]
    again = post(coach, "/pages/residents", {"buurt": buurt, "leeftijd": "27-44"})
    assert again.status_code == 422 and "bron_id is verplicht." in ALERTS.findall(again.text)
    switch = f'id="site-lang" href="/pages/residents/new?neighbourhood={buurt}&amp;lang=en"'
    assert switch in again.text


def test_a_resident_whose_source_id_is_not_known_here_gets_ties_recorded_all_the_same(
    site: Site,
) -> None:
    coach = site.browser("coach")
    quiet, other = strangers(site, site.areas["coach"])
    site.store.upsert_nodes(NodeLabel.RESIDENT, [{"id": quiet.id, "source_ref": "siv1:elsewhere"}])
    page = coach.get(f"/pages/residents/{quiet.id}")
    assert "Het bron-id van deze bewoner is hier niet bekend" in page.text
    assert 'id="part-bewoner"' not in page.text, "their details change through an import"
    saved = post(coach, f"/pages/residents/{quiet.id}", {"contact_bewoner": other.id})
    assert saved.status_code == 303, ALERTS.findall(saved.text)
    assert knows(site, quiet.id, other.id) is not None
    stored = site.store.get_node(NodeLabel.RESIDENT, quiet.id).properties
    assert stored["source_ref"] == "siv1:elsewhere", "their row was not written"
