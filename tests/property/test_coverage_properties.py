"""Covering invariants: site rules always hold, and on <= 12 candidates exact = brute force."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import linprog

from nevrural.core.siting.coverage import (
    CoverageInfeasible,
    LSCPParams,
    MCLPParams,
    solve_lscp,
    solve_mclp,
)
from nevrural.core.siting.problem import SitingProblem

__all__: list[str] = []

RADII_KM = (0.0, 3.0, 5.0, 8.0, 12.0)


@dataclass(frozen=True)
class Case:
    """A random problem and a radius, km."""

    problem: SitingProblem
    radius_km: float


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Up to 10 demands and 2-12 candidates on a 20 km grid with random site rules."""
    n, m = draw(st.integers(1, 10)), draw(st.integers(2, 12))
    point = st.tuples(st.integers(0, 20), st.integers(0, 20))
    demand = np.array(draw(st.lists(point, min_size=n, max_size=n)), dtype=float)
    sites = np.array(draw(st.lists(point, min_size=m, max_size=m)), dtype=float)
    km = np.hypot(*(demand[:, None, :] - sites[None, :, :]).transpose(2, 0, 1))
    stored = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)))
    rows, cols = np.nonzero(stored.reshape(n, m) | (km == 0))  # explicit zeros stay stored
    rules: dict[str, Any] = {}
    flags = st.lists(st.booleans(), min_size=m, max_size=m)
    if draw(st.booleans()):
        rules["is_existing"] = np.array(draw(flags)) & (np.arange(m) % 3 == 0)
    if draw(st.booleans()):
        rules["has_land"] = np.array(draw(flags)) | rules.get("is_existing", False)
    if draw(st.booleans()):
        capacity = st.sampled_from([0.0, 3.0, 10.0, np.inf])
        rules["capacity"] = np.array(draw(st.lists(capacity, min_size=m, max_size=m)))
    if draw(st.booleans()):
        costs = draw(st.lists(st.integers(0, 5), min_size=m, max_size=m))
        rules["cost_cny"] = tuple(Decimal(c) for c in costs)
        rules["budget_cny"] = Decimal(draw(st.integers(0, 15)))
    weight = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 5.0]), min_size=n, max_size=n))
    problem = SitingProblem(
        demand_weight=np.array(weight),
        distance_km=sparse.csr_matrix((km[rows, cols], (rows, cols)), shape=(n, m)),
        **rules,
    )
    return Case(problem, draw(st.sampled_from(RADII_KM)))


def cover_matrix(case: Case) -> np.ndarray:
    """Which stored pairs are within the radius (explicit zeros included)."""
    coo = case.problem.distance_km.tocoo()
    cover = np.zeros(case.problem.distance_km.shape, dtype=bool)
    cover[coo.row, coo.col] = coo.data <= case.radius_km
    return cover


def served_weight(case: Case, is_open: np.ndarray) -> float:
    """Most weight the open sites can serve within the radius and their capacities (LP)."""
    problem, cover = case.problem, cover_matrix(case) & is_open[None, :]
    weight, capacity = problem.demand_weight, problem.site_capacity
    if np.all(np.isinf(capacity[is_open])):
        return float(weight[cover.any(axis=1)].sum())
    pairs = np.argwhere(cover)
    if not pairs.size:
        return 0.0
    rows = [(pairs[:, 0] == i).astype(float) for i in np.unique(pairs[:, 0])]
    bounds = [1.0] * len(rows)
    for j in np.unique(pairs[:, 1]):
        if np.isfinite(capacity[j]):
            rows.append((pairs[:, 1] == j) * weight[pairs[:, 0]])
            bounds.append(float(capacity[j]))
    best = linprog(-weight[pairs[:, 0]], A_ub=np.array(rows), b_ub=bounds, bounds=(0, 1))
    return float(-best.fun)


def affordable(problem: SitingProblem, new: list[int]) -> bool:
    """The new sites' cost is within the budget (whole fen)."""
    budget = problem.budget_fen
    return budget is None or int(problem.cost_fen[new].sum()) <= budget


