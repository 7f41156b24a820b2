"""The projection kept on disk: equal to a fresh read, signed, and gone with the data."""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from graph.analysis.context import NetworkContext
from graph.backends import open_store
from graph.model import NodeLabel
from graph.projection_cache import FORMAT, ProjectionCache
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.synthetic import sample_files
from tests.conftest import embedded_settings

R = NodeLabel.RESIDENT


@pytest.fixture
def sample(embedded_dir: Path) -> Iterator[tuple[GraphStore, Settings]]:
    """The sample neighbourhood in a graph of its own on the embedded database."""
    settings = embedded_settings(embedded_dir)
    with open_store(settings) as store:
        store.clear()
        report = run_import(store, settings, sample_files(), ImportOptions())
        assert report.errors == []
        try:
            yield store, settings
        finally:
            store.clear()


def _files(store: GraphStore) -> list[Path]:
    cache = store.projection_cache()
    assert cache is not None
    return sorted(cache.directory.glob(f"{store.settings.graph_name}.v*.context"))


def _same(a: NetworkContext, b: NetworkContext) -> None:
    assert a.version == b.version
    assert list(a.fabric.nodes(data=True)) == list(b.fabric.nodes(data=True))
    assert list(a.fabric.edges(data=True)) == list(b.fabric.edges(data=True))
    for name in ("areas", "theme_names", "skill_names", "skills", "needs", "interests"):
        assert getattr(a, name) == getattr(b, name), name
    assert a.addresses == b.addresses and a.skills_needed == b.skills_needed


def test_the_second_load_reads_the_file_and_equals_a_fresh_read(
    sample: tuple[GraphStore, Settings],
) -> None:
    store, settings = sample
    assert _files(store) == [], "an import leaves no stale context behind"
    first = NetworkContext.load(store)
    (kept,) = _files(store)
    assert kept.name == f"{settings.graph_name}.v{store.version()}.context"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    cache = store.projection_cache()
    assert cache is not None
    from_file = cache.load(store.version())
    assert from_file is not None and from_file is not first
    _same(from_file, first)
    with open_store(settings.model_copy(update={"projection_cache": False})) as direct:
        _same(NetworkContext.load(direct), first)  # read from the database, not the file


def test_a_write_makes_a_new_version_and_the_old_file_goes(
    sample: tuple[GraphStore, Settings],
) -> None:
    store, _ = sample
    NetworkContext.load(store)
    (old,) = _files(store)
    store.upsert_nodes(R, [{"id": "r-nieuw", "neighbourhood": "BU99990101"}])
    context = NetworkContext.load(store)
    assert "r-nieuw" in context.fabric
    (new,) = _files(store)
    assert new != old and not old.exists()


def test_an_erasure_leaves_no_copy_on_disk(sample: tuple[GraphStore, Settings]) -> None:
    store, _ = sample
    person = next(iter(store.nodes(R))).id
    NetworkContext.load(store)
    assert _files(store)
    store.erase_node(R, person, tombstone=True)
    assert _files(store) == [], "compaction after the erasure deletes the kept contexts"
    assert person not in NetworkContext.load(store).fabric


def test_a_file_without_a_valid_signature_is_never_unpickled(
    sample: tuple[GraphStore, Settings], tmp_path: Path
) -> None:
    store, _ = sample
    marker = tmp_path / "planted-code-ran"

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    cache = store.projection_cache()
    assert cache is not None
    version = store.version()
    cache.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    cache.path(version).write_bytes(FORMAT + b"\0" * 32 + pickle.dumps(Planted()))
    assert cache.load(version) is None
    context = NetworkContext.load(store)  # read from the database instead, and kept anew
    assert not marker.exists()
    assert context.fabric.number_of_nodes() > 0
    again = cache.load(version)
    assert again is not None and again.version == version
    # signed under another installation key: refused as well
    other = ProjectionCache(cache.directory, cache.graph, key=lambda: b"x" * 32)
    assert other.load(version) is None


