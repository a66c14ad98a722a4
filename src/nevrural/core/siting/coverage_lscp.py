"""The two LSCP paths: HiGHS MIP from a greedy cover, and greedy cover with an LP bound.

Internal to :mod:`nevrural.core.siting.coverage`, whose notes give the formulation.
Objectives are counts of new sites or their cost in whole fen.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, NoReturn

import numpy as np

from nevrural.core.siting.coverage_greedy import greedy_capacitated, greedy_lscp
from nevrural.core.siting.coverage_highs import (
    Minimise,
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
from nevrural.core.siting.coverage_windows import improve_by_windows

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import CoverSets, TimeBudget
    from nevrural.core.siting.problem import FloatArray, IntArray, SitingPath

Details = dict[str, float]

__all__ = ["lscp_costs", "solve_lscp_exact", "solve_lscp_heuristic"]

# A capacitated group counts as served when its shares add up to at least 1 minus this.
_SERVED_TOL = 1e-6


def lscp_costs(sets: CoverSets, minimise: Minimise) -> FloatArray:
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
    cost = lscp_costs(sets, minimise)
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
    return float(lscp_costs(sets, minimise)[columns].sum())


def _integral_bound(bound: float) -> float:
    """A lower bound rounded up to the integer objective grid (sites or fen)."""
    return float(math.ceil(bound - 1e-6 * max(1.0, abs(bound))))


class _Incumbent:
    """The cheapest cover within the budget found so far (None until one is found)."""

    def __init__(self, sets: CoverSets, minimise: Minimise) -> None:
        self.sets, self.minimise = sets, minimise
        self.columns: IntArray | None = None
        self.shares: FloatArray | None = None
        self.objective = math.inf

    def offer(self, columns: IntArray, shares: FloatArray | None) -> None:
        """Keep `columns` when they cover everything within budget, cheaper than now."""
        is_cover, clean = _cover_status(self.sets, columns, shares)
        value = _objective(self.sets, columns, self.minimise)
        if is_cover and _within_budget(self.sets, columns) and value < self.objective:
            self.columns, self.shares, self.objective = columns, clean, value

    def outcome(
        self, bound: float, status: str, path: SitingPath, timer: TimeBudget, details: Details
    ) -> Outcome:
        """The result, or `CoverageInfeasible` when no cover within budget was found."""
        if self.columns is None:
            raise CoverageInfeasible(
                f"no cover within budget {format_fen(self.sets.budget_fen or 0)} CNY was found"
                f" in {timer.highs_s:.1f} s (not proven infeasible); raise time_limit_s or use"
                " path='exact'"
            )
        bound = min(_integral_bound(bound), self.objective)
        if bound >= self.objective:
            status = "optimal"
        return Outcome(
            self.columns, self.shares, self.objective, bound, status, path, timer.highs_s, details
        )


def _lp_round(
    best: _Incumbent, seed: int, timer: TimeBudget, *, share: float, solver: str
) -> float:
    """LP bound (0 when unsolved) after offering a cover rounded from the LP.

    Sites at >= 0.5 open first, then the greedy completes (and prunes). The LP gets
    `share` of the time left; an LP proved infeasible raises (the budget is the cause).
    """
    sets, minimise = best.sets, best.minimise
    model = build_lscp(sets, minimise, is_integer=False)
    highs = run_model(model, time_limit_s=share * timer.remaining(), seed=seed, solver=solver)
    timer.spend(float(highs.getRunTime()))
    if is_infeasible(highs):
        _raise_budget(sets, seed, timer)
    values = solution_values(highs)
    if values is not None:
        y = values[: sets.n_columns]
        start = np.flatnonzero(y >= 0.5)
        start = start[np.argsort(-y[start], kind="stable")].astype(np.int64)
        cost = lscp_costs(sets, minimise)
        if sets.is_capacitated:
            best.offer(*greedy_capacitated(sets, None, cost, start))
        else:
            best.offer(greedy_lscp(sets, cost, start), None)
    if status_name(highs) != "optimal":
        return 0.0
    return float(highs.getInfo().objective_function_value) * model.scale


def _first_cover(sets: CoverSets, minimise: Minimise, seed: int, timer: TimeBudget) -> _Incumbent:
    """The incumbent after the greedy start."""
    best = _Incumbent(sets, minimise)
    best.offer(*_start(sets, minimise, seed, timer))
    return best


def solve_lscp_exact(
    sets: CoverSets, minimise: Minimise, *, mip_rel_gap: float, seed: int, timer: TimeBudget
) -> Outcome:
    """Greedy cover, the LP (bound and rounded cover), then the MIP with HiGHS."""
    fixed = np.flatnonzero(sets.is_fixed).astype(np.int64)
    if sets.n_groups == 0:
        return Outcome(fixed, None, 0.0, 0.0, "optimal", "exact", 0.0, {})
    best = _first_cover(sets, minimise, seed, timer)
    solver = "ipm" if sets.is_capacitated else "choose"
    lp_bound = _lp_round(best, seed, timer, share=0.5, solver=solver)
    details: Details = {"lp_bound": lp_bound}
    if best.objective <= _integral_bound(lp_bound):
        return best.outcome(lp_bound, "optimal", "exact", timer, details)
    model = build_lscp(sets, minimise)
    start = None
    if best.columns is not None:
        y = np.zeros(sets.n_columns)
        y[best.columns] = 1.0
        start = start_vector(model, sets, y, best.shares)
    highs = run_model(
        model, time_limit_s=timer.remaining(), mip_rel_gap=mip_rel_gap, seed=seed, start=start
    )
    timer.spend(float(highs.getRunTime()))
    if is_infeasible(highs):
        _raise_budget(sets, seed, timer)  # capacity alone was checked by the start
    values = solution_values(highs)
    if values is not None:
        found = np.flatnonzero(values[: sets.n_columns] > 0.5).astype(np.int64)
        best.offer(found, values[sets.n_columns :] if model.has_pairs else None)
    dual = float(highs.getInfo().mip_dual_bound) * model.scale
    bound = max(lp_bound, dual) if math.isfinite(dual) else lp_bound
    details["mip_nodes"] = float(highs.getInfo().mip_node_count)
    return best.outcome(bound, status_name(highs), "exact", timer, details)


def solve_lscp_heuristic(
    sets: CoverSets, minimise: Minimise, *, seed: int, timer: TimeBudget
) -> Outcome:
    """Greedy cover (pruned), LP bound and LP-rounded cover, then window re-optimisation."""
    fixed = np.flatnonzero(sets.is_fixed).astype(np.int64)
    if sets.n_groups == 0:
        return Outcome(fixed, None, 0.0, 0.0, "optimal", "heuristic", 0.0, {})
    best = _first_cover(sets, minimise, seed, timer)
    details: Details = {"greedy_objective": best.objective}
    bound = 0.0
    if timer.remaining() > 0:
        bound = _lp_round(best, seed, timer, share=0.5, solver="ipm")
        details["lp_bound"] = bound
    is_open = best.columns is not None and best.objective > _integral_bound(bound)
    if is_open and not sets.is_capacitated and timer.remaining() > 0:
        assert best.columns is not None
        columns, solved, improved = improve_by_windows(
            sets, best.columns, seed=seed, timer=timer, minimise=minimise
        )
        best.offer(columns, None)
        details["windows_solved"], details["windows_improved"] = float(solved), float(improved)
    return best.outcome(bound, "feasible", "heuristic", timer, details)