def check_rules(case: Case, open_sites: tuple[int, ...], new_sites: tuple[int, ...]) -> None:
    """Existing sites open, new sites have land and are not existing, budget kept."""
    problem = case.problem
    assert set(np.flatnonzero(problem.existing).tolist()) <= set(open_sites)
    assert set(new_sites) == set(open_sites) - set(np.flatnonzero(problem.existing).tolist())
    assert all(problem.can_open[j] for j in new_sites)
    assert affordable(problem, list(new_sites))


def best_mclp(case: Case, p: int) -> float | None:
    """Brute force: most weight served by p new sites within the rules, None if none fit."""
    problem, best = case.problem, None
    for new in itertools.combinations(np.flatnonzero(problem.can_open).tolist(), p):
        if affordable(problem, list(new)):
            is_open = problem.existing.copy()
            is_open[list(new)] = True
            value = served_weight(case, is_open)
            best = value if best is None else max(best, value)
    return best


@settings(max_examples=60, deadline=None)
@given(cases(), st.integers(0, 12))
def test_mclp_exact_equals_brute_force_within_the_rules(case: Case, p: int) -> None:
    """Exact MCLP: p new sites, rules kept, objective served, equal to brute force."""
    p = min(p, int(case.problem.can_open.sum()))
    best = best_mclp(case, p)
    try:
        result = solve_mclp(case.problem, MCLPParams(p, case.radius_km, path="exact"))
    except CoverageInfeasible:
        assert best is None
        return
    assert best is not None
    check_rules(case, result.open_sites, result.new_sites)
    assert len(result.new_sites) == p
    is_open = np.zeros(case.problem.n_sites, dtype=bool)
    is_open[list(result.open_sites)] = True
    assert abs(served_weight(case, is_open) - result.objective) <= 1e-6
    assert abs(result.objective - best) <= 1e-6
    assert result.upper_bound is not None
    assert result.upper_bound >= best - 1e-6


@settings(max_examples=60, deadline=None)
@given(cases(), st.sampled_from(["count", "cost"]))
def test_lscp_covers_everything_it_claims(case: Case, minimise: str) -> None:
    """Exact LSCP: every weighted demand served within the rules, at the brute-force optimum."""
    problem = case.problem
    if minimise == "cost" and problem.cost_cny is None:
        minimise = "count"
    total = float(problem.demand_weight.sum())
    best = None
    for k in range(int(problem.can_open.sum()) + 1):
        for new in itertools.combinations(np.flatnonzero(problem.can_open).tolist(), k):
            is_open = problem.existing.copy()
            is_open[list(new)] = True
            if affordable(problem, list(new)) and served_weight(case, is_open) >= total - 1e-7:
                value = k if minimise == "count" else int(problem.cost_fen[list(new)].sum()) / 100
                best = value if best is None else min(best, value)
    params = LSCPParams(case.radius_km, minimise=minimise, path="exact")  # type: ignore[arg-type]
    try:
        result = solve_lscp(problem, params)
    except CoverageInfeasible:
        assert best is None
        return
    assert best is not None
    check_rules(case, result.open_sites, result.new_sites)
    is_open = np.zeros(problem.n_sites, dtype=bool)
    is_open[list(result.open_sites)] = True
    assert served_weight(case, is_open) >= total - 1e-6
    assert abs(result.objective - best) <= 1e-9
    assert result.lower_bound is not None
    assert result.lower_bound <= best + 1e-9


@settings(max_examples=40, deadline=None)
@given(cases(), st.integers(0, 12))
def test_heuristic_mclp_keeps_the_rules_below_its_bound(case: Case, p: int) -> None:
    """Heuristic MCLP: rules kept, objective served, optimum within [objective, bound]."""
    p = min(p, int(case.problem.can_open.sum()))
    best = best_mclp(case, p)
    try:
        result = solve_mclp(case.problem, MCLPParams(p, case.radius_km, path="heuristic"))
    except CoverageInfeasible:
        assert best is None
        return
    assert best is not None
    check_rules(case, result.open_sites, result.new_sites)
    is_open = np.zeros(case.problem.n_sites, dtype=bool)
    is_open[list(result.open_sites)] = True
    assert abs(served_weight(case, is_open) - result.objective) <= 1e-6
    assert result.upper_bound is not None
    assert result.objective - 1e-6 <= best <= result.upper_bound + 1e-6
