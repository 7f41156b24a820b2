"""The shapes the API answers with: one per role where roles see different things.

A coach and an admin get answers as the command line's ``--json`` prints them (names where
stored with consent, reasons in Dutch and English); an integration gets pseudonymous ids,
scores and machine-readable reasons only, and never anything resting on a special-category
need; a policymaker gets the publishable aggregate tables.

The answer documents (a question's :class:`Answer`, the recommendations) are defined in
:mod:`api.documents`, because the command line prints them too; they are named here with the
API's other shapes.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.access.api_keys import ApiKey
from api.access.audit import Role
from api.documents import (
    IntegrationItem,
    MachineReason,
    Page,
    Recommendations,
    RecommendationsForCoach,
    RecommendationsForIntegration,
)
from graph.analysis.results import Answer

__all__ = [
    "AccessExport",
    "Answer",
    "AreaInfo",
    "Erased",
    "Health",
    "IntegrationItem",
    "KeyCreated",
    "KeyRequest",
    "MachineReason",
    "Page",
    "QuestionInfo",
    "Recommendations",
    "RecommendationsForCoach",
    "RecommendationsForIntegration",
    "Record",
    "Tie",
]


class Health(BaseModel):
    status: str
    backend: str
    version: int


class QuestionInfo(BaseModel):
    key: str
    title_nl: str
    title_en: str


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
