"""Covering models in solver terms: who covers whom, reduced before any solver sees it.

Internal to :mod:`nevrural.core.siting.coverage`. A demand ``i`` is covered by site
``j`` when the pair is stored in ``problem.distance_km`` at a distance <= the radius, km.
The reductions keep the optimum and shrink the model:

* demands of weight 0 are dropped (they change neither objective nor feasibility);
* uncapacitated: demands an existing site covers are covered whatever opens, so they
  become a constant (MCLP) or need nothing (LSCP);
* demands with the same set of coverers are merged into one *group* whose weight is
  their sum (the capacitated models too: a split shared by the members is exact);
* candidates that cover no group are *idle*. MCLP opens exactly ``p`` new sites, so the
  cheapest ``p`` idle sites are kept as zero-gain padding; LSCP drops them.

Columns are the candidates that remain; existing sites appear as columns only in the
capacitated models (``is_fixed``: always open, not counted, cost 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from nevrural.core.siting.problem import (
        BoolArray,
        Clock,
        FloatArray,
        IntArray,
        SitingPath,
        SitingProblem,
    )

__all__ = [
    "CoverSets",
    "CoverageInfeasible",
    "Outcome",
    "TimeBudget",
    "clean_shares",
    "covered_weight",
    "covering_pairs",
    "format_fen",
    "merge_identical_rows",
    "prepare_lscp",
    "prepare_mclp",
    "served_weight",
]

# Demand ids (or indices) named in an infeasibility message.
_NAMED_DEMANDS = 5


class CoverageInfeasible(ValueError):  # noqa: N818  (the name says what the caller learns)
    """No set of sites meets the covering model's rules; the message names the numbers."""


@dataclass(frozen=True, eq=False)
class CoverSets:
    """A reduced covering instance.

    Attributes
    ----------
    matrix
        Groups × columns, CSR with sorted indices and data 1.0: column ``c`` covers group
        ``g``.
    weight
        Demand weight of each group (sum over its members), demand units.
    group_of
        Group of each original demand, -1 when it is not in the model.
    site_of
        Original site index of each column.
    is_fixed
        Columns that are existing sites (always open, not counted, cost 0).
    capacity
        Capacity of each column, demand units (``inf`` = uncapacitated).
    cost_fen
        Opening cost of each column, whole fen (0 for existing sites).
    budget_fen
        Budget for new sites, whole fen, or None.
    fixed_weight
        Weight covered whatever opens (uncapacitated MCLP: by existing sites), units.
    is_capacitated
        True when some open-able column has a finite capacity.
    """

    matrix: sparse.csr_matrix
    weight: FloatArray
    group_of: IntArray
    site_of: IntArray
    is_fixed: BoolArray
    capacity: FloatArray
    cost_fen: IntArray
    budget_fen: int | None
    fixed_weight: float
    is_capacitated: bool

    @property
    def n_groups(self) -> int:
        """Number of demand groups (rows)."""
        return int(self.matrix.shape[0])

    @property
    def n_columns(self) -> int:
        """Number of site columns."""
        return int(self.matrix.shape[1])

    def columns_csc(self) -> sparse.csc_matrix:
        """The matrix by columns (sorted indices): the groups each column covers."""
        csc = self.matrix.tocsc()
        csc.sort_indices()
        return csc


def covering_pairs(problem: SitingProblem, radius_km: float) -> sparse.csr_matrix:
    """Stored pairs at distance <= `radius_km`, km, keeping their distances, km.

    Zero distances stay explicit entries (the structure, not the values, says who
    covers whom).

    >>> from scipy.sparse import csr_matrix
    >>> from nevrural.core.siting.problem import SitingProblem
    >>> d = csr_matrix(([0.0, 5.0, 12.0], ([0, 0, 1], [0, 1, 1])), shape=(2, 2))
    >>> covering_pairs(SitingProblem(demand_weight=np.ones(2), distance_km=d), 10.0).nnz
    2
    """
    distance = problem.distance_km
    keep = distance.data <= radius_km
    row_of_entry = np.repeat(np.arange(problem.n_demand), np.diff(distance.indptr))
    counts = np.bincount(row_of_entry[keep], minlength=problem.n_demand)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return sparse.csr_matrix(
        (distance.data[keep], distance.indices[keep], indptr), shape=distance.shape
    )


