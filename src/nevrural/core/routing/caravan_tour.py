"""Level 1 of the caravan decomposition: which caravan tours which counties, in what order.

Each county is one *client* of a prize-collecting vehicle routing problem on PyVRP:

* a client sits at the county's main venue (its seat); its **prize** is the persons its
  events reach, and its **service duration** the working time its events are expected to
  take, ``(1 + ceil(market_wait · ceil(sub_events / max_events_per_day))) · day_minutes``
  (one day for the main venue, then the township sub-events at the daily maximum,
  stretched by ``market_wait`` for the days spent waiting for market days; modelled);
* each caravan is one vehicle type (one vehicle) that starts at its depot and ends at a
  zero-distance dummy depot, so the tour is *open*: a caravan ends the campaign in its
  last county; its **shift duration** is the working time in the window,
  ``usable_days · day_minutes · utilisation``, where ``utilisation`` (modelled 0.8)
  leaves room for days without a market in reach;
* travel between counties costs its driving minutes of working time (durations) and
  ``persons_per_km`` persons per road km (distances), so PyVRP minimises
  ``persons_per_km · km driven − persons of the toured counties``.

Counties that do not fit any caravan's time are left out, and the day planner reports
their events as unheld. PyVRP's search is an iterated local search; the stop is an
iteration count (reproducible) with a time limit as a guard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from nevrural.core.routing.caravan_problem import PERSONS_SCALE, open_end_matrices

if TYPE_CHECKING:
    from nevrural.core.routing.caravan_problem import CaravanProblem

__all__ = ["CountyTourResult", "CountyWork", "county_work", "plan_county_tours"]


@dataclass(frozen=True)
class CountyWork:
    """One county as level 1 sees it: its anchor venue, persons and expected days."""

    county_code: str
    anchor_venue: int
    persons: float
    expected_days: int


@dataclass(frozen=True)
class CountyTourResult:
    """Ordered counties per caravan id, the counties left out, and solver figures."""

    tours: dict[str, tuple[str, ...]]
    left_out: tuple[str, ...]
    seconds: float
    iterations: int


def county_work(problem: CaravanProblem, market_wait: float = 1.0) -> tuple[CountyWork, ...]:
    """Each county's anchor (its main venue, else its first event's venue), persons, days.

    ``market_wait`` (>= 1) stretches the sub-event days for waiting on market days.
    """
    per_day = problem.rules.max_events_per_day
    works = []
    for code in problem.county_codes():
        events = [e for e in problem.events if e.county_code == code]
        mains = [e for e in events if e.kind == "main"]
        anchor = (mains or events)[0].venue_index
        subs = len(events) - len(mains)
        works.append(
            CountyWork(
                county_code=code,
                anchor_venue=anchor,
                persons=float(sum(e.persons for e in events)),
                expected_days=len(mains) + math.ceil(market_wait * math.ceil(subs / per_day)),
            )
        )
    return tuple(works)


def plan_county_tours(
    problem: CaravanProblem,
    usable_days: int,
    *,
    persons_per_km: float,
    utilisation: float,
    market_wait: float,
    time_limit_s: float,
    max_iterations: int,
    seed: int,
) -> CountyTourResult:
    """Assign and order the counties of `problem` among its caravans (see the module notes).

    Parameters
    ----------
    usable_days
        Days of the window on which events may be held somewhere (>= 0).
    persons_per_km
        Persons a road km is worth giving up, persons/km (>= 0).
    utilisation
        Share of the working time that level 1 may fill, in (0, 1].
    market_wait
        Stretch of the sub-event days for waiting on market days (>= 1).
    time_limit_s, max_iterations, seed
        PyVRP's stop (whichever first) and seed.
    """
    works = county_work(problem, market_wait)
    caravans = problem.caravans
    if not works or not caravans:
        return CountyTourResult({c.caravan_id: () for c in caravans}, (), 0.0, 0)
    day_min = problem.rules.day_minutes
    k = len(caravans)
    venues = (
        [c.depot_index for c in caravans]
        + [works[0].anchor_venue]
        + [w.anchor_venue for w in works]
    )
    distance, duration = open_end_matrices(
        problem, np.array(venues, dtype=np.int64), dummy=k, persons_per_km=persons_per_km
    )
    shift = max(1, int(usable_days * day_min * utilisation))
    clients = [
        Client(
            location=k + 1 + i,
            service_duration=w.expected_days * day_min,
            prize=round(w.persons * PERSONS_SCALE),
            required=False,
        )
        for i, w in enumerate(works)
    ]
    depots = [Depot(location=i) for i in range(k + 1)]
    vehicle_types = [
        VehicleType(num_available=1, start_depot=i, end_depot=k, shift_duration=shift)
        for i in range(k)
    ]
    data = ProblemData(
        [Location(x=0, y=0) for _ in venues],
        clients,
        depots,
        vehicle_types,
        [distance],  # type: ignore[list-item]
        [duration],  # type: ignore[list-item]
    )
    stop = MultipleCriteria([MaxIterations(max_iterations), MaxRuntime(time_limit_s)])
    outcome = solve(data, stop, seed=seed, collect_stats=False, display=False)
    tours: dict[str, tuple[str, ...]] = {c.caravan_id: () for c in caravans}
    toured: set[str] = set()
    if outcome.is_feasible():
        for route in outcome.best.routes():
            order = tuple(
                works[data.client(a.idx).location - k - 1].county_code
                for a in route
                if a.is_client()
            )
            tours[caravans[route.vehicle_type()].caravan_id] = order
            toured.update(order)
    left_out = tuple(w.county_code for w in works if w.county_code not in toured)
    return CountyTourResult(tours, left_out, float(outcome.runtime), int(outcome.num_iterations))
