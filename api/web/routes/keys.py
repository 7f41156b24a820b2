"""``/keys``: the API keys, listed, made and revoked by an administrator."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.access.api_keys import ApiKey
from api.access.audit import Action, ObjectKind, Role
from api.web.deps import KEY, Caller, Found, allow, record
from api.web.errors import ERROR_RESPONSES, not_found
from api.web.schemas import KeyCreated, KeyRequest
from graph.errors import NotFoundError

router = APIRouter(responses=ERROR_RESPONSES)


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