def _ones(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """The structure of `matrix` with every stored entry 1.0."""
    ones = sparse.csr_matrix(
        (np.ones(matrix.indices.size), matrix.indices.copy(), matrix.indptr.copy()),
        shape=matrix.shape,
    )
    ones.sort_indices()
    return ones


def merge_identical_rows(
    matrix: sparse.csr_matrix, weight: FloatArray
) -> tuple[sparse.csr_matrix, FloatArray, IntArray]:
    """Merge rows with the same column set: one row each, weights summed.

    Returns the unique rows (in order of first occurrence), their summed weights and
    the group of every input row. O(nnz) time with a hash of each row's columns.

    >>> m = sparse.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
    >>> rows, w, group = merge_identical_rows(m, np.array([1.0, 2.0, 5.0]))
    >>> rows.toarray().tolist(), w.tolist(), group.tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [3.0, 5.0], [0, 0, 1])
    """
    matrix = matrix.tocsr()
    matrix.sort_indices()
    indices, indptr = matrix.indices, matrix.indptr
    seen: dict[bytes, int] = {}
    group = np.empty(matrix.shape[0], dtype=np.int64)
    for row in range(matrix.shape[0]):
        key = indices[indptr[row] : indptr[row + 1]].tobytes()
        group[row] = seen.setdefault(key, len(seen))
    n_groups = len(seen)
    first = np.full(n_groups, -1, dtype=np.int64)
    first[group[::-1]] = np.arange(matrix.shape[0], dtype=np.int64)[::-1]
    summed = np.bincount(group, weights=weight, minlength=n_groups).astype(np.float64)
    return _ones(matrix[first]), summed, group


def format_fen(fen: float) -> str:
    """Whole fen as CNY with two decimals.

    >>> format_fen(123456)
    '1234.56'
    """
    return f"{fen / 100:.2f}"


def _is_capacitated(problem: SitingProblem, allowed: BoolArray) -> bool:
    """True when an allowed site has a finite capacity."""
    return bool(np.any(np.isfinite(problem.site_capacity[allowed])))


def _check_p(problem: SitingProblem, p: int) -> None:
    """Raise when fewer than `p` sites can open, or the `p` cheapest exceed the budget."""
    can_open = np.flatnonzero(problem.can_open)
    if p > can_open.size:
        raise CoverageInfeasible(
            f"p = {p} new sites, but only {can_open.size} of the {problem.n_sites} sites can"
            " open (land available and not already existing)"
        )
    budget = problem.budget_fen
    if budget is not None and p > 0:
        cheapest = int(np.sort(problem.cost_fen[can_open])[:p].sum())
        if cheapest > budget:
            raise CoverageInfeasible(
                f"budget {format_fen(budget)} CNY is too small: the {p} cheapest sites that can"
                f" open cost {format_fen(cheapest)} CNY"
            )


def _assemble(
    problem: SitingProblem,
    rows: sparse.csr_matrix,
    row_index: IntArray,
    columns: IntArray,
    padding: int,
    fixed_weight: float,
) -> CoverSets:
    """Merge rows, drop empty groups and idle columns (keeping `padding` cheapest idle ones)."""
    sub = _ones(rows[row_index][:, columns])
    merged, weight, group = merge_identical_rows(sub, problem.demand_weight[row_index])
    has_cover = np.diff(merged.indptr) > 0
    renumber = np.cumsum(has_cover) - 1
    merged, weight = merged[has_cover], weight[has_cover]
    used = np.diff(merged.tocsc().indptr) > 0
    existing = problem.existing[columns]
    idle = np.flatnonzero(~used & ~existing)
    order = np.lexsort((columns[idle], problem.cost_fen[columns[idle]]))
    keep = np.sort(np.concatenate([np.flatnonzero(used), idle[order[:padding]]]))
    group_of = np.full(problem.n_demand, -1, dtype=np.int64)
    group_of[row_index] = np.where(has_cover[group], renumber[group], -1)
    site_of = columns[keep].astype(np.int64)
    allowed = problem.existing | problem.can_open
    cost = np.where(problem.existing[site_of], 0, problem.cost_fen[site_of])
    return CoverSets(
        matrix=_ones(merged[:, keep]),
        weight=weight,
        group_of=group_of,
        site_of=site_of,
        is_fixed=problem.existing[site_of].copy(),
        capacity=problem.site_capacity[site_of].copy(),
        cost_fen=cost.astype(np.int64),
        budget_fen=problem.budget_fen,
        fixed_weight=fixed_weight,
        is_capacitated=_is_capacitated(problem, allowed),
    )


def prepare_mclp(problem: SitingProblem, cover: sparse.csr_matrix, p: int) -> CoverSets:
    """The MCLP instance: groups of coverable demand, candidate (and existing) columns.

    Raises `CoverageInfeasible` when fewer than `p` sites can open or the `p` cheapest
    exceed the budget.
    """
    _check_p(problem, p)
    structure = _ones(cover)
    existing = problem.existing
    allowed = existing | problem.can_open
    weighted = problem.demand_weight > 0
    if _is_capacitated(problem, allowed):
        rows = np.flatnonzero(weighted)
        columns = np.flatnonzero(allowed)
        return _assemble(problem, structure, rows, columns, p, 0.0)
    by_existing = (structure @ existing.astype(np.float64)) > 0
    fixed_weight = float(problem.demand_weight[by_existing].sum())
    rows = np.flatnonzero(weighted & ~by_existing)
    return _assemble(problem, structure, rows, np.flatnonzero(problem.can_open), p, fixed_weight)


def _uncoverable(problem: SitingProblem, rows: IntArray, count: FloatArray) -> None:
    """Raise `CoverageInfeasible` naming the demands of `rows` with no coverer."""
    missing = rows[count == 0]
    if not missing.size:
        return
    named = [
        problem.demand_ids[i] if problem.demand_ids is not None else str(i)
        for i in missing[:_NAMED_DEMANDS].tolist()
    ]
    more = ", ..." if missing.size > _NAMED_DEMANDS else ""
    label = "ids" if problem.demand_ids is not None else "indices"
    raise CoverageInfeasible(
        f"{missing.size} of the {rows.size} demands with weight > 0 have no site that may open"
        f" within the radius (demand {label} {', '.join(named)}{more})"
    )


def prepare_lscp(problem: SitingProblem, cover: sparse.csr_matrix) -> CoverSets:
    """The LSCP instance: every demand of weight > 0 not yet covered must be.

    Raises `CoverageInfeasible` naming the demands that no allowed site covers.
    """
    structure = _ones(cover)
    existing = problem.existing
    allowed = existing | problem.can_open
    weighted = problem.demand_weight > 0
    if _is_capacitated(problem, allowed):
        rows = np.flatnonzero(weighted)
        _uncoverable(problem, rows, structure[rows] @ allowed.astype(np.float64))
        return _assemble(problem, structure, rows, np.flatnonzero(allowed), 0, 0.0)
    by_existing = (structure @ existing.astype(np.float64)) > 0
    rows = np.flatnonzero(weighted & ~by_existing)
    _uncoverable(problem, rows, structure[rows] @ problem.can_open.astype(np.float64))
    return _assemble(problem, structure, rows, np.flatnonzero(problem.can_open), 0, 0.0)


@dataclass(frozen=True, eq=False)
class Outcome:
    """What a covering path found, in the terms of its `CoverSets`.

    Attributes
    ----------
    columns
        Open columns (fixed ones included), sorted.
    shares
        Capacitated: share of each covering pair's group served through it (CSR pair
        order); None when uncapacitated.
    objective
        MCLP: covered weight, demand units, with the fixed weight. LSCP: number of new
        sites, or their cost in fen.
    bound
        Proven bound on the optimum in the same unit (upper for MCLP, lower for LSCP),
        or None.
    status, path, seconds
        Solver status word, the path that ran and HiGHS seconds.
    details
        Extra numbers for `SitingResult.details`.
    """

    columns: IntArray
    shares: FloatArray | None
    objective: float
    bound: float | None
    status: str
    path: SitingPath
    seconds: float
    details: dict[str, float]


def covered_weight(sets: CoverSets, columns: IntArray) -> float:
    """Uncapacitated covered weight of open `columns`, demand units (fixed weight included)."""
    is_open = np.zeros(sets.n_columns)
    is_open[columns] = 1.0
    covered = np.asarray(sets.matrix @ is_open).ravel() > 0
    return sets.fixed_weight + float(sets.weight[covered].sum())


def clean_shares(sets: CoverSets, columns: IntArray, shares: FloatArray) -> FloatArray:
    """Solver shares made exactly feasible: in [0, 1], only at open columns, within
    capacity, at most 1 per group (scaling down where a tolerance was used)."""
    is_open = np.zeros(sets.n_columns, dtype=np.bool_)
    is_open[columns] = True
    pair_column = sets.matrix.indices
    pair_group = np.repeat(np.arange(sets.n_groups), np.diff(sets.matrix.indptr))
    x = np.where(is_open[pair_column], np.clip(shares, 0.0, 1.0), 0.0)
    load = np.bincount(pair_column, weights=x * sets.weight[pair_group], minlength=sets.n_columns)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(load > sets.capacity, sets.capacity / load, 1.0)
    x = x * factor[pair_column]
    total = np.bincount(pair_group, weights=x, minlength=sets.n_groups)
    return np.asarray(x / np.maximum(total, 1.0)[pair_group], dtype=np.float64)


def served_weight(sets: CoverSets, shares: FloatArray) -> float:
    """Weight served by the pair `shares`, demand units (fixed weight included)."""
    pair_group = np.repeat(np.arange(sets.n_groups), np.diff(sets.matrix.indptr))
    return sets.fixed_weight + float((shares * sets.weight[pair_group]).sum())


class TimeBudget:
    """Seconds left of a time limit: HiGHS's own seconds, plus wall time when a clock is given.

    Core never reads a clock itself; with ``clock=None`` only the HiGHS seconds
    reported by `spend` count and pure-Python work is bounded by iteration limits.
    """

    def __init__(self, limit_s: float, clock: Clock | None) -> None:
        self.limit_s = limit_s
        self.clock = clock
        self.origin = clock() if clock is not None else 0.0
        self.highs_s = 0.0

    def spend(self, highs_s: float) -> None:
        """Record HiGHS seconds."""
        self.highs_s += highs_s

    def remaining(self) -> float:
        """Seconds left, s."""
        if self.clock is not None:
            return self.limit_s - (self.clock() - self.origin)
        return self.limit_s - self.highs_s

    @property
    def deadline(self) -> float | None:
        """The clock reading at which time is up, or None without a clock."""
        return None if self.clock is None else self.origin + self.limit_s
