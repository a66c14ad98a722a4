"""County boundary geometry: equal-area size and a simplified copy for web maps.

>>> from shapely.geometry import box
>>> round(area_km2(box(0.0, 0.0, 1.0, 1.0)))
12364
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

from nevrural.core.geo import EARTH_RADIUS_KM

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["area_km2", "simplify_for_web"]

# Shared borders stay shared after simplification (a polygonal coverage), so
# neighbouring counties neither overlap nor leave gaps on the map.
WEB_TOLERANCE_DEG = 0.02  # ~2 km: invisible at province zoom, keeps the file ~2.5 MB
WEB_GRID_DEG = 0.001  # ~100 m coordinate grid
_DENSIFY_DEG = 0.05  # edge length for area computation; error < 1e-6 relative


def area_km2(geometry: shapely.Geometry) -> float:
    """Area of a lon/lat (degrees) polygon in km², on the sphere.

    Uses the sinusoidal projection, which is equal-area: x = R (λ - λ0) cos φ, y = R φ.
    Edges are first split every ``_DENSIFY_DEG`` so that the straight segments drawn
    between projected vertices follow the projected (curved) meridians.
    """
    lon0 = float(shapely.centroid(geometry).x)
    geometry = shapely.segmentize(geometry, _DENSIFY_DEG)

    def to_sinusoidal(coords: np.ndarray) -> np.ndarray:
        lon = np.radians(coords[:, 0] - lon0)
        lat = np.radians(coords[:, 1])
        return np.column_stack([EARTH_RADIUS_KM * lon * np.cos(lat), EARTH_RADIUS_KM * lat])

    return float(shapely.area(shapely.transform(geometry, to_sinusoidal)))


def simplify_for_web(
    geometries: Sequence[shapely.Geometry],
    tolerance_deg: float = WEB_TOLERANCE_DEG,
    grid_deg: float = WEB_GRID_DEG,
) -> list[shapely.Geometry]:
    """Simplify a polygonal coverage for drawing; shared edges stay shared.

    Parameters
    ----------
    geometries
        County polygons that tile the country (lon/lat degrees).
    tolerance_deg
        Simplification tolerance, degrees.
    grid_deg
        Coordinates are snapped to this grid, degrees. A polygon that would vanish
        keeps its unsimplified shape.
    """
    if tolerance_deg <= 0 or grid_deg <= 0:
        raise ValueError(f"tolerance_deg={tolerance_deg} and grid_deg={grid_deg} must be > 0")
    array = np.asarray(geometries, dtype=object)
    simplified = shapely.set_precision(shapely.coverage_simplify(array, tolerance_deg), grid_deg)
    vanished = shapely.is_empty(simplified) | ~shapely.is_valid(simplified)
    simplified[vanished] = shapely.set_precision(array[vanished], grid_deg / 10)
    return list(simplified)
