"""The sample neighbourhood's history (``importers.sample_history``) loaded into a store as a
user loads it, and the ids of those its story is about, for the tests of what changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.backends import open_store
from graph.settings import Settings
from graph.store import GraphStore
from importers.load import ImportOptions, run_import
from importers.pseudonyms import installation_key, pseudonym
from importers.sample_history import COMPLETE, HISTORY_PLANTED, QUARTERS, write_sample_history
from tests.conftest import embedded_settings

FIRST, LAST = QUARTERS[0], QUARTERS[-1]
BLOEMENBUURT, PARKZOOM = "BU99990101", "BU99990103"


def load_sample_history(store: GraphStore, settings: Settings, folder: Path) -> None:
    """Every export, oldest first, as of its date with its complete sheets."""
    for day, files in write_sample_history(folder):
        report = run_import(store, settings, files, ImportOptions(as_of=day, complete=COMPLETE))
        assert report.written and not report.errors, (day, report.errors[:3])


@contextmanager
def history_store(
    embedded_dir: Path, folder: Path, **overrides: object
) -> Iterator[tuple[Settings, GraphStore]]:
    """An embedded graph of its own holding the sample's history (cleared on leaving), its
    installation key, API keys and audit log in ``folder``."""
    settings = embedded_settings(
        embedded_dir,
        key_file=folder / "secret.key",
        api_keys_file=folder / "keys.json",
        audit_log=folder / "audit.jsonl",
        **overrides,
    )
    with open_store(settings) as store:
        store.clear()
        try:
            load_sample_history(store, settings, folder / "history")
            yield settings, store
        finally:
            store.clear()


@dataclass(frozen=True)
class Story:
    """The stored ids of :data:`importers.sample_history.HISTORY_PLANTED`."""

    mover: str
    held_together: frozenset[str]
    joiner: str
    garden: str
    handed_over: str
    coach: str
    owner: str
    started: frozenset[str]
    stopped: frozenset[str]
    #: Kees Visser and his soos (SAMPLE_PLANTED): a group that does not change
    kees: str


def story(settings: Settings) -> Story:
    key = installation_key(settings)

    def ids(name: str, kind: str) -> list[str]:
        return [pseudonym(key, kind, source) for source in HISTORY_PLANTED[name]]

    return Story(
        mover=ids("moved_away", "resident")[0],
        held_together=frozenset(ids("held_together", "resident")),
        joiner=ids("joins", "resident")[0],
        garden=ids("grows", "initiative")[0],
        handed_over=ids("handed_over", "initiative")[0],
        coach=ids("coached_before", "professional")[0],
        owner=ids("owner_after", "resident")[0],
        started=frozenset(ids("started", "initiative")),
        stopped=frozenset(ids("stopped", "initiative")),
        kees=pseudonym(key, "resident", "B211"),
    )
