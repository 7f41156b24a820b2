"""A client generated from ``/openapi.json`` by openapi-python-client (as another system's
developer would make one) calls every route an integration key has, against the real app on
the embedded database, and reads real answers through the generated models.

The client reaches the app through httpx's ASGI transport: no socket is opened.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.web.deps import NODE_ID
from graph.analysis.engine import CATALOGUE
from graph.model import NodeLabel
from graph.settings import Settings
from tests.api.conftest import Api
from tests.conftest import embedded_settings

PACKAGE = "wijkgraaf_client"
#: what the generator is told: a package of that name, and no formatter run over it
CONFIG = f"package_name_override: {PACKAGE}\nproject_name_override: wijkgraaf-client\n"
CONFIG += "post_hooks: []\n"


@pytest.fixture
def store_settings(embedded_dir: Path) -> Settings:
    """This module's app runs on the embedded database only."""
    return embedded_settings(embedded_dir)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client package generated from the app's ``/openapi.json``, imported."""
    folder = tmp_path_factory.mktemp("client")
    app = create_app(embedded_settings(folder / "unused"))

    async def fetch() -> bytes:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://wijkgraaf") as http:
            answer = await http.get("/openapi.json")
        assert answer.status_code == 200
        return answer.content

    (folder / "openapi.json").write_bytes(asyncio.run(fetch()))
    (folder / "config.yaml").write_text(CONFIG)
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--meta", "none"]
    command += ["--path", str(folder / "openapi.json"), "--config", str(folder / "config.yaml")]
    command += ["--output-path", str(folder / PACKAGE)]
    made = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=folder)
    said = made.stdout + made.stderr
    assert made.returncode == 0, said
    # a warning means the generator skipped part of the description
    assert "Warning" not in said and "Skipping" not in said, said
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _module(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


def _client(package: ModuleType, api: Api, role: str | None) -> Any:
    """A generated client that reaches ``api``'s app in process, with ``role``'s key."""
    client = _module(package, "client")
    transport = httpx.ASGITransport(app=api.client.app)
    options = {"transport": transport}
    if role is None:
        return client.Client(base_url="http://wijkgraaf", httpx_args=options)
    return client.AuthenticatedClient(
        base_url="http://wijkgraaf", token=api.tokens[role], httpx_args=options
    )


def _subject(models: Any, **one: str) -> dict[str, Any]:
    """The generated call's arguments for a recommendation's one subject: the schema
    describes it as one object parameter, sent as ``?resident=…`` (or initiative, or
    neighbourhood)."""
    return {"subject": models.RecommendationsRecommendationsGetSubject(**one)}


#: The routes an integration key reaches, each called below through the generated client.
INTEGRATION_ROUTES = {
    ("get", "/health"),
    ("get", "/questions"),
    ("get", "/recommendations"),
    ("post", "/introductions"),
}


def test_those_are_all_the_routes_an_integration_has(api: Api) -> None:
    """Every operation the schema describes, asked with an integration's key: those not
    refused (403) are the ones the test below calls. A route opened to integrations later
    fails here until the generated client calls it too."""
    schema = api.client.get("/openapi.json").json()
    reached = set()
    for path, operations in schema["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        for method in operations:
            answer = api.client.request(method, concrete, headers=api.auth("integration"))
            if answer.status_code != 403:
                reached.add((method, path))
            else:
                assert answer.json()["error"]["code"] == "forbidden", (method, path)
    assert reached == INTEGRATION_ROUTES


def test_an_integration_calls_its_routes_through_the_generated_client(
    generated: ModuleType, api: Api
) -> None:
    health = _module(generated, "api.health.health_health_get")
    catalogue = _module(generated, "api.questions.questions_questions_get")
    recommend = _module(generated, "api.recommendations.recommendations_recommendations_get")
    introduce = _module(generated, "api.introductions.introduce_introductions_post")
    models = _module(generated, "models")
    # those who agreed to be contacted: an introduction of theirs may be followed up
    residents = [
        r for r in api.store.nodes(NodeLabel.RESIDENT) if r.properties.get("consent_contact")
    ]

    async def calls() -> None:
        async with _client(generated, api, None) as anonymous:
            status = await health.asyncio(client=anonymous)
        assert isinstance(status, models.Health)
        assert status.status == "ok" and status.version == api.store.version()

        async with _client(generated, api, "integration") as integration:
            questions = await catalogue.asyncio(client=integration)
            assert isinstance(questions, list)
            assert {q.key for q in questions} == set(CATALOGUE)
            assert all(isinstance(q, models.QuestionInfo) and q.title_nl for q in questions)

            for resident in residents:
                subject = _subject(models, resident=resident.id)
                found = await recommend.asyncio_detailed(client=integration, **subject)
                assert found.status_code == 200, found.content
                if found.parsed.items:
                    break
            else:
                pytest.fail("no resident of the sample has recommendations")
            page = found.parsed
            # the generated client told the integration's shape from the coach's
            assert isinstance(page, models.RecommendationsForIntegration)
            assert page.kind == "resident" and page.subject == resident.id
            assert page.version == api.store.version()
            assert page.paging.page == 1 and page.paging.total >= len(page.items) > 0
            assert page.to_dict() == json.loads(found.content), "the models hold it all"
            assert not page.additional_properties, "nothing the schema does not describe"
            for item in page.items:
                assert isinstance(item, models.IntegrationItem)
                assert not item.additional_properties and not hasattr(item, "name")
                assert re.fullmatch(NODE_ID, item.id), "a pseudonymous id of a record"
                assert item.score > 0 and item.reasons and all(r.code for r in item.reasons)
                assert not any(r.data.to_dict().get("special_category") for r in item.reasons)

            # every neighbourhood's page, an empty one too, reads as the integration's view
            areas = []
            for buurt in sorted({r.properties["neighbourhood"] for r in residents}):
                subject = _subject(models, neighbourhood=buurt)
                area = await recommend.asyncio(client=integration, **subject)
                assert isinstance(area, models.RecommendationsForIntegration), area
                assert area.kind == "neighbourhood" and area.subject == buurt
                assert area.view == "integration" and not area.additional_properties
                areas.append(area)
            assert any(area.items for area in areas), "the sample has collective opportunities"

            # the integration follows up the first initiative a resident was recommended
            for resident in residents:
                subject = _subject(models, resident=resident.id)
                offered = await recommend.asyncio(client=integration, **subject)
                initiatives = [item for item in offered.items if item.kind == "Initiative"]
                if initiatives:
                    break
            else:
                pytest.fail("no resident of the sample is recommended an initiative")
            first = initiatives[0]
            body = models.IntroductionMark(
                source=resident.id, target=first.id, status=models.IntroductionStatus.ACCEPTED
            )
            marked = await introduce.asyncio_detailed(client=integration, body=body)
            assert marked.status_code == 200, marked.content
            assert isinstance(marked.parsed, models.Introduction)
            assert marked.parsed.status == models.IntroductionStatus.ACCEPTED
            assert marked.parsed.kind == "resident_initiative" and marked.parsed.written
            declined = models.IntroductionMark(
                source=resident.id, target=first.id, status=models.IntroductionStatus.DECLINED
            )
            assert (await introduce.asyncio(client=integration, body=declined)).previous == (
                models.IntroductionStatus.ACCEPTED
            )
            again = await recommend.asyncio(
                client=integration, **_subject(models, resident=resident.id)
            )
            assert first.id not in {item.id for item in again.items}, "not proposed again"

    asyncio.run(calls())


def test_the_generated_client_reads_a_refusal_as_the_one_error_shape(
    generated: ModuleType, api: Api
) -> None:
    ask = _module(generated, "api.questions.ask_questions_question_get")
    recommend = _module(generated, "api.recommendations.recommendations_recommendations_get")
    models = _module(generated, "models")

    async def calls() -> None:
        async with _client(generated, api, "integration") as integration:
            refused = await ask.asyncio_detailed("bridges", client=integration)
            assert refused.status_code == 403
            assert isinstance(refused.parsed, models.ErrorResponse)
            assert refused.parsed.error.code == "forbidden" and refused.parsed.error.message_en
            nobody = _subject(models, resident="r-" + "0" * 32)
            unknown = await recommend.asyncio_detailed(client=integration, **nobody)
            assert unknown.status_code == 404
            assert isinstance(unknown.parsed, models.ErrorResponse)
            assert unknown.parsed.error.code == "not_found"

    asyncio.run(calls())
