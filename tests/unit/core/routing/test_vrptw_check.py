"""The independent checker on a hand-made instance whose violations are worked out by hand.

Depot at (0, 0) open 0..100; customer 1 at (0, 10), customer 2 at (10, 0); travel
0-1 and 0-2 take 10.0, 1-2 takes 14.1 (sqrt 200 truncated); service 5 at each.
"""

from __future__ import annotations

from nevrural.core.routing.vrptw import VrptwProblem, build_vrptw_problem
from nevrural.core.routing.vrptw_check import (
    check_routes,
    route_cost,
    route_distance_tenths,
)

__all__: list[str] = []


def two_customers(
    *,
    demand: tuple[int, int] = (5, 5),
    ready: tuple[int, int] = (0, 0),
    due: tuple[int, int] = (50, 50),
    service: tuple[int, int] = (5, 5),
    closing: int = 100,
    vehicle_count: int = 2,
) -> VrptwProblem:
    """The instance of the module docstring with the given changes (instance units)."""
    return build_vrptw_problem(
        [[0, 0], [0, 10], [10, 0]],
        [0, *demand],
        ([0, *ready], [closing, *due]),
        [0, *service],
        capacity=10,
        vehicle_count=vehicle_count,
    )


def kinds(problem: VrptwProblem, routes: list[list[int]]) -> list[tuple[str, int | None, int]]:
    """(kind, customer, excess) of every violation."""
    return [(v.kind, v.customer, v.excess) for v in check_routes(problem, routes)]


def test_feasible_routes_have_no_violation() -> None:
    """One vehicle per customer, or both on one route, breaks nothing."""
    problem = two_customers()
    assert check_routes(problem, [[1], [2]]) == []
    assert check_routes(problem, [[1, 2]]) == []


def test_overload_names_the_excess() -> None:
    """6 + 6 on a vehicle of 10: capacity exceeded by 2."""
    assert kinds(two_customers(demand=(6, 6)), [[1, 2]]) == [("capacity", None, 2)]


def test_late_start_is_reported_in_tenths() -> None:
    """Customer 2 due at 20 is reached at 10 + 5 + 14.1 = 29.1: 9.1 late (91 tenths)."""
    assert kinds(two_customers(due=(50, 20)), [[1, 2]]) == [("late", 2, 91)]


def test_waiting_for_the_window_is_allowed() -> None:
    """Customer 1 opens at 30: wait from 10, serve 30-35, reach 2 at 49.1 <= 50."""
    assert check_routes(two_customers(ready=(30, 0)), [[1, 2]]) == []


def test_service_time_delays_the_next_customer() -> None:
    """The same with service 7 at customer 1 reaches 2 at 51.1: 1.1 late."""
    problem = two_customers(ready=(30, 0), service=(7, 5))
    assert kinds(problem, [[1, 2]]) == [("late", 2, 11)]


def test_return_after_closing_is_reported() -> None:
    """Depot closes at 40; back at 29.1 + 5 + 10 = 44.1: 4.1 late."""
    assert kinds(two_customers(closing=40), [[1, 2]]) == [("depot_closed", None, 41)]


def test_every_customer_exactly_once() -> None:
    """Customer 1 twice, 2 never, 3 unknown: three violations, the route is not simulated."""
    found = kinds(two_customers(), [[1, 1], [3]])
    assert found == [("unknown_customer", 3, 1), ("repeated", 1, 1), ("missing", 2, 1)]


def test_more_routes_than_vehicles() -> None:
    """Two routes for one vehicle; empty routes are no vehicle."""
    problem = two_customers(vehicle_count=1)
    assert kinds(problem, [[1], [2], []]) == [("vehicles", None, 1)]
    assert check_routes(problem, [[1, 2], []]) == []


def test_messages_name_route_customer_and_numbers() -> None:
    """The message says which route, which customer and both times."""
    (violation,) = check_routes(two_customers(due=(50, 20)), [[1, 2]])
    assert str(violation) == (
        "route 1: service at customer 2 starts at 291, after its due time 200 (tenths)"
    )


def test_route_cost_sums_depot_to_depot() -> None:
    """[1], [2]: 2 x 20.0 = 40.0; [1, 2]: 10 + 14.1 + 10 = 34.1; empty routes cost 0."""
    problem = two_customers()
    assert route_cost(problem, [[1], [2]]) == 40.0
    assert route_cost(problem, [[1, 2], []]) == 34.1
    assert route_distance_tenths(problem, [[2, 1]]) == 341
