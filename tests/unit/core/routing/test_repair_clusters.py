"""Township clusters with known answers: hubs within the road radius, nearest-hub members.

At latitude 40 N, 0.05 degrees of longitude are 4.26 great-circle km, 5.75 road km
with the default circuity 1.35.
"""

from __future__ import annotations

import pytest

from nevrural.core.geo import DEFAULT_RURAL_CIRCUITY, haversine_km
from nevrural.core.routing.repair_clusters import township_clusters

__all__: list[str] = []

LAT = [40.0] * 6
TWO_GROUPS = [116.00, 116.05, 116.10, 116.50, 116.55, 116.60]


def test_two_groups_get_their_middle_townships_as_hubs() -> None:
    """Only each group's middle township is within 8 road km of both others."""
    clusters = township_clusters(TWO_GROUPS, LAT, radius_km=8.0)
    assert clusters.hubs == (1, 4)
    assert clusters.cluster_of == (0, 0, 0, 1, 1, 1)
    assert clusters.hub_of == (1, 1, 1, 4, 4, 4)
    assert (clusters.min_hubs, clusters.is_optimal, clusters.n_clusters) == (2, True, 2)
    assert clusters.members(1) == (3, 4, 5)


def test_road_km_is_great_circle_times_circuity() -> None:
    """Township 0's 5.75 road km to hub 1 is its haversine km times 1.35."""
    clusters = township_clusters(TWO_GROUPS, LAT, radius_km=8.0)
    expected = haversine_km(116.00, 40.0, 116.05, 40.0) * DEFAULT_RURAL_CIRCUITY
    assert clusters.road_km_to_hub[0] == pytest.approx(expected, rel=1e-12)
    assert clusters.road_km_to_hub[1] == 0.0
    assert type(clusters.road_km_to_hub[0]) is float


def test_a_lower_circuity_lets_one_hub_cover_a_wider_group() -> None:
    """With circuity 1.0 (road = great circle), 4.3 km covers 116.00-116.10 from 116.05 only."""
    clusters = township_clusters(TWO_GROUPS[:3], LAT[:3], radius_km=4.3, circuity=1.0)
    assert clusters.hubs == (1,)


def test_small_radius_makes_every_township_a_hub() -> None:
    """No two townships are within 1 road km: each is its own cluster."""
    clusters = township_clusters(TWO_GROUPS, LAT, radius_km=1.0)
    assert clusters.hubs == tuple(range(6))
    assert clusters.cluster_of == tuple(range(6))
    assert set(clusters.road_km_to_hub) == {0.0}


def test_large_radius_gives_one_cluster() -> None:
    """Township 2 (116.10) is within 60 road km of all, and no other is."""
    clusters = township_clusters(TWO_GROUPS, LAT, radius_km=60.0)
    assert clusters.n_clusters == 1
    assert all(km <= 60.0 for km in clusters.road_km_to_hub)


def test_twin_townships_share_one_hub() -> None:
    """Two townships at the same place and one 5.75 road km away: one hub for all three."""
    clusters = township_clusters([116.0, 116.0, 116.05], [40.0] * 3, radius_km=6.0)
    assert clusters.n_clusters == 1
    assert clusters.cluster_of == (0, 0, 0)


def test_members_join_the_nearest_hub() -> None:
    """A township within reach of two hubs joins the nearer one."""
    lon = [116.00, 116.05, 116.10, 116.12, 116.17, 116.22]
    clusters = township_clusters(lon, [40.0] * 6, radius_km=8.0)
    for i, hub in enumerate(clusters.hub_of):
        for other in clusters.hubs:
            assert haversine_km(lon[i], 40.0, lon[hub], 40.0) <= haversine_km(
                lon[i], 40.0, lon[other], 40.0
            )


@pytest.mark.parametrize(
    ("lon", "radius_km", "circuity", "message"),
    [
        ([116.0], 0.0, 1.35, "radius_km"),
        ([116.0], 5.0, 0.9, "circuity"),
        ([], 5.0, 1.35, "lon_deg"),
    ],
)
def test_bad_arguments_are_named(
    lon: list[float], radius_km: float, circuity: float, message: str
) -> None:
    """A bad radius, circuity or empty coordinate list is refused by name."""
    with pytest.raises(ValueError, match=message):
        township_clusters(lon, [40.0] * len(lon), radius_km, circuity)
