"""What the map tests share: the sample neighbourhood in the embedded database, once per module,
and small cities built straight into a network context for the tests of size."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import networkx as nx
import pytest

from graph.analysis.context import NetworkContext
from graph.backends import open_store
from graph.settings import Settings
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.synthetic import sample_files
from tests.conftest import embedded_settings

KINDS = {"B": "resident", "P": "professional", "I": "initiative", "O": "organisation"}


@pytest.fixture(scope="module")
def sample_settings(
    embedded_dir: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    """Settings of a graph holding the sample neighbourhood (Vlinderwijk), imported once."""
    key_file = tmp_path_factory.mktemp("key") / "secret.key"
    settings = embedded_settings(embedded_dir, key_file=key_file)
    with open_store(settings) as store:
        store.clear()
        report = run_import(store, settings, sample_files(), ImportOptions())
        assert not report.errors
    yield settings
    with open_store(settings) as store:
        store.clear()


@pytest.fixture(scope="module")
def sample_context(sample_settings: Settings) -> NetworkContext:
    with open_store(sample_settings) as store:
        return NetworkContext.load(store)


@pytest.fixture(scope="module")
def pid(sample_settings: Settings) -> Callable[[str], str]:
    """The pseudonymous id of a sample source id (B001, I01, O03, P01)."""
    key = installation_key(sample_settings)
    return lambda source: pseudonym(key, KINDS[source[0]], source)


def page_data(html: str) -> dict[str, Any]:
    """The JSON a map page is drawn from."""
    found = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page carries its data"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes (script bodies are not parsed)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def by_id(self, element_id: str) -> tuple[str, dict[str, str | None]]:
        found = [t for t in self.tags if t[1].get("id") == element_id]
        assert len(found) == 1, f"exactly one element with id {element_id!r}"
        return found[0]


def city_context(
    hoods: int, per_hood: int, *, seed: int = 1, cross_ties: int = 50, organisations: int = 5
) -> NetworkContext:
    """A city of ``hoods`` buurten in one wijk, with ``per_hood`` residents each (three ties
    each, mostly within the buurt), an initiative per 25 residents and a few organisations."""
    rng = random.Random(seed)
    fabric = nx.Graph()
    areas = {"WK000101": {"name": "Wijk 1", "parent": "", "level": "wijk"}}
    sectors = ("ondernemers", "onderwijs", "onderzoek", "overheid", "omgeving")
    everyone: list[str] = []
    for h in range(hoods):
        code = f"BU000101{h + 1:02d}"
        areas[code] = {"name": f"Buurt {h + 1}", "parent": "WK000101", "level": "buurt"}
        people = [f"r-{h:02d}{i:05d}" for i in range(per_hood)]
        for person in people:
            fabric.add_node(person, label="Resident", neighbourhood=code)
        for i, person in enumerate(people):
            for _ in range(3):
                other = people[(i + rng.randint(1, 20)) % per_hood]
                if other != person:
                    fabric.add_edge(person, other, type="KNOWS", strength=rng.randint(1, 3))
        for n in range(max(1, per_hood // 25)):
            initiative = f"i-{h:02d}{n:04d}"
            fabric.add_node(initiative, label="Initiative", name=f"Initiatief {h}.{n}",
                            neighbourhood=code, status="active")  # fmt: skip
            for person in rng.sample(people, min(8, per_hood)):
                fabric.add_edge(person, initiative, type="PARTICIPATES_IN", role="participant")
        everyone += people
    for n in range(organisations):
        organisation = f"o-{n:04d}"
        fabric.add_node(organisation, label="Organisation", name=f"Organisatie {n}",
                        o_sector=sectors[n % 5])  # fmt: skip
        for person in rng.sample(everyone, 5):
            fabric.add_edge(person, organisation, type="SUPPORTED_BY", craft="welzijn")
    for _ in range(cross_ties):
        a, b = rng.sample(everyone, 2)
        fabric.add_edge(a, b, type="KNOWS")
    return NetworkContext(1, fabric, areas=areas)
