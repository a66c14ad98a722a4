"""A siting result as GeoJSON and CSV."""

from __future__ import annotations

from typing import Any

from nevrural.services.siting_outputs import SITE_CSV_COLUMNS, siting_csv_rows, siting_geojson

RESULT: dict[str, Any] = {
    "use_case": "charging",
    "sites": [
        {
            "county_code": "130123",
            "site_id": "130123",
            "name": "正定县驻地",
            "kind": "county_seat",
            "lon": 114.57,
            "lat": 38.15,
            "role": "charging_station",
            "is_new": False,
            "chargers_possible": 9,
            "nev_capacity": 78.9,
            "townships_served": 1,
        },
        {
            "county_code": "130123",
            "site_id": "130123101",
            "name": "某镇",
            "kind": "town",
            "lon": 114.60,
            "lat": 38.20,
            "role": "charging_station",
            "is_new": True,
            "chargers_possible": 2,
            "nev_capacity": 17.5,
            "townships_served": 1,
        },
    ],
    "townships": [
        {
            "code": "130123101",
            "name": "某镇",
            "county_code": "130123",
            "lon": 114.60,
            "lat": 38.20,
            "demand": 10.0,
            "site_id": "130123101",
            "road_km": 0.0,
            "is_covered": True,
        },
        {
            "code": "130123201",
            "name": "某乡",
            "county_code": "130123",
            "lon": 114.90,
            "lat": 38.40,
            "demand": 5.0,
            "site_id": "130123",
            "road_km": 42.0,
            "is_covered": False,
        },
    ],
}


def test_geojson_has_sites_townships_and_links_for_covered_only() -> None:
    """Two site points, two township points, and a link only for the covered township."""
    collection = siting_geojson(RESULT)
    layers = [f["properties"]["layer"] for f in collection["features"]]
    assert layers.count("site") == 2
    assert layers.count("township") == 2
    links = [f for f in collection["features"] if f["properties"]["layer"] == "link"]
    assert len(links) == 1
    assert links[0]["geometry"]["coordinates"] == [[114.60, 38.20], [114.60, 38.20]]
    assert collection["properties"]["source"] == "modelled"


def test_geojson_points_are_lon_lat() -> None:
    """Point coordinates are [lon, lat]."""
    first = siting_geojson(RESULT)["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [114.57, 38.15]}


def test_csv_has_one_row_per_site_in_column_order() -> None:
    """The CSV header is SITE_CSV_COLUMNS and each row follows it."""
    header, rows = siting_csv_rows(RESULT)
    assert header == SITE_CSV_COLUMNS
    assert len(rows) == 2
    assert rows[1][header.index("name")] == "某镇"
    assert rows[1][header.index("is_new")] == "True"
