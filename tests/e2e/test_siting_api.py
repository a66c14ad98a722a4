"""The siting API (charging, repair, stored scenarios and their files) through TestClient."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nevrural.interfaces.api.app import create_app

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nevrural.bootstrap import Container

__all__: list[str] = []

SITING = "/api/v1/siting"
COUNTIES = ["130123", "530521"]  # 正定县 (plain), 施甸县 (mountains)


@pytest.fixture
def client(atlas_container: Container) -> Iterator[TestClient]:
    """A TestClient on a private copy of the full atlas (no demo seeded)."""
    with TestClient(create_app(atlas_container)) as test_client:
        yield test_client


def create(client: TestClient, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a plan and return the stored scenario (201 expected)."""
    response = client.post(f"{SITING}/{kind}", json=body)
    assert response.status_code == 201, response.text
    document = response.json()
    assert isinstance(document, dict)
    return document


def test_charging_plan_is_stored_and_read_back(client: TestClient) -> None:
    """Two counties, three new stations each: stored, listed and identical on read."""
    body = {"name": "两县充电", "county_codes": COUNTIES, "stations_per_county": 3}
    scenario = create(client, "charging", body)
    result = scenario["result"]
    assert [c["code"] for c in result["counties"]] == COUNTIES
    assert all(c["stations_new"] == 3 for c in result["counties"])
    assert result["solver"]["max_gap"] <= 1e-6
    listed = client.get(f"{SITING}/scenarios").json()
    assert scenario["id"] in [s["id"] for s in listed]
    again = client.get(f"{SITING}/scenarios/{scenario['id']}").json()
    assert again["result"] == result


def test_repair_plan_reports_cover_and_technicians(client: TestClient) -> None:
    """A full cover leaves no township outside; the technician quotas add up."""
    body = {
        "county_codes": COUNTIES,
        "fixed_points_per_county": None,
        "response_time_min": 30.0,
        "technicians_total": 12,
    }
    result = create(client, "repair", body)["result"]
    totals = result["totals"]
    assert totals["townships_within_response"] == totals["townships"] > 0
    assert sum(c["technician_quota"] for c in result["counties"]) == 12


def test_geojson_and_csv_list_the_same_sites(client: TestClient) -> None:
    """The GeoJSON site layer and the CSV rows match the stored sites one for one."""
    scenario = create(client, "charging", {"county_codes": COUNTIES[:1]})
    url = f"{SITING}/scenarios/{scenario['id']}"
    geojson = client.get(f"{url}/sites.geojson")
    assert geojson.headers["content-type"].startswith("application/geo+json")
    sites = [
        f for f in json.loads(geojson.content)["features"] if f["properties"]["layer"] == "site"
    ]
    table = client.get(f"{url}/sites.csv")
    assert table.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert len(sites) == len(rows) - 1 == len(scenario["result"]["sites"])
    assert all(f["geometry"]["type"] == "Point" for f in sites)


@pytest.mark.parametrize(
    ("kind", "body", "named"),
    [
        ("charging", {"county_codes": ["999999"]}, "999999"),
        ("charging", {"stations_per_county": 0}, "stations_per_county"),
        ("charging", {"radius_km": -1}, "radius_km"),
        ("charging", {"model": "dense"}, "model"),
        ("repair", {"response_time_min": 60, "mobile_response_time_min": 30}, "mobile"),
        ("repair", {"rural_speed": 40}, "rural_speed"),
    ],
)
def test_bad_requests_are_422_naming_the_field(
    client: TestClient, kind: str, body: dict[str, Any], named: str
) -> None:
    """Unknown counties and bad values are refused naming them; nothing is stored."""
    response = client.post(f"{SITING}/{kind}", json=body)
    assert response.status_code == 422
    assert named in response.text
    assert client.get(f"{SITING}/scenarios").json() == []


@pytest.mark.parametrize("suffix", ["", "/sites.geojson", "/sites.csv"])
def test_unknown_scenario_is_404(client: TestClient, suffix: str) -> None:
    """Reading a scenario that does not exist names its id."""
    response = client.get(f"{SITING}/scenarios/424242{suffix}")
    assert response.status_code == 404
    assert "424242" in response.text
