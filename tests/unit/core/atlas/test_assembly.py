"""Assembling a tiny synthetic atlas: location qualities, placed points, boundaries, counts."""

from __future__ import annotations

import math

import pytest
import shapely
from shapely.geometry import box

from nevrural.core.atlas.assembly import AtlasInputs, AtlasResult, SourceDivision, assemble_atlas
from nevrural.core.atlas.boundaries import area_km2
from nevrural.core.atlas.divisions import Division, Level, LocationQuality

__all__: list[str] = []

P, F, C, T = Level.PROVINCE, Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP
REF, APPROX = LocationQuality.REFERENCE, LocationQuality.APPROXIMATE

DIVISIONS = (
    SourceDivision(P, "130000", None, "河北省"),
    SourceDivision(F, "130100", "130000", "石家庄市"),
    SourceDivision(C, "130102", "130100", "长安区"),  # reference point and polygon
    SourceDivision(C, "130104", "130100", "桥西区"),  # polygon only
    SourceDivision(T, "130102001", "130102", "建北街道"),
    SourceDivision(T, "130102100", "130102", "西兆通镇"),
    SourceDivision(T, "130104100", "130104", "某某镇"),
    # A prefecture governing townships directly (like 东莞市): no counties, own polygon.
    SourceDivision(F, "130200", "130000", "直管市"),
    SourceDivision(T, "130200001", "130200", "东城街道"),
    SourceDivision(T, "130200101", "130200", "石龙镇"),
)
POINTS = {
    "130000": (114.5, 38.0),
    "130100": (114.5, 38.05),
    "130102": (114.3, 38.3),
    "130200": (118.5, 39.5),
}
POLYGONS = {
    "130102": box(114.0, 38.0, 114.5, 38.5),
    "130104": box(114.5, 38.0, 115.0, 38.5),
    "130200": box(118.0, 39.0, 119.0, 40.0),
}


def inputs(
    divisions: tuple[SourceDivision, ...] = DIVISIONS,
    points: dict[str, tuple[float, float]] | None = None,
    polygons: dict[str, shapely.Geometry] | None = None,
) -> AtlasInputs:
    """The synthetic inputs, optionally with other divisions, points or polygons."""
    return AtlasInputs(
        divisions=divisions,
        points=POINTS if points is None else points,
        polygons=POLYGONS if polygons is None else polygons,
    )


@pytest.fixture(scope="module")
def atlas() -> AtlasResult:
    """The assembled synthetic atlas."""
    return assemble_atlas(inputs())


def by_code(atlas: AtlasResult) -> dict[str, Division]:
    """Divisions of an atlas by code."""
    return {d.code: d for d in atlas.divisions}


def is_inside(polygon: shapely.Geometry, division: Division) -> bool:
    """Whether the division's point is covered by ``polygon``."""
    assert division.lon is not None
    assert division.lat is not None
    return bool(polygon.covers(shapely.Point(division.lon, division.lat)))


def test_divisions_keep_source_order_and_fields(atlas: AtlasResult) -> None:
    """Every source division appears once, in source order, with its name, level and parent."""
    assert [(d.code, d.name, d.level, d.parent_code) for d in atlas.divisions] == [
        (s.code, s.name, s.level, s.parent_code) for s in DIVISIONS
    ]


def test_counts(atlas: AtlasResult) -> None:
    """Counts per level and of boundaries."""
    assert dict(atlas.counts) == {
        "province": 1,
        "prefecture": 2,
        "county": 2,
        "township": 5,
        "boundaries": 3,
    }


def test_reference_points_are_used(atlas: AtlasResult) -> None:
    """Divisions with a package point get it unchanged, flagged ``reference``."""
    divisions = by_code(atlas)
    for code, (lon, lat) in POINTS.items():
        assert (divisions[code].lon, divisions[code].lat) == (lon, lat)
        assert divisions[code].location_quality is REF


