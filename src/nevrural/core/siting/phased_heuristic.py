"""Phased build-out by single-period solves: myopic forward pass, backward pass, bound.

Internal to :mod:`nevrural.core.siting.phased`, whose notes state the method and why
the bound is valid. Every single-period solve is `solve_p_median` or `solve_mclp` on a
`SitingProblem` derived from the base with `dataclasses.replace`:
one period's demand (points of weight 0 dropped), the sites open so far as existing,
and that period's number of new sites and budget.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import numpy as np

from nevrural.core.siting.coverage import MCLPParams, solve_mclp
from nevrural.core.siting.phased_eval import Evaluation, Plan, evaluate_schedule
from nevrural.core.siting.phased_problem import PhasedInfeasible
from nevrural.core.siting.pmedian import PMedianParams, solve_p_median

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import TimeBudget
    from nevrural.core.siting.phased_eval import Settings
    from nevrural.core.siting.phased_problem import PhasedProblem
    from nevrural.core.siting.problem import BoolArray, Clock, SitingProblem, SitingResult

SinglePath = Literal["auto", "exact", "heuristic"]

__all__ = [
    "PeriodSolver",
    "Relaxation",
    "backward_pass",
    "forward_pass",
    "relax_periods",
    "solve_heuristic",
]


class PeriodSolver:
    """Single-period solves of one phased run, sharing its settings and time budget."""

    def __init__(
        self, problem: PhasedProblem, settings: Settings, timer: TimeBudget, clock: Clock | None
    ) -> None:
        self.problem = problem
        self.settings = settings
        self.timer = timer
        self.clock = clock
        self.n_solves = 0

    def period_problem(
        self, t: int, existing: BoolArray, land: BoolArray, budget_fen: int | None
    ) -> SitingProblem:
        """Period `t`'s demand (weight > 0 only) on the base sites with these rules."""
        base = self.problem.base
        weight = self.problem.demand_by_period[t]
        rows = np.flatnonzero(weight > 0)
        ids = base.demand_ids
        return replace(
            base,
            demand_weight=weight[rows],
            distance_km=base.distance_km[rows],
            is_existing=existing,
            has_land=land | existing,
            budget_cny=None if budget_fen is None else Decimal(budget_fen) / 100,
            demand_ids=None if ids is None else tuple(ids[i] for i in rows.tolist()),
        )

    def solve(
        self, problem: SitingProblem, p: int, share: int, path: SinglePath = "auto"
    ) -> SitingResult | None:
        """Open `p` new sites in `problem` within 1/`share` of the time left; None when
        the single-period solver finds no solution (or proves there is none)."""
        limit = max(self.timer.remaining() / max(share, 1), 1e-3)
        self.n_solves += 1
        params = _single_params(self.settings, p, limit, path)
        try:
            if isinstance(params, MCLPParams):
                result = solve_mclp(problem, params, clock=self.clock)
            else:
                result = solve_p_median(problem, params, clock=self.clock)
        except ValueError:  # the solvers' infeasibility errors (PMedianInfeasible, ...)
            return None
        self.timer.spend(result.seconds)
        return result


def _single_params(
    settings: Settings, p: int, limit_s: float, path: SinglePath
) -> MCLPParams | PMedianParams:
    """Parameters of one single-period solve: `p` new sites within `limit_s` seconds."""
    if settings.model == "mclp":
        return MCLPParams(
            p=p,
            radius_km=settings.radius_km,
            path=path,
            time_limit_s=limit_s,
            mip_rel_gap=settings.mip_rel_gap,
            seed=settings.seed,
        )
    return PMedianParams(
        p=p,
        path=path,
        time_limit_s=limit_s,
        mip_rel_gap=settings.mip_rel_gap,
        seed=settings.seed,
        is_truncated=settings.is_truncated,
        beyond_km=settings.beyond_km,
    )


def _cheapest(problem: PhasedProblem, allowed: BoolArray, p: int, budget: int | None) -> BoolArray:
    """The `p` cheapest `allowed` sites (ties: lower index), or none when over `budget`."""
    base = problem.base
    sites = np.flatnonzero(allowed)
    order = sites[np.lexsort((sites, base.cost_fen[sites]))][:p]
    is_open = np.zeros(base.n_sites, dtype=np.bool_)
    if order.size == p and (budget is None or int(base.cost_fen[order].sum()) <= budget):
        is_open[order] = True
    return is_open