def test_neo4j_and_a_setting_keep_nothing_on_disk(
    store_settings: Settings, store: GraphStore
) -> None:
    if store.backend == "neo4j":
        assert store.projection_cache() is None
        return
    with open_store(store_settings.model_copy(update={"projection_cache": False})) as plain:
        assert plain.projection_cache() is None
        plain.upsert_nodes(R, [{"id": "r-1"}])
        NetworkContext.load(plain)
    folder = Path(store_settings.db.removeprefix("embedded:")) / "projection"
    assert not list(folder.glob(f"{store_settings.graph_name}.v*.context"))


def test_the_whole_fabrics_igraph_twin_is_kept_beside_the_context(
    sample: tuple[GraphStore, Settings],
) -> None:
    from graph.analysis import brokerage
    from graph.analysis.results import Scope

    store, settings = sample
    made = NetworkContext.load(store).prepared(Scope(), brokerage)
    cache = store.projection_cache()
    assert cache is not None
    twin = cache.path(store.version(), "twin-brokerage")
    assert twin.exists(), "the first use keeps the twin"
    context = NetworkContext.load(store)  # read from the file, as the next command would
    read_back = context.prepared(Scope(), brokerage)
    assert read_back is not made
    assert read_back[1] == made[1] == sorted(context.fabric)
    assert read_back[0].get_edgelist() == made[0].get_edgelist()
    # a neighbourhood's graph is not the whole fabric: its twin is made, never kept
    context.prepared(Scope(neighbourhoods=("BU99990101",)), brokerage)
    assert sorted(
        p.name.split(".")[-1] for p in cache.directory.glob(f"{settings.graph_name}.v*")
    ) == [
        "context",
        "twin-brokerage",
    ]
    # a twin that does not fit the fabric is made again, not used
    cache.save_part(
        store.version(),
        "twin-brokerage",
        brokerage.to_igraph(context.fabric.subgraph(list(context.fabric)[:5]).copy()),
    )
    again = NetworkContext.load(store).prepared(Scope(), brokerage)
    assert again[1] == sorted(context.fabric)


def test_the_network_as_of_a_date_is_kept_per_date_and_never_taken_for_the_present(
    sample: tuple[GraphStore, Settings],
) -> None:
    store, _ = sample
    cache = store.projection_cache()
    assert cache is not None
    today = date.today().isoformat()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    then = NetworkContext.load(store, as_of=yesterday)  # before the sample's import: no ties
    assert then.fabric.number_of_edges() == 0 == then.fabric.number_of_nodes()
    assert cache.path(store.version(), f"as-of-{yesterday}").exists()
    now = NetworkContext.load(store)
    assert now.fabric.number_of_edges() > 0, "the present is not the kept past"
    again = NetworkContext.load(store, as_of=yesterday)
    assert again is not then and again.fabric.number_of_nodes() == 0
    _same(NetworkContext.load(store, as_of=today), now)
    # a write makes every kept date stale: its file goes with the version
    run_import(store, store.settings, sample_files(), ImportOptions(keep_names=True))
    assert not cache.path(store.version() - 1, f"as-of-{yesterday}").exists()


def test_only_the_last_dates_asked_are_kept(sample: tuple[GraphStore, Settings]) -> None:
    """A caller who asks about many dates fills neither the disk nor a server's memory."""
    from graph.analysis.context import KEPT_DATES
    from graph.analysis.engine import Analyst

    store, _ = sample
    cache = store.projection_cache()
    assert cache is not None
    analyst = Analyst(store)
    days = [(date.today() - timedelta(days=n)).isoformat() for n in range(KEPT_DATES + 3)]
    for day in days:
        analyst.context_as_of(day)
    kept = sorted(cache.directory.glob(f"{store.settings.graph_name}.v{store.version()}.as-of-*"))
    assert len(kept) == KEPT_DATES
    assert {path.name.rsplit("as-of-", 1)[1] for path in kept} == set(days[-KEPT_DATES:])
    assert len(analyst._dated) == KEPT_DATES
