"""From selected counties to a caravan campaign: hub-and-spoke events, venues, road km.

For each county the hub-and-spoke plan (:func:`~nevrural.core.events.hub_spoke.
solve_hub_spoke`) picks up to ``sub_events_per_county`` township sub-events that reach
the most people beyond the main venue's reach. The county's events are then its
**main venue** (at the county seat, worth the persons within the main venue's reach)
and those **sub-events** (each worth the persons credited to it). A caravan carries its
crew and demo cars from one event to the next, so a county's staff and cars bound each
event, not their sum: the hub-and-spoke budget that binds is the number of sub-events.

Venues are the county seats (id = county code), the sub-event townships (id = township
code) and the depots (id = the depot's id, so a depot at a selected county's seat is
that county's main venue); road km between them are great-circle km × the
rural circuity factor.

Units: km, minutes, persons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from nevrural.core.arrays import readonly_copy
from nevrural.core.events.hub_spoke import (
    HubSpokeParams,
    HubSpokeProblem,
    HubSpokeResult,
    estimate_road_km,
    solve_hub_spoke,
)
from nevrural.core.geo import DEFAULT_RURAL_CIRCUITY, haversine_km
from nevrural.core.routing.caravan_problem import (
    CampaignEvent,
    Caravan,
    CaravanProblem,
    CaravanRules,
    Venue,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

    from nevrural.core.events.calendar import CalendarParams

__all__ = [
    "CampaignEventParams",
    "CampaignInputs",
    "CountyTownships",
    "DepotSite",
    "build_campaign",
    "road_km_matrix",
    "spread_depots",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False, kw_only=True)
class CountyTownships:
    """One selected county: its seat and its townships with population (persons)."""

    county_code: str
    county_name: str
    seat_lon_deg: float
    seat_lat_deg: float
    township_codes: tuple[str, ...]
    township_names: tuple[str, ...]
    township_lon_deg: FloatArray
    township_lat_deg: FloatArray
    population_persons: FloatArray

    def __post_init__(self) -> None:
        n = len(self.township_codes)
        if len(self.township_names) != n:
            raise ValueError(
                f"county {self.county_code}: {n} township codes but "
                f"{len(self.township_names)} names"
            )
        for name in ("township_lon_deg", "township_lat_deg", "population_persons"):
            array = np.asarray(getattr(self, name), dtype=np.float64)
            if array.shape != (n,) or not np.all(np.isfinite(array)):
                raise ValueError(f"county {self.county_code}: {name} must be {n} finite numbers")
            object.__setattr__(self, name, readonly_copy(array))
        if np.any(self.population_persons < 0):
            raise ValueError(f"county {self.county_code}: population_persons must be >= 0")


@dataclass(frozen=True)
class DepotSite:
    """Where a caravan starts: an id (e.g. a county code), a name and a position."""

    depot_id: str
    name: str
    lon_deg: float
    lat_deg: float


@dataclass(frozen=True)
class CampaignEventParams:
    """Event sizes and reach (modelled defaults).

    Attributes
    ----------
    reach_km, main_reach_km
        Road km within which a sub-event, and the main venue, reach a township.
    sub_events_per_county
        Township sub-events per county at most.
    main_duration_min, sub_duration_min
        How long the main venue and a sub-event run, minutes.
    circuity
        Road km per great-circle km.
    hub_spoke
        Solver settings of the hub-and-spoke plans.
    """

    reach_km: float = 12.0
    main_reach_km: float = 15.0
    sub_events_per_county: int = 6
    main_duration_min: int = 360
    sub_duration_min: int = 180
    circuity: float = DEFAULT_RURAL_CIRCUITY
    hub_spoke: HubSpokeParams = field(default_factory=lambda: HubSpokeParams(time_limit_s=10.0))

    def __post_init__(self) -> None:
        for name in ("reach_km", "main_reach_km"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} = {value!r} must be finite and > 0 km")
        for name in ("sub_events_per_county", "main_duration_min", "sub_duration_min"):
            if getattr(self, name) < (0 if name == "sub_events_per_county" else 1):
                raise ValueError(f"{name} = {getattr(self, name)!r} is out of range")


@dataclass(frozen=True, eq=False)
class CampaignInputs:
    """The caravan problem and the hub-and-spoke plan of each county (by county code)."""

    problem: CaravanProblem
    hub_spoke: dict[str, HubSpokeResult]


def _county_events(
    county: CountyTownships, params: CampaignEventParams
) -> tuple[HubSpokeResult, list[tuple[str, str, float, float, str, int, float]]]:
    """The hub-and-spoke plan and the county's events (venue id, name, lon, lat, kind...)."""
    seat_km, road = estimate_road_km(
        county.seat_lon_deg,
        county.seat_lat_deg,
        county.township_lon_deg,
        county.township_lat_deg,
        params.reach_km,
        params.circuity,
    )
    plan = solve_hub_spoke(
        HubSpokeProblem(
            township_codes=county.township_codes,
            population_persons=county.population_persons,
            seat_road_km=seat_km,
            road_km=road,
            reach_km=params.reach_km,
            main_reach_km=params.main_reach_km,
            sub_event_days=params.sub_events_per_county,
            event_days=1,
            staff_per_event=0,
            staff_available=0,
            demo_cars_per_event=0,
            demo_cars_available=0,
        ),
        params.hub_spoke,
    )
    main = (
        county.county_code,
        f"{county.county_name}主会场",
        county.seat_lon_deg,
        county.seat_lat_deg,
        "main",
        params.main_duration_min,
        plan.main_venue_persons,
    )
    events = [main]
    index = {code: i for i, code in enumerate(county.township_codes)}
    for sub in plan.events:
        if sub.added_persons <= 0:
            continue
        i = index[sub.township_code]
        events.append(
            (
                sub.township_code,
                county.township_names[i],
                float(county.township_lon_deg[i]),
                float(county.township_lat_deg[i]),
                "sub",
                params.sub_duration_min,
                sub.added_persons,
            )
        )
    return plan, events


