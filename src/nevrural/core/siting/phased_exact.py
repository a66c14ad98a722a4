"""The exact path of the phased build-out: one HiGHS MIP over all periods.

Internal to :mod:`nevrural.core.siting.phased`, whose notes give the formulation. The
myopic forward pass (a quarter of the time) supplies the incumbent, offered to HiGHS as
the site values of every period (HiGHS completes the assignment).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.siting.coverage_highs import is_infeasible, solution_values, status_name
from nevrural.core.siting.phased_eval import Evaluation, Plan, evaluate_schedule
from nevrural.core.siting.phased_heuristic import forward_pass
from nevrural.core.siting.phased_model import build_model, run_model
from nevrural.core.siting.phased_problem import PhasedInfeasible, format_fen
from nevrural.core.siting.phased_sets import prepare_sets

if TYPE_CHECKING:
    from highspy import Highs

    from nevrural.core.siting.phased_heuristic import PeriodSolver
    from nevrural.core.siting.phased_model import PhasedModel
    from nevrural.core.siting.phased_problem import PhasedProblem
    from nevrural.core.siting.phased_sets import PhasedSets
    from nevrural.core.siting.problem import BoolArray

__all__ = ["solve_exact"]

# Share of the time limit that the warm start (forward pass) may use.
_START_SHARE = 4


def _rounded(
    solver: PeriodSolver, sets: PhasedSets, model: PhasedModel, highs: Highs
) -> BoolArray | None:
    """HiGHS's site values rounded to a schedule (None without a solution)."""
    values = solution_values(highs)
    if values is None:
        return None
    problem = solver.problem
    n_y = model.n_periods * model.n_columns
    y = values[:n_y].reshape(model.n_periods, model.n_columns) > 0.5
    schedule = np.tile(problem.base.existing, (problem.n_periods, 1))
    schedule[:, sets.site_of] |= y
    return schedule


def _dual_bound(model: PhasedModel, highs: Highs) -> float | None:
    """HiGHS's proven bound on the total objective, in model units (None if unknown)."""
    bound = float(highs.getInfo().mip_dual_bound)
    if not math.isfinite(bound):
        return None
    return bound * model.objective_scale + model.objective_constant


def _without_openings(solver: PeriodSolver) -> Plan:
    """No new site in any period: the existing sites are the only schedule."""
    problem = solver.problem
    schedule = np.tile(problem.base.existing, (problem.n_periods, 1))
    limit = max(solver.timer.remaining(), 1.0)
    evaluation = evaluate_schedule(problem, schedule, solver.settings, time_limit_s=limit)
    solver.timer.spend(evaluation.seconds)
    unserved = np.flatnonzero(~np.isfinite(evaluation.objective_by_period))
    if unserved.size:
        raise PhasedInfeasible(
            f"no new site opens and the {int(problem.base.existing.sum())} existing sites"
            f" cannot serve period {problem.labels[unserved[0]]}'s demand"
        )
    total = evaluation.total(problem.discount)
    return Plan(schedule, evaluation, total, "optimal", "exact", {})


def _infeasible(problem: PhasedProblem) -> PhasedInfeasible:
    """The error for a model HiGHS proved infeasible, naming counts and budgets."""
    budgets = problem.budget_fen
    named = "none" if budgets is None else ", ".join(format_fen(b) for b in budgets)
    total = problem.base.budget_fen
    return PhasedInfeasible(
        f"HiGHS proved that no schedule meets the rules: new sites per period"
        f" {problem.new_sites_per_period}, budgets per period (CNY) {named}"
        f" (carry_over={problem.carry_over}), horizon budget (CNY)"
        f" {'none' if total is None else format_fen(total)}"
    )


def _run(solver: PeriodSolver, start: BoolArray | None) -> tuple[PhasedSets, PhasedModel, Highs]:
    """Build the MIP and solve it from `start` within the time left."""
    problem, settings = solver.problem, solver.settings
    sets = prepare_sets(
        problem,
        settings.model,
        radius_km=settings.radius_km,
        is_truncated=settings.is_truncated,
        beyond_km=settings.beyond_km,
    )
    model = build_model(sets, problem, is_integer=True)
    highs = run_model(
        model,
        time_limit_s=solver.timer.remaining(),
        mip_rel_gap=settings.mip_rel_gap,
        seed=settings.seed,
        start=None if start is None else start[:, sets.site_of],
    )
    solver.timer.spend(float(highs.getRunTime()))
    if is_infeasible(highs):
        raise _infeasible(problem)
    return sets, model, highs


def _evaluate(solver: PeriodSolver, schedule: BoolArray) -> Evaluation:
    """Value `schedule`, counting the HiGHS seconds of its LP."""
    limit = max(solver.timer.remaining(), 1.0)
    evaluation = evaluate_schedule(solver.problem, schedule, solver.settings, time_limit_s=limit)
    solver.timer.spend(evaluation.seconds)
    return evaluation


def solve_exact(solver: PeriodSolver) -> Plan:
    """One MIP over all periods from the forward pass's schedule."""
    problem = solver.problem
    if int(problem.cumulative_new[-1]) == 0:
        return _without_openings(solver)
    start = forward_pass(solver, _START_SHARE * problem.n_periods)
    sets, model, highs = _run(solver, start)
    status = status_name(highs)
    schedule = _rounded(solver, sets, model, highs)
    clash = None if schedule is None else problem.schedule_clash(schedule)
    if schedule is None or clash is not None:
        if start is None:
            raise RuntimeError(
                f"HiGHS found no schedule in {solver.timer.limit_s:g} s ({model.lp.num_col_}"
                f" columns, {model.lp.num_row_} rows){'' if clash is None else ': ' + clash}"
            )
        schedule, status = start, ("numerical" if clash is not None else status)
    details = {
        "n_groups": float(sets.weight.shape[1]),
        "n_columns": float(model.lp.num_col_),
        "n_rows": float(model.lp.num_row_),
        "mip_nodes": float(highs.getInfo().mip_node_count),
    }
    if start is not None:
        details["forward_objective"] = _evaluate(solver, start).total(problem.discount)
    evaluation = _evaluate(solver, schedule)
    return Plan(schedule, evaluation, _dual_bound(model, highs), status, "exact", details)
