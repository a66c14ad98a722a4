"""The value of a phased schedule: each period's objective and assignment.

Internal to :mod:`nevrural.core.siting.phased`. Every path's schedule is valued here, so
that the exact and heuristic objectives are the same function of the open sites:

* uncapacitated p-median: each demand point goes to its nearest open allowed site
  (ties: lower index); a point with none costs ``beyond_km`` per demand unit when the
  pairs are truncated, else the period (and the schedule) is infeasible (``inf``);
* uncapacitated MCLP: the weight of the demand within the radius of an open site;
* capacitated (either model): the best splittable assignment of every period, one LP
  (the phased model with the sites fixed). A p-median schedule whose capacities cannot
  serve the demand is infeasible (``inf`` in every period).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from nevrural.core.siting.coverage_highs import is_infeasible, solution_values
from nevrural.core.siting.coverage_result import nearest_open
from nevrural.core.siting.phased_model import build_model, run_model
from nevrural.core.siting.phased_sets import prepare_sets
from nevrural.core.siting.pmedian_data import nearest_two, prepare_p_median

if TYPE_CHECKING:
    from nevrural.core.siting.phased_model import PhasedModel
    from nevrural.core.siting.phased_problem import PhasedProblem
    from nevrural.core.siting.phased_sets import PhasedSets
    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray

__all__ = [
    "Evaluation",
    "Plan",
    "Settings",
    "assignment_of",
    "evaluate_schedule",
    "is_capacitated",
    "is_integral",
]

# A pair share from which a demand point counts as assigned to the site.
_SHARE_TOL = 1e-6


Model = Literal["p-median", "mclp"]


@dataclass(frozen=True)
class Settings:
    """What every solve of one phased run shares: the model and its parameters."""

    model: Model
    radius_km: float
    is_truncated: bool
    beyond_km: float
    mip_rel_gap: float
    seed: int


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Each period's objective (undiscounted) and assignment of a schedule.

    ``objective_by_period``: weighted distance, demand-unit-km (p-median; ``inf`` when
    the period cannot be served) or covered weight, demand units (MCLP).
    ``assignment[t, i]``: the site serving demand ``i`` in period ``t`` (largest share
    when split), -1 when none. ``seconds``: HiGHS seconds spent.
    """

    objective_by_period: FloatArray
    assignment: IntArray
    seconds: float

    def total(self, discount: FloatArray) -> float:
        """Discounted sum of the period objectives."""
        return float(np.dot(discount, self.objective_by_period))


def is_capacitated(problem: PhasedProblem) -> bool:
    """True when a site that may be open has a finite capacity."""
    base = problem.base
    usable = base.existing | base.can_open
    return bool(np.isfinite(base.site_capacity[usable]).any())


def is_integral(problem: PhasedProblem, model: Model, beyond_km: float) -> bool:
    """Whether every schedule's total is a whole number (so bounds may be rounded).

    True without capacities and discount when weights (and, for the p-median, distances
    and `beyond_km`) are whole numbers.
    """
    if (problem.discount_rate and problem.n_periods > 1) or is_capacitated(problem):
        return False
    values = [problem.demand_by_period.ravel()]
    if model == "p-median":
        values += [problem.base.distance_km.data, np.array([beyond_km])]
    return all(bool(np.all(v == np.round(v))) for v in values)


def _median(problem: PhasedProblem, is_open: BoolArray, settings: Settings) -> Evaluation:
    """Nearest open allowed site of every point, every period."""
    data = prepare_p_median(
        problem.base, 0, is_truncated=settings.is_truncated, beyond_km=settings.beyond_km
    )
    values = np.zeros(problem.n_periods)
    assignment = np.full((problem.n_periods, problem.base.n_demand), -1, dtype=np.int64)
    for t in range(problem.n_periods):
        near = nearest_two(data, is_open[t], data.beyond_km)
        weight = problem.demand_by_period[t]
        served = weight > 0
        dist = near.dist1_km[served]
        values[t] = math.inf if np.isinf(dist).any() else float(np.dot(weight[served], dist))
        assignment[t] = near.site1
    return Evaluation(values, assignment, 0.0)


def _covering(problem: PhasedProblem, is_open: BoolArray, settings: Settings) -> Evaluation:
    """Nearest open covering site of every point, every period."""
    values = np.zeros(problem.n_periods)
    assignment = np.full((problem.n_periods, problem.base.n_demand), -1, dtype=np.int64)
    for t in range(problem.n_periods):
        assignment[t] = nearest_open(problem.base, settings.radius_km, is_open[t])
        values[t] = float(problem.demand_by_period[t][assignment[t] >= 0].sum())
    return Evaluation(values, assignment, 0.0)


