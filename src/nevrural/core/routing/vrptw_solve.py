"""Solve a VRPTW on PyVRP (iterated local search) and check the result independently.

Notes
-----
Formulation: minimise the total travel distance (tenths) over at most ``vehicle_count``
identical vehicles of capacity ``capacity``, no fixed cost per vehicle, every customer
visited once, service starting inside its window (waiting allowed), every route within
the depot's opening hours. This is how CVRPLIB ranks Solomon's instances: its
best-known solutions minimise distance alone, with the file's fleet (25 vehicles) only
as an upper bound, so they often use *more* routes than the records that minimise
vehicles first (R101: 20 routes for 1637.7, where the fewest-vehicle record has 19;
RC101: 15 against 14). All 56 are feasible and reproduce their stated cost under the
independent checker and the truncated integer distances.

PyVRP (N. A. Wouda, L. Lan and W. Kool, "PyVRP: a high-performance VRP solver package",
INFORMS Journal on Computing 36(4), 2024) runs an iterated local search: granular
neighbourhoods (each customer's nearest few) give ``O(n k)`` candidate moves per pass,
each evaluated in ``O(1)`` from concatenated load and time-window segments; excess load
and time warp are penalised during the search and the best *feasible* solution is kept.
The search stops at the time limit (PyVRP's own wall clock) or, when given, after
``max_iterations`` iterations: only that second stop is reproducible across machines.
The result's feasibility comes from :func:`~nevrural.core.routing.vrptw_check.check_routes`,
not from PyVRP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from nevrural.core.routing.vrptw import units_of_tenths
from nevrural.core.routing.vrptw_check import check_routes, route_distance_tenths

if TYPE_CHECKING:
    from nevrural.core.routing.vrptw import VrptwProblem

__all__ = ["VrptwResult", "solve_vrptw", "to_pyvrp_data"]


@dataclass(frozen=True)
class VrptwResult:
    """The best routes found, their cost and how they were found.

    Attributes
    ----------
    cost
        Total distance, the instance's unit (tenths / 10: CVRPLIB's ``Cost``).
    distance_tenths
        The same, integer tenths.
    routes
        Customer numbers (``1..n``) per used vehicle, in visiting order.
    vehicles
        Routes used.
    seconds
        Solver wall-clock time, s (PyVRP's own clock).
    iterations
        Search iterations.
    is_feasible
        Whether the independent checker found no violation.
    violations
        The checker's messages (empty when feasible).
    """

    cost: float
    distance_tenths: int
    routes: tuple[tuple[int, ...], ...]
    vehicles: int
    seconds: float
    iterations: int
    is_feasible: bool
    violations: tuple[str, ...] = ()


def to_pyvrp_data(problem: VrptwProblem) -> ProblemData:
    """The problem as PyVRP data: location ``i`` is the depot (0) or customer ``i``."""
    ready, due = problem.ready_tenths, problem.due_tenths
    locations = [Location(x=float(x), y=float(y)) for x, y in problem.coordinates]
    clients = [
        Client(
            location=i,
            delivery=[int(problem.demand[i])],
            service_duration=int(problem.service_tenths[i]),
            tw_early=int(ready[i]),
            tw_late=int(due[i]),
        )
        for i in range(1, problem.size)
    ]
    depot = Depot(location=0, tw_early=int(ready[0]), tw_late=int(due[0]))
    vehicles = VehicleType(
        num_available=problem.vehicle_count,
        capacity=[problem.capacity],
        tw_early=int(ready[0]),
        tw_late=int(due[0]),
    )
    return ProblemData(
        locations,
        clients,
        [depot],
        [vehicles],
        # PyVRP's stub types matrices as ``ndarray[int]`` (shape slot): int64 is what it takes.
        [problem.distance_tenths.copy()],  # type: ignore[list-item]
        [problem.duration_tenths.copy()],  # type: ignore[list-item]
    )


def solve_vrptw(
    problem: VrptwProblem,
    time_limit_s: float,
    seed: int = 0,
    *,
    max_iterations: int | None = None,
) -> VrptwResult:
    """Routes of least total distance within capacity, time windows and the fleet.

    Parameters
    ----------
    problem
        The instance.
    time_limit_s
        Time limit, s (> 0).
    seed
        Seed of PyVRP's random number stream (>= 0).
    max_iterations
        Optional iteration limit; the search ends at whichever limit comes first.

    Examples
    --------
    >>> from nevrural.core.routing.vrptw import build_vrptw_problem
    >>> problem = build_vrptw_problem(
    ...     [[0, 0], [0, 10], [10, 0], [10, 10]], [0, 4, 4, 4],
    ...     ([0, 0, 0, 0], [100, 100, 100, 100]), [0, 1, 1, 1], capacity=8, vehicle_count=2)
    >>> result = solve_vrptw(problem, time_limit_s=1.0, seed=1, max_iterations=200)
    >>> result.cost, result.vehicles, result.is_feasible
    (54.1, 2, True)
    """
    if not time_limit_s > 0:
        raise ValueError(f"time_limit_s = {time_limit_s} must be > 0")
    if seed < 0:
        raise ValueError(f"seed = {seed} must be >= 0")
    stop: StoppingCriterion = MaxRuntime(time_limit_s)
    if max_iterations is not None:
        stop = MultipleCriteria([stop, MaxIterations(max_iterations)])
    data = to_pyvrp_data(problem)
    outcome = solve(data, stop, seed=seed, collect_stats=False, display=False)
    routes = tuple(
        tuple(data.client(activity.idx).location for activity in route if activity.is_client())
        for route in outcome.best.routes()
    )
    routes = tuple(route for route in routes if route)
    violations = tuple(str(v) for v in check_routes(problem, routes))
    distance = route_distance_tenths(problem, routes)
    return VrptwResult(
        cost=units_of_tenths(distance),
        distance_tenths=distance,
        routes=routes,
        vehicles=len(routes),
        seconds=float(outcome.runtime),
        iterations=int(outcome.num_iterations),
        is_feasible=not violations,
        violations=violations,
    )