def build_campaign(
    counties: Sequence[CountyTownships],
    depots: Sequence[DepotSite],
    calendar: CalendarParams,
    *,
    rules: CaravanRules | None = None,
    params: CampaignEventParams | None = None,
    overnight_towns: Sequence[DepotSite] = (),
) -> CampaignInputs:
    """The caravan problem of `counties` with one caravan per depot (see the module notes).

    Caravan ``k`` gets the id ``"K{k+1}"`` (1-based) and starts at ``depots[k]``.
    ``overnight_towns`` (e.g. other county seats) are extra venues where a caravan may
    sleep on a long transfer; a town already among the venues (same id) is not repeated.
    """
    params = params or CampaignEventParams()
    if not depots:
        raise ValueError("at least one depot (one caravan) is needed")
    venues: list[Venue] = []
    where: dict[str, int] = {}

    def venue(venue_id: str, name: str, lon: float, lat: float) -> int:
        if venue_id not in where:
            where[venue_id] = len(venues)
            venues.append(Venue(venue_id, name, lon, lat))
        return where[venue_id]

    events: list[CampaignEvent] = []
    plans: dict[str, HubSpokeResult] = {}
    for county in counties:
        if county.county_code in plans:
            raise ValueError(f"county {county.county_code} is listed twice")
        plan, county_events = _county_events(county, params)
        plans[county.county_code] = plan
        for venue_id, name, lon, lat, kind, minutes, persons in county_events:
            events.append(
                CampaignEvent(
                    event_id=f"{county.county_code}-{kind}-{venue_id}",
                    county_code=county.county_code,
                    venue_index=venue(venue_id, name, lon, lat),
                    calendar_code=venue_id,
                    kind="main" if kind == "main" else "sub",
                    duration_min=minutes,
                    persons=float(persons),
                )
            )
    caravans = tuple(
        Caravan(f"K{k + 1}", venue(d.depot_id, d.name, d.lon_deg, d.lat_deg), d.name)
        for k, d in enumerate(depots)
    )
    for town in overnight_towns:
        venue(town.depot_id, town.name, town.lon_deg, town.lat_deg)
    road_km = road_km_matrix(
        [v.lon_deg for v in venues], [v.lat_deg for v in venues], params.circuity
    )
    problem = CaravanProblem(
        venues=tuple(venues),
        road_km=road_km,
        events=tuple(events),
        caravans=caravans,
        calendar=calendar,
        rules=rules or CaravanRules(),
        county_names={c.county_code: c.county_name for c in counties},
    )
    return CampaignInputs(problem, plans)


def road_km_matrix(lon: ArrayLike, lat: ArrayLike, circuity: float) -> FloatArray:
    """Dense road km between all points: great-circle km × circuity, zero diagonal.

    >>> road_km_matrix([110.0, 110.1], [30.0, 30.0], 1.0).round(2).tolist()
    [[0.0, 9.63], [9.63, 0.0]]
    """
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.asarray(lat, dtype=np.float64)
    km = np.asarray(
        haversine_km(lon_a[:, None], lat_a[:, None], lon_a[None, :], lat_a[None, :]),
        dtype=np.float64,
    )
    np.fill_diagonal(km, 0.0)
    return km * circuity


def spread_depots(counties: Sequence[CountyTownships], k: int) -> list[DepotSite]:
    """``k`` county seats as caravan depots: k-medoids of the seats, road km.

    Farthest-first traversal from the first county (a 2-approximate k-centre) gives the
    start; Voronoi iteration then moves each depot to the seat of its group with the
    least total road km to the others, and regroups, until nothing changes (Park & Jun,
    "A simple and fast algorithm for K-medoids clustering", Expert Systems with
    Applications 36 (2009)). Ties go to the first county in order, so runs agree.

    >>> seats = [CountyTownships(county_code=c, county_name=c, seat_lon_deg=x, seat_lat_deg=30.0,
    ...     township_codes=(), township_names=(), township_lon_deg=np.zeros(0),
    ...     township_lat_deg=np.zeros(0), population_persons=np.zeros(0))
    ...     for c, x in (("a", 110.0), ("b", 110.5), ("c", 111.0), ("d", 114.0))]
    >>> [d.depot_id for d in spread_depots(seats, 2)]
    ['b', 'd']
    """
    if not 1 <= k <= len(counties):
        raise ValueError(f"caravans = {k} must lie in 1..{len(counties)} (one depot per county)")
    lon = [c.seat_lon_deg for c in counties]
    lat = [c.seat_lat_deg for c in counties]
    km = road_km_matrix(lon, lat, 1.0)
    chosen = [0]
    while len(chosen) < k:
        chosen.append(int(np.argmax(km[chosen].min(axis=0))))
    for _ in range(100):
        group = np.asarray(chosen)[np.argmin(km[chosen], axis=0)]
        moved = []
        for medoid in chosen:
            members = np.flatnonzero(group == medoid)
            totals = km[np.ix_(members, members)].sum(axis=1)
            moved.append(int(members[int(np.argmin(totals))]))
        if moved == chosen:
            break
        chosen = moved
    return [
        DepotSite(counties[i].county_code, counties[i].county_name, float(lon[i]), float(lat[i]))
        for i in chosen
    ]
