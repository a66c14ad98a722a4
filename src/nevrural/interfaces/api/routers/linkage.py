"""``/api/v1/linkage/scenarios``: choose the cities of a linked car festival."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from nevrural.interfaces.api.deps import PathId, UowFactoryDep
from nevrural.interfaces.api.scenario_views import scenario_read, scenario_summary
from nevrural.interfaces.api.schemas import (
    LinkageCandidateIn,
    LinkageScenarioCreate,
    ScenarioRead,
    ScenarioSummaryRead,
)
from nevrural.services.linkage import (
    LinkageRequest,
    get_linkage_scenario,
    list_linkage_scenarios,
    load_demo_candidates,
    run_linkage,
)
from nevrural.services.ports import CandidateColumns, LinkageCandidates

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/linkage/scenarios", tags=["linkage"])


def _posted(items: list[LinkageCandidateIn]) -> CandidateColumns:
    """Columns of the posted candidates; every candidate must have every feature."""
    names = sorted({key for c in items for key in c.features})
    for index, c in enumerate(items):
        missing = [n for n in names if n not in c.features]
        if missing:
            raise ValueError(f"candidates[{index}] ({c.code}) lacks features {missing}")
    half = [c.code for c in items if (c.lon is None) != (c.lat is None)]
    if half:
        raise ValueError(f"candidates {', '.join(half)} have lon without lat or lat without lon")
    placed = sum(c.lon is not None for c in items)
    if 0 < placed < len(items):
        raise ValueError(
            f"{placed} of {len(items)} candidates have lon/lat: give them for all or for none"
        )
    has_points = placed == len(items)
    return CandidateColumns(
        file_name="request body",
        codes=tuple(c.code for c in items),
        names=tuple(c.name for c in items),
        province_codes=tuple(c.province_code or c.code[:2] + "0000" for c in items),
        lon_deg=tuple(float(c.lon or 0.0) for c in items) if has_points else None,
        lat_deg=tuple(float(c.lat or 0.0) for c in items) if has_points else None,
        themes=tuple(frozenset(c.themes) for c in items),
        feature_names=tuple(names),
        features=tuple(tuple(c.features[n] for n in names) for c in items),
    )


@router.post(
    "",
    response_model=ScenarioRead,
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "Invalid candidates or parameters"}},
)
def create_linkage_scenario(
    body: LinkageScenarioCreate, uow_factory: UowFactoryDep
) -> ScenarioRead:
    """Choose ``k`` cities (exact MILP up to 200 candidates) and store the scenario."""
    request = LinkageRequest(
        k=body.k,
        w_distinct=body.w_distinct,
        w_themes=body.w_themes,
        w_regions=body.w_regions,
        w_spread=body.w_spread,
        method=body.method,
        time_limit_s=body.time_limit_s,
        must_include=tuple(body.must_include),
        exclude=tuple(body.exclude),
        name=body.name,
    )
    try:
        if body.candidates is not None and body.use_demo_candidates:
            raise ValueError("give candidates or use_demo_candidates, not both")
        candidates: LinkageCandidates
        if body.candidates is not None:
            candidates = _posted(body.candidates)
        elif body.use_demo_candidates:
            candidates = load_demo_candidates(uow_factory)
        else:
            raise ValueError("candidates are required (or set use_demo_candidates)")
        scenario = run_linkage(uow_factory, candidates, request)
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    return scenario_read(scenario)


@router.get("", response_model=list[ScenarioSummaryRead])
def list_scenarios(uow_factory: UowFactoryDep) -> list[ScenarioSummaryRead]:
    """Stored linkage scenarios, newest first."""
    return [scenario_summary(s) for s in list_linkage_scenarios(uow_factory)]


@router.get(
    "/{scenario_id}",
    response_model=ScenarioRead,
    responses={404: {"description": "No such scenario"}},
)
def get_scenario(scenario_id: PathId, uow_factory: UowFactoryDep) -> ScenarioRead:
    """One stored linkage scenario with its cities and reasons."""
    scenario = get_linkage_scenario(uow_factory, scenario_id)
    if scenario is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"no linkage scenario has id {scenario_id}"
        )
    return scenario_read(scenario)
