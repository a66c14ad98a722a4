"""Use case helper: mobile repair rounds for the campaign's counties, every N days.

Each county's townships are grouped into clusters whose hub township lies within
``repair_cluster_km`` road km of every member (a set cover on HiGHS); the hubs are the
stops. Each county seat is a depot with ``repair_vans_per_county`` vans; one PyVRP solve
plans van-day rounds of least road km that visit every stop once per period, and the
pattern repeats every ``repair_period_days`` through the window (a van may serve a
neighbouring county's stop when that is shorter). Repair rounds are a service, not an
event: blackouts (harvest) do not stop them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.events.campaign_events import road_km_matrix
from nevrural.core.geo import DEFAULT_RURAL_CIRCUITY
from nevrural.core.routing.repair_clusters import township_clusters
from nevrural.core.routing.repair_rounds import solve_repair_rounds
from nevrural.core.routing.repair_rounds_check import check_repair_rounds
from nevrural.core.routing.repair_rounds_problem import RepairRoundProblem

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.events.campaign_events import CountyTownships
    from nevrural.services.events_requests import EventPlanRequest

__all__ = ["REPAIR_TIME_LIMIT_S", "plan_repair_rounds"]

REPAIR_TIME_LIMIT_S = 10.0
_REPAIR_ITERATIONS = 2_000


def _stops(
    counties: Sequence[CountyTownships], radius_km: float
) -> tuple[list[str], list[str], list[float], list[float], dict[str, list[str]]]:
    """Cluster hubs of every county: ids, names, positions, and each hub's members."""
    ids: list[str] = []
    names: list[str] = []
    lon: list[float] = []
    lat: list[float] = []
    members: dict[str, list[str]] = {}
    for county in counties:
        if not county.township_codes:
            continue
        clusters = township_clusters(county.township_lon_deg, county.township_lat_deg, radius_km)
        for cluster, hub in enumerate(clusters.hubs):
            code = county.township_codes[hub]
            ids.append(code)
            names.append(county.township_names[hub])
            lon.append(float(county.township_lon_deg[hub]))
            lat.append(float(county.township_lat_deg[hub]))
            members[code] = [county.township_codes[i] for i in clusters.members(cluster)]
    return ids, names, lon, lat, members


def plan_repair_rounds(
    counties: Sequence[CountyTownships], request: EventPlanRequest
) -> dict[str, Any]:
    """The repair-round pattern and its visits as a JSON-ready dict (empty when N = 0)."""
    if request.repair_period_days == 0 or not counties:
        return {"period_days": 0, "pattern": [], "visits": 0, "stops": []}
    ids, names, lon, lat, members = _stops(counties, request.repair_cluster_km)
    depot_lon = [c.seat_lon_deg for c in counties]
    depot_lat = [c.seat_lat_deg for c in counties]
    road_km = road_km_matrix(depot_lon + lon, depot_lat + lat, DEFAULT_RURAL_CIRCUITY)
    problem = RepairRoundProblem(
        depot_ids=tuple(c.county_code for c in counties),
        stop_ids=tuple(ids),
        stop_names=tuple(names),
        road_km=road_km,
        service_min=request.repair_stop_min,
        vans_per_depot=request.repair_vans_per_county,
        period_days=request.repair_period_days,
        window_start=request.start,
        window_end=request.end,
        work_start_min=request.work_start_min,
        work_end_min=request.work_end_min,
        speed_kmh=request.speed_kmh,
    )
    result = solve_repair_rounds(
        problem, REPAIR_TIME_LIMIT_S, seed=0, max_iterations=_REPAIR_ITERATIONS
    )
    violations = check_repair_rounds(problem, result)
    name_of = dict(zip(ids, names, strict=True))
    return {
        "period_days": result.period_days,
        "stops": [{"stop_id": s, "name": name_of[s], "members": members[s]} for s in ids],
        "pattern": [
            {
                "depot_id": v.depot_id,
                "van": v.van,
                "day_offset": v.day_offset,
                "leave_min": v.leave_min,
                "return_min": v.return_min,
                "distance_km": round(v.distance_km, 1),
                "stops": [
                    {
                        "stop_id": s.stop_id,
                        "name": name_of[s.stop_id],
                        "start_min": s.start_min,
                        "end_min": s.end_min,
                    }
                    for s in v.stops
                ],
            }
            for v in result.pattern
        ],
        "visits": len(result.visits),
        "distance_km_per_period": round(result.distance_km_per_period, 1),
        "seconds": round(result.seconds, 2),
        "violations": violations[:50],
        "source": "modelled",
    }
