"""``/health``: whether the API and its database answer."""

from __future__ import annotations

from fastapi import APIRouter

from api.web.deps import Found
from api.web.errors import ERROR_RESPONSES
from api.web.schemas import Health

router = APIRouter(responses=ERROR_RESPONSES)


@router.get("/health", response_model=Health, tags=["health"])
def health(found: Found) -> Health:
    """Whether the API and its database answer (no key needed; no data in it)."""
    return Health(status="ok", backend=found.store.backend, version=found.store.version())
