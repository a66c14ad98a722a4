"""PyVRP solve of tiny instances with optima worked out by hand; seeds reproduce."""

from __future__ import annotations

import pytest

from nevrural.core.routing.vrptw import VrptwProblem, build_vrptw_problem
from nevrural.core.routing.vrptw_check import check_routes
from nevrural.core.routing.vrptw_solve import solve_vrptw, to_pyvrp_data

__all__: list[str] = []


def square(*, capacity: int = 8, due: tuple[int, int, int] = (100, 100, 100)) -> VrptwProblem:
    """Depot at (0, 0); customers 1 (0, 10), 2 (10, 0), 3 (10, 10) of demand 4, service 1."""
    return build_vrptw_problem(
        [[0, 0], [0, 10], [10, 0], [10, 10]],
        [0, 4, 4, 4],
        ([0, 0, 0, 0], [200, *due]),
        [0, 1, 1, 1],
        capacity=capacity,
        vehicle_count=3,
    )


def test_capacity_forces_two_routes_at_the_least_distance() -> None:
    """Two per vehicle: {1, 3} + {2} (or {1} + {2, 3}) = 34.1 + 20.0 = 54.1 is optimal."""
    result = solve_vrptw(square(), time_limit_s=5.0, seed=0, max_iterations=500)
    assert result.cost == 54.1
    assert result.distance_tenths == 541
    assert result.vehicles == 2
    assert {frozenset(r) for r in result.routes} in (
        {frozenset({1, 3}), frozenset({2})},
        {frozenset({1}), frozenset({2, 3})},
    )
    assert result.is_feasible
    assert result.violations == ()


def test_time_windows_fix_the_order() -> None:
    """One vehicle for all: 2 is due by 10, 3 by 21, 1 by 32, so the order is 2, 3, 1."""
    result = solve_vrptw(
        square(capacity=12, due=(32, 10, 21)), time_limit_s=5.0, seed=0, max_iterations=500
    )
    assert result.routes == ((2, 3, 1),)
    assert result.cost == 40.0
    assert check_routes(square(capacity=12, due=(32, 10, 21)), result.routes) == []


def test_same_seed_gives_the_same_routes() -> None:
    """An iteration limit makes a seeded solve reproducible."""
    first = solve_vrptw(square(), time_limit_s=5.0, seed=7, max_iterations=300)
    again = solve_vrptw(square(), time_limit_s=5.0, seed=7, max_iterations=300)
    assert (first.routes, first.cost, first.iterations) == (again.routes, again.cost, 300)


def test_pyvrp_data_keeps_customer_numbers_as_locations() -> None:
    """Location i of PyVRP's data is customer i; windows and demand carried in tenths."""
    data = to_pyvrp_data(square())
    assert (data.num_clients, data.num_depots, data.num_vehicles) == (3, 1, 3)
    client = data.client(1)
    assert (client.location, client.tw_late, client.service_duration) == (2, 1000, 10)
    assert client.delivery == [4]


@pytest.mark.parametrize(("time_limit_s", "seed"), [(0.0, 0), (1.0, -1)])
def test_bad_limits_are_refused(time_limit_s: float, seed: int) -> None:
    """A time limit must be positive and a seed non-negative."""
    with pytest.raises(ValueError, match="must be"):
        solve_vrptw(square(), time_limit_s=time_limit_s, seed=seed)
