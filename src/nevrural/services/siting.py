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
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from nevrural.core.siting.coverage import LSCPParams, MCLPParams, solve_lscp, solve_mclp
from nevrural.core.siting.pmedian import PMedianParams, solve_p_median
from nevrural.core.siting.problem import SitingProblem, SitingResult
from nevrural.core.siting.rural import (
    ASSUMED_HEADROOM_KVA,
    NEVS_PER_PUBLIC_POINT,
    apportion,
    chargers_from_headroom,
)
from nevrural.core.targeting.market import MarketParams, estimate_market
from nevrural.services.county_table import CountyTable, load_county_table, market_inputs
from nevrural.services.ports import Scenario, ScenarioDraft, UnitOfWork
from nevrural.services.scenarios import (
    get_scenario,
    list_scenarios,
    store_scenario,
)
from nevrural.services.siting_inputs import CountySites, load_county_sites

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from nevrural.core.atlas.divisions import Division

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


@dataclass(frozen=True, slots=True)
class ChargingRequest:
    """Where to add rural public chargers (distances road km, horizon years)."""

    county_codes: tuple[str, ...] = ()
    targeting_scenario_id: int | None = None
    stations_per_county: int = 4
    radius_km: float = 10.0
    horizon_years: float = 3.0
    demand: Literal["forecast", "population"] = "forecast"
    model: Literal["mclp", "p-median"] = "mclp"
    charger_kw: float = 60.0
    name: str = ""

    def __post_init__(self) -> None:
        if self.stations_per_county < 1:
            raise ValueError(f"stations_per_county must be >= 1, got {self.stations_per_county}")
        if not self.radius_km > 0:
            raise ValueError(f"radius_km must be > 0, got {self.radius_km}")
        if not 1.0 <= self.horizon_years <= 5.0:
            raise ValueError(f"horizon_years must be within 1-5, got {self.horizon_years}")
        if not self.charger_kw > 0:
            raise ValueError(f"charger_kw must be > 0, got {self.charger_kw}")


@dataclass(frozen=True, slots=True)
class RepairRequest:
    """Maintenance points, mobile repair stations and technician quotas."""

    county_codes: tuple[str, ...] = ()
    targeting_scenario_id: int | None = None
    response_time_min: float = 45.0
    mobile_response_time_min: float = 120.0
    rural_speed_kmh: float = 40.0
    fixed_points_per_county: int | None = 2
    technicians_total: int | None = None
    horizon_years: float = 3.0
    name: str = ""

    def __post_init__(self) -> None:
        for field_name in ("response_time_min", "mobile_response_time_min", "rural_speed_kmh"):
            if not getattr(self, field_name) > 0:
                raise ValueError(f"{field_name} must be > 0, got {getattr(self, field_name)}")
        if self.mobile_response_time_min < self.response_time_min:
            raise ValueError(
                f"mobile_response_time_min {self.mobile_response_time_min} is below "
                f"response_time_min {self.response_time_min}"
            )
        if self.fixed_points_per_county is not None and self.fixed_points_per_county < 0:
            raise ValueError(
                f"fixed_points_per_county must be >= 0, got {self.fixed_points_per_county}"
            )
        if self.technicians_total is not None and self.technicians_total < 0:
            raise ValueError(f"technicians_total must be >= 0, got {self.technicians_total}")


def _resolve_counties(
    uow: UnitOfWork, codes: Sequence[str], scenario_id: int | None
) -> list[Division]:
    """The counties to plan: given codes, a targeting scenario's, or the demo shortlist's."""
    if not codes:
        scenario = (
            uow.scenarios.get("targeting", scenario_id)
            if scenario_id is not None
            else uow.scenarios.latest_demo("targeting")
        )
        if scenario is None:
            which = f"targeting scenario {scenario_id}" if scenario_id else "demo shortlist"
            raise ValueError(f"no counties given and no {which} to take them from")
        codes = [row["code"] for row in scenario.result["selected"]]
    counties: list[Division] = []
    unknown: list[str] = []
    for code in codes:
        division = uow.atlas.get_division(code)
        if division is None:
            unknown.append(code)
        else:
            counties.append(division)
    if unknown:
        raise ValueError(f"unknown county codes: {', '.join(unknown[:10])}")
    return counties


def _county_nevs(table: CountyTable, horizon_years: float) -> dict[str, tuple[float, float]]:
    """Per county: (NEV stock now, forecast NEV buyers over the horizon), vehicles."""
    market = estimate_market(market_inputs(table), MarketParams(horizon_years=horizon_years))
    stock = table.indicators["nev_stock"]
    return {
        code: (float(stock[i]), float(market.forecast_buyers[i]))
        for i, code in enumerate(table.codes)
    }


