"""Greedy start and batched fast vertex substitution for the (uncapacitated) p-median.

Notes
-----
*Greedy* (Kuehn & Hamburger 1963) opens, one at a time, the site with the largest
saving; gains only fall as sites open, so it is evaluated lazily from a heap
(Minoux 1978): each pick re-evaluates a few stale gains, O(column) each.

*Interchange* is the vertex substitution of Teitz & Bart (1968) with the bookkeeping
of Whitaker (1983) and Resende & Werneck ("A fast swap-based local search procedure
for location problems", Annals of OR 150 (2007) 205-230). With ``d1``/``d2`` the
distances to the nearest and second-nearest open site and ``phi1`` the nearest, the
profit of inserting ``f`` and removing ``r`` is::

    gain(f)    = sum_i w_i max(0, d1_i - d_if)
    loss(r)    = sum_{i: phi1_i = r} w_i (d2_i - d1_i)
    extra(f,r) = sum_{i: phi1_i = r, d_if < d2_i} w_i (d2_i - max(d_if, d1_i))
    profit     = gain(f) - loss(r) + extra(f, r)

``extra`` is sparse (pairs closer than the second-nearest open site). One *round*
computes every term with NumPy in O(pairs), takes each site's best partner and applies,
in order of profit, every improving swap whose affected points (those nearer to ``f``
than their ``d2``, and those whose nearest or second-nearest site is ``r``) are disjoint
from the swaps already taken: their profits then add up exactly. Rounds repeat until no
swap improves (a 1-swap local optimum) or the round limit. With a budget, a new site
opens only if the cheapest completion still fits, and a swap only if it keeps the
budget. Deterministic; O(pairs) time per round and O(pairs) memory.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.siting.pmedian_data import NearestTwo, nearest_two

if TYPE_CHECKING:
    from nevrural.core.siting.pmedian_data import PMedianData
    from nevrural.core.siting.problem import BoolArray, Clock, FloatArray, IntArray

__all__ = ["Swaps", "greedy_open", "heuristic_weights", "improve_by_swaps", "round_open"]

# Unserved cost factor under "every point must be served": far above any distance.
_FORBIDDEN_FACTOR = 1e3
_MAX_ROUNDS = 100_000
_MAX_TRIED_PER_ROUND = 20_000


def heuristic_weights(data: PMedianData) -> tuple[FloatArray, FloatArray]:
    """Weights and per-point unserved distance, km, that the heuristics optimise.

    Under "every point must be served" an unserved point costs far more than any
    distance, and a zero weight becomes a tiny positive one so that it still counts.
    """
    weight = data.weight.copy()
    if not data.is_forbidden_beyond:
        return weight, data.beyond_km.copy()
    top = float(data.dist_km.max()) if data.n_pairs else 0.0
    positive = weight[weight > 0]
    weight[weight <= 0] = 1e-3 * (float(positive.min()) if positive.size else 1.0)
    penalty = np.where(np.isinf(data.beyond_km), _FORBIDDEN_FACTOR * (top + 1.0), data.beyond_km)
    return weight, penalty


def _column_gain(data: PMedianData, weight: FloatArray, dist1: FloatArray, site: int) -> float:
    lo, hi = data.col_indptr[site], data.col_indptr[site + 1]
    clients = data.col_client[lo:hi]
    saving = dist1[clients] - data.col_dist_km[lo:hi]
    return float(np.dot(weight[clients], np.maximum(saving, 0.0)))


class _Budget:
    """Whether a new site still fits: its cost plus the cheapest completion <= budget."""

    def __init__(self, data: PMedianData) -> None:
        self.costs = data.cost_fen.astype(np.float64)
        self.remaining = math.inf if data.budget_fen is None else float(data.budget_fen)
        self.free = data.can_open.copy()
        self.need = data.p
        self.is_limited = data.budget_fen is not None
        self._sums = (0.0, 0.0)
        self._refresh()

    def _refresh(self) -> None:
        if not self.is_limited or self.need == 0:
            return
        costs = np.sort(np.partition(self.costs[self.free], self.need - 1)[: self.need])
        self._sums = (float(costs.sum()), float(costs[:-1].sum()))

    def fits(self, site: int) -> bool:
        if not self.is_limited:
            return True
        all_need, need_less_one = self._sums
        return bool(max(all_need, self.costs[site] + need_less_one) <= self.remaining)

    def take(self, site: int) -> None:
        self.free[site] = False
        self.need -= 1
        self.remaining -= self.costs[site]
        self._refresh()


def greedy_open(data: PMedianData, weight: FloatArray, penalty_km: FloatArray) -> BoolArray:
    """Open flags after adding ``p`` new sites greedily (lazy evaluation, budget kept)."""
    is_open = data.existing.copy()
    dist1 = nearest_two(data, is_open, penalty_km).dist1_km
    saving = np.maximum(dist1[data.pair_row] - data.dist_km, 0.0) * weight[data.pair_row]
    gains = np.bincount(data.site, saving, minlength=data.n_sites)
    heap = [(-float(gains[j]), int(j)) for j in np.flatnonzero(data.can_open)]
    heapq.heapify(heap)
    budget = _Budget(data)
    while budget.need > 0 and heap:
        _, site = heapq.heappop(heap)
        if not budget.fits(site):
            continue  # the completion only gets dearer: never fits again
        gain = _column_gain(data, weight, dist1, site)
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, site))
            continue
        is_open[site] = True
        budget.take(site)
        lo, hi = data.col_indptr[site], data.col_indptr[site + 1]
        clients = data.col_client[lo:hi]  # distinct points: plain fancy indexing is safe
        dist1[clients] = np.minimum(dist1[clients], data.col_dist_km[lo:hi])
    return is_open


def round_open(data: PMedianData, y: FloatArray) -> BoolArray:
    """Existing sites plus the ``p`` new ones of largest `y` (ties: lower index) in budget.

    >>> from scipy import sparse
    >>> from nevrural.core.siting.problem import SitingProblem
    >>> from nevrural.core.siting.pmedian_data import prepare_p_median
    >>> d = sparse.csr_matrix(np.array([[1.0, 2.0, 3.0]]))
    >>> data = prepare_p_median(SitingProblem(demand_weight=np.ones(1), distance_km=d), 2)
    >>> round_open(data, np.array([0.2, 0.9, 0.5])).tolist()
    [False, True, True]
    """
    is_open = data.existing.copy()
    budget = _Budget(data)
    order = np.flatnonzero(data.can_open)
    for site in order[np.argsort(-y[order], kind="stable")].tolist():
        if budget.need == 0:
            break
        if budget.fits(site):
            is_open[site] = True
            budget.take(site)
    return is_open


@dataclass(frozen=True)
class Swaps:
    """Outcome of the interchange: open flags, rounds and swaps made."""

    is_open: BoolArray
    rounds: int
    swaps: int
    is_local_optimum: bool


@dataclass(frozen=True, eq=False)
class _Moves:
    """Best partner and profit of every candidate insertion."""

    insert: IntArray
    remove: IntArray
    profit: FloatArray


def _best_moves(
    data: PMedianData, weight: FloatArray, near: NearestTwo, is_open: BoolArray, slack: float
) -> _Moves:
    """Every closed site's most profitable swap (O(pairs))."""
    rows, d1, d2 = data.pair_row, near.dist1_km, near.dist2_km
    m = data.n_sites
    closed = data.can_open & ~is_open
    is_closed_pair = closed[data.site]
    wrow = weight[rows]
    saving = np.where(is_closed_pair, np.maximum(d1[rows] - data.dist_km, 0.0), 0.0)
    gain = np.bincount(data.site, wrow * saving, minlength=m)
    served = near.site1 >= 0
    spread = (weight * (near.dist2_km - d1))[served]
    removable = is_open & data.can_open
    loss: FloatArray = np.where(
        removable, np.bincount(near.site1[served], spread, minlength=m), math.inf
    )
    hit = np.flatnonzero(is_closed_pair & (data.dist_km < d2[rows]) & served[rows])
    f, r, hr = data.site[hit], near.site1[rows[hit]], rows[hit]
    value = weight[hr] * (d2[hr] - np.maximum(data.dist_km[hit], d1[hr]))
    keys, inverse = np.unique(f * m + r, return_inverse=True)
    extra = np.bincount(inverse, value, minlength=keys.size)
    kf, kr = keys // m, keys % m
    costs = data.cost_fen.astype(np.float64)
    fits = costs[kr] >= costs[kf] - slack
    best_r, best_value = _cheapest_removal(data, loss, removable, costs, slack)
    net = np.where(fits, extra - loss[kr], -math.inf)
    candidates = np.flatnonzero(closed)
    value_f = best_value[candidates]
    partner = best_r[candidates]
    if keys.size:
        order = np.lexsort((-net, kf))
        first = order[np.r_[True, kf[order][1:] != kf[order][:-1]]]
        pos = np.searchsorted(candidates, kf[first])
        better = net[first] > value_f[pos]
        value_f[pos[better]] = net[first][better]
        partner[pos[better]] = kr[first][better]
    return _Moves(candidates, partner, gain[candidates] + value_f)


