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

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue

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
from graph.analysis.changes import ChangesAnswer
from graph.analysis.results import Answer
from importers.validate import LOCAL_CODE

__all__ = [
    "AccessExport",
    "Answer",
    "AreaInfo",
    "ChangesAnswer",
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


#: What the key store takes (``KeyStore.create``), said in the schema so a client (and a
#: fuzzer) knows it: a coach's key belongs to one neighbourhood or more, any other to none.
_KEY_ROLES: dict[str, JsonValue] = {
    "oneOf": [
        {
            "properties": {"role": {"const": Role.COACH.value}, "neighbourhoods": {"minItems": 1}},
            "required": ["neighbourhoods"],
        },
        {
            "properties": {
                "role": {"enum": [role.value for role in Role if role != Role.COACH]},
                "neighbourhoods": {"maxItems": 0},
            }
        },
    ]
}


class KeyRequest(BaseModel):
    """A new key: its role, a coach's neighbourhoods (codes), and a label to know it by."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_KEY_ROLES)

    role: Role
    neighbourhoods: list[Annotated[str, Field(pattern=LOCAL_CODE.pattern)]] = Field(
        default_factory=list, max_length=50
    )
    label: str | None = Field(default=None, max_length=80)
