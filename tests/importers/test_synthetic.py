"""The synthetic data: valid against the templates, deterministic, and with the answers it claims.

The planted structure is checked on a social fabric built here, straight from the rows, so
that these tests depend on nothing but the templates and the data.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from graph.model import OSector
from importers.synthetic import (
    SAMPLE_PLANTED,
    Dataset,
    Planted,
    generate_city,
    sample_neighbourhood,
    synthetic_city,
    write_csv,
)
from importers.templates import SHEETS, ColumnType
from importers.vocabulary import SKILLS, THEMES

Node = tuple[str, str]
PREFIX = {"B": "residents", "R": "residents", "P": "professionals", "I": "initiatives"}
PREFIX["O"] = "organisations"
# sheet: the two ends of each row, as (sheet of the end, column)
FABRIC_EDGES = {
    "ties": (("residents", "resident"), ("residents", "other_resident")),
    "participation": (("residents", "resident"), ("initiatives", "initiative")),
    "coaching": (("professionals", "professional"), ("initiatives", "initiative")),
    "partnerships": (("organisations", "organisation"), ("initiatives", "initiative")),
    "collaborations": (("organisations", "organisation"), ("organisations", "other_organisation")),
    "professionals": (("professionals", "source_id"), ("organisations", "organisation")),
}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CBS_CODE = re.compile(r"^(GM\d{4}|WK\d{6}|BU\d{8})$")


@pytest.fixture(scope="module", params=[2026, 7])
def sample(request: pytest.FixtureRequest) -> Dataset:
    """The sample for its default seed and another: what is planted must hold for both."""
    return sample_neighbourhood(request.param)


@pytest.fixture(scope="module")
def city() -> tuple[Dataset, Planted]:
    return generate_city(10_000, seed=1)


def node(source_id: str) -> Node:
    return (PREFIX[source_id[0]], source_id)


def fabric(data: Dataset) -> nx.Graph:
    """Residents, professionals, initiatives and organisations; ties, participation, support,
    works-for, coaching, partnerships and collaborations (DOMAIN.md, the social fabric)."""
    graph = nx.Graph()
    for sheet in ("residents", "professionals", "initiatives", "organisations"):
        graph.add_nodes_from((sheet, row["source_id"]) for row in data[sheet])
    for sheet, ((one_sheet, one), (other_sheet, other)) in FABRIC_EDGES.items():
        for row in data[sheet]:
            if row[one] and row[other]:
                graph.add_edge((one_sheet, row[one]), (other_sheet, row[other]))
    for row in data["support"]:
        target = ("professionals", row["professional"]) if row["professional"] else None
        graph.add_edge(
            ("residents", row["resident"]), target or ("organisations", row["organisation"])
        )
    return graph


def rows_of(data: Dataset, sheet: str, column: str, value: str) -> list[dict[str, str]]:
    return [row for row in data[sheet] if row[column] == value]


def codes(written: str) -> set[str]:
    return {THEMES.lookup(part).code for part in written.split("|") if part.strip()}


def problems(data: Dataset) -> tuple[list[str], list[str]]:
    """Every cell checked against its column in the templates; returns the problems and the
    skill terms the vocabulary does not know."""
    found: list[str] = []
    unknown_skills: list[str] = []
    ids = {
        key: {row.get("source_id") or row.get("code") for row in rows} for key, rows in data.items()
    }
    assert set(data) == set(SHEETS)
    for key, sheet in SHEETS.items():
        seen: set[str] = set()
        for number, row in enumerate(data[key]):
            where = f"{key} row {number}"
            if list(row) != [c.key for c in sheet.columns]:
                found.append(f"{where}: columns {list(row)}")
                continue
            for column in sheet.columns:
                value = row[column.key]
                if type(value) is not str:  # not even a StrEnum member
                    found.append(f"{where} {column.key}: not a plain string: {value!r}")
                if not value:
                    if column.required or column.kind is ColumnType.SOURCE_ID:
                        found.append(f"{where} {column.key}: required")
                    continue
                kind, bad = column.kind, False
                if kind is ColumnType.SOURCE_ID:
                    bad = value in seen
                    seen.add(value)
                elif kind is ColumnType.REF:
                    bad = column.ref is None or value not in ids[column.ref]
                elif kind is ColumnType.CODE:
                    bad = value not in ids["neighbourhoods"] or not CBS_CODE.match(value)
                elif kind is ColumnType.ENUM:
                    bad = column.choices is None or value not in {c.value for c in column.choices}
                elif kind is ColumnType.ENUM_LIST:
                    allowed = {c.value for c in column.choices or ()}
                    bad = not value.split("|") or not set(value.split("|")) <= allowed
                elif kind is ColumnType.BOOL:
                    bad = value not in ("ja", "nee")
                elif kind is ColumnType.INT:
                    low, high = column.minimum, column.maximum
                    assert low is not None and high is not None, column.key
                    bad = not value.isdigit() or not low <= int(value) <= high
                elif kind is ColumnType.DATE:
                    bad = (
                        not DATE.match(value) or not 2000 <= date.fromisoformat(value).year <= 2026
                    )
                elif kind in (ColumnType.THEME, ColumnType.THEMES):
                    bad = not all(THEMES.lookup(part).known for part in value.split("|"))
                elif kind is ColumnType.SKILL:
                    if not SKILLS.lookup(value).known:
                        unknown_skills.append(value)
                elif kind is ColumnType.TEXT:
                    bad = len(value) > 200
                if bad:
                    found.append(f"{where} {column.key}: {value!r}")
    for row in data["support"]:
        if bool(row["professional"]) == bool(row["organisation"]):
            found.append(f"support {row}: not exactly one of professional and organisation")
    pairs = [frozenset((row["resident"], row["other_resident"])) for row in data["ties"]]
    if len(set(pairs)) != len(pairs) or any(len(pair) != 2 for pair in pairs):
        found.append("a tie repeated or with oneself")
    taking_part = [(row["resident"], row["initiative"]) for row in data["participation"]]
    if len(set(taking_part)) != len(taking_part):
        found.append("someone takes part twice in one initiative")
    return found, unknown_skills


# --- the sample ---------------------------------------------------------------------------


def test_the_sample_is_deterministic_for_a_seed_and_varies_with_it() -> None:
    assert sample_neighbourhood(11) == sample_neighbourhood(11)
    assert sample_neighbourhood(11)["ties"] != sample_neighbourhood(12)["ties"]
    assert sample_neighbourhood() == sample_neighbourhood(2026)


def test_every_sample_cell_is_valid_and_exactly_one_skill_is_unknown(sample: Dataset) -> None:
    found, unknown = problems(sample)
    assert found == []
    assert unknown == ["Jongleren"]
    assert SHEETS["organisations"].column("o_sector").choices is OSector


def test_the_sample_has_its_sizes_and_all_five_os(sample: Dataset) -> None:
    assert 280 <= len(sample["residents"]) <= 320
    assert len(sample["initiatives"]) == 25 and len(sample["organisations"]) == 30
    assert {row["o_sector"] for row in sample["organisations"]} == set(OSector)
    assert 10 <= len(sample["professionals"]) <= 14
    assert {row["craft"] for row in sample["professionals"]} == {"hulp", "zorg", "welzijn"}
    levels = Counter(row["level"] for row in sample["neighbourhoods"])
    assert levels == {"gemeente": 1, "wijk": 1, "buurt": 3}
    hoods = Counter(row["neighbourhood"] for row in sample["residents"])
    assert sorted(hoods) == ["BU99990101", "BU99990102", "BU99990103"]
    assert min(hoods.values()) >= 80
    for sheet in ("ties", "participation", "support", "partnerships", "coaching", "skills",
                  "skills_needed", "needs", "interests"):  # fmt: skip
        assert sample[sheet], sheet


def test_names_are_filled_and_about_sixty_percent_consent(sample: Dataset) -> None:
    residents = sample["residents"]
    assert all(row["name"] for row in residents)
    share = sum(row["consent_name"] == "ja" for row in residents) / len(residents)
    assert 0.5 <= share <= 0.7
    assert rows_of(sample, "residents", "source_id", "B001")[0]["name"].startswith("Fatima")


def test_skills_come_in_variant_spellings_and_health_needs_are_special(sample: Dataset) -> None:
    written = {row["skill"] for row in sample["skills"]} | {
        r["skill"] for r in sample["skills_needed"]
    }
    assert {"Kookt graag", "Tuinier", "KOKEN "} <= written
    assert {SKILLS.lookup(w).code for w in ("Kookt graag", "KOKEN ")} == {"koken"}
    for row in sample["needs"]:
        term = THEMES.lookup(row["theme"]).term
        assert term is not None and row["special"] == ("ja" if term.special else "nee"), row


def test_each_planted_bridge_is_the_only_link_of_its_group(sample: Dataset) -> None:
    graph = fabric(sample)
    cut = set(nx.articulation_points(graph))
    main = nx.node_connected_component(graph, ("organisations", "O17"))
    for bridge in SAMPLE_PLANTED["bridges"]:
        group = {node(i) for i in SAMPLE_PLANTED[f"bridge_group:{bridge}"]}
        assert node(bridge) in cut
        assert group <= main, "with the bridge the group belongs to the neighbourhood"
        without = graph.copy()
        without.remove_node(node(bridge))
        assert nx.node_connected_component(without, next(iter(group))) == group
        assert ("organisations", "O17") not in group


def test_the_main_network_holds_every_organisation_professional_and_initiative(
    sample: Dataset,
) -> None:
    graph = fabric(sample)
    main = nx.node_connected_component(graph, ("organisations", "O17"))
    for sheet in ("organisations", "professionals", "initiatives"):
        assert {(sheet, row["source_id"]) for row in sample[sheet]} <= main
    outside = {rid for sheet, rid in set(graph) - main}
    planted = SAMPLE_PLANTED
    expected = {*planted["small_component"], *planted["isolated_without_needs"]}
    expected |= set(planted["isolated_with_needs"]) - set(planted["supported_only"])
    assert outside == expected


def test_isolated_residents_have_no_ties_and_no_participation(sample: Dataset) -> None:
    graph = fabric(sample)
    for rid in SAMPLE_PLANTED["isolated_with_needs"]:
        assert not rows_of(sample, "ties", "resident", rid) + rows_of(
            sample, "ties", "other_resident", rid
        )
        assert not rows_of(sample, "participation", "resident", rid)
        assert rows_of(sample, "needs", "resident", rid), rid
        supported = bool(rows_of(sample, "support", "resident", rid))
        assert supported == (rid in SAMPLE_PLANTED["supported_only"])
        assert all(n[0] != "residents" and n[0] != "initiatives" for n in graph[node(rid)])
    assert 6 <= len(SAMPLE_PLANTED["isolated_with_needs"]) <= 10
    for rid in SAMPLE_PLANTED["isolated_without_needs"]:
        assert graph.degree(node(rid)) == 0
        assert not rows_of(sample, "needs", "resident", rid)


def test_the_small_component_is_cut_off(sample: Dataset) -> None:
    graph = fabric(sample)
    members = {node(rid) for rid in SAMPLE_PLANTED["small_component"]}
    assert 3 <= len(members) <= 4
    assert nx.node_connected_component(graph, next(iter(members))) == members
    assert all(graph.degree(member) >= 1 for member in members)


def test_unused_skills_meet_an_initiative_that_needs_them(sample: Dataset) -> None:
    pairs = zip(
        SAMPLE_PLANTED["unused_skill_holders"],
        SAMPLE_PLANTED["initiatives_needing_them"],
        strict=True,
    )
    for holder, iid in pairs:
        assert_unused_skill(sample, holder, iid)


def assert_unused_skill(data: Dataset, holder: str, iid: str) -> None:
    """``holder`` shares a skill ``iid`` needs, in the same buurt, and takes part in nothing that
    needs it; someone they know takes part in ``iid``."""
    needed = {i: {SKILLS.lookup(r["skill"]).code for r in rows_of(data, "skills_needed", "initiative", i)}
              for i in {row["source_id"] for row in data["initiatives"]}}  # fmt: skip
    initiative = rows_of(data, "initiatives", "source_id", iid)[0]
    resident = rows_of(data, "residents", "source_id", holder)[0]
    assert initiative["status"] == "active"
    assert initiative["neighbourhood"] == resident["neighbourhood"]
    shared = {SKILLS.lookup(r["skill"]).code for r in rows_of(data, "skills", "resident", holder)
              if r["willing_to_share"] == "ja"}  # fmt: skip
    unused = shared & needed[iid]
    own = [r["initiative"] for r in rows_of(data, "participation", "resident", holder)]
    assert unused and not any(unused & needed[i] for i in own), holder
    known = {r["other_resident"] for r in rows_of(data, "ties", "resident", holder)}
    known |= {r["resident"] for r in rows_of(data, "ties", "other_resident", holder)}
    assert known & {r["resident"] for r in rows_of(data, "participation", "initiative", iid)}


def test_reciprocity_residents_receive_support_and_can_give(sample: Dataset) -> None:
    for rid in SAMPLE_PLANTED["reciprocity"]:
        assert rows_of(sample, "support", "resident", rid)
        assert any(
            r["willing_to_share"] == "ja" for r in rows_of(sample, "skills", "resident", rid)
        )


def test_the_uncovered_theme_has_enough_needs_and_no_active_initiative(sample: Dataset) -> None:
    (theme,), (hood,) = (
        SAMPLE_PLANTED["uncovered_theme"],
        SAMPLE_PLANTED["uncovered_theme_neighbourhood"],
    )
    assert_uncovered(sample, theme, hood, set(SAMPLE_PLANTED["uncovered_theme_residents"]))
    addressing = [
        r
        for r in sample["initiatives"]
        if theme in codes(r["themes"]) and r["neighbourhood"] == hood
    ]
    assert addressing and all(r["status"] != "active" for r in addressing), "an ended one did"


def assert_uncovered(data: Dataset, theme: str, hood: str, needers: set[str]) -> None:
    lives = {row["source_id"]: row["neighbourhood"] for row in data["residents"]}
    in_need = {r["resident"] for r in data["needs"] if THEMES.lookup(r["theme"]).code == theme}
    assert {rid for rid in in_need if lives[rid] == hood} == needers
    assert len(needers) >= 12
    for row in data["initiatives"]:
        if row["neighbourhood"] == hood and row["status"] == "active":
            assert theme not in codes(row["themes"]), row


def test_five_o_coverage_has_gaps_and_full_houses(sample: Dataset) -> None:
    sectors = {row["source_id"]: row["o_sector"] for row in sample["organisations"]}
    partners: dict[str, set[str]] = {}
    for row in sample["partnerships"]:
        partners.setdefault(row["initiative"], set()).add(sectors[row["organisation"]])
    for iid in SAMPLE_PLANTED["initiatives_missing_an_o"]:
        assert partners[iid] and partners[iid] != set(OSector), iid
    for iid in SAMPLE_PLANTED["initiatives_all_five_o"]:
        assert partners[iid] == set(OSector), iid


def test_ownership_professional_led_and_resident_led(sample: Dataset) -> None:
    owners = {r["initiative"] for r in sample["participation"] if r["role"] == "owner"}
    coached = {r["initiative"] for r in sample["coaching"]}
    leads = {row["source_id"]: row["lead"] for row in sample["initiatives"]}
    assert {iid for iid, lead in leads.items() if lead == "professionals"} == set(
        SAMPLE_PLANTED["professional_led"]
    )
    for iid in SAMPLE_PLANTED["professional_led"]:
        assert iid in coached and iid not in owners
    resident_led = [iid for iid, lead in leads.items() if lead == "residents"]
    assert len(resident_led) >= 15 and set(resident_led) <= owners
    statuses = Counter(row["status"] for row in sample["initiatives"])
    assert statuses["ended"] >= 2 and statuses["idea"] >= 1 and statuses["active"] >= 15


# --- the city -----------------------------------------------------------------------------


def test_the_city_has_its_sizes(city: tuple[Dataset, Planted]) -> None:
    data, _ = city
    assert len(data["residents"]) == 10_000
    assert 25_500 <= len(data["ties"]) <= 34_500
    assert 180 <= len(data["initiatives"]) <= 220
    levels = Counter(row["level"] for row in data["neighbourhoods"])
    assert levels == {"gemeente": 1, "wijk": 1, "buurt": 2}
    assert {row["o_sector"] for row in data["organisations"]} == set(OSector)
    assert 25 <= len(data["organisations"]) <= 40 and 15 <= len(data["professionals"]) <= 25
    assert 800 <= len({row["resident"] for row in data["support"]}) <= 1200
    hoods = {row["source_id"]: row["neighbourhood"] for row in data["residents"]}
    across = sum(hoods[row["resident"]] != hoods[row["other_resident"]] for row in data["ties"])
    assert 0.01 * len(data["ties"]) < across < 0.15 * len(data["ties"]), "mostly within a buurt"


def test_every_city_cell_is_valid_and_the_city_is_deterministic(
    city: tuple[Dataset, Planted],
) -> None:
    assert problems(city[0]) == ([], [])
    assert synthetic_city(10_000, seed=1) == city[0]
    assert synthetic_city(300, seed=1) != synthetic_city(300, seed=2)


def test_a_tiny_city_is_still_valid() -> None:
    for residents in (1, 40, 160):
        data, planted = generate_city(residents, seed=5)
        assert len(data["residents"]) == residents and problems(data) == ([], [])
        assert len(planted["bridges"]) == (residents >= 150)
    with pytest.raises(ValueError):
        synthetic_city(0, seed=1)


def test_the_city_plants_per_buurt(city: tuple[Dataset, Planted]) -> None:
    data, planted = city
    graph = fabric(data)
    cut = set(nx.articulation_points(graph))
    assert len(planted["bridges"]) == 2
    for bridge, group in zip(planted["bridges"], planted["bridge_groups"], strict=True):
        members = {node(i) for i in group.split("|")}
        assert node(bridge) in cut
        without = graph.copy()
        without.remove_node(node(bridge))
        assert nx.node_connected_component(without, next(iter(members))) == members
    for rid in planted["isolated_without_needs"]:
        assert graph.degree(node(rid)) == 0
    for rid in planted["isolated_with_needs"]:
        neighbours = {sheet for sheet, _ in graph[node(rid)]}
        assert neighbours <= {"professionals", "organisations"}
        assert bool(neighbours) == (rid in planted["supported_only"])
    smalls = planted["small_component"]
    for first in range(0, len(smalls), 4):
        members = {node(rid) for rid in smalls[first : first + 4]}
        assert nx.node_connected_component(graph, next(iter(members))) == members
    for holder, iid in zip(
        planted["unused_skill_holders"], planted["initiatives_needing_them"], strict=True
    ):
        assert_unused_skill(data, holder, iid)
    lives = {row["source_id"]: row["neighbourhood"] for row in data["residents"]}
    for theme, hood in zip(
        planted["uncovered_theme"], planted["uncovered_theme_neighbourhood"], strict=True
    ):
        needers = {rid for rid in planted["uncovered_theme_residents"] if lives[rid] == hood}
        assert_uncovered(data, theme, hood, needers | _planted_needers(data, planted, theme, hood))


def _planted_needers(data: Dataset, planted: Planted, theme: str, hood: str) -> set[str]:
    """Isolated residents may draw the uncovered theme too."""
    lives = {row["source_id"]: row["neighbourhood"] for row in data["residents"]}
    return {
        r["resident"]
        for r in data["needs"]
        if r["resident"] in planted["isolated_with_needs"]
        and lives[r["resident"]] == hood
        and THEMES.lookup(r["theme"]).code == theme
    }


# --- CSV ----------------------------------------------------------------------------------


def _read_back(
    path: Path, keys: list[str], headers: list[str], delimiter: str
) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        assert reader.fieldnames == headers
        return [
            {key: row[header] for key, header in zip(keys, headers, strict=True)} for row in reader
        ]


@pytest.mark.parametrize(("dutch", "delimiter"), [(True, ","), (False, ";")])
def test_write_csv_round_trips(tmp_path: Path, dutch: bool, delimiter: str) -> None:
    data = sample_neighbourhood()
    paths = write_csv(data, tmp_path, dutch_headers=dutch, delimiter=delimiter)
    names = {(sheet.nl if dutch else sheet.key) + ".csv": key for key, sheet in SHEETS.items()}
    assert sorted(p.name for p in paths) == sorted(names)
    for path in paths:
        sheet = SHEETS[names[path.name]]
        keys = [c.key for c in sheet.columns]
        headers = [c.nl if dutch else c.key for c in sheet.columns]
        assert _read_back(path, keys, headers, delimiter) == data[sheet.key], path.name
    assert "KOKEN " in (
        tmp_path / ("gevraagde_krachten.csv" if dutch else "skills_needed.csv")
    ).read_text("utf-8")


def test_write_csv_skips_empty_sheets_and_refuses_unknown_ones(tmp_path: Path) -> None:
    data: Dataset = {key: [] for key in SHEETS}
    data["interests"] = [{"resident": "B1", "theme": 'groen, "natuur"'}]
    (path,) = write_csv(data, tmp_path / "new")
    assert path.name == "interesses.csv"
    assert _read_back(path, ["resident", "theme"], ["bewoner", "thema"], ",") == data["interests"]
    with pytest.raises(ValueError, match="bewoners"):
        write_csv({"bewoners": [{"source_id": "B1"}]}, tmp_path)


def test_the_importer_reads_the_sample_without_a_single_error(tmp_path: Path) -> None:
    # imported here: a reader or validator being changed must not hide the other tests
    from importers.reader import read_inputs
    from importers.validate import validate_tables

    data = sample_neighbourhood()
    read = read_inputs(write_csv(data, tmp_path, delimiter=";"))
    assert read.errors == []
    validated = validate_tables(read.tables)
    assert validated.errors == []
    assert {key: len(records) for key, records in validated.records.items()} == {
        key: len(rows) for key, rows in data.items() if rows
    }
    unknown = [
        term for records in validated.records.values() for r in records for term in r.unknown_terms
    ]
    assert unknown == [("skill", "jongleren", "Jongleren")]
