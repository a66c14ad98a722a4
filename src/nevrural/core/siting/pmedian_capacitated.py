"""Capacitated p-median with splittable assignment, by HiGHS.

Notes
-----
Classic strong formulation on the allowed pairs only (Mulvey & Beck 1984 state the
capacitated p-median; the ``x_ij <= y_j`` rows make its LP strong)::

    min  sum_ij w_i d_ij x_ij + sum_i w_i beyond_i u_i
    s.t. sum_j x_ij + u_i = 1                    every point (u_i absent if forbidden)
         x_ij <= y_j                             every allowed pair
         sum_i w_i x_ij <= cap_j y_j             every site of finite capacity
         sum_{j new} y_j = p,  sum_j cost_j y_j <= budget,  y_existing = 1,  y binary

A point may be split over several open sites (splittable). ``u_i`` is the share of
point ``i`` left beyond its stored sites, charged ``beyond_i`` km per demand unit (a
lower bound on its true distance when the pairs are a truncation). The model has one
column and one row per pair: exact for moderate sizes (some 10^5 pairs).

The heuristic path solves the LP relaxation (its value is the lower bound), opens the
``p`` new sites of largest LP value that keep the budget, and assigns demand by the
transportation LP on those sites; the exact path starts HiGHS's branch and cut from
that solution.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np
from scipy import sparse

from nevrural.core.siting.pmedian_data import PMedianInfeasible
from nevrural.core.siting.pmedian_heuristic import round_open
from nevrural.core.siting.pmedian_master import highs_lp, run_highs_lp

if TYPE_CHECKING:
    from nevrural.core.siting.pmedian_data import PMedianData
    from nevrural.core.siting.pmedian_master import HighsRun
    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray

__all__ = ["CapacitatedOutcome", "solve_capacitated"]


@dataclass(frozen=True, eq=False)
class CapacitatedOutcome:
    """Open flags, main site of each point (-1: beyond), cost and bound (demand-unit-km)."""

    is_open: BoolArray
    assignment: IntArray
    objective: float
    lower_bound: float
    seconds: float
    is_optimal: bool
    is_feasible: bool


def _rows(
    data: PMedianData, capacity: FloatArray
) -> tuple[list[tuple[IntArray, IntArray, FloatArray]], list[FloatArray], list[FloatArray]]:
    """Matrix entries (row, column, value) and row bounds of the capacitated model."""
    m, n, pairs = data.n_sites, data.n_demand, data.n_pairs
    x = m + np.arange(pairs)
    finite = np.flatnonzero(np.isfinite(capacity))
    entries = [
        (data.pair_row, x, np.ones(pairs)),  # rows 0..n-1: sum_j x_ij + u_i = 1
        (n + np.arange(pairs), x, np.ones(pairs)),  # then x_ij - y_j <= 0
        (n + np.arange(pairs), data.site, -np.ones(pairs)),
    ]
    if not data.is_forbidden_beyond:
        entries.append((np.arange(n), m + pairs + np.arange(n), np.ones(n)))
    cap_row = np.full(m, -1, dtype=np.int64)
    cap_row[finite] = n + pairs + np.arange(finite.size)  # then sum_i w_i x_ij <= cap_j y_j
    on = cap_row[data.site] >= 0
    entries.append((cap_row[data.site[on]], x[on], data.weight[data.pair_row[on]]))
    entries.append((cap_row[finite], finite, -capacity[finite]))
    base, new = n + pairs + finite.size, np.flatnonzero(data.can_open)
    entries.append((np.full(new.size, base), new, np.ones(new.size)))
    lower = [np.ones(n), np.full(pairs + finite.size, -math.inf), np.array([float(data.p)])]
    upper = [np.ones(n), np.zeros(pairs + finite.size), np.array([float(data.p)])]
    if data.budget_fen is not None:
        entries.append((np.full(new.size, base + 1), new, data.cost_fen[new].astype(np.float64)))
        lower.append(np.array([-math.inf]))
        upper.append(np.array([float(data.budget_fen)]))
    return entries, lower, upper


def _model(data: PMedianData, capacity: FloatArray, fixed: BoolArray | None) -> highspy.HighsLp:
    """The capacitated model; with `fixed`, the sites are fixed to those flags."""
    entries, lower, upper = _rows(data, capacity)
    m, pairs = data.n_sites, data.n_pairs
    n_u = 0 if data.is_forbidden_beyond else data.n_demand
    rows, cols, values = (np.concatenate(part) for part in zip(*entries, strict=True))
    shape = (sum(b.size for b in lower), m + pairs + n_u)
    matrix = sparse.csc_matrix((values, (rows, cols)), shape=shape)
    y_lower = data.existing.astype(np.float64)
    y_upper = (data.existing | data.can_open).astype(np.float64)
    if fixed is not None:
        y_lower = y_upper = fixed.astype(np.float64)
    w = data.weight
    beyond_cost = w * np.where(np.isfinite(data.beyond_km), data.beyond_km, 0.0)
    cost = np.concatenate([np.zeros(m), w[data.pair_row] * data.dist_km, beyond_cost[:n_u]])
    col_bounds = (
        np.concatenate([y_lower, np.zeros(pairs + n_u)]),
        np.concatenate([y_upper, np.ones(pairs + n_u)]),
    )
    return highs_lp(cost, col_bounds, (np.concatenate(lower), np.concatenate(upper)), matrix)


def _assignment(data: PMedianData, values: FloatArray) -> IntArray:
    """The site with the largest share of each point (-1 when its largest is beyond)."""
    m, pairs = data.n_sites, data.n_pairs
    x = values[m : m + pairs]
    order = np.lexsort((-x, data.pair_row))
    indptr = np.searchsorted(data.pair_row[order], np.arange(data.n_demand + 1))
    has = indptr[1:] > indptr[:-1]
    top = np.zeros(data.n_demand)
    out = np.full(data.n_demand, -1, dtype=np.int64)
    first = order[indptr[:-1][has]]
    top[has], out[has] = x[first], data.site[first]
    beyond = 1.0 - np.bincount(data.pair_row, x, minlength=data.n_demand)
    out[(beyond > top) | (top <= 1e-9)] = -1
    return out


def _check(highs: highspy.Highs) -> None:
    if highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
        raise PMedianInfeasible("HiGHS proved that the capacities cannot serve every demand point")


def solve_capacitated(
    data: PMedianData, capacity: FloatArray, run: HighsRun, *, is_exact: bool
) -> CapacitatedOutcome:
    """LP bound, LP rounding and transportation; with `is_exact`, HiGHS's MIP from there."""
    m = data.n_sites
    relaxation = run_highs_lp(_model(data, capacity, None), run, run.time_limit_s)
    _check(relaxation)
    seconds, lower = relaxation.getRunTime(), relaxation.getInfo().objective_function_value
    rounded = round_open(data, np.asarray(relaxation.getSolution().col_value[:m]))
    transport = run_highs_lp(_model(data, capacity, rounded), run, run.time_limit_s - seconds)
    seconds += transport.getRunTime()
    values: FloatArray | None = None
    cost = math.inf
    if transport.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        values = np.asarray(transport.getSolution().col_value)
        cost = transport.getInfo().objective_function_value
    if is_exact or values is None:
        mip = run_highs_lp(
            _model(data, capacity, None), run, run.time_limit_s - seconds, n_integer=m, start=values
        )
        _check(mip)
        seconds += mip.getRunTime()
        feasible = highspy.SolutionStatus.kSolutionStatusFeasible
        if (
            mip.getInfo().primal_solution_status == feasible
            and mip.getInfo().objective_function_value < cost
        ):
            values = np.asarray(mip.getSolution().col_value)
            cost = mip.getInfo().objective_function_value
        bound = mip.getInfo().mip_dual_bound
        lower = max(lower, bound) if math.isfinite(bound) else lower
    lower = run.rounded_bound(lower)
    if values is None:
        empty = np.full(data.n_demand, -1, dtype=np.int64)
        return CapacitatedOutcome(
            data.existing.copy(), empty, math.inf, lower, seconds, False, False
        )
    return CapacitatedOutcome(
        values[:m] > 0.5,
        _assignment(data, values),
        float(cost),
        min(lower, cost),
        seconds,
        run.is_closed(cost, lower),
        True,
    )
