"""``/api/v1/siting``: rural charging stations and the after-sales network."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import Response

from nevrural.interfaces.api.deps import PathId, UowFactoryDep
from nevrural.interfaces.api.file_responses import csv_response, geojson_response
from nevrural.interfaces.api.scenario_views import scenario_read, scenario_summary
from nevrural.interfaces.api.schemas import (
    ChargingScenarioCreate,
    RepairScenarioCreate,
    ScenarioRead,
    ScenarioSummaryRead,
)
from nevrural.services.ports import Scenario
from nevrural.services.siting import (
    ChargingRequest,
    RepairRequest,
    get_siting_scenario,
    list_siting_scenarios,
    run_charging,
    run_repair,
)
from nevrural.services.siting_outputs import siting_csv_rows, siting_geojson

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/siting", tags=["siting"])
_UNPROCESSABLE: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid parameters or unknown counties"}
}


@router.post(
    "/charging",
    response_model=ScenarioRead,
    status_code=status.HTTP_201_CREATED,
    responses=_UNPROCESSABLE,
)
def create_charging(body: ChargingScenarioCreate, uow_factory: UowFactoryDep) -> ScenarioRead:
    """Site public chargers in the chosen counties (capacitated MCLP or p-median)."""
    fields = body.model_dump()
    fields["county_codes"] = tuple(body.county_codes)
    try:
        return scenario_read(run_charging(uow_factory, ChargingRequest(**fields)))
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None


@router.post(
    "/repair",
    response_model=ScenarioRead,
    status_code=status.HTTP_201_CREATED,
    responses=_UNPROCESSABLE,
)
def create_repair(body: RepairScenarioCreate, uow_factory: UowFactoryDep) -> ScenarioRead:
    """Plan maintenance points, mobile repair bases and technician quotas."""
    fields = body.model_dump()
    fields["county_codes"] = tuple(body.county_codes)
    try:
        return scenario_read(run_repair(uow_factory, RepairRequest(**fields)))
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None


@router.get("/scenarios", response_model=list[ScenarioSummaryRead])
def list_scenarios(uow_factory: UowFactoryDep) -> list[ScenarioSummaryRead]:
    """Stored siting scenarios, newest first."""
    return [scenario_summary(s) for s in list_siting_scenarios(uow_factory)]


def _scenario(uow_factory: UowFactoryDep, scenario_id: PathId) -> Scenario:
    scenario = get_siting_scenario(uow_factory, scenario_id)
    if scenario is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"no siting scenario has id {scenario_id}"
        )
    return scenario


@router.get(
    "/scenarios/{scenario_id}",
    response_model=ScenarioRead,
    responses={404: {"description": "No such scenario"}},
)
def get_scenario(scenario_id: PathId, uow_factory: UowFactoryDep) -> ScenarioRead:
    """One stored siting scenario: counties, sites and townships."""
    return scenario_read(_scenario(uow_factory, scenario_id))


@router.get(
    "/scenarios/{scenario_id}/sites.geojson",
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {}}}, 404: {}},
)
def get_geojson(scenario_id: PathId, uow_factory: UowFactoryDep) -> Response:
    """Sites, townships and their links as GeoJSON."""
    return geojson_response(siting_geojson(_scenario(uow_factory, scenario_id).result))


@router.get(
    "/scenarios/{scenario_id}/sites.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, 404: {}},
)
def get_csv(scenario_id: PathId, uow_factory: UowFactoryDep) -> Response:
    """One row per site (UTF-8 with BOM for spreadsheet programs)."""
    header, rows = siting_csv_rows(_scenario(uow_factory, scenario_id).result)
    return csv_response(header, rows, f"siting-{scenario_id}.csv")
