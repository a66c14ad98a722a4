"""The Benders master of the p-median radius formulation: sites, ``theta`` and cuts.

Projecting the radius formulation (see :mod:`~nevrural.core.siting.pmedian_radius`)
onto the site variables ``y`` leaves one variable ``theta_i`` per demand point (its
distance to the nearest open site, km) and the cuts of Duran-Mateluna, Ales & Elloumi
("An efficient Benders decomposition for the p-median problem", EJOR 308 (2023)
84-96)::

    theta_i + sum_{j: d_ij < D} (D - d_ij) y_j >= D        for a level D of point i

Every such cut is valid (at a binary ``y`` its right side is at most the distance to
the nearest open site), and the cut at the level ``D*`` where the cumulative ``y`` of
the point's nearest sites first reaches 1 is the optimal dual of the point's radius
subproblem at ``y``: :func:`benders_cuts` computes it for all points in O(pairs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np

from nevrural.core.siting.pmedian_data import model_cost, row_firsts

if TYPE_CHECKING:
    from scipy import sparse

    from nevrural.core.siting.pmedian_data import PMedianData
    from nevrural.core.siting.problem import BoolArray, Clock, FloatArray, IntArray

__all__ = [
    "INTEGRAL_ABS_GAP",
    "ExactOutcome",
    "HighsRun",
    "Incumbent",
    "Master",
    "benders_cuts",
    "cut_distance",
    "first_level_km",
    "highs_lp",
    "run_highs_lp",
]

# An absolute gap just below 1: a bound within it of a whole-number incumbent rounds up to
# it (whole-number objectives), with room for HiGHS's tolerances.
INTEGRAL_ABS_GAP = 1.0 - 1e-4
_CUT_TOL = 1e-7


@dataclass(frozen=True)
class HighsRun:
    """Options of the HiGHS runs of one solve: time limit (s), gaps and seed."""

    time_limit_s: float
    mip_rel_gap: float
    mip_abs_gap: float
    seed: int

    @property
    def is_integral(self) -> bool:
        """Whether every objective value is a whole number (bounds round up)."""
        return self.mip_abs_gap >= INTEGRAL_ABS_GAP

    def cutoff(self, upper: float) -> float:
        """Bound at or above which nothing can improve on `upper` by the gap."""
        slack = self.mip_rel_gap * abs(upper) + (INTEGRAL_ABS_GAP if self.is_integral else 0.0)
        return upper - slack - 1e-9 * max(abs(upper), 1.0)

    def is_closed(self, upper: float, lower: float) -> bool:
        """Whether `lower` proves `upper` within the gap."""
        return lower >= self.cutoff(upper)

    def rounded_bound(self, lower: float) -> float:
        """`lower` rounded up to a whole number when every objective value is one."""
        if self.is_integral and math.isfinite(lower):
            return float(math.ceil(lower - 1e-6))
        return lower


@dataclass(frozen=True, eq=False)
class ExactOutcome:
    """Best open flags, proven bound (demand-unit-km), HiGHS seconds and counters."""

    is_open: BoolArray
    lower_bound: float
    seconds: float
    is_optimal: bool
    lp_rounds: int
    nodes: int
    mip_rounds: int
    n_cuts: int


@dataclass
class Incumbent:
    """Best open flags so far and their cost, demand-unit-km."""

    is_open: BoolArray
    cost: float

    def offer(self, data: PMedianData, is_open: BoolArray) -> None:
        """Keep `is_open` when it is cheaper."""
        cost = model_cost(data, is_open)
        if cost < self.cost - 1e-9 * max(abs(self.cost), 1.0):
            self.is_open, self.cost = is_open.copy(), cost


def benders_cuts(data: PMedianData, y: FloatArray) -> tuple[IntArray, FloatArray]:
    """Cut level and subproblem value (km) of every point at site values `y`.

    The cut level is a global index into ``data.level_dist_km``: the first level at
    which the point's cumulative ``y`` reaches 1, or -1 (the cut at ``beyond_km``) when
    it never does; when that is forbidden, the point's last level. O(pairs).

    >>> from scipy import sparse
    >>> from nevrural.core.siting.problem import SitingProblem
    >>> from nevrural.core.siting.pmedian_data import prepare_p_median
    >>> d = sparse.csr_matrix(np.array([[1.0, 3.0, 6.0]]))
    >>> data = prepare_p_median(SitingProblem(demand_weight=np.ones(1), distance_km=d), 1)
    >>> [a.tolist() for a in benders_cuts(data, np.array([0.5, 0.0, 1.0]))]
    [[2], [3.5]]
    """
    total = np.cumsum(y[data.site])
    before = np.concatenate([[0.0], total])[data.indptr[:-1]]
    cum = total - before[data.pair_row]
    level_end = np.append(data.level_pos[1:], data.n_pairs)[: data.level_pos.size] - 1
    first, _ = row_firsts(data.level_indptr, cum[level_end] >= 1.0 - 1e-9)
    last = np.where(data.n_levels > 0, data.level_indptr[1:] - 1, -1)
    level = np.where(first >= 0, first, np.where(np.isinf(data.beyond_km), last, -1))
    return level, _cut_values(data, y, level)


def cut_distance(data: PMedianData, points: IntArray, level: IntArray) -> FloatArray:
    """Distance, km, of cut levels (global indices; -1 = ``beyond_km``) of `points`."""
    out = data.beyond_km[points].copy()
    out[level >= 0] = data.level_dist_km[level[level >= 0]]
    return out


def _cut_pairs(data: PMedianData, points: IntArray, level: IntArray) -> tuple[IntArray, IntArray]:
    """Cut number and pair position of every pair nearer than each cut's level."""
    lo = data.indptr[points]
    hi = data.indptr[points + 1].copy()
    hi[level >= 0] = data.level_pos[level[level >= 0]]
    counts = hi - lo
    cut = np.repeat(np.arange(points.size), counts)
    offsets = np.arange(cut.size) - np.repeat(np.cumsum(counts) - counts, counts)
    return cut, np.repeat(lo, counts) + offsets


