"""``/residents``, ``/initiatives``, ``/organisations``: one record with its ties, read."""

from __future__ import annotations

from typing import Annotated

import networkx as nx
from fastapi import APIRouter, Path

from api.access.audit import Action, ObjectKind, Result, Role
from api.web.deps import ID_PATTERN, KINDS, Caller, Found, Services, allow, record
from api.web.errors import ERROR_RESPONSES, not_found
from api.web.schemas import Record, Tie
from graph.errors import NotFoundError
from graph.model import PERSON_LABELS
from graph.store import Neighbour

router = APIRouter(responses=ERROR_RESPONSES)


def _visible(found: Services, who: Caller) -> nx.Graph | None:
    """The part of the network a coach may see (None: everything)."""
    if not who.within:
        return None
    return found.analyst.context_within(who.within).fabric


def tie_of(neighbour: Neighbour) -> Tie:
    """A tie as a record shows it: its type, direction and the node at its other end."""
    props = neighbour.node.properties
    name = props.get("display_name") or props.get("name")
    return Tie(
        type=neighbour.type.value,
        direction=neighbour.direction,
        id=neighbour.node.id,
        kind=str(neighbour.node.label),
        name=str(name) if name else None,
    )


def _read(found: Services, who: Caller, node_id: str) -> Record:
    label, kind = KINDS[node_id[0]]
    visible = _visible(found, who)
    person = label in PERSON_LABELS
    if visible is not None and person and node_id not in visible:
        record(found, who, Action.READ, kind, node_id, Result.NOT_FOUND)
        raise not_found()
    try:
        node = found.store.get_node(label, node_id)
    except NotFoundError:
        record(found, who, Action.READ, kind, node_id, Result.NOT_FOUND)
        raise not_found() from None
    ties = [
        tie_of(n)
        for n in found.store.neighbours(label, node_id)
        if visible is None or n.node.label not in PERSON_LABELS or n.node.id in visible
    ]
    # an initiative's or organisation's ties name persons too: every record read is logged
    record(found, who, Action.READ, kind, node_id)
    return Record(id=node_id, kind=label.value, properties=node.properties, ties=ties)


@router.get("/residents/{resident_id}", response_model=Record, tags=["records"])
def resident(
    resident_id: Annotated[str, Path(pattern=ID_PATTERN[ObjectKind.RESIDENT])],
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.ADMIN)],
) -> Record:
    """A resident and their ties; a coach sees only residents of their own neighbourhoods."""
    return _read(found, who, resident_id)


@router.get("/initiatives/{initiative_id}", response_model=Record, tags=["records"])
def initiative(
    initiative_id: Annotated[str, Path(pattern=ID_PATTERN[ObjectKind.INITIATIVE])],
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.ADMIN)],
) -> Record:
    """An initiative and its ties (people only as far as the caller may see them)."""
    return _read(found, who, initiative_id)


@router.get("/organisations/{organisation_id}", response_model=Record, tags=["records"])
def organisation(
    organisation_id: Annotated[str, Path(pattern=ID_PATTERN[ObjectKind.ORGANISATION])],
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.ADMIN)],
) -> Record:
    """An organisation and its ties (people only as far as the caller may see them)."""
    return _read(found, who, organisation_id)
