"""Routes for the network questions, recommendations and publishable aggregates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from api.audit import Action, ObjectKind, Result, Role
from api.http import ERROR_RESPONSES, ApiError, not_found
from api.schemas import (
    Health,
    Page,
    QuestionInfo,
    RecommendationsForCoach,
    RecommendationsForIntegration,
    for_integration,
    special,
)
from api.security import Caller, Services, allow, caller, record, services
from graph.analysis.aggregates import TABLES, AggregateTable, aggregate
from graph.analysis.engine import CATALOGUE
from graph.analysis.results import Answer, Scope

router = APIRouter(responses=ERROR_RESPONSES)

CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
RESIDENT_ID = r"^r-[0-9a-f]{32}$"
INITIATIVE_ID = r"^i-[0-9a-f]{32}$"
#: Recommendations are worked out this deep once, then served in pages.
RECOMMEND_DEPTH = 200

Services_ = Annotated[Services, Depends(services)]
Codes = Annotated[list[str], Query(max_length=20)]


@router.get("/health", response_model=Health, tags=["health"])
def health(found: Services_) -> Health:
    """Whether the API and its database answer (no key needed; no data in it)."""
    return Health(status="ok", backend=found.store.backend, version=found.store.version())


@router.get("/questions", response_model=list[QuestionInfo], tags=["questions"])
def questions(who: Annotated[Caller, Depends(caller)]) -> list[QuestionInfo]:
    """The catalogue of network questions."""
    return [
        QuestionInfo(key=q.key, title_nl=q.title_nl, title_en=q.title_en)
        for q in CATALOGUE.values()
    ]


def _coach_codes(found: Services, who: Caller, asked: list[str]) -> tuple[str, ...]:
    """The neighbourhoods asked for, each within the coach's areas (else 404)."""
    if not who.within:
        return tuple(asked)
    mine = found.analyst.context().area_codes(who.within)
    if any(code not in mine for code in asked):
        raise not_found()
    return tuple(asked) or who.within


def _area_or_graph(found: Services, codes: tuple[str, ...]) -> tuple[ObjectKind, str]:
    if codes:
        return ObjectKind.NEIGHBOURHOOD, codes[0]
    return ObjectKind.GRAPH, found.settings.graph_name


@router.get("/questions/{question}", response_model=Answer, tags=["questions"])
def ask(
    question: Annotated[str, Path(pattern="^[a-z-]{1,40}$")],
    found: Services_,
    who: Annotated[Caller, allow(Role.COACH, Role.ADMIN)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    theme: Annotated[str | None, Query(pattern=CODE)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Answer:
    """One question's answer, scoped like ``wijkgraaf ask``. A coach's answers are worked out
    on their own neighbourhoods only."""
    if question not in CATALOGUE:
        raise not_found()
    codes = _coach_codes(found, who, neighbourhood)
    answer = found.analyst.ask(
        question, Scope(neighbourhoods=codes, theme=theme), limit=limit, within=who.within
    )
    record(found, who, Action.ASK, *_area_or_graph(found, codes))
    return answer


def _page(total: int, page: int, page_size: int) -> tuple[Page, slice]:
    start = (page - 1) * page_size
    return Page(total=total, page=page, page_size=page_size), slice(start, start + page_size)


@router.get(
    "/recommendations",
    response_model=RecommendationsForCoach | RecommendationsForIntegration,
    tags=["recommendations"],
)
def recommendations(
    found: Services_,
    who: Annotated[Caller, allow(Role.COACH, Role.INTEGRATION, Role.ADMIN)],
    resident: Annotated[str | None, Query(pattern=RESIDENT_ID)] = None,
    initiative: Annotated[str | None, Query(pattern=INITIATIVE_ID)] = None,
    neighbourhood: Annotated[str | None, Query(pattern=CODE)] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=10_000)] = 20,
) -> RecommendationsForCoach | RecommendationsForIntegration:
    """Recommendations for one resident, initiative or neighbourhood, best first, in pages.

    An integration receives the shape without names or texts, and never an item that rests
    on a special-category need."""
    page_size = min(page_size, found.settings.max_page_size)
    given = [
        (k, v)
        for k, v in (
            ("resident", resident),
            ("initiative", initiative),
            ("neighbourhood", neighbourhood),
        )
        if v
    ]
    if len(given) != 1:
        raise_invalid()
    kind, subject = given[0]
    if kind == "neighbourhood":
        _coach_codes(found, who, [subject])
    answer = found.analyst.recommend(**{kind: subject}, limit=RECOMMEND_DEPTH, within=who.within)
    if kind == "resident":
        record(found, who, Action.RECOMMEND, ObjectKind.RESIDENT, subject)
    elif kind == "initiative":
        record(found, who, Action.RECOMMEND, ObjectKind.INITIATIVE, subject)
    else:
        record(found, who, Action.RECOMMEND, ObjectKind.NEIGHBOURHOOD, subject)
    if who.role == Role.INTEGRATION:
        safe = [for_integration(item) for item in answer.items if not special(item)]
        paging, window = _page(len(safe), page, page_size)
        return RecommendationsForIntegration(
            kind=kind, subject=subject, version=answer.version, paging=paging, items=safe[window]
        )
    paging, window = _page(len(answer.items), page, page_size)
    return RecommendationsForCoach(
        kind=kind,
        subject=subject,
        version=answer.version,
        paging=paging,
        items=answer.items[window],
    )


def raise_invalid() -> None:
    raise ApiError(
        422,
        "invalid_request",
        "Geef precies één van resident, initiative of neighbourhood.",
        "Give exactly one of resident, initiative or neighbourhood.",
    )


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
    found: Services_,
    who: Annotated[Caller, allow(Role.POLICYMAKER, Role.ADMIN)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
) -> AggregateTable:
    """One table: distinct persons per cell, cells under 10 hidden (and what would give them
    away), counts rounded to 5."""
    if table not in TABLES:
        raise not_found()
    result = aggregate(found.analyst.context(), table, tuple(neighbourhood) or None)
    record(found, who, Action.AGGREGATE, ObjectKind.TABLE, table, Result.OK)
    return result
