"""Swap local search for the uncapacitated MCLP: best 1-swaps, applied in batches.

Internal to :mod:`nevrural.core.siting.coverage`. With ``n_g`` the number of open
columns covering group ``g``, one pass computes, in O(nnz) vectorised time,

* ``gain_c = sum of W_g, c covers g, n_g = 0`` for every closed column ``c``;
* ``loss_k = sum of W_g, k is the only open coverer of g`` for every open ``k``;
* ``extra_ck = sum of W_g, c covers g, k is its only open coverer``

so that swapping ``c`` in and ``k`` out changes the covered weight by exactly
``gain_c - loss_k + extra_ck`` (Whitaker's fast interchange, INFOR 21 (1983) 95-108,
in the covering form). For each ``c`` the best ``k`` is either one with
``extra_ck > 0`` or the open column of least loss. The improving swaps are then applied
best first, skipping any whose groups overlap an earlier swap of the same pass: their
deltas are untouched by the others, so every applied swap improves by its computed
delta. With a budget a swap must keep the spent money within it. Passes repeat until
no swap improves, a pass limit or the deadline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import CoverSets
    from nevrural.core.siting.problem import BoolArray, Clock, FloatArray, IntArray

__all__ = ["improve_by_swaps"]

# A swap must improve by more than this share of the largest group weight.
_IMPROVE_TOL = 1e-9


def _best_partners(
    sets: CoverSets, is_open: BoolArray, slack: float
) -> tuple[FloatArray, IntArray]:
    """Best swap delta of every column and its partner (-inf where none is possible)."""
    m, weight = sets.n_columns, sets.weight
    count = np.asarray(sets.matrix @ is_open.astype(np.float64)).ravel()
    labels = np.where(is_open, np.arange(m, dtype=np.float64), 0.0)
    sole = np.rint(np.asarray(sets.matrix @ labels).ravel()).astype(np.int64)
    is_single = count == 1
    loss = np.bincount(sole[is_single], weights=weight[is_single], minlength=m).astype(np.float64)
    gain = np.asarray(sets.matrix.T @ np.where(count == 0, weight, 0.0)).ravel()
    cost = sets.cost_fen.astype(np.float64)
    opened = np.flatnonzero(is_open)
    by_cost = opened[np.lexsort((opened, cost[opened]))]
    # suffix minimum of loss over open columns sorted by cost: the best k with c_k >= x
    suffix_arg = _suffix_argmin(loss[by_cost], by_cost)
    cut = np.searchsorted(cost[by_cost], cost - slack, side="left") if opened.size else None
    best = np.full(m, -np.inf)
    partner = np.full(m, -1, dtype=np.int64)
    if cut is not None:
        has = cut < opened.size
        best[has] = -loss[suffix_arg[cut[has]]]
        partner[has] = suffix_arg[cut[has]]
    _merge_extra(sets, (is_open, is_single, sole, loss, gain), slack, best, partner)
    delta = gain + best
    delta[is_open] = -np.inf
    return delta, partner


def _suffix_argmin(values: FloatArray, labels: IntArray) -> IntArray:
    """For each position, the label of the minimum of ``values[pos:]`` (first on ties)."""
    out = np.empty(values.size, dtype=np.int64)
    best_value, best_label = np.inf, -1
    for pos in range(values.size - 1, -1, -1):
        if values[pos] <= best_value:
            best_value, best_label = values[pos], labels[pos]
        out[pos] = best_label
    return out


def _row_best(
    indptr: IntArray, indices: IntArray, value: FloatArray
) -> tuple[IntArray, FloatArray, IntArray]:
    """Per non-empty CSR row: the row, its largest value and that entry's smallest index."""
    starts = indptr[:-1][np.diff(indptr) > 0]
    rows = np.flatnonzero(np.diff(indptr) > 0)
    top = np.maximum.reduceat(value, starts)
    row_of = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
    marked = np.where(value == top[np.searchsorted(rows, row_of)], indices, np.iinfo(np.int64).max)
    return rows, top, np.minimum.reduceat(marked, starts)


