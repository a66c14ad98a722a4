"""Covering models (MCLP, LSCP): tiny hand-checked cases, brute force, bounds, determinism."""

from __future__ import annotations

import itertools
import math
import time
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from scipy import sparse

from nevrural.core.siting.coverage import (
    CoverageInfeasible,
    LSCPParams,
    MCLPParams,
    solve_lscp,
    solve_mclp,
)
from nevrural.core.siting.coverage_model import (
    TimeBudget,
    covered_weight,
    covering_pairs,
    prepare_mclp,
)
from nevrural.core.siting.coverage_windows import improve_by_windows
from nevrural.core.siting.problem import SitingProblem

DEMAND_KM = np.array([0.0, 5.0, 10.0, 20.0])
SITE_KM = np.array([0.0, 10.0, 20.0])
WEIGHT = np.array([10.0, 20.0, 30.0, 40.0])


def line(weight: np.ndarray = WEIGHT, **rules: Any) -> SitingProblem:
    """Four demands and three sites on a line, every pair stored (distance in km)."""
    rows, cols = np.divmod(np.arange(DEMAND_KM.size * SITE_KM.size), SITE_KM.size)
    km = sparse.csr_matrix(
        (np.abs(DEMAND_KM[rows] - SITE_KM[cols]), (rows, cols)),
        shape=(DEMAND_KM.size, SITE_KM.size),
    )
    return SitingProblem(demand_weight=weight, distance_km=km, **rules)


def plane(seed: int, n_demand: int, n_sites: int, keep: float = 1.0) -> SitingProblem:
    """Random demands and sites on a 20 km square; a share `keep` of pairs stored."""
    rng = np.random.default_rng(seed)
    demand, sites = rng.uniform(0, 20, (n_demand, 2)), rng.uniform(0, 20, (n_sites, 2))
    km = np.hypot(*(demand[:, None, :] - sites[None, :, :]).transpose(2, 0, 1))
    rows, cols = np.nonzero(rng.random(km.shape) < keep)
    matrix = sparse.csr_matrix((km[rows, cols], (rows, cols)), shape=km.shape)
    return SitingProblem(demand_weight=rng.lognormal(0.0, 1.0, n_demand), distance_km=matrix)


def coverable_only(problem: SitingProblem, radius_km: float) -> SitingProblem:
    """The same problem with weight 0 for demands that no site covers."""
    reachable = np.diff(covering_pairs(problem, radius_km).indptr) > 0
    return SitingProblem(
        demand_weight=np.where(reachable, problem.demand_weight, 0.0),
        distance_km=problem.distance_km,
    )


def brute_mclp(problem: SitingProblem, radius_km: float, p: int) -> float:
    """Best covered weight over every set of p new sites (uncapacitated)."""
    cover = covering_pairs(problem, radius_km).toarray() > 0
    cover |= _explicit_zeros(problem, radius_km)
    best = -math.inf
    for chosen in itertools.combinations(np.flatnonzero(problem.can_open).tolist(), p):
        is_open = problem.existing.copy()
        is_open[list(chosen)] = True
        best = max(best, float(problem.demand_weight[cover[:, is_open].any(axis=1)].sum()))
    return best


def _explicit_zeros(problem: SitingProblem, radius_km: float) -> np.ndarray:
    """Stored pairs at distance 0 (toarray() cannot tell them from absent pairs)."""
    coo = problem.distance_km.tocoo()
    mask = np.zeros(problem.distance_km.shape, dtype=bool)
    mask[coo.row, coo.col] = coo.data <= radius_km
    return mask


def test_mclp_opens_the_best_sites_on_a_line() -> None:
    """p = 1 takes the site covering 20 + 30; p = 2 adds the one covering 40."""
    one = solve_mclp(line(), MCLPParams(p=1, radius_km=5.0))
    two = solve_mclp(line(), MCLPParams(p=2, radius_km=5.0))
    assert (one.open_sites, one.objective, one.model, one.path) == ((1,), 50.0, "mclp", "exact")
    assert (two.open_sites, two.objective, two.upper_bound, two.gap) == ((1, 2), 90.0, 90.0, 0.0)
    assert two.assignment.tolist() == [-1, 1, 1, 2]
    assert two.details["covered_share"] == pytest.approx(0.9)
    assert two.details["n_covered"] == 3.0
    assert two.lower_bound is None


