"""Tests for great-circle geometry: distances, road estimates and neighbour pairs."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.geo import (
    DEFAULT_RURAL_CIRCUITY,
    EARTH_RADIUS_KM,
    MIN_STORED_DISTANCE_KM,
    NeighbourPairs,
    haversine_km,
    nearest_k,
    pairs_within_km,
    road_distance_km,
    travel_time_min,
)

__all__: list[str] = []

FloatArray = npt.NDArray[np.float64]


def random_points(n: int, seed: int) -> tuple[FloatArray, FloatArray]:
    """Seeded random points, degrees, in a 4 x 3 degree box in central China."""
    rng = np.random.default_rng(seed)
    return rng.uniform(110.0, 114.0, n), rng.uniform(30.0, 33.0, n)


def brute_pairs(
    from_lon: FloatArray,
    from_lat: FloatArray,
    to_lon: FloatArray,
    to_lat: FloatArray,
    radius_km: float,
) -> set[tuple[int, int]]:
    """All (i, j) pairs within the radius, km, from a dense haversine matrix."""
    grid = np.meshgrid(np.arange(len(from_lon)), np.arange(len(to_lon)), indexing="ij")
    ii, jj = grid[0].ravel(), grid[1].ravel()
    distance_km = np.asarray(haversine_km(from_lon[ii], from_lat[ii], to_lon[jj], to_lat[jj]))
    keep = distance_km <= radius_km
    return set(zip(ii[keep].tolist(), jj[keep].tolist(), strict=True))


def pair_set(pairs: NeighbourPairs) -> set[tuple[int, int]]:
    """The (row, col) pairs as a set."""
    return set(zip(pairs.rows.tolist(), pairs.cols.tolist(), strict=True))


# --- haversine_km -------------------------------------------------------------------


def test_one_degree_of_longitude_on_the_equator() -> None:
    """One degree of longitude on the equator is pi R / 180 = 111.195 km."""
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.195, abs=5e-4)
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(math.pi * EARTH_RADIUS_KM / 180)


def test_antipodes_are_half_the_circumference() -> None:
    """Antipodal points, on the equator or at the poles, are pi R apart."""
    half_km = math.pi * EARTH_RADIUS_KM
    assert haversine_km(0.0, 0.0, 180.0, 0.0) == pytest.approx(half_km, rel=1e-12)
    assert haversine_km(10.0, 90.0, 10.0, -90.0) == pytest.approx(half_km, rel=1e-12)
    assert haversine_km(116.4, 39.9, -63.6, -39.9) == pytest.approx(half_km, rel=1e-9)


def test_beijing_to_shanghai() -> None:
    """Beijing to Shanghai is about 1067 km either way."""
    there_km = haversine_km(116.4074, 39.9042, 121.4737, 31.2304)
    back_km = haversine_km(121.4737, 31.2304, 116.4074, 39.9042)
    assert there_km == pytest.approx(1067.0, abs=1.0)
    assert there_km == back_km


def test_same_point_and_antimeridian() -> None:
    """A point is 0 km from itself, and 179.5 E to 179.5 W is one degree of longitude."""
    assert haversine_km(100.0, 30.0, 100.0, 30.0) == 0.0
    assert haversine_km(179.5, 0.0, -179.5, 0.0) == pytest.approx(haversine_km(0, 0, 1, 0))


def test_scalars_give_python_floats() -> None:
    """Scalar and 0-d inputs give a Python float from every distance function."""
    assert type(haversine_km(0.0, 0.0, 1.0, 1.0)) is float
    assert type(haversine_km(np.float64(0.0), 0, np.array(1.0), 1)) is float
    assert type(road_distance_km(np.float64(2.0))) is float
    assert type(travel_time_min(10, np.array(40.0))) is float


def test_haversine_broadcasts() -> None:
    """A column of points against a row of points gives the full distance matrix."""
    lon1, lat1 = np.array([[100.0], [110.0], [120.0]]), np.array([[20.0], [30.0], [40.0]])
    lon2, lat2 = np.array([101.0, 105.0, 115.0, 125.0]), np.array([21.0, 25.0, 35.0, 45.0])
    matrix_km = haversine_km(lon1, lat1, lon2, lat2)
    assert isinstance(matrix_km, np.ndarray)
    assert matrix_km.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            expected_km = haversine_km(lon1[i, 0], lat1[i, 0], lon2[j], lat2[j])
            assert matrix_km[i, j] == pytest.approx(expected_km, rel=1e-12)
    assert np.shape(haversine_km(lon1, lat1, 100.0, 20.0)) == (3, 1)


# --- road_distance_km and travel_time_min -------------------------------------------


def test_road_distance_uses_circuity() -> None:
    """Road km is great-circle km times the circuity, 1.35 by default."""
    assert DEFAULT_RURAL_CIRCUITY == 1.35
    assert road_distance_km(10.0) == pytest.approx(13.5)
    assert road_distance_km(10.0, circuity=1.0) == 10.0
    np.testing.assert_allclose(road_distance_km(np.array([0.0, 2.0]), 1.5), [0.0, 3.0])


@pytest.mark.parametrize("circuity", [0.99, 0.0, -1.0, math.nan, math.inf])
def test_road_distance_rejects_bad_circuity(circuity: float) -> None:
    """A circuity below 1 or not finite is refused with its value in the message."""
    with pytest.raises(ValueError, match=rf"circuity .* got {circuity}"):
        road_distance_km(10.0, circuity)


def test_road_distance_rejects_negative_distance() -> None:
    """A negative or NaN great-circle distance is refused."""
    with pytest.raises(ValueError, match="great_circle_km"):
        road_distance_km(np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="great_circle_km"):
        road_distance_km(math.nan)


def test_travel_time() -> None:
    """30 km at 60 km/h takes 30 min, and arrays broadcast."""
    assert travel_time_min(30.0, 60.0) == pytest.approx(30.0)
    np.testing.assert_allclose(travel_time_min([10.0, 20.0], [60.0, 40.0]), [10.0, 30.0])


@pytest.mark.parametrize("speed_kmh", [0.0, -5.0, math.nan, math.inf, [40.0, 0.0]])
def test_travel_time_rejects_bad_speed(speed_kmh: float) -> None:
    """A speed that is not finite and > 0 is refused, naming speed_kmh."""
    with pytest.raises(ValueError, match="speed_kmh"):
        travel_time_min(10.0, speed_kmh)


# --- pairs_within_km ----------------------------------------------------------------


def test_pairs_self_match_brute_force() -> None:
    """Self pairs of 500 seeded points equal a dense haversine filter, diagonal included."""
    lon, lat = random_points(500, seed=1)
    pairs = pairs_within_km(lon, lat, 25.0)
    assert pair_set(pairs) == brute_pairs(lon, lat, lon, lat, 25.0)
    assert pairs.n_pairs == len(pair_set(pairs))  # no duplicates
    assert (pairs.n_from, pairs.n_to) == (500, 500)
    diagonal = pairs.rows == pairs.cols
    assert int(diagonal.sum()) == 500
    assert np.all(pairs.distance_km[diagonal] == 0.0)
    expected_km = haversine_km(lon[pairs.rows], lat[pairs.rows], lon[pairs.cols], lat[pairs.cols])
    np.testing.assert_allclose(pairs.distance_km, expected_km, rtol=1e-12)


def test_pairs_cross_match_brute_force() -> None:
    """Cross pairs of 500 by 400 seeded points equal a dense haversine filter."""
    from_lon, from_lat = random_points(500, seed=2)
    to_lon, to_lat = random_points(400, seed=3)
    pairs = pairs_within_km(from_lon, from_lat, 20.0, to_lon, to_lat)
    assert pair_set(pairs) == brute_pairs(from_lon, from_lat, to_lon, to_lat, 20.0)
    assert (pairs.n_from, pairs.n_to) == (500, 400)
    assert np.all(pairs.distance_km <= 20.0)


def test_pairs_are_sorted_deterministic_and_read_only() -> None:
    """Pairs come sorted by (row, col), are the same on every call and are read-only."""
    lon, lat = random_points(300, seed=4)
    first = pairs_within_km(lon, lat, 30.0)
    second = pairs_within_km(lon, lat, 30.0, lon, lat)  # explicit "to" equals self mode
    order = np.lexsort((first.cols, first.rows))
    np.testing.assert_array_equal(order, np.arange(first.n_pairs))
    for name in ("rows", "cols", "distance_km"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert first.rows.dtype == np.int64
    assert first.distance_km.dtype == np.float64
    with pytest.raises(ValueError, match="read-only"):
        first.rows[0] = 1


def test_pairs_hand_checked() -> None:
    """Beijing and Tianjin (113.8 km apart) pair at 150 km but not at 100 km."""
    lon, lat = [116.4074, 117.2008, 121.4737], [39.9042, 39.0842, 31.2304]
    assert pair_set(pairs_within_km(lon, lat, 150.0)) == {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2)}
    assert pair_set(pairs_within_km(lon, lat, 100.0)) == {(0, 0), (1, 1), (2, 2)}
    assert pair_set(pairs_within_km(lon, lat, 30_000.0)) == {
        (i, j) for i in range(3) for j in range(3)
    }


def test_pairs_keep_a_pair_exactly_at_the_radius() -> None:
    """A pair whose distance equals the radius is kept (the KD-tree slack covers rounding)."""
    lon, lat = np.array([0.0, 1.0]), np.array([0.0, 0.0])
    radius_km = float(np.asarray(haversine_km(lon[[0]], lat[[0]], lon[[1]], lat[[1]]))[0])
    assert (0, 1) in pair_set(pairs_within_km(lon, lat, radius_km))
    assert (0, 1) not in pair_set(pairs_within_km(lon, lat, radius_km * (1 - 1e-12)))


def test_pairs_of_empty_sets() -> None:
    """Empty point sets give no pairs and the right shape."""
    assert pairs_within_km([], [], 5.0).to_csr().shape == (0, 0)
    assert pairs_within_km([1.0], [1.0], 5.0, [], []).to_csr().shape == (1, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([1.0, 2.0], [1.0], 5.0), "from_lon has 2 values but from_lat has 1"),
        (([1.0], [math.nan], 5.0), "from_lat must be finite"),
        (([math.inf], [1.0], 5.0), "from_lon must be finite"),
        (([1.0], [91.0], 5.0), r"from_lat must lie in \[-90, 90\]"),
        (([[1.0]], [[1.0]], 5.0), "from_lon must be 1-D"),
        (([1.0], [1.0], 0.0), "radius_km must be finite and > 0, got 0.0"),
        (([1.0], [1.0], -3.0), "radius_km"),
        (([1.0], [1.0], math.nan), "radius_km"),
        (([1.0], [1.0], 5.0, [1.0], None), "to_lon and to_lat must be given together"),
        (([1.0], [1.0], 5.0, [1.0, 2.0], [1.0]), "to_lon has 2 values but to_lat has 1"),
        (([1.0], [1.0], 5.0, [1.0], [-90.5]), "to_lat must lie"),
    ],
)
def test_pairs_validate_inputs(args: tuple[object, ...], message: str) -> None:
    """Bad coordinates or radius raise ValueError naming the argument."""
    with pytest.raises(ValueError, match=message):
        pairs_within_km(*args)  # type: ignore[arg-type]


coordinates = st.tuples(
    st.floats(-180.0, 180.0, allow_nan=False), st.floats(-90.0, 90.0, allow_nan=False)
)


@settings(max_examples=50, deadline=None)
@given(
    from_points=st.lists(coordinates, max_size=20),
    to_points=st.lists(coordinates, max_size=20),
    radius_km=st.floats(1e-3, 25_000.0),
    is_self=st.booleans(),
)
def test_pairs_equal_brute_force_property(
    from_points: list[tuple[float, float]],
    to_points: list[tuple[float, float]],
    radius_km: float,
    is_self: bool,
) -> None:
    """For any small point sets and radius, the KD-tree pairs equal the brute-force pairs."""
    from_lon, from_lat = np.array(from_points, dtype=np.float64).reshape(-1, 2).T
    to_lon, to_lat = np.array(to_points, dtype=np.float64).reshape(-1, 2).T
    if is_self:
        pairs = pairs_within_km(from_lon, from_lat, radius_km)
        expected = brute_pairs(from_lon, from_lat, from_lon, from_lat, radius_km)
    else:
        pairs = pairs_within_km(from_lon, from_lat, radius_km, to_lon, to_lat)
        expected = brute_pairs(from_lon, from_lat, to_lon, to_lat, radius_km)
    assert pair_set(pairs) == expected
    assert pairs.n_pairs == len(expected)


@pytest.mark.slow
def test_pairs_scale_to_all_townships() -> None:
    """38,700 points in China's bounding box at 30 km match brute force on 200 sampled rows."""
    rng = np.random.default_rng(7)
    n = 38_700
    lon, lat = rng.uniform(73.0, 135.0, n), rng.uniform(18.0, 54.0, n)
    pairs = pairs_within_km(lon, lat, 30.0)
    assert pairs.n_pairs < 20 * n  # sparse: a few neighbours per point
    counts = np.bincount(pairs.rows, minlength=n)
    sample = rng.choice(n, size=200, replace=False)
    for chunk in np.array_split(sample, 4):
        distance_km = haversine_km(lon[chunk, None], lat[chunk, None], lon, lat)
        np.testing.assert_array_equal(counts[chunk], np.sum(distance_km <= 30.0, axis=1))
    assert np.all(pairs.distance_km <= 30.0)


