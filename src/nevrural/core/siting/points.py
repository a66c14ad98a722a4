"""Siting problems from points (lon/lat): radius-sparse road-distance pairs.

A demand point may be served by every site within a road radius, plus its ``k`` nearest
sites (so that remote points keep some choice). Road distance is great-circle distance
times a circuity factor (:data:`~nevrural.core.geo.DEFAULT_RURAL_CIRCUITY`). The pairs
are then *truncated*: every site that is not stored for a point is at least
``max(radius, its farthest stored distance)`` road km away, which is what
:class:`~nevrural.core.siting.pmedian.PMedianParams` needs (``is_truncated=True``,
``beyond_km=radius_km``); :meth:`PointSites.nearest_open` completes the distance of
points left beyond their stored sites.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

from nevrural.core.geo import DEFAULT_RURAL_CIRCUITY, nearest_k, pairs_within_km
from nevrural.core.siting.problem import SitingProblem

if TYPE_CHECKING:
    from decimal import Decimal

    from numpy.typing import ArrayLike

    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray

__all__ = ["PointSites", "siting_problem_from_points"]


@dataclass(frozen=True, eq=False)
class PointSites:
    """A siting problem built from points, and the geometry to complete its distances.

    Attributes
    ----------
    problem
        The problem (road km on the stored pairs).
    site_lon, site_lat
        Site coordinates, degrees.
    demand_lon, demand_lat
        Demand coordinates, degrees.
    radius_km
        Road radius of the stored pairs, km.
    circuity
        Road km per great-circle km.
    """

    problem: SitingProblem
    demand_lon: FloatArray
    demand_lat: FloatArray
    site_lon: FloatArray
    site_lat: FloatArray
    radius_km: float
    circuity: float

    def nearest_open(self, points: IntArray, open_sites: IntArray) -> tuple[IntArray, FloatArray]:
        """Nearest of `open_sites` to each of `points` and its road distance, km."""
        if points.size == 0 or open_sites.size == 0:
            return np.full(points.size, -1, dtype=np.int64), np.full(points.size, math.inf)
        found, great_circle_km = nearest_k(
            self.demand_lon[points],
            self.demand_lat[points],
            self.site_lon[open_sites],
            self.site_lat[open_sites],
            1,
        )
        return open_sites[found[:, 0]], great_circle_km[:, 0] * self.circuity


def siting_problem_from_points(
    demand_lon: ArrayLike,
    demand_lat: ArrayLike,
    demand_weight: ArrayLike,
    site_lon: ArrayLike,
    site_lat: ArrayLike,
    *,
    radius_km: float,
    k_nearest: int = 0,
    circuity: float = DEFAULT_RURAL_CIRCUITY,
    is_existing: BoolArray | None = None,
    has_land: BoolArray | None = None,
    capacity: FloatArray | None = None,
    cost_cny: tuple[Decimal, ...] | None = None,
    budget_cny: Decimal | None = None,
    demand_ids: tuple[str, ...] | None = None,
    site_ids: tuple[str, ...] | None = None,
) -> PointSites:
    """Pairs within `radius_km` road km plus each point's `k_nearest` sites.

    Parameters
    ----------
    demand_lon, demand_lat, site_lon, site_lat
        Coordinates, degrees.
    demand_weight
        Demand units of each point (>= 0).
    radius_km
        Road radius, km (> 0); great-circle radius ``radius_km / circuity``.
    k_nearest
        Sites added per point beyond the radius (0 to n_sites).
    circuity
        Road km per great-circle km (>= 1).

    Notes
    -----
    A KD-tree finds the pairs, O((n + m) log m + pairs). Coincident points are stored at
    distance 0 (explicit entries).

    Examples
    --------
    >>> ps = siting_problem_from_points(
    ...     [116.40, 116.50, 118.0], [39.90, 39.90, 39.0], [1.0, 2.0, 1.0],
    ...     [116.40, 118.0], [39.90, 39.0], radius_km=20.0, k_nearest=1)
    >>> ps.problem.distance_km.toarray().round(1).tolist()
    [[0.0, 0.0], [11.5, 0.0], [0.0, 0.0]]
    >>> ps.problem.distance_km.nnz
    3
    """
    if not (math.isfinite(circuity) and circuity >= 1.0):
        raise ValueError(f"circuity must be finite and >= 1, got {circuity}")
    d_lon, d_lat = (
        np.asarray(demand_lon, dtype=np.float64),
        np.asarray(demand_lat, dtype=np.float64),
    )
    s_lon, s_lat = np.asarray(site_lon, dtype=np.float64), np.asarray(site_lat, dtype=np.float64)
    pairs = pairs_within_km(d_lon, d_lat, radius_km / circuity, s_lon, s_lat)
    rows, cols, great_circle = [pairs.rows], [pairs.cols], [pairs.distance_km]
    if k_nearest:
        found, km = nearest_k(d_lon, d_lat, s_lon, s_lat, k_nearest)
        rows.append(np.repeat(np.arange(d_lon.size, dtype=np.int64), k_nearest))
        cols.append(found.ravel())
        great_circle.append(km.ravel())
    all_rows, all_cols = np.concatenate(rows), np.concatenate(cols)
    keys, first = np.unique(all_rows * s_lon.size + all_cols, return_index=True)
    road_km = np.concatenate(great_circle)[first] * circuity
    matrix = sparse.csr_matrix(
        (road_km, (keys // s_lon.size, keys % s_lon.size)), shape=(d_lon.size, s_lon.size)
    )
    problem = SitingProblem(
        demand_weight=np.asarray(demand_weight, dtype=np.float64),
        distance_km=matrix,
        is_existing=is_existing,
        has_land=has_land,
        capacity=capacity,
        cost_cny=cost_cny,
        budget_cny=budget_cny,
        demand_ids=demand_ids,
        site_ids=site_ids,
    )
    return PointSites(problem, d_lon, d_lat, s_lon, s_lat, float(radius_km), float(circuity))
