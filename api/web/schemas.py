"""The shapes the API answers with: one per role where roles see different things.

A coach and an admin get answers as the command line shows them (names where stored with
consent, reasons in Dutch and English); an integration gets pseudonymous ids, scores and
machine-readable reasons only, and never anything resting on a special-category need; a
policymaker gets the publishable aggregate tables.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.access.api_keys import ApiKey
from api.access.audit import Role
from graph.analysis.results import Item


class Health(BaseModel):
    status: str
    backend: str
    version: int


class QuestionInfo(BaseModel):
    key: str
    title_nl: str
    title_en: str


class Page(BaseModel):
    """Where a page of items sits in the whole, ordered by score then id (stable)."""

    total: int
    page: int
    page_size: int


class RecommendationsForCoach(BaseModel):
    """Recommendations as a coach (or admin) reads them."""

    kind: str
    subject: str
    version: int
    paging: Page
    items: list[Item]


class MachineReason(BaseModel):
    code: str
    data: dict[str, Any] = Field(default_factory=dict)


class IntegrationItem(BaseModel):
    id: str
    kind: str
    score: float
    reasons: list[MachineReason]
    path: list[str]


class RecommendationsForIntegration(BaseModel):
    """Recommendations for another system: pseudonymous ids and codes, no names, no text,
    and nothing that rests on a special-category need (health and the like)."""

    kind: str
    subject: str
    version: int
    paging: Page
    items: list[IntegrationItem]


def special(item: Item) -> bool:
    """Whether anything in the item rests on a special-category need."""
    return any(reason.data.get("special_category") for reason in item.reasons)


def for_integration(item: Item) -> IntegrationItem:
    return IntegrationItem(
        id=item.id,
        kind=item.kind,
        score=item.score,
        reasons=[MachineReason(code=r.code, data=r.data) for r in item.reasons],
        path=item.path,
    )


class Tie(BaseModel):
    type: str
    direction: str
    id: str
    kind: str
    name: str | None = None


class Record(BaseModel):
    """One resident, initiative or organisation with its ties (within the caller's view)."""

    id: str
    kind: str
    properties: dict[str, Any]
    ties: list[Tie]


class AreaInfo(BaseModel):
    code: str
    name: str
    level: str
    parent: str | None = None


class AccessExport(Record):
    """Everything stored about one person, and who looked at it (the audit log's lines)."""

    accessed_by: list[dict[str, Any]]


class Erased(BaseModel):
    id: str
    ties_removed: int
    tombstone: bool


class KeyCreated(ApiKey):
    """A new key as stored, with its token: in this answer only."""

    token: str = Field(description="Shown once; store it safely.")


class KeyRequest(BaseModel):
    role: Role
    neighbourhoods: list[str] = Field(default_factory=list, max_length=50)
    label: str | None = Field(default=None, max_length=80)