# --- NeighbourPairs -----------------------------------------------------------------


def test_to_csr_keeps_zero_distances() -> None:
    """Self-pairs and coincident points survive in the CSR matrix as zero_as_km."""
    lon, lat = [100.0, 100.0, 101.0], [30.0, 30.0, 30.0]  # points 0 and 1 coincide
    pairs = pairs_within_km(lon, lat, 10.0)
    matrix = pairs.to_csr()
    matrix.eliminate_zeros()
    assert matrix.shape == (3, 3)
    assert matrix.nnz == pairs.n_pairs == 5
    assert matrix[0, 1] == MIN_STORED_DISTANCE_KM
    assert matrix[2, 2] == MIN_STORED_DISTANCE_KM
    assert matrix[0, 2] == 0.0  # absent: 96 km apart
    assert pairs.to_csr(zero_as_km=1e-3)[1, 1] == 1e-3


def test_to_csr_holds_the_distances() -> None:
    """Non-zero distances are stored unchanged at (row, col)."""
    from_lon, from_lat = random_points(50, seed=5)
    pairs = pairs_within_km(from_lon, from_lat, 40.0, from_lon[:20], from_lat[:20])
    matrix = pairs.to_csr()
    assert matrix.shape == (50, 20)
    stored_km = np.asarray(matrix[pairs.rows, pairs.cols]).ravel()
    np.testing.assert_array_equal(stored_km, np.maximum(pairs.distance_km, MIN_STORED_DISTANCE_KM))


