"""Prepared arrays of a p-median solve: usable pairs sorted by distance, levels, site rules.

Every p-median path (exact, heuristic, bound) reads one :class:`PMedianData`, built
once from a :class:`~nevrural.core.siting.problem.SitingProblem` by
:func:`prepare_p_median`:

* the stored pairs to sites that can ever be open (existing, or new with land), each
  demand point's pairs sorted nearest first (ties by site index);
* without capacities a demand point's list stops at its nearest existing site: nothing
  farther can serve it;
* **levels**: the distinct distances of each list, 0-based (pairs at equal distance
  share a level);
* ``beyond_km``: what a demand point costs per demand unit when none of its stored
  sites is open: ``inf`` when that is forbidden, otherwise a lower bound on the true
  distance (see :class:`~nevrural.core.siting.pmedian.PMedianParams`);
* the transpose (per site: its demand points and distances) for insertion gains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray, SitingProblem

__all__ = [
    "NearestTwo",
    "PMedianData",
    "PMedianInfeasible",
    "model_cost",
    "nearest_bound",
    "nearest_two",
    "prepare_p_median",
    "row_firsts",
    "take_at",
]


class PMedianInfeasible(ValueError):  # noqa: N818 - the name states the outcome
    """No choice of sites meets the rules; the message names the numbers that clash."""


@dataclass(frozen=True, eq=False)
class PMedianData:
    """Usable pairs of each demand point, nearest first, and the rules on sites.

    Attributes
    ----------
    weight
        Demand weight of each point, demand units.
    indptr, site, dist_km, pair_row
        CSR of the usable pairs sorted by distance within each row: sites, distances
        (km) and the row (demand point) of each pair.
    level, level_dist_km, level_indptr, level_pos
        Level of each pair (0-based, within its row); the distinct distances, km, of
        each row (CSR by ``level_indptr``) and the position of each level's first pair.
    beyond_km
        Cost per demand unit, km, of a point none of whose pairs is open; ``inf``
        when every point must be served.
    col_indptr, col_client, col_dist_km
        The same pairs grouped by site (CSC): demand points and distances, km.
    existing, can_open
        Existing sites (open, free) and sites that may open as new.
    cost_fen, budget_fen, p
        Opening cost of each site (fen), the budget (fen, None = unlimited) and the
        number of new sites.
    """

    weight: FloatArray
    indptr: IntArray
    site: IntArray
    dist_km: FloatArray
    pair_row: IntArray
    level: IntArray
    level_dist_km: FloatArray
    level_indptr: IntArray
    level_pos: IntArray
    beyond_km: FloatArray
    col_indptr: IntArray
    col_client: IntArray
    col_dist_km: FloatArray
    existing: BoolArray
    can_open: BoolArray
    cost_fen: IntArray
    budget_fen: int | None
    p: int

    @property
    def n_demand(self) -> int:
        """Number of demand points."""
        return int(self.weight.size)

    @property
    def n_sites(self) -> int:
        """Number of candidate sites."""
        return int(self.existing.size)

    @property
    def n_pairs(self) -> int:
        """Number of usable pairs."""
        return int(self.site.size)

    @property
    def n_levels(self) -> IntArray:
        """Number of levels of each demand point."""
        return np.diff(self.level_indptr)

    @property
    def is_forbidden_beyond(self) -> bool:
        """Whether every demand point must be served by one of its stored sites."""
        return bool(np.isinf(self.beyond_km).any())

    def open_mask(self, new_sites: IntArray) -> BoolArray:
        """Open flags of all sites: the existing ones and `new_sites`."""
        is_open = self.existing.copy()
        is_open[new_sites] = True
        return is_open


def row_firsts(indptr: IntArray, flagged: BoolArray) -> tuple[IntArray, IntArray]:
    """Position of the first and second flagged pair of each row (-1 when none).

    >>> row_firsts(np.array([0, 3, 5]), np.array([False, True, True, False, False]))
    (array([ 1, -1]), array([ 2, -1]))
    """
    pos = np.flatnonzero(flagged)
    at = np.searchsorted(pos, indptr[:-1])
    ends = indptr[1:]
    first = np.full(ends.size, -1, dtype=np.int64)
    second = np.full(ends.size, -1, dtype=np.int64)
    ok1 = at < pos.size
    ok1[ok1] = pos[at[ok1]] < ends[ok1]
    first[ok1] = pos[at[ok1]]
    ok2 = ok1 & (at + 1 < pos.size)
    ok2[ok2] = pos[at[ok2] + 1] < ends[ok2]
    second[ok2] = pos[at[ok2] + 1]
    return first, second


def take_at(values: FloatArray, pos: IntArray, default: FloatArray | float) -> FloatArray:
    """``values[pos]`` where ``pos >= 0``, else `default` (a scalar or one per position).

    >>> take_at(np.array([5.0, 7.0]), np.array([1, -1]), 0.0).tolist()
    [7.0, 0.0]
    """
    out = np.array(np.broadcast_to(default, pos.shape), dtype=np.float64)
    ok = pos >= 0
    out[ok] = values[pos[ok]]
    return out


@dataclass(frozen=True, eq=False)
class NearestTwo:
    """Nearest and second-nearest open site of each demand point (site -1 when none)."""

    site1: IntArray
    dist1_km: FloatArray
    site2: IntArray
    dist2_km: FloatArray
    pos1: IntArray


def nearest_two(data: PMedianData, is_open: BoolArray, penalty_km: FloatArray) -> NearestTwo:
    """The two nearest open sites of every point; a missing one is at `penalty_km`, km.

    Cost is O(pairs) time.
    """
    first, second = row_firsts(data.indptr, is_open[data.site])
    site1, site2 = np.full(first.size, -1, dtype=np.int64), np.full(first.size, -1, dtype=np.int64)
    site1[first >= 0] = data.site[first[first >= 0]]
    site2[second >= 0] = data.site[second[second >= 0]]
    dist1 = take_at(data.dist_km, first, penalty_km)
    dist2 = take_at(data.dist_km, second, penalty_km)
    return NearestTwo(site1, dist1, site2, dist2, first)


def nearest_bound(data: PMedianData) -> float:
    """``sum_i w_i min(d_i1, beyond_i)``: every point at its nearest usable site.

    A lower bound of any p, demand-unit-km, that needs no solver; the exact paths
    fall back to it when the time limit stops them before their first LP.

    >>> import numpy as np
    >>> from scipy import sparse
    >>> from nevrural.core.siting.problem import SitingProblem
    >>> km = sparse.csr_matrix(np.array([[1.0, 4.0], [3.0, 2.0]]))
    >>> problem = SitingProblem(demand_weight=np.array([2.0, 1.0]), distance_km=km)
    >>> nearest_bound(prepare_p_median(problem, 1))
    4.0
    """
    weighted = data.weight > 0
    has_pair = np.diff(data.level_indptr) > 0
    first_km = np.full(data.n_demand, np.inf)
    first_km[has_pair] = data.level_dist_km[data.level_indptr[:-1][has_pair]]
    per_unit = np.minimum(first_km, data.beyond_km)
    return float(np.dot(data.weight[weighted], per_unit[weighted]))


def model_cost(data: PMedianData, is_open: BoolArray) -> float:
    """Weighted distance, demand-unit-km, of `is_open` (``beyond_km`` for unserved points)."""
    dist1 = nearest_two(data, is_open, data.beyond_km).dist1_km
    served = data.weight > 0
    return float(np.dot(data.weight[served], dist1[served]))


def _sorted_usable(
    problem: SitingProblem, cut_at_existing: bool
) -> tuple[IntArray, IntArray, FloatArray]:
    """Rows, sites and distances of the pairs to usable sites, nearest first per row."""
    matrix = problem.distance_km
    rows = np.repeat(np.arange(problem.n_demand, dtype=np.int64), np.diff(matrix.indptr))
    sites = matrix.indices.astype(np.int64)
    dist = matrix.data.astype(np.float64)
    usable = (problem.can_open | problem.existing)[sites]
    rows, sites, dist = rows[usable], sites[usable], dist[usable]
    order = np.lexsort((sites, dist, rows))
    rows, sites, dist = rows[order], sites[order], dist[order]
    if not cut_at_existing:
        return rows, sites, dist
    # Without capacities nothing beyond a point's nearest existing site can serve it.
    indptr = np.searchsorted(rows, np.arange(problem.n_demand + 1))
    first_existing, _ = row_firsts(indptr, problem.existing[sites])
    cutoff = take_at(dist, first_existing, math.inf)
    keep = dist <= cutoff[rows]
    return rows[keep], sites[keep], dist[keep]


def _beyond_km(problem: SitingProblem, is_truncated: bool, beyond_km: float) -> FloatArray:
    """Per point: inf when forbidden, else max(beyond_km, farthest stored distance)."""
    if not is_truncated:
        return np.full(problem.n_demand, math.inf)
    matrix = problem.distance_km
    farthest = np.zeros(problem.n_demand)
    has_pairs = np.diff(matrix.indptr) > 0
    if matrix.data.size:
        starts = matrix.indptr[:-1][has_pairs]
        farthest[has_pairs] = np.maximum.reduceat(matrix.data, starts)
    return np.maximum(farthest, beyond_km)


def prepare_p_median(
    problem: SitingProblem,
    p: int,
    *,
    is_truncated: bool = False,
    beyond_km: float = 0.0,
    cut_at_existing: bool = True,
) -> PMedianData:
    """Sorted usable pairs, levels and transpose of `problem` for `p` new sites.

    `cut_at_existing` drops the pairs beyond each point's nearest existing site (right
    without capacities). Cost is O(pairs log pairs) time and O(pairs) memory.
    """
    rows, sites, dist = _sorted_usable(problem, cut_at_existing)
    n, m = problem.n_demand, problem.n_sites
    indptr = np.searchsorted(rows, np.arange(n + 1)).astype(np.int64)
    is_new_level = np.ones(rows.size, dtype=np.bool_)
    is_new_level[1:] = (rows[1:] != rows[:-1]) | (dist[1:] != dist[:-1])
    level_start = np.flatnonzero(is_new_level)
    level_of_pair = np.cumsum(is_new_level) - 1  # global level index
    level_indptr = np.searchsorted(rows[level_start], np.arange(n + 1)).astype(np.int64)
    level = level_of_pair - level_indptr[rows]
    order = np.argsort(sites, kind="stable")
    col_indptr = np.searchsorted(sites[order], np.arange(m + 1)).astype(np.int64)
    return PMedianData(
        weight=np.asarray(problem.demand_weight, dtype=np.float64),
        indptr=indptr,
        site=sites,
        dist_km=dist,
        pair_row=rows,
        level=level.astype(np.int64),
        level_dist_km=dist[level_start],
        level_indptr=level_indptr,
        level_pos=level_start.astype(np.int64),
        beyond_km=_beyond_km(problem, is_truncated, beyond_km),
        col_indptr=col_indptr,
        col_client=rows[order],
        col_dist_km=dist[order],
        existing=problem.existing.copy(),
        can_open=problem.can_open.copy(),
        cost_fen=problem.cost_fen.copy(),
        budget_fen=problem.budget_fen,
        p=p,
    )
