"""``/aggregates``: the fixed tables that are safe to publish."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.access.audit import Action, ObjectKind, Result, Role
from api.web.deps import Caller, Codes, Found, allow, record
from api.web.errors import ERROR_RESPONSES, not_found
from api.web.schemas import QuestionInfo
from graph.analysis.aggregates import TABLES, AggregateTable
from graph.analysis.present import present_table

router = APIRouter(responses=ERROR_RESPONSES)


@router.get("/aggregates", response_model=list[QuestionInfo], tags=["aggregates"])
def aggregate_tables(
    who: Annotated[Caller, allow(Role.POLICYMAKER, Role.ADMIN)],
) -> list[QuestionInfo]:
    """The fixed tables that are safe to publish."""
    return [
        QuestionInfo(key=name, title_nl=spec.title_nl, title_en=spec.title_en)
        for name, spec in TABLES.items()
    ]


@router.get("/aggregates/{table}", response_model=AggregateTable, tags=["aggregates"])
def aggregate_table(
    table: str,
    found: Found,
    who: Annotated[Caller, allow(Role.POLICYMAKER, Role.ADMIN)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
) -> AggregateTable:
    """One table: distinct persons per cell, cells under 10 hidden (and what would give them
    away), counts of persons rounded to 5; counts of initiatives and organisations as they
    are. Of the present, which is the last date of the trends' series: no cell differs from
    the last quarter's by 1 to 9 persons, and none is published that the quarter hid."""
    if table not in TABLES:
        raise not_found()
    result = present_table(found.analyst, table, tuple(neighbourhood) or None)
    record(found, who, Action.AGGREGATE, ObjectKind.TABLE, table, Result.OK)
    return result
