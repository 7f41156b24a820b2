"""Who stands alone and who holds the network together, on two dates (issue 16).

Part of :mod:`graph.analysis.changes`: the network of each date as the comparison reads it
(:class:`State`, with the questions' own measures: every resident's isolation signals of
:mod:`~graph.analysis.isolated`, the articulation points of :mod:`~graph.analysis.bridges`
and Leiden's communities), and from two of them

- who stands alone on the later date and did not on the earlier one, with the signals that
  say so and the lost bridge that held them, and who no longer stands alone, with what they
  have now (:func:`newly_isolated`, :func:`no_longer_isolated`);
- who holds part of the network together on one date and not on the other, with what hangs
  on them (:func:`bridges_gained`, :func:`bridges_lost`).

Every person is named as the question answers name them (by name only with consent), with
their buurt and age band, and their community on both dates under one numbering
(:mod:`~graph.analysis.community_identity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.analysis import brokerage
from graph.analysis.bridges import (
    CARRIED,
    SEED,
    articulation_reason,
    cut_off_size,
    cut_weight,
    hanging_part,
    named_group,
)
from graph.analysis.community_identity import Matched
from graph.analysis.context import NetworkContext
from graph.analysis.initiative_changes import Dated
from graph.analysis.isolated import Signals, is_isolated, isolation_score, isolation_signals
from graph.analysis.isolated import signal_reason as isolation_reason
from graph.analysis.results import Item, Reason, Scope, counted

#: Each isolation signal in a few words, for who stood alone before: (Dutch, English).
SIGNAL_WORDS = {
    "no_ties": ("geen enkele band", "no ties at all"),
    "only_support": ("alleen contact met hulpverlening", "only in touch with professional support"),
    "cut_off": ("in een groepje los van de rest", "in a small group cut off from the rest"),
    "low_coreness": ("aan één draad", "hanging by a thread"),
    "no_participation": ("doet nergens aan mee", "takes part in nothing"),
}


@dataclass(frozen=True)
class State(Dated):
    """One date's network with what the comparison reads of it."""

    signals: Signals  # every resident's, isolated or not
    cuts: dict[str, list[int]]
    membership: dict[str, int]
    #: the size of the largest connected part
    largest: int

    def isolated(self) -> set[str]:
        return {node for node, (signals, _) in self.signals.items() if is_isolated(signals)}

    def cut_off(self, node: str) -> bool:
        """Whether ``node`` is outside the largest connected part."""
        return self.signals.component_of.get(node, 0) < self.largest


def read_state(day: str, context: NetworkContext, scope: Scope) -> State:
    """The network of ``day`` (``context``) in ``scope``, with the measures the comparison
    reads of it."""
    graph = context.scoped(scope)
    prepared = context.prepared(scope, brokerage)
    signals = isolation_signals(context, scope, everyone=True)
    return State(
        day=day,
        context=context,
        graph=graph,
        signals=signals,
        cuts=brokerage.articulation_points(graph, ig=prepared),
        membership=brokerage.communities(graph, seed=SEED, ig=prepared),
        largest=max(signals.component_of.values(), default=0),
    )


def _person(state: State, node: str, matched: Matched) -> dict[str, Any]:
    """What an item of a person or place carries beside its own figures: their community
    on both dates, and a resident's buurt and age band."""
    figures: dict[str, Any] = {
        "community": {"before": matched.before.get(node), "after": matched.after.get(node)}
    }
    if state.graph.nodes[node].get("label") == "Resident":
        figures.update(state.context.person(node))
    return figures


# --- who stands alone -------------------------------------------------------------------------


def _resident(
    state: State,
    node: str,
    matched: Matched,
    alone: list[str],
    reasons: list[Reason],
    **figures: Any,
) -> Item:
    """A resident who stands alone on one of the dates, scored as the isolated answer scores
    their signals of that date (``alone``)."""
    return Item(
        id=node,
        kind="Resident",
        name=state.context.name(node),
        score=round(isolation_score(alone), 6),
        figures={**figures, **_person(state, node, matched)},
        reasons=reasons,
    )


def newly_isolated(
    then: State, now: State, matched: Matched, held_by: dict[str, list[Item]]
) -> list[Item]:
    """Residents who stand alone on the later date and did not on the earlier one: each with
    the signals that say so, and the lost bridge that held them (``held_by``), if one did."""
    items = []
    for node in sorted(now.isolated() - then.isolated()):
        signals, ties = now.signals[node]
        name = now.context.name(node)
        if node in then.signals:
            reasons = [
                Reason(
                    code="not_isolated_before",
                    nl=f"Op {then.day} stond {name} niet alleen.",
                    en=f"On {then.day}, {name} did not stand alone.",
                    data={"signals": then.signals[node][0]},
                )
            ]
        else:
            reasons = [
                Reason(
                    code="arrived",
                    nl=f"{name} is er na {then.day} bijgekomen.",
                    en=f"{name} came in after {then.day}.",
                )
            ]
        for bridge in held_by.get(node, []):
            reasons.append(
                Reason(
                    code="held_by_lost_bridge",
                    nl=f"Op {then.day} verbond {bridge.name} {name} met de rest van het netwerk; "
                    f"op {now.day} niet meer.",
                    en=f"On {then.day}, {bridge.name} linked {name} to the rest of the network; "
                    f"on {now.day} no longer.",
                    data={"bridge": bridge.id},
                )
            )
        component = now.signals.component_of[node]
        reasons += [isolation_reason(signal, name, component) for signal in signals]
        items.append(_resident(now, node, matched, signals, reasons, signals=signals, ties=ties))
    return items


