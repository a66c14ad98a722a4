"""Placement of townships inside synthetic county polygons that can be checked by hand."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from nevrural.core.atlas.divisions import TownshipKind
from nevrural.core.atlas.placement import place_townships

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__: list[str] = []

UNIT_SQUARE = box(0.0, 0.0, 1.0, 1.0)
# An L: the unit-wide arms along the x and y axes; the square (1, 2) x (1, 2) is outside.
L_SHAPE = Polygon([(0, 0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)])
ISLANDS = MultiPolygon([box(0.0, 0.0, 1.0, 1.0), box(3.0, 0.0, 4.0, 1.0)])
# A needle along the diagonal of the unit box: 1/20 000 of its bounding box.
SLIVER = Polygon([(0.0, 0.0), (1.0, 1.0), (1.0 - 1e-4, 1.0)])

SHAPES = {"square": UNIT_SQUARE, "l_shape": L_SHAPE, "islands": ISLANDS, "sliver": SLIVER}


def codes_of(n: int) -> list[str]:
    """``n`` township codes of one county, in code order."""
    return [f"130123{i:03d}" for i in range(1, n + 1)]


def place(
    polygon: shapely.Geometry,
    kinds: Sequence[TownshipKind],
    seed: int = 130123,
    seat: tuple[float, float] | None = None,
) -> dict[str, tuple[float, float]]:
    """Place one township per kind; the seat defaults to a point on the surface."""
    if seat is None:
        p = shapely.point_on_surface(polygon)
        seat = (p.x, p.y)
    return place_townships(polygon, seat, codes_of(len(kinds)), kinds, seed=seed)


def outside(polygon: shapely.Geometry, placed: Mapping[str, tuple[float, float]]) -> list[str]:
    """Codes whose point is not covered by ``polygon``."""
    return [code for code, (x, y) in placed.items() if not polygon.covers(shapely.Point(x, y))]


def seat_distance(seat: tuple[float, float], point: tuple[float, float]) -> float:
    """Planar distance from the seat, degrees."""
    return math.hypot(point[0] - seat[0], point[1] - seat[1])


@pytest.mark.parametrize("name", sorted(SHAPES))
@pytest.mark.parametrize("n", [1, 2, 7, 25])
def test_every_township_is_inside(name: str, n: int) -> None:
    """Every township is placed inside the polygon, one point per code."""
    polygon = SHAPES[name]
    placed = place(polygon, [TownshipKind.TOWN] * n)
    assert sorted(placed) == codes_of(n)
    assert outside(polygon, placed) == []
    assert all(isinstance(v, float) for point in placed.values() for v in point)


@pytest.mark.parametrize("name", ["square", "l_shape", "islands"])
def test_points_are_distinct(name: str) -> None:
    """No two townships share a point."""
    placed = place(SHAPES[name], [TownshipKind.TOWNSHIP] * 30)
    assert len(set(placed.values())) == 30


def test_l_shape_keeps_out_of_the_notch() -> None:
    """No township lands in the missing quarter of the L, although k-means centres could."""
    placed = place(L_SHAPE, [TownshipKind.TOWN] * 12)
    assert not [p for p in placed.values() if p[0] > 1.0 and p[1] > 1.0]
    assert outside(L_SHAPE, placed) == []


def test_islands_both_get_townships() -> None:
    """Townships spread over both islands of equal size, none in the strait between them."""
    placed = place(ISLANDS, [TownshipKind.TOWN] * 10)
    west = sum(x <= 1.0 for x, _ in placed.values())
    east = sum(x >= 3.0 for x, _ in placed.values())
    assert west + east == 10
    assert west >= 3
    assert east >= 3


def test_spread_is_even_on_the_square() -> None:
    """16 townships cover the unit square evenly: no spot is far from every township."""
    placed = place(UNIT_SQUARE, [TownshipKind.TOWN] * 16, seat=(0.5, 0.5))
    points = np.array(list(placed.values()))
    axis = np.linspace(0.0, 1.0, 51)
    grid = np.stack(np.meshgrid(axis, axis), axis=-1).reshape(-1, 1, 2)
    covering_radius = float(np.sqrt(((grid - points) ** 2).sum(axis=2)).min(axis=1).max())
    # A perfect 4 x 4 grid has covering radius 0.177 (= 0.71 / sqrt(16)).
    assert covering_radius < 1.5 / math.sqrt(16)


def test_same_seed_same_placement() -> None:
    """The same polygon, townships and seed give exactly the same points."""
    kinds = [TownshipKind.SUBDISTRICT, TownshipKind.TOWN, TownshipKind.TOWNSHIP] * 5
    assert place(L_SHAPE, kinds, seed=7) == place(L_SHAPE, kinds, seed=7)


def test_different_seeds_differ() -> None:
    """Two counties (seeds) with the same shape get different points."""
    kinds = [TownshipKind.TOWN] * 10
    first = place(UNIT_SQUARE, kinds, seed=130123)
    second = place(UNIT_SQUARE, kinds, seed=130125)
    assert set(first.values()) != set(second.values())


def test_subdistricts_nearest_the_seat() -> None:
    """Subdistricts get the points nearest the seat, then towns, then townships, then others."""
    kinds = [
        TownshipKind.TOWNSHIP,
        TownshipKind.OTHER,
        TownshipKind.SUBDISTRICT,
        TownshipKind.TOWN,
        TownshipKind.SUBDISTRICT,
        TownshipKind.TOWNSHIP,
        TownshipKind.TOWN,
        TownshipKind.SUBDISTRICT,
        TownshipKind.TOWN,
    ]
    seat = (0.1, 0.1)
    placed = place(L_SHAPE, kinds, seat=seat)
    by_kind: dict[TownshipKind, list[float]] = {}
    for code, kind in zip(codes_of(len(kinds)), kinds, strict=True):
        by_kind.setdefault(kind, []).append(seat_distance(seat, placed[code]))
    order = [TownshipKind.SUBDISTRICT, TownshipKind.TOWN, TownshipKind.TOWNSHIP, TownshipKind.OTHER]
    for nearer, farther in itertools.pairwise(order):
        assert max(by_kind[nearer]) <= min(by_kind[farther]), (nearer, farther)


def test_ties_within_a_kind_follow_the_code() -> None:
    """Within one kind, lower codes get the points nearer the seat."""
    seat = (0.0, 0.0)
    placed = place(UNIT_SQUARE, [TownshipKind.TOWN] * 6, seat=seat)
    distances = [seat_distance(seat, placed[code]) for code in codes_of(6)]
    assert distances == sorted(distances)


def test_no_townships_no_points() -> None:
    """An empty list of townships places nothing."""
    assert place_townships(UNIT_SQUARE, (0.5, 0.5), [], [], seed=1) == {}


def test_count_mismatch_is_refused() -> None:
    """Codes and kinds of different lengths raise ValueError naming both lengths."""
    with pytest.raises(ValueError, match=r"3 entries but kinds has 2"):
        place_townships(UNIT_SQUARE, (0.5, 0.5), codes_of(3), [TownshipKind.TOWN] * 2, seed=1)


def test_degenerate_sliver_still_inside() -> None:
    """A sliver no quasi-random sample falls into still gets points on its surface."""
    needle = Polygon([(0.0, 0.0), (1.0, 1.0), (1.0 - 1e-12, 1.0)])
    placed = place(needle, [TownshipKind.TOWN] * 3)
    assert len(placed) == 3
    assert outside(needle.buffer(1e-9), placed) == []


# ---------------------------------------------------------------- property


@st.composite
def polygons(draw: st.DrawFn) -> shapely.Geometry:
    """A convex hull of random points, or a star-shaped (usually concave) polygon, in degrees."""
    lon = draw(st.floats(75.0, 130.0))
    lat = draw(st.floats(20.0, 50.0))
    size = draw(st.floats(0.05, 2.0))
    n_vertices = draw(st.integers(3, 14))
    if draw(st.booleans()):
        unit = draw(
            st.lists(
                st.tuples(st.floats(0.0, 1.0), st.floats(0.0, 1.0)),
                min_size=n_vertices,
                max_size=n_vertices,
            )
        )
        polygon = shapely.convex_hull(shapely.MultiPoint(unit))
    else:
        # Angles strictly increasing around the centre make a simple polygon.
        jitter = draw(st.lists(st.floats(-0.4, 0.4), min_size=n_vertices, max_size=n_vertices))
        radii = draw(st.lists(st.floats(0.15, 1.0), min_size=n_vertices, max_size=n_vertices))
        step = 2.0 * math.pi / n_vertices
        polygon = Polygon(
            [
                (r * math.cos((i + j) * step), r * math.sin((i + j) * step))
                for i, (j, r) in enumerate(zip(jitter, radii, strict=True))
            ]
        )
    assume(polygon.geom_type == "Polygon" and polygon.is_valid and polygon.area > 0.02)
    return shapely.transform(polygon, lambda xy: np.asarray(xy) * size + [lon, lat])


@settings(max_examples=40, deadline=None)
@given(
    polygon=polygons(),
    kinds=st.lists(st.sampled_from(list(TownshipKind)), min_size=1, max_size=40),
    seed=st.integers(0, 2**32 - 1),
)
def test_property_inside_and_distinct(
    polygon: shapely.Geometry, kinds: list[TownshipKind], seed: int
) -> None:
    """For random convex and concave polygons and 1-40 townships, points are inside and distinct."""
    placed = place(polygon, kinds, seed=seed)
    assert len(placed) == len(kinds)
    assert outside(polygon, placed) == []
    assert len(set(placed.values())) == len(kinds)
