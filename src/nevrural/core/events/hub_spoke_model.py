"""The hub-and-spoke covering instance in solver terms: reach pairs, groups, greedy, HiGHS.

Internal to :mod:`nevrural.core.events.hub_spoke`, whose Notes give the formulation.
Reductions that keep the optimum and shrink the model:

* townships of population 0 and townships the main venue reaches are left out (the
  latter become the constant ``fixed_persons``);
* townships reached by the same set of candidate sub-events merge into one *group*
  whose weight is their summed population;
* candidates that are not eligible, that exceed a budget on their own, or that reach
  no group are dropped (every budget row is ``<=``, so an idle event is never needed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import highspy
import numpy as np
from scipy import sparse

from nevrural.core.highs_models import rowwise_lp, silent_highs

if TYPE_CHECKING:
    from nevrural.core.events.hub_spoke_problem import (
        BoolArray,
        FloatArray,
        HubSpokeProblem,
        IntArray,
    )

__all__ = [
    "HighsRun",
    "ReachSets",
    "build_reach",
    "covered_persons",
    "main_reaches",
    "prepare_sets",
    "solve_greedy",
    "solve_highs",
]

_INF = highspy.kHighsInf


def build_reach(problem: HubSpokeProblem) -> sparse.csr_matrix:
    """Who reaches whom: ``(n, n)`` CSR, entry ``(i, j)`` = road km from township ``i`` to a
    sub-event at eligible ``j`` within `reach_km`; every eligible ``(j, j)`` is stored at 0.

    Distances are kept as data (0 as explicit entries), so use the structure for "reaches".
    """
    n = problem.n_townships
    road = problem.road_pairs_km
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(road.indptr))
    keep = (road.data <= problem.reach_km) & problem.eligible[road.indices]
    own = np.flatnonzero(problem.eligible)
    rows = np.concatenate([rows[keep], own])
    cols = np.concatenate([road.indices[keep].astype(np.int64), own])
    km = np.concatenate([road.data[keep], np.zeros(own.size)])
    order = np.lexsort((km, cols, rows))  # per pair, the shortest distance first
    rows, cols, km = rows[order], cols[order], km[order]
    first = np.ones(rows.size, dtype=np.bool_)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    counts = np.bincount(rows[first], minlength=n)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return sparse.csr_matrix((km[first], cols[first], indptr), shape=(n, n))


@dataclass(frozen=True, eq=False)
class ReachSets:
    """A reduced instance.

    Attributes
    ----------
    matrix
        Groups × columns CSR of ones: column ``c`` reaches group ``g``.
    weight
        Population of each group, persons.
    township_of
        Township index of each column.
    needs
        ``(3, columns)``: days, staff and demo cars of each column's sub-event.
    caps
        Days, staff and demo cars available for sub-events.
    fixed_persons
        Population the main venue reaches, persons.
    """

    matrix: sparse.csr_matrix
    weight: FloatArray
    township_of: IntArray
    needs: IntArray
    caps: IntArray
    fixed_persons: float

    @property
    def n_groups(self) -> int:
        """Number of township groups (rows)."""
        return int(self.matrix.shape[0])

    @property
    def n_columns(self) -> int:
        """Number of candidate sub-events (columns)."""
        return int(self.matrix.shape[1])

    @property
    def coverable_persons(self) -> float:
        """Main venue's reach plus every group some candidate reaches, persons."""
        return self.fixed_persons + float(self.weight.sum())


def _merge_rows(
    matrix: sparse.csr_matrix, weight: FloatArray
) -> tuple[sparse.csr_matrix, FloatArray]:
    """One row per distinct column set (first occurrence order), weights summed."""
    seen: dict[bytes, int] = {}
    group = np.empty(matrix.shape[0], dtype=np.int64)
    for row in range(matrix.shape[0]):
        key = matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]].tobytes()
        group[row] = seen.setdefault(key, len(seen))
    first = np.full(len(seen), -1, dtype=np.int64)
    first[group[::-1]] = np.arange(matrix.shape[0], dtype=np.int64)[::-1]
    summed = np.bincount(group, weights=weight, minlength=len(seen)).astype(np.float64)
    return sparse.csr_matrix(matrix[first]), summed


