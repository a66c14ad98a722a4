"""Township clusters for repair rounds: hubs within a road radius of every township.

The hubs are the fewest townships such that every township lies within ``radius_km``
road km of one: a location set covering problem (LSCP) with the townships both as demand
and as candidate sites, solved by :func:`~nevrural.core.siting.coverage.solve_lscp`
(reused, not re-implemented). Each township then joins its nearest hub.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.geo import DEFAULT_RURAL_CIRCUITY, pairs_within_km
from nevrural.core.siting.coverage import LSCPParams, solve_lscp
from nevrural.core.siting.points import siting_problem_from_points

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from nevrural.core.siting.problem import FloatArray, IntArray

__all__ = ["TownshipClusterResult", "township_clusters"]


@dataclass(frozen=True)
class TownshipClusterResult:
    """Cluster hubs and the cluster of every township.

    Attributes
    ----------
    hubs
        Township indices of the hubs, ascending; cluster ``c`` is hub ``hubs[c]``.
    cluster_of
        Cluster (position in :attr:`hubs`) of each township.
    hub_of
        Township index of each township's hub (a hub is its own).
    road_km_to_hub
        Road distance from each township to its hub, km (<= :attr:`radius_km`).
    radius_km
        The road radius, km.
    min_hubs
        Proven lower bound on the number of hubs (equal to ``len(hubs)`` when optimal).
    is_optimal
        Whether the LSCP solver proved that no fewer hubs cover every township.
    """

    hubs: tuple[int, ...]
    cluster_of: tuple[int, ...]
    hub_of: tuple[int, ...]
    road_km_to_hub: tuple[float, ...]
    radius_km: float
    min_hubs: int
    is_optimal: bool

    @property
    def n_clusters(self) -> int:
        """Number of clusters (hubs)."""
        return len(self.hubs)

    def members(self, cluster: int) -> tuple[int, ...]:
        """Township indices in cluster ``cluster``, ascending."""
        return tuple(i for i, c in enumerate(self.cluster_of) if c == cluster)


def township_clusters(
    lon_deg: ArrayLike,
    lat_deg: ArrayLike,
    radius_km: float,
    circuity: float = DEFAULT_RURAL_CIRCUITY,
    *,
    time_limit_s: float = 10.0,
) -> TownshipClusterResult:
    """Group townships so that each lies within ``radius_km`` road km of its hub.

    Parameters
    ----------
    lon_deg, lat_deg
        Township coordinates, degrees (1-D, at least one).
    radius_km
        Road radius, km (> 0): great-circle radius ``radius_km / circuity``.
    circuity
        Road km per great-circle km (>= 1).
    time_limit_s
        Time limit of the set-cover solve, s (HiGHS seconds).

    Returns
    -------
    TownshipClusterResult
        Hubs (township indices), each township's cluster and hub, and the road km to it.

    Notes
    -----
    Hubs solve the LSCP ``min sum_j y_j`` s.t. ``sum_{j: road_km(i, j) <= r} y_j >= 1``
    for every township ``i``, ``y_j in {0, 1}`` (Toregas et al., Oper. Res. 19 (1971)),
    with :func:`~nevrural.core.siting.coverage.solve_lscp` on ``path="auto"``: exact
    (HiGHS) up to 150,000 covering pairs, otherwise greedy + LP rounding + window
    re-optimisation with a proven bound. The LSCP is always feasible (a township covers
    itself). Each township joins the hub of least great-circle distance among those
    within the radius (ties to the lower township index), which is no farther than
    the hub that covers it in the LSCP; a hub is its own hub. Pairs come from a KD-tree,
    O(n log n + pairs). Deterministic unless the time limit cuts the solve short.

    Examples
    --------
    Two groups of three townships in a row, 0.05 degrees apart (5.75 road km at 40 N):
    only the middle township of a group is within 8 road km of both others.

    >>> lon, lat = [116.00, 116.05, 116.10, 116.50, 116.55, 116.60], [40.0] * 6
    >>> clusters = township_clusters(lon, lat, radius_km=8.0)
    >>> clusters.hubs, clusters.cluster_of, clusters.is_optimal
    ((1, 4), (0, 0, 0, 1, 1, 1), True)
    >>> [round(km, 2) for km in clusters.road_km_to_hub]
    [5.75, 0.0, 5.75, 5.75, 0.0, 5.75]
    """
    if not (math.isfinite(radius_km) and radius_km > 0.0):
        raise ValueError(f"radius_km = {radius_km} must be finite and > 0")
    if not (math.isfinite(circuity) and circuity >= 1.0):
        raise ValueError(f"circuity = {circuity} must be finite and >= 1")
    lon, lat = np.asarray(lon_deg, dtype=np.float64), np.asarray(lat_deg, dtype=np.float64)
    if lon.ndim != 1 or lon.size == 0:
        raise ValueError(f"lon_deg must be 1-D with at least one township, got shape {lon.shape}")
    points = siting_problem_from_points(
        lon, lat, np.ones(lon.size), lon, lat, radius_km=radius_km, circuity=circuity
    )
    cover = solve_lscp(points.problem, LSCPParams(radius_km=radius_km, time_limit_s=time_limit_s))
    hubs = np.asarray(sorted(cover.open_sites), dtype=np.int64)
    cluster, road_km = _nearest_hub(lon, lat, hubs, radius_km, circuity)
    hub_of = hubs[cluster]
    bound = cover.lower_bound if cover.lower_bound is not None else 1.0
    return TownshipClusterResult(
        hubs=tuple(int(h) for h in hubs),
        cluster_of=tuple(int(c) for c in cluster),
        hub_of=tuple(int(h) for h in hub_of),
        road_km_to_hub=tuple(float(d) for d in road_km),
        radius_km=float(radius_km),
        min_hubs=max(1, math.ceil(bound - 1e-9)),
        is_optimal=cover.status == "optimal",
    )


def _nearest_hub(
    lon: FloatArray, lat: FloatArray, hubs: IntArray, radius_km: float, circuity: float
) -> tuple[IntArray, FloatArray]:
    """Cluster (position in ``hubs``) and road km of the nearest hub within the radius."""
    pairs = pairs_within_km(lon, lat, radius_km / circuity, lon[hubs], lat[hubs])
    # nearest first, then the lower hub position (hubs ascend, so the lower township)
    order = np.lexsort((pairs.cols, pairs.distance_km, pairs.rows))
    rows, first = np.unique(pairs.rows[order], return_index=True)
    if rows.size != lon.size:  # cannot happen: the LSCP covered every township
        missing = np.setdiff1d(np.arange(lon.size), rows)
        raise RuntimeError(f"township {int(missing[0])} has no hub within {radius_km} km")
    cluster = pairs.cols[order][first]
    road_km = pairs.distance_km[order][first] * circuity
    cluster[hubs] = np.arange(hubs.size)  # a hub is its own hub, even beside a twin
    road_km[hubs] = 0.0
    return cluster, road_km
