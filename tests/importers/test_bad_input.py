"""Every kind of bad input: a clear error at the exact place, and the store left untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import

RESIDENTS = "bron_id,naam,buurt,leeftijd,toestemming_naam\nB1,Fatima,BU03630000,27-44,ja\nB2,Jan,BU03630000,45-66,nee\n"


def _write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _state(store: GraphStore) -> tuple[dict[str, int], int]:
    return store.count_by_label(), store.version()


BAD_INPUTS = [
    pytest.param(
        "bewoners.csv", "bron_id\tnaam\tbuurt\nB1\tFatima\tBU03630000\n",
        ("bewoners.csv", None, 1, None), "Verkeerd scheidingsteken", id="wrong-delimiter",
    ),
    pytest.param(
        "organisaties.csv", "bron_id,naam\nO1,Bakkerij\n",
        ("organisaties.csv", None, 1, "o_sector"), "Verplichte kolom 'o_sector' ontbreekt", id="missing-column",
    ),
    pytest.param(
        "bewoners.csv", "bron_id,naam,diagnose\nB1,Fatima,depressie\n",
        ("bewoners.csv", None, 1, "diagnose"), "Onbekende kolom", id="unknown-column",
    ),
    pytest.param(
        "initiatieven.csv", "bron_id,naam,gestart\nI1,Moestuin,31-02-2023\n",
        ("initiatieven.csv", None, 2, "gestart"), "Geen geldige datum", id="bad-date",
    ),
    pytest.param(
        "deelname.csv", "bewoner,initiatief,rol\nB1,I1,baas\n",
        ("deelname.csv", None, 2, "rol"), "Kies een van", id="bad-enum",
    ),
    pytest.param(
        "contacten.csv", "bewoner,andere_bewoner\nB1,B2\nB1,B9\n",
        ("contacten.csv", None, 3, "andere_bewoner"), "onbekende bewoners-rij", id="dangling-reference",
    ),
    pytest.param(
        "bewoners.csv", "bron_id,naam\nB7,Noor\nB8,Kees\nB7,Noortje\n",
        ("bewoners.csv", None, 4, None), "Dubbel id: staat ook in bewoners.csv, rij 2", id="duplicate-id",
    ),
    pytest.param("bewoners.csv", "", ("bewoners.csv", None, None, None), "leeg", id="empty-file"),
    pytest.param(
        "bewoners.csv", "bron_id,naam\nB1,Fatima\nB2,Ay\xfee\n".encode("latin-1"),
        ("bewoners.csv", None, 3, None), "geen UTF-8", id="non-utf8",
    ),
    pytest.param(
        "bewoners.csv", "bron_id,naam\nB1," + "x" * 5000 + "\n",
        ("bewoners.csv", None, 2, "naam"), "Veld te lang", id="huge-field",
    ),
    pytest.param(
        "bewoners.csv", "bron_id,naam\n111222333,Fatima\n",
        ("bewoners.csv", None, 2, "bron_id"), "lijkt een BSN", id="bsn-as-id",
    ),
    pytest.param(
        "ondersteuning.csv", "bewoner,professional,organisatie\nB1,,\n",
        ("ondersteuning.csv", None, 2, "professional"), "precies één", id="support-needs-one-end",
    ),
    pytest.param(
        "bewoners.csv", "bron_id,buurt\nB5,Mijn Buurt!\n",
        ("bewoners.csv", None, 2, "buurt"), "Geen geldige buurtcode", id="bad-neighbourhood-code",
    ),
    pytest.param(
        "bewoners.csv", "bron_id,buurt\nB5,ZUID-3\n",
        ("bewoners.csv", None, 2, "buurt"), "nergens is vastgelegd", id="undeclared-local-code",
    ),
    pytest.param("onbekend.csv", "a,b\n1,2\n", ("onbekend.csv", None, None, None), "Onbekend blad", id="unknown-sheet"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "content", "place", "message"), BAD_INPUTS)
def test_bad_input_is_reported_at_its_place_and_nothing_is_written(
    store: GraphStore,
    store_settings: Settings,
    tmp_path: Path,
    name: str,
    content: str | bytes,
    place: tuple[str, str | None, int | None, str | None],
    message: str,
) -> None:
    good = _write(tmp_path, "bewoners.csv", RESIDENTS)
    run_import(store, store_settings, [good], ImportOptions(accept_new_areas=True))
    before = _state(store)
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    paths = [_write(bad_dir, name, content)]
    report = run_import(store, store_settings, paths, ImportOptions())

    assert report.rejected and not report.written
    matching = [e for e in report.errors if message in e.message("nl")]
    assert matching, [e.message("nl") for e in report.errors]
    error = matching[0]
    assert (error.place.file, error.place.sheet, error.place.row, error.place.column) == place
    assert error.en, "every error has an English text too"
    assert _state(store) == before, "the store is unchanged"


def test_every_error_of_a_file_is_collected_not_only_the_first(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    content = "bron_id,leeftijd,toestemming_naam\nB1,twintig,ja\nB2,27-44,misschien\nB3,80+,nee\n"
    report = run_import(
        store, store_settings, [_write(tmp_path, "bewoners.csv", content)], ImportOptions()
    )
    assert [(e.place.row, e.place.column) for e in report.errors] == [
        (2, "leeftijd"),
        (3, "toestemming_naam"),
    ]
    assert store.count_by_label()["Resident"] == 0


def test_skip_invalid_writes_the_valid_rows_and_skips_their_dependants(
    store: GraphStore, store_settings: Settings, tmp_path: Path
) -> None:
    residents = _write(tmp_path, "bewoners.csv", "bron_id,leeftijd\nB1,27-44\nB2,oud\nB3,80+\n")
    ties = _write(tmp_path, "contacten.csv", "bewoner,andere_bewoner\nB1,B3\nB1,B2\n")
    report = run_import(store, store_settings, [residents, ties], ImportOptions(skip_invalid=True))
    assert report.written and report.rejected
    assert [(e.place.file, e.place.row) for e in report.errors] == [("bewoners.csv", 3)]
    assert [(s.place.file, s.place.row) for s in report.skipped] == [("contacten.csv", 3)]
    assert store.count_by_label()["Resident"] == 2
    assert store.fabric().number_of_edges() == 1