def _knows(state: State, node: str) -> int:
    return len(state.tied(node, "KNOWS"))


def no_longer_isolated(then: State, now: State, matched: Matched) -> list[Item]:
    """Residents who stood alone on the earlier date and are there, not alone, on the later
    one: how they stood alone then, and what they have now (initiatives they joined, people
    they know)."""
    items = []
    for node in sorted(then.isolated() - now.isolated()):
        if node not in now.signals:
            continue  # gone: counted in the summary, not here
        signals = then.signals[node][0]
        name = now.context.name(node)
        how_nl = ", ".join(SIGNAL_WORDS[s][0] for s in signals)
        how_en = ", ".join(SIGNAL_WORDS[s][1] for s in signals)
        reasons = [
            Reason(
                code="isolated_before",
                nl=f"Op {then.day} stond {name} alleen ({how_nl}).",
                en=f"On {then.day}, {name} stood alone ({how_en}).",
                data={"signals": signals},
            )
        ]
        joined = sorted(
            set(now.tied(node, "PARTICIPATES_IN")) - set(then.tied(node, "PARTICIPATES_IN"))
        )
        if joined:
            names = ", ".join(now.context.name(i) for i in joined)
            reasons.append(
                Reason(
                    code="takes_part_now",
                    nl=f"{name} doet nu mee aan {names}.",
                    en=f"{name} now takes part in {names}.",
                    data={"initiatives": joined},
                )
            )
        known = (_knows(then, node), _knows(now, node))
        if known[1] > known[0]:
            reasons.append(
                Reason(
                    code="knows_more",
                    nl=f"{name} kent nu {counted(known[1], 'andere bewoner', 'andere bewoners')} "
                    f"(was {known[0]}).",
                    en=f"{name} now knows {counted(known[1], 'other resident', 'other residents')} "
                    f"(was {known[0]}).",
                    data={"before": known[0], "after": known[1]},
                )
            )
        signals_now, ties = now.signals[node]
        figures = {"signals_before": signals, "signals": signals_now, "ties": ties}
        items.append(_resident(now, node, matched, signals, reasons, **figures))
    return items


# --- who holds the network together -----------------------------------------------------------


def _bridge(state: State, node: str, matched: Matched, reasons: list[Reason]) -> Item:
    parts = state.cuts[node]
    return Item(
        id=node,
        kind=str(state.graph.nodes[node].get("label", "")),
        name=state.context.name(node),
        score=round(cut_weight(cut_off_size(parts)), 6),
        figures={"parts": parts, "cut_off": cut_off_size(parts), **_person(state, node, matched)},
        reasons=reasons,
    )


def bridges_gained(then: State, now: State, matched: Matched) -> list[Item]:
    """People and places who hold part of the network together on the later date and did
    not on the earlier one, with what hangs on them now."""
    items = []
    for node in sorted(set(now.cuts) - set(then.cuts)):
        name = now.context.name(node)
        was_there = node in then.graph
        gained = Reason(
            code="bridge_gained",
            nl=f"Op {then.day} hing niemand alleen van {name} af."
            if was_there
            else f"{name} is er na {then.day} bijgekomen.",
            en=f"On {then.day}, nobody depended on {name} alone."
            if was_there
            else f"{name} came in after {then.day}.",
            data={"was_there": was_there},
        )
        held = articulation_reason(now.graph, node, now.cuts[node], now.context)
        items.append(_bridge(now, node, matched, [held, gained]))
    return items


def bridges_lost(
    then: State, now: State, matched: Matched
) -> tuple[list[Item], dict[str, list[Item]]]:
    """People and places who held part of the network together on the earlier date and no
    longer do on the later one: what hung on them then, whether they are still there, and
    how many of those who hung on them are cut off now; and, by id, whom they held then."""
    items: list[Item] = []
    held: dict[str, list[Item]] = {}
    for node in sorted(set(then.cuts) - set(now.cuts)):
        name = then.context.name(node)
        hanging = hanging_part(then.graph, node, then.cuts[node])
        what_nl, what_en, ids = named_group(then.graph, hanging, then.context)
        gone = node not in now.graph
        cut = sorted(n for n in hanging if n in now.graph and now.cut_off(n))
        if gone:
            nl, en = f"Op {now.day} is {name} er niet meer", f"On {now.day}, {name} is gone"
        else:
            nl = f"Op {now.day} hangt niemand meer alleen van {name} af"
            en = f"On {now.day}, nobody depends on {name} alone any more"
        if cut:
            nl += f"; {len(cut)} van hen {'staat' if len(cut) == 1 else 'staan'} nu los van de rest"
            en += (
                f"; {len(cut)} of them {'is' if len(cut) == 1 else 'are'} cut off from the rest now"
            )
        lost = Reason(
            code="bridge_lost",
            nl=f"Op {then.day} hield {name} {what_nl} bij de rest van het netwerk. {nl}.",
            en=f"On {then.day}, {name} kept {what_en} in touch with the rest of the network. {en}.",
            data={"cut_off_ids": ids, "gone": gone, "cut_off_now": cut[:CARRIED]},
        )
        item = _bridge(then, node, matched, [lost])
        items.append(item)
        for other in hanging:
            held.setdefault(other, []).append(item)
    return items, held
