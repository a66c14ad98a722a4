"""Greedy constructions for the covering models, with lazy (Minoux) gain updates.

Internal to :mod:`nevrural.core.siting.coverage`. Every function works on the columns
of a `CoverSets` and returns column indices (sorted) plus, when capacitated, the share
of each covering pair.

Covered weight is a monotone submodular function of the open set: a column's gain can
only shrink as others open. A heap of stale gains therefore holds upper bounds, and
re-evaluating only the top until a fresh gain stays on top picks the same column as a
full scan (M. Minoux, "Accelerated greedy algorithms for maximizing submodular set
functions", LNCS 7 (1978) 234-243). The capacitated gains ``min(cap, residual weight
covered)`` and the LSCP ratios ``new groups / cost`` also only shrink, so the same
lazy scheme applies to them.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import CoverSets
    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray

__all__ = [
    "BudgetGuard",
    "fill_by_priority",
    "greedy_capacitated",
    "greedy_lscp",
    "greedy_mclp",
    "prune_cover",
]

# Relative size below which a gain counts as zero.
_TINY = 1e-12


class BudgetGuard:
    """Which columns can still open so that exactly `p` new ones fit the budget.

    Column ``j`` is affordable while ``spent + c_j + (the r cheapest other unopened
    costs) <= B`` with ``r`` the number still to open after ``j``; this reduces to
    ``c_j <= B - spent - S_r`` (``S_r``: the r cheapest unopened costs), a threshold
    that never rises, so a column found unaffordable can be dropped for good.
    """

    def __init__(self, cost_fen: IntArray, candidates: BoolArray, budget_fen: int | None, p: int):
        self._cost = cost_fen.astype(np.float64)
        self._order = np.flatnonzero(candidates)[np.argsort(cost_fen[candidates], kind="stable")]
        self._is_open = np.zeros(cost_fen.size, dtype=np.bool_)
        self._budget = budget_fen
        self._to_open = p
        self.spent = 0.0

    def max_cost(self) -> float:
        """Largest cost, fen, the next opened column may have (``inf`` without budget)."""
        if self._budget is None:
            return float("inf")
        rest = self._order[~self._is_open[self._order]]
        cheapest = float(self._cost[rest[: max(self._to_open - 1, 0)]].sum())
        return self._budget - self.spent - cheapest

    def take(self, column: int) -> None:
        """Record that `column` opened."""
        self._is_open[column] = True
        self.spent += float(self._cost[column])
        self._to_open -= 1

    def cheapest_unopened(self) -> IntArray:
        """Unopened candidate columns, cheapest first (ties: lower index)."""
        return self._order[~self._is_open[self._order]]


def _gains(csc: sparse.csc_matrix, value: FloatArray) -> FloatArray:
    """Sum of `value` over the groups of each column."""
    return np.asarray(csc.T @ value, dtype=np.float64).ravel()


def greedy_mclp(sets: CoverSets, p: int) -> IntArray:
    """Open `p` new columns greedily by covered weight (uncapacitated).

    Zero-gain picks are the cheapest affordable columns. O(nnz log m) time for the
    initial gains plus the lazy re-evaluations.
    """
    csc = sets.columns_csc()
    candidates = ~sets.is_fixed
    guard = BudgetGuard(sets.cost_fen, candidates, sets.budget_fen, p)
    covered = np.zeros(sets.n_groups, dtype=np.bool_)
    chosen: list[int] = []
    fresh = _gains(csc, np.where(covered, 0.0, sets.weight))
    tiny = _TINY * max(float(sets.weight.sum()), 1.0)
    heap = [(-g, j) for j, g in enumerate(fresh.tolist()) if g > tiny and candidates[j]]
    heapq.heapify(heap)
    is_chosen = np.zeros(sets.n_columns, dtype=np.bool_)
    limit = guard.max_cost()
    while len(chosen) < p and heap:
        _, j = heapq.heappop(heap)
        if is_chosen[j] or sets.cost_fen[j] > limit:
            continue
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        gain = float(sets.weight[rows][~covered[rows]].sum())
        if gain <= tiny:
            continue
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, j))
            continue
        chosen.append(j)
        is_chosen[j] = True
        covered[rows] = True
        guard.take(j)
        limit = guard.max_cost()
    return _pad(chosen, guard, p)


def _pad(chosen: list[int], guard: BudgetGuard, p: int) -> IntArray:
    """Fill up to `p` with the cheapest unopened columns (affordable by construction)."""
    rest = guard.cheapest_unopened()
    for j in rest[: max(p - len(chosen), 0)].tolist():
        chosen.append(j)
        guard.take(j)
    return np.sort(np.asarray(chosen, dtype=np.int64))


def fill_by_priority(sets: CoverSets, p: int, priority: FloatArray) -> IntArray:
    """Open `p` new columns in decreasing `priority` (ties: lower index), within budget."""
    candidates = ~sets.is_fixed
    guard = BudgetGuard(sets.cost_fen, candidates, sets.budget_fen, p)
    order = np.flatnonzero(candidates)
    order = order[np.lexsort((order, -priority[order]))]
    chosen: list[int] = []
    for j in order.tolist():
        if len(chosen) == p:
            break
        if sets.cost_fen[j] <= guard.max_cost():
            chosen.append(j)
            guard.take(j)
    return _pad(chosen, guard, p)


def greedy_lscp(sets: CoverSets, cost: FloatArray, start: IntArray | None = None) -> IntArray:
    """Chvátal's greedy set cover: most newly covered groups per unit `cost`, then prune.

    Columns in `start` open first. Columns of cost 0 rank by their new groups ahead of
    every priced column. Ratio ``H(max groups per column)`` of the optimum (Chvátal,
    Math. Oper. Res. 4 (1979) 233-235).
    """
    csc = sets.columns_csc()
    chosen = [] if start is None else start.tolist()
    covered = np.zeros(sets.n_groups, dtype=np.bool_)
    for j in chosen:
        covered[csc.indices[csc.indptr[j] : csc.indptr[j + 1]]] = True
    counts = _gains(csc, (~covered).astype(np.float64))

    def key(gain: float, j: int) -> float:
        return gain / cost[j] if cost[j] > 0 else gain * 1e18

    heap = [(-key(g, j), j) for j, g in enumerate(counts.tolist()) if g > 0]
    heapq.heapify(heap)
    while heap and not covered.all():
        _, j = heapq.heappop(heap)
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        gain = float(np.count_nonzero(~covered[rows]))
        if gain == 0:
            continue
        if heap and key(gain, j) < -heap[0][0]:
            heapq.heappush(heap, (-key(gain, j), j))
            continue
        chosen.append(j)
        covered[rows] = True
    return prune_cover(sets, np.unique(np.asarray(chosen, dtype=np.int64)), cost)


def prune_cover(sets: CoverSets, chosen: IntArray, cost: FloatArray) -> IntArray:
    """Close redundant columns (all their groups covered twice), costliest first."""
    csc = sets.columns_csc()
    is_open = np.zeros(sets.n_columns)
    is_open[chosen] = 1.0
    count = np.asarray(sets.matrix @ is_open).ravel()
    sizes = np.diff(csc.indptr)[chosen]
    for j in chosen[np.lexsort((chosen, sizes, -cost[chosen]))].tolist():
        rows = csc.indices[csc.indptr[j] : csc.indptr[j + 1]]
        if rows.size == 0 or count[rows].min() >= 2:
            count[rows] -= 1
            is_open[j] = 0.0
    return np.flatnonzero(is_open).astype(np.int64)


class _Serving:
    """Residual demand and room while columns open one by one (capacitated greedy)."""

    def __init__(self, sets: CoverSets) -> None:
        matrix = sets.matrix
        ids = sparse.csr_matrix(
            (np.arange(1, matrix.nnz + 1, dtype=np.float64), matrix.indices, matrix.indptr),
            shape=matrix.shape,
        ).tocsc()
        ids.sort_indices()
        self.rows, self.ptr = ids.indices, ids.indptr
        self.pair_at = (ids.data - 1).astype(np.int64)  # CSR position of each CSC entry
        self.weight = sets.weight
        self.residual = sets.weight.copy()
        self.room = sets.capacity.copy()
        self.share = np.zeros(matrix.nnz)
        self.degree = np.diff(matrix.indptr)

    def gain(self, column: int) -> float:
        """Weight `column` could serve now, demand units."""
        rows = self.rows[self.ptr[column] : self.ptr[column + 1]]
        return float(min(self.room[column], self.residual[rows].sum()))

    def serve(self, column: int) -> None:
        """Serve `column`'s groups, fewest coverers first, until its room runs out."""
        segment = slice(self.ptr[column], self.ptr[column + 1])
        rows, pairs = self.rows[segment], self.pair_at[segment]
        order = np.lexsort((rows, self.degree[rows]))
        rows, pairs = rows[order], pairs[order]
        wanted = self.residual[rows]
        before = np.cumsum(wanted) - wanted
        amount = np.clip(self.room[column] - before, 0.0, wanted)
        self.residual[rows] -= amount
        self.room[column] -= float(amount.sum())
        self.share[pairs] += amount / self.weight[rows]


