"""Recommendations on the sample: scores, machine-readable reasons, evidence paths."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from api.cli import main
from graph.analysis.engine import Analyst
from graph.errors import InvalidArgumentError, NotFoundError
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.synthetic import SAMPLE_PLANTED, sample_files


@pytest.fixture
def sample(store: GraphStore, store_settings: Settings) -> tuple[Analyst, bytes]:
    run_import(store, store_settings, sample_files(), ImportOptions())
    return Analyst(store), installation_key(store_settings)


def _valid_path(analyst: Analyst, path: list[str]) -> bool:
    """A warm path runs over existing ties: from, via someone, to; a direct one has no via."""
    fabric = analyst.context().fabric
    if len(path) == 2:
        return True
    return (
        len(path) == 3 and fabric.has_edge(path[0], path[1]) and fabric.has_edge(path[1], path[2])
    )


def test_resident_to_initiative_uses_their_unused_strength(sample: tuple[Analyst, bytes]) -> None:
    analyst, key = sample
    (holder,) = SAMPLE_PLANTED["unused_skill_holders"][:1]
    target = pseudonym(key, "initiative", SAMPLE_PLANTED["initiatives_needing_them"][0])
    answer = analyst.recommend(resident=pseudonym(key, "resident", holder), limit=50)
    item = next(i for i in answer.items if i.id == target)
    codes = {r.code for r in item.reasons}
    assert {"skill_needed", "same_neighbourhood", "knows_participant"} <= codes
    assert len(item.path) == 3 and _valid_path(analyst, item.path)
    assert [i.score for i in answer.items] == sorted((i.score for i in answer.items), reverse=True)


def test_introductions_are_to_strangers_who_agreed_to_be_contacted(
    sample: tuple[Analyst, bytes],
) -> None:
    analyst, _ = sample
    context = analyst.context()
    someone = max(
        (n for n, d in context.fabric.nodes(data=True) if d.get("label") == "Resident"),
        key=lambda n: (context.fabric.degree[n], n),
    )
    answer = analyst.recommend(resident=someone, limit=200)
    people = [i for i in answer.items if i.kind == "Resident"]
    assert people, "a well-connected resident has someone to meet"
    for item in people:
        assert not context.fabric.has_edge(someone, item.id)
        assert context.fabric.nodes[item.id]["consent_contact"] is True
        assert _valid_path(analyst, item.path)


def test_initiative_to_resident_and_organisation(sample: tuple[Analyst, bytes]) -> None:
    analyst, key = sample
    target = pseudonym(key, "initiative", SAMPLE_PLANTED["initiatives_needing_them"][0])
    holder = pseudonym(key, "resident", SAMPLE_PLANTED["unused_skill_holders"][0])
    answer = analyst.recommend(initiative=target, limit=300)
    assert holder in {i.id for i in answer.items if i.kind == "Resident"}
    gap = pseudonym(key, "initiative", SAMPLE_PLANTED["initiatives_missing_an_o"][0])
    organisations = [
        i for i in analyst.recommend(initiative=gap, limit=300).items if i.kind == "Organisation"
    ]
    assert organisations and all(r.code == "missing_o" for i in organisations for r in i.reasons)


def test_neighbourhood_to_new_initiative(sample: tuple[Analyst, bytes]) -> None:
    analyst, _ = sample
    (theme,) = SAMPLE_PLANTED["uncovered_theme"]
    (place,) = SAMPLE_PLANTED["uncovered_theme_neighbourhood"]
    answer = analyst.recommend(neighbourhood=place)
    assert answer.items[0].id == f"{place}:{theme}" and answer.items[0].score == 1.0


def test_deterministic_and_refusing_unknown_ids(
    sample: tuple[Analyst, bytes], store: GraphStore
) -> None:
    analyst, key = sample
    resident = pseudonym(key, "resident", "B013")
    first = analyst.recommend(resident=resident).model_dump()
    assert Analyst(store).recommend(resident=resident).model_dump() == first
    with pytest.raises(NotFoundError):
        analyst.recommend(resident="r-nobody")
    # two subjects at once: nothing is missing, the request itself is wrong (issue 12)
    with pytest.raises(InvalidArgumentError):
        analyst.recommend(resident=resident, initiative="i-x")


def test_recommend_on_the_command_line(
    sample: tuple[Analyst, bytes], store_settings: Settings
) -> None:
    _, key = sample
    env = {
        "WIJKGRAAF_GRAPH_NAME": store_settings.graph_name,
        "WIJKGRAAF_NEO4J_PASSWORD": store_settings.neo4j_password.get_secret_value(),
        "WIJKGRAAF_KEY_FILE": str(store_settings.key_file),
    }
    db = ["--db", store_settings.db]
    result = CliRunner().invoke(
        main,
        [*db, "recommend", "--resident", pseudonym(key, "resident", "B013"), "--json"],
        env=env,
    )
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)["items"]
    assert items and all({"id", "kind", "score", "reasons", "path"} <= set(i) for i in items)
    missing = CliRunner().invoke(main, [*db, "recommend", "--resident", "r-nobody"], env=env)
    assert missing.exit_code == 1 and "r-nobody" in missing.output