def _cheapest_removal(
    data: PMedianData, loss: FloatArray, removable: BoolArray, costs: FloatArray, slack: float
) -> tuple[IntArray, FloatArray]:
    """For every site f: the open site of least loss whose removal keeps the budget."""
    m = data.n_sites
    sites = np.flatnonzero(removable)
    best_r = np.full(m, -1, dtype=np.int64)
    best_value = np.full(m, -math.inf)
    if sites.size == 0:
        return best_r, best_value
    order = sites[np.lexsort((loss[sites], -costs[sites]))]  # dearest first
    run_min = np.minimum.accumulate(loss[order])
    arg = order[_running_argmin(loss[order])]
    # removable r for f: cost_r >= cost_f - slack, a prefix of `order`
    count = np.searchsorted(-costs[order], -(costs - slack), side="right")
    ok = count > 0
    best_value[ok] = -run_min[count[ok] - 1]
    best_r[ok] = arg[count[ok] - 1]
    return best_r, best_value


def _running_argmin(values: FloatArray) -> IntArray:
    """Index of the running minimum (first occurrence) of `values`."""
    index = np.arange(values.size)
    is_new = np.r_[True, values[1:] < np.minimum.accumulate(values)[:-1]]
    return np.maximum.accumulate(np.where(is_new, index, 0))