def test_mclp_keeps_existing_sites_open_and_free() -> None:
    """An existing site stays open, does not count towards p, and its cover is kept."""
    result = solve_mclp(line(is_existing=np.array([False, True, False])), MCLPParams(1, 5.0))
    assert result.open_sites == (1, 2)
    assert result.new_sites == (2,)
    assert result.objective == 90.0


def test_mclp_never_opens_a_site_without_land() -> None:
    """With no land at the best site, the next best opens."""
    result = solve_mclp(line(has_land=np.array([True, False, True])), MCLPParams(1, 5.0))
    assert (result.open_sites, result.objective) == ((2,), 40.0)


def test_mclp_respects_the_budget() -> None:
    """The costly middle site does not fit: the two cheap ones open."""
    problem = line(cost_cny=(Decimal(100), Decimal(500), Decimal(100)), budget_cny=Decimal(250))
    result = solve_mclp(problem, MCLPParams(2, 5.0))
    assert (result.open_sites, result.objective, result.details["cost_cny"]) == (
        (0, 2),
        70.0,
        200.0,
    )


def test_mclp_names_a_budget_below_the_cheapest_sites() -> None:
    """The message gives the budget and the cost of the p cheapest sites."""
    problem = line(cost_cny=(Decimal(100), Decimal(500), Decimal(100)), budget_cny=Decimal(150))
    with pytest.raises(CoverageInfeasible, match=r"budget 150\.00 CNY .* cost 200\.00 CNY"):
        solve_mclp(problem, MCLPParams(2, 5.0))


def test_mclp_names_too_few_open_able_sites() -> None:
    """Asking for more new sites than can open names both numbers."""
    with pytest.raises(CoverageInfeasible, match=r"p = 3 new sites, but only 2 of the 3"):
        solve_mclp(line(is_existing=np.array([True, False, False])), MCLPParams(3, 5.0))


def test_capacitated_mclp_splits_demand_within_capacity() -> None:
    """Capacities 100, 25, 100: sites 0 and 2 (30 + 40) beat the capped middle site."""
    capacity = np.array([100.0, 25.0, 100.0])
    one = solve_mclp(line(capacity=capacity), MCLPParams(1, 5.0))
    two = solve_mclp(line(capacity=capacity), MCLPParams(2, 5.0))
    assert (one.open_sites, one.objective) == ((2,), 40.0)
    assert (two.open_sites, two.objective) == ((0, 2), 70.0)
    assert two.assignment.tolist() == [0, 0, -1, 2]


def test_capacitated_mclp_serves_part_of_a_demand() -> None:
    """A site of capacity 25 serves 25 of the 50 units it covers."""
    capacity = np.array([0.0, 25.0, 0.0])
    result = solve_mclp(line(capacity=capacity), MCLPParams(1, 5.0))
    assert result.open_sites == (1,)
    assert result.objective == pytest.approx(25.0)
    assert result.details["n_partly_covered"] >= 1.0


def test_lscp_opens_the_fewest_sites() -> None:
    """At 5 km every site is needed; at 10 km the middle one covers all."""
    near = solve_lscp(line(), LSCPParams(5.0))
    far = solve_lscp(line(), LSCPParams(10.0))
    assert (near.open_sites, near.objective, near.lower_bound) == ((0, 1, 2), 3.0, 3.0)
    assert (far.open_sites, far.objective, far.model, far.upper_bound) == ((1,), 1.0, "lscp", None)


def test_lscp_counts_only_new_sites() -> None:
    """With the middle site existing, two new sites complete the cover at 5 km."""
    result = solve_lscp(line(is_existing=np.array([False, True, False])), LSCPParams(5.0))
    assert (result.new_sites, result.objective) == ((0, 2), 2.0)