def test_county_without_point_is_approximate_inside_its_polygon(atlas: AtlasResult) -> None:
    """A county without a reference point gets a point on its polygon, ``approximate``."""
    county = by_code(atlas)["130104"]
    assert county.location_quality is APPROX
    assert is_inside(POLYGONS["130104"], county)


def test_townships_are_approximate_inside_their_parent(atlas: AtlasResult) -> None:
    """Every township is placed inside its county's (or direct prefecture's) polygon."""
    townships = [d for d in atlas.divisions if d.level is T]
    assert len(townships) == 5
    for township in townships:
        assert township.location_quality is APPROX
        assert township.parent_code is not None
        assert is_inside(POLYGONS[township.parent_code], township), township.code


def test_subdistrict_nearer_the_seat_than_the_town(atlas: AtlasResult) -> None:
    """In 直管市 the 街道 is placed nearer the seat than the 镇."""
    divisions = by_code(atlas)
    seat = POINTS["130200"]

    def gap(code: str) -> float:
        d = divisions[code]
        assert d.lon is not None
        assert d.lat is not None
        return math.hypot(d.lon - seat[0], d.lat - seat[1])

    assert gap("130200001") <= gap("130200101")


def test_boundaries(atlas: AtlasResult) -> None:
    """Boundaries come sorted by code with their geometry, a valid web copy and km² area."""
    assert [b.code for b in atlas.boundaries] == sorted(POLYGONS)
    for boundary in atlas.boundaries:
        assert boundary.geometry.equals(POLYGONS[boundary.code])
        assert boundary.simplified.is_valid
        assert not boundary.simplified.is_empty
        assert boundary.area_km2 == pytest.approx(area_km2(POLYGONS[boundary.code]))
    # Half a degree square at 38°N is about 55.5 km x 43.8 km.
    assert atlas.boundaries[0].area_km2 == pytest.approx(2_430, rel=0.01)


def test_assembly_is_deterministic() -> None:
    """The same inputs give the same atlas."""
    assert assemble_atlas(inputs()).divisions == assemble_atlas(inputs()).divisions


def test_county_without_point_or_polygon_takes_its_parent_point() -> None:
    """A county with neither point nor polygon takes its prefecture's point; townships ring it."""
    extra = (
        SourceDivision(C, "130105", "130100", "新华区"),
        SourceDivision(T, "130105001", "130105", "革新街道"),
        SourceDivision(T, "130105100", "130105", "赵陵铺镇"),
    )
    divisions = by_code(assemble_atlas(inputs((*DIVISIONS, *extra))))
    county = divisions["130105"]
    assert (county.lon, county.lat) == POINTS["130100"]
    assert county.location_quality is APPROX
    disc = shapely.Point(POINTS["130100"]).buffer(0.05)
    for code in ("130105001", "130105100"):
        assert divisions[code].location_quality is APPROX
        assert is_inside(disc, divisions[code])


def test_polygons_of_unknown_codes_are_not_boundaries() -> None:
    """A polygon whose code is not a division is left out of the boundaries."""
    polygons = {**POLYGONS, "139999": box(120.0, 40.0, 121.0, 41.0)}
    atlas = assemble_atlas(inputs(polygons=polygons))
    assert "139999" not in {b.code for b in atlas.boundaries}
    assert atlas.counts["boundaries"] == 3


def test_township_without_any_anchor_has_no_point() -> None:
    """A township whose parent has no point, polygon or placed ancestor stays unplaced."""
    orphan = (SourceDivision(T, "990101001", "990101", "无名街道"),)
    atlas = assemble_atlas(inputs((*DIVISIONS, *orphan)))
    township = by_code(atlas)["990101001"]
    assert (township.lon, township.lat, township.location_quality) == (None, None, None)
    assert atlas.counts["township"] == 6


def test_duplicate_codes_are_refused() -> None:
    """A code listed twice raises ValueError naming it."""
    with pytest.raises(ValueError, match="130102"):
        inputs((*DIVISIONS, SourceDivision(C, "130102", "130100", "长安区")))