def assignment_of(sets: PhasedSets, model: PhasedModel, values: FloatArray) -> IntArray:
    """Site of the largest share of each demand point per period (-1 when none)."""
    n_y = model.n_periods * model.n_columns
    x = values[n_y : n_y + model.x_pair.size]
    period = model.col_period[n_y : n_y + model.x_pair.size]
    pair_group = np.repeat(np.arange(sets.weight.shape[1]), np.diff(sets.pairs.indptr))
    group = pair_group[model.x_pair]
    keep = x > _SHARE_TOL
    period, group, x, pair = period[keep], group[keep], x[keep], model.x_pair[keep]
    order = np.lexsort((-x, group, period))
    period, group, pair = period[order], group[order], pair[order]
    is_first = np.ones(order.size, dtype=np.bool_)
    is_first[1:] = (period[1:] != period[:-1]) | (group[1:] != group[:-1])
    best = np.full((model.n_periods, sets.weight.shape[1] + 1), -1, dtype=np.int64)
    best[period[is_first], group[is_first]] = sets.site_of[sets.pairs.indices[pair[is_first]]]
    return best[:, sets.group_of]  # group -1 reads the spare last column, -1


def _split(
    problem: PhasedProblem, is_open: BoolArray, settings: Settings, time_limit_s: float
) -> Evaluation:
    """Best splittable assignment with the sites fixed: one LP over all periods."""
    sets = prepare_sets(
        problem,
        settings.model,
        radius_km=settings.radius_km,
        is_truncated=settings.is_truncated,
        beyond_km=settings.beyond_km,
    )
    model = build_model(sets, problem, is_integer=False, has_site_rules=False)
    n_y = model.n_periods * model.n_columns
    fixed = is_open[:, sets.site_of].astype(np.float64).ravel()
    lower, upper = np.array(model.lp.col_lower_), np.array(model.lp.col_upper_)
    lower[:n_y], upper[:n_y] = fixed, fixed
    model.lp.col_lower_, model.lp.col_upper_ = lower, upper
    highs = run_model(model, time_limit_s=time_limit_s, mip_rel_gap=0.0, seed=settings.seed)
    seconds = float(highs.getRunTime())
    n_periods, n_demand = problem.n_periods, problem.base.n_demand
    if is_infeasible(highs) and sets.is_median:
        none = np.full((n_periods, n_demand), -1, dtype=np.int64)
        return Evaluation(np.full(n_periods, math.inf), none, seconds)
    values = solution_values(highs)
    if values is None:
        raise RuntimeError(
            f"HiGHS found no assignment for a fixed schedule within {time_limit_s:g} s"
            f" ({model.lp.num_col_} columns, {model.lp.num_row_} rows)"
        )
    values = np.clip(values, 0.0, 1.0)
    weighted = model.col_value * values
    counts = np.bincount(model.col_period, weights=weighted, minlength=n_periods)
    objective = np.asarray(counts, dtype=np.float64) + sets.fixed_weight
    return Evaluation(objective, assignment_of(sets, model, values), seconds)


def evaluate_schedule(
    problem: PhasedProblem, is_open: BoolArray, settings: Settings, *, time_limit_s: float
) -> Evaluation:
    """Each period's objective and assignment of the schedule `is_open` ``(T, n_sites)``.

    `time_limit_s` bounds the LP of capacitated models, s. O(pairs) per period without
    capacities; one LP with O(periods × pairs) columns with them.
    """
    is_open = np.asarray(is_open, dtype=np.bool_)
    if is_capacitated(problem):
        return _split(problem, is_open, settings, time_limit_s)
    if settings.model == "p-median":
        return _median(problem, is_open, settings)
    return _covering(problem, is_open, settings)


@dataclass(frozen=True, eq=False)
class Plan:
    """A path's schedule, its value and the proof of quality.

    ``bound``: proven bound on the total (discounted) objective, lower for the
    p-median and upper for MCLP, or None. ``status``: ``optimal``, ``time_limit``,
    ``feasible`` (heuristic) or another HiGHS status word.
    """

    schedule: BoolArray
    evaluation: Evaluation
    bound: float | None
    status: str
    path: Literal["exact", "heuristic"]
    details: dict[str, float]
