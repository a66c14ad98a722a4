"""Assemble the atlas from raw division lists, reference points and county polygons.

The inputs come from published data packages (read by an adapter); this module decides
which coordinate every division gets and how trustworthy it is:

* provinces, prefectures, counties: the package's reference point (``reference``);
  a county without one gets a point on its polygon, or its parent's point
  (``approximate``);
* townships: placed inside the real polygon of their parent county (or of their
  prefecture, for prefectures without counties such as 东莞市), see
  :mod:`nevrural.core.atlas.placement` (``approximate``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import shapely

from nevrural.core.atlas.boundaries import area_km2, simplify_for_web
from nevrural.core.atlas.divisions import (
    Division,
    Level,
    LocationQuality,
    classify_township,
)
from nevrural.core.atlas.placement import place_townships

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["AtlasInputs", "AtlasResult", "CountyBoundary", "SourceDivision", "assemble_atlas"]


@dataclass(frozen=True, slots=True)
class SourceDivision:
    """A division as listed by the source: level, code, parent code (None at the top), name."""

    level: Level
    code: str
    parent_code: str | None
    name: str


@dataclass(frozen=True)
class AtlasInputs:
    """Everything the atlas is built from.

    ``points`` maps six-digit codes to (lon, lat) degrees; ``polygons`` maps six-digit
    codes of counties (and of prefectures without counties) to their boundary.
    """

    divisions: tuple[SourceDivision, ...]
    points: Mapping[str, tuple[float, float]]
    polygons: Mapping[str, shapely.Geometry]

    def __post_init__(self) -> None:
        repeated = [c for c, n in Counter(d.code for d in self.divisions).items() if n > 1]
        if repeated:
            raise ValueError(f"division codes listed more than once: {', '.join(repeated[:10])}")


@dataclass(frozen=True, slots=True)
class CountyBoundary:
    """A county's polygon (lon/lat degrees), its simplified web copy and its area, km²."""

    code: str
    geometry: shapely.Geometry
    simplified: shapely.Geometry
    area_km2: float


@dataclass(frozen=True)
class AtlasResult:
    """The assembled atlas: divisions with coordinates and county boundaries."""

    divisions: tuple[Division, ...]
    boundaries: tuple[CountyBoundary, ...]
    counts: Mapping[str, int] = field(default_factory=dict)


def _position(
    src: SourceDivision,
    inputs: AtlasInputs,
    placed: Mapping[str, tuple[float, float]],
) -> tuple[tuple[float, float] | None, LocationQuality | None]:
    """Coordinate and quality of one non-township division."""
    if src.code in inputs.points:
        return inputs.points[src.code], LocationQuality.REFERENCE
    polygon = inputs.polygons.get(src.code)
    if polygon is not None:
        p = shapely.point_on_surface(polygon)
        return (float(p.x), float(p.y)), LocationQuality.APPROXIMATE
    if src.parent_code is not None and src.parent_code in placed:
        return placed[src.parent_code], LocationQuality.APPROXIMATE
    return None, None


def _place_all_townships(
    inputs: AtlasInputs, anchors: Mapping[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Township coordinates, placed county by county inside the parent polygon."""
    children: dict[str, list[SourceDivision]] = defaultdict(list)
    for d in inputs.divisions:
        if d.level is Level.TOWNSHIP and d.parent_code is not None:
            children[d.parent_code].append(d)
    placed: dict[str, tuple[float, float]] = {}
    for parent, towns in sorted(children.items()):
        anchor = anchors.get(parent)
        polygon = inputs.polygons.get(parent)
        if polygon is None and anchor is not None:
            # No polygon (e.g. very new districts): a 5 km disc around the seat.
            polygon = shapely.Point(anchor).buffer(0.05)
        if polygon is None:
            continue
        seat = anchor or (
            float(shapely.point_on_surface(polygon).x),
            float(shapely.point_on_surface(polygon).y),
        )
        codes = [t.code for t in towns]
        kinds = [classify_township(t.code, t.name) for t in towns]
        placed.update(place_townships(polygon, seat, codes, kinds, seed=int(parent)))
    return placed


def assemble_atlas(inputs: AtlasInputs) -> AtlasResult:
    """Give every division a coordinate and build the county boundary set."""
    anchors: dict[str, tuple[float, float]] = {}
    quality: dict[str, LocationQuality] = {}
    for src in sorted(inputs.divisions, key=lambda d: d.level):
        if src.level is Level.TOWNSHIP:
            continue
        point, q = _position(src, inputs, anchors)
        if point is not None and q is not None:
            anchors[src.code] = point
            quality[src.code] = q
    townships = _place_all_townships(inputs, anchors)
    divisions = []
    for src in inputs.divisions:
        if src.level is Level.TOWNSHIP:
            point = townships.get(src.code)
            q = LocationQuality.APPROXIMATE if point else None
        else:
            point, q = anchors.get(src.code), quality.get(src.code)
        divisions.append(
            Division(
                src.code,
                src.name,
                src.level,
                src.parent_code,
                point[0] if point else None,
                point[1] if point else None,
                q,
            )
        )
    known = {d.code for d in divisions}
    boundary_codes = sorted(code for code in inputs.polygons if code in known)
    shapes = [inputs.polygons[c] for c in boundary_codes]
    simplified = simplify_for_web(shapes)
    boundaries = tuple(
        CountyBoundary(code, geom, simple, area_km2(geom))
        for code, geom, simple in zip(boundary_codes, shapes, simplified, strict=True)
    )
    counts = {level.name.lower(): sum(d.level is level for d in divisions) for level in Level}
    counts["boundaries"] = len(boundaries)
    return AtlasResult(tuple(divisions), boundaries, counts)
