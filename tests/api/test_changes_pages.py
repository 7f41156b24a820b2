"""The pages over time (issue 16), on the sample's history: the page of what changed between
two dates, and the question pages and maps as of a date (a date field; empty: now)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.access.api_keys import KeyStore
from api.access.audit import Role, read_records
from api.app import create_app
from tests.api.browsing import Site
from tests.api.conftest import sample_keys
from tests.sample_story import FIRST, LAST, PARKZOOM, Story, history_store, story


@pytest.fixture(scope="module")
def history_site(
    embedded_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Site, Story]]:
    folder = tmp_path_factory.mktemp("history-pages")
    with history_store(embedded_dir, folder, rate_limit=10_000) as (settings, store):
        tokens, buurten = sample_keys(store, settings)
        tokens["parkzoom"] = KeyStore(settings.api_keys_file).create(Role.COACH, [PARKZOOM])[1]
        app = create_app(settings, store=store)
        with TestClient(app):
            areas = {"coach": buurten[0], "coach2": buurten[1], "parkzoom": PARKZOOM}
            yield Site(app, settings, store, tokens, areas), story(settings)


DATES = {"from": FIRST, "to": LAST}


def _section(page: str, key: str) -> str:
    found = re.search(rf'<section id="changes-{key}".*?</section>', page, re.S)
    assert found, f"no section {key}"
    return found.group(0)


def _lines(site: Site) -> list[tuple[str, str, str]]:
    return [(r.action, r.object_id, r.result) for r in read_records(site.settings.audit_log)]


def test_the_changes_page_shows_the_story_to_a_coach_of_the_buurt(
    history_site: tuple[Site, Story],
) -> None:
    site, told = history_site
    browser = site.browser("parkzoom")
    before = len(_lines(site))
    page = browser.get("/pages/changes", params={"from": FIRST, "to": LAST})
    assert page.status_code == 200, page.text[:500]
    assert _lines(site)[before:] == [("changes", PARKZOOM, "ok")]
    lost = _section(page.text, "bridges_lost")
    assert "Gerrit Bakker" in lost and "is Gerrit Bakker er niet meer" in lost
    assert f"/pages/map?ego={told.mover}&amp;as_of={FIRST}" in lost, "his map as it was"
    handed = _section(page.text, "taken_over")
    assert "Wandelgroep Parkzoom" in handed and "Lotte Smit" in handed and "Bogdan Ramdin" in handed
    alone = _section(page.text, "newly_isolated")
    assert all(f'data-id="{node}"' in alone for node in told.held_together)
    assert "Parkzoom, 45-66" in alone, "buurt and age band beside each person"
    assert 'type="date"' in page.text and f'value="{FIRST}"' in page.text
    assert 'method="get"' in page.text and "form_token" not in page.text.split("</header>")[1]
    english = browser.get("/pages/changes", params={"from": FIRST, "to": LAST, "lang": "en"})
    assert "What changed" in english.text and "Bridges lost" in english.text
    assert "Gerrit Bakker is gone" in _section(english.text, "bridges_lost")
    assert 'id="sign-out"' in english.text and 'id="site-lang"' in english.text


def test_the_changes_page_without_dates_is_the_form_and_reads_no_one(
    history_site: tuple[Site, Story],
) -> None:
    site, _ = history_site
    browser = site.browser("admin")
    before = len(_lines(site))
    for params in ({}, {"from": "", "to": "", "neighbourhood": ""}):
        page = browser.get("/pages/changes", params=params)
        assert page.status_code == 200 and 'id="changes-choose"' in page.text
    assert len(_lines(site)) == before
    assert browser.get("/pages/changes", params={"from": "2025-02-30"}).status_code == 422


def test_the_changes_page_keeps_to_the_roles(history_site: tuple[Site, Story]) -> None:
    site, _ = history_site
    other = site.browser("coach").get(
        "/pages/changes", params={"from": FIRST, "neighbourhood": PARKZOOM}
    )
    assert other.status_code == 404
    assert site.browser("policymaker").get("/pages/changes", params=DATES).status_code == 403
    assert _lines(site)[-1][0::2] == ("changes", "denied")


def test_a_question_page_as_of_a_date(history_site: tuple[Site, Story]) -> None:
    site, told = history_site
    browser = site.browser("parkzoom")
    now = browser.get("/pages/questions/isolated")
    then = browser.get("/pages/questions/isolated", params={"as_of": FIRST})
    assert now.status_code == then.status_code == 200
    four = list(told.held_together)
    assert all(node in now.text for node in four), "cut off now"
    assert not any(node in then.text for node in four), "not on the first quarter"
    assert f'name="as_of" value="{FIRST}"' in then.text
    assert f"as_of={FIRST}" in then.text, "names lead to the map of that date"
    assert "follow-up-form" not in then.text, "introductions are followed up in the present"
    empty = browser.get("/pages/questions/isolated", params={"as_of": ""})
    assert empty.status_code == 200 and all(node in empty.text for node in four)
    csv = browser.get("/pages/questions/isolated.csv", params={"as_of": FIRST})
    assert csv.status_code == 200 and not any(node in csv.text for node in four)


def test_a_map_as_of_a_date(history_site: tuple[Site, Story]) -> None:
    site, told = history_site
    browser = site.browser("parkzoom")
    then = browser.get("/pages/map", params={"ego": told.mover, "as_of": FIRST})
    assert then.status_code == 200 and "Gerrit Bakker" in then.text
    assert f'name="as_of" value="{FIRST}"' in then.text and 'name="ego"' in then.text
    assert browser.get("/pages/map", params={"ego": told.mover}).status_code == 404, "gone now"
    drawn = browser.get("/pages/map", params={"question": "bridges", "as_of": FIRST})
    assert drawn.status_code == 200 and "Gerrit Bakker" in drawn.text
    assert browser.get("/pages/map", params={"as_of": "31-03-2025"}).status_code == 422
