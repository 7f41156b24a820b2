"""What a coach reads (issue 14): buurt and age band beside every person, and good Dutch in
the reasons and notes the questions and recommendations write."""

from __future__ import annotations

import re

import pytest

from graph.analysis.engine import CATALOGUE, Analyst
from graph.analysis.results import Answer, Scope
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files


@pytest.fixture
def answers(store: GraphStore, store_settings: Settings) -> tuple[Analyst, list[Answer]]:
    run_import(store, store_settings, sample_files(), ImportOptions())
    analyst = Analyst(store)
    context = analyst.context()
    found = [analyst.ask(q, Scope(), limit=500) for q in CATALOGUE]
    found += [
        analyst.ask(q, Scope(neighbourhoods=(c,)), limit=500)
        for q in CATALOGUE
        for c in context.areas
    ]
    found.append(analyst.ask("bridges", Scope(people_only=True), limit=500))
    for node, data in sorted(context.fabric.nodes(data=True)):
        if data.get("label") in ("Resident", "Initiative"):
            kind = data["label"].lower()
            found.append(analyst.recommend(**{kind: node}, limit=500))  # type: ignore[arg-type]
    found += [analyst.recommend(neighbourhood=code, limit=500) for code in context.areas]
    return analyst, found


def test_every_person_has_buurt_and_age_band(answers: tuple[Analyst, list[Answer]]) -> None:
    analyst, found = answers
    context = analyst.context()
    people = 0
    for answer in found:
        for item in answer.items:
            persons = [item.figures] if item.kind == "Resident" else []
            persons += item.figures.get("candidates", [])
            for figures in persons:
                node = figures.get("id", item.id)
                home = context.fabric.nodes[node]["neighbourhood"]
                assert figures["neighbourhood"] == home, (answer.question, node)
                assert figures["neighbourhood_name"] == context.area_name(home)
                assert figures["age_band"] == context.fabric.nodes[node]["age_band"]
                people += 1
    assert people > 1000


def test_the_dutch_reads_well(answers: tuple[Analyst, list[Answer]]) -> None:
    analyst, found = answers
    context = analyst.context()
    # a skill named as a verb phrase ("taalles geven") is never doubled with "inzetten"
    phrases = [nl.lower() for nl, _ in context.skill_names.values() if " " in nl]
    assert "taalles geven" in phrases
    english = re.compile(r"\b(lacks|nearby|shared|professionals|unknown|opportunity)\b")
    texts = 0
    for answer in found:
        reasons = [r for item in answer.items for r in item.reasons] + answer.notes
        for reason in reasons:
            texts += 1
            assert not any(f"{phrase} inzetten" in reason.nl for phrase in phrases), reason.nl
            assert not re.search(r"\b1 van de \d+ \w+ .*\bworden\b", reason.nl), reason.nl
            assert " van de 1 " not in reason.nl, reason.nl
            assert not english.search(reason.nl), reason.nl
            assert "los van de rest" not in reason.nl or "één persoon of plek" not in reason.nl
    assert texts > 1000
    ownership = next(a for a in found if a.question == "ownership" and not a.scope.neighbourhoods)
    single = [i for i in ownership.items if i.figures["initiatives"] == 1]
    assert single and all(i.reasons[0].nl.startswith("Het enige initiatief") for i in single)