def _solver_summary(results: Sequence[SitingResult]) -> dict[str, Any]:
    return {
        "solves": len(results),
        "exact": sum(r.path == "exact" for r in results),
        "heuristic": sum(r.path == "heuristic" for r in results),
        "max_gap": max((r.gap for r in results), default=0.0),
        "solver_seconds": sum(r.seconds for r in results),
    }


def _site_row(sites: CountySites, j: int, role: str, is_new: bool, **extra: Any) -> dict[str, Any]:
    return {
        "county_code": sites.county_code,
        "site_id": sites.site_ids[j],
        "name": sites.site_names[j],
        "kind": sites.site_kinds[j],
        "lon": float(sites.site_lon[j]),
        "lat": float(sites.site_lat[j]),
        "role": role,
        "is_new": is_new,
        **extra,
    }


def _township_rows(
    sites: CountySites, weights: np.ndarray, open_sites: Sequence[int], radius_km: float
) -> list[dict[str, Any]]:
    """Each township with its nearest open site and whether it is within the radius."""
    dense = sites.road_km.toarray()[:, list(open_sites)]
    rows = []
    for i, code in enumerate(sites.township_codes):
        k = int(np.argmin(dense[i])) if open_sites else -1
        km = float(dense[i, k]) if open_sites else math.inf
        rows.append(
            {
                "code": code,
                "name": sites.township_names[i],
                "county_code": sites.county_code,
                "lon": float(sites.township_lon[i]),
                "lat": float(sites.township_lat[i]),
                "demand": float(weights[i]),
                "site_id": sites.site_ids[open_sites[k]] if open_sites else None,
                "road_km": km if math.isfinite(km) else None,
                "is_covered": km <= radius_km,
            }
        )
    return rows