def _is_idle(solver: PeriodSolver, problem: SitingProblem) -> bool:
    """Whether no new site can change the period's value (no demand it may serve)."""
    if problem.n_demand == 0:
        return True
    if solver.settings.model == "p-median":
        return False
    matrix = problem.distance_km
    reach = problem.can_open[matrix.indices] & (matrix.data <= solver.settings.radius_km)
    return not bool(reach.any())


def _open_new(
    solver: PeriodSolver, t: int, rules: tuple[BoolArray, BoolArray, int | None], p: int, share: int
) -> BoolArray | None:
    """New sites opened in period `t` under `rules` (existing, land, budget), or None."""
    existing, land, budget = rules
    if p == 0:
        return np.zeros(solver.problem.base.n_sites, dtype=np.bool_)
    problem = solver.period_problem(t, existing, land, budget)
    if _is_idle(solver, problem):  # any new sites serve the period equally well
        chosen = _cheapest(solver.problem, land & ~existing, p, budget)
        return chosen if int(chosen.sum()) == p else None
    result = solver.solve(problem, p, share)
    if result is None:
        return None
    chosen = np.zeros(solver.problem.base.n_sites, dtype=np.bool_)
    chosen[list(result.new_sites)] = True
    return chosen


def _budget_left(problem: PhasedProblem, t: int, spent: list[int]) -> int | None:
    """The most period `t` may spend after `spent` (fen per earlier period)."""
    caps: list[int] = []
    budgets = problem.budget_fen
    if budgets is not None:
        caps.append(sum(budgets[: t + 1]) - sum(spent) if problem.carry_over else budgets[t])
    if problem.base.budget_fen is not None:
        caps.append(problem.base.budget_fen - sum(spent))
    return min(caps) if caps else None


def forward_pass(
    solver: PeriodSolver, share: int, first: BoolArray | None = None
) -> BoolArray | None:
    """Myopic schedule: each period's best new sites given the earlier ones, or None.

    `share`: how many solves the time left is divided among at first. `first`: the
    open sites of period 0 when already known (the relaxation of period 0 is the same
    single-period problem).
    """
    problem = solver.problem
    base = problem.base
    is_open = base.existing.copy()
    schedule = np.zeros((problem.n_periods, base.n_sites), dtype=np.bool_)
    spent: list[int] = []
    for t, p in enumerate(problem.new_sites_per_period):
        if p > 0:
            rules = (is_open, base.can_open | is_open, _budget_left(problem, t, spent))
            chosen: BoolArray | None = None
            if t == 0 and first is not None:
                chosen = first & ~base.existing
            else:
                chosen = _open_new(solver, t, rules, p, share - t)
            if chosen is None:
                return None
            is_open = is_open | chosen
            spent.append(int(base.cost_fen[chosen].sum()))
        else:
            spent.append(0)
        schedule[t] = is_open
    return schedule


@dataclass(frozen=True, eq=False)
class Relaxation:
    """Per-period relaxed solves: their bounds and open sites (None where none found)."""

    bounds: tuple[float | None, ...]
    open_sites: tuple[BoolArray | None, ...]

    def total(self, discount: tuple[float, ...]) -> float | None:
        """Discounted sum of the period bounds, None when one is missing."""
        if any(b is None or not math.isfinite(b) for b in self.bounds):
            return None
        return float(sum(d * (b or 0.0) for d, b in zip(discount, self.bounds, strict=True)))


def _period_value(solver: PeriodSolver, t: int, is_open: BoolArray) -> float:
    """Period `t`'s value with the sites `is_open` (evaluated over the whole horizon)."""
    problem = solver.problem
    schedule = np.tile(is_open, (problem.n_periods, 1))
    limit = max(solver.timer.remaining(), 1.0)
    evaluation = evaluate_schedule(problem, schedule, solver.settings, time_limit_s=limit)
    solver.timer.spend(evaluation.seconds)
    return float(evaluation.objective_by_period[t])


def _bound_of(solver: PeriodSolver, result: SitingResult) -> float | None:
    """The single-period bound: upper for MCLP, lower for the p-median."""
    return result.upper_bound if solver.settings.model == "mclp" else result.lower_bound


