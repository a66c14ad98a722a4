"""Multi-period siting instances reduced for the solver: groups of demand, site columns.

Internal to :mod:`nevrural.core.siting.phased`. Demand points with the same pairs (sites
and, for the p-median, distances and beyond cost) are merged into *groups* with their
weights summed per period: the points of a group face the same constraints, so a share
common to the members is optimal (also with capacities, the split being splittable).
Without capacities, p-median pairs beyond a point's nearest existing site are dropped
and MCLP demand covered by an existing site becomes a constant per period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy import sparse

from nevrural.core.siting.coverage_model import covering_pairs
from nevrural.core.siting.phased_problem import PhasedInfeasible
from nevrural.core.siting.pmedian_data import prepare_p_median

if TYPE_CHECKING:
    from nevrural.core.siting.phased_problem import PhasedProblem
    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray

__all__ = ["PhasedSets", "check_servable", "count_period_pairs", "prepare_sets"]

Model = Literal["p-median", "mclp"]
_NAMED = 5  # demand points named in an error message


@dataclass(frozen=True, eq=False)
class PhasedSets:
    """A reduced multi-period instance: groups × site columns with per-period weights.

    Attributes
    ----------
    pairs
        Groups × columns CSR: distance, km (p-median) or 1.0 (MCLP: covers).
    weight
        Demand units of each group per period, shape ``(T, n_groups)``.
    group_of
        Group of each demand point, -1 when it is not in the model.
    site_of, is_fixed, capacity, cost_fen
        Per column: site index, existing (open, free), capacity (demand units, ``inf``
        = none) and cost (fen, 0 for existing).
    beyond_km
        p-median: cost per demand unit, km, of a group served by none of its pairs
        (``inf``: forbidden). MCLP: unused (``inf``).
    fixed_weight
        Uncapacitated MCLP: weight covered by existing sites per period, demand units.
    is_median, is_capacitated
        The model, and whether some column has a finite capacity.
    """

    pairs: sparse.csr_matrix
    weight: FloatArray
    group_of: IntArray
    site_of: IntArray
    is_fixed: BoolArray
    capacity: FloatArray
    cost_fen: IntArray
    beyond_km: FloatArray
    fixed_weight: FloatArray
    is_median: bool
    is_capacitated: bool

    @property
    def n_columns(self) -> int:
        """Number of site columns."""
        return int(self.pairs.shape[1])

    @property
    def has_pairs(self) -> bool:
        """Whether the model has assignment columns ``x``."""
        return self.is_median or self.is_capacitated


def check_servable(problem: PhasedProblem) -> None:
    """Raise naming the demand points with weight in some period and no usable site.

    A usable site is existing or may open; the pair must be stored. For the p-median
    without truncation such a point can never be served.
    """
    base = problem.base
    matrix = base.distance_km
    usable = (base.existing | base.can_open)[matrix.indices]
    rows = np.repeat(np.arange(base.n_demand), np.diff(matrix.indptr))
    has_site = np.bincount(rows[usable], minlength=base.n_demand) > 0
    lonely = np.flatnonzero((problem.demand_by_period > 0).any(axis=0) & ~has_site)
    if not lonely.size:
        return
    ids = base.demand_ids
    named = [ids[i] if ids is not None else str(i) for i in lonely[:_NAMED].tolist()]
    more = ", ..." if lonely.size > _NAMED else ""
    raise PhasedInfeasible(
        f"{lonely.size} demand points with weight > 0 in some period have no allowed site"
        f" that is existing or can open (demand {', '.join(named)}{more}); set is_truncated"
        " if the pairs are a radius cut"
    )


def count_period_pairs(problem: PhasedProblem, model: Model, radius_km: float) -> int:
    """Allowed pairs to usable sites, summed over the periods their demand has weight.

    MCLP counts only pairs within `radius_km`, km. O(pairs + periods x points).
    """
    base = problem.base
    matrix = base.distance_km
    keep = (base.existing | base.can_open)[matrix.indices]
    if model == "mclp":
        keep &= matrix.data <= radius_km
    rows = np.repeat(np.arange(base.n_demand), np.diff(matrix.indptr))
    per_row = np.bincount(rows[keep], minlength=base.n_demand)
    return int(((problem.demand_by_period > 0) @ per_row).sum())


def _merge(matrix: sparse.csr_matrix, beyond: FloatArray) -> tuple[IntArray, IntArray]:
    """Group of each row (same columns, data and beyond) and the first row of each group."""
    seen: dict[bytes, int] = {}
    group = np.empty(matrix.shape[0], dtype=np.int64)
    indices, data, indptr = matrix.indices, matrix.data, matrix.indptr
    for row in range(matrix.shape[0]):
        lo, hi = indptr[row], indptr[row + 1]
        key = indices[lo:hi].tobytes() + data[lo:hi].tobytes() + beyond[row].tobytes()
        group[row] = seen.setdefault(key, len(seen))
    first = np.full(len(seen), -1, dtype=np.int64)
    first[group[::-1]] = np.arange(matrix.shape[0], dtype=np.int64)[::-1]
    return group, first


def _select(matrix: sparse.csr_matrix, rows: IntArray, columns: IntArray) -> sparse.csr_matrix:
    """Rows and columns of `matrix`, keeping explicit zeros and the row order of entries."""
    col_map = np.full(matrix.shape[1], -1, dtype=np.int64)
    col_map[columns] = np.arange(columns.size)
    lengths = np.diff(matrix.indptr)[rows]
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    row_of = np.repeat(np.arange(rows.size), lengths)
    entries = np.arange(int(lengths.sum())) - offsets[row_of] + matrix.indptr[rows][row_of]
    entries = entries.astype(np.int64)
    keep = col_map[matrix.indices[entries]] >= 0
    entries, row_of = entries[keep], row_of[keep]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row_of, minlength=rows.size))])
    return sparse.csr_matrix(
        (matrix.data[entries], col_map[matrix.indices[entries]], indptr),
        shape=(rows.size, columns.size),
    )


@dataclass(frozen=True, eq=False)
class _Raw:
    """The model's pairs before merging: matrix over all sites, rows and columns kept."""

    matrix: sparse.csr_matrix
    beyond_km: FloatArray
    rows: IntArray
    columns: IntArray
    fixed_weight: FloatArray