def _open_start(
    sets: CoverSets, state: _Serving, guard: BudgetGuard, start: IntArray, p: int | None
) -> list[int]:
    """Open the new columns of `start` in order while they fit (count and budget)."""
    chosen: list[int] = []
    for j in start.tolist():
        if sets.is_fixed[j] or (p is not None and len(chosen) >= p):
            continue
        if p is None or sets.cost_fen[j] <= guard.max_cost():
            chosen.append(j)
            state.serve(j)
            guard.take(j)
    return chosen


def greedy_capacitated(
    sets: CoverSets,
    p: int | None,
    cost: FloatArray | None = None,
    start: IntArray | None = None,
) -> tuple[IntArray, FloatArray]:
    """Open columns by servable weight ``min(room, residual covered)``, per `cost` if given.

    MCLP (`p` given) opens exactly `p` new columns within the budget; LSCP (`p` None)
    opens until every group is served or no column can serve more. Fixed (existing)
    columns serve first, then those of `start`. Returns the open columns (fixed
    included) and the share of each covering pair's group served through it (CSR pair
    order).
    """
    state = _Serving(sets)
    for j in np.flatnonzero(sets.is_fixed).tolist():
        state.serve(j)
    guard = BudgetGuard(sets.cost_fen, ~sets.is_fixed, sets.budget_fen, 0 if p is None else p)
    chosen = _open_start(sets, state, guard, np.zeros(0, np.int64) if start is None else start, p)
    tiny = _TINY * max(float(sets.weight.sum()), 1.0)

    def key(gain: float, j: int) -> float:
        if cost is None:
            return gain
        return gain / cost[j] if cost[j] > 0 else gain * 1e18

    candidates = ~sets.is_fixed
    candidates[chosen] = False
    heap = [(-key(state.gain(j), j), j) for j in np.flatnonzero(candidates).tolist()]
    heap = [entry for entry in heap if -entry[0] > tiny]
    heapq.heapify(heap)
    limit = guard.max_cost() if p is not None else float("inf")
    while heap and (len(chosen) < p if p is not None else state.residual.sum() > tiny):
        _, j = heapq.heappop(heap)
        gain = state.gain(j)
        if sets.cost_fen[j] > limit or gain <= tiny:
            continue
        if heap and key(gain, j) < -heap[0][0]:
            heapq.heappush(heap, (-key(gain, j), j))
            continue
        chosen.append(j)
        state.serve(j)
        guard.take(j)
        limit = guard.max_cost() if p is not None else limit
    opened = _pad(chosen, guard, p) if p is not None else np.sort(np.asarray(chosen, np.int64))
    fixed = np.flatnonzero(sets.is_fixed)
    return np.sort(np.concatenate([fixed, opened])).astype(np.int64), state.share
