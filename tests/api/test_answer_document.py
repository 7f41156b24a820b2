"""One answer document: ``wijkgraaf ask --json`` (and ``recommend --json``, ``ask
--publishable --json``) prints exactly what the HTTP API answers, and both are valid against
the schema the API publishes at ``/openapi.json``, read strictly: a field the schema does not
describe is an error too.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from api.cli import main
from graph.settings import settings_environment
from tests.api.conftest import Api

BASE = "urn:wijkgraaf:openapi"


def strict(node: Any) -> Any:
    """The OpenAPI document with every object schema that lists its properties closed to
    others: a document with a field the schema does not name fails."""
    if isinstance(node, dict):
        closed = {key: strict(value) for key, value in node.items()}
        if "properties" in closed and "additionalProperties" not in closed:
            closed["additionalProperties"] = False
        return closed
    if isinstance(node, list):
        return [strict(value) for value in node]
    return node


def pointer(*parts: str) -> str:
    """A JSON pointer to ``parts`` (RFC 6901: ``~`` and ``/`` escaped)."""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


class Published:
    """The API's published schema, each route's answer resolved with its ``$ref``s."""

    def __init__(self, openapi: dict[str, Any]) -> None:
        self.openapi = openapi
        resource = Resource.from_contents(strict(openapi), default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(BASE, resource)

    def validator(self, path: str, status: str = "200") -> Draft202012Validator:
        """A validator of the JSON answer ``GET path`` gives with ``status``."""
        content = self.openapi["paths"][path]["get"]["responses"][status]["content"]
        assert "application/json" in content, f"GET {path} documents no JSON answer"
        where = pointer("paths", path, "get", "responses", status, "content")
        where += pointer("application/json", "schema")
        return Draft202012Validator({"$ref": f"{BASE}#{where}"}, registry=self.registry)

    def check(self, path: str, document: Any) -> None:
        errors = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in self.validator(path).iter_errors(document)
        ]
        assert not errors, f"not as GET {path} is described: {errors[:5]}"


@pytest.fixture
def published(api: Api) -> Published:
    answer = api.client.get("/openapi.json")
    assert answer.status_code == 200
    return Published(answer.json())


def _cli(api: Api, *args: str) -> Any:
    runner = CliRunner(env=settings_environment(api.settings))
    result = runner.invoke(main, ["--db", api.settings.db, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_published_schema_refuses_what_it_does_not_describe(published: Published) -> None:
    """The validation below means something: the reason shape ``ask --json`` used to print
    (``text`` in one language) and a field the schema does not name are both refused."""
    answer: dict[str, Any] = {
        "question": "bridges",
        "scope": {"neighbourhoods": [], "theme": None, "people_only": False},
        "version": 1,
        "summary": {},
        "notes": [],
        "items": [
            {
                "id": "r-1",
                "kind": "Resident",
                "name": "Fatima",
                "score": 0.5,
                "figures": {},
                "reasons": [{"code": "broker", "nl": "verbindt", "en": "connects", "data": {}}],
                "path": [],
            }
        ],
    }
    validator = published.validator("/questions/{question}")
    assert validator.is_valid(answer)
    old = copy.deepcopy(answer)
    old["items"][0]["reasons"] = [{"code": "broker", "text": "verbindt", "data": {}}]
    with pytest.raises(ValidationError, match="'nl' is a required property"):
        validator.validate(old)
    extra = copy.deepcopy(answer)
    extra["items"][0]["email"] = "fatima@example.org"
    with pytest.raises(ValidationError, match="email"):
        validator.validate(extra)


def test_ask_json_is_the_apis_answer_and_as_described(api: Api, published: Published) -> None:
    printed = _cli(api, "ask", "bridges", "--limit", "8")
    answered = api.get("admin", "/questions/bridges", limit=8).json()
    assert printed == answered
    assert printed["items"], "the sample has bridges"
    reason = printed["items"][0]["reasons"][0]
    assert set(reason) == {"code", "nl", "en", "data"} and reason["nl"] != reason["en"]
    published.check("/questions/{question}", printed)
    # the document holds both languages: --lang changes what is written, not the document
    assert _cli(api, "ask", "bridges", "--limit", "8", "--lang", "en") == printed
    area = api.get("coach", "/questions/isolated", limit=5).json()
    assert area["scope"]["neighbourhoods"], "a coach's answer is of their neighbourhood"
    published.check("/questions/{question}", area)


def test_recommend_json_is_the_apis_first_page_and_as_described(
    api: Api, published: Published
) -> None:
    bridges = api.get("admin", "/questions/bridges", limit=50).json()
    resident = next(item["id"] for item in bridges["items"] if item["kind"] == "Resident")
    printed = _cli(api, "recommend", "--resident", resident, "--limit", "5")
    answered = api.get("admin", "/recommendations", resident=resident, page_size=5).json()
    assert printed == answered
    assert printed["subject"] == resident and printed["items"]
    assert printed["paging"] == {"total": printed["paging"]["total"], "page": 1, "page_size": 5}
    published.check("/recommendations", printed)
    machine = api.get("integration", "/recommendations", resident=resident, page_size=5).json()
    assert machine["items"] and all("name" not in item for item in machine["items"])
    published.check("/recommendations", machine)
    # neither of the route's two shapes is an integration's item with a name
    named = {**machine["items"][0], "name": "Fatima"}
    assert not published.validator("/recommendations").is_valid({**machine, "items": [named]})


def test_publishable_json_is_the_apis_answer_and_as_described(
    api: Api, published: Published
) -> None:
    printed = _cli(api, "ask", "isolated", "--publishable")
    answered = api.get("policymaker", "/questions/isolated/publishable").json()
    assert printed == answered and printed["tables"]
    published.check("/questions/{question}/publishable", printed)
