"""The two MCLP paths: HiGHS MIP from a heuristic start, and heuristic with bounds.

Internal to :mod:`nevrural.core.siting.coverage`, whose notes give the formulation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.siting.coverage_bound import lagrangian_bound, lagrangian_value
from nevrural.core.siting.coverage_greedy import (
    fill_by_priority,
    greedy_capacitated,
    greedy_mclp,
)
from nevrural.core.siting.coverage_highs import (
    build_mclp,
    run_model,
    serve_fixed,
    solution_values,
    start_vector,
    status_name,
)
from nevrural.core.siting.coverage_model import (
    Outcome,
    TimeBudget,
    clean_shares,
    covered_weight,
    served_weight,
)
from nevrural.core.siting.coverage_swap import improve_by_swaps
from nevrural.core.siting.coverage_windows import improve_by_windows

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import CoverSets
    from nevrural.core.siting.problem import FloatArray, IntArray

__all__ = ["solve_mclp_exact", "solve_mclp_heuristic"]

# Share of the time left that the exact path gives window re-optimisation before the
# MIP (only instances large enough for windows, see `improve_by_windows`).
_WINDOW_SHARE = 1 / 3


class _Best:
    """The best open set found so far and its covered weight, demand units."""

    def __init__(self, sets: CoverSets, columns: IntArray, shares: FloatArray | None) -> None:
        self.sets = sets
        self.columns, self.shares = columns, shares
        self.value = self.evaluate(columns, shares)

    def evaluate(self, columns: IntArray, shares: FloatArray | None) -> float:
        """Covered (uncapacitated) or served (capacitated) weight, demand units."""
        if shares is None:
            return covered_weight(self.sets, columns)
        return served_weight(self.sets, shares)

    def offer(self, columns: IntArray, shares: FloatArray | None = None) -> bool:
        """Keep `columns` when strictly better; True if kept."""
        value = self.evaluate(columns, shares)
        if value > self.value:
            self.columns, self.shares, self.value = columns, shares, value
            return True
        return False


def _is_valid(sets: CoverSets, columns: IntArray, p: int) -> bool:
    """Exactly `p` new columns, every fixed column open, and the budget kept (whole fen)."""
    is_open = np.zeros(sets.n_columns, dtype=np.bool_)
    is_open[columns] = True
    if int((is_open & ~sets.is_fixed).sum()) != p or not is_open[sets.is_fixed].all():
        return False
    spent = int(sets.cost_fen[is_open & ~sets.is_fixed].sum())
    return sets.budget_fen is None or spent <= sets.budget_fen


def _everything(sets: CoverSets) -> float:
    """All weight the model can cover, demand units: the trivial upper bound."""
    return sets.fixed_weight + float(sets.weight.sum())


def _start(sets: CoverSets, p: int, timer: TimeBudget) -> _Best:
    """Greedy (and, uncapacitated, swaps) as the first incumbent."""
    if sets.is_capacitated:
        columns, shares = greedy_capacitated(sets, p)
        return _Best(sets, columns, shares)
    chosen, _ = improve_by_swaps(
        sets, greedy_mclp(sets, p), clock=timer.clock, deadline=timer.deadline
    )
    return _Best(sets, chosen, None)


def _lagrangian_restart(
    sets: CoverSets, p: int, best: _Best, timer: TimeBudget, details: dict[str, float]
) -> float | None:
    """Subgradient bound (demand units) and a restart from its rounded site choices.

    None when the Lagrangian does not apply (budget, capacities, nothing to cover).
    """
    if sets.is_capacitated or sets.budget_fen is not None or p == 0 or not sets.n_groups:
        return None
    lagrange = lagrangian_bound(
        sets, p, best.value - sets.fixed_weight, clock=timer.clock, deadline=timer.deadline
    )
    details["lagrangian_bound"] = sets.fixed_weight + lagrange.bound
    details["lagrangian_iterations"] = float(lagrange.iterations)
    details["swaps"] = details.get("swaps", 0.0) + _polish(
        sets, p, lagrange.site_average, best, timer
    )
    return sets.fixed_weight + lagrange.bound


def _site_vector(sets: CoverSets, best: _Best) -> FloatArray:
    """Site columns as 0/1."""
    y = np.zeros(sets.n_columns)
    y[best.columns] = 1.0
    return y


def _serve_best(
    sets: CoverSets, columns: IntArray, best: _Best, seed: int, timer: TimeBudget
) -> None:
    """Offer `columns` with the best split of demand over them (capacitated, an LP)."""
    if timer.remaining() <= 0:
        return
    shares, seconds = serve_fixed(sets, columns, time_limit_s=timer.remaining(), seed=seed)
    timer.spend(seconds)
    if shares is not None:
        best.offer(columns, clean_shares(sets, columns, shares))


def _lp_proof(
    sets: CoverSets,
    p: int,
    best: _Best,
    seed: int,
    timer: TimeBudget,
    details: dict[str, float],
    solver: str | None = None,
) -> float | None:
    """LP bound (duals re-evaluated when possible) after a restart from the rounded LP.

    `solver` defaults to interior point when capacitated (many pair columns), else
    HiGHS's choice.
    """
    solver = solver or ("ipm" if sets.is_capacitated else "choose")
    lp = _LpRelaxation(sets, p, seed, timer, solver=solver)
    if lp.sites is not None and sets.is_capacitated:
        rounded = np.union1d(np.flatnonzero(sets.is_fixed), fill_by_priority(sets, p, lp.sites))
        _serve_best(sets, rounded.astype(np.int64), best, seed, timer)
    elif lp.sites is not None:
        details["swaps"] = details.get("swaps", 0.0) + _polish(sets, p, lp.sites, best, timer)
    if lp.bound is not None:
        details["lp_bound"] = lp.bound
    if lp.duals is not None and sets.budget_fen is None and not sets.is_capacitated:
        # L(duals) is a bound whatever the LP's tolerances; the LP value only nearly
        return sets.fixed_weight + lagrangian_value(sets, p, lp.duals)[0]
    return lp.bound


def _first(sets: CoverSets, p: int, seed: int, timer: TimeBudget) -> _Best:
    """Greedy start; capacitated, re-split over its sites by the transportation LP."""
    best = _start(sets, p, timer)
    if sets.is_capacitated and best.value < _everything(sets):
        _serve_best(sets, best.columns, best, seed, timer)
    return best


def _windows_first(
    sets: CoverSets, best: _Best, seed: int, timer: TimeBudget, details: dict[str, float]
) -> None:
    """Window re-optimisation with a third of the time left, before a large MIP."""
    part = TimeBudget(timer.remaining() * _WINDOW_SHARE, timer.clock)
    columns, solved, improved = improve_by_windows(sets, best.columns, seed=seed, timer=part)
    timer.spend(part.highs_s)
    if solved:
        best.offer(columns)
        details["windows_solved"], details["windows_improved"] = float(solved), float(improved)


def solve_mclp_exact(
    sets: CoverSets, p: int, *, mip_rel_gap: float, seed: int, timer: TimeBudget
) -> Outcome:
    """Greedy and swaps, then the LP (rounded, and a proof when it meets), then the MIP."""
    best = _first(sets, p, seed, timer)
    if best.value >= _everything(sets):  # all coverable weight covered: nothing to prove
        return Outcome(best.columns, best.shares, best.value, best.value, "optimal", "exact", 0, {})
    details: dict[str, float] = {}
    lp_bound = _lp_proof(sets, p, best, seed, timer, details)
    if lp_bound is not None and lp_bound - best.value <= mip_rel_gap * abs(best.value):
        proof = max(lp_bound, best.value)
        return Outcome(
            best.columns, best.shares, best.value, proof, "optimal", "exact", timer.highs_s, details
        )
    if not sets.is_capacitated:
        _windows_first(sets, best, seed, timer, details)
    model = build_mclp(sets, p)
    start = start_vector(model, sets, _site_vector(sets, best), best.shares)
    highs = run_model(
        model, time_limit_s=timer.remaining(), mip_rel_gap=mip_rel_gap, seed=seed, start=start
    )
    timer.spend(float(highs.getRunTime()))
    values = solution_values(highs)
    if values is not None:
        columns = np.flatnonzero(values[: sets.n_columns] > 0.5).astype(np.int64)
        if _is_valid(sets, columns, p):
            tail = values[sets.n_columns :]
            best.offer(columns, clean_shares(sets, columns, tail) if model.has_pairs else None)
    dual = float(highs.getInfo().mip_dual_bound) * model.scale + sets.fixed_weight
    bounds = [b for b in (lp_bound, dual) if b is not None and np.isfinite(b)]
    bound = max(min(bounds), best.value) if bounds else None
    status = "optimal" if bound is not None and bound <= best.value else status_name(highs)
    details["mip_nodes"] = float(highs.getInfo().mip_node_count)
    return Outcome(
        best.columns, best.shares, best.value, bound, status, "exact", timer.highs_s, details
    )


class _LpRelaxation:
    """The LP relaxation's bound (demand units), site and group values, and group duals."""

    def __init__(
        self, sets: CoverSets, p: int, seed: int, timer: TimeBudget, solver: str = "ipm"
    ) -> None:
        self.bound: float | None = None
        self.sites: FloatArray | None = None
        self.groups: FloatArray | None = None
        self.duals: FloatArray | None = None
        if timer.remaining() <= 0:
            return
        model = build_mclp(sets, p, is_integer=False)
        highs = run_model(model, time_limit_s=timer.remaining(), seed=seed, solver=solver)
        timer.spend(float(highs.getRunTime()))
        values = solution_values(highs)
        if values is not None:
            self.sites, self.groups = values[: sets.n_columns], values[sets.n_columns :]
        if status_name(highs) != "optimal" or values is None:
            return
        info, solution = highs.getInfo(), highs.getSolution()
        self.bound = float(info.objective_function_value) * model.scale + sets.fixed_weight
        if solution.dual_valid:
            self.duals = np.abs(np.asarray(solution.row_dual)[: sets.n_groups]) * model.scale


