"""Mobile repair rounds: service vans that visit township clusters every ``N`` days.

Two steps, both pure.

1. **Clusters** (:func:`township_clusters`, in
   :mod:`~nevrural.core.routing.repair_clusters`): townships are grouped so that every
   township lies within ``radius_km`` road km of its cluster's *hub*, itself a township.
   The hubs are as few townships as cover all townships: a location set covering
   problem solved with the repo's :func:`~nevrural.core.siting.coverage.solve_lscp`
   (HiGHS MIP from a greedy cover, proven fewest; on large instances its greedy, LP
   rounding and window heuristic with a proven bound). Each township joins its nearest
   hub (ties to the lower index; a hub is its own hub). Road km = great-circle km ×
   circuity.
2. **Rounds** (:func:`solve_repair_rounds`): the cluster hubs are the *stops*. One PyVRP
   solve plans one period of ``N`` days at once: every stop is a required client with
   its service duration, and each depot has one vehicle type with
   ``vans × N`` vehicles (one vehicle = one van-day) that start and end at that
   depot within the working hours. The objective is the total road distance. The
   routes of each depot are then dealt to (van, day offset): the ``k``-th route (in
   order of its stop ids) runs on day ``k mod N`` with van ``k div N``, so no van works
   twice on a day. The ``N``-day pattern repeats through the window: stop ``s`` on a
   route with offset ``o`` is visited on days ``o, o + N, o + 2N, ...``, exactly every
   ``N`` days.

Notes
-----
Formulation (one period): minimise ``sum_r km(r)`` over depot-to-depot routes ``r`` that
cover every stop exactly once, at most ``vans_d · N`` routes from depot ``d``, each with
``sum travel_min + sum service_min <= work_end_min - work_start_min``. A van leaves at
``work_start_min`` and never waits, so the route times follow from the order alone.
Travel minutes are ``ceil(60 · road_km / speed_kmh)``
(:func:`~nevrural.core.routing.caravan_problem.travel_minutes`); PyVRP gets road
distances in whole metres (:func:`distance_m`) and these whole minutes.

Planning all ``N`` days in one VRP (rather than splitting the stops into ``N`` day
groups first) lets the search trade stops between days; dealing routes to days
afterwards is always possible because the fleet bound ``vans · N`` holds per depot. It
does not balance the work between days beyond the round-robin deal. PyVRP's iterated
local search (Wouda, Lan & Kool, INFORMS J. Computing 36 (2024)) is a heuristic: the
distance is good, not proven optimal. Only the iteration limit makes a seeded run
reproducible across machines. The independent checker is
:func:`~nevrural.core.routing.repair_rounds_check.check_repair_rounds`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING, NoReturn

import numpy as np
import numpy.typing as npt
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from nevrural.core.routing.repair_clusters import TownshipClusterResult, township_clusters
from nevrural.core.routing.repair_rounds_problem import (
    RepairRoundResult,
    RepairVisit,
    ScheduledStop,
    VanDay,
    format_clock,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.routing.repair_rounds_problem import RepairRoundProblem

__all__ = [
    "TownshipClusterResult",
    "distance_m",
    "distance_matrix_m",
    "expand_visits",
    "precheck_repair_rounds",
    "schedule_van_day",
    "solve_repair_rounds",
    "to_pyvrp_data",
    "township_clusters",
]

# Stops named in an error message at most (the rest are counted).
_MAX_NAMED = 10


def distance_m(road_km: float) -> int:
    """Road km as the whole metres PyVRP minimises (the one scaling of distances).

    >>> distance_m(12.3456)
    12346
    """
    return int(distance_matrix_m(np.asarray(road_km)))


def distance_matrix_m(road_km: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """:func:`distance_m` of every entry (halves round to even, as ``round`` does)."""
    return np.rint(np.asarray(road_km, dtype=np.float64) * 1000.0).astype(np.int64)


def precheck_repair_rounds(problem: RepairRoundProblem) -> None:
    """Raise ValueError when no plan can exist, naming the stop or the numbers that clash.

    A stop must fit in one working day from some depot with vans (out, service, back),
    and all service time must fit in the van-days of one period.
    """
    day = problem.day_minutes
    hours = f"{format_clock(problem.work_start_min)}-{format_clock(problem.work_end_min)}"
    depots = [d for d in range(problem.n_depots) if problem.vans_by_depot[d] > 0]
    for s in range(problem.n_stops):
        place, service = problem.place_of_stop(s), problem.service_min_by_stop[s]
        need, best = min(
            (problem.travel_min(d, place) + service + problem.travel_min(place, d), d)
            for d in depots
        )
        if need > day:
            out, back = problem.travel_min(best, place), problem.travel_min(place, best)
            raise ValueError(
                f"stop {problem.stop_label(s)} cannot be served in one working day: from the"
                f" best depot {problem.depot_ids[best]!r} it needs {out} + {service} + {back}"
                f" = {need} min (out, service, back), more than the {day} min of {hours}"
            )
    van_days = sum(problem.vans_by_depot) * problem.period_days
    total = sum(problem.service_min_by_stop)
    if total > van_days * day:
        raise ValueError(
            f"service time {total} min of {problem.n_stops} stops exceeds the {van_days}"
            f" van-days x {day} min = {van_days * day} min of one {problem.period_days}-day period"
        )


def to_pyvrp_data(problem: RepairRoundProblem) -> ProblemData:
    """PyVRP data: place ``i`` is location ``i``, client ``s`` stop ``s``, type ``d`` depot ``d``.

    Depots with no van get no vehicle type (the type index is then not the depot's).
    """
    distance = distance_matrix_m(problem.road_km)
    duration = problem.travel_matrix_min()
    clients = [
        Client(location=problem.place_of_stop(s), service_duration=service, name=stop_id)
        for s, (stop_id, service) in enumerate(
            zip(problem.stop_ids, problem.service_min_by_stop, strict=True)
        )
    ]
    depots = [
        Depot(location=d, tw_early=problem.work_start_min, tw_late=problem.work_end_min)
        for d in range(problem.n_depots)
    ]
    vehicle_types = [
        VehicleType(
            num_available=vans * problem.period_days,
            start_depot=d,
            end_depot=d,
            tw_early=problem.work_start_min,
            tw_late=problem.work_end_min,
            shift_duration=problem.day_minutes,
            name=problem.depot_ids[d],
        )
        for d, vans in enumerate(problem.vans_by_depot)
        if vans > 0
    ]
    locations = [Location(x=0.0, y=0.0) for _ in distance]  # explicit matrices: unused
    # PyVRP's stub types matrices as ``ndarray[int]`` (shape slot): int64 is what it takes.
    return ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        [distance],  # type: ignore[list-item]
        [duration],  # type: ignore[list-item]
    )


def schedule_van_day(
    problem: RepairRoundProblem, depot: int, stops: Sequence[int], van: int, day_offset: int
) -> VanDay:
    """Times and distances of one van-day: leave at the start of work, never wait.

    >>> from datetime import date
    >>> from nevrural.core.routing.repair_rounds_problem import RepairRoundProblem
    >>> problem = RepairRoundProblem(
    ...     depot_ids=("D",), stop_ids=("A", "B"), road_km=[[0, 10, 20], [10, 0, 10], [20, 10, 0]],
    ...     service_min=30, vans_per_depot=1, period_days=1, speed_kmh=60.0,
    ...     window_start=date(2024, 5, 1), window_end=date(2024, 5, 1))
    >>> day = schedule_van_day(problem, 0, [0, 1], van=0, day_offset=0)
    >>> [(s.stop_id, s.arrive_min, s.end_min) for s in day.stops], day.return_min, day.distance_km
    ([('A', 490, 520), ('B', 530, 560)], 580, 40.0)
    """
    time, here, km = problem.work_start_min, depot, 0.0
    scheduled = []
    for s in stops:
        place = problem.place_of_stop(s)
        leg = float(problem.road_km[here, place])
        arrive = time + problem.travel_min(here, place)
        end = arrive + problem.service_min_by_stop[s]
        scheduled.append(ScheduledStop(problem.stop_ids[s], arrive, arrive, end, leg))
        time, here, km = end, place, km + leg
    back = time + problem.travel_min(here, depot)
    km += float(problem.road_km[here, depot])
    return VanDay(
        problem.depot_ids[depot],
        van,
        day_offset,
        tuple(scheduled),
        problem.work_start_min,
        back,
        km,
    )


def expand_visits(
    problem: RepairRoundProblem, pattern: Sequence[VanDay]
) -> tuple[RepairVisit, ...]:
    """Every visit of the window: van-day ``o`` of the pattern runs on days ``o + m N``."""
    by_offset: dict[int, list[VanDay]] = defaultdict(list)
    for van_day in pattern:
        by_offset[van_day.day_offset].append(van_day)
    visits: list[RepairVisit] = []
    for day in range(problem.window_days):
        on = problem.window_start + timedelta(days=day)
        for van_day in by_offset[day % problem.period_days]:
            visits.extend(
                RepairVisit(s.stop_id, on, van_day.depot_id, van_day.van, s.start_min, s.end_min)
                for s in van_day.stops
            )
    return tuple(sorted(visits, key=lambda v: (v.date, v.depot_id, v.van, v.start_min)))


def solve_repair_rounds(
    problem: RepairRoundProblem,
    time_limit_s: float,
    seed: int = 0,
    *,
    max_iterations: int | None = None,
) -> RepairRoundResult:
    """Van-day rounds of least road distance that visit every stop once every N days.

    Parameters
    ----------
    problem
        Depots, stops, vans, period, window and working hours.
    time_limit_s
        Time limit of the PyVRP search, s (> 0).
    seed
        Seed of PyVRP's random number stream (>= 0).
    max_iterations
        Optional iteration limit; the search ends at whichever limit comes first.

    Returns
    -------
    RepairRoundResult
        The N-day pattern, its visits over the window, km per period and solver effort.

    Raises
    ------
    ValueError
        A stop does not fit in one working day from any depot with vans, the service
        time exceeds all van-days of a period, or PyVRP finds no feasible plan (the
        message names the vans, N and the stops on over-long routes).

    Examples
    --------
    Stops A, B, C at km 10, 20, 30 of the depot's road, 1 min per km, 90 min each, a
    4-hour day: A + B + C takes 330 min; A alone and B then C (20 + 60 = 80 km) beats
    A + B and C (40 + 60) and A + C and B (60 + 40).

    >>> from datetime import date
    >>> from nevrural.core.routing.repair_rounds_problem import RepairRoundProblem
    >>> km = [[0, 10, 20, 30], [10, 0, 10, 20], [20, 10, 0, 10], [30, 20, 10, 0]]
    >>> problem = RepairRoundProblem(
    ...     depot_ids=("D",), stop_ids=("A", "B", "C"), road_km=km, service_min=90,
    ...     vans_per_depot=1, period_days=2, work_start_min=480, work_end_min=720,
    ...     speed_kmh=60.0, window_start=date(2024, 5, 1), window_end=date(2024, 5, 4))
    >>> result = solve_repair_rounds(problem, time_limit_s=2.0, max_iterations=200)
    >>> [tuple(s.stop_id for s in d.stops) for d in result.pattern]
    [('A',), ('B', 'C')]
    >>> result.distance_km_per_period, [str(d) for d in result.visit_dates("B")]
    (80.0, ['2024-05-02', '2024-05-04'])
    """
    if not time_limit_s > 0:
        raise ValueError(f"time_limit_s = {time_limit_s} must be > 0")
    if isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed = {seed} must be an integer >= 0")
    if max_iterations is not None and max_iterations < 1:
        raise ValueError(f"max_iterations = {max_iterations} must be >= 1")
    precheck_repair_rounds(problem)
    stop: StoppingCriterion = MaxRuntime(time_limit_s)
    if max_iterations is not None:
        stop = MultipleCriteria([stop, MaxIterations(max_iterations)])
    data = to_pyvrp_data(problem)
    outcome = solve(data, stop, seed=seed, collect_stats=False, display=False)
    best = outcome.best
    depot_of_type = [d for d, vans in enumerate(problem.vans_by_depot) if vans > 0]
    routes = [
        (
            depot_of_type[route.vehicle_type()],
            tuple(a.idx for a in route if a.is_client()),
            route.has_time_warp(),
        )
        for route in best.routes()
    ]
    if not (best.is_feasible() and best.is_complete()):
        _raise_infeasible(problem, [stops for _, stops, late in routes if late])
    pattern = _deal_routes(problem, [(d, stops) for d, stops, _ in routes if stops])
    return RepairRoundResult(
        period_days=problem.period_days,
        pattern=pattern,
        visits=expand_visits(problem, pattern),
        distance_km_per_period=float(sum(van_day.distance_km for van_day in pattern)),
        seconds=float(outcome.runtime),
        iterations=int(outcome.num_iterations),
    )


def _deal_routes(
    problem: RepairRoundProblem, routes: Sequence[tuple[int, tuple[int, ...]]]
) -> tuple[VanDay, ...]:
    """Route ``k`` of a depot (by stop ids) runs on day ``k mod N`` with van ``k div N``."""
    by_depot: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for depot, stops in routes:
        by_depot[depot].append(stops)
    n = problem.period_days
    pattern: list[VanDay] = []
    for depot in sorted(by_depot):
        ordered = sorted(by_depot[depot], key=lambda r: [problem.stop_ids[s] for s in r])
        pattern.extend(
            schedule_van_day(problem, depot, stops, van=k // n, day_offset=k % n)
            for k, stops in enumerate(ordered)
        )
    order = {depot_id: d for d, depot_id in enumerate(problem.depot_ids)}
    return tuple(sorted(pattern, key=lambda v: (order[v.depot_id], v.day_offset, v.van)))


def _raise_infeasible(
    problem: RepairRoundProblem, late_routes: Sequence[tuple[int, ...]]
) -> NoReturn:
    """ValueError naming the vans, N and the stops PyVRP could not fit in a working day."""
    vans = ", ".join(
        f"{v} at {d!r}" for d, v in zip(problem.depot_ids, problem.vans_by_depot, strict=True)
    )
    late = sorted({s for route in late_routes for s in route}) or list(range(problem.n_stops))
    named = ", ".join(problem.stop_label(s) for s in late[:_MAX_NAMED])
    more = f" and {len(late) - _MAX_NAMED} more" if len(late) > _MAX_NAMED else ""
    what = "stops on over-long van-days:" if late_routes else "stops:"
    raise ValueError(
        f"no feasible repair rounds found: {problem.n_stops} stops every"
        f" {problem.period_days} days with vans {vans} ({problem.day_minutes}-min working"
        f" days); {what} {named}{more}; add vans, lengthen the period or the working day"
    )
