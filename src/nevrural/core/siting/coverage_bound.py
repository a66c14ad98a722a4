"""Upper bounds for the uncapacitated MCLP: Lagrangian relaxation of the coverage rows.

Internal to :mod:`nevrural.core.siting.coverage`. Relaxing ``u_g <= sum_{c covers g}
y_c`` with multipliers ``lambda_g >= 0`` leaves ::

    L(lambda) = sum_g max(0, W_g - lambda_g) + (sum of the p largest s_c),
    s_c = sum_{g covered by c} lambda_g,

an upper bound on the optimum for *every* ``lambda >= 0`` (weak duality), evaluated
exactly in O(nnz + m) time. It is minimised by subgradient steps (Held, Wolfe &
Crowder, Math. Programming 6 (1974) 62-88) with Polyak's step towards the best known
covered weight; the multiplier is halved after a run of steps without improvement. The
subproblem has the integrality property, so ``min L`` equals the LP relaxation bound
(Geoffrion, Math. Programming Study 2 (1974) 82-114): LP duals, when available, are
evaluated as one more ``lambda``. For the MCLP this scheme follows Galvão & ReVelle,
"A Lagrangean heuristic for the maximal covering location problem", EJOR 88 (1996)
114-123. The average of the subproblem's site choices approximates the LP solution and
is used to round a start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nevrural.core.siting.coverage_model import CoverSets
    from nevrural.core.siting.problem import Clock, FloatArray, IntArray

__all__ = ["LagrangianOutcome", "lagrangian_bound", "lagrangian_value"]

# Subgradient schedule: initial step multiplier, halving after this many steps without
# improvement, and the multiplier at which to stop.
_THETA_START = 1.0
_PATIENCE = 30
_THETA_STOP = 1e-4


@dataclass(frozen=True, eq=False)
class LagrangianOutcome:
    """Best bound, its multipliers and the averaged site choices of the subgradient run.

    Attributes
    ----------
    bound
        Smallest ``L(lambda)`` found, demand units (without the fixed weight).
    multipliers
        The ``lambda`` of that bound, per group, demand units.
    site_average
        Share of the iterations in which each column was among the ``p`` best.
    iterations
        Subgradient steps taken.
    """

    bound: float
    multipliers: FloatArray
    site_average: FloatArray
    iterations: int


def _top(score: FloatArray, p: int) -> IntArray:
    """Indices of the `p` largest scores (any order)."""
    if p <= 0:
        return np.zeros(0, dtype=np.int64)
    if p >= score.size:
        return np.arange(score.size, dtype=np.int64)
    return np.argpartition(-score, p - 1)[:p].astype(np.int64)


def lagrangian_value(sets: CoverSets, p: int, multipliers: FloatArray) -> tuple[float, IntArray]:
    """``L(lambda)`` for ``lambda = max(multipliers, 0)`` and the p columns it opens.

    >>> from scipy import sparse
    >>> from nevrural.core.siting.coverage_model import CoverSets
    >>> m = sparse.csr_matrix(np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]))
    >>> sets = CoverSets(m, np.array([3.0, 1.0, 2.0]), np.arange(3), np.arange(2),
    ...                  np.zeros(2, bool), np.full(2, np.inf), np.zeros(2, np.int64),
    ...                  None, 0.0, False)
    >>> lagrangian_value(sets, 1, np.array([3.0, 0.0, 2.0]))[0]  # = 1 + max(3, 2)
    4.0
    """
    lam = np.maximum(multipliers, 0.0)
    score = np.asarray(sets.matrix.T @ lam, dtype=np.float64).ravel()
    top = _top(score, p)
    value = float(np.maximum(sets.weight - lam, 0.0).sum() + score[top].sum())
    return value, top


def lagrangian_bound(
    sets: CoverSets,
    p: int,
    best_known: float,
    *,
    max_iterations: int = 3_000,
    start: FloatArray | None = None,
    clock: Clock | None = None,
    deadline: float | None = None,
) -> LagrangianOutcome:
    """Minimise ``L(lambda)`` by subgradient steps towards `best_known` (demand units).

    Stops after `max_iterations`, when the step multiplier falls below 1e-4, when the
    bound meets `best_known`, or at `deadline` (a reading of `clock`).
    """
    lam = 0.5 * sets.weight if start is None else np.maximum(start, 0.0)
    best, best_lam = np.inf, lam
    average = np.zeros(sets.n_columns)
    theta, stale, iterations = _THETA_START, 0, 0
    for iterations in range(1, max_iterations + 1):  # noqa: B007 - the count is returned
        value, top = lagrangian_value(sets, p, lam)
        average[top] += 1.0
        if value < best - 1e-12 * abs(best if np.isfinite(best) else value):
            best, best_lam, stale = value, lam, 0
        else:
            stale += 1
            if stale >= _PATIENCE:
                theta, stale = theta / 2.0, 0
        opened = np.zeros(sets.n_columns)
        opened[top] = 1.0
        subgradient = np.asarray(sets.matrix @ opened).ravel() - (sets.weight > lam)
        norm = float(np.square(subgradient).sum())  # not BLAS: its threads spin on busy cores
        if norm == 0.0 or best <= best_known or theta < _THETA_STOP:
            break
        if clock is not None and deadline is not None and clock() >= deadline:
            break
        step = theta * max(value - best_known, 1e-12 * value) / norm
        lam = np.maximum(lam - step * subgradient, 0.0)
    return LagrangianOutcome(best, best_lam, average / max(iterations, 1), iterations)
