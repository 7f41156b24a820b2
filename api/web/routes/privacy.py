"""``/persons/{id}``: a person's right of access (everything stored and every logged look)
and their erasure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from api.access.audit import Action, Result, Role, read_for_subject
from api.web.deps import KINDS, PERSON_ID, Caller, Found, allow, record
from api.web.errors import ERROR_RESPONSES, not_found
from api.web.routes.records import tie_of
from api.web.schemas import AccessExport, Erased
from graph.errors import NotFoundError

router = APIRouter(responses=ERROR_RESPONSES)


@router.get("/persons/{person_id}/export", response_model=AccessExport, tags=["privacy"])
def access_export(
    person_id: Annotated[str, Path(pattern=PERSON_ID)],
    found: Found,
    who: Annotated[Caller, allow(Role.ADMIN)],
) -> AccessExport:
    """Everything stored about a person, and every logged look at it (the right of access)."""
    label, kind = KINDS[person_id[0]]
    try:
        node = found.store.get_node(label, person_id)
    except NotFoundError:
        record(found, who, Action.EXPORT, kind, person_id, Result.NOT_FOUND)
        raise not_found() from None
    ties = [tie_of(n) for n in found.store.neighbours(label, person_id)]
    looked: list[dict[str, Any]] = [
        event.model_dump(mode="json", exclude={"prev", "hash"})
        for event in read_for_subject(found.settings.audit_log, person_id)
    ]
    record(found, who, Action.EXPORT, kind, person_id)
    return AccessExport(
        id=person_id, kind=label.value, properties=node.properties, ties=ties, accessed_by=looked
    )


@router.delete("/persons/{person_id}", response_model=Erased, tags=["privacy"])
def erase(
    person_id: Annotated[str, Path(pattern=PERSON_ID)],
    found: Found,
    who: Annotated[Caller, allow(Role.ADMIN)],
) -> Erased:
    """Erase a person and all their ties; a tombstone keeps importers from bringing them
    back, and every cached answer is recomputed."""
    label, kind = KINDS[person_id[0]]
    with found.write_lock:
        try:
            found.store.get_node(label, person_id)
        except NotFoundError:
            record(found, who, Action.ERASE, kind, person_id, Result.NOT_FOUND)
            raise not_found() from None
        removed = found.store.erase_node(label, person_id, tombstone=True)
    record(found, who, Action.ERASE, kind, person_id)
    return Erased(id=person_id, ties_removed=removed, tombstone=True)
