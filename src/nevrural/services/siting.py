"""Use cases: rural charging stations and the after-sales network for chosen counties.

Charging (capacitated maximal covering, or p-median): demand is each township's share
of its county's NEVs at the forecast horizon (current stock + Bass forecast buyers),
or of its population; candidates are township seats and the county seat (which holds
today's public chargers, so it is an existing site); a site's capacity is the NEVs its
spare transformer capacity can charge. Each county gets ``stations_per_county`` new
stations.

Repair: at most ``fixed_points_per_county`` maintenance points chosen to bring the most
NEVs within the response time (minutes at the rural speed); townships still outside it
get mobile repair stations, as few as cover them within the mobile response time; and
a national technician training target is split over counties by NEV stock. With
``fixed_points_per_county = None`` fixed points alone cover every township (set
covering).

Every assumption (township shares, transformer headroom, technicians per NEV, speeds)
is flagged ``modelled`` in the result.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, Literal

from nevrural.core.siting.rural import (
    ASSUMED_HEADROOM_KVA,
    NEVS_PER_PUBLIC_POINT,
    apportion,
)
from nevrural.core.targeting.market import MarketParams, estimate_market
from nevrural.services.county_selection import resolve_counties
from nevrural.services.county_table import CountyTable, load_county_table, market_inputs
from nevrural.services.ports import Scenario, ScenarioDraft, UnitOfWork
from nevrural.services.scenarios import (
    get_scenario,
    list_scenarios,
    store_scenario,
)
from nevrural.services.siting_county import (
    CountyPlan,
    plan_charging_county,
    plan_repair_county,
    solver_summary,
)
from nevrural.services.siting_inputs import CountySites, load_county_sites
from nevrural.services.siting_requests import ChargingRequest, RepairRequest

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from nevrural.core.siting.problem import SitingResult

__all__ = [
    "ASSUMED_NEVS_PER_TECHNICIAN",
    "ChargingRequest",
    "RepairRequest",
    "get_siting_scenario",
    "latest_demo_siting",
    "list_siting_scenarios",
    "run_charging",
    "run_repair",
]

KIND = "siting"
# ASSUMPTION: one trained NEV technician per 500 NEVs in a county's fleet.
ASSUMED_NEVS_PER_TECHNICIAN = 500.0


def _county_nevs(table: CountyTable, horizon_years: float) -> dict[str, tuple[float, float]]:
    """Per county: (NEV stock now, forecast NEV buyers over the horizon), vehicles."""
    market = estimate_market(market_inputs(table), MarketParams(horizon_years=horizon_years))
    stock = table.indicators["nev_stock"]
    return {
        code: (float(stock[i]), float(market.forecast_buyers[i]))
        for i, code in enumerate(table.codes)
    }


def _plan(
    uow_factory: Callable[[], UnitOfWork],
    codes: Sequence[str],
    scenario_id: int | None,
    horizon_years: float,
    plan_county: Callable[[CountySites, CountyTable, dict[str, tuple[float, float]]], CountyPlan],
) -> tuple[list[SitingResult], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Load the chosen counties and plan each; returns results and the three row lists."""
    with uow_factory() as uow:
        counties = resolve_counties(uow, codes, scenario_id)
        table = load_county_table(uow)
        inputs = [load_county_sites(uow, c) for c in counties]
    nevs = _county_nevs(table, horizon_years)
    results: list[SitingResult] = []
    county_rows: list[dict[str, Any]] = []
    site_rows: list[dict[str, Any]] = []
    town_rows: list[dict[str, Any]] = []
    for sites in inputs:
        solved, county, rows, towns = plan_county(sites, table, nevs)
        results += solved
        county_rows.append(county)
        site_rows += rows
        town_rows += towns
    return results, county_rows, site_rows, town_rows


def _store(
    uow_factory: Callable[[], UnitOfWork],
    use_case: str,
    name: str,
    request: ChargingRequest | RepairRequest,
    outcome: dict[str, Any],
    started: float,
    is_demo: bool,
) -> Scenario:
    """Store a plan with its request as parameters."""
    params = {"use_case": use_case, **asdict(request)}
    draft = ScenarioDraft(KIND, name, params, outcome, time.perf_counter() - started, is_demo)
    return store_scenario(uow_factory, draft)


