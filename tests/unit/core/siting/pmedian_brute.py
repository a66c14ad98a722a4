"""Brute force for small p-median instances: every subset of new sites, exactly evaluated.

Uncapacitated cost: each point to its nearest open allowed site (``beyond`` km when none
and unserved points are allowed, else infeasible). Capacitated cost: the splittable
transportation LP on the open sites (scipy's HiGHS). Used by unit and property tests.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linprog

if TYPE_CHECKING:
    from nevrural.core.siting.problem import SitingProblem

__all__ = ["brute_force_p_median", "open_cost"]


def _uncapacitated(problem: SitingProblem, is_open: np.ndarray, beyond: np.ndarray | None) -> float:
    dense = problem.distance_km.toarray()
    stored = np.zeros(dense.shape, dtype=bool)
    matrix = problem.distance_km.tocoo()
    stored[matrix.row, matrix.col] = True
    total = 0.0
    for i, w in enumerate(problem.demand_weight):
        options = dense[i][stored[i] & is_open]
        if options.size:
            total += w * options.min()
        elif beyond is not None:
            total += w * beyond[i]
        else:
            return math.inf
    return total


def _capacitated(problem: SitingProblem, is_open: np.ndarray, beyond: np.ndarray | None) -> float:
    matrix = problem.distance_km.tocoo()
    keep = is_open[matrix.col]
    rows, cols, dist = matrix.row[keep], matrix.col[keep], matrix.data[keep]
    n, w = problem.n_demand, problem.demand_weight
    n_u = n if beyond is not None else 0
    if rows.size + n_u == 0:
        return math.inf
    cost = np.concatenate([w[rows] * dist, w * beyond if beyond is not None else []])
    a_eq = np.zeros((n, rows.size + n_u))
    a_eq[rows, np.arange(rows.size)] = 1.0
    a_eq[np.arange(n_u), rows.size + np.arange(n_u)] = 1.0
    sites = np.flatnonzero(np.isfinite(problem.site_capacity) & is_open)
    a_ub = np.zeros((sites.size, rows.size + n_u))
    for r, j in enumerate(sites):
        on = np.flatnonzero(cols == j)
        a_ub[r, on] = w[rows[on]]
    result = linprog(
        cost,
        A_ub=a_ub if sites.size else None,
        b_ub=problem.site_capacity[sites] if sites.size else None,
        A_eq=a_eq,
        b_eq=np.ones(n),
        bounds=(0, 1),
        method="highs",
    )
    return float(result.fun) if result.status == 0 else math.inf


def open_cost(
    problem: SitingProblem, is_open: np.ndarray, beyond: np.ndarray | None = None
) -> float:
    """Exact cost of the open flags (inf when infeasible, or when nothing is open)."""
    if not is_open.any():
        return math.inf
    if np.isfinite(problem.site_capacity).any():
        return _capacitated(problem, is_open, beyond)
    return _uncapacitated(problem, is_open, beyond)


def brute_force_p_median(
    problem: SitingProblem, p: int, beyond: np.ndarray | None = None
) -> tuple[float, tuple[int, ...]]:
    """Optimal cost and new sites over all feasible subsets (inf, () when none)."""
    free = np.flatnonzero(problem.can_open)
    budget = problem.budget_fen
    best, best_sites = math.inf, ()
    for subset in itertools.combinations(free.tolist(), p):
        if budget is not None and int(problem.cost_fen[list(subset)].sum()) > budget:
            continue
        is_open = problem.existing.copy()
        is_open[list(subset)] = True
        cost = open_cost(problem, is_open, beyond)
        if cost < best - 1e-9:
            best, best_sites = cost, subset
    return best, best_sites