def relax_periods(solver: PeriodSolver, share: int) -> Relaxation:
    """Each period alone with ``P_t`` new sites and the cumulative budget cap."""
    problem = solver.problem
    base = problem.base
    bounds: list[float | None] = []
    opened: list[BoolArray | None] = []
    for t, p in enumerate(problem.cumulative_new.tolist()):
        rules = (base.existing, base.can_open, problem.cumulative_cap_fen(t))
        period = solver.period_problem(t, *rules)
        if p == 0 or _is_idle(solver, period):  # value of the existing or p cheapest new
            chosen = _open_new(solver, t, rules, p, 1)
            is_open = None if chosen is None else chosen | base.existing
            bounds.append(None if is_open is None else _period_value(solver, t, is_open))
            opened.append(is_open)
            continue
        result = solver.solve(period, p, share - t)
        if result is None:
            bounds.append(None)
            opened.append(None)
            continue
        bound = _bound_of(solver, result)
        if bound is None:  # a time-limited exact solve may prove nothing: ask the heuristic
            again = solver.solve(period, p, share - t, path="heuristic")
            bound = None if again is None else _bound_of(solver, again)
            if again is not None and _better(solver.settings, again.objective, result.objective):
                result = again
        bounds.append(bound)
        is_open = np.zeros(base.n_sites, dtype=np.bool_)
        is_open[list(result.open_sites)] = True
        opened.append(is_open)
    return Relaxation(tuple(bounds), tuple(opened))


def backward_pass(solver: PeriodSolver, last: BoolArray, share: int) -> BoolArray | None:
    """Schedule ending at `last`: each earlier period's best subset of the next one's sites.

    None when a solve fails or the schedule breaks a budget.
    """
    problem = solver.problem
    base = problem.base
    cumulative = problem.cumulative_new.tolist()
    schedule = np.zeros((problem.n_periods, base.n_sites), dtype=np.bool_)
    schedule[-1] = last
    for t in range(problem.n_periods - 2, -1, -1):
        if cumulative[t] in (0, cumulative[t + 1]):
            schedule[t] = base.existing if cumulative[t] == 0 else schedule[t + 1]
            continue
        land = schedule[t + 1] & base.can_open
        rules = (base.existing, land, problem.cumulative_cap_fen(t))
        chosen = _open_new(solver, t, rules, cumulative[t], share - (problem.n_periods - 2 - t))
        if chosen is None:
            return None
        schedule[t] = chosen | base.existing
    return None if problem.schedule_clash(schedule) is not None else schedule


def _better(settings: Settings, new: float, old: float) -> bool:
    """Whether total `new` beats `old` (lower p-median, higher MCLP; inf never wins)."""
    if not math.isfinite(new):
        return False
    return not math.isfinite(old) or (new < old if settings.model == "p-median" else new > old)


def solve_heuristic(solver: PeriodSolver, *, has_backward_pass: bool) -> Plan:
    """Forward and (optionally) backward schedules, the better one, and the relaxed bound."""
    problem, settings = solver.problem, solver.settings
    n_periods, discount = problem.n_periods, problem.discount
    n_solves = 3 * n_periods - 1 - (0 if has_backward_pass else n_periods - 1)
    relaxation = relax_periods(solver, n_solves)
    candidates = {"forward": forward_pass(solver, n_solves - n_periods, relaxation.open_sites[0])}
    last = relaxation.open_sites[-1]
    if has_backward_pass and last is not None:
        candidates["backward"] = backward_pass(solver, last, n_periods - 1)
    details: dict[str, float] = {}
    best: tuple[BoolArray, Evaluation] | None = None
    for name, schedule in candidates.items():
        if schedule is None:
            continue
        limit = max(solver.timer.remaining(), 1.0)
        evaluation = evaluate_schedule(problem, schedule, settings, time_limit_s=limit)
        solver.timer.spend(evaluation.seconds)
        details[f"{name}_objective"] = evaluation.total(discount)
        if best is None or _better(settings, evaluation.total(discount), best[1].total(discount)):
            best = (schedule, evaluation)
    if best is None or not math.isfinite(best[1].total(discount)):
        tried = ", ".join(
            f"{name} {'failed' if schedule is None else 'leaves demand unserved'}"
            for name, schedule in candidates.items()
        )
        raise PhasedInfeasible(
            f"the heuristic found no feasible schedule for {n_periods} periods with new sites"
            f" {problem.new_sites_per_period} ({tried}); path='exact' decides"
        )
    for t, bound in enumerate(relaxation.bounds):
        if bound is not None:
            details[f"bound_period_{problem.labels[t]}"] = float(bound)
    details["single_solves"] = float(solver.n_solves)
    bound = relaxation.total(tuple(discount.tolist()))
    return Plan(best[0], best[1], bound, "feasible", "heuristic", details)
