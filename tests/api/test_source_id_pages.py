"""A coach recognises a resident from the pages: each resident a question page names leads to
their source id (shown and logged for that one resident only); nobody else gets the link or
the page."""

from __future__ import annotations

import re

from api.access.audit import read_records
from importers.pseudonyms import installation_key, pseudonym
from tests.api.browsing import Site

LINK = re.compile(r'href="(/pages/source-id/(r-[0-9a-f]{32})\?lang=nl)"')
SHOWN = re.compile(r'<dd id="source-id">([^<]*)</dd>')


def _links(page: str) -> list[tuple[str, str]]:
    return LINK.findall(page)


def test_a_coachs_question_page_leads_to_each_residents_source_id(site: Site) -> None:
    coach = site.browser("coach")
    page = coach.get("/pages/questions/isolated")
    assert page.status_code == 200
    links = _links(page.text)
    assert links, "the isolated residents of the coach's buurt are linked"
    assert not SHOWN.search(page.text), "shown only on request"
    assert not re.search(r"\bB\d{3}\b", page.text)
    href, resident = links[0]
    before = len(list(read_records(site.settings.audit_log)))
    shown = coach.get(href)
    assert shown.status_code == 200
    source_id = SHOWN.findall(shown.text)
    assert len(source_id) == 1
    assert pseudonym(installation_key(site.settings), "resident", source_id[0]) == resident
    lines = list(read_records(site.settings.audit_log))[before:]
    assert [(r.action, r.result, r.object_id) for r in lines] == [("source_id", "ok", resident)]
    assert source_id[0] not in site.settings.audit_log.read_text(encoding="utf-8")
    csv = coach.get("/pages/questions/isolated.csv")
    assert csv.status_code == 200 and source_id[0] not in csv.text


def test_another_coach_and_every_other_role_get_no_source_id(site: Site) -> None:
    page = site.browser("coach").get("/pages/questions/bridges?people_only=true")
    href, resident = _links(page.text)[0]
    other = site.browser("coach2").get(href)
    assert other.status_code == 404 and not SHOWN.search(other.text)
    last = list(read_records(site.settings.audit_log))[-1]
    assert (last.action, last.result, last.object_id) == ("source_id", "not_found", resident)
    admin = site.browser("admin")
    assert admin.get(href).status_code == 403
    answer = admin.get("/pages/questions/bridges?people_only=true")
    assert answer.status_code == 200
    assert not _links(answer.text), "no source-id links for an administrator"
    last = list(read_records(site.settings.audit_log))[-2]  # before the admin's question
    assert (last.action, last.result, last.actor_role) == ("source_id", "denied", "admin")
