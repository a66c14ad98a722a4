"""The two LSCP paths: HiGHS MIP from a greedy cover, and greedy cover with an LP bound.

Internal to :mod:`nevrural.core.siting.coverage`, whose notes give the formulation.
Objectives are counts of new sites or their cost in whole fen.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Literal, NoReturn

import numpy as np

from nevrural.core.siting.coverage_greedy import greedy_capacitated, greedy_lscp
from nevrural.core.siting.coverage_highs import (
    build_lscp,
    is_infeasible,
    run_model,
    serve_fixed,
    solution_values,
    start_vector,
    status_name,
)
from nevrural.core.siting.coverage_model import (
    CoverageInfeasible,
    Outcome,
    clean_shares,
    format_fen,
)

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import CoverSets, TimeBudget
    from nevrural.core.siting.problem import FloatArray, IntArray

__all__ = ["solve_lscp_exact", "solve_lscp_heuristic"]

Minimise = Literal["count", "cost"]
# A capacitated group counts as served when its shares add up to at least 1 minus this.
_SERVED_TOL = 1e-6


def _site_cost(sets: CoverSets, minimise: Minimise) -> FloatArray:
    """Objective coefficient of each column: 1 or its cost in fen (0 when fixed)."""
    unit = np.ones(sets.n_columns) if minimise == "count" else sets.cost_fen.astype(np.float64)
    return np.where(sets.is_fixed, 0.0, unit)


def _cover_status(
    sets: CoverSets, columns: IntArray, shares: FloatArray | None
) -> tuple[bool, FloatArray | None]:
    """Whether `columns` cover (serve) every group, and the cleaned shares when capacitated."""
    if shares is None:
        is_open = np.zeros(sets.n_columns)
        is_open[columns] = 1.0
        return bool(np.all(np.asarray(sets.matrix @ is_open) > 0)), None
    clean = clean_shares(sets, columns, shares)
    pair_group = np.repeat(np.arange(sets.n_groups), np.diff(sets.matrix.indptr))
    served = np.bincount(pair_group, weights=clean, minlength=sets.n_groups)
    return bool(np.all(served >= 1.0 - _SERVED_TOL)), clean


def _within_budget(sets: CoverSets, columns: IntArray) -> bool:
    """The new columns' cost, whole fen, is within the budget."""
    spent = int(sets.cost_fen[columns][~sets.is_fixed[columns]].sum())
    return sets.budget_fen is None or spent <= sets.budget_fen


def _start(
    sets: CoverSets, minimise: Minimise, seed: int, timer: TimeBudget
) -> tuple[IntArray, FloatArray | None]:
    """A greedy cover; capacitated, the best split over all sites when the greedy falls short."""
    cost = _site_cost(sets, minimise)
    if not sets.is_capacitated:
        return greedy_lscp(sets, np.where(cost > 0, cost, 0.0)), None
    columns, shares = greedy_capacitated(sets, None, cost)
    if _cover_status(sets, columns, shares)[0]:
        return columns, shares
    everything = np.arange(sets.n_columns, dtype=np.int64)
    split, seconds = serve_fixed(
        sets, everything, time_limit_s=max(timer.remaining(), 1.0), seed=seed
    )
    timer.spend(seconds)
    is_served, clean = (
        _cover_status(sets, everything, split) if split is not None else (False, None)
    )
    if not is_served:
        _raise_capacity(sets, clean)
    return everything, clean


def _raise_capacity(sets: CoverSets, shares: FloatArray | None) -> NoReturn:
    """Raise `CoverageInfeasible`: capacity cannot serve every demand even with all sites open."""
    pair_group = np.repeat(np.arange(sets.n_groups), np.diff(sets.matrix.indptr))
    served = 0.0 if shares is None else float((shares * sets.weight[pair_group]).sum())
    raise CoverageInfeasible(
        f"capacity is too small: with all {sets.n_columns} allowed sites open they serve at most"
        f" {served:.6g} of the {float(sets.weight.sum()):.6g} demand units within the radius"
    )


def _raise_budget(sets: CoverSets, seed: int, timer: TimeBudget) -> NoReturn:
    """Raise `CoverageInfeasible` naming the budget and the cheapest cover's cost."""
    assert sets.budget_fen is not None
    free = replace(sets, budget_fen=None)
    model = build_lscp(free, "cost")
    highs = run_model(model, time_limit_s=max(timer.remaining(), 1.0), seed=seed)
    timer.spend(float(highs.getRunTime()))
    bound = float(highs.getInfo().mip_dual_bound) * model.scale
    cheapest = float(highs.getInfo().objective_function_value) * model.scale
    if status_name(highs) == "optimal":
        words = f"costs {format_fen(round(cheapest))} CNY"
    elif math.isfinite(bound):
        words = f"costs at least {format_fen(math.ceil(bound - 1e-6))} CNY"
    else:
        words = "was not found in time"
    raise CoverageInfeasible(
        f"budget {format_fen(sets.budget_fen)} CNY is too small: the cheapest cover of every"
        f" demand {words}"
    )