@pytest.mark.parametrize("zero_as_km", [0.0, -1.0, math.nan])
def test_to_csr_rejects_bad_zero_as(zero_as_km: float) -> None:
    """zero_as_km must be finite and > 0."""
    pairs = pairs_within_km([1.0], [1.0], 5.0)
    with pytest.raises(ValueError, match="zero_as_km"):
        pairs.to_csr(zero_as_km=zero_as_km)


def test_neighbour_pairs_validate() -> None:
    """Arrays of different length or indices out of range are refused."""
    rows, cols = np.array([0, 1], dtype=np.int64), np.array([0, 0], dtype=np.int64)
    with pytest.raises(ValueError, match="distance_km has shape"):
        NeighbourPairs(rows, cols, np.zeros(3), n_from=2, n_to=1)
    with pytest.raises(ValueError, match=r"cols must lie in \[0, 1\)"):
        NeighbourPairs(rows, cols + 1, np.zeros(2), n_from=2, n_to=1)
    with pytest.raises(ValueError, match="rows must lie"):
        NeighbourPairs(rows, cols, np.zeros(2), n_from=1, n_to=1)


# --- nearest_k ----------------------------------------------------------------------


def test_nearest_k_matches_brute_force() -> None:
    """The k nearest neighbours equal a sort of the dense haversine matrix."""
    from_lon, from_lat = random_points(300, seed=6)
    to_lon, to_lat = random_points(400, seed=7)
    indices, distance_km = nearest_k(from_lon, from_lat, to_lon, to_lat, 5)
    assert indices.shape == distance_km.shape == (300, 5)
    assert indices.dtype == np.int64
    dense_km = haversine_km(from_lon[:, None], from_lat[:, None], to_lon, to_lat)
    np.testing.assert_array_equal(indices, np.argsort(dense_km, axis=1, kind="stable")[:, :5])
    np.testing.assert_allclose(distance_km, np.sort(dense_km, axis=1)[:, :5], rtol=1e-12)
    assert np.all(np.diff(distance_km, axis=1) >= 0.0)


