"""What changed in the initiatives of a part of the network between two dates (issue 16).

Part of :mod:`graph.analysis.changes`, on the network of each date as the questions read it
(:class:`Dated`):

- **started**: there on the later date and not on the earlier (by period: new in the data,
  or moved into the part), or active now and not then (by status: an idea that began, a
  paused one that resumed);
- **stopped**: the other way round (no longer in the data, or ended or paused since);
- **taken over**: who leads it (:func:`~graph.analysis.collective.lead_of`, as the ownership
  question reads it), who owns it (residents taking part as ``owner``) or who coaches it
  changed — a professional coaching it before and residents owning it after, say;
- **participation**: who takes part changed: a vegetable garden that grows.

Every person named is named as the question answers name them (a resident by name only with
consent, with their buurt and age band beside them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from graph.analysis.bridges import CARRIED, named_group
from graph.analysis.collective import lead_of
from graph.analysis.context import NetworkContext
from graph.analysis.results import Item, Lang, Reason

#: Statuses and leads as a reader names them: (Dutch, English).
STATUS_NAMES = {
    "idea": ("idee", "idea"),
    "active": ("actief", "active"),
    "paused": ("gepauzeerd", "paused"),
    "ended": ("gestopt", "ended"),
}
LEAD_NAMES = {
    "residents": ("bewoners", "residents"),
    "professionals": ("professionals", "professionals"),
    "shared": ("bewoners en professionals samen", "residents and professionals together"),
    "unknown": ("onbekend", "unknown"),
}


@dataclass(frozen=True)
class Dated:
    """The network of one date as a comparison reads it: the date, its context, and the part
    of its fabric the comparison looks at (:meth:`NetworkContext.scoped`)."""

    day: str
    context: NetworkContext
    graph: nx.Graph

    def initiatives(self) -> set[str]:
        return {n for n, d in self.graph.nodes(data=True) if d.get("label") == "Initiative"}

    def status(self, initiative: str) -> str:
        return str(self.graph.nodes[initiative].get("status") or "active")

    def tied(self, node: str, rel: str, role: str | None = None) -> list[str]:
        """Who is tied to ``node`` by ``rel`` (in ``role``), by id."""
        return sorted(
            other
            for other, tie in self.context.fabric.adj[node].items()
            if tie.get("type") == rel and (role is None or tie.get("role") == role)
        )

    def reference(self, node: str) -> dict[str, Any]:
        """A person or place as an answer names it: id, kind and name, and a resident's buurt
        and age band."""
        data = self.context.fabric.nodes[node]
        found: dict[str, Any] = {
            "id": node,
            "kind": data.get("label"),
            "name": self.context.name(node),
        }
        if data.get("label") == "Resident":
            found.update(self.context.person(node))
        return found


def _names(dated: Dated, nodes: list[str]) -> str:
    return ", ".join(dated.context.name(node) for node in nodes)


def named(names: dict[str, tuple[str, str]], key: str, lang: Lang) -> str:
    """A status or lead as a reader names it.

    >>> named(STATUS_NAMES, "ended", "nl"), named(LEAD_NAMES, "shared", "en")
    ('gestopt', 'residents and professionals together')
    """
    nl, en = names.get(key, (key, key))
    return nl if lang == "nl" else en


def _item(dated: Dated, node: str, score: float, reasons: list[Reason], **figures: Any) -> Item:
    return Item(
        id=node,
        kind="Initiative",
        name=dated.context.name(node),
        score=round(score, 6),
        figures={"neighbourhood": dated.graph.nodes[node].get("neighbourhood"), **figures},
        reasons=reasons,
    )


def started_and_stopped(then: Dated, now: Dated) -> tuple[list[Item], list[Item]]:
    """The initiatives that started and those that stopped, by period and by status; each
    scored by how many take part in it (on the date it is there, the later one if both)."""
    started, stopped = [], []
    before, after = then.initiatives(), now.initiatives()
    for node in sorted(after - before):
        name, status = now.context.name(node), now.status(node)
        reason = Reason(
            code="initiative_new",
            nl=f"{name} is er na {then.day} bijgekomen (nu {named(STATUS_NAMES, status, 'nl')}).",
            en=f"{name} came in after {then.day} (now {named(STATUS_NAMES, status, 'en')}).",
            data={"status": status},
        )
        started.append(_item(now, node, len(now.tied(node, "PARTICIPATES_IN")), [reason]))
    for node in sorted(before - after):
        name, status = then.context.name(node), then.status(node)
        reason = Reason(
            code="initiative_gone",
            nl=f"{name} ({named(STATUS_NAMES, status, 'nl')} op {then.day}) staat op {now.day} "
            "niet meer in de gegevens.",
            en=f"{name} ({named(STATUS_NAMES, status, 'en')} on {then.day}) is no longer in the "
            f"data on {now.day}.",
            data={"status": status},
        )
        stopped.append(_item(then, node, len(then.tied(node, "PARTICIPATES_IN")), [reason]))
    for node in sorted(before & after):
        was, is_ = then.status(node), now.status(node)
        if (was == "active") == (is_ == "active"):
            continue
        name = now.context.name(node)
        reason = Reason(
            code="initiative_active" if is_ == "active" else "initiative_inactive",
            nl=f"{name}: {named(STATUS_NAMES, was, 'nl')} op {then.day}, "
            f"{named(STATUS_NAMES, is_, 'nl')} op {now.day}.",
            en=f"{name}: {named(STATUS_NAMES, was, 'en')} on {then.day}, "
            f"{named(STATUS_NAMES, is_, 'en')} on {now.day}.",
            data={"before": was, "after": is_},
        )
        into = started if is_ == "active" else stopped
        into.append(_item(now, node, len(now.tied(node, "PARTICIPATES_IN")), [reason]))
    return started, stopped


def _leaders(dated: Dated, node: str, lang: Lang) -> str:
    """Who leads, in a clause: ``professionals (coach: Lotte Smit)``."""
    who = []
    coaches = dated.tied(node, "COACHES")
    owners = dated.tied(node, "PARTICIPATES_IN", "owner")
    if coaches:
        who.append("coach: " + _names(dated, coaches))
    if owners:
        who.append(("eigenaar: " if lang == "nl" else "owner: ") + _names(dated, owners))
    clause = named(LEAD_NAMES, lead_of(dated.context, node), lang)
    return clause + (f" ({'; '.join(who)})" if who else "")


def taken_over(then: Dated, now: Dated) -> list[Item]:
    """The initiatives there on both dates whose lead, owners or coaches changed."""
    items = []
    for node in sorted(then.initiatives() & now.initiatives()):
        sides = {
            "lead": (lead_of(then.context, node), lead_of(now.context, node)),
            "owners": (
                then.tied(node, "PARTICIPATES_IN", "owner"),
                now.tied(node, "PARTICIPATES_IN", "owner"),
            ),
            "coaches": (then.tied(node, "COACHES"), now.tied(node, "COACHES")),
        }
        if all(before == after for before, after in sides.values()):
            continue
        name = now.context.name(node)
        reason = Reason(
            code="taken_over",
            nl=f"{name}: op {then.day} getrokken door {_leaders(then, node, 'nl')}; op {now.day} "
            f"door {_leaders(now, node, 'nl')}.",
            en=f"{name}: on {then.day} led by {_leaders(then, node, 'en')}; on {now.day} by "
            f"{_leaders(now, node, 'en')}.",
            data={
                key: {"before": before, "after": after} for key, (before, after) in sides.items()
            },
        )
        to_residents = sides["lead"][1] == "residents" and sides["lead"][0] != "residents"
        items.append(
            _item(
                now,
                node,
                1.0 if to_residents else 0.5,
                [reason],
                lead_before=sides["lead"][0],
                lead_after=sides["lead"][1],
                owners_before=[then.reference(n) for n in sides["owners"][0]],
                owners_after=[now.reference(n) for n in sides["owners"][1]],
                coaches_before=[then.reference(n) for n in sides["coaches"][0]],
                coaches_after=[now.reference(n) for n in sides["coaches"][1]],
            )
        )
    return items


def participation(then: Dated, now: Dated) -> list[Item]:
    """The initiatives there on both dates whose participants changed, scored by how many more
    take part (fewer: below zero), with who joined and who left."""
    items = []
    for node in sorted(then.initiatives() & now.initiatives()):
        was = set(then.tied(node, "PARTICIPATES_IN"))
        is_ = set(now.tied(node, "PARTICIPATES_IN"))
        if was == is_:
            continue
        joined, left = sorted(is_ - was), sorted(was - is_)
        name, a, b = now.context.name(node), len(was), len(is_)
        if b > a:
            nl, en = (
                f"{name} groeide van {a} naar {b} deelnemers",
                f"{name} grew from {a} to {b} participants",
            )
        elif b < a:
            nl, en = (
                f"{name} kromp van {a} naar {b} deelnemers",
                f"{name} shrank from {a} to {b} participants",
            )
        else:
            nl, en = f"{name} bleef op {a} deelnemers", f"{name} stayed at {a} participants"
        who_nl, who_en = [], []
        for dated, people, word_nl, word_en in (
            (now, joined, "erbij", "joined"),
            (then, left, "weg", "left"),
        ):
            if people:
                nl_names, en_names, _ = named_group(dated.graph, set(people), dated.context)
                who_nl.append(f"{word_nl}: {nl_names}")
                who_en.append(f"{word_en}: {en_names}")
        reason = Reason(
            code="participation_changed",
            nl=f"{nl} ({'; '.join(who_nl)}).",
            en=f"{en} ({'; '.join(who_en)}).",
            data={"before": a, "after": b, "joined": joined[:CARRIED], "left": left[:CARRIED]},
        )
        items.append(_item(now, node, b - a, [reason], participants_before=a, participants_after=b))
    return items
