"""An independent feasibility check and the cost of VRPTW routes (no PyVRP here).

A route is the sequence of customer numbers (``1..n``) one vehicle visits; it leaves
the depot (0) and returns there. Each route is simulated on the problem's integer
matrices, in tenths:

* the vehicle leaves the depot at its opening time ``a_0``;
* at customer ``j`` after ``i`` it arrives at ``t_i + s_i + d_ij`` (``t_i`` the start of
  service at ``i``, ``s_i`` its service duration, ``d_ij`` the travel time), waits when
  early, and starts service at ``t_j = max(arrival, a_j)``; ``t_j > b_j`` is a violation;
* it is back at ``t_last + s_last + d_last,0`` which must be ``<= b_0``;
* the demand on a route must not exceed the capacity;
* over all routes every customer is visited exactly once, numbers lie in ``1..n``, and
  at most ``vehicle_count`` routes are non-empty (empty routes cost nothing and are no
  vehicle).

After a late start the simulation goes on from that late time, so every later window a
route misses is reported too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from nevrural.core.routing.vrptw import units_of_tenths

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.routing.vrptw import VrptwProblem

__all__ = [
    "RouteViolation",
    "ViolationKind",
    "check_routes",
    "route_cost",
    "route_distance_tenths",
]

ViolationKind = Literal[
    "unknown_customer", "missing", "repeated", "vehicles", "capacity", "late", "depot_closed"
]


@dataclass(frozen=True)
class RouteViolation:
    """One broken rule: its kind, the route (0-based, None for the whole plan) and customer.

    ``excess`` is how far the rule is broken: load units for ``capacity``, tenths of the
    time unit for ``late`` and ``depot_closed``, a count for the others.
    """

    kind: ViolationKind
    route: int | None
    customer: int | None
    excess: int
    message: str

    def __str__(self) -> str:
        return self.message


def _plan_violations(
    problem: VrptwProblem, routes: Sequence[Sequence[int]]
) -> list[RouteViolation]:
    """Customers unknown, missing or repeated, and too many vehicles."""
    found: list[RouteViolation] = []
    n = problem.n_customers
    visits = Counter(c for route in routes for c in route)
    for customer in sorted(c for c in visits if not 1 <= c <= n):
        found.append(
            RouteViolation(
                "unknown_customer", None, customer, 1, f"customer {customer} is not in 1..{n}"
            )
        )
    for customer in range(1, n + 1):
        count = visits.get(customer, 0)
        if count == 0:
            found.append(
                RouteViolation("missing", None, customer, 1, f"customer {customer} never visited")
            )
        elif count > 1:
            found.append(
                RouteViolation(
                    "repeated",
                    None,
                    customer,
                    count - 1,
                    f"customer {customer} visited {count} times",
                )
            )
    used = sum(1 for route in routes if route)
    if used > problem.vehicle_count:
        found.append(
            RouteViolation(
                "vehicles",
                None,
                None,
                used - problem.vehicle_count,
                f"{used} routes need more than the {problem.vehicle_count} vehicles",
            )
        )
    return found


def _route_violations(problem: VrptwProblem, k: int, route: Sequence[int]) -> list[RouteViolation]:
    """Load and schedule of route ``k`` (its customers must all be known)."""
    found: list[RouteViolation] = []
    load = sum(int(problem.demand[c]) for c in route)
    if load > problem.capacity:
        found.append(
            RouteViolation(
                "capacity",
                k,
                None,
                load - problem.capacity,
                f"route {k + 1}: load {load} > capacity {problem.capacity}",
            )
        )
    ready, due = problem.ready_tenths, problem.due_tenths
    travel, service = problem.duration_tenths, problem.service_tenths
    here, free_at = 0, int(ready[0])
    for customer in route:
        start = max(free_at + int(travel[here, customer]), int(ready[customer]))
        if start > due[customer]:
            found.append(
                RouteViolation(
                    "late",
                    k,
                    customer,
                    start - int(due[customer]),
                    f"route {k + 1}: service at customer {customer} starts at {start},"
                    f" after its due time {due[customer]} (tenths)",
                )
            )
        here, free_at = customer, start + int(service[customer])
    back = free_at + int(travel[here, 0])
    if route and back > due[0]:
        found.append(
            RouteViolation(
                "depot_closed",
                k,
                None,
                back - int(due[0]),
                f"route {k + 1}: back at the depot at {back}, after it closes at {due[0]} (tenths)",
            )
        )
    return found


def check_routes(problem: VrptwProblem, routes: Sequence[Sequence[int]]) -> list[RouteViolation]:
    """Every rule the routes break; an empty list means feasible.

    Parameters
    ----------
    problem
        The instance (times and travel times in tenths).
    routes
        Customer numbers (``1..n``) per vehicle, in visiting order, depot not included.

    Examples
    --------
    >>> from nevrural.core.routing.vrptw import build_vrptw_problem
    >>> problem = build_vrptw_problem(
    ...     [[0, 0], [0, 10], [10, 0]], [0, 6, 6], ([0, 0, 0], [100, 10, 100]), [0, 5, 5],
    ...     capacity=10, vehicle_count=2)
    >>> check_routes(problem, [[1], [2]])
    []
    >>> [v.kind for v in check_routes(problem, [[2, 1]])]
    ['capacity', 'late']
    """
    found = _plan_violations(problem, routes)
    n = problem.n_customers
    for k, route in enumerate(routes):
        if all(1 <= c <= n for c in route):
            found.extend(_route_violations(problem, k, route))
    return found


def route_distance_tenths(problem: VrptwProblem, routes: Sequence[Sequence[int]]) -> int:
    """Total distance of the routes, depot to depot, tenths of the instance unit.

    Empty routes cost nothing. Customer numbers must lie in ``0..n``.
    """
    distance = problem.distance_tenths
    total = 0
    for route in routes:
        if route:
            stops = [0, *route, 0]
            total += sum(int(distance[i, j]) for i, j in pairwise(stops))
    return total


def route_cost(problem: VrptwProblem, routes: Sequence[Sequence[int]]) -> float:
    """Total distance of the routes in the instance's unit (CVRPLIB's ``Cost``).

    >>> from nevrural.core.routing.vrptw import build_vrptw_problem
    >>> problem = build_vrptw_problem(
    ...     [[0, 0], [3, 4], [1, 1]], [0, 1, 1], ([0, 0, 0], [100, 100, 100]), [0, 0, 0],
    ...     capacity=10, vehicle_count=1)
    >>> route_cost(problem, [[1, 2]])
    10.0
    """
    return units_of_tenths(route_distance_tenths(problem, routes))
