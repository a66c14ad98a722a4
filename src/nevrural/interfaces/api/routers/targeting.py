"""``/api/v1/targeting/scenarios``: choose host counties and keep the scenarios."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from nevrural.core.targeting.selection_checks import SelectionInfeasible
from nevrural.interfaces.api.deps import PathId, UowFactoryDep
from nevrural.interfaces.api.scenario_views import scenario_read, scenario_summary
from nevrural.interfaces.api.schemas import (
    ScenarioRead,
    ScenarioSummaryRead,
    TargetingScenarioCreate,
)
from nevrural.services.targeting import (
    TargetingRequest,
    get_targeting_scenario,
    list_targeting_scenarios,
    run_targeting,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/targeting/scenarios", tags=["targeting"])


@router.post(
    "",
    response_model=ScenarioRead,
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "Invalid or infeasible parameters"}},
)
def create_targeting_scenario(
    body: TargetingScenarioCreate, uow_factory: UowFactoryDep
) -> ScenarioRead:
    """Score counties, select the best set exactly (HiGHS) and store the scenario."""
    fields = body.model_dump(exclude_none=True)
    try:
        request = TargetingRequest(**fields)
        scenario = run_targeting(uow_factory, request)
    except SelectionInfeasible as clash:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail=f"infeasible: {clash}"
        ) from None
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    return scenario_read(scenario)


@router.get("", response_model=list[ScenarioSummaryRead])
def list_scenarios(uow_factory: UowFactoryDep) -> list[ScenarioSummaryRead]:
    """Stored targeting scenarios, newest first."""
    return [scenario_summary(s) for s in list_targeting_scenarios(uow_factory)]


@router.get(
    "/{scenario_id}",
    response_model=ScenarioRead,
    responses={404: {"description": "No such scenario"}},
)
def get_scenario(scenario_id: PathId, uow_factory: UowFactoryDep) -> ScenarioRead:
    """One stored targeting scenario with its ranked counties and contributions."""
    scenario = get_targeting_scenario(uow_factory, scenario_id)
    if scenario is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"no targeting scenario has id {scenario_id}"
        )
    return scenario_read(scenario)
