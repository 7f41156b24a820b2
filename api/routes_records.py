"""Routes for records (read), a person's access export and erasure, imports and API keys."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, File, Form, Path, UploadFile

from api.audit import Action, ObjectKind, Result, Role, read_for_subject
from api.http import ERROR_RESPONSES, ApiError, not_found
from api.keys import ApiKey
from api.schemas import AccessExport, AreaInfo, Erased, KeyCreated, KeyRequest, Record, Tie
from api.security import (
    CODE,
    ID_PATTERN,
    KEY,
    KINDS,
    PERSON_ID,
    Caller,
    Found,
    Services,
    allow,
    record,
)
from graph.errors import NotFoundError
from graph.model import PERSON_LABELS
from graph.store import Neighbour
from importers.load import ImportOptions, run_import

router = APIRouter(responses=ERROR_RESPONSES)

#: Import files the upload accepts, as the command line does.
UPLOAD_SUFFIXES = {".csv", ".xlsx", ".json", ".graphml", ".gexf", ".edgelist", ".txt"}


def _visible(found: Services, who: Caller) -> nx.Graph | None:
    """The part of the network a coach may see (None: everything)."""
    if not who.within:
        return None
    return found.analyst.context_within(who.within).fabric


def _tie(neighbour: Neighbour) -> Tie:
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
        if person:
            record(found, who, Action.READ, kind, node_id, Result.NOT_FOUND)
        raise not_found() from None
    ties = [
        _tie(n)
        for n in found.store.neighbours(label, node_id)
        if visible is None or n.node.label not in PERSON_LABELS or n.node.id in visible
    ]
    if person:
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


def _areas(found: Services, who: Caller) -> list[AreaInfo]:
    context = found.analyst.context_within(who.within)
    codes = context.area_codes(who.within) if who.within else set(context.areas)
    return [
        AreaInfo(
            code=code,
            name=context.areas[code]["name"],
            level=context.areas[code]["level"],
            parent=context.areas[code]["parent"] or None,
        )
        for code in sorted(codes)
        if code in context.areas
    ]


@router.get("/neighbourhoods", response_model=list[AreaInfo], tags=["records"])
def neighbourhoods(
    found: Found, who: Annotated[Caller, allow(Role.COACH, Role.POLICYMAKER, Role.ADMIN)]
) -> list[AreaInfo]:
    """The areas: all of them, or a coach's own (with the areas within them)."""
    return _areas(found, who)


@router.get("/neighbourhoods/{code}", response_model=AreaInfo, tags=["records"])
def neighbourhood(
    code: Annotated[str, Path(pattern=CODE)],
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.POLICYMAKER, Role.ADMIN)],
) -> AreaInfo:
    for area in _areas(found, who):
        if area.code == code:
            return area
    raise not_found()


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
    ties = [_tie(n) for n in found.store.neighbours(label, person_id)]
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


@router.post("/imports", tags=["imports"])
def upload(
    found: Found,
    who: Annotated[Caller, allow(Role.ADMIN)],
    files: Annotated[
        list[UploadFile], File(description="CSV, xlsx, JSON, GraphML, GEXF, edge lists")
    ],
    dry_run: Annotated[bool, Form()] = False,
    skip_invalid: Annotated[bool, Form()] = False,
    neighbourhood: Annotated[str | None, Form(pattern=CODE)] = None,
) -> dict[str, Any]:
    """Import files with the same validation and report as ``wijkgraaf import``; nothing
    is written when a file has an error (unless ``skip_invalid``)."""
    with tempfile.TemporaryDirectory(prefix="wijkgraaf-upload-") as work:
        paths = []
        for number, upload_file in enumerate(files, start=1):
            name = FilePath(upload_file.filename or f"upload-{number}").name
            if FilePath(name).suffix.lower() not in UPLOAD_SUFFIXES or name.startswith("."):
                raise ApiError(
                    422,
                    "unsupported_file",
                    f"Bestand {number}: kies CSV, xlsx, JSON, GraphML, GEXF of een edge list.",
                    f"File {number}: choose CSV, xlsx, JSON, GraphML, GEXF or an edge list.",
                )
            path = FilePath(work) / name
            path.write_bytes(upload_file.file.read())
            paths.append(path)
        options = ImportOptions(
            dry_run=dry_run, skip_invalid=skip_invalid, neighbourhood=neighbourhood
        )
        with found.write_lock:
            report = run_import(found.store, found.settings, paths, options)
    result = Result.INVALID if report.errors else Result.OK
    record(found, who, Action.IMPORT, ObjectKind.GRAPH, found.settings.graph_name, result)
    return report.as_json()


@router.get("/keys", response_model=list[ApiKey], tags=["keys"])
def keys(found: Found, who: Annotated[Caller, allow(Role.ADMIN)]) -> list[ApiKey]:
    """Every API key (what is stored of it: never a token)."""
    return found.keys.list()


@router.post("/keys", response_model=KeyCreated, status_code=201, tags=["keys"])
def create_key(
    request: KeyRequest, found: Found, who: Annotated[Caller, allow(Role.ADMIN)]
) -> KeyCreated:
    """A new key; its token is in this answer only."""
    key, token = found.keys.create(request.role, request.neighbourhoods, request.label)
    record(found, who, Action.KEY_CREATE, ObjectKind.KEY, key.key_id)
    return KeyCreated(**key.model_dump(), token=token)


@router.delete("/keys/{key_id}", response_model=ApiKey, tags=["keys"])
def revoke_key(
    key_id: Annotated[str, Path(pattern=KEY)],
    found: Found,
    who: Annotated[Caller, allow(Role.ADMIN)],
) -> ApiKey:
    """Revoke a key: from the next request on it opens nothing."""
    try:
        key = found.keys.revoke(key_id)
    except NotFoundError:
        raise not_found() from None
    record(found, who, Action.KEY_REVOKE, ObjectKind.KEY, key_id)
    return key
