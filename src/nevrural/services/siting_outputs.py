"""A stored siting scenario as GeoJSON (sites and townships) and as CSV rows."""

from __future__ import annotations

from typing import Any

__all__ = ["SITE_CSV_COLUMNS", "siting_csv_rows", "siting_geojson"]

SITE_CSV_COLUMNS = (
    "county_code",
    "site_id",
    "name",
    "kind",
    "role",
    "is_new",
    "lon",
    "lat",
    "chargers_possible",
    "nev_capacity",
    "townships_served",
)


def _point(lon: float, lat: float, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def siting_geojson(result: dict[str, Any]) -> dict[str, Any]:
    """Sites and townships as one FeatureCollection (``layer`` = site / township / link).

    Each township is linked to its serving site by a LineString, so a map shows the
    catchments. Coordinates are lon/lat degrees (WGS-84/CGCS2000).
    """
    sites = {(s["site_id"], s["role"]): s for s in result["sites"]}
    by_id = {s["site_id"]: s for s in result["sites"]}
    features = [
        _point(
            s["lon"],
            s["lat"],
            {"layer": "site", **{k: v for k, v in s.items() if k not in {"lon", "lat"}}},
        )
        for s in sites.values()
    ]
    for town in result["townships"]:
        props = {k: v for k, v in town.items() if k not in {"lon", "lat"}}
        features.append(_point(town["lon"], town["lat"], {"layer": "township", **props}))
        site = by_id.get(town.get("site_id") or "")
        if site is not None and town.get("is_covered"):
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[town["lon"], town["lat"]], [site["lon"], site["lat"]]],
                    },
                    "properties": {
                        "layer": "link",
                        "township": town["code"],
                        "site_id": site["site_id"],
                        "road_km": town.get("road_km"),
                    },
                }
            )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"use_case": result.get("use_case"), "source": "modelled"},
    }


def siting_csv_rows(result: dict[str, Any]) -> tuple[tuple[str, ...], list[list[str]]]:
    """One CSV row per site, with the columns of ``SITE_CSV_COLUMNS``."""
    rows = [
        [("" if site.get(c) is None else str(site.get(c))) for c in SITE_CSV_COLUMNS]
        for site in result["sites"]
    ]
    return SITE_CSV_COLUMNS, rows
