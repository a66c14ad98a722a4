"""Exact uncapacitated p-median: the compact chained radius formulation, by HiGHS.

Notes
-----
For demand point ``i`` with distinct usable distances ``D_i^1 < ... < D_i^K`` (levels)
let ``z_i^k`` in [0, 1] mean "no open site within ``D_i^k``" (Cornuejols, Nemhauser &
Wolsey 1980; Elloumi, "A tighter formulation of the p-median problem", J. Comb. Optim.
19 (2010) 69-83; Garcia, Labbe & Marin, "Solving large p-median problems with a radius
formulation", INFORMS J. Computing 23 (2011) 546-556)::

    min  sum_i w_i (D_i^1 + sum_{k<=T_i} (D_i^{k+1} - D_i^k) z_i^k)
    s.t. z_i^k >= z_i^{k-1} - sum_{j at level k of i} y_j     (z_i^0 = 1)
         sum_{j new} y_j = p,  sum_j cost_j y_j <= budget,  y_existing = 1,  y binary

Chaining the rows puts every pair in exactly one row: one column and one row per level
and O(pairs) non-zeros; by induction the LP bound equals that of the classic
``z_i^k >= 1 - sum_{d_ij <= D_i^k} y_j``, i.e. of the strong ``x_ij <= y_j`` model.
``D_i^{K+1}`` is ``beyond_i``; when leaving a point unserved is forbidden its last
``z`` is fixed to 0.

*Radius iterations* (Garcia et al.): only the first ``T_i`` levels of a point are
modelled, its last ``z`` costing up to the next real level, so the model is a relaxation
whose optimum is a valid lower bound. ``T_i`` starts at the point's level in the
incumbent; LP rounds double it for points whose last modelled ``z`` is positive in the
LP, then MIP rounds do the same on the integer solution until none is (then that
solution is optimal) or the bounds meet. The Benders path
(:mod:`~nevrural.core.siting.pmedian_benders`) solves the same formulation projected on
the sites and is usually much faster; this compact model is the reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np
from scipy import sparse

from nevrural.core.siting.pmedian_data import PMedianInfeasible, model_cost, nearest_two
from nevrural.core.siting.pmedian_master import (
    ExactOutcome,
    HighsRun,
    Incumbent,
    first_level_km,
    highs_lp,
    run_highs_lp,
)

if TYPE_CHECKING:
    from nevrural.core.siting.pmedian_data import PMedianData
    from nevrural.core.siting.problem import BoolArray, Clock, FloatArray, IntArray

__all__ = ["build_radius_model", "solve_radius"]

_MAX_ROUNDS = 60


def _served_level(data: PMedianData, is_open: BoolArray) -> IntArray:
    """Level of each point's nearest open site (its number of levels when none)."""
    pos = nearest_two(data, is_open, data.beyond_km).pos1
    level = data.n_levels.copy()
    level[pos >= 0] = data.level[pos[pos >= 0]]
    return level


