"""The projection kept on disk, one file per graph version, so a command loads it fast.

Reading the projection from the database and building the networkx graph is what a
question's command spends most on: 2.5 s for a city of 100,000 residents, 22–30 s for a
million. The same context read back from a file takes about a seventh of that. So the first
command after a change writes the context it loaded, and later commands, in other processes,
read it as long as the graph version is the same (every write to the store bumps it). The
store owns the files (:meth:`graph.store.GraphStore.projection_cache`) and deletes them when it
compacts; what is kept is the questions' :class:`~graph.analysis.context.NetworkContext`, any
object with the ``version`` it was read at. Beside it, other parts derived from the same
version can be kept under a name of their own (the igraph twin of the whole fabric, which
takes a million residents' city 4 s to make and 1 s to read back).

What is in the file is what the database holds about people (pseudonymous ids, names where
consent allows, support-need themes), so it lives beside the embedded database's own files,
in its data folder (``projection/``, readable by its owner only), and nowhere else: on Neo4j
there is no such folder and nothing is kept. It goes with the data: every compaction (after an
import, a restore, an erasure) deletes the graph's files, so an erased person leaves no copy
here either. The file is Python's pickle, signed with HMAC-SHA256 under a key derived from the
installation key (kept outside the data folder): a file that does not carry a valid signature
— planted, damaged, or written under another key — is never unpickled, only replaced.

>>> import networkx as nx
>>> from graph.analysis.context import NetworkContext
>>> cache = ProjectionCache(Path(tempfile.mkdtemp()), "example", key=lambda: b"k" * 32)
>>> cache.save(NetworkContext(version=7, fabric=nx.path_graph(3)))
True
>>> cache.load(7).fabric.number_of_edges(), cache.load(8)
(2, None)
>>> cache.save_part(7, "numbers", [1, 2]), cache.load_part(7, "numbers")
(True, [1, 2])
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Bumped whenever the layout of what is kept changes, so old files are not read.
FORMAT = b"wijkgraaf-context-3\n"
_SIGNATURE_BYTES = 32


class ProjectionCache:
    """The files of one graph's projections in ``directory``, signed with ``key()``: asked for
    only when a file is read or written, so deleting them never creates an installation key."""

    def __init__(self, directory: Path, graph: str, *, key: Callable[[], bytes]) -> None:
        self.directory = directory
        self.graph = graph
        self._key = key

    def path(self, version: int, part: str = "context") -> Path:
        # "." cannot occur in a graph's name, so one graph's files never match another's
        if not part.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"a part's name is letters, digits, - and _, not {part!r}")
        return self.directory / f"{self.graph}.v{version}.{part}"

    def load(self, version: int) -> Any:
        """What was kept for graph version ``version``, or None if no valid file holds it."""
        kept = self.load_part(version, "context")
        return kept if getattr(kept, "version", None) == version else None

    def save(self, projection: Any) -> bool:
        """Write ``projection`` (which has a ``version``) atomically and remove this graph's
        other versions; False if the disk refused (it only saves time: no error)."""
        return self.save_part(projection.version, "context", projection)

    def load_part(self, version: int, part: str) -> Any:
        """The part ``part`` kept for graph version ``version``, or None if no valid file
        holds it."""
        try:
            data = self.path(version, part).read_bytes()
        except OSError:
            return None
        head = len(FORMAT) + _SIGNATURE_BYTES
        if len(data) < head or not data.startswith(FORMAT):
            return None
        signature, body = data[len(FORMAT) : head], memoryview(data)[head:]
        if not hmac.compare_digest(signature, self._sign(version, body, part)):
            return None
        return pickle.loads(body)

    def save_part(self, version: int, part: str, value: Any) -> bool:
        """Write ``value`` as the part ``part`` of graph version ``version``, atomically, and
        remove this graph's other versions; False if the disk refused."""
        body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        target = self.path(version, part)
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".context-")
        except OSError:
            return False
        try:
            with os.fdopen(descriptor, "wb") as handle:  # mkstemp makes it 0600
                handle.write(FORMAT)
                handle.write(self._sign(version, body, part))
                handle.write(body)
            os.replace(temporary, target)
        except OSError:
            Path(temporary).unlink(missing_ok=True)
            return False
        self.purge(keep=version)
        return True

    def trim(self, version: int, prefix: str, keep: int) -> None:
        """Of version ``version``'s parts named ``prefix…``, keep the ``keep`` written last:
        parts a caller may make many of (one per date asked about) do not fill the disk."""
        parts = sorted(
            self.directory.glob(f"{self.graph}.v{version}.{prefix}*"),
            key=lambda path: path.stat().st_mtime_ns,
        )
        for path in parts[: max(len(parts) - keep, 0)]:
            path.unlink(missing_ok=True)

    def purge(self, *, keep: int | None = None) -> None:
        """Delete this graph's files, all but those of version ``keep``; without ``keep`` also
        the temporary files a crash may have left (called when nothing else writes: at
        compaction)."""
        if not self.directory.exists():
            return
        kept = f"{self.graph}.v{keep}."
        for path in self.directory.glob(f"{self.graph}.v*.*"):
            if keep is None or not path.name.startswith(kept):
                path.unlink(missing_ok=True)
        if keep is None:
            for path in self.directory.glob(".context-*"):
                path.unlink(missing_ok=True)

    def _sign(self, version: int, body: bytes | memoryview, part: str) -> bytes:
        # the part is signed too: a file renamed to another part's name is not read as it
        heading = FORMAT + f"{self.graph}:{version}:{part}\n".encode()
        mac = hmac.new(self._key(), heading, hashlib.sha256)
        mac.update(body)
        return mac.digest()
