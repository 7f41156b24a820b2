"""The graph store: one small interface with intent-named operations, two real databases.

:class:`GraphStore` is the contract every caller works with: upsert nodes and relationships
in batches, read a node and its neighbours, read the projection the network questions need,
erase a person. Nothing outside ``graph/`` sees a driver or a line of Cypher.

- :mod:`graph.cypher_store`: what the two backends share (validation, batching, change
  detection, the reads), over the named queries of :mod:`graph.queries`. A backend runs a
  named query and sets up its schema; it may read the projection its own faster way
  (:meth:`~graph.cypher_store.CypherStore._packed_projection`).
- :mod:`graph.falkordb_store` (embedded, the default) and :mod:`graph.neo4j_store`.
- :mod:`graph.values`: what a store can hold; :mod:`graph.projection`: the projection's shape.
- :func:`graph.backends.open_store` opens the one ``settings.db`` names.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from graph.model import NodeLabel, RelType, SystemLabel
from graph.settings import Settings

if TYPE_CHECKING:
    import networkx as nx

    from graph.changes import Author, KeptChange, Undo
    from graph.projection import Projection
    from graph.projection_cache import ProjectionCache


@dataclass
class WriteCounts:
    """What an upsert did: rows created, updated (a property changed) or unchanged; facts
    removed, or ended (they stay, with the date they ended: :mod:`graph.periods`)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    ended: int = 0

    def __iadd__(self, other: WriteCounts) -> Self:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed
        self.ended += other.ended
        return self

    @property
    def written(self) -> int:
        return self.created + self.updated + self.removed + self.ended


Label = NodeLabel | SystemLabel


def as_label(value: str) -> Label:
    """A member of the label allow-list, whichever enum it belongs to."""
    return SystemLabel(value) if value in _SYSTEM_VALUES else NodeLabel(value)


_SYSTEM_VALUES = frozenset(label.value for label in SystemLabel)


@dataclass(frozen=True)
class Node:
    label: Label
    id: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Neighbour:
    """One relationship of a node and the node at its other end."""

    type: RelType
    #: "out" when the node is the relationship's source, "in" when it is the target,
    #: "both" for symmetric types (KNOWS, COLLABORATES_WITH)
    direction: str
    properties: dict[str, Any]
    node: Node


