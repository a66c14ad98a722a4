"""HiGHS models of the covering problems, built in bulk from sparse blocks.

Internal to :mod:`nevrural.core.siting.coverage`, whose notes give the formulations.
Columns are the site columns ``y`` of a `CoverSets` first, then either one coverage
column ``u_g`` per group (uncapacitated MCLP) or one assignment column ``x_k`` per
covering pair ``k = (g, c)`` in CSR order (capacitated models); the uncapacitated LSCP
has only ``y``. Weights and capacities are divided by the largest group weight so that
HiGHS sees numbers near 1; objectives are scaled back by the caller.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import highspy
import numpy as np
from scipy import sparse

from nevrural.core.highs_models import rowwise_lp, silent_highs

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import CoverSets
    from nevrural.core.siting.problem import FloatArray, IntArray

__all__ = [
    "CoverModel",
    "Minimise",
    "build_lscp",
    "build_mclp",
    "is_infeasible",
    "run_model",
    "serve_fixed",
    "solution_values",
    "start_vector",
    "status_name",
]

_INF = highspy.kHighsInf
Minimise = Literal["count", "cost"]


@dataclass(frozen=True, eq=False)
class CoverModel:
    """A HiGHS model with what is needed to read its solution.

    Attributes
    ----------
    lp
        The model (integrality set unless built as a relaxation).
    scale
        Demand units per model unit (MCLP) or objective units per model unit (LSCP).
    n_sites
        Number of site columns (the first columns).
    has_pairs
        True when assignment columns ``x_k`` follow the site columns.
    """

    lp: highspy.HighsLp
    scale: float
    n_sites: int
    has_pairs: bool


def _pair_matrices(sets: CoverSets) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Group-of-pair (groups × pairs) and column-of-pair (pairs × columns) incidences."""
    n_pairs = sets.matrix.nnz
    pairs = np.arange(n_pairs, dtype=np.int64)
    by_group = sparse.csr_matrix(
        (np.ones(n_pairs), pairs, sets.matrix.indptr), shape=(sets.n_groups, n_pairs)
    )
    by_column = sparse.csr_matrix(
        (np.ones(n_pairs), (pairs, sets.matrix.indices)), shape=(n_pairs, sets.n_columns)
    )
    return by_group, by_column


