"""From a covering path's outcome (columns, shares) back to sites, demands and a result.

Internal to :mod:`nevrural.core.siting.coverage`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np

from nevrural.core.siting.coverage_model import covering_pairs
from nevrural.core.siting.problem import SitingResult

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import CoverSets, Outcome, TimeBudget
    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray, SitingProblem

__all__ = ["assemble_result", "nearest_open"]

# A demand counts as covered (capacitated: fully served) from this share on.
_SERVED_TOL = 1e-6


def nearest_open(problem: SitingProblem, radius_km: float, is_open: BoolArray) -> IntArray:
    """The nearest open site covering each demand (ties: lower index), -1 when none.

    >>> from scipy.sparse import csr_matrix
    >>> from nevrural.core.siting.problem import SitingProblem
    >>> km = csr_matrix(np.array([[3.0, 1.0], [2.0, 9.0]]))
    >>> problem = SitingProblem(demand_weight=np.ones(2), distance_km=km)
    >>> nearest_open(problem, 5.0, np.array([True, True])).tolist()
    [1, 0]
    """
    cover = covering_pairs(problem, radius_km)
    rows = np.repeat(np.arange(problem.n_demand), np.diff(cover.indptr))
    keep = is_open[cover.indices]
    rows, sites, km = rows[keep], cover.indices[keep], cover.data[keep]
    order = np.lexsort((sites, km, rows))
    first = (
        order[np.concatenate([[True], rows[order][1:] != rows[order][:-1]])] if rows.size else order
    )
    assignment = np.full(problem.n_demand, -1, dtype=np.int64)
    assignment[rows[first]] = sites[first]
    return assignment


def _group_shares(sets: CoverSets, shares: FloatArray) -> tuple[FloatArray, IntArray]:
    """Served share of each group and the column with its largest share (-1 if none)."""
    pair_group = np.repeat(np.arange(sets.n_groups), np.diff(sets.matrix.indptr))
    served = np.bincount(pair_group, weights=shares, minlength=sets.n_groups).astype(np.float64)
    best = np.full(sets.n_groups, -1, dtype=np.int64)
    if not shares.size:
        return served, best
    order = np.lexsort((sets.matrix.indices, -shares, pair_group))
    first = order[np.concatenate([[True], pair_group[order][1:] != pair_group[order][:-1]])]
    has = shares[first] > _SERVED_TOL
    best[pair_group[first][has]] = sets.matrix.indices[first][has]
    return served, best


def _demand_view(
    problem: SitingProblem,
    radius_km: float,
    sets: CoverSets,
    outcome: Outcome,
    is_open: BoolArray,
) -> tuple[IntArray, dict[str, float]]:
    """Assignment of every demand and the coverage counts."""
    assignment = nearest_open(problem, radius_km, is_open)
    weighted = problem.demand_weight > 0
    counts = {"n_demand_weighted": float(weighted.sum())}
    if outcome.shares is None:
        counts["n_covered"] = float((weighted & (assignment >= 0)).sum())
        return assignment, counts
    served, best = _group_shares(sets, outcome.shares)
    in_group = sets.group_of >= 0
    group = sets.group_of[in_group]
    best_site = np.where(best[group] >= 0, sets.site_of[np.maximum(best[group], 0)], -1)
    assignment[in_group] = best_site
    demand_served = np.zeros(problem.n_demand)
    demand_served[in_group] = served[group]
    counts["n_covered"] = float((weighted & (demand_served >= 1.0 - _SERVED_TOL)).sum())
    counts["n_partly_covered"] = float((weighted & (demand_served > _SERVED_TOL)).sum())
    return assignment, counts


def assemble_result(
    problem: SitingProblem,
    radius_km: float,
    sets: CoverSets,
    outcome: Outcome,
    model: Literal["mclp", "lscp"],
    timer: TimeBudget,
    objective_scale: float = 1.0,
) -> SitingResult:
    """The `SitingResult` of `outcome`; `objective_scale` converts its unit (fen to CNY)."""
    is_open = problem.existing.copy()
    is_open[sets.site_of[outcome.columns]] = True
    new = is_open & ~problem.existing
    assignment, details = _demand_view(problem, radius_km, sets, outcome, is_open)
    objective = outcome.objective * objective_scale
    bound = None if outcome.bound is None else outcome.bound * objective_scale
    gap = math.inf if bound is None else abs(bound - objective) / max(abs(objective), 1e-9)
    total = problem.total_weight()
    spent_fen = int(problem.cost_fen[new].sum())
    details |= {
        "n_new": float(new.sum()),
        "cost_cny": spent_fen / 100,
        "n_groups": float(sets.n_groups),
        "n_columns": float(sets.n_columns),
        "n_pairs": float(sets.matrix.nnz),
        **outcome.details,
    }
    if model == "mclp":
        details["covered_weight"] = objective
        details["total_weight"] = total
        details["covered_share"] = objective / total if total > 0 else 1.0
    if timer.clock is not None:
        details["wall_s"] = timer.clock() - timer.origin
    return SitingResult(
        model=model,
        path=outcome.path,
        status=outcome.status,
        open_sites=tuple(np.flatnonzero(is_open).tolist()),
        new_sites=tuple(np.flatnonzero(new).tolist()),
        assignment=assignment,
        objective=float(objective),
        lower_bound=None if model == "mclp" else bound,
        upper_bound=bound if model == "mclp" else None,
        gap=float(gap),
        seconds=float(outcome.seconds),
        details={key: float(value) for key, value in details.items()},
    )