def _z_layout(data: PMedianData, kept: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """First ``z`` of each point, the point of each ``z`` and its level."""
    row_start = np.concatenate([[0], np.cumsum(kept)]).astype(np.int64)
    point = np.repeat(np.arange(data.n_demand), kept)
    return row_start, point, np.arange(point.size) - row_start[point]


def _z_costs(data: PMedianData, point: IntArray, level: IntArray) -> FloatArray:
    """Objective coefficient of every modelled ``z`` (inf marks one fixed to 0)."""
    at = data.level_indptr[point] + level
    is_last = level + 1 >= data.n_levels[point]
    upper = data.beyond_km[point]
    upper[~is_last] = data.level_dist_km[at[~is_last] + 1]
    return np.asarray(data.weight[point] * (upper - data.level_dist_km[at]), dtype=np.float64)


def _rule_rows(data: PMedianData) -> list[tuple[FloatArray, float, float]]:
    """Coefficients on the sites and bounds of the number-of-sites and budget rows."""
    rows = [(data.can_open.astype(np.float64), float(data.p), float(data.p))]
    if data.budget_fen is not None:
        costs = np.where(data.can_open, data.cost_fen, 0).astype(np.float64)
        rows.append((costs, -math.inf, float(data.budget_fen)))
    return rows


def build_radius_model(data: PMedianData, kept: IntArray) -> highspy.HighsLp:
    """The chained radius model with `kept` levels per point (sites are columns 0..m-1)."""
    m = data.n_sites
    row_start, point, level = _z_layout(data, kept)
    n_z = point.size
    z_cost = _z_costs(data, point, level)
    is_fixed = np.isinf(z_cost)
    z_cost[is_fixed] = 0.0
    in_model = data.level < kept[data.pair_row]
    pair_rows = row_start[data.pair_row[in_model]] + data.level[in_model]
    chained = np.flatnonzero(level > 0)
    entries = [
        (pair_rows, data.site[in_model], np.ones(pair_rows.size)),
        (np.arange(n_z), m + np.arange(n_z), np.ones(n_z)),
        (chained, m + chained - 1, -np.ones(chained.size)),
    ]
    lower = [(level == 0).astype(np.float64)]
    upper = [np.full(n_z, math.inf)]
    for r, (coef, low, high) in enumerate(_rule_rows(data)):
        nz = np.flatnonzero(coef)
        entries.append((np.full(nz.size, n_z + r), nz, coef[nz]))
        lower.append(np.array([low]))
        upper.append(np.array([high]))
    rows, cols, values = (np.concatenate(part) for part in zip(*entries, strict=True))
    n_rows, n_cols = n_z + len(lower) - 1, m + n_z
    matrix = sparse.csc_matrix((values, (rows, cols)), shape=(n_rows, n_cols))
    first = np.where(data.n_levels > 0, first_level_km(data), data.beyond_km)
    offset = float(np.dot(data.weight, np.where(np.isfinite(first), first, 0.0)))
    col_bounds = (
        np.concatenate([data.existing.astype(np.float64), np.zeros(n_z)]),
        np.concatenate(
            [(data.existing | data.can_open).astype(np.float64), np.where(is_fixed, 0.0, 1.0)]
        ),
    )
    row_bounds = (np.concatenate(lower), np.concatenate(upper))
    cost = np.concatenate([np.zeros(m), z_cost])
    return highs_lp(cost, col_bounds, row_bounds, matrix, offset)


def _start_values(data: PMedianData, kept: IntArray, is_open: BoolArray) -> FloatArray:
    """Column values of `is_open` in the model with `kept` levels."""
    _, point, level = _z_layout(data, kept)
    z = (level < _served_level(data, is_open)[point]).astype(np.float64)
    return np.concatenate([is_open.astype(np.float64), z])


def _run(
    data: PMedianData,
    kept: IntArray,
    run: HighsRun,
    seconds: float,
    best: BoolArray,
    is_relaxation: bool,
) -> highspy.Highs:
    """Build and solve the model (LP or MIP, from `best`) within the time left."""
    start = None if is_relaxation else _start_values(data, kept, best)
    return run_highs_lp(
        build_radius_model(data, kept),
        run,
        run.time_limit_s - seconds,
        n_integer=data.n_sites,
        start=start,
        is_relaxation=is_relaxation,
    )


def _beyond_model(
    data: PMedianData, kept: IntArray, highs: highspy.Highs, is_open: BoolArray | None
) -> IntArray:
    """Points served beyond their modelled levels (in the LP, or by `is_open`)."""
    if is_open is not None:
        beyond = _served_level(data, is_open) >= kept
    else:
        row_start, _, _ = _z_layout(data, kept)
        z = np.asarray(highs.getSolution().col_value[data.n_sites :])
        beyond = np.zeros(data.n_demand, dtype=np.bool_)
        has = kept > 0
        beyond[has] = z[row_start[1:][has] - 1] > 1e-7
    return np.flatnonzero(beyond & (kept < data.n_levels))


@dataclass
class _Rounds:
    """The state of the radius iterations: levels kept, incumbent, bound and time."""

    data: PMedianData
    run: HighsRun
    kept: IntArray
    best: Incumbent
    clock: Clock | None
    deadline: float | None
    seconds: float = 0.0
    lower: float = -math.inf
    lp: int = 0
    mip: int = 0

    def has_time(self) -> bool:
        left = self.run.time_limit_s - self.seconds
        if self.clock is not None and self.deadline is not None:
            left = min(left, self.deadline - self.clock())
        return left > 0 and self.lp + self.mip < _MAX_ROUNDS

    def solve(self, is_relaxation: bool) -> highspy.Highs:
        highs = _run(self.data, self.kept, self.run, self.seconds, self.best.is_open, is_relaxation)
        self.seconds += highs.getRunTime()
        if highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            raise PMedianInfeasible(
                "HiGHS proved that no choice of sites serves every demand point"
            )
        return highs

    def widen(self, beyond: IntArray) -> None:
        self.kept[beyond] = np.minimum(self.data.n_levels, 2 * self.kept + 1)[beyond]


def _lp_rounds(rounds: _Rounds) -> None:
    """Widen the levels until the LP leaves no point beyond them.

    Every optimal LP is a bound: points beyond their kept levels are charged the last
    kept distance, never more than their true one.
    """
    while rounds.has_time():
        highs = rounds.solve(is_relaxation=True)
        rounds.lp += 1
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return
        rounds.lower = max(rounds.lower, highs.getInfo().objective_function_value)
        beyond = _beyond_model(rounds.data, rounds.kept, highs, None)
        if beyond.size == 0:
            return
        rounds.widen(beyond)


def _mip_rounds(rounds: _Rounds) -> bool:
    """MIP rounds until proven optimal (True), out of time or rounds (False)."""
    data, run = rounds.data, rounds.run
    while rounds.has_time():
        highs = rounds.solve(is_relaxation=False)
        rounds.mip += 1
        bound = highs.getInfo().mip_dual_bound
        rounds.lower = max(rounds.lower, bound) if math.isfinite(bound) else rounds.lower
        values = np.asarray(highs.getSolution().col_value[: data.n_sites])
        chosen = values > 0.5
        if values.size:
            rounds.best.offer(data, chosen)
        if run.is_closed(rounds.best.cost, rounds.lower):
            return True
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal or not values.size:
            return False
        beyond = _beyond_model(data, rounds.kept, highs, chosen)
        if beyond.size == 0:
            return True  # the model's optimum is the true cost of its solution
        rounds.widen(beyond)
    return False


def solve_radius(
    data: PMedianData,
    is_open: BoolArray,
    run: HighsRun,
    *,
    clock: Clock | None = None,
    deadline: float | None = None,
) -> ExactOutcome:
    """Radius iterations (LP rounds, then MIP rounds) from the incumbent `is_open`.

    Raises
    ------
    PMedianInfeasible
        When HiGHS proves that no choice of sites serves every point.
    """
    kept = np.minimum(data.n_levels, _served_level(data, is_open) + 1)
    best = Incumbent(is_open.copy(), model_cost(data, is_open))
    rounds = _Rounds(data, run, kept, best, clock, deadline)
    _lp_rounds(rounds)
    is_optimal = _mip_rounds(rounds)
    lower = rounds.lower
    lower = run.rounded_bound(lower)
    return ExactOutcome(
        best.is_open, min(lower, best.cost), rounds.seconds, is_optimal, rounds.lp, 0, rounds.mip, 0
    )
