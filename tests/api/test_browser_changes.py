"""The demo's story in a real browser (issue 16): headless Chromium, driven by Playwright, on
the app serving the sample's history (as ``wijkgraaf demo`` imports it) on a loopback port.

A coach of Parkzoom opens the page of what changed, types the first and the last quarter in
its two date fields and sends it: the resident who moved away is there among the bridges
lost, with the four he held together now standing alone, and the walking group handed over
by its coach to a resident. His name leads to his map as it was; the page speaks English at
the switch. Nothing leaves the server, the console stays clean. Screenshots in
``test-artefacts/`` (or ``WIJKGRAAF_TEST_ARTEFACTS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.access.api_keys import KeyStore
from api.access.audit import Role
from api.app import create_app
from tests.api.browsing import on_loopback
from tests.api.test_browser import (
    BROWSER,
    Served,
    _drawn,
    _screenshot,
    _signed_in,
    _stayed_home,
    chromium,
)
from tests.sample_story import FIRST, LAST, PARKZOOM, Story, history_store, story

pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine")
__all__ = ["chromium"]  # the browser fixture, shared with the other browser tests


@pytest.fixture(scope="module")
def served(
    embedded_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Served, Story]]:
    """The app with the sample's history, on 127.0.0.1 (a free port), in a thread."""
    folder = tmp_path_factory.mktemp("served-history")
    with history_store(embedded_dir, folder) as (settings, store):
        tokens = {"coach": KeyStore(settings.api_keys_file).create(Role.COACH, [PARKZOOM])[1]}
        with on_loopback(create_app(settings, store=store)) as address:
            yield Served(address, tokens, PARKZOOM), story(settings)


def test_the_changes_page_shows_the_demo_s_story(
    chromium: Any, served: tuple[Served, Story]
) -> None:
    site, told = served
    watched = _signed_in(chromium, site, "coach")
    page = watched.page
    page.click("#site-nav a[href^='/pages/changes']")
    page.wait_for_selector("#changes-choose")
    page.fill("#changes-dates-from", FIRST)
    page.fill("#changes-dates-to", LAST)
    page.click("#changes-dates button[type=submit]")
    page.wait_for_selector("#changes-bridges_lost")

    lost = page.locator(f'#changes-bridges_lost tr[data-id="{told.mover}"]')
    assert lost.count() == 1
    assert "Gerrit Bakker" in lost.inner_text()
    assert "is Gerrit Bakker er niet meer; 4 van hen staan nu los van de rest" in lost.inner_text()
    alone = page.locator("#changes-newly_isolated tbody tr")
    assert {alone.nth(n).get_attribute("data-id") for n in range(alone.count())} == set(
        told.held_together
    )
    handed = page.locator(f'#changes-taken_over tr[data-id="{told.handed_over}"]').inner_text()
    assert "Wandelgroep Parkzoom" in handed
    assert "getrokken door professionals (coach: Lotte Smit)" in handed
    assert "door bewoners (eigenaar: Bogdan Ramdin)" in handed
    assert page.input_value("#changes-dates-from") == FIRST
    _screenshot(watched, "changes.png")

    page.click("#site-lang")
    page.wait_for_url("**lang=en")
    assert page.inner_text("#changes-title") == "What changed"
    assert "Gerrit Bakker is gone" in page.inner_text("#changes-bridges_lost")
    assert "by residents (owner: Bogdan Ramdin)" in page.inner_text("#changes-taken_over")

    page.click(f'#changes-bridges_lost tr[data-id="{told.mover}"] a')
    page.wait_for_url(f"**/pages/map?ego={told.mover}&as_of={FIRST}**")
    _drawn(watched)
    assert page.input_value("#dates-as_of") == FIRST
    assert "Gerrit Bakker" in page.inner_text("#map-title")
    _stayed_home(watched, site)