def _capacity_rows(
    sets: CoverSets, scale: float, by_column: sparse.csr_matrix
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Rows ``sum_k W_g x_k - cap_c y_c <= 0`` of the finite-capacity columns (y-block, x-block)."""
    finite = np.flatnonzero(np.isfinite(sets.capacity))
    group_of_pair = np.repeat(np.arange(sets.n_groups), np.diff(sets.matrix.indptr))
    load = by_column.T.tocsr()[finite].multiply(sets.weight[group_of_pair] / scale)
    y_block = sparse.csr_matrix(
        (-sets.capacity[finite] / scale, (np.arange(finite.size), finite)),
        shape=(finite.size, sets.n_columns),
    )
    return y_block, sparse.csr_matrix(load)


def _site_rows(
    sets: CoverSets, p: int | None
) -> tuple[sparse.csr_matrix, list[float], list[float]]:
    """Cardinality row ``sum y (new) = p`` (when `p` is given) and budget row, on y only."""
    blocks: list[FloatArray] = []
    lower: list[float] = []
    upper: list[float] = []
    if p is not None:
        blocks.append((~sets.is_fixed).astype(np.float64))
        lower.append(float(p))
        upper.append(float(p))
    if sets.budget_fen is not None:
        blocks.append(np.where(sets.is_fixed, 0.0, sets.cost_fen.astype(np.float64)))
        lower.append(-_INF)
        upper.append(float(sets.budget_fen))
    matrix = (
        sparse.csr_matrix(np.vstack(blocks)) if blocks else sparse.csr_matrix((0, sets.n_columns))
    )
    return matrix, lower, upper


def _to_lp(
    matrix: sparse.csr_matrix,
    bounds: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    cost: FloatArray,
    *,
    maximise: bool,
    n_integer: int,
) -> highspy.HighsLp:
    """A HighsLp from a row-wise matrix and bounds; the first `n_integer` columns are integer."""
    col_lower, col_upper, row_lower, row_upper = bounds
    return rowwise_lp(
        matrix,
        cost,
        (col_lower, col_upper),
        (row_lower, row_upper),
        maximise=maximise,
        n_integer=n_integer,
    )


def _site_bounds(sets: CoverSets) -> tuple[FloatArray, FloatArray]:
    """Site columns: fixed (existing) in [1, 1], the others in [0, 1]."""
    return sets.is_fixed.astype(np.float64), np.ones(sets.n_columns)


def build_mclp(sets: CoverSets, p: int | None, *, is_integer: bool = True) -> CoverModel:
    """Maximal covering: uncapacitated with ``u_g``, capacitated with pairs ``x_k``."""
    scale = float(sets.weight.max()) if sets.weight.size else 1.0
    n, groups = sets.n_columns, sets.n_groups
    site_rows, site_lower, site_upper = _site_rows(sets, p)
    y_lower, y_upper = _site_bounds(sets)
    if not sets.is_capacitated:
        blocks = [[-sets.matrix, sparse.identity(groups, format="csr")], [site_rows, None]]
        matrix = sparse.bmat(blocks, format="csr", dtype=np.float64)
        cost = np.concatenate([np.zeros(n), sets.weight / scale])
        bounds = (
            np.concatenate([y_lower, np.zeros(groups)]),
            np.concatenate([y_upper, np.ones(groups)]),
            np.concatenate([np.full(groups, -_INF), site_lower]),
            np.concatenate([np.zeros(groups), site_upper]),
        )
        lp = _to_lp(matrix, bounds, cost, maximise=True, n_integer=n if is_integer else 0)
        return CoverModel(lp, scale, n, has_pairs=False)
    lp = _capacitated(sets, scale, (site_rows, site_lower, site_upper), is_lscp=False)
    lp.col_cost_ = np.concatenate([np.zeros(n), _pair_weight(sets) / scale])
    lp.sense_ = highspy.ObjSense.kMaximize
    if not is_integer:
        lp.integrality_ = []
    return CoverModel(lp, scale, n, has_pairs=True)


def _pair_weight(sets: CoverSets) -> FloatArray:
    """Weight of the group of every pair, demand units."""
    return np.repeat(sets.weight, np.diff(sets.matrix.indptr)).astype(np.float64)


def _capacitated(
    sets: CoverSets,
    scale: float,
    site: tuple[sparse.csr_matrix, list[float], list[float]],
    *,
    is_lscp: bool,
) -> highspy.HighsLp:
    """Rows and bounds shared by the capacitated models (objective set by the caller)."""
    n, groups, n_pairs = sets.n_columns, sets.n_groups, sets.matrix.nnz
    by_group, by_column = _pair_matrices(sets)
    cap_y, cap_x = _capacity_rows(sets, scale, by_column)
    site_rows, site_lower, site_upper = site
    blocks = [
        [None, by_group],  # sum_c x_gc <= 1 (MCLP) or = 1 (LSCP)
        [cap_y, cap_x],  # load within capacity, only when open
        [-by_column, sparse.identity(n_pairs, format="csr")],  # x_k <= y_c
        [site_rows, None],
    ]
    matrix = sparse.bmat(blocks, format="csr", dtype=np.float64)
    y_lower, y_upper = _site_bounds(sets)
    n_other = cap_y.shape[0] + n_pairs
    bounds = (
        np.concatenate([y_lower, np.zeros(n_pairs)]),
        np.concatenate([y_upper, np.ones(n_pairs)]),
        np.concatenate(
            [
                np.ones(groups) if is_lscp else np.full(groups, -_INF),
                np.full(n_other, -_INF),
                np.asarray(site_lower, dtype=np.float64),
            ]
        ),
        np.concatenate(
            [np.ones(groups), np.zeros(n_other), np.asarray(site_upper, dtype=np.float64)]
        ),
    )
    return _to_lp(matrix, bounds, np.zeros(n + n_pairs), maximise=False, n_integer=n)


def build_lscp(sets: CoverSets, minimise: Minimise, *, is_integer: bool = True) -> CoverModel:
    """Set covering: fewest or cheapest new sites; capacitated with pairs ``x_k``."""
    n = sets.n_columns
    new = (~sets.is_fixed).astype(np.float64)
    site_cost = new if minimise == "count" else new * sets.cost_fen.astype(np.float64)
    scale = max(float(site_cost.max()), 1.0) if site_cost.size else 1.0
    site_rows, site_lower, site_upper = _site_rows(sets, None)
    n_integer = n if is_integer else 0
    if not sets.is_capacitated:
        matrix = sparse.vstack([sets.matrix, site_rows], format="csr")
        y_lower, y_upper = _site_bounds(sets)
        bounds = (
            y_lower,
            y_upper,
            np.concatenate([np.ones(sets.n_groups), site_lower]),
            np.concatenate([np.full(sets.n_groups, _INF), site_upper]),
        )
        lp = _to_lp(matrix, bounds, site_cost / scale, maximise=False, n_integer=n_integer)
        return CoverModel(lp, scale, n, has_pairs=False)
    weight_scale = float(sets.weight.max()) if sets.weight.size else 1.0
    lp = _capacitated(sets, weight_scale, (site_rows, site_lower, site_upper), is_lscp=True)
    lp.col_cost_ = np.concatenate([site_cost / scale, np.zeros(sets.matrix.nnz)])
    if not is_integer:
        lp.integrality_ = []
    return CoverModel(lp, scale, n, has_pairs=True)


def start_vector(
    model: CoverModel, sets: CoverSets, y: FloatArray, x: FloatArray | None
) -> FloatArray:
    """Every column's value for open sites `y` (and pair shares `x`, capacitated)."""
    if model.has_pairs:
        return np.concatenate([y, x if x is not None else np.zeros(sets.matrix.nnz)])
    if model.lp.num_col_ == sets.n_columns:
        return y
    return np.concatenate([y, np.minimum(sets.matrix @ y, 1.0)])


def run_model(
    model: CoverModel,
    *,
    time_limit_s: float,
    mip_rel_gap: float = 1e-9,
    seed: int = 0,
    start: FloatArray | None = None,
    solver: str = "choose",
    options: dict[str, bool | float | int | str] | None = None,
) -> highspy.Highs:
    """Solve silently within `time_limit_s` (HiGHS seconds), offering `start` as incumbent.

    The ``threads`` option is left alone: HiGHS fixes its thread pool at the first run
    in a process and refuses a later, different value.
    """
    settings: dict[str, bool | float | int | str] = {
        "time_limit": max(time_limit_s, 1e-3),
        "mip_rel_gap": mip_rel_gap,
        "mip_abs_gap": 0.0,  # the relative gap decides, whatever the scale
        "random_seed": seed,
        "solver": solver,
        **(options or {}),
    }
    highs = silent_highs(model.lp, settings, model_name="covering")
    if start is not None and math.isfinite(float(start.sum())):
        solution = highspy.HighsSolution()
        solution.col_value = np.asarray(start, dtype=np.float64)
        solution.value_valid = True
        highs.setSolution(solution)  # a rejected start only costs the warm start
    highs.run()
    return highs


_STATUS_NAMES = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kInterrupt: "interrupted",
    highspy.HighsModelStatus.kIterationLimit: "iteration_limit",
}