def _cut_values(data: PMedianData, y: FloatArray, level: IntArray) -> FloatArray:
    """Right side minus the site terms of each point's cut at `y`, km (inf: no cut)."""
    points = np.flatnonzero((level >= 0) | np.isfinite(data.beyond_km))
    level = level[points]
    dstar = cut_distance(data, points, level)
    cut, pos = _cut_pairs(data, points, level)
    weights = (dstar[cut] - data.dist_km[pos]) * y[data.site[pos]]
    value = np.full(data.n_demand, math.inf)
    value[points] = dstar - np.bincount(cut, weights, minlength=points.size)
    return value


def first_level_km(data: PMedianData) -> FloatArray:
    """Distance of each point's first level, km (0 when it has none)."""
    first = np.zeros(data.n_demand)
    has = data.n_levels > 0
    first[has] = data.level_dist_km[data.level_indptr[:-1][has]]
    return first


def highs_lp(
    cost: FloatArray,
    col_bounds: tuple[FloatArray, FloatArray],
    row_bounds: tuple[FloatArray, FloatArray],
    matrix: sparse.csc_matrix,
    offset: float = 0.0,
) -> highspy.HighsLp:
    """A HiGHS model (minimise) from costs, bounds and a column-wise matrix."""
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(matrix.shape[1]), int(matrix.shape[0])
    lp.offset_ = offset
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_, lp.col_upper_ = (np.asarray(b, dtype=np.float64) for b in col_bounds)
    lp.row_lower_, lp.row_upper_ = (np.asarray(b, dtype=np.float64) for b in row_bounds)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data
    return lp


def run_highs_lp(
    lp: highspy.HighsLp,
    run: HighsRun,
    time_left_s: float,
    *,
    n_integer: int = 0,
    start: FloatArray | None = None,
    is_relaxation: bool = False,
) -> highspy.Highs:
    """Solve `lp` silently within `time_left_s`; its first `n_integer` columns integer."""
    highs = highspy.Highs()  # type: ignore[no-untyped-call]  # untyped __init__
    options = {
        "output_flag": False,
        "time_limit": max(time_left_s, 0.0),
        "mip_rel_gap": run.mip_rel_gap,
        "mip_abs_gap": run.mip_abs_gap,
        "random_seed": run.seed,
        "solve_relaxation": is_relaxation,
    }
    for name, value in options.items():
        highs.setOptionValue(name, value)
    highs.passModel(lp)
    if n_integer:
        index = np.arange(n_integer, dtype=np.int32)
        highs.changeColsIntegrality(n_integer, index, np.ones(n_integer, dtype=np.uint8))
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start
        highs.setSolution(solution)  # a rejected start only costs the warm start
    highs.run()
    return highs