def test_lscp_minimises_cost() -> None:
    """Two cheap sites (1 + 1 CNY) beat the one costly site covering everything."""
    problem = line(cost_cny=(Decimal(1), Decimal(10), Decimal(1)))
    by_count = solve_lscp(problem, LSCPParams(10.0))
    by_cost = solve_lscp(problem, LSCPParams(10.0, minimise="cost"))
    assert (by_count.open_sites, by_count.objective) == ((1,), 1.0)
    assert (by_cost.open_sites, by_cost.objective, by_cost.lower_bound) == ((0, 2), 2.0, 2.0)


def test_lscp_names_uncoverable_demands() -> None:
    """A weighted demand without a site in range makes it infeasible, named by id."""
    problem = line(demand_ids=("a", "b", "c", "d"), has_land=np.array([True, True, False]))
    with pytest.raises(CoverageInfeasible, match=r"1 of the 4 demands .* ids d\)"):
        solve_lscp(problem, LSCPParams(5.0))


def test_lscp_ignores_zero_weight_demands() -> None:
    """A demand of weight 0 out of range does not need cover."""
    problem = line(np.array([1.0, 1.0, 1.0, 0.0]), has_land=np.array([True, True, False]))
    assert solve_lscp(problem, LSCPParams(5.0)).open_sites == (0, 1)


def test_lscp_says_when_the_budget_is_too_small() -> None:
    """Both covers cost more than the budget; the cheapest one's cost is named."""
    problem = line(cost_cny=(Decimal(1), Decimal(10), Decimal(1)), budget_cny=Decimal("1.50"))
    with pytest.raises(CoverageInfeasible, match=r"budget 1\.50 CNY is too small.*2\.00 CNY"):
        solve_lscp(problem, LSCPParams(10.0))


def test_capacitated_lscp_serves_everything_or_says_why() -> None:
    """Enough capacity: every unit served; too little: the shortfall is named."""
    enough = solve_lscp(line(capacity=np.array([30.0, 60.0, 40.0])), LSCPParams(10.0))
    assert enough.objective == 2.0
    assert enough.details["n_covered"] == 4.0
    with pytest.raises(CoverageInfeasible, match=r"capacity is too small.* 100 demand units"):
        solve_lscp(line(capacity=np.array([10.0, 20.0, 30.0])), LSCPParams(10.0))


def test_lscp_cost_needs_costs() -> None:
    """minimise='cost' without site costs is refused."""
    with pytest.raises(ValueError, match="cost_cny"):
        solve_lscp(line(), LSCPParams(10.0, minimise="cost"))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"p": -1, "radius_km": 5.0}, "p = -1"),
        ({"p": 1, "radius_km": math.nan}, "radius_km"),
        ({"p": 1, "radius_km": 5.0, "path": "fast"}, "path"),
        ({"p": 1, "radius_km": 5.0, "time_limit_s": 0.0}, "time_limit_s"),
        ({"p": 1, "radius_km": 5.0, "mip_rel_gap": 1.0}, "mip_rel_gap"),
        ({"p": 1, "radius_km": 5.0, "seed": -2}, "seed"),
    ],
)
def test_params_name_the_bad_value(kwargs: dict[str, Any], match: str) -> None:
    """Invalid parameters raise ValueError naming the field."""
    with pytest.raises(ValueError, match=match):
        MCLPParams(**kwargs)


