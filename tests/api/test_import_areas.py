"""POST /imports: a new area is declared, not guessed, unless the upload accepts new areas."""

from __future__ import annotations

from typing import Any

from graph.model import NodeLabel
from tests.api.conftest import Api

ROWS = b"bron_id,buurt\nB-new,BU12345678\n"


def _upload(api: Api, **data: str) -> dict[str, Any]:
    answer = api.client.post(
        "/imports",
        headers=api.auth("admin"),
        files=[("files", ("bewoners.csv", ROWS, "text/csv"))],
        data=data,
    )
    assert answer.status_code == 200, answer.text[:300]
    report: dict[str, Any] = answer.json()
    return report


def test_an_unknown_area_is_an_error_unless_the_upload_accepts_new_areas(api: Api) -> None:
    refused = _upload(api)
    (error,) = refused["errors"]
    assert error["value"] == "BU12345678" and not refused["written"]
    assert "BU12345678" not in {n.id for n in api.store.nodes(NodeLabel.NEIGHBOURHOOD)}
    accepted = _upload(api, accept_new_areas="true")
    assert accepted["errors"] == [] and accepted["written"]
    areas = {n.id for n in api.store.nodes(NodeLabel.NEIGHBOURHOOD)}
    assert {"BU12345678", "WK123456", "GM1234"} <= areas