def _groups(site1: IntArray, site2: IntArray, m: int) -> tuple[IntArray, IntArray]:
    """Points whose nearest or second-nearest site is each site (CSR by site)."""
    points = np.concatenate([np.arange(site1.size), np.arange(site2.size)])
    keys = np.concatenate([site1, site2])
    keep = keys >= 0
    points, keys = points[keep], keys[keep]
    order = np.argsort(keys, kind="stable")
    return np.searchsorted(keys[order], np.arange(m + 1)), points[order]


def _take_disjoint(
    data: PMedianData, moves: _Moves, near: NearestTwo, tol: float, slack: float
) -> list[tuple[int, int]]:
    """Improving swaps, best first, whose affected points do not overlap."""
    good = np.flatnonzero((moves.profit > tol) & (moves.remove >= 0))
    good = good[np.argsort(-moves.profit[good], kind="stable")][:_MAX_TRIED_PER_ROUND]
    indptr, members = _groups(near.site1, near.site2, data.n_sites)
    touched = np.zeros(data.n_demand, dtype=np.bool_)
    used: set[int] = set()
    costs = data.cost_fen
    taken: list[tuple[int, int]] = []
    for k in good.tolist():
        f, r = int(moves.insert[k]), int(moves.remove[k])
        if f in used or r in used or costs[f] - costs[r] > slack:
            continue
        lo, hi = data.col_indptr[f], data.col_indptr[f + 1]
        clients = data.col_client[lo:hi]
        near_f = clients[data.col_dist_km[lo:hi] < near.dist2_km[clients]]
        of_r = members[indptr[r] : indptr[r + 1]]
        if touched[near_f].any() or touched[of_r].any():
            continue
        touched[near_f] = True
        touched[of_r] = True
        used.update((f, r))
        slack -= float(costs[f] - costs[r])
        taken.append((f, r))
    return taken


def improve_by_swaps(
    data: PMedianData,
    weight: FloatArray,
    penalty_km: FloatArray,
    is_open: BoolArray,
    *,
    clock: Clock | None = None,
    deadline: float | None = None,
    max_rounds: int = _MAX_ROUNDS,
) -> Swaps:
    """Batched fast interchange from `is_open` to a 1-swap local optimum (or a limit)."""
    is_open = is_open.copy()
    rounds = swaps = 0
    while rounds < max_rounds:
        if clock is not None and deadline is not None and clock() >= deadline:
            return Swaps(is_open, rounds, swaps, is_local_optimum=False)
        rounds += 1
        near = nearest_two(data, is_open, penalty_km)
        spent = float(data.cost_fen[is_open & data.can_open].sum())
        slack = math.inf if data.budget_fen is None else float(data.budget_fen) - spent
        moves = _best_moves(data, weight, near, is_open, slack)
        cost = float(np.dot(weight, near.dist1_km))
        taken = _take_disjoint(data, moves, near, 1e-9 * max(cost, 1.0), slack)
        if not taken:
            return Swaps(is_open, rounds, swaps, is_local_optimum=True)
        for f, r in taken:
            is_open[f], is_open[r] = True, False
        swaps += len(taken)
    return Swaps(is_open, rounds, swaps, is_local_optimum=False)
