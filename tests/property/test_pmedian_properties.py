"""Hypothesis invariants of the p-median against brute force on small instances.

Random instances of at most 12 candidate sites with random rules (existing sites, sites
without land, costs and a budget, capacities, sparse allowed pairs with truncation).
The exact path must equal brute force over every subset of new sites; every result must
keep the rules: existing sites open, no site without land, exactly p new sites, the
budget, and (capacitated) a cost no better than brute force's feasible optimum.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from nevrural.core.siting.pmedian import PMedianInfeasible, PMedianParams, solve_p_median
from nevrural.core.siting.problem import SitingProblem
from tests.unit.core.siting.pmedian_brute import brute_force_p_median

__all__: list[str] = []


@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    """A random small instance: problem, p, truncation and the beyond distance."""
    n = draw(st.integers(2, 9))
    m = draw(st.integers(2, 12))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    demand, sites = rng.uniform(0, 30, (n, 2)), rng.uniform(0, 30, (m, 2))
    dense = np.rint(np.linalg.norm(demand[:, None] - sites[None, :], axis=2))
    is_sparse = draw(st.booleans())
    radius = float(draw(st.integers(8, 25))) if is_sparse else math.inf
    rows, cols = np.nonzero(dense <= radius)
    matrix = sparse.csr_matrix((dense[rows, cols], (rows, cols)), shape=(n, m))
    existing = rng.random(m) < draw(st.sampled_from([0.0, 0.2]))
    land = existing | (rng.random(m) < draw(st.sampled_from([1.0, 0.8])))
    rules: dict[str, Any] = {"is_existing": existing, "has_land": land}
    if draw(st.booleans()):
        rules["cost_cny"] = tuple(Decimal(int(c)) for c in rng.integers(1, 10, m))
        rules["budget_cny"] = Decimal(draw(st.integers(5, 30)))
    if draw(st.booleans()) and m <= 8:
        rules["capacity"] = np.rint(rng.uniform(4, 20, m))
    problem = SitingProblem(
        demand_weight=rng.integers(0, 6, n).astype(float), distance_km=matrix, **rules
    )
    n_free = int(problem.can_open.sum())
    lowest = 0 if problem.existing.any() else 1  # something must be open
    p = draw(st.integers(min(lowest, n_free), min(3, n_free)))
    return {"problem": problem, "p": p, "radius": radius}


def _beyond(problem: SitingProblem, radius: float) -> np.ndarray | None:
    """The truncation's charge per point (max of radius and farthest stored), or None."""
    if not math.isfinite(radius):
        return None
    dense = problem.distance_km.toarray()
    stored = problem.distance_km.toarray() > -1
    mask = np.zeros(dense.shape, dtype=bool)
    coo = problem.distance_km.tocoo()
    mask[coo.row, coo.col] = True
    farthest = np.where(mask.any(axis=1), np.where(mask & stored, dense, 0).max(axis=1), 0.0)
    return np.maximum(farthest, radius)


def _check_rules(
    problem: SitingProblem, p: int, open_sites: tuple[int, ...], new: tuple[int, ...]
) -> None:
    """Existing open, land respected, exactly p new sites, within budget."""
    opened = np.zeros(problem.n_sites, dtype=bool)
    opened[list(open_sites)] = True
    assert np.all(opened[problem.existing])
    assert not np.any(opened & ~problem.can_open & ~problem.existing)
    assert len(new) == p
    assert all(problem.can_open[j] for j in new)
    if problem.budget_fen is not None:
        assert int(problem.cost_fen[list(new)].sum()) <= problem.budget_fen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_exact_equals_brute_force_and_keeps_the_rules(case: dict[str, Any]) -> None:
    """The exact path's objective is brute force's optimum; the rules always hold."""
    problem, p, radius = case["problem"], case["p"], case["radius"]
    beyond = _beyond(problem, radius)
    truncated = beyond is not None
    params = PMedianParams(
        p=p, path="exact", is_truncated=truncated, beyond_km=radius if truncated else 0.0
    )
    best, _ = brute_force_p_median(problem, p, beyond)
    try:
        result = solve_p_median(problem, params)
    except (PMedianInfeasible, ValueError):
        assert math.isinf(best), "refused although brute force found a solution"
        return
    assert math.isfinite(best)
    assert result.objective == pytest.approx(best, rel=1e-6, abs=1e-6)
    assert result.gap == pytest.approx(0.0, abs=1e-6)
    _check_rules(problem, p, result.open_sites, result.new_sites)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_heuristic_keeps_the_rules_and_its_bound_is_valid(case: dict[str, Any]) -> None:
    """The heuristic's objective is at least, and its bound at most, the optimum."""
    problem, p, radius = case["problem"], case["p"], case["radius"]
    beyond = _beyond(problem, radius)
    truncated = beyond is not None
    params = PMedianParams(
        p=p, path="heuristic", is_truncated=truncated, beyond_km=radius if truncated else 0.0
    )
    best, _ = brute_force_p_median(problem, p, beyond)
    try:
        result = solve_p_median(problem, params)
    except (PMedianInfeasible, ValueError):
        return  # a heuristic may fail to find a cover; the exact path decides
    _check_rules(problem, p, result.open_sites, result.new_sites)
    assert result.objective >= best - 1e-6 * max(1.0, best)
    assert result.lower_bound is not None
    assert result.lower_bound <= best + 1e-6 * max(1.0, best)