def _median_pairs(
    problem: PhasedProblem, is_capacitated: bool, is_truncated: bool, beyond_km: float
) -> _Raw:
    """p-median pairs (km), nearest first, cut at the nearest existing site if uncapacitated."""
    base = problem.base
    data = prepare_p_median(
        base,
        0,
        is_truncated=is_truncated,
        beyond_km=beyond_km,
        cut_at_existing=not is_capacitated,
    )
    if not is_truncated:
        check_servable(problem)
    matrix = sparse.csr_matrix(
        (data.dist_km, data.site, data.indptr), shape=(base.n_demand, base.n_sites)
    )
    return _Raw(
        matrix=matrix,
        beyond_km=data.beyond_km,
        rows=np.flatnonzero((problem.demand_by_period > 0).any(axis=0)),
        columns=np.flatnonzero(base.existing | base.can_open),
        fixed_weight=np.zeros(problem.n_periods),
    )


def _covering_pairs(problem: PhasedProblem, is_capacitated: bool, radius_km: float) -> _Raw:
    """MCLP covering pairs; uncapacitated, demand an existing site covers is a constant."""
    base = problem.base
    demand = problem.demand_by_period
    cover = covering_pairs(base, radius_km)
    matrix = sparse.csr_matrix((np.ones(cover.nnz), cover.indices, cover.indptr), shape=cover.shape)
    weighted = (demand > 0).any(axis=0)
    fixed_weight = np.zeros(problem.n_periods)
    columns = np.flatnonzero(base.existing | base.can_open)
    if not is_capacitated:
        by_existing = (matrix @ base.existing.astype(np.float64)) > 0
        fixed_weight = demand[:, by_existing].sum(axis=1)
        weighted &= ~by_existing
        columns = np.flatnonzero(base.can_open)
    reach = matrix @ np.isin(np.arange(base.n_sites), columns).astype(np.float64)
    return _Raw(
        matrix=matrix,
        beyond_km=np.full(base.n_demand, math.inf),
        rows=np.flatnonzero(weighted & (reach > 0)),
        columns=columns,
        fixed_weight=np.asarray(fixed_weight, dtype=np.float64),
    )


def prepare_sets(
    problem: PhasedProblem,
    model: Model,
    *,
    radius_km: float,
    is_truncated: bool,
    beyond_km: float,
) -> PhasedSets:
    """Groups and columns of the phased model; raises when weighted demand has no site."""
    base = problem.base
    usable = base.existing | base.can_open
    is_capacitated = bool(np.isfinite(base.site_capacity[usable]).any())
    if model == "p-median":
        raw = _median_pairs(problem, is_capacitated, is_truncated, beyond_km)
    else:
        raw = _covering_pairs(problem, is_capacitated, radius_km)
    rows, columns = raw.rows, raw.columns
    sub = _select(raw.matrix, rows, columns)
    group, first = _merge(sub, raw.beyond_km[rows])
    weight = np.zeros((problem.n_periods, first.size))
    for t in range(problem.n_periods):
        demand = problem.demand_by_period[t, rows]
        weight[t] = np.bincount(group, weights=demand, minlength=first.size)
    group_of = np.full(base.n_demand, -1, dtype=np.int64)
    group_of[rows] = group
    return PhasedSets(
        pairs=sub[first],
        weight=weight,
        group_of=group_of,
        site_of=columns.astype(np.int64),
        is_fixed=base.existing[columns].copy(),
        capacity=base.site_capacity[columns].astype(np.float64),
        cost_fen=np.where(base.existing[columns], 0, base.cost_fen[columns]).astype(np.int64),
        beyond_km=raw.beyond_km[rows][first].astype(np.float64),
        fixed_weight=raw.fixed_weight,
        is_median=model == "p-median",
        is_capacitated=is_capacitated,
    )
