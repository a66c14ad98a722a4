"""The HTTP API and the overview page through FastAPI's TestClient on the full atlas."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nevrural.interfaces.api.app import create_app
from nevrural.services.demo import DEMO_CAMPAIGN, seed_demo

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nevrural.bootstrap import Container

__all__: list[str] = []

# Generous bounding box of China, degrees.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
SHIJIAZHUANG = "130100"
ZHENGDING = "130123"  # 正定县, a county of 石家庄市 with towns and townships
HEBEI = "130000"


@pytest.fixture
def client(atlas_container: Container) -> Iterator[TestClient]:
    """A TestClient on the full atlas with the demo campaign seeded."""
    seed_demo(atlas_container.uow)
    with TestClient(create_app(atlas_container)) as test_client:
        yield test_client


def get_json(client: TestClient, url: str) -> Any:
    """GET ``url``, check 200 and return the decoded body."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def test_healthz_is_ok(client: TestClient) -> None:
    """``/healthz`` answers ok with the database backend and a version."""
    body = get_json(client, "/healthz")
    assert body["status"] == "ok"
    assert body["database"] == "sqlite"
    assert body["version"]


def test_counties_listed_inside_china(client: TestClient) -> None:
    """Every county of the list has coordinates inside China's bounding box."""
    body = get_json(client, "/api/v1/divisions?level=county")
    items = body["items"]
    assert body["count"] == len(items) >= 2_800
    assert {d["level"] for d in items} == {"county"}
    outside = [
        d["code"]
        for d in items
        if d["lon"] is None
        or d["lat"] is None
        or not CHINA_LON[0] <= d["lon"] <= CHINA_LON[1]
        or not CHINA_LAT[0] <= d["lat"] <= CHINA_LAT[1]
    ]
    assert outside == []
    codes = [d["code"] for d in items]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)


def test_provinces_listed(client: TestClient) -> None:
    """At least the 31 mainland provinces are listed, without a parent."""
    items = get_json(client, "/api/v1/divisions?level=province")["items"]
    assert len(items) >= 31
    assert all(d["parent_code"] is None for d in items)
    assert {"110000", HEBEI, "650000"} <= {d["code"] for d in items}


def test_parent_lists_counties_of_shijiazhuang(client: TestClient) -> None:
    """``parent=130100`` gives the county-level units of 石家庄市, 正定县 among them."""
    items = get_json(client, f"/api/v1/divisions?parent={SHIJIAZHUANG}")["items"]
    assert len(items) >= 20
    assert all(d["parent_code"] == SHIJIAZHUANG and d["level"] == "county" for d in items)
    assert all(d["code"].startswith("1301") for d in items)
    names = {d["code"]: d["name"] for d in items}
    assert names[ZHENGDING] == "正定县"


def test_townships_of_a_county_are_approximate(client: TestClient) -> None:
    """The townships of 正定县 are nine-digit codes placed by the model (``approximate``)."""
    url = f"/api/v1/divisions?level=township&parent={ZHENGDING}"
    items = get_json(client, url)["items"]
    assert len(items) >= 5
    for d in items:
        assert d["level"] == "township"
        assert len(d["code"]) == 9
        assert d["code"].startswith(ZHENGDING)
        assert d["location_quality"] == "approximate"
        assert d["lon"] is not None
        assert d["lat"] is not None


def test_paging_is_consistent(client: TestClient) -> None:
    """Consecutive pages concatenate to the unpaged list, in order, without overlap."""
    whole = get_json(client, "/api/v1/divisions?level=province")["items"]
    first = get_json(client, "/api/v1/divisions?level=province&limit=10&offset=0")
    second = get_json(client, "/api/v1/divisions?level=province&limit=10&offset=10")
    rest = get_json(client, "/api/v1/divisions?level=province&limit=50&offset=20")
    assert first["count"] == 10
    assert first["offset"] == 0
    assert second["offset"] == 10
    assert first["items"] + second["items"] + rest["items"] == whole
    beyond = get_json(client, f"/api/v1/divisions?level=province&limit=5&offset={len(whole)}")
    assert beyond == {"count": 0, "offset": len(whole), "items": []}