def test_nearest_k_hand_checked() -> None:
    """From Beijing, the nearest of Shanghai, Tianjin and Beijing are Beijing then Tianjin."""
    indices, distance_km = nearest_k(
        [116.4074], [39.9042], [121.4737, 117.2008, 116.4074], [31.2304, 39.0842, 39.9042], 2
    )
    assert indices.tolist() == [[2, 1]]
    assert distance_km[0, 0] == 0.0
    assert distance_km[0, 1] == pytest.approx(113.8, abs=0.1)
    one, _ = nearest_k([0.0, 50.0], [0.0, 0.0], [1.0, 49.0], [0.0, 0.0], 1)
    assert one.tolist() == [[0], [1]]


@pytest.mark.parametrize("k", [0, 3, -1, True, 1.0])
def test_nearest_k_rejects_bad_k(k: int) -> None:
    """k must be an integer between 1 and the number of to points."""
    with pytest.raises(ValueError, match=r"k must be an integer in \[1, 2\]"):
        nearest_k([0.0], [0.0], [1.0, 2.0], [0.0, 0.0], k)


def test_nearest_k_validates_points() -> None:
    """Bad coordinates raise ValueError naming the argument."""
    with pytest.raises(ValueError, match="to_lat must lie"):
        nearest_k([0.0], [0.0], [1.0], [95.0], 1)
    with pytest.raises(ValueError, match="from_lon has 1 values but from_lat has 2"):
        nearest_k([0.0], [0.0, 1.0], [1.0], [0.0], 1)