def main_reaches(problem: HubSpokeProblem) -> BoolArray:
    """Townships within the main venue's reach of the county seat, road km."""
    return np.asarray(problem.seat_road_km <= problem.main_radius_km, dtype=np.bool_)


def prepare_sets(problem: HubSpokeProblem, reach: sparse.csr_matrix) -> ReachSets:
    """The reduced instance of `problem` with the reach pairs `reach` (from `build_reach`)."""
    population = problem.population_persons
    main = main_reaches(problem)
    needs = np.vstack(problem.needs())
    caps = np.array(
        [problem.sub_event_days, problem.staff_for_sub_events, problem.demo_cars_for_sub_events],
        dtype=np.int64,
    )
    fits = problem.eligible & np.all(needs <= caps[:, None], axis=0)
    rows = np.flatnonzero((population > 0) & ~main)
    columns = np.flatnonzero(fits)
    structure = sparse.csr_matrix(
        (np.ones(reach.nnz), reach.indices, reach.indptr), shape=reach.shape
    )
    sub = sparse.csr_matrix(structure[rows][:, columns])
    sub.sort_indices()
    merged, weight = _merge_rows(sub, population[rows])
    has_cover = np.diff(merged.indptr) > 0
    merged, weight = sparse.csr_matrix(merged[has_cover]), weight[has_cover]
    used = np.flatnonzero(np.diff(merged.tocsc().indptr) > 0)
    matrix = sparse.csr_matrix(merged[:, used])
    matrix.sort_indices()
    return ReachSets(
        matrix=matrix,
        weight=weight,
        township_of=columns[used].astype(np.int64),
        needs=needs[:, columns[used]].astype(np.int64),
        caps=caps,
        fixed_persons=float(population[main].sum()),
    )


def covered_persons(sets: ReachSets, chosen: IntArray) -> float:
    """Population reached by the main venue and the `chosen` columns, persons."""
    is_open = np.zeros(sets.n_columns)
    is_open[chosen] = 1.0
    covered = np.asarray(sets.matrix @ is_open).ravel() > 0
    return sets.fixed_persons + float(sets.weight[covered].sum())


def solve_greedy(sets: ReachSets) -> IntArray:
    """Greedy by gain per share of budget, or the best single event if that reaches more.

    Each step takes the fitting candidate with the most newly reached persons per
    ``sum_r need_r / cap_r`` (ties: more persons, then lower column). This is the
    budgeted maximum coverage heuristic of Khuller, Moss & Naor (1999), whose
    "greedy or best single set" guarantees ``(1 - 1/e) / 2`` of the optimum under one
    budget. O(k · columns + pairs) for ``k`` chosen events.
    """
    csc = sets.matrix.tocsc()
    csc.sort_indices()
    gain = np.asarray(csc.T @ sets.weight, dtype=np.float64).ravel()
    single = gain.copy()
    usage = (sets.needs / np.maximum(sets.caps, 1)[:, None]).sum(axis=0)
    remaining = sets.caps.copy()
    is_covered = np.zeros(sets.n_groups, dtype=np.bool_)
    is_chosen = np.zeros(sets.n_columns, dtype=np.bool_)
    while True:
        fits = ~is_chosen & np.all(sets.needs <= remaining[:, None], axis=0) & (gain > 0)
        if not fits.any():
            break
        ratio = np.where(usage > 0, gain / np.maximum(usage, 1e-300), math.inf)
        candidates = np.flatnonzero(fits)
        order = np.lexsort((candidates, -gain[candidates], -ratio[candidates]))
        best = int(candidates[order[0]])
        is_chosen[best] = True
        remaining -= sets.needs[:, best]
        new = csc.indices[csc.indptr[best] : csc.indptr[best + 1]]
        new = new[~is_covered[new]]
        is_covered[new] = True
        gain -= np.asarray(sets.matrix[new].T @ sets.weight[new], dtype=np.float64).ravel()
    chosen = np.flatnonzero(is_chosen).astype(np.int64)
    if sets.n_columns and single.max() > covered_persons(sets, chosen) - sets.fixed_persons:
        return np.array([int(np.argmax(single))], dtype=np.int64)
    return chosen