class GraphStore(ABC):
    """Intent-named operations on the Wijkgraaf graph; one implementation per database."""

    #: ``"falkordb"`` or ``"neo4j"``.
    backend: str

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def describe(self) -> str:
        """Where the data lives, for people (a directory or a URI, never a password)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections (and, for the embedded database, possibly the server)."""

    def compact(self) -> None:  # noqa: B027 - a hook: a database that manages its files skips it
        """Make what is on disk quick to load and free of what was overwritten or erased.

        Called after bulk writes (an import, a restore) and after an erasure. The embedded
        database rewrites its append-only file into a snapshot; Neo4j manages its own files,
        so there it does nothing.
        """

    def projection_cache(self) -> ProjectionCache | None:
        """The projection kept on disk per graph version (:mod:`graph.projection_cache`), or
        None where nothing may be kept: it holds what the database holds about people, and
        only the embedded database has a data folder of its own for it."""
        return None

    def server_state(self) -> dict[str, Any] | None:
        """The state of a database server Wijkgraaf runs itself (the embedded one): whether it
        was already running when this store opened, how long the start took, its pid, size
        on disk and idle time. None for a server Wijkgraaf does not run (Neo4j)."""
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def upsert_nodes(
        self,
        label: Label,
        rows: Iterable[Mapping[str, Any]],
        *,
        batch_size: int | None = None,
        dry_run: bool = False,
        as_of: str | None = None,
        listed: bool = False,
    ) -> WriteCounts:
        """Create or update nodes by ``id``; a property set to ``None`` is removed.

        With ``as_of``, a resident, professional, initiative or organisation is stated as
        there on that date (:func:`graph.periods.stated`, with its fields that have a history);
        ``listed``: a complete sheet lists it.

        Idempotent: rows equal to what is stored are counted unchanged and not written.
        Later rows for the same ``id`` in one call refine earlier ones. With ``dry_run`` the
        counts are what would happen; nothing is written.

        What is stored is read back per batch to tell created, updated and unchanged apart,
        unless a write of several batches finds no node of the label at all (a first import):
        then nothing can be stored yet, and one probe replaces every read. The same holds for
        :meth:`upsert_relationships` and the relationship's type.
        """

    @abstractmethod
    def upsert_relationships(
        self,
        rel_type: RelType,
        rows: Iterable[Mapping[str, Any]],
        *,
        source_label: NodeLabel,
        target_label: NodeLabel,
        batch_size: int | None = None,
        dry_run: bool = False,
        endpoints_verified: bool = False,
        as_of: str | None = None,
        listed: bool = False,
    ) -> WriteCounts:
        """Create or update one ``rel_type`` relationship per (source, target) pair.

        Each row has ``source`` and ``target`` ids; every other key is a property. Both ends
        must be stored already: if any is missing, nothing is written and
        :class:`NotFoundError` lists them. Symmetric types (KNOWS, COLLABORATES_WITH) are
        stored once per pair, from the smaller id to the larger. With ``dry_run`` nothing is
        written and endpoints are not checked (they may be nodes the same dry run would
        create). ``endpoints_verified`` is for a caller that has itself established that every
        end is stored (the importer resolves each reference against the import and the store).

        With ``as_of`` (a date, ``YYYY-MM-DD``) each row is a fact that holds on that date
        (:func:`graph.periods.stated`): a new one holds from it, one that had ended begins
        again, one whose properties change keeps its earlier version; ``listed``: a sheet
        declared complete lists it, so that the next complete one that lacks it ends it.
        """

    @abstractmethod
    def prune_relationships(
        self,
        rel_type: RelType,
        keep: Mapping[str, Iterable[str]],
        *,
        source_label: NodeLabel,
        target_label: NodeLabel,
        as_of: str,
        dry_run: bool = False,
    ) -> WriteCounts:
        """End on ``as_of`` each source's holding ``rel_type`` to targets other than those in
        ``keep[source]`` (they stay, as history: :mod:`graph.periods`).

        For relationships that a row states completely (a resident lives in one buurt): when
        the row changes, the old relationship ends. Writes nothing when nothing is stale.
        """

    @abstractmethod
    def end_unlisted_nodes(
        self,
        label: NodeLabel,
        listed: Iterable[str],
        *,
        areas: Collection[str] | None,
        as_of: str,
        dry_run: bool = False,
    ) -> tuple[WriteCounts, dict[RelType, WriteCounts]]:
        """End on ``as_of`` every ``label`` node that is there, that an earlier complete sheet
        listed, that is located in ``areas`` (None: anywhere; a professional has no area, so
        only then), and whose id is not in ``listed`` (a resident who moved away), with
        every fact that held of it. Returns the nodes ended and the facts ended per type."""

    @abstractmethod
    def end_unlisted(
        self,
        rel_type: RelType,
        listed: Iterable[tuple[str, str]],
        *,
        source_label: NodeLabel,
        target_label: NodeLabel,
        areas: Collection[str] | None,
        as_of: str,
        dry_run: bool = False,
    ) -> WriteCounts:
        """End on ``as_of`` every holding ``rel_type`` fact that an earlier sheet declared
        complete listed, that touches the ``areas`` (an end located there; None: anywhere),
        and whose (source, target) pair is not in ``listed``: a complete export that lacks
        a fact says it no longer holds. Facts only other imports stated are left be.
        """

    # --- imports are all or nothing (graph/journal.py) --------------------------------------

    @abstractmethod
    def begin_import(self, run: str) -> None:
        """Take the import journal for ``run``: from now until :meth:`end_import` or
        :meth:`undo_import`, every write of a domain node or relationship records, in its
        own statement, what it overwrites.

        Raises :class:`~graph.errors.ImportInProgressError` while another import that is
        still running holds the journal. Call :meth:`undo_abandoned_import` first.
        """

    @abstractmethod
    def end_import(self) -> None:
        """The import has written everything: its journal goes, in one statement."""

    @abstractmethod
    def undo_import(self) -> None:
        """Undo every write of the current import, newest first, and let the journal go."""

    @contextmanager
    def all_or_nothing(self, run: str) -> Iterator[None]:
        """The writes inside, as run ``run``: all of them, or on any failure none
        (:meth:`begin_import`, then :meth:`end_import` or :meth:`undo_import`)."""
        self.begin_import(run)
        try:
            yield
            self.end_import()
        except BaseException:
            self.undo_import()  # should this fail too, the next import undoes it
            raise

    @abstractmethod
    def undo_abandoned_import(self) -> str | None:
        """Undo an import whose process is gone and that left its journal (killed, or its
        database failed while it undid itself); returns its run id, or None if there was
        none. An import still running elsewhere is left alone."""

    # --- changes made in the pages, undone by their authors (graph/changes.py) ---------------

    @abstractmethod
    def keep_change(self, author: Author) -> None:
        """While an import writes: keep what it overwrote for ``author`` to undo, as their last
        change (replacing the one kept before), unless it changed nothing. Through the
        journal: should the import fail, the change kept before is kept again."""

    @abstractmethod
    def kept_change(self, key_id: str) -> KeptChange | None:
        """The last change the author with key ``key_id`` made that is kept, if any."""

    @abstractmethod
    def undo_change(self, key_id: str, run: str) -> Undo:
        """Undo the kept change of ``key_id`` as run ``run``, all or nothing, if every fact it
        wrote is still as it left it (else :attr:`Undo.CHANGED_SINCE`, nothing written).

        Raises :class:`~graph.errors.ImportInProgressError` while an import writes."""

    @abstractmethod
    def existing_ids(self, label: Label, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are stored under ``label``.

        Where a look-up of several batches finds no node of the label at all (no tombstones,
        a first import), one probe replaces every read, as in :meth:`upsert_nodes`.
        """

    @abstractmethod
    def ended_ids(self, label: NodeLabel, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are stored but no longer there: a complete sheet ended them (a
        resident who moved away). A fact about one is refused until they are stated again."""

    @abstractmethod
    def erase_node(self, label: NodeLabel, node_id: str, *, tombstone: bool = False) -> int:
        """Delete a node and all its relationships; returns how many relationships went.

        Refused while an import writes, and an abandoned import is undone first: the
        journal's records keep what the import overwrote, the person's properties included.
        A change kept for its author to undo that names the node goes too.

        With ``tombstone`` the key is kept as a tombstone first (so that a crash between
        the two steps leaves the person marked erased, and a retry finishes the job), and
        importers will not bring the person back.
        """

    @abstractmethod
    def add_tombstones(self, ids: Iterable[str]) -> None:
        """Remember erased keys (the key only, nothing else about the person)."""

    @abstractmethod
    def tombstoned(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` belong to erased people."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (the version counter keeps counting).

        In batches: a whole city in one transaction exceeds Neo4j's transaction memory.
        Refused while an import writes (an abandoned one is undone first); inside the import
        journal (a restore that replaces everything) each batch records what it deleted.
        """

    @abstractmethod
    def get_node(self, label: Label, node_id: str) -> Node:
        """The node with this label and id, or :class:`NotFoundError`."""

    @abstractmethod
    def neighbours(
        self, label: NodeLabel, node_id: str, *, rel_types: Iterable[RelType] | None = None
    ) -> list[Neighbour]:
        """Every relationship of a node (of the given types) with the node at the other end."""

    @abstractmethod
    def count_by_label(self) -> dict[str, int]:
        """Number of nodes per domain label, every label present (zero included)."""

    @abstractmethod
    def version(self) -> int:
        """A counter that grows with every write; caches key their answers on it."""

    @abstractmethod
    def fabric(self) -> nx.Graph:
        """The social fabric as an undirected networkx graph, loaded in one query.

        Nodes are keyed by ``id`` and carry ``label`` and their projection fields
        (``FABRIC_NODE_FIELDS``: name, neighbourhood, ...); edges carry ``type`` and theirs
        (``FABRIC_EDGE_FIELDS``: strength, role, ...). Absent values are left out. Skills,
        themes and neighbourhoods stay attributes: they are not nodes of the fabric.
        """

    @abstractmethod
    def projection(
        self, areas: tuple[str, ...] | None = None, *, as_of: str | None = None
    ) -> Projection:
        """The fabric and the attributes the network questions need, read once.

        With ``as_of`` (a date), the network as it was on that date: every tie that held
        then, as it was then (:mod:`graph.periods`); otherwise the ties that hold now.

        With ``areas``: only their part (:func:`graph.projection.area_fabric`), as
        ``NetworkContext.restricted(areas)`` would see it, read without the rest of the city:
        the areas, themes and skills all, the attribute ties of the residents in the part, and
        what every initiative addresses and looks for. An unknown code has an empty part.

        The version is read first: should a write land while reading, the projection is
        labelled older than what it holds and is simply read again on the next question.
        Whichever way a backend reads it (the embedded one packs each part into one string),
        the projection is the same; the store contract tests hold both backends to it.
        """

    @abstractmethod
    def nodes(self, label: Label) -> list[Node]:
        """Every node of a label, ordered by id."""

    @abstractmethod
    def relationships(
        self, rel_type: RelType, *, source_label: NodeLabel, target_label: NodeLabel
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Every ``rel_type`` from a ``source_label`` to a ``target_label`` node."""