def _charging_county(
    sites: CountySites, buyers: float, request: ChargingRequest
) -> tuple[SitingResult, dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Solve one county's charging problem; returns result, county row, sites, townships."""
    weights = sites.demand_share * buyers
    chargers = np.array(
        [
            chargers_from_headroom(ASSUMED_HEADROOM_KVA[k], request.charger_kw)
            for k in sites.site_kinds
        ],
        dtype=float,
    )
    capacity = chargers * NEVS_PER_PUBLIC_POINT
    existing = np.array([k == "county_seat" for k in sites.site_kinds])
    n_new = min(request.stations_per_county, len(sites.site_ids) - 1)
    problem = SitingProblem(
        demand_weight=weights,
        distance_km=sites.road_km,
        is_existing=existing,
        capacity=capacity if request.model == "mclp" else None,
        demand_ids=sites.township_codes,
        site_ids=sites.site_ids,
    )
    if request.model == "mclp":
        result = solve_mclp(problem, MCLPParams(p=n_new, radius_km=request.radius_km))
    else:
        result = solve_p_median(problem, PMedianParams(p=n_new))
    towns = _township_rows(sites, weights, result.open_sites, request.radius_km)
    site_rows = [
        _site_row(
            sites,
            j,
            "charging_station",
            j in result.new_sites,
            chargers_possible=int(chargers[j]),
            nev_capacity=round(float(capacity[j]), 1),
            townships_served=sum(t["site_id"] == sites.site_ids[j] for t in towns),
        )
        for j in result.open_sites
    ]
    within = sum(t["demand"] for t in towns if t["is_covered"])
    county_row = {
        "code": sites.county_code,
        "name": sites.county_name,
        "townships": sites.n_townships,
        "demand_nevs": round(float(weights.sum()), 1),
        "stations_new": len(result.new_sites),
        "stations_open": len(result.open_sites),
        "demand_within_radius": round(within, 1),
        # MCLP: NEVs the opened chargers can take within the radius (capacity-limited).
        "demand_served": round(result.objective, 1) if request.model == "mclp" else None,
        "chargers_possible": int(sum(chargers[j] for j in result.open_sites)),
        "chargers_needed": math.ceil(float(weights.sum()) / NEVS_PER_PUBLIC_POINT),
        "objective": result.objective,
        "gap": result.gap,
        "path": result.path,
    }
    return result, county_row, site_rows, towns


def run_charging(
    uow_factory: Callable[[], UnitOfWork], request: ChargingRequest, *, is_demo: bool = False
) -> Scenario:
    """Site rural public chargers in each chosen county and store the scenario."""
    started = time.perf_counter()
    with uow_factory() as uow:
        counties = _resolve_counties(uow, request.county_codes, request.targeting_scenario_id)
        table = load_county_table(uow)
        inputs = [load_county_sites(uow, c) for c in counties]
    nevs = _county_nevs(table, request.horizon_years)
    population = dict(zip(table.codes, table.indicators["population"], strict=True))
    results, county_rows, site_rows, town_rows = [], [], [], []
    for sites in inputs:
        demand = (
            nevs.get(sites.county_code, (0.0, 0.0))[1]
            if request.demand == "forecast"
            else float(population.get(sites.county_code, 0.0))
        )
        result, county, rows, towns = _charging_county(sites, demand, request)
        results.append(result)
        county_rows.append(county)
        site_rows.extend(rows)
        town_rows.extend(towns)
    outcome = {
        "use_case": "charging",
        "model": request.model,
        "counties": county_rows,
        "sites": site_rows,
        "townships": town_rows,
        "solver": _solver_summary(results),
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
    draft = ScenarioDraft(
        KIND,
        request.name or f"charging, {len(county_rows)} counties",
        {"use_case": "charging", **asdict(request)},
        outcome,
        time.perf_counter() - started,
        is_demo,
    )
    return store_scenario(uow_factory, draft)


def _fixed_points(
    problem: SitingProblem, request: RepairRequest, radius_km: float, n_sites: int
) -> SitingResult:
    if request.fixed_points_per_county is None:
        return solve_lscp(problem, LSCPParams(radius_km=radius_km))
    p = min(request.fixed_points_per_county, n_sites - 1)
    return solve_mclp(problem, MCLPParams(p=p, radius_km=radius_km))


def _mobile_bases(
    sites: CountySites, weights: np.ndarray, uncovered: list[int], radius_km: float
) -> SitingResult | None:
    """Fewest mobile repair bases covering the townships outside the fixed response time."""
    if not uncovered:
        return None
    problem = SitingProblem(
        demand_weight=np.maximum(weights[uncovered], 1e-9),
        distance_km=sites.road_km[uncovered],
        demand_ids=tuple(sites.township_codes[i] for i in uncovered),
        site_ids=sites.site_ids,
    )
    return solve_lscp(problem, LSCPParams(radius_km=radius_km))


def _repair_county(
    sites: CountySites, fleet: float, request: RepairRequest
) -> tuple[list[SitingResult], dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    radius = request.rural_speed_kmh * request.response_time_min / 60.0
    mobile_radius = request.rural_speed_kmh * request.mobile_response_time_min / 60.0
    weights = sites.demand_share * fleet
    existing = np.array([k == "county_seat" for k in sites.site_kinds])
    problem = SitingProblem(
        demand_weight=weights,
        distance_km=sites.road_km,
        is_existing=existing,
        demand_ids=sites.township_codes,
        site_ids=sites.site_ids,
    )
    fixed = _fixed_points(problem, request, radius, len(sites.site_ids))
    towns = _township_rows(sites, weights, fixed.open_sites, radius)
    uncovered = [i for i, t in enumerate(towns) if not t["is_covered"]]
    mobile = _mobile_bases(sites, weights, uncovered, mobile_radius)
    rows = [
        _site_row(sites, j, "maintenance_point", j in fixed.new_sites) for j in fixed.open_sites
    ]
    if mobile is not None:
        rows += [
            _site_row(
                sites,
                j,
                "mobile_repair_base",
                True,
                townships_served=int(sum(mobile.assignment == j)),
            )
            for j in mobile.open_sites
        ]
        for i, j in zip(uncovered, mobile.assignment, strict=True):
            towns[i]["mobile_base_id"] = sites.site_ids[j] if j >= 0 else None
    county = {
        "code": sites.county_code,
        "name": sites.county_name,
        "townships": sites.n_townships,
        "fleet_nevs": round(fleet, 1),
        "maintenance_points": len(fixed.open_sites),
        "new_maintenance_points": len(fixed.new_sites),
        "mobile_repair_bases": len(mobile.open_sites) if mobile else 0,
        "townships_within_response": sites.n_townships - len(uncovered),
    }
    return [fixed, *([mobile] if mobile else [])], county, rows, towns


def run_repair(
    uow_factory: Callable[[], UnitOfWork], request: RepairRequest, *, is_demo: bool = False
) -> Scenario:
    """Plan maintenance points, mobile repair bases and technician quotas; store it."""
    started = time.perf_counter()
    with uow_factory() as uow:
        counties = _resolve_counties(uow, request.county_codes, request.targeting_scenario_id)
        table = load_county_table(uow)
        inputs = [load_county_sites(uow, c) for c in counties]
    nevs = _county_nevs(table, request.horizon_years)
    results, county_rows, site_rows, town_rows = [], [], [], []
    for sites in inputs:
        stock, buyers = nevs.get(sites.county_code, (0.0, 0.0))
        solved, county, rows, towns = _repair_county(sites, stock + buyers, request)
        results += solved
        county_rows.append(county)
        site_rows += rows
        town_rows += towns
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
        "solver": _solver_summary(results),
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
    draft = ScenarioDraft(
        KIND,
        request.name or f"repair network, {len(county_rows)} counties",
        {"use_case": "repair", **asdict(request)},
        outcome,
        time.perf_counter() - started,
        is_demo,
    )
    return store_scenario(uow_factory, draft)


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
