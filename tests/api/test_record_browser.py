"""Recording a conversation in a real browser (issue 14): headless Chromium against the served
app, as ``tests/api/test_browser.py`` drives it.

A coach finds a resident with no ties at all among the isolated of their buurt, opens their
network and from there the form of a conversation; the form first refuses a tie without the
person it is with (the importer's message, nothing saved), then records a tie to a neighbour
and a strength. The isolated answer no longer says the resident has no ties, their network map
shows the neighbour, and after the coach undoes it both are as before.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.test_browser import (
    BROWSER,
    Served,
    Watched,
    _screenshot,
    _signed_in,
    _stayed_home,
    chromium,
    served,
)

__all__ = ["chromium", "served"]  # the fixtures: Chromium, and the app served on loopback
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium on this machine")

NO_TIES = "heeft geen enkele band in het netwerk."
EGO = re.compile(r"ego=(r-[0-9a-f]{32})")


def _isolated_without_ties(watched: Watched, served: Served) -> dict[str, str]:
    """The isolated of the coach's buurt: each resident's id and the text of their row."""
    page = watched.page
    page.goto(f"{served.base}/pages/questions/isolated?neighbourhood={served.buurt}&limit=100")
    rows = {}
    for row in page.locator("#answer tbody tr").all():
        found = EGO.search(row.locator("a").first.get_attribute("href") or "")
        if found:
            rows[found.group(1)] = row.inner_text()
    return rows


def _network(watched: Watched, served: Served, resident: str) -> set[str]:
    """The ids on the resident's network map, drawn."""
    page = watched.page
    page.goto(f"{served.base}/pages/map?ego={resident}")
    page.wait_for_selector('body[data-map-ready="true"]', timeout=30_000)
    page.wait_for_function("() => window.wijkgraafMap && window.wijkgraafMap.nodes.length > 0")
    nodes: list[dict[str, Any]] = page.evaluate("() => window.wijkgraafMap.data.view.nodes")
    return {node["id"] for node in nodes}


def test_a_coach_records_a_conversation_sees_the_answers_change_and_undoes_it(
    chromium: Any, served: Served
) -> None:
    watched = _signed_in(chromium, served, "coach")
    page = watched.page
    rows = _isolated_without_ties(watched, served)
    alone = next(resident for resident, text in rows.items() if NO_TIES in text)
    before = _network(watched, served, alone)
    assert before == {alone}, "no ties: alone on their map"

    # from their network to the form of a conversation with them
    page.click("#map-nav a:has-text('Gesprek vastleggen')")
    page.wait_for_url(f"**/pages/residents/{alone}**")
    assert page.inner_text("#form-title") == "Gesprek vastleggen"
    choices = page.locator("#contact_bewoner option").evaluate_all("o => o.map(x => x.value)")
    neighbour = next(value for value in choices if value)

    # a tie without the person it is with: the importer's message, nothing saved
    page.select_option("#contact_soort", "neighbour")
    page.click("#record-save")
    page.wait_for_selector("#record-problem")
    assert "Er is niets vastgelegd." in page.inner_text("#record-problem")
    assert page.inner_text("#part-contact .field-error") == "andere_bewoner is verplicht."
    _screenshot(watched, "record-refused.png")

    # the tie and a strength, then saved
    page.select_option("#contact_bewoner", neighbour)
    page.select_option("#contact_sterkte", "2")
    page.fill("#kracht", "fietsen repareren")
    page.check("#kracht_wil_delen")
    page.click("#record-save")
    page.wait_for_url("**saved=true**")
    assert page.inner_text("#record-notice") == "Vastgelegd."
    known = page.inner_text("#known")
    assert "Fietsen repareren (wil delen)" in known and "(buur, sterkte 2)" in known
    _screenshot(watched, "record-saved.png")

    # the answers change: no longer without ties, and the neighbour on their map
    assert NO_TIES not in _isolated_without_ties(watched, served).get(alone, "")
    assert neighbour in _network(watched, served, alone)

    # undone from their page: as before
    page.goto(f"{served.base}/pages/residents/{alone}")
    page.click("#undo-button")
    page.wait_for_selector("#notice-message")
    assert page.inner_text("#notice-message") == "Uw laatste wijziging is ongedaan gemaakt."
    assert NO_TIES in _isolated_without_ties(watched, served)[alone]
    assert _network(watched, served, alone) == before
    # the refused form came back as 422, which the console notes; nothing else may be there
    refused = [e for e in watched.errors if "status of 422" in e]
    assert len(refused) == 1
    watched.errors.remove(refused[0])
    _stayed_home(watched, served)
