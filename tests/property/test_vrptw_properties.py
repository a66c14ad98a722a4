"""Invariants of the VRPTW core: exact truncation, and checked solutions of random instances."""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.routing.vrptw import build_vrptw_problem, truncated_distance_tenths
from nevrural.core.routing.vrptw_check import check_routes, route_cost
from nevrural.core.routing.vrptw_solve import solve_vrptw

__all__: list[str] = []

coordinate = st.integers(min_value=-1_000_000, max_value=1_000_000)


@given(coordinate, coordinate, coordinate, coordinate)
def test_integer_truncation_equals_the_exact_floor(x1: int, y1: int, x2: int, y2: int) -> None:
    """floor(10 * distance) equals isqrt and a 28-digit decimal square root, for any points."""
    tenths = int(truncated_distance_tenths([[x1, y1], [x2, y2]])[0, 1])
    squared = (x1 - x2) ** 2 + (y1 - y2) ** 2
    assert tenths == math.isqrt(100 * squared)
    assert tenths == int((Decimal(squared).sqrt() * 10).to_integral_value(rounding=ROUND_FLOOR))


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=2**31), st.integers(min_value=2, max_value=9))
def test_solutions_visit_all_and_pass_the_checker(seed: int, n: int) -> None:
    """Random wide-window instances: every customer once, checker clean, cost recomputed."""
    rng = np.random.default_rng(seed)
    coordinates = rng.integers(0, 50, size=(n + 1, 2))
    demand = np.concatenate([[0], rng.integers(1, 5, size=n)])
    ready = np.concatenate([[0], rng.integers(0, 100, size=n)])
    window = (ready, np.concatenate([[1000], ready[1:] + 200]))
    service = np.concatenate([[0], rng.integers(0, 10, size=n)])
    problem = build_vrptw_problem(
        coordinates, demand, window, service, capacity=10, vehicle_count=n
    )
    result = solve_vrptw(problem, time_limit_s=5.0, seed=seed, max_iterations=100)
    assert sorted(c for route in result.routes for c in route) == list(range(1, n + 1))
    assert result.is_feasible
    assert check_routes(problem, result.routes) == []
    assert route_cost(problem, result.routes) == result.cost
