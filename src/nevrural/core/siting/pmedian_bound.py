"""Lagrangian lower bound of the p-median by subgradient optimisation.

Notes
-----
Relax the assignment rows ``sum_j x_ij + u_i = 1`` of the classic formulation with
multipliers ``lambda_i`` (Cornuejols, Fisher & Nemhauser 1977; Beasley, "Lagrangean
heuristics for location problems", EJOR 65 (1993) 383-399). With ``u_i`` the option of
leaving point ``i`` beyond its stored sites at ``w_i * beyond_i`` (absent when every
point must be served)::

    L(lambda) = sum_i lambda_i + sum_i min(0, w_i beyond_i - lambda_i)
              + sum_{j existing} rho_j + (sum of the p smallest rho_j of new sites)
    rho_j     = sum_i min(0, w_i d_ij - lambda_i)

Every ``lambda`` gives a valid lower bound (the budget row is dropped, which only
weakens it). The subgradient ``g_i = 1 - sum_j x_ij - u_i`` moves ``lambda`` by Polyak
steps ``f (UB - L) / |g|^2`` with ``f`` halved after a run of iterations without
improvement (Held, Wolfe & Crowder 1974). The best bound is that of the LP relaxation.

Multipliers are capped at ``w_i`` times the first distance beyond point ``i``'s
second-nearest open site in the incumbent: any cap keeps the bound valid, and pairs at
or beyond it never contribute, so each iteration only touches the pairs nearer than
about the second-nearest site. One iteration is O(those pairs + sites).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.siting.pmedian_data import row_firsts, take_at

if TYPE_CHECKING:
    from nevrural.core.siting.pmedian_data import NearestTwo, PMedianData
    from nevrural.core.siting.problem import BoolArray, Clock, FloatArray, IntArray

__all__ = ["LagrangianBound", "lagrangian_bound"]

_STALL_ITERATIONS = 25
_MIN_STEP_FACTOR = 1e-4
_CHECK_EVERY = 100
_MIN_GAIN = 1e-5


@dataclass(frozen=True, eq=False)
class LagrangianBound:
    """Best bound (demand-unit-km), iterations run and the sites chosen at the best bound."""

    bound: float
    iterations: int
    chosen: BoolArray


@dataclass(frozen=True, eq=False)
class _Reduced:
    """The pairs that can contribute under the cap, as arrays."""

    rows: IntArray
    sites: IntArray
    weighted_km: FloatArray
    cap: FloatArray
    beyond_cost: FloatArray


def _reduce(data: PMedianData, near: NearestTwo) -> _Reduced:
    """Cap every multiplier just beyond the incumbent's second-nearest distance."""
    levels = data.level_dist_km
    above = levels > np.repeat(near.dist2_km, data.n_levels)
    first, _ = row_firsts(data.level_indptr, above)  # first level beyond d2 in each row
    cap_km = np.minimum(take_at(levels, first, math.inf), data.beyond_km)
    keep = data.dist_km < cap_km[data.pair_row]
    rows = data.pair_row[keep]
    return _Reduced(
        rows=rows,
        sites=data.site[keep],
        weighted_km=data.weight[rows] * data.dist_km[keep],
        cap=_times(data.weight, cap_km, 0.0),
        beyond_cost=_times(data.weight, data.beyond_km, math.inf),
    )


def _times(weight: FloatArray, km: FloatArray, when_inf: float) -> FloatArray:
    """``weight * km`` with ``0 * inf`` read as `when_inf` for zero weights."""
    product = np.where(weight > 0, weight * np.where(weight > 0, km, 0.0), 0.0)
    return np.where((weight <= 0) & np.isinf(km), when_inf, product)


def _evaluate(
    data: PMedianData, red: _Reduced, lam: FloatArray, chosen: BoolArray
) -> tuple[float, FloatArray]:
    """``L(lambda)`` and its subgradient; fills `chosen` with the sites it opens."""
    reduced = red.weighted_km - lam[red.rows]
    neg = np.flatnonzero(reduced < 0.0)
    rho = np.bincount(red.sites[neg], reduced[neg], minlength=data.n_sites)
    chosen[:] = data.existing
    free = np.flatnonzero(data.can_open)
    if data.p > 0:
        smallest = (
            np.argpartition(rho[free], data.p - 1)[: data.p] if data.p < free.size else slice(None)
        )
        chosen[free[smallest]] = True
    is_beyond = red.beyond_cost < lam
    value = float(lam.sum() + rho[chosen].sum())
    value += float((red.beyond_cost[is_beyond] - lam[is_beyond]).sum())
    used = neg[chosen[red.sites[neg]]]
    cover = np.bincount(red.rows[used], minlength=data.n_demand)
    return value, np.asarray(1.0 - cover - is_beyond, dtype=np.float64)


def lagrangian_bound(
    data: PMedianData,
    near: NearestTwo,
    upper: float,
    *,
    max_iterations: int = 2_000,
    target: float | None = None,
    clock: Clock | None = None,
    deadline: float | None = None,
) -> LagrangianBound:
    """Subgradient optimisation of the Lagrangian bound from the incumbent `near`.

    `upper` is the incumbent's cost (demand-unit-km). The search stops at
    `max_iterations`, when the step factor falls below 1e-4, when the best bound gained
    less than 1e-5 (relative) in the last 100 iterations, when it reaches `target`, or
    at `deadline` on `clock`.
    """
    red = _reduce(data, near)
    # Halfway between the nearest and second-nearest open site: a good start (measured).
    lam = np.minimum(_times(data.weight, (near.dist1_km + near.dist2_km) / 2.0, 0.0), red.cap)
    lam = np.where(np.isfinite(lam), lam, 0.0)
    chosen = np.zeros(data.n_sites, dtype=np.bool_)
    best, best_chosen = -math.inf, chosen.copy()
    factor, stall, iterations, checkpoint = 2.0, 0, 0, -math.inf
    while iterations < max_iterations and factor > _MIN_STEP_FACTOR:
        if clock is not None and deadline is not None and clock() >= deadline:
            break
        iterations += 1
        value, grad = _evaluate(data, red, lam, chosen)
        if best == -math.inf or value > best + 1e-12 * max(abs(best), 1.0):
            best, best_chosen, stall = value, chosen.copy(), 0
        else:
            stall += 1
            if stall >= _STALL_ITERATIONS:
                factor, stall = factor / 2.0, 0
        if (target is not None and best >= target) or _has_stalled(iterations, best, checkpoint):
            break
        if iterations % _CHECK_EVERY == 0:
            checkpoint = best
        grad[(grad > 0) & (lam >= red.cap)] = 0.0
        grad[(grad < 0) & (lam <= 0.0)] = 0.0
        norm = float(np.dot(grad, grad))
        if norm == 0.0:
            break  # the relaxed solution is feasible: its value is the optimum
        lam = np.clip(lam + factor * max(upper - value, 0.0) / norm * grad, 0.0, red.cap)
    return LagrangianBound(best, iterations, best_chosen)


def _has_stalled(iterations: int, best: float, checkpoint: float) -> bool:
    """Whether the last `_CHECK_EVERY` iterations gained less than `_MIN_GAIN` (relative)."""
    if iterations % _CHECK_EVERY or not math.isfinite(checkpoint):
        return False
    return best - checkpoint < _MIN_GAIN * max(abs(best), 1.0)
