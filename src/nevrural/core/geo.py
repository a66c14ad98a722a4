"""Great-circle geometry on a spherical Earth: distances, road estimates and neighbour pairs.

Longitudes and latitudes are in degrees (WGS 84 values are fine: the sphere's error is
about 0.5 %). Distances are in km along the great circle unless a name says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.spatial import cKDTree

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "DEFAULT_RURAL_CIRCUITY",
    "EARTH_RADIUS_KM",
    "MIN_STORED_DISTANCE_KM",
    "NeighbourPairs",
    "haversine_km",
    "nearest_k",
    "pairs_within_km",
    "road_distance_km",
    "travel_time_min",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# IUGG mean Earth radius R1 = (2a + b) / 3 of the GRS 80 ellipsoid, 6 371 008.7714 m
# (Moritz, "Geodetic Reference System 1980", Journal of Geodesy 74 (2000) 128-133).
EARTH_RADIUS_KM = 6371.0088

# Road km per great-circle km in rural China. A modelling assumption, not a measurement:
# callers can pass their own. Published road circuity factors are typically 1.2-1.5
# (e.g. Ballou, Rahardja & Sakai, Transportation Research A 36 (2002) 843-848); 1.35 is
# the middle of that range.
DEFAULT_RURAL_CIRCUITY = 1.35

# Distance, km (1 mm), that NeighbourPairs.to_csr stores for pairs at distance 0, so that
# coincident points stay structural non-zeros of the sparse matrix.
MIN_STORED_DISTANCE_KM = 1e-6

# Slack on the KD-tree chord so that rounding never drops a pair the exact haversine
# keeps; the surplus candidates are filtered out by the haversine test.
_CHORD_REL_SLACK = 1e-9
_CHORD_ABS_SLACK = 1e-12


@overload
def haversine_km(lon1_deg: float, lat1_deg: float, lon2_deg: float, lat2_deg: float) -> float: ...
@overload
def haversine_km(
    lon1_deg: ArrayLike, lat1_deg: ArrayLike, lon2_deg: ArrayLike, lat2_deg: ArrayLike
) -> FloatArray | float: ...
def haversine_km(
    lon1_deg: ArrayLike, lat1_deg: ArrayLike, lon2_deg: ArrayLike, lat2_deg: ArrayLike
) -> FloatArray | float:
    """Great-circle distance between points, broadcasting like numpy.

    Parameters
    ----------
    lon1_deg, lat1_deg
        Longitude and latitude of the first points, degrees.
    lon2_deg, lat2_deg
        Longitude and latitude of the second points, degrees.

    Returns
    -------
    float or numpy.ndarray
        Great-circle distance, km, on a sphere of radius `EARTH_RADIUS_KM`; a Python
        float when every input is a scalar.

    Examples
    --------
    >>> round(haversine_km(116.4074, 39.9042, 121.4737, 31.2304))  # Beijing-Shanghai
    1067
    >>> haversine_km([0.0, 0.0], 0.0, [0.0, 180.0], 0.0).round(1).tolist()
    [0.0, 20015.1]
    """
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=np.float64))
        for v in (lon1_deg, lat1_deg, lon2_deg, lat2_deg)
    )
    h = (
        np.sin((lat2 - lat1) / 2.0) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2.0) ** 2
    )
    h = np.clip(h, 0.0, 1.0)  # the atan2 form stays accurate near 0 and near antipodes
    distance_km = 2.0 * EARTH_RADIUS_KM * np.arctan2(np.sqrt(h), np.sqrt(1.0 - h))
    return _scalar_if_0d(distance_km)


@overload
def road_distance_km(great_circle_km: float, circuity: float = ...) -> float: ...
@overload
def road_distance_km(great_circle_km: ArrayLike, circuity: float = ...) -> FloatArray | float: ...
def road_distance_km(
    great_circle_km: ArrayLike, circuity: float = DEFAULT_RURAL_CIRCUITY
) -> FloatArray | float:
    """Estimate road distance, km, from great-circle distance, km, times a circuity >= 1.

    >>> road_distance_km(10.0)
    13.5
    """
    if not (math.isfinite(circuity) and circuity >= 1.0):
        raise ValueError(f"circuity must be a finite number >= 1, got {circuity}")
    distance_km = np.asarray(great_circle_km, dtype=np.float64)
    if not np.all(distance_km >= 0.0):
        raise ValueError("great_circle_km must be >= 0 (and not NaN)")
    return _scalar_if_0d(distance_km * circuity)


@overload
def travel_time_min(distance_km: float, speed_kmh: float) -> float: ...
@overload
def travel_time_min(distance_km: ArrayLike, speed_kmh: ArrayLike) -> FloatArray | float: ...
def travel_time_min(distance_km: ArrayLike, speed_kmh: ArrayLike) -> FloatArray | float:
    """Travel time, minutes, over a distance, km, at a mean speed > 0, km/h.

    >>> travel_time_min(30.0, 40.0)
    45.0
    """
    speed = np.asarray(speed_kmh, dtype=np.float64)
    if not np.all((speed > 0.0) & np.isfinite(speed)):
        raise ValueError(f"speed_kmh must be finite and > 0, got {speed_kmh!r}")
    return _scalar_if_0d(np.asarray(distance_km, dtype=np.float64) / speed * 60.0)


@dataclass(frozen=True, eq=False)
class NeighbourPairs:
    """Sparse pairs of "from" and "to" points with their great-circle distance.

    Attributes
    ----------
    rows, cols
        Index into the "from" and the "to" points, sorted by ``(rows, cols)``.
    distance_km
        Great-circle distance of each pair, km; may be exactly 0.
    n_from, n_to
        Number of "from" and "to" points (the matrix shape).
    """

    rows: IntArray
    cols: IntArray
    distance_km: FloatArray
    n_from: int
    n_to: int

    def __post_init__(self) -> None:
        """Check that the three arrays line up and the indices are in range."""
        n_pairs = self.rows.shape[0]
        for name in ("rows", "cols", "distance_km"):
            array = getattr(self, name)
            if array.ndim != 1 or array.shape[0] != n_pairs:
                raise ValueError(f"{name} has shape {array.shape}, expected ({n_pairs},)")
        for name, index, size in (("rows", self.rows, self.n_from), ("cols", self.cols, self.n_to)):
            if n_pairs and (index.min() < 0 or index.max() >= size):
                raise ValueError(
                    f"{name} must lie in [0, {size}), got {index.min()}..{index.max()}"
                )

    @property
    def n_pairs(self) -> int:
        """Number of pairs."""
        return int(self.rows.shape[0])

    def to_csr(self, zero_as_km: float = MIN_STORED_DISTANCE_KM) -> csr_matrix:
        """Sparse ``(n_from, n_to)`` matrix of distances, km.

        Sparse formats read a stored 0 as "no pair", so every distance below
        `zero_as_km` (km, must be > 0) is stored as `zero_as_km`: self-pairs and
        coincident points stay non-zeros. Use `rows`, `cols` and `distance_km` for the
        exact values.
        """
        if not (math.isfinite(zero_as_km) and zero_as_km > 0.0):
            raise ValueError(f"zero_as_km must be finite and > 0, got {zero_as_km}")
        data = np.maximum(self.distance_km, zero_as_km)
        shape = (self.n_from, self.n_to)
        return csr_matrix((data, (self.rows, self.cols)), shape=shape)


def pairs_within_km(
    from_lon: ArrayLike,
    from_lat: ArrayLike,
    radius_km: float,
    to_lon: ArrayLike | None = None,
    to_lat: ArrayLike | None = None,
) -> NeighbourPairs:
    """All pairs of points within a great-circle radius, without a dense matrix.

    Parameters
    ----------
    from_lon, from_lat
        "From" points, degrees (1-D, same length).
    radius_km
        Great-circle radius, km (> 0); pairs at exactly the radius are kept.
    to_lon, to_lat
        "To" points, degrees. When both are None the "from" points are paired with
        themselves, including each self-pair ``(i, i)`` at distance 0.

    Notes
    -----
    A KD-tree on unit-sphere coordinates finds candidates within the chord
    ``2 sin(radius / 2R)`` (plus a rounding slack); the exact haversine then decides.
    Cost is about O(n log n + pairs) time and O(n + pairs) memory.

    Examples
    --------
    >>> lon, lat = [116.4074, 117.2008, 121.4737], [39.9042, 39.0842, 31.2304]
    >>> pairs = pairs_within_km(lon, lat, 150.0)  # Beijing, Tianjin, Shanghai
    >>> pairs.rows.tolist(), pairs.cols.tolist()
    ([0, 0, 1, 1, 2], [0, 1, 0, 1, 2])
    >>> pairs.distance_km.round(1).tolist()
    [0.0, 113.8, 113.8, 0.0, 0.0]
    """
    if not (math.isfinite(radius_km) and radius_km > 0.0):
        raise ValueError(f"radius_km must be finite and > 0, got {radius_km}")
    lon_a, lat_a = _check_points(from_lon, from_lat, "from_lon", "from_lat")
    is_self = to_lon is None and to_lat is None
    if is_self:
        lon_b, lat_b = lon_a, lat_a
    elif to_lon is None or to_lat is None:
        raise ValueError("to_lon and to_lat must be given together")
    else:
        lon_b, lat_b = _check_points(to_lon, to_lat, "to_lon", "to_lat")
    rows, cols = _candidate_pairs(
        _unit_xyz(lon_a, lat_a), _unit_xyz(lon_b, lat_b), radius_km, is_self
    )
    distance_km = np.asarray(haversine_km(lon_a[rows], lat_a[rows], lon_b[cols], lat_b[cols]))
    keep = distance_km <= radius_km
    rows, cols, distance_km = rows[keep], cols[keep], distance_km[keep]
    if is_self:  # the candidates are i < j only: mirror them and add the diagonal
        diagonal = np.arange(lon_a.shape[0], dtype=np.int64)
        rows, cols = np.concatenate([rows, cols, diagonal]), np.concatenate([cols, rows, diagonal])
        distance_km = np.concatenate([distance_km, distance_km, np.zeros(diagonal.shape[0])])
    order = np.lexsort((cols, rows))
    arrays = (rows[order], cols[order], distance_km[order])
    for array in arrays:
        array.flags.writeable = False
    return NeighbourPairs(*arrays, n_from=int(lon_a.shape[0]), n_to=int(lon_b.shape[0]))


def nearest_k(
    from_lon: ArrayLike, from_lat: ArrayLike, to_lon: ArrayLike, to_lat: ArrayLike, k: int
) -> tuple[IntArray, FloatArray]:
    """The `k` nearest "to" points of each "from" point, nearest first.

    Points are in degrees; ``1 <= k <= n_to``. Returns the indices into the "to" points
    (int64) and their great-circle distance, km (ascending along each row), both of
    shape ``(n_from, k)``. Candidates come from a KD-tree on unit-sphere coordinates and
    are re-sorted by exact haversine distance.

    Examples
    --------
    >>> idx, d = nearest_k([116.4], [39.9], [121.47, 117.2, 116.41], [31.23, 39.08, 39.9], 2)
    >>> idx.tolist(), d.round(1).tolist()
    ([[2, 1]], [[0.9, 114.1]])
    """
    lon_a, lat_a = _check_points(from_lon, from_lat, "from_lon", "from_lat")
    lon_b, lat_b = _check_points(to_lon, to_lat, "to_lon", "to_lat")
    n_to = lon_b.shape[0]
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= n_to:
        raise ValueError(f"k must be an integer in [1, {n_to}] (number of to points), got {k}")
    _, found = cKDTree(_unit_xyz(lon_b, lat_b)).query(_unit_xyz(lon_a, lat_a), k=[*range(1, k + 1)])
    indices = np.asarray(found, dtype=np.int64).reshape(lon_a.shape[0], k)
    distance_km = np.asarray(
        haversine_km(lon_a[:, None], lat_a[:, None], lon_b[indices], lat_b[indices])
    )
    order = np.argsort(distance_km, axis=1, kind="stable")  # exact order, not the chord's
    return np.take_along_axis(indices, order, 1), np.take_along_axis(distance_km, order, 1)


def _check_points(
    lon_deg: ArrayLike, lat_deg: ArrayLike, lon_name: str, lat_name: str
) -> tuple[FloatArray, FloatArray]:
    """Validate 1-D, same-length, finite coordinates, degrees, with latitudes in range."""
    lon = np.asarray(lon_deg, dtype=np.float64)
    lat = np.asarray(lat_deg, dtype=np.float64)
    for name, array in ((lon_name, lon), (lat_name, lat)):
        if array.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {array.shape}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} must be finite, found {int(np.sum(~np.isfinite(array)))} not")
    if lon.shape != lat.shape:
        raise ValueError(f"{lon_name} has {lon.shape[0]} values but {lat_name} has {lat.shape[0]}")
    if lat.size and not (lat.min() >= -90.0 and lat.max() <= 90.0):
        raise ValueError(f"{lat_name} must lie in [-90, 90] degrees, got {lat.min()}..{lat.max()}")
    return lon, lat


def _candidate_pairs(
    xyz_a: FloatArray, xyz_b: FloatArray, radius_km: float, is_self: bool
) -> tuple[IntArray, IntArray]:
    """Index pairs whose chord is within the radius, km, plus slack (``i < j`` if `is_self`)."""
    chord = 2.0 * math.sin(min(radius_km / EARTH_RADIUS_KM, math.pi) / 2.0)
    chord = chord * (1.0 + _CHORD_REL_SLACK) + _CHORD_ABS_SLACK
    tree_a = cKDTree(xyz_a)
    if is_self:
        ij = tree_a.query_pairs(chord, output_type="ndarray").astype(np.int64, copy=False)
        return ij[:, 0], ij[:, 1]
    found = tree_a.sparse_distance_matrix(cKDTree(xyz_b), chord, output_type="ndarray")
    return found["i"].astype(np.int64), found["j"].astype(np.int64)


def _unit_xyz(lon_deg: FloatArray, lat_deg: FloatArray) -> FloatArray:
    """Points on the unit sphere, shape ``(n, 3)``, from degrees."""
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    cos_lat = np.cos(lat)
    return np.column_stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)])


def _scalar_if_0d(values: FloatArray) -> FloatArray | float:
    """A Python float for a 0-d result, the array otherwise."""
    return float(values) if values.ndim == 0 else values
