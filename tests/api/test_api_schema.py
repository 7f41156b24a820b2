"""The OpenAPI description says what the routes take (issue 17: schemathesis found valid
requests refused on ``GET /recommendations``, ``POST /imports`` and ``POST /keys``): a request
the schema calls valid is served, and one the routes refuse is invalid by the schema too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from api.access.audit import Role
from tests.api.browsing import Site


@dataclass
class Api:
    """The pages' site (one sample import for the module) called as the API."""

    client: TestClient
    token: str

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params, headers=self.auth())

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="module")
def api(site: Site) -> Api:
    return Api(TestClient(site.app), site.tokens["admin"])


def _schema(api: Api) -> dict[str, Any]:
    answer: dict[str, Any] = api.client.get("/openapi.json").json()
    return answer


def _resolved(api: Api, schema: dict[str, Any]) -> Any:
    """A validator for ``schema`` with the document's components to resolve ``$ref`` in."""
    document = _schema(api)
    return jsonschema.Draft202012Validator({**schema, "components": document["components"]})


def _subject(api: Api) -> dict[str, Any]:
    parameters = _schema(api)["paths"]["/recommendations"]["get"]["parameters"]
    found: dict[str, Any] = next(p for p in parameters if p["name"] == "subject")
    return found


@pytest.mark.parametrize(
    ("query", "valid"),
    [
        ({"resident": "r-" + "0" * 32}, True),
        ({"neighbourhood": "BU1"}, True),
        ({}, False),
        ({"resident": "r-" + "0" * 32, "neighbourhood": "BU1"}, False),
        ({"theme": "eenzaamheid"}, False),
    ],
)
def test_recommendations_describe_their_one_subject(
    api: Api, query: dict[str, str], valid: bool
) -> None:
    subject = _subject(api)
    assert (subject["in"], subject["style"], subject["explode"]) == ("query", "form", True)
    assert subject["required"] is True
    assert jsonschema.Draft202012Validator(subject["schema"]).is_valid(query) is valid
    status = api.get("/recommendations", **query).status_code
    assert (status in (200, 404)) is valid, status


def test_the_subjects_three_parameters_are_described_once(api: Api) -> None:
    parameters = _schema(api)["paths"]["/recommendations"]["get"]["parameters"]
    assert sorted(p["name"] for p in parameters) == ["page", "page_size", "subject"]


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"role": "coach", "neighbourhoods": ["BU99990101"]}, True),
        ({"role": "policymaker"}, True),
        ({"role": "admin", "neighbourhoods": [], "label": ""}, True),
        ({"role": "coach", "neighbourhoods": []}, False),
        ({"role": "coach"}, False),
        ({"role": "integration", "neighbourhoods": ["BU99990101"]}, False),
        ({"role": "coach", "neighbourhoods": [""]}, False),
        ({"role": "admin", "unknown": 1}, False),
    ],
)
def test_a_new_keys_neighbourhoods_are_described_by_its_role(
    api: Api, body: dict[str, Any], valid: bool
) -> None:
    request = _schema(api)["paths"]["/keys"]["post"]["requestBody"]["content"]["application/json"]
    assert _resolved(api, request["schema"]).is_valid(body) is valid
    status = api.client.post("/keys", json=body, headers=api.auth()).status_code
    assert status == (201 if valid else 422), (body, status)


def test_an_upload_names_the_media_types_it_takes(api: Api) -> None:
    body = _schema(api)["paths"]["/imports"]["post"]["requestBody"]["content"]
    form = body["multipart/form-data"]
    assert "text/csv" in form["encoding"]["files"]["contentType"]
    files = _resolved(api, form["schema"])
    assert not files.is_valid({"files": []}), "at least one file"


@pytest.mark.parametrize(
    ("name", "media", "status"),
    [
        ("bewoners", "text/csv", 200),  # no suffix: its media type tells its format
        ("bewoners.exe", "text/csv", 422),  # a suffix the importers do not know
        ("bewoners.csv", "application/octet-stream", 200),  # its suffix does
        ("bewoners", "application/octet-stream", 422),  # neither does
        ("bewoners.exe", "image/png", 422),
    ],
)
def test_an_uploads_format_comes_from_its_name_or_else_its_media_type(
    api: Api, name: str, media: str, status: int
) -> None:
    rows = b"bron_id,buurt\nB999,BU99990101\n"
    answer = api.client.post(
        "/imports",
        headers=api.auth(),
        files=[("files", (name, rows, media))],
        data={"dry_run": "true"},
    )
    assert answer.status_code == status, answer.text[:300]
    if status == 200:
        assert not answer.json()["errors"], answer.json()


def test_roles_are_the_ones_the_schema_names(api: Api) -> None:
    roles = _schema(api)["components"]["schemas"]["Role"]["enum"]
    assert sorted(roles) == sorted(role.value for role in Role)
