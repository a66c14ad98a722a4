"""The multi-period siting MIP in solver terms, built in bulk from sparse blocks.

Internal to :mod:`nevrural.core.siting.phased`, whose notes give the formulation; the
instance is a reduced :class:`~nevrural.core.siting.phased_sets.PhasedSets`. Columns of
the model, in order:

* ``y[t, c]``: site column ``c`` open in period ``t`` (``t * n_columns + c``);
* ``x[k, t]``: share of pair ``k``'s group served through it in period ``t``, only for
  periods in which the group has weight (p-median, and capacitated MCLP);
* ``u[g, t]``: p-median: share of group ``g`` left beyond its stored sites (when that
  is allowed); uncapacitated MCLP: group ``g`` covered in period ``t``.

Weights and capacities are divided by the largest weight, the objective by its largest
coefficient and budget rows by the largest cost, so that HiGHS sees numbers near 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np
import numpy.typing as npt
from scipy import sparse

from nevrural.core.highs_models import rowwise_lp, silent_highs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.siting.phased_problem import PhasedProblem
    from nevrural.core.siting.phased_sets import PhasedSets
    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray

__all__ = ["PhasedModel", "build_model", "run_model"]

_INF = highspy.kHighsInf
# Row numbers (block-local), column numbers and values of some entries of a row block.
_Entry = tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike]


@dataclass(frozen=True, eq=False)
class PhasedModel:
    """A HiGHS model of a `PhasedSets` with what is needed to read its solution.

    ``col_period``/``col_value`` give, for every column, its period and its undiscounted
    objective coefficient in model units (demand-unit-km or demand units; 0 for ``y``).
    ``x_pair`` is the pair of each ``x`` column (they follow the ``y`` columns).
    ``objective_scale`` converts HiGHS's objective back; ``objective_constant`` is added.
    """

    lp: highspy.HighsLp
    n_periods: int
    n_columns: int
    col_period: IntArray
    col_value: FloatArray
    x_pair: IntArray
    objective_scale: float
    objective_constant: float


class _Rows:
    """Accumulates COO entries and bounds of row blocks."""

    def __init__(self) -> None:
        self.n = 0
        self.parts: list[tuple[IntArray, IntArray, FloatArray]] = []
        self.lower: list[FloatArray] = []
        self.upper: list[FloatArray] = []

    def add(
        self,
        count: int,
        entries: Sequence[_Entry],
        bounds: tuple[npt.ArrayLike, npt.ArrayLike],
    ) -> None:
        """A block of `count` rows; entries use block-local row numbers."""
        for row, col, value in entries:
            rows = np.asarray(row, dtype=np.int64)
            values = np.broadcast_to(np.asarray(value, dtype=np.float64), rows.shape)
            self.parts.append((rows + self.n, np.asarray(col, dtype=np.int64), values))
        self.lower.append(np.broadcast_to(np.asarray(bounds[0], dtype=np.float64), (count,)))
        self.upper.append(np.broadcast_to(np.asarray(bounds[1], dtype=np.float64), (count,)))
        self.n += count

    def matrix(self, n_cols: int) -> sparse.csr_matrix:
        """All rows as one CSR matrix (duplicates summed)."""
        rows = np.concatenate([p[0] for p in self.parts] or [np.zeros(0, np.int64)])
        cols = np.concatenate([p[1] for p in self.parts] or [np.zeros(0, np.int64)])
        vals = np.concatenate([p[2] for p in self.parts] or [np.zeros(0)])
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(self.n, n_cols))
        matrix.sum_duplicates()
        return matrix


def _site_rows(rows: _Rows, sets: PhasedSets, problem: PhasedProblem) -> None:
    """Opened stays open, exactly ``P_t`` new sites by period ``t``, and the budgets."""
    n_periods, n_cols = problem.n_periods, sets.n_columns
    new = np.flatnonzero(~sets.is_fixed)
    for t in range(1, n_periods):  # y[t, c] - y[t-1, c] >= 0
        ones = np.arange(new.size)
        steps: list[_Entry] = [(ones, t * n_cols + new, 1.0), (ones, (t - 1) * n_cols + new, -1.0)]
        rows.add(new.size, steps, (0.0, _INF))
    periods = np.repeat(np.arange(n_periods), new.size)
    y_new = periods * n_cols + np.tile(new, n_periods)
    cumulative = problem.cumulative_new.astype(np.float64)
    rows.add(n_periods, [(periods, y_new, 1.0)], (cumulative, cumulative))
    cost = sets.cost_fen[new].astype(np.float64)
    scale = max(float(cost.max()), 1.0) if cost.size else 1.0
    cost_t = np.tile(cost / scale, n_periods)
    budgets = problem.budget_fen
    if budgets is not None and not problem.carry_over:  # spend in t = cost(y_t) - cost(y_t-1)
        later = periods >= 1
        entries: list[_Entry] = [
            (periods, y_new, cost_t),
            (periods[later], y_new[later] - n_cols, -cost_t[later]),
        ]
        rows.add(n_periods, entries, (-_INF, np.asarray(budgets, dtype=float) / scale))
    if budgets is not None and problem.carry_over:
        caps = np.cumsum(np.asarray(budgets, dtype=float))
        rows.add(n_periods, [(periods, y_new, cost_t)], (-_INF, caps / scale))
    total = problem.base.budget_fen
    if total is not None:
        last = periods == n_periods - 1
        zero = np.zeros(int(last.sum()), dtype=np.int64)
        rows.add(1, [(zero, y_new[last], cost_t[last])], (-_INF, total / scale))


def _x_columns(sets: PhasedSets) -> tuple[IntArray, IntArray]:
    """Period and pair of every ``x`` column (pairs of groups with weight in the period)."""
    pair_group = np.repeat(np.arange(sets.weight.shape[1]), np.diff(sets.pairs.indptr))
    periods, pairs = np.nonzero(sets.weight[:, pair_group] > 0)
    return periods.astype(np.int64), pairs.astype(np.int64)


@dataclass(frozen=True, eq=False)
class _Layout:
    """Where the columns and demand rows of a phased model are.

    ``at``/``ag``: period and group of each demand row (one per period in which the
    group has weight); ``xt``/``xk``: period and pair of each ``x`` column; ``u_rows``:
    the demand rows that have a ``u`` column; ``*_ids``: column numbers.
    """

    n_y: int
    pair_group: IntArray
    pair_col: IntArray
    at: IntArray
    ag: IntArray
    row_of: IntArray
    xt: IntArray
    xk: IntArray
    u_rows: IntArray
    x_ids: IntArray
    u_ids: IntArray

    @property
    def n_total(self) -> int:
        """Number of columns."""
        return int(self.n_y + self.xt.size + self.u_rows.size)


def _layout(sets: PhasedSets, n_periods: int) -> _Layout:
    """The column and row layout of `sets` over `n_periods`."""
    n_y = n_periods * sets.n_columns
    pair_group = np.repeat(np.arange(sets.weight.shape[1]), np.diff(sets.pairs.indptr))
    at, ag = np.nonzero(sets.weight > 0)
    row_of = np.full(sets.weight.shape, -1, dtype=np.int64)
    row_of[at, ag] = np.arange(at.size)
    empty = np.zeros(0, dtype=np.int64)
    xt, xk = _x_columns(sets) if sets.has_pairs else (empty, empty)
    has_u = np.isfinite(sets.beyond_km[ag]) if sets.is_median else not sets.is_capacitated
    u_rows = np.flatnonzero(np.broadcast_to(has_u, at.shape))
    return _Layout(
        n_y=n_y,
        pair_group=pair_group,
        pair_col=sets.pairs.indices.astype(np.int64),
        at=at.astype(np.int64),
        ag=ag.astype(np.int64),
        row_of=row_of,
        xt=xt,
        xk=xk,
        u_rows=u_rows.astype(np.int64),
        x_ids=n_y + np.arange(xt.size, dtype=np.int64),
        u_ids=n_y + xt.size + np.arange(u_rows.size, dtype=np.int64),
    )


def _demand_rows(rows: _Rows, sets: PhasedSets, at: _Layout) -> None:
    """Serve each group once (p-median: exactly; MCLP: at most), only through open sites."""
    n_cols = sets.n_columns
    if sets.has_pairs:  # sum_k x + u = 1 (p-median) or <= 1 (MCLP); x <= y
        lower = 1.0 if sets.is_median else -_INF
        group_rows = at.row_of[at.xt, at.pair_group[at.xk]]
        rows.add(
            at.at.size, [(group_rows, at.x_ids, 1.0), (at.u_rows, at.u_ids, 1.0)], (lower, 1.0)
        )
        ones = np.arange(at.xt.size)
        y_of_x = at.xt * n_cols + at.pair_col[at.xk]
        rows.add(at.xt.size, [(ones, at.x_ids, 1.0), (ones, y_of_x, -1.0)], (-_INF, 0.0))
        return
    cover_t, cover_k = np.nonzero(sets.weight[:, at.pair_group] > 0)  # u <= sum covering y
    y_cover = cover_t * n_cols + at.pair_col[cover_k]
    cover_rows = at.row_of[cover_t, at.pair_group[cover_k]]
    rows.add(at.at.size, [(at.u_rows, at.u_ids, 1.0), (cover_rows, y_cover, -1.0)], (-_INF, 0.0))


def _column_values(sets: PhasedSets, at: _Layout, n_periods: int) -> tuple[IntArray, FloatArray]:
    """Period and undiscounted objective coefficient of every column (model units)."""
    col_period = np.concatenate(
        [np.repeat(np.arange(n_periods), sets.n_columns), at.xt, at.at[at.u_rows]]
    )
    distance = sets.pairs.data[at.xk] if sets.is_median else 1.0
    x_value = sets.weight[at.xt, at.pair_group[at.xk]] * distance
    u_weight = sets.weight[at.at[at.u_rows], at.ag[at.u_rows]]
    u_value = u_weight * sets.beyond_km[at.ag[at.u_rows]] if sets.is_median else u_weight
    col_value = np.concatenate([np.zeros(at.n_y), x_value, u_value]).astype(np.float64)
    return col_period.astype(np.int64), col_value


def _scale(values: FloatArray) -> float:
    """The largest absolute value, or 1 when there is none."""
    top = float(np.abs(values).max()) if values.size else 0.0
    return top if top > 0.0 else 1.0


def build_model(
    sets: PhasedSets, problem: PhasedProblem, *, is_integer: bool, has_site_rules: bool = True
) -> PhasedModel:
    """The phased MIP (or its LP relaxation) of `sets`.

    Without `has_site_rules` the rows on sites (stays open, counts, budgets) are left
    out: the model then values any fixed open sites.
    """
    n_periods = problem.n_periods
    at = _layout(sets, n_periods)
    rows = _Rows()
    _demand_rows(rows, sets, at)
    _capacity_rows(rows, sets, (at.xt, at.xk, at.x_ids, at.pair_group), _scale(sets.weight))
    if has_site_rules:
        _site_rows(rows, sets, problem)
    col_period, col_value = _column_values(sets, at, n_periods)
    cost = col_value * problem.discount[col_period]
    scale = _scale(cost)
    y_lower = np.tile(sets.is_fixed.astype(np.float64), n_periods)
    lp = _to_lp(
        rows,
        (np.concatenate([y_lower, np.zeros(at.n_total - at.n_y)]), np.ones(at.n_total)),
        cost / scale,
        maximise=not sets.is_median,
        n_integer=at.n_y if is_integer else 0,
    )
    constant = float(np.dot(problem.discount, sets.fixed_weight))
    return PhasedModel(lp, n_periods, sets.n_columns, col_period, col_value, at.xk, scale, constant)


def _capacity_rows(
    rows: _Rows,
    sets: PhasedSets,
    x_info: tuple[IntArray, IntArray, IntArray, IntArray],
    weight_scale: float,
) -> None:
    """``sum_k W x_kt - cap_c y_ct <= 0`` per finite-capacity column and period."""
    if not sets.is_capacitated:
        return
    xt, xk, x_ids, pair_group = x_info
    n_periods, n_cols = sets.weight.shape[0], sets.n_columns
    finite = np.flatnonzero(np.isfinite(sets.capacity))
    cap_row = np.full((n_periods, n_cols), -1, dtype=np.int64)
    cap_row[:, finite] = np.arange(n_periods * finite.size).reshape(n_periods, finite.size)
    pair_col = sets.pairs.indices.astype(np.int64)
    on = cap_row[xt, pair_col[xk]] >= 0
    load = sets.weight[xt[on], pair_group[xk[on]]] / weight_scale
    periods = np.repeat(np.arange(n_periods), finite.size)
    sites = np.tile(finite, n_periods)
    rows.add(
        n_periods * finite.size,
        [
            (cap_row[xt[on], pair_col[xk[on]]], x_ids[on], load),
            (
                cap_row[periods, sites],
                periods * n_cols + sites,
                -sets.capacity[sites] / weight_scale,
            ),
        ],
        (-_INF, 0.0),
    )


def _to_lp(
    rows: _Rows,
    col_bounds: tuple[FloatArray, FloatArray],
    cost: FloatArray,
    *,
    maximise: bool,
    n_integer: int,
) -> highspy.HighsLp:
    """A HighsLp from accumulated rows; the first `n_integer` columns are integer."""
    return rowwise_lp(
        rows.matrix(int(cost.size)),
        cost,
        col_bounds,
        (
            np.concatenate(rows.lower or [np.zeros(0)]),
            np.concatenate(rows.upper or [np.zeros(0)]),
        ),
        maximise=maximise,
        n_integer=n_integer,
    )


def run_model(
    model: PhasedModel,
    *,
    time_limit_s: float,
    mip_rel_gap: float,
    seed: int,
    start: BoolArray | None = None,
) -> highspy.Highs:
    """Solve silently within `time_limit_s` (HiGHS seconds), offering the site values
    `start` (``(T, n_columns)``) as a partial incumbent that HiGHS completes."""
    options: dict[str, bool | float | int | str] = {
        "time_limit": max(time_limit_s, 1e-3),
        "mip_rel_gap": mip_rel_gap,
        "mip_abs_gap": 0.0,
        "random_seed": seed,
    }
    highs = silent_highs(model.lp, options, model_name="phased")
    if start is not None:
        values = np.asarray(start, dtype=np.float64).ravel()
        index = np.arange(values.size, dtype=np.int32)
        highs.setSolution(int(values.size), index, values)  # a rejected start costs only time
    highs.run()
    return highs
