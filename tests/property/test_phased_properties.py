"""Hypothesis invariants of the phased build-out against brute force.

Random instances have at most 6 sites, 5 demand points and 3 periods, with random
allowed pairs, existing and land-less sites, capacities, costs, per-period and horizon
budgets (with or without carry-over), a discount, and the p-median or MCLP. Brute force
gives every site that may open an opening period (or never), keeps the schedules that
meet the counts and budgets, and values each period independently of the solver: the
nearest open allowed site (or covering site) without capacities, a transportation LP
(`scipy.optimize.linprog`) with them. The contract: every returned schedule keeps the
rules; the exact path's objective equals the brute-force optimum and it raises
`PhasedInfeasible` exactly when brute force finds no schedule; its bound and the
heuristic's are valid; the heuristic is never better than the optimum.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from nevrural.core.siting.phased import (
    PhasedInfeasible,
    PhasedParams,
    PhasedProblem,
    PhasedResult,
    solve_phased,
)
from nevrural.core.siting.problem import SitingProblem

__all__: list[str] = []

Model = Literal["p-median", "mclp"]
TOL = 1e-6


@st.composite
def instances(draw: st.DrawFn) -> tuple[PhasedProblem, Model, float | None]:
    """A small random phased problem, its model and (MCLP) radius, km."""
    n_sites = draw(st.integers(2, 6))
    n_demand = draw(st.integers(1, 5))
    n_periods = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    demand_xy = rng.integers(0, 20, (n_demand, 2))
    site_xy = rng.integers(0, 20, (n_sites, 2))
    km = np.abs(demand_xy[:, None, :] - site_xy[None, :, :]).sum(axis=-1).astype(float)
    rows, cols = np.nonzero(rng.random((n_demand, n_sites)) < 0.8)
    existing = rng.random(n_sites) < 0.2
    has_cost = draw(st.booleans())
    cost = tuple(Decimal(int(c)) for c in rng.integers(1, 10, n_sites)) if has_cost else None
    base = SitingProblem(
        demand_weight=np.ones(n_demand),
        distance_km=csr_matrix((km[rows, cols], (rows, cols)), shape=(n_demand, n_sites)),
        is_existing=existing,
        has_land=existing | (rng.random(n_sites) < 0.85),
        capacity=rng.integers(3, 15, n_sites).astype(float) if draw(st.booleans()) else None,
        cost_cny=cost,
        budget_cny=Decimal(int(rng.integers(10, 40))) if has_cost and draw(st.booleans()) else None,
    )
    budgets = None
    if has_cost and draw(st.booleans()):
        budgets = tuple(Decimal(int(b)) for b in rng.integers(3, 25, n_periods))
    problem = PhasedProblem(
        base=base,
        demand_by_period=rng.integers(0, 6, (n_periods, n_demand)).astype(float),
        new_sites_per_period=_counts(rng, n_periods, int(base.can_open.sum())),
        budget_by_period_cny=budgets,
        carry_over=draw(st.booleans()),
        discount_rate=draw(st.sampled_from([0.0, 0.1])),
    )
    model: Model = draw(st.sampled_from(["p-median", "mclp"]))
    radius = float(rng.integers(3, 15)) if model == "mclp" else None
    return problem, model, radius


def _counts(rng: np.random.Generator, n_periods: int, n_free: int) -> tuple[int, ...]:
    """New sites per period (0-2, at least 1 at first), mostly within the free sites."""
    counts = rng.integers(0, 3, n_periods)
    counts[0] = max(int(counts[0]), 1)
    while counts.sum() > n_free + int(rng.integers(0, 2)) and counts.max() > 0:
        counts[int(np.argmax(counts))] -= 1
    return tuple(int(c) for c in counts)


def _pairs(problem: PhasedProblem, is_open: npt.NDArray[np.bool_], radius: float | None) -> Any:
    """Stored pairs ``(i, j, km)`` to open sites (within the radius for MCLP)."""
    coo = problem.base.distance_km.tocoo()
    return [
        (int(i), int(j), float(d))
        for i, j, d in zip(coo.row, coo.col, coo.data, strict=True)
        if is_open[j] and (radius is None or d <= radius)
    ]


def period_value(
    problem: PhasedProblem, is_open: npt.NDArray[np.bool_], t: int, radius: float | None
) -> float:
    """One period's p-median cost or covered weight of the open sites (inf: unservable)."""
    weight = problem.demand_by_period[t]
    pairs = [(i, j, d) for i, j, d in _pairs(problem, is_open, radius) if weight[i] > 0]
    points = [i for i in range(weight.size) if weight[i] > 0]
    capacity = problem.base.site_capacity
    if radius is None and any(all(i != p for p, _, _ in pairs) for i in points):
        return math.inf
    if not pairs:
        return 0.0
    sign = 1.0 if radius is None else -1.0
    cost = np.array([sign * weight[i] * (d if radius is None else 1.0) for i, _, d in pairs])
    serve = np.array([[1.0 if i == p else 0.0 for p, _, _ in pairs] for i in points])
    sites = [j for j in range(capacity.size) if is_open[j] and math.isfinite(capacity[j])]
    load = np.array([[weight[i] if j == s else 0.0 for i, j, _ in pairs] for s in sites])
    upper = [serve] if radius is not None else []
    a_ub = np.vstack([*upper, load.reshape(len(sites), len(pairs))])
    b_ub = np.concatenate([np.ones(len(upper) * len(points)), capacity[sites]])
    lp = linprog(
        cost,
        A_ub=a_ub if a_ub.size else None,
        b_ub=b_ub if a_ub.size else None,
        A_eq=serve if radius is None else None,
        b_eq=np.ones(len(points)) if radius is None else None,
        bounds=(0.0, 1.0),
        method="highs",
    )
    if lp.status == 2:
        return math.inf
    assert lp.status == 0, lp.message
    return float(sign * lp.fun)


