"""Use case: plan county main venues, township sub-events, caravans and repair rounds.

For the chosen counties (given, or a targeting shortlist) this loads the townships from
the atlas, spreads each county's population over its townships by township kind
(**modelled**: the atlas holds no township population), makes each county's hub-and-spoke
event plan, routes the caravans over the campaign window day by day
(:func:`~nevrural.core.routing.caravan.plan_caravans`), plans the nearest-neighbour
baseline for comparison, checks both plans with the independent checker, plans mobile
repair rounds that visit township clusters every N days, and stores it all as one
``events`` scenario: the itinerary document, GeoJSON routes, per-county summaries,
repair rounds, checks and assumptions.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import numpy as np

from nevrural.core.atlas.divisions import Level
from nevrural.core.events.calendar import (
    Blackout,
    CalendarParams,
    CampaignWindow,
    market_schedule_of,
    market_schedule_of_label,
)
from nevrural.core.events.campaign_events import (
    CampaignEventParams,
    CountyTownships,
    DepotSite,
    build_campaign,
    spread_depots,
)
from nevrural.core.routing.caravan import CaravanParams, plan_caravans
from nevrural.core.routing.caravan_baseline import plan_nearest_neighbour
from nevrural.core.routing.caravan_check import check_caravan_result
from nevrural.core.routing.caravan_outputs import itinerary_document, routes_geojson
from nevrural.core.routing.caravan_problem import CaravanRules
from nevrural.services.county_selection import resolve_counties
from nevrural.services.county_table import load_county_table
from nevrural.services.events_repair import plan_repair_rounds
from nevrural.services.ports import Scenario, ScenarioDraft
from nevrural.services.scenarios import get_scenario, list_scenarios, store_scenario
from nevrural.services.siting_inputs import load_county_sites

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.core.events.campaign_events import CampaignInputs
    from nevrural.core.routing.caravan_problem import CaravanProblem
    from nevrural.core.routing.caravan_result import CaravanResult
    from nevrural.services.events_requests import EventPlanRequest
    from nevrural.services.ports import UnitOfWork

__all__ = ["KIND", "get_event_plan", "list_event_plans", "run_event_plan"]

KIND = "events"


def _county_townships(
    uow: UnitOfWork, request: EventPlanRequest
) -> tuple[list[CountyTownships], dict[str, str]]:
    """The counties with modelled township population, and each county's population source."""
    counties = resolve_counties(uow, request.county_codes, request.targeting_scenario_id)
    table = load_county_table(uow)
    row = table.index()
    sources: dict[str, str] = {}
    out = []
    for county in counties:
        if county.code not in row:
            raise ValueError(f"county {county.code} {county.name} has no population indicator")
        sites = load_county_sites(uow, county)
        population = float(table.indicators["population"][row[county.code]])
        sources[county.code] = table.sources["population"][row[county.code]]
        out.append(
            CountyTownships(
                county_code=county.code,
                county_name=county.name,
                seat_lon_deg=float(sites.site_lon[0]),
                seat_lat_deg=float(sites.site_lat[0]),
                township_codes=sites.township_codes,
                township_names=sites.township_names,
                township_lon_deg=sites.township_lon,
                township_lat_deg=sites.township_lat,
                population_persons=np.round(population * sites.demand_share),
            )
        )
    return out, sources


def _depots(
    uow: UnitOfWork, request: EventPlanRequest, counties: list[CountyTownships]
) -> list[DepotSite]:
    """The caravans' depots: the given county seats, or the selected seats spread out."""
    if not request.depot_codes:
        if request.caravans > len(counties):
            raise ValueError(
                f"caravans = {request.caravans} exceeds the {len(counties)} selected counties"
            )
        return spread_depots(counties, request.caravans)
    depots = []
    for i, code in enumerate(request.depot_codes):
        division = uow.atlas.get_division(code)
        if division is None or division.lon is None or division.lat is None:
            raise ValueError(f"depot_codes[{i}] = {code!r} is not a placed division")
        depots.append(DepotSite(code, division.name, division.lon, division.lat))
    return depots


def _overnight_towns(
    uow: UnitOfWork, counties: list[CountyTownships], depots: list[DepotSite]
) -> list[DepotSite]:
    """County seats around the campaign (its box widened by 1 degree) to sleep in on transfers.

    Without them a caravan could not cross a region with no campaign venue within one
    working day's drive.
    """
    lon = [c.seat_lon_deg for c in counties] + [d.lon_deg for d in depots]
    lat = [c.seat_lat_deg for c in counties] + [d.lat_deg for d in depots]
    west, east, south, north = min(lon) - 1, max(lon) + 1, min(lat) - 1, max(lat) + 1
    return [
        DepotSite(d.code, d.name, d.lon, d.lat)
        for d in uow.atlas.divisions(level=Level.COUNTY)
        if d.lon is not None
        and d.lat is not None
        and west <= d.lon <= east
        and south <= d.lat <= north
    ]


def _calendar(request: EventPlanRequest) -> CalendarParams:
    """The calendar rules of the request."""
    schedules = {}
    for code, label in request.market_days:
        try:
            schedules[code] = market_schedule_of_label(label)
        except ValueError as error:
            raise ValueError(f"market_days[{code}]: {error}") from None
    return CalendarParams(
        window=CampaignWindow(request.start, request.end),
        market_schedules=schedules,
        blackouts=tuple(
            Blackout(b.start, b.end, b.reason, b.province_code) for b in request.blackouts
        ),
        preferred_weekdays=frozenset(request.preferred_weekdays),
    )


