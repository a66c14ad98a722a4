"""The planning API (county targeting, city linkage) and the overview page, through TestClient."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nevrural.interfaces.api.app import create_app

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nevrural.bootstrap import Container

__all__: list[str] = []

TARGETING = "/api/v1/targeting/scenarios"
LINKAGE = "/api/v1/linkage/scenarios"
COUNTY_KEYS = {"code", "name", "province", "score", "penetration", "potential", "contributions"}
CITY_KEYS = {"code", "name", "themes", "region", "lon", "lat", "reason_zh", "reason_en"}

# Five prefecture-level cities with example themes and features (points from the atlas).
CANDIDATES: list[dict[str, Any]] = [
    {
        "code": "440300",
        "name": "深圳市",
        "lon": 114.06,
        "lat": 22.54,
        "themes": ["automaker_base", "logistics_hub"],
        "features": {"population": 1.756e7, "nev_share": 0.21},
    },
    {
        "code": "520100",
        "name": "贵阳市",
        "lon": 106.63,
        "lat": 26.65,
        "themes": ["tourism"],
        "features": {"population": 6.4e6, "nev_share": 0.07},
    },
    {
        "code": "653100",
        "name": "喀什地区",
        "lon": 75.99,
        "lat": 39.47,
        "themes": ["border_trade", "farming"],
        "features": {"population": 4.5e6, "nev_share": 0.02},
    },
    {
        "code": "231100",
        "name": "黑河市",
        "lon": 127.53,
        "lat": 50.25,
        "themes": ["border_trade", "farming"],
        "features": {"population": 1.29e6, "nev_share": 0.01},
    },
    {
        "code": "620200",
        "name": "嘉峪关市",
        "lon": 98.29,
        "lat": 39.77,
        "themes": ["energy"],
        "features": {"population": 3.1e5, "nev_share": 0.03},
    },
]


@pytest.fixture
def client(atlas_container: Container) -> Iterator[TestClient]:
    """A TestClient on a private copy of the full atlas (no demo seeded)."""
    with TestClient(create_app(atlas_container)) as test_client:
        yield test_client


def post_json(client: TestClient, url: str, body: dict[str, Any], status: int = 201) -> Any:
    """POST ``body``, check the status and return the decoded answer."""
    response = client.post(url, json=body)
    assert response.status_code == status, response.text
    return response.json()


def get_json(client: TestClient, url: str) -> Any:
    """GET ``url``, check 200 and return the decoded body."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def without_points(candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The candidates without lon/lat."""
    return [{k: v for k, v in c.items() if k not in {"lon", "lat"}} for c in candidates]


def test_targeting_scenario_created_listed_and_read_back(client: TestClient) -> None:
    """POST stores a scenario whose counties carry their score parts; GET returns it."""
    body = {
        "name": "api test",
        "n_counties": 20,
        "per_province_max": 2,
        "min_spacing_km": 30,
        "budget_cny": "20000000",
    }
    created = post_json(client, TARGETING, body)
    assert created["kind"] == "targeting"
    assert created["name"] == "api test"
    assert created["is_demo"] is False
    assert created["params"]["n_counties"] == 20
    assert created["params"]["budget_cny"] == "20000000"
    result = created["result"]
    assert result["status"] == "optimal"
    assert result["gap"] <= 1e-6
    assert {"objective", "bound", "gap", "seconds"} <= set(result)
    selected = result["selected"]
    assert len(selected) == 20
    for row in selected:
        assert set(row) >= COUNTY_KEYS, row
        assert set(row["contributions"]) >= {"market_potential", "penetration_gap"}
        assert sum(row["contributions"].values()) == pytest.approx(row["score"], rel=1e-9)
    summaries = [s for s in get_json(client, TARGETING) if s["id"] == created["id"]]
    assert len(summaries) == 1
    assert summaries[0]["selected"] == 20
    assert summaries[0]["objective"] == pytest.approx(result["objective"])
    assert get_json(client, f"{TARGETING}/{created['id']}") == created


def test_unknown_targeting_scenario_is_404(client: TestClient) -> None:
    """An unknown id is 404 and the message names it."""
    response = client.get(f"{TARGETING}/987654")
    assert response.status_code == 404
    assert "987654" in response.json()["detail"]


def test_infeasible_targeting_is_422_naming_the_numbers(client: TestClient) -> None:
    """A budget below the cheapest events is 422 with both amounts; nothing is stored."""
    before = get_json(client, TARGETING)
    body = {"n_counties": 50, "budget_cny": "1000"}
    detail = post_json(client, TARGETING, body, status=422)["detail"]
    assert detail.startswith("infeasible: ")
    assert "the 50 cheapest events cost" in detail
    assert "budget 1,000.00 CNY" in detail
    assert get_json(client, TARGETING) == before


def test_province_minimum_above_eligible_is_422(client: TestClient) -> None:
    """A per-province minimum no province can meet names a province and both numbers."""
    body = {"n_counties": 1000, "per_province_min": 100}
    detail = post_json(client, TARGETING, body, status=422)["detail"]
    assert detail.startswith("infeasible: ")
    assert "0000) has " in detail
    assert "eligible counties, minimum 100" in detail


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"n_counties": 0}, "n_counties"),
        ({}, "n_counties"),
        ({"n_counties": 5, "horizon_years": 7}, "horizon_years"),
        ({"n_counties": 5, "min_spacing_km": -1}, "min_spacing_km"),
        ({"n_counties": 5, "colour": "red"}, "colour"),
    ],
)
def test_bad_targeting_fields_are_422(client: TestClient, body: dict[str, Any], field: str) -> None:
    """Out-of-range, missing or unknown fields are refused with 422 naming the field."""
    detail = post_json(client, TARGETING, body, status=422)["detail"]
    assert any(error["loc"][-1] == field for error in detail), detail


