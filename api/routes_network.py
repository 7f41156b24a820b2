"""Routes for the network questions, recommendations and publishable aggregates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

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
from api.security import (
    CODE,
    ID_PATTERN,
    Caller,
    Found,
    Services,
    allow,
    caller,
    coach_codes,
    record,
    record_async,
    scope_object,
)
from graph.analysis.aggregates import TABLES, AggregateTable, aggregate
from graph.analysis.engine import CATALOGUE, recommendation_subject
from graph.analysis.results import Answer, Scope
from graph.errors import NotFoundError

router = APIRouter(responses=ERROR_RESPONSES)

T = TypeVar("T")


async def served(found: Services, cached: Callable[[int], T | None], compute: Callable[[], T]) -> T:
    """A cached answer straight from the event loop, else computed in a pool thread.

    The hot routes are coroutines: a cached answer costs a look-up once the graph's version is
    known (read for many requests at once, ``found.versions``), and sending each request
    through the thread pool would cost more than that. Whatever may load or compute (a new
    graph version, a first question) goes to the pool, so the loop never waits on it."""
    hit = cached(await found.versions.current())
    if hit is not None:
        return hit
    return await run_in_threadpool(compute)


def json_response(
    found: Services, version: int, key: tuple[object, ...], build: Callable[[], BaseModel]
) -> Response:
    """The answer as JSON, serialised once per graph version (``found.bodies``). The models
    are the route's own response models, built here: they need no second validation."""
    body = found.bodies.get(version, key)
    if body is None:
        body = build().model_dump_json().encode()
        found.bodies.put(version, key, body)
    return Response(body, media_type="application/json")


#: Recommendations are worked out this deep once, then served in pages.
RECOMMEND_DEPTH = 200

Codes = Annotated[list[str], Query(max_length=20)]


@router.get("/health", response_model=Health, tags=["health"])
def health(found: Found) -> Health:
    """Whether the API and its database answer (no key needed; no data in it)."""
    return Health(status="ok", backend=found.store.backend, version=found.store.version())


@router.get("/questions", response_model=list[QuestionInfo], tags=["questions"])
def questions(who: Annotated[Caller, Depends(caller)]) -> list[QuestionInfo]:
    """The catalogue of network questions."""
    return [
        QuestionInfo(key=q.key, title_nl=q.title_nl, title_en=q.title_en)
        for q in CATALOGUE.values()
    ]


@router.get("/questions/{question}", response_model=Answer, tags=["questions"])
async def ask(
    question: Annotated[str, Path(pattern="^[a-z-]{1,40}$")],
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.ADMIN)],
    neighbourhood: Codes = [],  # noqa: B006 - FastAPI reads the default, never mutates it
    theme: Annotated[str | None, Query(pattern=CODE)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """One question's answer, scoped like ``wijkgraaf ask``. A coach's answers are worked out
    on their own neighbourhoods only."""
    if question not in CATALOGUE:
        raise not_found()

    def answer_for() -> tuple[tuple[str, ...], Answer]:
        codes = coach_codes(found, who, neighbourhood)
        scope = Scope(neighbourhoods=codes, theme=theme)
        return codes, found.analyst.ask(question, scope, limit=limit, within=who.within)

    def cached(version: int) -> tuple[tuple[str, ...], Answer] | None:
        if not found.analyst.has_current(who.within, version=version):
            return None
        codes = coach_codes(found, who, neighbourhood, version=version)
        scope = Scope(neighbourhoods=codes, theme=theme)
        answer = found.analyst.cached(
            question, scope, limit=limit, within=who.within, version=version
        )
        return (codes, answer) if answer is not None else None

    codes, answer = await served(found, cached, answer_for)
    await record_async(found, who, Action.ASK, *scope_object(found, codes))
    key = ("ask", question, codes, theme, limit, who.within)
    return json_response(found, answer.version, key, lambda: answer)


def _page(total: int, page: int, page_size: int) -> tuple[Page, slice]:
    start = (page - 1) * page_size
    return Page(total=total, page=page, page_size=page_size), slice(start, start + page_size)


@router.get(
    "/recommendations",
    response_model=RecommendationsForCoach | RecommendationsForIntegration,
    tags=["recommendations"],
)
async def recommendations(
    found: Found,
    who: Annotated[Caller, allow(Role.COACH, Role.INTEGRATION, Role.ADMIN)],
    resident: Annotated[str | None, Query(pattern=ID_PATTERN[ObjectKind.RESIDENT])] = None,
    initiative: Annotated[str | None, Query(pattern=ID_PATTERN[ObjectKind.INITIATIVE])] = None,
    neighbourhood: Annotated[str | None, Query(pattern=CODE)] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=10_000)] = 20,
) -> Response:
    """Recommendations for one resident, initiative or neighbourhood, best first, in pages.

    An integration receives the shape without names or texts, and never an item that rests
    on a special-category need."""
    page_size = min(page_size, found.settings.max_page_size)
    try:
        kind, subject = recommendation_subject(
            resident=resident, initiative=initiative, neighbourhood=neighbourhood
        )
    except NotFoundError as exc:  # nothing is missing here: the request names no one subject
        raise ApiError(422, "invalid_request", exc.message("nl"), exc.message("en")) from None
    wanted = {kind: subject, "limit": RECOMMEND_DEPTH, "within": who.within}

    def answer_for() -> Answer:
        if kind == "neighbourhood":
            coach_codes(found, who, [subject])
        return found.analyst.recommend(**wanted)  # type: ignore[arg-type]

    def cached(version: int) -> Answer | None:
        answer = found.analyst.cached_recommendation(**wanted, version=version)  # type: ignore[arg-type]
        if answer is not None and kind == "neighbourhood":
            # the context in hand is current: no loading
            coach_codes(found, who, [subject], version=version)
        return answer

    answer = await served(found, cached, answer_for)
    await record_async(found, who, Action.RECOMMEND, ObjectKind(kind), subject)
    integration = who.role == Role.INTEGRATION
    key = ("recommend", kind, subject, who.within, integration, page, page_size)

    def body() -> BaseModel:
        if integration:
            safe = [for_integration(item) for item in answer.items if not special(item)]
            paging, window = _page(len(safe), page, page_size)
            return RecommendationsForIntegration(
                kind=kind,
                subject=subject,
                version=answer.version,
                paging=paging,
                items=safe[window],
            )
        paging, window = _page(len(answer.items), page, page_size)
        return RecommendationsForCoach(
            kind=kind,
            subject=subject,
            version=answer.version,
            paging=paging,
            items=answer.items[window],
        )

    return json_response(found, answer.version, key, body)


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
    away), counts rounded to 5."""
    if table not in TABLES:
        raise not_found()
    result = aggregate(found.analyst.context(), table, tuple(neighbourhood) or None)
    record(found, who, Action.AGGREGATE, ObjectKind.TABLE, table, Result.OK)
    return result
