"""``/residents``, ``/initiatives``, ``/organisations``: one record with its ties, read; and a
resident's id in the source system, for a coach of their neighbourhood.

A record's properties never include the sealed source id (``source_ref``): it is opened only
on ``/residents/{id}/source-id``, for a coach whose areas hold the resident's neighbourhood,
with a ``source_id`` line in the audit log (the pseudonym named, never the source id). An
administrator, a policymaker and an integration are refused it (403): the administrator
imports the files the source ids come from and erases people on request, and has no need to
recognise a resident through Wijkgraaf; recognising one is the coach's work.
"""

from __future__ import annotations

from typing import Annotated

import networkx as nx
from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.access.audit import Action, ObjectKind, Result, Role
from api.web.deps import ID_PATTERN, KINDS, Caller, Found, Services, allow, record
from api.web.errors import ERROR_RESPONSES, ApiError, not_found
from api.web.schemas import Record, Tie
from graph.errors import NotFoundError
from graph.model import PERSON_LABELS, NodeLabel
from graph.source_ids import PROPERTY, SourceIds, without_source_ref
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
    properties = without_source_ref(node.properties)
    return Record(id=node_id, kind=label.value, properties=properties, ties=ties)


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


class SourceId(BaseModel):
    """A resident's id in the system their data came from (the import's ``bron_id``)."""

    id: str = Field(description="het pseudoniem / the pseudonymous id")
    source_id: str = Field(description="het bron-id / the id in the source system")


def open_source_id(found: Services, who: Caller, resident_id: str) -> SourceId:
    """A resident's source id for a coach whose areas hold the resident's neighbourhood, with
    its ``source_id`` line in the audit log (the route and the page both open it here).

    A resident elsewhere, or none, is 404 as if absent; so is one whose sealed id does not
    open here (``source_id_unknown``). Every outcome is logged under the pseudonym."""

    def refused(code: str = "not_found") -> ApiError:
        record(found, who, Action.SOURCE_ID, ObjectKind.RESIDENT, resident_id, Result.NOT_FOUND)
        if code == "not_found":
            return not_found()
        return ApiError(
            404,
            code,
            "Het bron-id van deze bewoner is hier niet bekend (ingelezen zonder, of met een "
            "andere installatiesleutel).",
            "This resident's source id is not known here (imported without one, or under "
            "another installation key).",
        )

    try:
        node = found.store.get_node(NodeLabel.RESIDENT, resident_id)
    except NotFoundError:
        raise refused() from None
    if node.properties.get("neighbourhood") not in found.analyst.area_codes(who.within):
        raise refused()
    source_id = SourceIds.of(found.settings).open(resident_id, node.properties.get(PROPERTY))
    if source_id is None:
        raise refused("source_id_unknown")
    record(found, who, Action.SOURCE_ID, ObjectKind.RESIDENT, resident_id)
    return SourceId(id=resident_id, source_id=source_id)


@router.get("/residents/{resident_id}/source-id", response_model=SourceId, tags=["records"])
def resident_source_id(
    resident_id: Annotated[str, Path(pattern=ID_PATTERN[ObjectKind.RESIDENT])],
    found: Found,
    who: Annotated[Caller, allow(Role.COACH)],
) -> SourceId:
    """The id a resident of the coach's own neighbourhoods has in the source system, so that a
    pseudonym can be acted on; logged. Another neighbourhood's resident answers 404, as if
    they did not exist; so does one whose source id is not known here."""
    return open_source_id(found, who, resident_id)
