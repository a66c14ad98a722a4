"""Equal-area size of lon/lat polygons and coverage-preserving simplification for web maps."""

from __future__ import annotations

import math

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from nevrural.core.atlas.boundaries import area_km2, simplify_for_web
from nevrural.core.geo import EARTH_RADIUS_KM

__all__: list[str] = []


def sphere_box_area_km2(lon_span_deg: float, lat_south_deg: float, lat_north_deg: float) -> float:
    """Exact area of a lon/lat box on the sphere, km²: R² Δλ (sin φ2 - sin φ1)."""
    return (
        EARTH_RADIUS_KM**2
        * math.radians(lon_span_deg)
        * (math.sin(math.radians(lat_north_deg)) - math.sin(math.radians(lat_south_deg)))
    )


# ---------------------------------------------------------------- area_km2


def test_one_degree_box_at_the_equator() -> None:
    """A 1° x 1° box on the equator is about 12,364 km²."""
    assert area_km2(box(0.0, 0.0, 1.0, 1.0)) == pytest.approx(12_364, rel=1e-3)
    assert area_km2(box(0.0, 0.0, 1.0, 1.0)) == pytest.approx(
        sphere_box_area_km2(1.0, 0.0, 1.0), rel=1e-4
    )


def test_one_degree_box_at_60_north_is_about_half() -> None:
    """At 60°N a 1° x 1° box is about half as large (cos 60° = 0.5)."""
    equator = area_km2(box(0.0, 0.0, 1.0, 1.0))
    north = area_km2(box(0.0, 60.0, 1.0, 61.0))
    assert north / equator == pytest.approx(0.5, abs=0.01)
    assert north == pytest.approx(sphere_box_area_km2(1.0, 60.0, 61.0), rel=1e-3)


def test_area_does_not_depend_on_longitude() -> None:
    """The same box at 114°E and at 0° has the same area."""
    assert area_km2(box(114.0, 38.0, 115.0, 39.0)) == pytest.approx(
        area_km2(box(0.0, 38.0, 1.0, 39.0)), rel=1e-9
    )


def test_area_is_additive() -> None:
    """Two halves of a box add up to the box, and a MultiPolygon to its parts."""
    whole = area_km2(box(114.0, 38.0, 115.0, 39.0))
    west, east = box(114.0, 38.0, 114.5, 39.0), box(114.5, 38.0, 115.0, 39.0)
    assert area_km2(west) + area_km2(east) == pytest.approx(whole, rel=1e-4)
    assert area_km2(MultiPolygon([west, east])) == pytest.approx(whole, rel=1e-4)


def test_holes_are_subtracted() -> None:
    """A polygon with a hole is the outer area minus the hole's."""
    outer, hole = box(100.0, 30.0, 101.0, 31.0), box(100.25, 30.25, 100.75, 30.75)
    ring = Polygon(outer.exterior.coords, [hole.exterior.coords])
    assert area_km2(ring) == pytest.approx(area_km2(outer) - area_km2(hole), rel=1e-4)


def test_area_is_a_python_float() -> None:
    """The area is a plain float, not a numpy scalar."""
    assert type(area_km2(box(0.0, 0.0, 1.0, 1.0))) is float


# ---------------------------------------------------------------- simplify_for_web


def wiggly_pair() -> tuple[Polygon, Polygon]:
    """Two unit squares side by side whose shared border x = 1 zigzags ±0.004°."""
    border = [(1.0 + (0.004 if i % 2 else -0.004) * (0 < i < 50), i / 50) for i in range(51)]
    west = Polygon([(0.0, 0.0), *border, (0.0, 1.0)])
    east = Polygon([*border, (2.0, 1.0), (2.0, 0.0)])
    assert west.is_valid
    assert east.is_valid
    assert west.intersection(east).area == pytest.approx(0.0, abs=1e-12)
    return west, east


def test_shared_edge_stays_shared() -> None:
    """After simplification the two squares neither overlap nor leave a gap."""
    west, east = wiggly_pair()
    simple_west, simple_east = simplify_for_web([west, east])
    assert simple_west.is_valid
    assert simple_east.is_valid
    union = shapely.union(simple_west, simple_east)
    assert union.area == pytest.approx(simple_west.area + simple_east.area, abs=1e-9)
    assert shapely.intersection(simple_west, simple_east).area == pytest.approx(0.0, abs=1e-9)
    # No gap: together they still fill the 2 x 1 box.
    assert shapely.symmetric_difference(union, box(0.0, 0.0, 2.0, 1.0)).area < 1e-9
    border = shapely.intersection(simple_west.boundary, simple_east.boundary)
    assert border.length == pytest.approx(1.0, abs=0.01)


def test_wiggles_below_the_tolerance_are_removed() -> None:
    """A zigzag smaller than the tolerance is smoothed: fewer than half the vertices remain."""
    west, east = wiggly_pair()
    simple_west, simple_east = simplify_for_web([west, east])
    assert shapely.get_num_coordinates(simple_west) < shapely.get_num_coordinates(west) / 2
    assert shapely.get_num_coordinates(simple_east) < shapely.get_num_coordinates(east) / 2
    assert simple_west.area == pytest.approx(1.0, abs=0.01)


def test_coordinates_snap_to_the_grid() -> None:
    """Simplified coordinates lie on the 0.001° grid."""
    polygon = Polygon([(0.00012, 0.00034), (1.00056, 0.00078), (0.5, 0.80091)])
    (simple,) = simplify_for_web([polygon])
    for x, y in shapely.get_coordinates(simple):
        assert x * 1000 == pytest.approx(round(x * 1000), abs=1e-6)
        assert y * 1000 == pytest.approx(round(y * 1000), abs=1e-6)


def test_one_result_per_input_all_valid() -> None:
    """Each input gets one simplified, valid and non-empty geometry, islands included."""
    shapes = [box(0.0, 0.0, 1.0, 1.0), MultiPolygon([box(3, 0, 4, 1), box(5, 0, 6, 1)])]
    simplified = simplify_for_web(shapes)
    assert len(simplified) == 2
    assert all(g.is_valid and not g.is_empty for g in simplified)
    assert simplified[1].geom_type == "MultiPolygon"


@pytest.mark.parametrize(
    ("tolerance_deg", "grid_deg"), [(0.0, 0.001), (-0.01, 0.001), (0.02, 0.0), (0.02, -1.0)]
)
def test_non_positive_tolerance_or_grid_is_refused(tolerance_deg: float, grid_deg: float) -> None:
    """A tolerance or grid ≤ 0 raises ValueError naming the values."""
    with pytest.raises(ValueError, match="must be > 0"):
        simplify_for_web([box(0.0, 0.0, 1.0, 1.0)], tolerance_deg, grid_deg)