def _polish(sets: CoverSets, p: int, priority: FloatArray, best: _Best, timer: TimeBudget) -> int:
    """Round `priority` to p columns, improve by swaps, offer; the swaps applied."""
    chosen, swaps = improve_by_swaps(
        sets, fill_by_priority(sets, p, priority), clock=timer.clock, deadline=timer.deadline
    )
    best.offer(chosen)
    return swaps


class _Laps:
    """Wall seconds per phase into `details` (only when the caller passed a clock)."""

    def __init__(self, timer: TimeBudget, details: dict[str, float]) -> None:
        self.timer, self.details = timer, details
        self.last = timer.clock() if timer.clock is not None else 0.0

    def __call__(self, phase: str) -> None:
        if self.timer.clock is not None:
            now = self.timer.clock()
            self.details[f"{phase}_s"] = now - self.last
            self.last = now


def solve_mclp_heuristic(sets: CoverSets, p: int, *, seed: int, timer: TimeBudget) -> Outcome:
    """Greedy + swaps; Lagrangian and LP bounds with rounded restarts; then windows."""
    if sets.is_capacitated:
        return _capacitated_heuristic(sets, p, seed=seed, timer=timer)
    details: dict[str, float] = {}
    lap = _Laps(timer, details)
    best = _start(sets, p, timer)
    details["greedy_swap_weight"] = best.value
    lap("greedy_swap")
    bounds = [_everything(sets)]
    lagrange_bound = (
        _lagrangian_restart(sets, p, best, timer, details) if best.value < bounds[0] else None
    )
    if lagrange_bound is not None:
        bounds.append(lagrange_bound)
        lap("lagrangian")
    if sets.n_groups and min(bounds) > best.value:
        lp_bound = _lp_proof(sets, p, best, seed, timer, details, solver="ipm")
        if lp_bound is not None:
            bounds.append(lp_bound)
        lap("lp")
    if min(bounds) > best.value and timer.remaining() > 0:
        columns, solved, improved = improve_by_windows(sets, best.columns, seed=seed, timer=timer)
        best.offer(columns)
        details["windows_solved"], details["windows_improved"] = float(solved), float(improved)
        lap("windows")
    bound = max(min(bounds), best.value)
    status = "optimal" if bound <= best.value else "feasible"
    return Outcome(
        best.columns, None, best.value, bound, status, "heuristic", timer.highs_s, details
    )


def _capacitated_heuristic(sets: CoverSets, p: int, *, seed: int, timer: TimeBudget) -> Outcome:
    """Capacitated greedy re-split by LP, the LP relaxation bound and LP-rounded sites."""
    best = _first(sets, p, seed, timer)
    details = {"greedy_weight": best.value}
    bound = _everything(sets)
    if timer.remaining() > 0 and best.value < bound:
        lp_bound = _lp_proof(sets, p, best, seed, timer, details)
        bound = bound if lp_bound is None else min(bound, lp_bound)
    bound = max(bound, best.value)
    status = "optimal" if bound <= best.value else "feasible"
    return Outcome(
        best.columns, best.shares, best.value, bound, status, "heuristic", timer.highs_s, details
    )
