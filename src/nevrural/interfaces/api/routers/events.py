"""``/api/v1/events``: campaign event plans with caravans, calendars and repair rounds."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import Response

from nevrural.core.routing.caravan_outputs import ITINERARY_COLUMNS, itinerary_csv_cells
from nevrural.interfaces.api.deps import ContainerDep, PathId, UowFactoryDep
from nevrural.interfaces.api.event_schemas import EventPlanCreate
from nevrural.interfaces.api.file_responses import csv_response, geojson_response
from nevrural.interfaces.api.scenario_views import scenario_read, scenario_summary
from nevrural.interfaces.api.schemas import ScenarioRead, ScenarioSummaryRead
from nevrural.services.events_plan import get_event_plan, list_event_plans, run_event_plan
from nevrural.services.events_requests import EventPlanRequest
from nevrural.services.ports import Scenario

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/events", tags=["events"])
_UNPROCESSABLE: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid parameters, unknown counties or depots"}
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such plan"}}


@router.post(
    "/plans",
    response_model=ScenarioRead,
    status_code=status.HTTP_201_CREATED,
    responses=_UNPROCESSABLE,
)
def create_plan(body: EventPlanCreate, uow_factory: UowFactoryDep) -> ScenarioRead:
    """Plan main venues, township sub-events, caravan itineraries and repair rounds."""
    fields = body.model_dump()
    fields["blackouts"] = [b.model_dump() for b in body.blackouts]
    try:
        request = EventPlanRequest.from_mapping(fields)
        return scenario_read(run_event_plan(uow_factory, request))
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None


@router.get("/plans", response_model=list[ScenarioSummaryRead])
def list_plans(uow_factory: UowFactoryDep) -> list[ScenarioSummaryRead]:
    """Stored event plans, newest first."""
    return [scenario_summary(s) for s in list_event_plans(uow_factory)]


def _plan(uow_factory: UowFactoryDep, plan_id: PathId) -> Scenario:
    scenario = get_event_plan(uow_factory, plan_id)
    if scenario is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no event plan has id {plan_id}")
    return scenario


@router.get("/plans/{plan_id}", response_model=ScenarioRead, responses=_NOT_FOUND)
def get_plan(plan_id: PathId, uow_factory: UowFactoryDep) -> ScenarioRead:
    """One stored plan: itinerary, routes, counties, repair rounds, checks."""
    return scenario_read(_plan(uow_factory, plan_id))


@router.get(
    "/plans/{plan_id}/calendar.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, **_NOT_FOUND, **_UNPROCESSABLE},
)
def get_calendar(
    plan_id: PathId,
    uow_factory: UowFactoryDep,
    container: ContainerDep,
    caravan: Annotated[str | None, Query(max_length=40, description="A caravan id")] = None,
    county: Annotated[str | None, Query(pattern=r"^\d{6}$", description="A county code")] = None,
) -> Response:
    """The plan's events as iCalendar: one caravan's, one county's, or all of them."""
    scenario = _plan(uow_factory, plan_id)
    if caravan is not None and county is not None:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="give caravan or county, not both"
        )
    try:
        document = container.event_calendar(
            scenario.result["itinerary"],
            plan_id=f"events-{scenario.id}",
            stamp=scenario.created_at,
            caravan=caravan,
            county=county,
        )
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    suffix = f"-{caravan}" if caravan else f"-{county}" if county else ""
    return Response(
        document,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="events-{plan_id}{suffix}.ics"'},
    )


@router.get(
    "/plans/{plan_id}/routes.geojson",
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {}}}, **_NOT_FOUND},
)
def get_routes(plan_id: PathId, uow_factory: UowFactoryDep) -> Response:
    """Caravan routes per day and the events held, as GeoJSON (straight segments)."""
    return geojson_response(_plan(uow_factory, plan_id).result["routes"])


@router.get(
    "/plans/{plan_id}/itinerary.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **_NOT_FOUND},
)
def get_itinerary_csv(plan_id: PathId, uow_factory: UowFactoryDep) -> Response:
    """One row per stop of each caravan day (UTF-8 with BOM for spreadsheet programs)."""
    cells = itinerary_csv_cells(_plan(uow_factory, plan_id).result["itinerary"])
    return csv_response(ITINERARY_COLUMNS, cells, f"itinerary-{plan_id}.csv")
