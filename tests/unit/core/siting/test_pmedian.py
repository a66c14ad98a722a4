"""p-median: hand-checkable cases, site rules, exact against brute force, heuristic bounds."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from scipy import sparse

from nevrural.core.siting.pmedian import PMedianInfeasible, PMedianParams, solve_p_median
from nevrural.core.siting.points import siting_problem_from_points
from nevrural.core.siting.problem import SitingProblem
from tests.unit.core.siting.pmedian_brute import brute_force_p_median, open_cost

__all__: list[str] = []


def line_problem(
    km: list[float], weight: list[float] | None = None, **rules: object
) -> SitingProblem:
    """Towns on a straight road at `km`: every town a demand point and a site."""
    x = np.asarray(km, dtype=float)
    dense = np.abs(x[:, None] - x[None, :])
    rows, cols = np.nonzero(np.ones_like(dense))
    matrix = sparse.csr_matrix((dense[rows, cols], (rows, cols)), shape=dense.shape)
    weights = np.ones(x.size) if weight is None else np.asarray(weight, dtype=float)
    return SitingProblem(demand_weight=weights, distance_km=matrix, **rules)  # type: ignore[arg-type]


def random_problem(seed: int, n: int = 14, m: int = 10, **rules: object) -> SitingProblem:
    """Seeded Euclidean points (km) in a 50 km square; whole-km distances and weights."""
    rng = np.random.default_rng(seed)
    demand, sites = rng.uniform(0, 50, (n, 2)), rng.uniform(0, 50, (m, 2))
    dense = np.rint(np.linalg.norm(demand[:, None] - sites[None, :], axis=2))
    rows, cols = np.nonzero(np.ones_like(dense))
    matrix = sparse.csr_matrix((dense[rows, cols], (rows, cols)), shape=dense.shape)
    weights = rng.integers(1, 9, n).astype(float)
    return SitingProblem(demand_weight=weights, distance_km=matrix, **rules)  # type: ignore[arg-type]


def test_one_site_on_a_line_goes_to_the_median() -> None:
    """Towns at km 0, 1, 10: the median is km 1 and the weighted distance 1 + 9 = 10."""
    result = solve_p_median(line_problem([0, 1, 10]), PMedianParams(p=1))
    assert result.open_sites == (1,)
    assert result.objective == 10.0
    assert result.lower_bound == 10.0
    assert (result.gap, result.status, result.path, result.model) == (
        0.0,
        "optimal",
        "exact",
        "p-median",
    )
    assert result.assignment.tolist() == [1, 1, 1]


def test_weights_pull_the_median() -> None:
    """A town of weight 10 at km 10 takes the single site: cost 10 + 9 = 19."""
    result = solve_p_median(line_problem([0, 1, 10], [1, 1, 10]), PMedianParams(p=1))
    assert result.open_sites == (2,)
    assert result.objective == 10 + 9


def test_two_sites_split_the_line() -> None:
    """Towns at km 0, 1, 10, 11 with two sites: one per pair, cost 1 + 1 = 2."""
    result = solve_p_median(line_problem([0, 1, 10, 11]), PMedianParams(p=2))
    assert result.objective == 2.0
    assert len(result.new_sites) == 2


def test_existing_site_stays_open_and_does_not_count() -> None:
    """An existing site at km 10 is open; the one new site goes to km 0 or 1."""
    existing = np.array([False, False, True])
    result = solve_p_median(line_problem([0, 1, 10], is_existing=existing), PMedianParams(p=1))
    assert 2 in result.open_sites
    assert len(result.new_sites) == 1
    assert result.new_sites[0] in (0, 1)
    assert result.objective == 1.0


def test_site_without_land_never_opens() -> None:
    """Without land at km 1, the median moves to km 0 (cost 1 + 10 = 11)."""
    land = np.array([True, False, True])
    result = solve_p_median(line_problem([0, 1, 10], has_land=land), PMedianParams(p=1))
    assert 1 not in result.open_sites
    assert result.objective == 11.0


def test_budget_keeps_the_dear_site_closed() -> None:
    """The median at km 1 costs 500 CNY, the budget 300: km 0 opens instead."""
    costs = (Decimal("100"), Decimal("500"), Decimal("100"))
    problem = line_problem([0, 1, 10], cost_cny=costs, budget_cny=Decimal("300"))
    result = solve_p_median(problem, PMedianParams(p=1))
    assert result.open_sites == (0,)
    assert sum(costs[j] for j in result.new_sites) <= Decimal("300")


def test_capacity_splits_demand() -> None:
    """Capacity 1.5 at both ends of a 2-km line with 3 units in the middle: a split, cost 3."""
    problem = line_problem([0, 1, 2], [0, 3, 0], capacity=np.array([1.5, 0.0, 1.5]))
    result = solve_p_median(problem, PMedianParams(p=2))
    assert set(result.open_sites) == {0, 2}
    assert result.objective == pytest.approx(3.0)
    assert result.gap == 0.0


@pytest.mark.parametrize("formulation", ["benders", "radius"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exact_equals_brute_force(formulation: str, seed: int) -> None:
    """On 10 candidates the exact path finds the brute-force optimum with gap 0."""
    problem = random_problem(seed)
    best, _ = brute_force_p_median(problem, 3)
    params = PMedianParams(p=3, path="exact", formulation=formulation)  # type: ignore[arg-type]
    result = solve_p_median(problem, params)
    assert result.objective == pytest.approx(best)
    assert (result.gap, result.status) == (0.0, "optimal")


def test_exact_capacitated_equals_brute_force() -> None:
    """With capacities the exact path matches brute force over transportation LPs."""
    problem = random_problem(3, n=10, m=7, capacity=np.full(7, 18.0))
    best, _ = brute_force_p_median(problem, 3)
    result = solve_p_median(problem, PMedianParams(p=3, path="exact"))
    assert result.objective == pytest.approx(best, rel=1e-6)
    assert open_cost(problem, np.isin(np.arange(7), result.open_sites)) == pytest.approx(best)


@pytest.mark.parametrize("seed", [0, 4])
def test_heuristic_is_feasible_and_bounds_the_optimum(seed: int) -> None:
    """Heuristic objective >= optimum >= its lower bound."""
    problem = random_problem(seed)
    best, _ = brute_force_p_median(problem, 4)
    result = solve_p_median(problem, PMedianParams(p=4, path="heuristic"))
    assert result.path == "heuristic"
    assert result.objective >= best - 1e-9
    assert result.lower_bound is not None
    assert result.lower_bound <= best + 1e-9
    assert result.gap == pytest.approx((result.objective - result.lower_bound) / result.objective)


def test_heuristic_capacitated_bounds_the_optimum() -> None:
    """The capacitated heuristic (LP rounding) is feasible and its LP bound is valid."""
    problem = random_problem(5, n=10, m=7, capacity=np.full(7, 20.0))
    best, _ = brute_force_p_median(problem, 3)
    result = solve_p_median(problem, PMedianParams(p=3, path="heuristic"))
    assert result.objective >= best - 1e-6
    assert result.lower_bound is not None
    assert result.lower_bound <= best + 1e-6


def test_same_seed_same_result() -> None:
    """Two solves with the same seed give the same sites, objective and bound."""
    problem = random_problem(6, n=30, m=20)
    for path in ("exact", "heuristic"):
        params = PMedianParams(p=5, path=path, seed=3)  # type: ignore[arg-type]
        first, second = solve_p_median(problem, params), solve_p_median(problem, params)
        assert first.open_sites == second.open_sites
        assert (first.objective, first.lower_bound) == (second.objective, second.lower_bound)


def test_auto_takes_the_heuristic_above_the_pair_limit() -> None:
    """``auto`` is exact under ``max_exact_pairs`` and heuristic above it."""
    problem = random_problem(7)
    assert solve_p_median(problem, PMedianParams(p=2)).path == "exact"
    assert solve_p_median(problem, PMedianParams(p=2, max_exact_pairs=10)).path == "heuristic"


def test_too_many_sites_are_refused_with_the_numbers() -> None:
    """p larger than the sites that can open names both numbers."""
    land = np.array([True, False, True])
    with pytest.raises(PMedianInfeasible, match=r"p = 3 .* only 2 of 3"):
        solve_p_median(line_problem([0, 1, 10], has_land=land), PMedianParams(p=3))


def test_budget_below_the_cheapest_sites_is_refused() -> None:
    """Two sites asked, the two cheapest cost 300 CNY, the budget 250."""
    costs = (Decimal("100"), Decimal("200"), Decimal("300"))
    problem = line_problem([0, 1, 10], cost_cny=costs, budget_cny=Decimal("250"))
    with pytest.raises(PMedianInfeasible, match=r"cost 300\.00 CNY, budget 250\.00"):
        solve_p_median(problem, PMedianParams(p=2))


def test_point_without_allowed_site_is_refused() -> None:
    """A demand point whose only allowed site has no land cannot be served."""
    matrix = sparse.csr_matrix(
        (np.array([0.0, 0.0]), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2)
    )
    problem = SitingProblem(
        demand_weight=np.ones(2), distance_km=matrix, has_land=np.array([True, False])
    )
    with pytest.raises(PMedianInfeasible, match="demand point 1"):
        solve_p_median(problem, PMedianParams(p=1))


@pytest.mark.parametrize(
    ("path", "formulation"),
    [("exact", "benders"), ("exact", "radius"), ("heuristic", "benders")],
)
def test_two_towns_with_one_site_each_and_p_1_are_refused(path: str, formulation: str) -> None:
    """Each town may only use its own site; one site cannot serve both on any path."""
    matrix = sparse.csr_matrix(
        (np.array([1.0, 1.0]), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2)
    )
    problem = SitingProblem(demand_weight=np.array([1.0, 2.0]), distance_km=matrix)
    params = PMedianParams(p=1, path=path, formulation=formulation)  # type: ignore[arg-type]
    with pytest.raises(PMedianInfeasible):
        solve_p_median(problem, params)


@pytest.mark.parametrize("path", ["exact", "heuristic"])
def test_capacities_below_the_demand_are_refused(path: str) -> None:
    """Site 0 holds 0.5 units but town 0 needs 1 and may use no other site."""
    matrix = sparse.csr_matrix(
        (np.array([1.0, 1.0]), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2)
    )
    problem = SitingProblem(
        demand_weight=np.array([1.0, 2.0]), distance_km=matrix, capacity=np.array([0.5, 5.0])
    )
    with pytest.raises(PMedianInfeasible, match="capacities"):
        solve_p_median(problem, PMedianParams(p=2, path=path))  # type: ignore[arg-type]


def test_truncated_pairs_charge_the_radius_and_complete_the_distance() -> None:
    """A remote point beyond its stored sites costs the radius in the model, its road km
    with the nearest-open callback; the lower bound stays below the true cost."""
    points = siting_problem_from_points(
        [116.0, 116.05, 119.0],
        [40.0, 40.0, 40.0],
        [5.0, 5.0, 1.0],
        [116.0, 116.05, 119.0],
        [40.0, 40.0, 40.0],
        radius_km=30.0,
    )
    params = PMedianParams(p=1, is_truncated=True, beyond_km=30.0)
    model = solve_p_median(points.problem, params)
    assert model.details["beyond_points"] == 1
    true = solve_p_median(points.problem, params, nearest_open=points.nearest_open)
    far_km = float(points.nearest_open(np.array([2]), np.array(model.open_sites))[1][0])
    assert far_km > 250
    assert true.objective == pytest.approx(model.objective - 30.0 + far_km)
    assert true.lower_bound is not None
    assert true.lower_bound <= true.objective
    assert true.assignment[2] in model.open_sites


def test_unserved_point_is_refused_without_truncation() -> None:
    """Two far points with disjoint allowed sites and p = 1: HiGHS proves no cover."""
    matrix = sparse.csr_matrix(
        (np.array([0.0, 0.0]), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2)
    )
    problem = SitingProblem(demand_weight=np.ones(2), distance_km=matrix)
    with pytest.raises(ValueError, match="no choice of sites serves every demand point"):
        solve_p_median(problem, PMedianParams(p=1, path="exact"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p": -1}, "p must be a whole number"),
        ({"p": 1, "path": "fast"}, "path must be"),
        ({"p": 1, "time_limit_s": 0.0}, "time_limit_s"),
        ({"p": 1, "mip_rel_gap": 1.0}, "mip_rel_gap"),
        ({"p": 1, "beyond_km": math.inf}, "beyond_km"),
        ({"p": 1, "formulation": "dense"}, "formulation"),
    ],
)
def test_params_are_validated(kwargs: dict[str, object], message: str) -> None:
    """Bad parameters name the field and the value."""
    with pytest.raises(ValueError, match=message):
        PMedianParams(**kwargs)  # type: ignore[arg-type]


def test_injected_clock_times_the_whole_solve() -> None:
    """With a clock, seconds is the clock's elapsed time (here one tick per read)."""
    ticks = iter(range(1_000_000))
    result = solve_p_median(random_problem(8), PMedianParams(p=2), clock=lambda: float(next(ticks)))
    assert result.seconds >= 1.0