def brute_force(problem: PhasedProblem, model: Model, radius: float | None) -> float | None:
    """The best total over all monotone schedules that keep the rules (None: none do)."""
    base, n_periods = problem.base, problem.n_periods
    free = np.flatnonzero(base.can_open)
    best: float | None = None
    for times in itertools.product(range(n_periods + 1), repeat=free.size):
        counts = np.bincount(np.array(times, dtype=np.int64), minlength=n_periods + 1)
        if tuple(counts[:n_periods].tolist()) != problem.new_sites_per_period:
            continue
        schedule = np.tile(base.existing, (n_periods, 1))
        for site, t in zip(free, times, strict=True):
            schedule[t:, site] = True
        if not keeps_budgets(problem, schedule):
            continue
        values = [period_value(problem, schedule[t], t, radius) for t in range(n_periods)]
        total = float(np.dot(problem.discount, values))
        if math.isfinite(total) and (
            best is None or (total < best if model == "p-median" else total > best)
        ):
            best = total
    return best


def keeps_budgets(problem: PhasedProblem, schedule: npt.NDArray[np.bool_]) -> bool:
    """Spending per period within its budget (cumulative with carry-over) and the horizon's."""
    base = problem.base
    before = np.vstack([base.existing, schedule[:-1]])
    fen = np.array([int(c * 100) for c in base.cost_cny or [0] * base.n_sites])
    spent = [int(fen[schedule[t] & ~before[t]].sum()) for t in range(problem.n_periods)]
    if problem.budget_by_period_cny is not None:
        budgets = [int(b * 100) for b in problem.budget_by_period_cny]
        used = list(np.cumsum(spent)) if problem.carry_over else spent
        allowed = list(np.cumsum(budgets)) if problem.carry_over else budgets
        if any(u > b for u, b in zip(used, allowed, strict=True)):
            return False
    return base.budget_cny is None or sum(spent) <= int(base.budget_cny * 100)


def assert_keeps_rules(problem: PhasedProblem, result: PhasedResult) -> None:
    """Opened stays open, existing open, no land no site, counts and budgets hold."""
    base = problem.base
    schedule = np.zeros((problem.n_periods, base.n_sites), dtype=np.bool_)
    for t, sites in enumerate(result.open_by_period):
        schedule[t, list(sites)] = True
    assert np.all(schedule[1:] >= schedule[:-1])
    assert np.all(schedule[:, base.existing])
    assert not np.any(schedule & ~(base.can_open | base.existing))
    news = (schedule & ~base.existing).sum(axis=1)
    assert np.diff(news, prepend=0).tolist() == list(problem.new_sites_per_period)
    assert [len(n) for n in result.new_by_period] == list(problem.new_sites_per_period)
    assert keeps_budgets(problem, schedule)


def params(path: Literal["exact", "heuristic"], radius: float | None) -> PhasedParams:
    """Parameters of one path."""
    return PhasedParams(radius_km=radius, path=path, time_limit_s=30.0)


def bound_of(model: Model, result: PhasedResult) -> float | None:
    """The result's proven bound: lower for the p-median, upper for MCLP."""
    return result.lower_bound if model == "p-median" else result.upper_bound


@settings(max_examples=40, deadline=None)
@given(instances())
def test_every_plan_keeps_the_rules(case: tuple[PhasedProblem, Model, float | None]) -> None:
    """Both paths' plans keep opened-stays-open, counts, budgets, land and existing sites."""
    problem, model, radius = case
    for path in ("exact", "heuristic"):
        try:
            result = solve_phased(problem, model, params(path, radius))
        except PhasedInfeasible:
            event(f"{path}: infeasible")
            continue
        assert_keeps_rules(problem, result)


@settings(max_examples=40, deadline=None)
@given(instances())
def test_exact_equals_brute_force(case: tuple[PhasedProblem, Model, float | None]) -> None:
    """The exact objective is the brute-force optimum, and its bound is valid."""
    problem, model, radius = case
    best = brute_force(problem, model, radius)
    if best is None:
        event("infeasible")
        with pytest.raises(PhasedInfeasible):
            solve_phased(problem, model, params("exact", radius))
        return
    result = solve_phased(problem, model, params("exact", radius))
    assert result.objective == pytest.approx(best, rel=TOL, abs=TOL)
    bound = bound_of(model, result)
    assert bound is not None
    assert (bound <= best + TOL) if model == "p-median" else (bound >= best - TOL)


@settings(max_examples=40, deadline=None)
@given(instances())
def test_heuristic_is_no_better_than_exact(case: tuple[PhasedProblem, Model, float | None]) -> None:
    """The heuristic's objective is >= exact (p-median) or <= (MCLP); its bound is valid."""
    problem, model, radius = case
    try:
        heuristic = solve_phased(problem, model, params("heuristic", radius))
    except PhasedInfeasible:
        event("heuristic: no schedule")
        return
    exact = solve_phased(problem, model, params("exact", radius))
    if model == "p-median":
        assert heuristic.objective >= exact.objective - TOL * max(1.0, exact.objective)
    else:
        assert heuristic.objective <= exact.objective + TOL * max(1.0, exact.objective)
    bound = bound_of(model, heuristic)
    if bound is None:
        event("heuristic: no bound")
        return
    slack = TOL * max(1.0, abs(exact.objective))
    assert (
        (bound <= exact.objective + slack)
        if model == "p-median"
        else (bound >= exact.objective - slack)
    )
