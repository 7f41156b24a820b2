"""The one disclosure policy for everything that leaves for a role that may not see persons.

A policymaker and an integration never see a person, and every count of persons they get is
published under one policy, whatever the route: a count of persons is a cell of one of the
publishable tables (:mod:`graph.analysis.aggregates`), and it leaves exactly as that table
publishes it: rounded to :data:`~graph.analysis.disclosure.ROUNDING`, or hidden (``None``)
where the table hides it. So no two routes can publish the same count two ways, and nothing
published on one route can be subtracted from another to find a count the tables hide.

:func:`published` applies the policy to an answer: today the collective opportunities (a
neighbourhood's recommendations), whose ``residents`` are the needs table's cell of their
neighbourhood and theme. An opportunity whose count the table does not publish at all (a
count under :data:`~graph.analysis.disclosure.MIN_CELL`, possible when
``WIJKGRAAF_OPPORTUNITY_MIN_RESIDENTS`` is set below it) is left out, because its presence
alone would tell that a few residents share the need. The order and the scores follow the
published counts, so they tell nothing the counts do not. The needs table is read as the
present publishes it (:func:`graph.analysis.present.present_values`): the last date of the
series of the trends, where the store has one.

>>> import networkx as nx
>>> from graph.analysis.aggregates import published_values
>>> from graph.analysis.context import NetworkContext
>>> from graph.analysis.results import Item, Reason, Scope
>>> fabric = nx.Graph()
>>> fabric.add_nodes_from(
...     (f"r{i}", {"label": "Resident", "neighbourhood": "BU1"}) for i in range(14)
... )
>>> context = NetworkContext(1, fabric, needs={f"r{i}": {"schulden": False} for i in range(14)})
>>> need = Reason(code="uncovered_need", nl="", en="",
...               data={"residents": 14, "neighbourhood": "BU1", "theme": "schulden"})
>>> answer = Answer(question="recommendations", scope=Scope(), version=1, items=[
...     Item(id="BU1:schulden", kind="opportunity", name="", score=14.0, reasons=[need])])
>>> needs = published_values(context, NEEDS_TABLE)
>>> [(item.score, item.reasons[0].data["residents"]) for item in published(answer, needs).items]
[(1.0, 15)]
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.analysis.counting import Key
from graph.analysis.disclosure import MIN_CELL
from graph.analysis.results import Answer, Item

#: The reasons whose ``residents`` count persons in need, and the table that publishes them.
NEEDS_TABLE = "needs_by_neighbourhood_and_theme"
COUNTED_REASONS = frozenset({"uncovered_need"})


def published(answer: Answer, needs: Mapping[Key, int | None]) -> Answer:
    """``answer`` with every count of persons as the publishable tables publish it (see the
    module docstring), ``needs`` being every entry of :data:`NEEDS_TABLE` as published (None:
    hidden); items without such a count are unchanged."""
    items: list[tuple[int | None, Item]] = []
    for item in answer.items:
        counted = [reason for reason in item.reasons if reason.code in COUNTED_REASONS]
        if not counted:
            items.append((None, item))
            continue
        reasons, value = [], None
        for reason in item.reasons:
            if reason.code in COUNTED_REASONS:
                value, kept = _published_count(reason.data, needs)
                if not kept:
                    break
                reason = reason.model_copy(update={"data": {**reason.data, "residents": value}})
            reasons.append(reason)
        else:
            items.append((value, item.model_copy(update={"reasons": reasons})))
    top = max((value for value, _ in items if value), default=0)
    ordered = sorted(items, key=lambda pair: (pair[0] is None, -(pair[0] or 0), pair[1].id))
    return answer.model_copy(
        update={
            "items": [
                item.model_copy(update={"score": round(value / top, 6) if value and top else 0.0})
                if any(r.code in COUNTED_REASONS for r in item.reasons)
                else item
                for value, item in ordered
            ]
        }
    )


def _published_count(
    data: dict[str, object], needs: Mapping[Key, int | None]
) -> tuple[int | None, bool]:
    """The published value of a reason's count (None: hidden), and whether the item may be
    shown at all (not when its true count is one the tables never publish)."""
    true = data.get("residents")
    key = (str(data.get("neighbourhood")), str(data.get("theme")))
    if (isinstance(true, int) and 0 < true < MIN_CELL) or key not in needs:
        return None, False
    return needs[key], True
