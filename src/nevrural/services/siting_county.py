"""One county's charging or after-sales plan: build its problem, solve, describe it.

See :mod:`nevrural.services.siting` for the use cases and their assumptions.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from nevrural.core.siting.coverage import LSCPParams, MCLPParams, solve_lscp, solve_mclp
from nevrural.core.siting.pmedian import PMedianParams, solve_p_median
from nevrural.core.siting.problem import SitingProblem, SitingResult
from nevrural.core.siting.rural import (
    ASSUMED_HEADROOM_KVA,
    NEVS_PER_PUBLIC_POINT,
    chargers_from_headroom,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.services.siting_inputs import CountySites
    from nevrural.services.siting_requests import ChargingRequest, RepairRequest

__all__ = ["CountyPlan", "plan_charging_county", "plan_repair_county", "solver_summary"]

# Solver results, the county's summary row, its site rows and its township rows.
CountyPlan = tuple[list[SitingResult], dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]


def solver_summary(results: Sequence[SitingResult]) -> dict[str, Any]:
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


def plan_charging_county(sites: CountySites, buyers: float, request: ChargingRequest) -> CountyPlan:
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
    return [result], county_row, site_rows, towns


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


def plan_repair_county(sites: CountySites, fleet: float, request: RepairRequest) -> CountyPlan:
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