def _county_rows(
    inputs: CampaignInputs, result: CaravanResult, sources: dict[str, str]
) -> list[dict[str, Any]]:
    """One summary row per county: reach, events planned and held, its caravan."""
    problem = inputs.problem
    held = set(result.held_event_ids)
    caravan_of = {code: cid for cid, codes in result.county_tours.items() for code in codes}
    rows = []
    for code, plan in inputs.hub_spoke.items():
        events = [e for e in problem.events if e.county_code == code]
        rows.append(
            {
                "county_code": code,
                "name": problem.county_name(code),
                "townships": len(plan.townships),
                "population": round(plan.total_persons),
                "population_source": sources.get(code, "modelled"),
                "main_venue_persons": round(plan.main_venue_persons),
                "sub_events": len(events) - 1,
                "persons_within_reach": round(plan.objective_persons),
                "hub_spoke_gap": plan.gap,
                "events_held": sum(e.event_id in held for e in events),
                "persons_reached": round(sum(e.persons for e in events if e.event_id in held)),
                "caravan": caravan_of.get(code),
            }
        )
    return rows


def _modelled_markets(problem: CaravanProblem) -> int:
    """Sub-event townships whose market schedule is the modelled default."""
    calendar = problem.calendar
    codes = {e.calendar_code for e in problem.events if e.is_market_event}
    return sum(market_schedule_of(calendar, code).is_modelled for code in codes)


def _figures(result: CaravanResult, seconds: float, violations: int) -> dict[str, Any]:
    """The headline figures of one plan."""
    return {
        "method": result.method,
        "persons_reached": round(result.persons_reached),
        "caravan_days": result.caravan_days,
        "persons_per_caravan_day": round(result.persons_per_caravan_day),
        "drive_km": round(result.drive_km, 1),
        "events_held": len(result.held_event_ids),
        "events_unheld": len(result.unheld),
        "seconds": round(seconds, 2),
        "violations": violations,
    }


def run_event_plan(
    uow_factory: Callable[[], UnitOfWork], request: EventPlanRequest, *, is_demo: bool = False
) -> Scenario:
    """Plan the campaign's events, caravans and repair rounds; store the scenario."""
    started = time.perf_counter()
    with uow_factory() as uow:
        counties, sources = _county_townships(uow, request)
        depots = _depots(uow, request, counties)
        towns = _overnight_towns(uow, counties, depots)
    rules = CaravanRules(
        work_start_min=request.work_start_min,
        work_end_min=request.work_end_min,
        speed_kmh=request.speed_kmh,
        max_events_per_day=request.max_events_per_day,
    )
    event_params = CampaignEventParams(
        reach_km=request.reach_km,
        main_reach_km=request.main_reach_km,
        sub_events_per_county=request.sub_events_per_county,
        main_duration_min=request.main_duration_min,
        sub_duration_min=request.sub_duration_min,
    )
    inputs = build_campaign(
        counties,
        depots,
        _calendar(request),
        rules=rules,
        params=event_params,
        overnight_towns=towns,
    )
    problem = inputs.problem
    t0 = time.perf_counter()
    result = plan_caravans(problem, CaravanParams())
    t1 = time.perf_counter()
    baseline = plan_nearest_neighbour(problem)
    t2 = time.perf_counter()
    violations = [str(v) for v in check_caravan_result(problem, result)]
    baseline_violations = check_caravan_result(problem, baseline)
    repair = plan_repair_rounds(counties, request)
    outcome = {
        "itinerary": itinerary_document(problem, result),
        "routes": routes_geojson(problem, result),
        "counties": _county_rows(inputs, result, sources),
        "plan": _figures(result, t1 - t0, len(violations)),
        "baseline": _figures(baseline, t2 - t1, len(baseline_violations)),
        "repair_rounds": repair,
        "checks": {"violations": violations[:50], "count": len(violations)},
        "assumptions": {
            "source": "modelled",
            "township_population": "county population shared among townships by kind (modelled)",
            "market_days_modelled": _modelled_markets(problem),
            "market_days_configured": len(request.market_days),
            "road_km": "great-circle km x rural circuity 1.35 (modelled)",
            "speed_kmh": request.speed_kmh,
            "persons": "persons within reach of an event, counted once per township (modelled)",
        },
    }
    params = asdict(request)
    params = {k: _jsonable(v) for k, v in params.items()}
    name = request.name or f"events, {len(counties)} counties, {request.caravans} caravans"
    draft = ScenarioDraft(KIND, name, params, outcome, time.perf_counter() - started, is_demo)
    return store_scenario(uow_factory, draft)


def _jsonable(value: Any) -> Any:
    """Dates as ISO text, tuples as lists, recursively (request parameters for storage)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def get_event_plan(uow_factory: Callable[[], UnitOfWork], plan_id: int) -> Scenario | None:
    """A stored event plan."""
    return get_scenario(uow_factory, KIND, plan_id)


def list_event_plans(uow_factory: Callable[[], UnitOfWork]) -> list[Scenario]:
    """Stored event plans, newest first."""
    return list_scenarios(uow_factory, KIND)