@pytest.mark.parametrize(
    "query",
    [
        "level=village",
        "level=",
        "parent=13010",
        "parent=abcdef",
        "parent=1301001",
        "limit=0",
        "offset=-1",
    ],
)
def test_bad_query_is_422(client: TestClient, query: str) -> None:
    """An unknown level, a malformed parent code or a bad page is refused with 422."""
    response = client.get(f"/api/v1/divisions?{query}")
    assert response.status_code == 422, response.text


def test_county_detail(client: TestClient) -> None:
    """A county shows its province and prefecture, its townships and flagged indicators."""
    body = get_json(client, f"/api/v1/divisions/{ZHENGDING}")
    assert body["code"] == ZHENGDING
    assert body["name"] == "正定县"
    assert body["level"] == "county"
    assert [(a["code"], a["level"]) for a in body["ancestors"]] == [
        (HEBEI, "province"),
        (SHIJIAZHUANG, "prefecture"),
    ]
    assert body["children"] > 0
    assert body["location_quality"] == "reference"
    assert body["location_source"]
    indicators = {i["key"]: i for i in body["indicators"]}
    assert {"population", "area_km2"} <= set(indicators)
    for indicator in indicators.values():
        assert indicator["source"]
        assert indicator["unit"]
    assert indicators["population"]["source"] == "modelled"
    assert indicators["population"]["unit"] == "persons"
    assert indicators["area_km2"]["source"].startswith("derived:")
    assert indicators["area_km2"]["unit"] == "km²"
    assert indicators["area_km2"]["value"] > 0


def test_unknown_division_is_404(client: TestClient) -> None:
    """An unknown code is 404 and the message names the code."""
    response = client.get("/api/v1/divisions/999999")
    assert response.status_code == 404
    assert "999999" in response.json()["detail"]


def test_atlas_stats(client: TestClient) -> None:
    """The statistics count every level, the boundaries and the indicator coverage."""
    body = get_json(client, "/api/v1/atlas/stats")
    assert body["provinces"] >= 31
    assert body["prefectures"] >= 330
    assert body["counties"] >= 2_800
    assert body["townships"] >= 38_000
    assert body["county_boundaries"] >= 2_800
    population = body["indicators"]["population"]
    assert population["counties"] >= 2_800
    assert population["sources"] == {"modelled": population["counties"]}
    assert body["last_build"] is not None


def test_boundaries_of_hebei_are_geojson(client: TestClient) -> None:
    """Boundaries of 河北 are a GeoJSON FeatureCollection of Hebei counties' polygons."""
    response = client.get(f"/api/v1/atlas/boundaries?province={HEBEI}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) >= 150
    for feature in features:
        assert feature["type"] == "Feature"
        properties = feature["properties"]
        assert properties["code"].startswith("13")
        assert len(properties["code"]) == 6
        assert properties["name"]
        assert properties["area_km2"] > 0
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert feature["geometry"]["coordinates"]
    counties = get_json(client, "/api/v1/divisions?level=county")["items"]
    hebei_counties = {d["code"] for d in counties if d["code"].startswith("13")}
    assert {f["properties"]["code"] for f in features} <= hebei_counties


def test_boundaries_reject_a_non_province_code(client: TestClient) -> None:
    """``province`` must be a ``PP0000`` code."""
    assert client.get("/api/v1/atlas/boundaries?province=130100").status_code == 422


def test_campaigns_hold_the_demo(client: TestClient) -> None:
    """The seeded demo campaign is listed with its flag and dates."""
    campaigns = get_json(client, "/api/v1/campaigns")
    demo = [c for c in campaigns if c["slug"] == DEMO_CAMPAIGN.slug]
    assert len(demo) == 1
    assert demo[0]["is_demo"] is True
    assert demo[0]["name_zh"] == DEMO_CAMPAIGN.name_zh
    assert demo[0]["starts_on"] == DEMO_CAMPAIGN.starts_on.isoformat()


def test_openapi_lists_the_paths(client: TestClient) -> None:
    """The OpenAPI document lists the division and health paths."""
    paths = get_json(client, "/openapi.json")["paths"]
    assert {"/api/v1/divisions", "/api/v1/divisions/{code}", "/healthz"} <= set(paths)
    assert "/" not in paths