def test_unknown_county_type_is_422(client: TestClient) -> None:
    """A quota on an unknown county type is 422 and lists the known types."""
    body = {"n_counties": 5, "type_min": {"arctic": 1}}
    detail = post_json(client, TARGETING, body, status=422)["detail"]
    assert "arctic" in detail
    assert "severe_cold" in detail


@pytest.mark.parametrize("has_points", [True, False], ids=["with-lonlat", "without-lonlat"])
def test_linkage_with_posted_candidates(client: TestClient, has_points: bool) -> None:
    """Posted candidates give k cities with reasons; without lon/lat the atlas places them."""
    candidates = CANDIDATES if has_points else without_points(CANDIDATES)
    created = post_json(client, LINKAGE, {"k": 3, "candidates": candidates})
    assert created["kind"] == "linkage"
    result = created["result"]
    assert result["candidates"] == 5
    assert result["gap"] <= 1e-6
    selected = result["selected"]
    assert len(selected) == 3
    posted = {c["code"]: c for c in CANDIDATES}
    for row in selected:
        assert set(row) >= CITY_KEYS, row
        assert row["reason_zh"]
        assert row["reason_en"]
        if has_points:
            expected = (posted[row["code"]]["lon"], posted[row["code"]]["lat"])
        else:
            division = get_json(client, f"/api/v1/divisions/{row['code']}")
            expected = (division["lon"], division["lat"])
        assert (row["lon"], row["lat"]) == expected


def test_linkage_with_demo_candidates(client: TestClient) -> None:
    """``use_demo_candidates`` chooses 12 demo cities exactly, each with a reason."""
    created = post_json(client, LINKAGE, {"k": 12, "use_demo_candidates": True})
    result = created["result"]
    assert result["method"] == "exact"
    assert result["gap"] <= 1e-6
    assert len(result["selected"]) == 12
    assert all(row["reason_zh"] and row["reason_en"] for row in result["selected"])


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"use_demo_candidates": True, "candidates": CANDIDATES}, "not both"),
        ({}, "candidates are required"),
    ],
    ids=["both", "neither"],
)
def test_linkage_needs_one_candidate_source(
    client: TestClient, extra: dict[str, Any], words: str
) -> None:
    """Both or neither of ``candidates`` and ``use_demo_candidates`` is 422."""
    detail = post_json(client, LINKAGE, {"k": 2, **extra}, status=422)["detail"]
    assert words in detail


def test_candidate_missing_a_feature_is_422(client: TestClient) -> None:
    """A candidate lacking a feature the others have is 422 naming it and the feature."""
    candidates = [dict(c) for c in CANDIDATES]
    candidates[2] = {**candidates[2], "features": {"population": 4.5e6}}
    detail = post_json(client, LINKAGE, {"k": 2, "candidates": candidates}, status=422)["detail"]
    assert "candidates[2] (653100)" in detail
    assert "nev_share" in detail


def test_unplaced_unknown_candidate_is_422(client: TestClient) -> None:
    """A code unknown to the atlas, posted without lon/lat, is 422 naming the code."""
    candidates = [*without_points(CANDIDATES), {"code": "659999", "name": "无名市"}]
    candidates[-1]["features"] = {"population": 1.0, "nev_share": 0.1}
    detail = post_json(client, LINKAGE, {"k": 2, "candidates": candidates}, status=422)["detail"]
    assert "659999" in detail


def test_linkage_scenarios_listed_read_back_and_404(client: TestClient) -> None:
    """GET lists and returns a stored linkage scenario; unknown ids and kinds are 404."""
    created = post_json(client, LINKAGE, {"k": 2, "name": "pair", "candidates": CANDIDATES})
    summaries = [s for s in get_json(client, LINKAGE) if s["id"] == created["id"]]
    assert len(summaries) == 1
    assert summaries[0]["name"] == "pair"
    assert summaries[0]["selected"] == 2
    assert get_json(client, f"{LINKAGE}/{created['id']}") == created
    missing = client.get(f"{LINKAGE}/987654")
    assert missing.status_code == 404
    assert "987654" in missing.json()["detail"]
    assert client.get(f"{TARGETING}/{created['id']}").status_code == 404


def test_openapi_lists_the_planning_paths(client: TestClient) -> None:
    """The OpenAPI document lists the targeting and linkage paths."""
    paths = get_json(client, "/openapi.json")["paths"]
    expected = {TARGETING, f"{TARGETING}/{{scenario_id}}", LINKAGE, f"{LINKAGE}/{{scenario_id}}"}
    assert expected <= set(paths)


def test_linkage_refuses_lon_without_lat(client: TestClient) -> None:
    """A candidate with a longitude but no latitude is refused, naming its code."""
    candidates = [dict(c) for c in CANDIDATES]
    del candidates[1]["lat"]
    detail = post_json(client, LINKAGE, {"k": 2, "candidates": candidates}, status=422)["detail"]
    assert "520100" in detail
    assert "lon without lat" in detail


def test_linkage_refuses_coordinates_for_only_some(client: TestClient) -> None:
    """Coordinates for some candidates only are refused instead of silently dropped."""
    candidates = [dict(c) for c in CANDIDATES]
    for candidate in candidates[2:]:
        del candidate["lon"], candidate["lat"]
    detail = post_json(client, LINKAGE, {"k": 2, "candidates": candidates}, status=422)["detail"]
    assert "2 of 5 candidates have lon/lat" in detail
