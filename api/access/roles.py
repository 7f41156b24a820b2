"""The four roles a key or a page session has: what each may see is decided per route."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COACH = "coach"
    POLICYMAKER = "policymaker"
    INTEGRATION = "integration"
    ADMIN = "admin"
