"""The store contract: every test here runs on embedded FalkorDB and on Neo4j."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from graph.backends import open_store
from graph.errors import DuplicateError, InvalidDataError, NotFoundError
from graph.model import NodeLabel, RelType
from graph.queries import Query
from graph.settings import Settings
from graph.store import GraphStore, WriteCounts

R, PRO, INI, ORG = (
    NodeLabel.RESIDENT,
    NodeLabel.PROFESSIONAL,
    NodeLabel.INITIATIVE,
    NodeLabel.ORGANISATION,
)


def _residents(*ids: str, **props: Any) -> list[dict[str, Any]]:
    return [{"id": i, **props} for i in ids]


def test_empty_store_counts_every_label_as_zero(store: GraphStore) -> None:
    assert store.count_by_label() == {label.value: 0 for label in NodeLabel}


def test_upsert_is_idempotent_and_reports_what_changed(store: GraphStore) -> None:
    rows = _residents("r1", "r2", "r3", neighbourhood="BU03630000", age_band="27-44")
    assert store.upsert_nodes(R, rows) == WriteCounts(created=3)
    version = store.version()
    assert store.upsert_nodes(R, rows) == WriteCounts(unchanged=3)
    assert store.version() == version, "an unchanged upsert must not bump the version"

    changed = [*rows[:2], {**rows[2], "age_band": "45-66"}]
    assert store.upsert_nodes(R, changed) == WriteCounts(updated=1, unchanged=2)
    assert store.version() > version
    assert store.get_node(R, "r3").properties["age_band"] == "45-66"
    assert store.count_by_label()["Resident"] == 3


def test_none_removes_a_property_and_missing_keys_leave_it(store: GraphStore) -> None:
    store.upsert_nodes(R, [{"id": "r1", "display_name": "Fatima", "age_band": "18-26"}])
    store.upsert_nodes(R, [{"id": "r1", "display_name": None}])
    assert store.get_node(R, "r1").properties == {"age_band": "18-26"}


def test_batches_of_ten_thousand_rows(store: GraphStore) -> None:
    ids = [f"r{i:05d}" for i in range(10_000)]
    counts = store.upsert_nodes(
        R, ({"id": i, "n": n} for n, i in enumerate(ids)), batch_size=10_000
    )
    assert counts == WriteCounts(created=10_000)
    ties = [{"source": ids[n], "target": ids[n + 1], "strength": 1} for n in range(9_999)]
    ties.append({"source": ids[0], "target": ids[9_999], "strength": 3})
    rel_counts = store.upsert_relationships(
        RelType.KNOWS, ties, source_label=R, target_label=R, batch_size=10_000
    )
    assert rel_counts == WriteCounts(created=10_000)
    fabric = store.fabric()
    assert (fabric.number_of_nodes(), fabric.number_of_edges()) == (10_000, 10_000)
    assert store.upsert_nodes(R, ({"id": i, "n": n} for n, i in enumerate(ids))) == WriteCounts(
        unchanged=10_000
    )


TRICKY_TEXT = [
    "O'Brien",
    'Zeg "hallo"',
    "back\\slash \\n not a newline",
    "Çiğdem Ünal — Zoë Öztürk",
    "محمد",
    "漢字かな",
    "emoji 🌱🧺",
    "line\nbreak\ttab",
    "$param {id: 1}) DETACH DELETE n //",
]


@pytest.mark.parametrize("text", TRICKY_TEXT)
def test_unicode_and_quotes_survive_a_round_trip(store: GraphStore, text: str) -> None:
    node_id = "id-" + text
    store.upsert_nodes(INI, [{"id": node_id, "name": text, "themes": [text, "groen"]}])
    node = store.get_node(INI, node_id)
    assert node.id == node_id
    assert node.properties == {"name": text, "themes": [text, "groen"]}
    assert store.count_by_label()["Initiative"] == 1


def test_lists_and_values_of_every_primitive_kind(store: GraphStore) -> None:
    row = {
        "id": "o1",
        "name": "Bakkerij",
        "flag": True,
        "count": 2**40,
        "share": 0.25,
        "tags": ["a", "b"],
        "years": [2019, 2024],
        "empty": [],
    }
    store.upsert_nodes(ORG, [row])
    stored = store.get_node(ORG, "o1").properties
    expected = {k: v for k, v in row.items() if k != "id"}
    if "empty" not in stored:
        expected.pop("empty")  # a database may drop an empty list; it must not invent one
    assert stored == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        ({"nested": "map"}, "cannot hold"),
        ([["nested"]], "nested"),
        (["a", None], "nulls"),
        (["a", 1], "one type"),
        (2**64, "64-bit"),
        (b"bytes", "cannot hold"),
    ],
)
def test_values_the_store_cannot_hold_are_refused_before_writing(
    store: GraphStore, value: object, message: str
) -> None:
    store.upsert_nodes(R, [{"id": "ok"}])
    version = store.version()
    with pytest.raises(InvalidDataError, match=message):
        store.upsert_nodes(R, [{"id": "r2"}, {"id": "r1", "bad": value}])
    assert store.count_by_label()["Resident"] == 1
    assert store.version() == version


@pytest.mark.parametrize("bad_id", [None, "", "   ", 12])
def test_a_row_without_a_text_id_is_refused(store: GraphStore, bad_id: object) -> None:
    with pytest.raises(InvalidDataError, match="id"):
        store.upsert_nodes(R, [{"id": bad_id}])
    assert store.count_by_label()["Resident"] == 0


def _small_network(store: GraphStore) -> None:
    store.upsert_nodes(R, _residents("fatima", "jan", "noor", "piet"))
    store.upsert_nodes(PRO, [{"id": "prof1", "craft": "welzijn"}])
    store.upsert_nodes(INI, [{"id": "moestuin", "name": "Moestuin"}])
    store.upsert_nodes(ORG, [{"id": "school", "name": "De Regenboog", "o_sector": "onderwijs"}])
    store.upsert_nodes(NodeLabel.SKILL, [{"id": "koken", "name": "Koken"}])
    store.upsert_relationships(
        RelType.KNOWS,
        [{"source": "jan", "target": "fatima", "kind": "neighbour", "strength": 2}],
        source_label=R,
        target_label=R,
    )
    store.upsert_relationships(
        RelType.PARTICIPATES_IN,
        [{"source": "fatima", "target": "moestuin", "role": "owner"},
         {"source": "noor", "target": "moestuin", "role": "volunteer"}],
        source_label=R,
        target_label=INI,
    )  # fmt: skip
    store.upsert_relationships(
        RelType.SUPPORTED_BY, [{"source": "piet", "target": "prof1", "craft": "welzijn"}],
        source_label=R, target_label=PRO,
    )  # fmt: skip
    store.upsert_relationships(
        RelType.PARTNER_OF, [{"source": "school", "target": "moestuin", "contribution": ["space"]}],
        source_label=ORG, target_label=INI,
    )  # fmt: skip
    store.upsert_relationships(
        RelType.HAS_SKILL, [{"source": "fatima", "target": "koken", "willing_to_share": True}],
        source_label=R, target_label=NodeLabel.SKILL,
    )  # fmt: skip


def test_neighbours_in_both_directions_with_a_type_filter(store: GraphStore) -> None:
    _small_network(store)
    around = store.neighbours(R, "fatima")
    assert [(n.type, n.direction, n.node.label, n.node.id) for n in around] == [
        (RelType.HAS_SKILL, "out", NodeLabel.SKILL, "koken"),
        (RelType.KNOWS, "both", R, "jan"),
        (RelType.PARTICIPATES_IN, "out", INI, "moestuin"),
    ]
    assert around[1].properties == {"kind": "neighbour", "strength": 2}
    assert around[0].node.properties == {"name": "Koken"}
    only = store.neighbours(INI, "moestuin", rel_types=[RelType.PARTICIPATES_IN])
    assert [(n.node.id, n.properties["role"]) for n in only] == [
        ("fatima", "owner"),
        ("noor", "volunteer"),
    ]
    assert store.neighbours(R, "jan", rel_types=[RelType.HAS_NEED]) == []
    with pytest.raises(NotFoundError):
        store.neighbours(R, "nobody")


def test_fabric_projection_holds_the_social_fabric_only(store: GraphStore) -> None:
    _small_network(store)
    fabric = store.fabric()
    assert dict(fabric.nodes(data="label")) == {
        "fatima": "Resident", "jan": "Resident", "noor": "Resident", "piet": "Resident",
        "prof1": "Professional", "moestuin": "Initiative", "school": "Organisation",
    }  # fmt: skip
    edges = {frozenset((a, b)): data for a, b, data in fabric.edges(data=True)}
    assert edges == {
        frozenset(("fatima", "jan")): {"type": "KNOWS", "kind": "neighbour", "strength": 2},
        frozenset(("fatima", "moestuin")): {"type": "PARTICIPATES_IN", "role": "owner"},
        frozenset(("noor", "moestuin")): {"type": "PARTICIPATES_IN", "role": "volunteer"},
        frozenset(("piet", "prof1")): {"type": "SUPPORTED_BY", "craft": "welzijn"},
        frozenset(("school", "moestuin")): {"type": "PARTNER_OF", "contribution": ["space"]},
    }
    assert fabric.nodes["school"]["o_sector"] == "onderwijs"
    assert "koken" not in fabric


def test_symmetric_ties_are_stored_once_per_pair(store: GraphStore) -> None:
    store.upsert_nodes(R, _residents("a", "b"))
    first = store.upsert_relationships(
        RelType.KNOWS,
        [{"source": "b", "target": "a", "strength": 1}],
        source_label=R,
        target_label=R,
    )
    again = store.upsert_relationships(
        RelType.KNOWS,
        [{"source": "a", "target": "b", "strength": 1}],
        source_label=R,
        target_label=R,
    )
    assert (first, again) == (WriteCounts(created=1), WriteCounts(unchanged=1))
    assert len(store.neighbours(R, "a")) == 1


def test_a_missing_endpoint_writes_nothing_and_names_it(store: GraphStore) -> None:
    store.upsert_nodes(R, _residents("a", "b"))
    version = store.version()
    with pytest.raises(NotFoundError) as caught:
        store.upsert_relationships(
            RelType.KNOWS,
            [{"source": "a", "target": "b"}, {"source": "a", "target": "ghost"}],
            source_label=R,
            target_label=R,
        )
    assert caught.value.missing == ("ghost",)
    assert "ghost" in str(caught.value)
    assert store.neighbours(R, "a") == []
    assert store.version() == version


def test_a_relationship_the_model_forbids_is_refused(store: GraphStore) -> None:
    store.upsert_nodes(R, _residents("a"))
    store.upsert_nodes(ORG, [{"id": "o", "name": "X", "o_sector": "ondernemers"}])
    with pytest.raises(InvalidDataError, match="KNOWS"):
        store.upsert_relationships(
            RelType.KNOWS, [{"source": "a", "target": "o"}], source_label=R, target_label=ORG
        )


def test_erase_removes_the_node_and_all_its_ties(store: GraphStore) -> None:
    _small_network(store)
    version = store.version()
    assert store.erase_node(R, "fatima") == 3
    assert store.version() > version
    with pytest.raises(NotFoundError):
        store.get_node(R, "fatima")
    assert store.neighbours(R, "jan") == []
    assert [n.node.id for n in store.neighbours(INI, "moestuin")] == ["noor", "school"]
    assert "fatima" not in store.fabric()
    assert store.count_by_label()["Skill"] == 1, "the skill itself stays"
    with pytest.raises(NotFoundError):
        store.erase_node(R, "fatima")


def test_get_of_an_unknown_node_is_not_found(store: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="nobody"):
        store.get_node(R, "nobody")


def test_the_version_grows_with_writes_and_not_with_reads(store: GraphStore) -> None:
    start = store.version()
    store.count_by_label()
    store.fabric()
    assert store.version() == start
    store.upsert_nodes(R, _residents("a"))
    after_one = store.version()
    store.upsert_nodes(R, _residents("b"))
    assert start < after_one < store.version()


def test_uniqueness_of_id_is_enforced_by_the_database(store: GraphStore) -> None:
    store.upsert_nodes(R, _residents("a"))
    duplicate = Query("duplicate_probe", "CREATE (:Resident {id: $id})")
    with pytest.raises(DuplicateError):
        store._write(duplicate, {"id": "a"})
    assert store.count_by_label()["Resident"] == 1


def test_concurrent_writers_from_threads(store_settings: Settings, store: GraphStore) -> None:
    shared = [f"shared{i}" for i in range(200)]
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            with open_store(store_settings) as own:
                for start in range(0, 600, 100):
                    own.upsert_nodes(
                        R,
                        [
                            {"id": f"w{number}-{i}", "writer": number}
                            for i in range(start, start + 100)
                        ],
                    )
                    own.upsert_nodes(R, [{"id": s} for s in shared[start // 3 : start // 3 + 40]])
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count_by_label()["Resident"] == 6 * 600 + 200
    assert store.get_node(R, "w5-599").properties == {"writer": 5}


def test_clear_deletes_in_batches_and_keeps_counting_versions(store_settings: Settings) -> None:
    small_batches = store_settings.model_copy(update={"batch_size": 100})
    with open_store(small_batches) as store:
        store.clear()
        store.upsert_nodes(R, [{"id": f"r{i}"} for i in range(1050)])
        store.upsert_relationships(
            RelType.KNOWS,
            [{"source": f"r{i}", "target": f"r{i + 1}"} for i in range(1049)],
            source_label=R,
            target_label=R,
        )
        version = store.version()
        store.clear()
        assert store.count_by_label() == {label.value: 0 for label in NodeLabel}
        assert store.fabric().number_of_edges() == 0
        assert store.version() > version
