"""``/neighbourhoods``: the areas, all of them or a coach's own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.access.audit import Role
from api.web.deps import CODE, Caller, Found, Services, allow
from api.web.errors import ERROR_RESPONSES, not_found
from api.web.schemas import AreaInfo

router = APIRouter(responses=ERROR_RESPONSES)


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