def _merge_extra(
    sets: CoverSets,
    state: tuple[BoolArray, BoolArray, IntArray, FloatArray, FloatArray],
    slack: float,
    best: FloatArray,
    partner: IntArray,
) -> None:
    """Raise `best` (in place) where ``extra_ck - loss_k`` beats it, within the budget.

    Only columns with ``gain_c > 0`` can improve (``extra_ck <= loss_k``), so the others
    are left out before the pairs are summed.
    """
    is_open, is_single, sole, loss, gain = state
    single_rows = np.flatnonzero(is_single)
    sub = sets.matrix[single_rows]
    groups = np.repeat(single_rows, np.diff(sub.indptr))
    columns = sub.indices
    keep = ~is_open[columns] & (gain[columns] > 0)
    groups, columns = groups[keep], columns[keep]
    partners = sole[groups]
    cost = sets.cost_fen.astype(np.float64)
    affordable = cost[partners] >= cost[columns] - slack
    groups, columns, partners = groups[affordable], columns[affordable], partners[affordable]
    m = sets.n_columns
    extra = sparse.csr_matrix((sets.weight[groups], (columns, partners)), shape=(m, m))
    extra.sum_duplicates()
    if not extra.nnz:
        return
    indices = extra.indices.astype(np.int64)
    rows, top, arg = _row_best(extra.indptr.astype(np.int64), indices, extra.data - loss[indices])
    better = top > best[rows]
    best[rows[better]] = top[better]
    partner[rows[better]] = arg[better]


def _apply_batch(
    sets: CoverSets,
    csc: sparse.csc_matrix,
    is_open: BoolArray,
    delta: FloatArray,
    partner: IntArray,
    spent: float,
) -> tuple[int, float]:
    """Apply improving swaps best first when their groups are untouched; count and spent.

    Only the best column per partner is tried (a partner closes once per pass).
    """
    tol = _IMPROVE_TOL * float(sets.weight.max())
    candidates = np.flatnonzero(delta > tol)
    candidates = candidates[np.lexsort((candidates, -delta[candidates]))]
    _, first = np.unique(partner[candidates], return_index=True)
    candidates = candidates[np.sort(first)]
    touched = np.zeros(sets.n_groups, dtype=np.bool_)
    used = np.zeros(sets.n_columns, dtype=np.bool_)
    budget = float("inf") if sets.budget_fen is None else float(sets.budget_fen)
    applied = 0
    for c in candidates.tolist():
        k = int(partner[c])
        change = float(sets.cost_fen[c] - sets.cost_fen[k])
        if used[c] or used[k] or spent + change > budget:
            continue
        rows_c = csc.indices[csc.indptr[c] : csc.indptr[c + 1]]
        rows_k = csc.indices[csc.indptr[k] : csc.indptr[k + 1]]
        if touched[rows_c].any() or touched[rows_k].any():
            continue
        touched[rows_c] = touched[rows_k] = True
        used[c] = used[k] = True
        is_open[c], is_open[k] = True, False
        spent += change
        applied += 1
    return applied, spent


def improve_by_swaps(
    sets: CoverSets,
    chosen: IntArray,
    *,
    max_passes: int = 10_000,
    clock: Clock | None = None,
    deadline: float | None = None,
) -> tuple[IntArray, int]:
    """Swap open and closed columns while the covered weight improves.

    Returns the open columns (sorted) and the number of swaps applied. `deadline` is a
    reading of `clock` after which no new pass starts.
    """
    is_open = np.zeros(sets.n_columns, dtype=np.bool_)
    is_open[chosen] = True
    if not chosen.size or chosen.size == sets.n_columns:
        return np.sort(chosen).astype(np.int64), 0
    csc = sets.columns_csc()
    budget = sets.budget_fen
    spent = float(sets.cost_fen[is_open].sum())
    swaps = 0
    for _ in range(max_passes):
        if clock is not None and deadline is not None and clock() >= deadline:
            break
        slack = float("inf") if budget is None else budget - spent
        delta, partner = _best_partners(sets, is_open, slack)
        applied, spent = _apply_batch(sets, csc, is_open, delta, partner, spent)
        swaps += applied
        if applied == 0:
            break
    return np.flatnonzero(is_open).astype(np.int64), swaps
