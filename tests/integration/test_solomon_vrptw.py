"""Solomon's instances: every CVRPLIB best-known solution passes our checker at its cost,
and C101 solved in 2 s is feasible and within 1 % of its best-known."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nevrural.adapters.files.solomon import read_cvrplib_solution, read_solomon
from nevrural.core.routing.vrptw_check import check_routes, route_cost
from nevrural.core.routing.vrptw_solve import solve_vrptw

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

MAX_GAP = 0.01


@pytest.fixture(scope="module")
def solomon_dir(shared_data_dir: Path) -> Path:
    """``benchmarks/solomon`` of the shared data."""
    return shared_data_dir / "benchmarks" / "solomon"


@pytest.mark.shared_data
def test_every_best_known_solution_is_feasible_at_its_stated_cost(solomon_dir: Path) -> None:
    """All 56 .sol files: every customer once, no violation, cost reproduced to the tenth."""
    names = sorted(p.stem for p in (solomon_dir / "instances").glob("*.txt"))
    assert len(names) == 56
    for name in names:
        problem = read_solomon(solomon_dir / "instances" / f"{name}.txt")
        best = read_cvrplib_solution(solomon_dir / "bks_solutions_cvrplib" / f"{name}.sol")
        assert check_routes(problem, best.routes) == [], name
        assert route_cost(problem, best.routes) == best.cost, name
        assert len(best.routes) <= problem.vehicle_count, name


@pytest.mark.shared_data
@pytest.mark.slow
def test_c101_in_two_seconds_is_feasible_and_near_the_best_known(solomon_dir: Path) -> None:
    """C101 (best-known 827.3): feasible by our checker and within 1 %."""
    problem = read_solomon(solomon_dir / "instances" / "C101.txt")
    best = read_cvrplib_solution(solomon_dir / "bks_solutions_cvrplib" / "C101.sol")
    result = solve_vrptw(problem, time_limit_s=2.0, seed=0)
    assert check_routes(problem, result.routes) == []
    assert result.is_feasible
    assert sorted(c for route in result.routes for c in route) == list(range(1, 101))
    assert route_cost(problem, result.routes) == result.cost
    assert result.cost <= best.cost * (1 + MAX_GAP)
    assert result.vehicles <= problem.vehicle_count