def status_name(highs: highspy.Highs) -> str:
    """HiGHS's model status as a short lowercase word."""
    status = highs.getModelStatus()
    return _STATUS_NAMES.get(status, str(status).rsplit(".", 1)[-1].removeprefix("k").lower())


def is_infeasible(highs: highspy.Highs) -> bool:
    """True when HiGHS proved the model infeasible."""
    return bool(highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible)


def solution_values(highs: highspy.Highs) -> FloatArray | None:
    """Column values of HiGHS's feasible solution, or None when it has none."""
    feasible = highspy.SolutionStatus.kSolutionStatusFeasible
    if highs.getInfo().primal_solution_status != feasible:
        return None
    return np.asarray(highs.getSolution().col_value, dtype=np.float64)


def serve_fixed(
    sets: CoverSets, columns: IntArray, *, time_limit_s: float, seed: int
) -> tuple[FloatArray | None, float]:
    """Best split of demand over the open `columns` (capacitated transportation LP).

    Returns the pair shares (None when HiGHS found no solution in time) and the HiGHS
    seconds spent.
    """
    free = replace(sets, budget_fen=None)
    model = build_mclp(free, None, is_integer=False)
    is_open = np.zeros(sets.n_columns)
    is_open[columns] = 1.0
    model.lp.col_lower_ = np.concatenate([is_open, np.zeros(sets.matrix.nnz)])
    model.lp.col_upper_ = np.concatenate([is_open, np.ones(sets.matrix.nnz)])
    highs = run_model(model, time_limit_s=time_limit_s, seed=seed)
    values = solution_values(highs)
    shares = None if values is None else values[sets.n_columns :]
    return shares, float(highs.getRunTime())
