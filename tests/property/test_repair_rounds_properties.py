"""Invariants of repair rounds on random small instances: checked plans, N-day recurrence."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.geo import haversine_km
from nevrural.core.routing.repair_rounds import solve_repair_rounds, township_clusters
from nevrural.core.routing.repair_rounds_check import check_repair_rounds
from nevrural.core.routing.repair_rounds_problem import RepairRoundProblem, RepairRoundResult

__all__: list[str] = []

# What the solver's ValueErrors say when an instance has no plan (or none was found).
_REFUSALS = ("cannot be served in one working day", "no feasible repair rounds", "exceeds the")


def random_problem(seed: int, n_depots: int, n_stops: int, period_days: int) -> RepairRoundProblem:
    """Depots and stops in a 60 km square, road km = 1.35 x straight km, random fleet."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, 60.0, size=(n_depots + n_stops, 2))
    road_km = 1.35 * np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2)
    start = date(2024, 5, 1) + timedelta(days=int(rng.integers(0, 30)))
    work_start = int(rng.integers(7, 10)) * 60
    return RepairRoundProblem(
        depot_ids=tuple(f"D{d}" for d in range(n_depots)),
        stop_ids=tuple(f"S{s}" for s in range(n_stops)),
        road_km=road_km,
        service_min=rng.integers(10, 120, size=n_stops),
        vans_per_depot=tuple(int(v) for v in rng.integers(1, 3, size=n_depots)),
        period_days=period_days,
        window_start=start,
        window_end=start + timedelta(days=int(rng.integers(period_days - 1, 4 * period_days))),
        work_start_min=work_start,
        work_end_min=work_start + int(rng.integers(4, 11)) * 60,
        speed_kmh=float(rng.uniform(30.0, 60.0)),
    )


def solve_or_refuse(problem: RepairRoundProblem, seed: int) -> RepairRoundResult | None:
    """The plan, or None when the solver refuses for a reason it names (others re-raise)."""
    try:
        return solve_repair_rounds(problem, time_limit_s=5.0, seed=seed, max_iterations=200)
    except ValueError as error:  # refused up front, or PyVRP found no feasible plan
        if not any(word in str(error) for word in _REFUSALS):
            raise
        return None


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**31),
    st.integers(min_value=1, max_value=2),
    st.integers(min_value=1, max_value=8),
    st.integers(min_value=1, max_value=4),
)
def test_solved_plans_pass_the_checker_and_recur_every_n_days(
    seed: int, n_depots: int, n_stops: int, period_days: int
) -> None:
    """Whenever the solver returns, the checker is clean and each stop recurs every N days."""
    problem = random_problem(seed, n_depots, n_stops, period_days)
    result = solve_or_refuse(problem, seed)
    if result is None:
        return
    assert check_repair_rounds(problem, result) == []
    n = problem.period_days
    for stop_id in problem.stop_ids:
        days = [(d - problem.window_start).days for d in result.visit_dates(stop_id)]
        assert days[0] < n
        assert all(b - a == n for a, b in pairwise(days))
        assert days[-1] + n >= problem.window_days
    for d, depot_id in enumerate(problem.depot_ids):
        used = [v for v in result.pattern if v.depot_id == depot_id]
        assert len(used) <= problem.vans_by_depot[d] * n
    assert type(result.distance_km_per_period) is float
    assert type(result.iterations) is int


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=0, max_value=2**31),
    st.integers(min_value=1, max_value=25),
    st.floats(min_value=2.0, max_value=40.0),
)
def test_every_township_is_within_the_radius_of_its_nearest_hub(
    seed: int, n: int, radius_km: float
) -> None:
    """Road km to the hub is haversine x circuity, <= the radius, and no other hub is nearer."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(110.0, 110.5, size=n), rng.uniform(30.0, 30.4, size=n)
    clusters = township_clusters(lon, lat, radius_km, circuity=1.3)
    hubs = np.asarray(clusters.hubs)
    assert all(clusters.hub_of[h] == h for h in clusters.hubs)
    for i in range(n):
        to_hubs = haversine_km(lon[i], lat[i], lon[hubs], lat[hubs])
        km = haversine_km(lon[i], lat[i], lon[clusters.hub_of[i]], lat[clusters.hub_of[i]])
        assert clusters.road_km_to_hub[i] == pytest.approx(km * 1.3, abs=1e-9)
        assert clusters.road_km_to_hub[i] <= radius_km
        assert km <= float(np.min(to_hubs)) + 1e-9
    assert all(clusters.members(c) for c in range(clusters.n_clusters))
