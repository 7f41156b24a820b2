"""Who may record in the pages (issue 14), on both databases: every recording form is refused
from another site or without its session's token; a coach records in their own
neighbourhoods only (elsewhere is as if absent); a policymaker, an integration and a revoked
key record nothing. Each refusal changes nothing and leaves its line in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.access.api_keys import KeyStore
from api.pages.forms import FORM_FIELD
from tests.api.browsing import Site, form_token
from tests.api.recording import (
    ALERTS,
    FOREIGN,
    audit_lines,
    details,
    dump,
    key_id,
    post,
    residents,
    site,
    strangers,
)

__all__ = ["site"]  # the fixture: the sample on each database in turn


POSTS = ["/pages/residents/{r}", "/pages/residents", "/pages/initiatives", "/pages/undo"]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("sent", ["none", "empty", "another session's", "from elsewhere"])
def test_every_recording_form_shows_it_came_from_here(
    site: Site, tmp_path: Path, path: str, sent: str
) -> None:
    mine, theirs = site.browser("coach"), site.browser("admin")
    quiet, other = strangers(site, site.areas["coach"])
    fields = {**details(quiet), "bron_id": "K-1", "naam": "Ander", "contact_bewoner": other.id}
    token = {
        "none": None,
        "empty": "",
        "another session's": form_token(theirs.get("/pages/").text),
        "from elsewhere": form_token(mine.get("/pages/").text),
    }[sent]
    data = fields if token is None else {**fields, FORM_FIELD: token}
    before, lines = dump(site, tmp_path, "before"), len(audit_lines(site))
    refused = mine.post(
        path.format(r=quiet.id), data=data, headers=FOREIGN if sent == "from elsewhere" else None
    )
    assert refused.status_code == 403
    assert "niets veranderd" in refused.text or "andere site" in refused.text
    assert dump(site, tmp_path, "after") == before
    assert audit_lines(site)[lines:] == [("update", "denied", key_id(site, "coach"), "coach")]


@pytest.mark.parametrize("role", ["policymaker", "integration"])
def test_a_policymaker_or_an_integration_records_nothing(
    site: Site, tmp_path: Path, role: str
) -> None:
    browser = site.browser(role)
    quiet, other = strangers(site, site.areas["coach"])
    assert browser.get(f"/pages/residents/{quiet.id}").status_code == 403
    assert browser.get("/pages/residents/new").status_code == 403
    assert browser.get("/pages/initiatives/new").status_code == 403
    before = dump(site, tmp_path, "before")
    for path in (
        f"/pages/residents/{quiet.id}",
        "/pages/residents",
        "/pages/initiatives",
        "/pages/undo",
    ):
        lines = len(audit_lines(site))
        refused = post(
            browser,
            path,
            {**details(quiet), "bron_id": "K-2", "naam": "X", "contact_bewoner": other.id},
        )
        assert refused.status_code == 403, path
        assert "beleidsmakers en koppelingen kunnen dat niet" in refused.text
        assert [line[:2] + line[3:] for line in audit_lines(site)[lines:]] == [
            ("update", "denied", role)
        ]
    assert dump(site, tmp_path, "after") == before


def test_a_coach_records_in_their_own_neighbourhoods_only(site: Site, tmp_path: Path) -> None:
    coach = site.browser("coach")
    mine = residents(site, site.areas["coach"])
    theirs = residents(site, site.areas["coach2"])
    before = dump(site, tmp_path, "before")
    lines = len(audit_lines(site))
    # a resident of another buurt: as if absent, to read and to write
    assert coach.get(f"/pages/residents/{theirs[0].id}").status_code == 404
    assert (
        post(
            coach, f"/pages/residents/{theirs[0].id}", {**details(theirs[0]), "kracht": "koken"}
        ).status_code
        == 404
    )
    # nor named in a form about one of their own
    assert (
        post(
            coach,
            f"/pages/residents/{mine[0].id}",
            {**details(mine[0]), "contact_bewoner": theirs[0].id},
        ).status_code
        == 404
    )
    assert (
        post(
            coach,
            "/pages/initiatives",
            {
                "bron_id": "I-X",
                "naam": "X",
                "buurt": site.areas["coach"],
                "deelnemer1": theirs[0].id,
            },
        ).status_code
        == 404
    )
    # nor moved to another buurt, nor a new one recorded there
    moved = post(
        coach,
        f"/pages/residents/{mine[0].id}",
        {**details(mine[0]), "buurt": site.areas["coach2"]},
    )
    assert moved.status_code == 422 and "Kies een van uw eigen buurten." in ALERTS.findall(
        moved.text
    )
    elsewhere = post(coach, "/pages/residents", {"bron_id": "K-3", "buurt": site.areas["coach2"]})
    assert elsewhere.status_code == 422 and "Kies een van uw eigen buurten." in elsewhere.text
    assert [line[:2] for line in audit_lines(site)[lines:]] == [
        ("read", "not_found"), ("update", "not_found"), ("update", "not_found"),
        ("update", "not_found"), ("update", "invalid"), ("update", "invalid"),
    ]  # fmt: skip
    assert dump(site, tmp_path, "after") == before
    # an administrator records anywhere
    admin = site.browser("admin")
    done = post(
        admin,
        f"/pages/residents/{theirs[0].id}",
        {**details(theirs[0]), "contact_bewoner": theirs[1].id},
        follow_redirects=False,
    )
    assert done.status_code == 303


def test_a_revoked_key_records_nothing(site: Site, tmp_path: Path) -> None:
    coach = site.browser("coach")
    quiet = residents(site, site.areas["coach"])[0]
    token = form_token(coach.get("/pages/").text)
    keys = KeyStore(site.settings.api_keys_file)
    key = keys.authenticate(site.tokens["coach"])
    assert key is not None
    keys.revoke(key.key_id)
    before = dump(site, tmp_path, "before")
    refused = coach.post(
        f"/pages/residents/{quiet.id}",
        data={FORM_FIELD: token, **details(quiet), "kracht": "koken"},
    )
    assert refused.status_code in (303, 403)
    assert dump(site, tmp_path, "after") == before