def run_charging(
    uow_factory: Callable[[], UnitOfWork], request: ChargingRequest, *, is_demo: bool = False
) -> Scenario:
    """Site rural public chargers in each chosen county and store the scenario."""
    started = time.perf_counter()

    def plan_county(
        sites: CountySites, table: CountyTable, nevs: dict[str, tuple[float, float]]
    ) -> CountyPlan:
        if request.demand == "forecast":
            demand = nevs.get(sites.county_code, (0.0, 0.0))[1]
        else:
            demand = float(table.indicators["population"][table.index()[sites.county_code]])
        return plan_charging_county(sites, demand, request)

    results, county_rows, site_rows, town_rows = _plan(
        uow_factory,
        request.county_codes,
        request.targeting_scenario_id,
        request.horizon_years,
        plan_county,
    )
    outcome = {
        "use_case": "charging",
        "model": request.model,
        "counties": county_rows,
        "sites": site_rows,
        "townships": town_rows,
        "solver": solver_summary(results),
        "totals": {
            "counties": len(county_rows),
            "new_stations": sum(c["stations_new"] for c in county_rows),
            "demand_nevs": round(sum(c["demand_nevs"] for c in county_rows), 1),
            "demand_within_radius": round(sum(c["demand_within_radius"] for c in county_rows), 1),
            "demand_served": round(sum(c["demand_served"] or 0.0 for c in county_rows), 1),
            "chargers_possible": sum(c["chargers_possible"] for c in county_rows),
            "chargers_needed": sum(c["chargers_needed"] for c in county_rows),
        },
        "assumptions": {
            "source": "modelled",
            "demand": "forecast NEV buyers over the horizon, shared among townships by kind"
            if request.demand == "forecast"
            else "population",
            "headroom_kva": ASSUMED_HEADROOM_KVA,
            "charger_kw": request.charger_kw,
            "nevs_per_public_point": round(NEVS_PER_PUBLIC_POINT, 2),
        },
    }
    name = request.name or f"charging, {len(county_rows)} counties"
    return _store(uow_factory, "charging", name, request, outcome, started, is_demo)


def run_repair(
    uow_factory: Callable[[], UnitOfWork], request: RepairRequest, *, is_demo: bool = False
) -> Scenario:
    """Plan maintenance points, mobile repair bases and technician quotas; store it."""
    started = time.perf_counter()

    def plan_county(
        sites: CountySites, _table: CountyTable, nevs: dict[str, tuple[float, float]]
    ) -> CountyPlan:
        stock, buyers = nevs.get(sites.county_code, (0.0, 0.0))
        return plan_repair_county(sites, stock + buyers, request)

    results, county_rows, site_rows, town_rows = _plan(
        uow_factory,
        request.county_codes,
        request.targeting_scenario_id,
        request.horizon_years,
        plan_county,
    )
    fleets = [c["fleet_nevs"] for c in county_rows]
    total = (
        request.technicians_total
        if request.technicians_total is not None
        else math.ceil(sum(fleets) / ASSUMED_NEVS_PER_TECHNICIAN)
    )
    for county, quota in zip(county_rows, apportion(total, fleets), strict=True):
        county["technician_quota"] = quota
    outcome = {
        "use_case": "repair",
        "counties": county_rows,
        "sites": site_rows,
        "townships": town_rows,
        "solver": solver_summary(results),
        "totals": {
            "counties": len(county_rows),
            "technicians": total,
            "maintenance_points": sum(c["maintenance_points"] for c in county_rows),
            "mobile_repair_bases": sum(c["mobile_repair_bases"] for c in county_rows),
            "townships": sum(c["townships"] for c in county_rows),
            "townships_within_response": sum(c["townships_within_response"] for c in county_rows),
        },
        "assumptions": {
            "source": "modelled",
            "response_radius_km": request.rural_speed_kmh * request.response_time_min / 60.0,
            "nevs_per_technician": ASSUMED_NEVS_PER_TECHNICIAN,
            "fleet": "NEV stock + forecast buyers, shared among townships by kind",
        },
    }
    name = request.name or f"repair network, {len(county_rows)} counties"
    return _store(uow_factory, "repair", name, request, outcome, started, is_demo)


def get_siting_scenario(uow_factory: Callable[[], UnitOfWork], scenario_id: int) -> Scenario | None:
    """A stored siting scenario."""
    return get_scenario(uow_factory, KIND, scenario_id)


def list_siting_scenarios(uow_factory: Callable[[], UnitOfWork]) -> list[Scenario]:
    """Stored siting scenarios, newest first."""
    return list_scenarios(uow_factory, KIND)


def latest_demo_siting(
    uow_factory: Callable[[], UnitOfWork], use_case: Literal["charging", "repair"]
) -> Scenario | None:
    """The demo's newest siting scenario of ``use_case``, if seeded."""
    for scenario in list_scenarios(uow_factory, KIND):
        if scenario.is_demo and scenario.params.get("use_case") == use_case:
            return scenario
    return None