class Master:
    """The Benders master in one HiGHS object: columns ``y`` (sites) then ``theta``.

    Rows: the number of new sites, the budget, a cover row per point when unserved
    points are forbidden, then cuts. ``seconds`` is HiGHS's run time, s.
    """

    def __init__(self, data: PMedianData, run: HighsRun) -> None:
        self.data, self.run = data, run
        self.highs = highspy.Highs()  # type: ignore[no-untyped-call]  # untyped __init__
        options = {
            "output_flag": False,
            "mip_rel_gap": run.mip_rel_gap,
            "mip_abs_gap": run.mip_abs_gap,
            "random_seed": run.seed,
            "mip_improving_solution_save": True,
        }
        for name, value in options.items():
            self.highs.setOptionValue(name, value)
        m, n = data.n_sites, data.n_demand
        self.active = (data.weight > 0) & (data.n_levels > 0)
        self.lower = data.existing.astype(np.float64)
        self.upper = (data.existing | data.can_open).astype(np.float64)
        self.highs.addVars(m, self.lower, self.upper)
        has = data.n_levels > 0
        theta_lower = np.where(has, first_level_km(data), data.beyond_km)
        theta_lower = np.where(np.isfinite(theta_lower), theta_lower, 0.0)
        self.highs.addVars(n, theta_lower, np.where(has, highspy.kHighsInf, theta_lower))
        index = np.arange(m, m + n, dtype=np.int32)
        self.highs.changeColsCost(n, index, np.where(data.weight > 0, data.weight, 0.0))
        self._add_rules()
        self.n_rule_rows = int(self.highs.getNumRow())
        self.n_cuts = 0

    def _add_rules(self) -> None:
        """Number of new sites, budget and (when unserved points are forbidden) covers."""
        data, highs = self.data, self.highs
        new = np.flatnonzero(data.can_open).astype(np.int32)
        highs.addRow(data.p, data.p, new.size, new, np.ones(new.size))
        if data.budget_fen is not None:
            cost = data.cost_fen[new].astype(np.float64)
            highs.addRow(-highspy.kHighsInf, float(data.budget_fen), new.size, new, cost)
        if not data.is_forbidden_beyond:
            return
        has_existing = np.zeros(data.n_demand, dtype=np.bool_)
        has_existing[data.pair_row[data.existing[data.site]]] = True
        keep = ~has_existing[data.pair_row]
        rows, sites = data.pair_row[keep], data.site[keep].astype(np.int32)
        points = np.unique(rows)
        starts = np.searchsorted(rows, points).astype(np.int32)
        ones, inf = np.ones(points.size), np.full(points.size, highspy.kHighsInf)
        highs.addRows(points.size, ones, inf, sites.size, starts, sites, np.ones(sites.size))

    def add_cuts(
        self, y: FloatArray, theta: FloatArray | None, at: FloatArray | None = None
    ) -> int:
        """Add the cuts made at `y` that (`at`, `theta`) violates (all when `theta` is None).

        `at` defaults to `y`; separating at a point `y` between the LP solution `at` and a
        core point gives the in-out cuts of Ben-Ameur & Neto (2007).
        """
        level, value = benders_cuts(self.data, y)
        if at is not None:
            value = _cut_values(self.data, at, level)
        todo = self.active.copy()
        if theta is not None:
            todo &= value - theta > _CUT_TOL * np.maximum(np.abs(value), 1.0)
        points = np.flatnonzero(todo)
        self.add_rows(points, level[points])
        return int(points.size)

    def add_rows(self, points: IntArray, level: IntArray) -> None:
        """Add the cut of each point at its level (global index; -1 = ``beyond``)."""
        if points.size == 0:
            return
        data, m = self.data, self.data.n_sites
        dstar = cut_distance(data, points, level)
        cut, pos = _cut_pairs(data, points, level)
        counts = np.bincount(cut, minlength=points.size) + 1
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        index = np.empty(int(counts.sum()), dtype=np.int32)
        value = np.empty(index.size)
        index[starts], value[starts] = m + points, 1.0
        body = np.ones(index.size, dtype=np.bool_)
        body[starts] = False
        index[body] = data.site[pos]  # cut-major order: each cut's pairs follow its theta
        value[body] = dstar[cut] - data.dist_km[pos]
        upper = np.full(points.size, highspy.kHighsInf)
        starts32 = starts.astype(np.int32)
        self.highs.addRows(points.size, dstar, upper, index.size, starts32, index, value)
        self.n_cuts += int(points.size)

    def set_site_bounds(self, sites: IntArray, lower: FloatArray, upper: FloatArray) -> None:
        """Change the bounds of `sites` (their values, 0 or 1)."""
        if sites.size:
            self.highs.changeColsBounds(sites.size, sites.astype(np.int32), lower, upper)

    def solve(self, time_left_s: float) -> tuple[FloatArray, FloatArray] | None:
        """Run HiGHS; the ``y`` and ``theta`` values, or None without a solution."""
        self.highs.setOptionValue("time_limit", max(time_left_s, 0.0))
        self.highs.run()
        feasible = highspy.SolutionStatus.kSolutionStatusFeasible
        if self.highs.getInfo().primal_solution_status != feasible:
            return None
        values = np.asarray(self.highs.getSolution().col_value, dtype=np.float64)
        m = self.data.n_sites
        return values[:m], values[m:]

    @property
    def is_optimal(self) -> bool:
        """Whether the last run ended optimal."""
        return bool(self.highs.getModelStatus() == highspy.HighsModelStatus.kOptimal)

    @property
    def is_infeasible(self) -> bool:
        """Whether the last run proved the model infeasible."""
        return bool(self.highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible)

    def value(self) -> float:
        """Objective value of the last run, demand-unit-km."""
        return float(self.highs.getInfo().objective_function_value)

    def time_left(self, clock: Clock | None, deadline: float | None) -> float:
        """Seconds left of the HiGHS budget and of `deadline` on `clock`."""
        left = self.run.time_limit_s - self.seconds
        if clock is not None and deadline is not None:
            left = min(left, deadline - clock())
        return left

    @property
    def seconds(self) -> float:
        """HiGHS run time so far, s."""
        return float(self.highs.getRunTime())