def test_expired_clock_still_returns_p_sites() -> None:
    """A clock already past the limit: the greedy's p sites come back, with the bound of
    every point at its nearest site."""
    ticks = iter([0.0, *([1e9] * 1_000)])
    problem = random_problem(9)
    result = solve_p_median(
        problem,
        PMedianParams(p=3, path="heuristic", time_limit_s=1.0),
        clock=lambda: next(ticks),
    )
    nearest = problem.distance_km.min(axis=1).toarray().ravel()
    assert len(result.new_sites) == 3
    assert result.lower_bound == float(np.dot(problem.demand_weight, nearest))
    assert result.status == "feasible"
    assert 0 < result.gap < 1


@pytest.mark.parametrize("reads", [3, 8, 20])
def test_exact_path_stopped_by_the_clock_keeps_a_valid_bound(reads: int) -> None:
    """However early the clock stops it, bound <= optimum <= objective."""
    problem = random_problem(10, n=40, m=14)
    best, _ = brute_force_p_median(problem, 4)
    ticks = iter(range(1_000_000))
    result = solve_p_median(
        problem,
        PMedianParams(p=4, path="exact", time_limit_s=float(reads)),
        clock=lambda: float(next(ticks)),
    )
    assert result.objective >= best - 1e-9
    assert result.lower_bound is None or result.lower_bound <= best + 1e-9
    assert result.status in {"optimal", "time_limit"}
    assert len(result.new_sites) == 4


@pytest.mark.parametrize("formulation", ["benders", "radius"])
def test_a_time_limit_still_reports_a_valid_bound(formulation: str) -> None:
    """Stopped almost at once, the exact path still proves a bound below its solution."""
    problem = random_problem(3, n=300, m=80)
    params = PMedianParams(p=8, path="exact", formulation=formulation, time_limit_s=1e-3)  # type: ignore[arg-type]
    result = solve_p_median(problem, params)
    optimum = solve_p_median(problem, PMedianParams(p=8, path="exact")).objective
    assert result.lower_bound is not None
    assert 0 < result.lower_bound <= optimum <= result.objective
    assert math.isfinite(result.gap)
