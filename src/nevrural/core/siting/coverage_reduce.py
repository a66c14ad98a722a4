"""Dominance reductions for the exact covering models (uncapacitated).

Internal to :mod:`nevrural.core.siting.coverage`. Column ``k`` *dominates* column
``j`` when it covers every group ``j`` covers (``N_j ⊆ N_k``) at no higher cost, ties
going to the larger set, then the cheaper, then the lower index; the relation is a
strict partial order, so every dominated column has an undominated dominator.

* LSCP: swapping a dominated column for its dominator never uncovers a group nor
  raises the cost, so dominated columns go. Group ``g`` is dominated by group ``h``
  when ``N_h ⊆ N_g``: covering ``h`` covers ``g``, so ``g``'s row goes.
* MCLP without a budget: in an optimal set a dominated column can be swapped for its
  dominator or, when that is open already, for any unused column, without losing
  cover; so dominated columns go as long as at least ``p`` columns stay (the first
  dominated ones, by index, are kept as padding otherwise). With a budget the swap may
  cost more, so nothing is dropped.

Subsets are found from the overlap counts ``B^T B`` (columns) or ``B B^T`` (groups):
``N_j ⊆ N_k`` exactly when ``|N_j ∩ N_k| = |N_j|``. Time O(sum over groups of the
squared number of coverers) and as much memory.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import CoverSets
    from nevrural.core.siting.problem import BoolArray, FloatArray

__all__ = ["dominated_columns", "reduce_lscp", "reduce_mclp", "superset_rows"]


def dominated_columns(matrix: sparse.csr_matrix, cost: FloatArray) -> BoolArray:
    """Columns of `matrix` dominated by another (see the module notes).

    >>> m = sparse.csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0]]))
    >>> dominated_columns(m, np.zeros(3)).tolist()  # {0} is inside {0, 1}
    [True, False, False]
    >>> dominated_columns(m, np.array([0.0, 5.0, 0.0])).tolist()  # but {0, 1} costs more
    [False, False, False]
    """
    ones = sparse.csr_matrix(
        (np.ones(matrix.nnz), matrix.indices, matrix.indptr), shape=matrix.shape
    )
    size = np.asarray(ones.sum(axis=0)).ravel()
    overlap = (ones.T @ ones).tocoo()
    j, k, shared = overlap.row, overlap.col, overlap.data
    is_subset = (j != k) & (shared == size[j]) & (cost[k] <= cost[j])
    better = (size[k] > size[j]) | (
        (size[k] == size[j]) & ((cost[k] < cost[j]) | ((cost[k] == cost[j]) & (k < j)))
    )
    flags = np.zeros(matrix.shape[1], dtype=np.bool_)
    flags[j[is_subset & better]] = True
    flags[size == 0] = False  # an empty column covers nothing anyway: idle padding
    return flags


def superset_rows(matrix: sparse.csr_matrix) -> BoolArray:
    """Rows whose column set contains another row's (ties: the higher index).

    >>> m = sparse.csr_matrix(np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]]))
    >>> superset_rows(m).tolist()
    [True, False, False]
    """
    ones = sparse.csr_matrix(
        (np.ones(matrix.nnz), matrix.indices, matrix.indptr), shape=matrix.shape
    )
    size = np.asarray(ones.sum(axis=1)).ravel()
    overlap = (ones @ ones.T).tocoo()
    g, h, shared = overlap.row, overlap.col, overlap.data
    smaller = (size[h] < size[g]) | ((size[h] == size[g]) & (h < g))
    flags = np.zeros(matrix.shape[0], dtype=np.bool_)
    flags[g[(g != h) & (shared == size[h]) & (size[h] > 0) & smaller]] = True
    return flags


def reduce_mclp(sets: CoverSets, p: int) -> CoverSets:
    """Drop dominated columns of an uncapacitated MCLP without budget, keeping >= p."""
    if sets.is_capacitated or sets.budget_fen is not None or sets.n_columns <= p:
        return sets
    drop = dominated_columns(sets.matrix, np.zeros(sets.n_columns))
    short = p - int((~drop).sum())
    if short > 0:
        drop[np.flatnonzero(drop)[:short]] = False
    return _keep_columns(sets, ~drop)


def reduce_lscp(sets: CoverSets, cost: FloatArray) -> CoverSets:
    """Drop dominated columns and dominated groups of an uncapacitated LSCP.

    Group weights are kept (they no longer matter once every group must be covered).
    """
    if sets.is_capacitated or sets.n_groups == 0:
        return sets
    sets = _keep_columns(sets, ~dominated_columns(sets.matrix, cost))
    keep = np.flatnonzero(~superset_rows(sets.matrix))
    renumber = np.full(sets.n_groups, -1, dtype=np.int64)
    renumber[keep] = np.arange(keep.size)
    group_of = np.where(sets.group_of >= 0, renumber[np.maximum(sets.group_of, 0)], -1)
    matrix = sets.matrix[keep]
    matrix.sort_indices()
    return replace(sets, matrix=matrix, weight=sets.weight[keep], group_of=group_of)


def _keep_columns(sets: CoverSets, keep: BoolArray) -> CoverSets:
    """`sets` restricted to the columns flagged in `keep`."""
    if keep.all():
        return sets
    matrix = sets.matrix[:, np.flatnonzero(keep)].tocsr()
    matrix.sort_indices()
    return replace(
        sets,
        matrix=matrix,
        site_of=sets.site_of[keep],
        is_fixed=sets.is_fixed[keep],
        capacity=sets.capacity[keep],
        cost_fen=sets.cost_fen[keep],
    )