def _to_lp(sets: ReachSets, *, is_integer: bool) -> tuple[highspy.HighsLp, float]:
    """Columns ``x`` (events) then ``u`` (groups); rows ``u_g - sum x <= 0`` and budgets."""
    m, g = sets.n_columns, sets.n_groups
    scale = float(sets.weight.max()) if g else 1.0
    coverage = sparse.hstack([-sets.matrix, sparse.identity(g, format="csr")])
    budgets = sparse.hstack(
        [sparse.csr_matrix(sets.needs.astype(np.float64)), sparse.csr_matrix((3, g))]
    )
    matrix = sparse.csr_matrix(sparse.vstack([coverage, budgets]), dtype=np.float64)
    matrix.sum_duplicates()
    matrix.eliminate_zeros()  # structural zeros of the budget rows only
    lp = rowwise_lp(
        matrix,
        np.concatenate([np.zeros(m), sets.weight / scale]),
        (np.zeros(m + g), np.ones(m + g)),
        (np.full(g + 3, -_INF), np.concatenate([np.zeros(g), sets.caps.astype(np.float64)])),
        maximise=True,
        n_integer=m if is_integer else 0,
    )
    return lp, scale


@dataclass(frozen=True)
class HighsRun:
    """What one HiGHS run returned: the chosen columns (None without a solution), the
    bound, persons (None when not proven), the status word and HiGHS seconds."""

    chosen: IntArray | None
    bound_persons: float | None
    status: str
    seconds: float


def _status(highs: highspy.Highs) -> str:
    """HiGHS's model status as a short lowercase word."""
    text = str(highs.getModelStatus()).rsplit(".", 1)[-1].removeprefix("k")
    return {"TimeLimit": "time_limit"}.get(text, text.lower())


def solve_highs(
    sets: ReachSets,
    *,
    is_integer: bool,
    time_limit_s: float,
    mip_rel_gap: float,
    seed: int,
    start: IntArray | None = None,
) -> HighsRun:
    """Solve the MIP (or its LP relaxation) silently; `start` columns are the incumbent."""
    lp, scale = _to_lp(sets, is_integer=is_integer)
    settings: dict[str, bool | float | int | str] = {
        "time_limit": time_limit_s,
        "mip_rel_gap": mip_rel_gap,
        "mip_abs_gap": 0.0,
        "random_seed": seed,
    }
    highs = silent_highs(lp, settings, model_name="hub-and-spoke")
    if start is not None:
        x = np.zeros(sets.n_columns)
        x[start] = 1.0
        solution = highspy.HighsSolution()
        solution.col_value = np.concatenate([x, np.minimum(sets.matrix @ x, 1.0)])
        solution.value_valid = True
        highs.setSolution(solution)  # a rejected start only costs the warm start
    highs.run()
    info = highs.getInfo()
    status = _status(highs)
    raw_bound = float(info.mip_dual_bound if is_integer else info.objective_function_value)
    is_proven = status == "optimal" or (is_integer and status == "time_limit")
    bound = (
        raw_bound * scale + sets.fixed_persons if is_proven and math.isfinite(raw_bound) else None
    )
    chosen = None
    if is_integer and info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
        values = np.asarray(highs.getSolution().col_value, dtype=np.float64)
        chosen = np.flatnonzero(values[: sets.n_columns] > 0.5).astype(np.int64)
    return HighsRun(chosen, bound, status, float(highs.getRunTime()))
