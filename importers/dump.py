"""The portable dump: the whole graph as JSON lines, loadable into either database.

``wijkgraaf export FILE`` writes it; ``wijkgraaf restore FILE`` reads it back — the path from
the embedded default to Neo4j when a municipality grows. The first line is a header with the
format and the counts; then one line per node (domain nodes, tombstones and import runs) and
one per relationship. Restoring checks every line before writing anything.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.errors import InvalidDataError
from graph.model import RELATIONSHIPS, NodeLabel, RelType, SystemLabel
from graph.store import GraphStore, WriteCounts

FORMAT = "wijkgraaf-dump"
VERSION = 1
DUMPED_LABELS: tuple[NodeLabel | SystemLabel, ...] = (
    *NodeLabel,
    SystemLabel.TOMBSTONE,
    SystemLabel.IMPORT_RUN,
)


def _edges() -> Iterator[tuple[RelType, NodeLabel, NodeLabel]]:
    for rel, spec in RELATIONSHIPS.items():
        for source in sorted(spec.sources):
            for target in sorted(spec.targets):
                yield rel, source, target


def export_dump(store: GraphStore, path: Path) -> dict[str, int]:
    """Write everything stored to ``path``; returns the counts per label and type."""
    counts: dict[str, int] = {}
    lines: list[str] = []
    for label in DUMPED_LABELS:
        nodes = store.nodes(label)
        counts[label.value] = len(nodes)
        for node in nodes:
            record = {"node": label.value, "id": node.id, "properties": node.properties}
            lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    for rel, source, target in _edges():
        links = store.relationships(rel, source_label=source, target_label=target)
        counts[rel.value] = counts.get(rel.value, 0) + len(links)
        for a, b, props in links:
            record = {
                "rel": rel.value, "source_label": source.value, "source": a,
                "target_label": target.value, "target": b, "properties": props,
            }  # fmt: skip
            lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
    header = {
        "format": FORMAT,
        "version": VERSION,
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "backend": store.backend,
        "counts": counts,
    }
    temporary = path.with_name(path.name + ".part")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(header, sort_keys=True) + "\n")
        for line in lines:
            handle.write(line + "\n")
    temporary.replace(path)  # a half-written dump never carries the final name
    return counts


def _invalid(path: Path, line: int, nl: str, en: str) -> InvalidDataError:
    return InvalidDataError(f"{path.name}, regel {line}: {nl}", f"{path.name}, line {line}: {en}")


def read_dump(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Header, node records and relationship records of a dump, every line checked."""
    nodes: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    labels = {label.value for label in DUMPED_LABELS}
    with open(path, encoding="utf-8") as handle:
        try:
            header = json.loads(handle.readline() or "null")
        except json.JSONDecodeError:
            header = None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise _invalid(path, 1, "geen Wijkgraaf-dump.", "not a Wijkgraaf dump.")
        if header.get("version") != VERSION:
            raise _invalid(
                path, 1, f"onbekende versie {header.get('version')}.",
                f"unknown version {header.get('version')}.",
            )  # fmt: skip
        for number, line in enumerate(handle, start=2):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise _invalid(
                    path, number, f"geen geldige JSON ({exc.msg}).", f"not valid JSON ({exc.msg})."
                ) from exc
            if record.get("node") in labels and isinstance(record.get("id"), str):
                nodes.append(record)
            elif (
                record.get("rel") in RelType.__members__
                and record.get("source")
                and record.get("target")
            ):
                links.append(record)
            else:
                raise _invalid(path, number, "onbekend soort regel.", "unknown kind of line.")
    return header, nodes, links


def restore_dump(store: GraphStore, path: Path, *, replace: bool = False) -> dict[str, WriteCounts]:
    """Load a dump into ``store`` (every line is checked before anything is written), with
    ``replace`` in place of everything stored; all or nothing: through the import journal,
    as an import (:mod:`graph.journal`), the clearing included."""
    _, nodes, links = read_dump(path)
    store.undo_abandoned_import()
    with store.all_or_nothing(f"restore-{uuid.uuid4().hex}"):
        if replace:
            store.clear()  # inside the journal: put back should the restore fail
        result = _write_dump(store, nodes, links)
    store.compact()  # the next start loads a snapshot, not every statement of the restore
    return result


def _write_dump(
    store: GraphStore, nodes: list[dict[str, Any]], links: list[dict[str, Any]]
) -> dict[str, WriteCounts]:
    result: dict[str, WriteCounts] = {}
    by_label: dict[str, list[dict[str, Any]]] = {}
    for record in nodes:
        by_label.setdefault(record["node"], []).append({"id": record["id"], **record["properties"]})
    for label in DUMPED_LABELS:
        rows = by_label.get(label.value, [])
        if rows:
            result[label.value] = store.upsert_nodes(label, rows)
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for record in links:
        key = (record["rel"], record["source_label"], record["target_label"])
        grouped.setdefault(key, []).append(
            {"source": record["source"], "target": record["target"], **record["properties"]}
        )
    for (rel, source, target), rows in grouped.items():
        counts = store.upsert_relationships(
            RelType(rel), rows, source_label=NodeLabel(source), target_label=NodeLabel(target)
        )
        result.setdefault(rel, WriteCounts())
        result[rel] += counts
    return result