def _objective(sets: CoverSets, columns: IntArray, minimise: Minimise) -> float:
    """Number of new columns or their cost, whole fen."""
    return float(_site_cost(sets, minimise)[columns].sum())


def _integral_bound(bound: float, objective: float) -> float:
    """A dual bound rounded up to the integer objective grid, never above `objective`."""
    return min(float(math.ceil(bound - 1e-6 * max(1.0, abs(bound)))), objective)


def solve_lscp_exact(
    sets: CoverSets, minimise: Minimise, *, mip_rel_gap: float, seed: int, timer: TimeBudget
) -> Outcome:
    """Solve the set-covering MIP with HiGHS from the greedy cover."""
    fixed = np.flatnonzero(sets.is_fixed).astype(np.int64)
    if sets.n_groups == 0:
        return Outcome(fixed, None, 0.0, 0.0, "optimal", "exact", 0.0, {})
    columns, shares = _start(sets, minimise, seed, timer)
    has_start = _within_budget(sets, columns)
    model = build_lscp(sets, minimise)
    y = np.zeros(sets.n_columns)
    y[columns] = 1.0
    highs = run_model(
        model,
        time_limit_s=timer.remaining(),
        mip_rel_gap=mip_rel_gap,
        seed=seed,
        start=start_vector(model, sets, y, shares) if has_start else None,
    )
    timer.spend(float(highs.getRunTime()))
    if is_infeasible(highs):
        _raise_budget(sets, seed, timer)  # capacity alone was checked by the start
    values = solution_values(highs)
    if values is not None:
        found = np.flatnonzero(values[: sets.n_columns] > 0.5).astype(np.int64)
        tail = values[sets.n_columns :] if model.has_pairs else None
        is_cover, clean = _cover_status(sets, found, tail)
        better = not has_start or _objective(sets, found, minimise) < _objective(
            sets, columns, minimise
        )
        if is_cover and _within_budget(sets, found) and better:
            columns, shares, has_start = found, clean, True
    if not has_start:
        raise CoverageInfeasible(
            f"no cover within budget {format_fen(sets.budget_fen or 0)} CNY was found in"
            f" {timer.highs_s:.1f} s (not proven infeasible); raise time_limit_s"
        )
    objective = _objective(sets, columns, minimise)
    dual = float(highs.getInfo().mip_dual_bound) * model.scale
    bound = _integral_bound(dual, objective) if math.isfinite(dual) else None
    details = {"mip_nodes": float(highs.getInfo().mip_node_count)}
    return Outcome(
        columns, shares, objective, bound, status_name(highs), "exact", timer.highs_s, details
    )


def solve_lscp_heuristic(
    sets: CoverSets, minimise: Minimise, *, seed: int, timer: TimeBudget
) -> Outcome:
    """Greedy cover (pruned), bounded below by the LP relaxation when time allows."""
    fixed = np.flatnonzero(sets.is_fixed).astype(np.int64)
    if sets.n_groups == 0:
        return Outcome(fixed, None, 0.0, 0.0, "optimal", "heuristic", 0.0, {})
    columns, shares = _start(sets, minimise, seed, timer)
    objective = _objective(sets, columns, minimise)
    bound = 0.0
    if timer.remaining() > 0:
        model = build_lscp(sets, minimise, is_integer=False)
        highs = run_model(model, time_limit_s=timer.remaining(), seed=seed, solver="ipm")
        timer.spend(float(highs.getRunTime()))
        if is_infeasible(highs):
            _raise_budget(sets, seed, timer)
        if status_name(highs) == "optimal":
            lp = float(highs.getInfo().objective_function_value) * model.scale
            bound = max(bound, lp)
    if not _within_budget(sets, columns):
        spent = int(sets.cost_fen[columns][~sets.is_fixed[columns]].sum())
        raise CoverageInfeasible(
            f"the greedy cover costs {format_fen(spent)} CNY, over the budget"
            f" {format_fen(sets.budget_fen or 0)} CNY; the heuristic cannot rule out a cheaper"
            " cover: use path='exact'"
        )
    bound = _integral_bound(bound, objective)
    status = "optimal" if bound >= objective else "feasible"
    return Outcome(columns, shares, objective, bound, status, "heuristic", timer.highs_s, {})
