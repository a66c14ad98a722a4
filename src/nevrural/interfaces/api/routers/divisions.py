"""``/api/v1/divisions``: the division hierarchy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from nevrural.core.atlas.divisions import Level
from nevrural.interfaces.api.deps import UowFactoryDep
from nevrural.interfaces.api.schemas import (
    DivisionDetailRead,
    DivisionListRead,
    DivisionRead,
    IndicatorRead,
    LevelName,
)
from nevrural.services.atlas_query import division_detail, list_divisions

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/divisions", tags=["divisions"])

CODE_PATTERN = r"^[0-9]{6}([0-9]{3})?$"


@router.get("", response_model=DivisionListRead)
def get_divisions(
    uow_factory: UowFactoryDep,
    level: Annotated[LevelName | None, Query(description="Level to list.")] = None,
    parent: Annotated[
        str | None, Query(pattern=CODE_PATTERN, description="Only children of this code.")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=50_000)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DivisionListRead:
    """Divisions by level and/or parent, ordered by code (all of them when no limit)."""
    divisions = list_divisions(
        uow_factory, Level.from_name(level) if level else None, parent, limit, offset
    )
    return DivisionListRead(
        count=len(divisions), offset=offset, items=[DivisionRead.of(d) for d in divisions]
    )


@router.get(
    "/{code}",
    response_model=DivisionDetailRead,
    responses={404: {"description": "No division has this code"}},
)
def get_division(
    uow_factory: UowFactoryDep,
    code: str,
) -> DivisionDetailRead:
    """One division with its ancestors, number of children and indicators."""
    detail = division_detail(uow_factory, code)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"no division has code {code!r}")
    base = DivisionRead.of(detail.division)
    return DivisionDetailRead(
        **base.model_dump(),
        ancestors=[DivisionRead.of(a) for a in detail.ancestors],
        children=detail.children,
        location_source=detail.location_source,
        indicators=[IndicatorRead.of(v) for v in detail.indicators],
    )