@pytest.mark.parametrize("seed", range(6))
def test_exact_mclp_equals_brute_force(seed: int) -> None:
    """On 12 candidates the exact path finds the brute-force optimum."""
    problem = plane(seed, 30, 12, keep=0.8)
    p = 1 + seed % 4
    result = solve_mclp(problem, MCLPParams(p, 6.0, path="exact"))
    assert result.objective == pytest.approx(brute_mclp(problem, 6.0, p), rel=1e-12)
    assert result.gap <= 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_exact_lscp_equals_brute_force(seed: int) -> None:
    """On 12 candidates the exact path opens as few sites as brute force."""
    problem = plane(seed, 25, 12)
    cover = (covering_pairs(problem, 9.0).toarray() > 0) | _explicit_zeros(problem, 9.0)
    need = cover.any(axis=1)
    fewest = next(
        k
        for k in range(13)
        if any(
            cover[need][:, list(c)].any(axis=1).all() for c in itertools.combinations(range(12), k)
        )
    )
    problem = SitingProblem(demand_weight=np.where(need, 1.0, 0.0), distance_km=problem.distance_km)
    assert solve_lscp(problem, LSCPParams(9.0, path="exact")).objective == fewest


@pytest.mark.parametrize("seed", range(3))
def test_heuristic_below_exact_below_bounds(seed: int) -> None:
    """heuristic <= exact <= every proven upper bound (MCLP)."""
    problem = plane(seed, 300, 80, keep=0.9)
    exact = solve_mclp(problem, MCLPParams(8, 3.0, path="exact"))
    heuristic = solve_mclp(problem, MCLPParams(8, 3.0, path="heuristic"))
    assert exact.status == "optimal"
    assert heuristic.objective <= exact.objective + 1e-9
    assert heuristic.upper_bound is not None
    assert exact.upper_bound is not None
    assert exact.objective <= heuristic.upper_bound + 1e-9
    assert exact.objective <= exact.upper_bound + 1e-9
    assert heuristic.objective >= 0.95 * exact.objective


def test_heuristic_lscp_is_a_cover_above_its_bound() -> None:
    """The greedy cover is feasible and no better than the exact one, above the LP bound."""
    problem = coverable_only(plane(7, 200, 60), 4.0)
    exact = solve_lscp(problem, LSCPParams(4.0, path="exact"))
    heuristic = solve_lscp(problem, LSCPParams(4.0, path="heuristic"))
    assert heuristic.lower_bound is not None
    assert heuristic.lower_bound <= exact.objective <= heuristic.objective
    covered = heuristic.assignment >= 0
    reachable = solve_mclp(problem, MCLPParams(60, 4.0)).assignment >= 0
    assert np.array_equal(covered, reachable)


def test_windows_never_lose_weight_and_keep_p() -> None:
    """Window re-optimisation keeps p open columns and never lowers the covered weight."""
    problem = plane(3, 400, 160, keep=0.9)
    sets = prepare_mclp(problem, covering_pairs(problem, 3.0), 12)
    start = np.arange(12, dtype=np.int64)
    columns, solved, _ = improve_by_windows(sets, start, sizes=(20, 40), timer=TimeBudget(30, None))
    assert columns.size == 12
    assert solved > 0
    assert covered_weight(sets, columns) >= covered_weight(sets, start)


@pytest.mark.parametrize("path", ["exact", "heuristic"])
def test_same_seed_gives_the_same_result(path: str) -> None:
    """Two runs with the same seed open the same sites."""
    problem = plane(11, 250, 70, keep=0.9)
    first = solve_mclp(problem, MCLPParams(6, 3.0, path=path, seed=5))
    second = solve_mclp(problem, MCLPParams(6, 3.0, path=path, seed=5))
    assert first.open_sites == second.open_sites
    assert first.objective == second.objective


def test_auto_picks_the_path_by_pairs() -> None:
    """Auto runs the MIP up to max_exact_pairs covering pairs and the heuristic above."""
    problem = plane(2, 100, 30)
    small = solve_mclp(problem, MCLPParams(3, 4.0, max_exact_pairs=10_000))
    large = solve_mclp(problem, MCLPParams(3, 4.0, max_exact_pairs=10))
    assert (small.path, large.path) == ("exact", "heuristic")


def test_a_clock_adds_wall_seconds() -> None:
    """With an injected clock the details report wall seconds per phase."""
    result = solve_mclp(
        plane(4, 200, 60), MCLPParams(5, 3.0, path="heuristic"), clock=time.perf_counter
    )
    assert result.details["wall_s"] >= 0.0
    assert "greedy_swap_s" in result.details
