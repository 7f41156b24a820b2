"""A change made in the pages, kept so that its author can undo it.

A coach records what a conversation taught (a tie, a strength, ...) in the pages' forms, which
import it as a file of the templates would be (:func:`importers.load.run_import`), through the
import journal (:mod:`graph.journal`). While the import writes, the journal records what each
write overwrites, and at its end the journal goes. For a change made in the pages, before it
goes, the store keeps those records for the change's :class:`Author`, their last change only
(a newer change of theirs replaces it), as one :class:`KeptChange`:

- ``records``: the journal's records of the domain's nodes and relationships the change
  wrote, oldest first — what they were before it (the run's own record is left out);
- ``after``: every fact those records name as the change left it: a node's or relationship's
  properties, and for a node the change created, its ties too (an undo deletes it);
- ``subjects``: every node the records name, so that erasing a person deletes the kept
  change with what it holds of them.

**Undoing** (:meth:`graph.store.GraphStore.undo_change`) takes the journal's head for a run of
its own, so no import writes meanwhile, and compares every fact with ``after``:

- all as the change left them: the records go into the journal, as one record of that run
  (:meth:`graph.journal.Journal.kept`, in one statement), and the journal's own undo of the
  run puts back what the change overwrote; cut off halfway, that undo is finished by the
  next import, as any abandoned import's is;
- all as they were before the change: an undo cut off earlier was finished since; nothing
  to do;
- anything else: something newer touched the same facts, and nothing is undone.

The kept change holds personal data as the journal does (a resident's earlier properties):
it lives in the database beside the journal, never in a file, goes with an undo, with the
author's next change, with an erasure of anyone it names and with a cleared store, and is
never in a dump or an answer.

>>> nodes = json.dumps({"nodes": "Resident", "before": [["r-1", None]]})
>>> ties = json.dumps(
...     {"relationships": "KNOWS", "source": "Resident", "target": "Resident",
...      "before": [["r-1", "r-2", None]]})
>>> [fact.key for fact in facts([nodes, ties])]
[('Resident', 'r-1'), ('KNOWS', 'Resident', 'Resident', 'r-1', 'r-2')]
>>> subjects([nodes, ties])
['r-1', 'r-2']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from graph.model import NodeLabel


@dataclass(frozen=True)
class Author:
    """Who makes a change in the pages, and what it is about."""

    #: the id of the API key signed in (never the key itself)
    key_id: str
    #: the node the change was made on (the page to go back to, the audit log's object)
    subject: str


class Undo(StrEnum):
    """What became of an author's request to undo their last change."""

    UNDONE = "undone"
    #: there is no kept change (none made, undone already, or erased with a person)
    NOTHING = "nothing"
    #: something newer touched one of the facts: nothing was undone
    CHANGED_SINCE = "changed_since"


@dataclass(frozen=True)
class Fact:
    """A node (``label``, ``id``) or a relationship (type, labels of its ends, its ends)."""

    key: tuple[str, ...]
    #: what it was before the change (None: it was not there)
    before: dict[str, Any] | None

    @property
    def is_node(self) -> bool:
        return len(self.key) == 2


def facts(records: Iterable[str]) -> list[Fact]:
    """Every fact the journal's ``records`` (oldest first) name, each once, with what it was
    before the first of them."""
    found: dict[tuple[str, ...], Fact] = {}
    for text in records:
        record = json.loads(text)
        if "relationships" in record:
            kinds = (record["relationships"], record["source"], record["target"])
            for source, target, props in record["before"]:
                key = (*kinds, source, target)
                found.setdefault(key, Fact(key, props))
        else:  # nodes written ("nodes") or, in a restore, deleted ("deleted")
            label = record.get("nodes") or record["deleted"]
            for node_id, props in record["before"]:
                found.setdefault((label, node_id), Fact((label, node_id), props))
    return list(found.values())


def is_domain(record: str) -> bool:
    """Whether a journal record is of the domain's nodes or relationships, not of Wijkgraaf's
    own (the record of the run, a kept change)."""
    undo = json.loads(record)
    label = undo.get("nodes") or undo.get("deleted")
    return label is None or label in _DOMAIN_LABELS


_DOMAIN_LABELS = frozenset(label.value for label in NodeLabel)


def subjects(records: Iterable[str]) -> list[str]:
    """Every node id the records name (as a node, or an end of a relationship), sorted."""
    ids: set[str] = set()
    for fact in facts(records):
        ids.update(fact.key[1:] if fact.is_node else fact.key[3:])
    return sorted(ids)


def state_key(fact: Fact) -> str:
    return json.dumps(fact.key)


def canonical(value: Any) -> str:
    """A state as comparable text: the same for equal states, whichever database read it."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class KeptChange:
    """An author's last change in the pages, as the store keeps it."""

    author: Author
    #: the import run that made it
    run: str
    #: when, ISO 8601 (UTC)
    at: str
    #: the journal's records of the change, oldest first (JSON text each)
    records: tuple[str, ...]
    #: :func:`canonical` text of the facts' states as the change left them
    after: str

    @property
    def facts(self) -> list[Fact]:
        return facts(self.records)

    @property
    def before(self) -> str:
        """The :func:`canonical` text of the facts as they were before the change (for a
        node the change created: absent, without ties)."""
        return canonical(
            {
                state_key(fact): _state_of(
                    fact.before, [] if fact.is_node and fact.before is None else None
                )
                for fact in self.facts
            }
        )

    def properties(self) -> dict[str, Any]:
        """The kept change as the properties of its node (values a store can hold)."""
        return {
            "id": self.author.key_id,
            "subject": self.author.subject,
            "run": self.run,
            "at": self.at,
            "records": list(self.records),
            "after": self.after,
            "subjects": subjects(self.records),
        }

    @classmethod
    def of(cls, properties: Mapping[str, Any]) -> KeptChange:
        return cls(
            Author(str(properties["id"]), str(properties["subject"])),
            str(properties["run"]),
            str(properties["at"]),
            tuple(str(r) for r in properties.get("records") or ()),
            str(properties["after"]),
        )


def states(
    found: Iterable[Fact],
    *,
    nodes: Mapping[tuple[str, str], Mapping[str, Any]],
    relationships: Mapping[tuple[str, ...], Mapping[str, Any]],
    ties: Mapping[tuple[str, str], list[list[str]]],
) -> str:
    """The :func:`canonical` text of each fact's state: its properties as read now
    (``nodes``, ``relationships``: those stored, by key) and, for a node created by the
    change (absent before it), its ties (``ties``: ``[type, other end]``, sorted)."""
    result: dict[str, Any] = {}
    for fact in found:
        if fact.is_node:
            key = (fact.key[0], fact.key[1])
            props = nodes.get(key)
            made = fact.before is None
            tied = ties.get(key, []) if made and props is not None else ([] if made else None)
            result[state_key(fact)] = _state_of(props, tied)
        else:
            result[state_key(fact)] = _state_of(relationships.get(fact.key), None)
    return canonical(result)


def _state_of(props: Mapping[str, Any] | None, ties: list[list[str]] | None) -> Any:
    shown = None if props is None else dict(props)
    return shown if ties is None else [shown, sorted(ties)]
