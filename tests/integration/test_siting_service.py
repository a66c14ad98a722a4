"""Rural charging and repair plans on the real atlas (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nevrural.services.siting import (
    ChargingRequest,
    RepairRequest,
    get_siting_scenario,
    run_charging,
    run_repair,
)
from nevrural.services.siting_outputs import siting_csv_rows, siting_geojson

if TYPE_CHECKING:
    from nevrural.bootstrap import Container

COUNTIES = ("130123", "130125", "530521")  # 正定县, 行唐县, 施甸县 (plains and mountains)


def test_charging_opens_the_requested_new_stations_per_county(any_container: Container) -> None:
    """Each county gets exactly its new stations, the seat stays open, solves are exact."""
    scenario = run_charging(
        any_container.uow, ChargingRequest(county_codes=COUNTIES, stations_per_county=3)
    )
    result = scenario.result
    assert [c["code"] for c in result["counties"]] == list(COUNTIES)
    for county in result["counties"]:
        assert county["stations_new"] == 3
        assert county["stations_open"] == 4
        assert county["demand_served"] <= county["demand_nevs"] + 1e-6
    seats = [s for s in result["sites"] if s["kind"] == "county_seat"]
    assert len(seats) == 3
    assert not any(s["is_new"] for s in seats)
    assert result["solver"]["exact"] == 3
    assert result["solver"]["max_gap"] <= 1e-6


def test_charging_p_median_serves_every_township(any_container: Container) -> None:
    """With p-median every township is assigned to an open station."""
    scenario = run_charging(
        any_container.uow,
        ChargingRequest(county_codes=COUNTIES[:1], stations_per_county=2, model="p-median"),
    )
    assert all(t["site_id"] for t in scenario.result["townships"])


def test_repair_full_cover_puts_every_township_within_response(any_container: Container) -> None:
    """Set covering leaves no township outside the response time and no mobile base."""
    request = RepairRequest(
        county_codes=COUNTIES, fixed_points_per_county=None, response_time_min=30.0
    )
    totals = run_repair(any_container.uow, request).result["totals"]
    assert totals["townships_within_response"] == totals["townships"]
    assert totals["mobile_repair_bases"] == 0


def test_repair_with_few_fixed_points_adds_mobile_bases(any_container: Container) -> None:
    """With only the seat as a fixed point and a short response time, mobile bases appear."""
    request = RepairRequest(
        county_codes=COUNTIES,
        fixed_points_per_county=0,
        response_time_min=10.0,
        technicians_total=30,
    )
    result = run_repair(any_container.uow, request).result
    assert result["totals"]["mobile_repair_bases"] >= 1
    outside = [t for t in result["townships"] if not t["is_covered"]]
    assert outside
    assert all(t.get("mobile_base_id") for t in outside)
    assert sum(c["technician_quota"] for c in result["counties"]) == 30


def test_scenario_round_trip_and_outputs(any_container: Container) -> None:
    """A stored plan reads back, and its GeoJSON and CSV list the same sites."""
    scenario = run_charging(any_container.uow, ChargingRequest(county_codes=COUNTIES[:2]))
    stored = get_siting_scenario(any_container.uow, scenario.id)
    assert stored is not None
    assert stored.result == scenario.result
    collection = siting_geojson(stored.result)
    site_features = [f for f in collection["features"] if f["properties"]["layer"] == "site"]
    _, rows = siting_csv_rows(stored.result)
    assert len(site_features) == len(rows) == len(stored.result["sites"])


def test_unknown_county_is_refused_naming_it(any_container: Container) -> None:
    """An unknown county code is named in the error and nothing is stored."""
    with pytest.raises(ValueError, match="999999"):
        run_charging(any_container.uow, ChargingRequest(county_codes=("999999",)))


@pytest.mark.parametrize(
    ("request_factory", "named"),
    [
        (lambda: ChargingRequest(stations_per_county=0), "stations_per_county"),
        (lambda: ChargingRequest(radius_km=0.0), "radius_km"),
        (
            lambda: RepairRequest(response_time_min=60.0, mobile_response_time_min=30.0),
            "mobile_response_time_min",
        ),
        (lambda: RepairRequest(fixed_points_per_county=-1), "fixed_points_per_county"),
    ],
)
def test_requests_refuse_bad_values(request_factory: object, named: str) -> None:
    """Impossible request values are refused naming the field."""
    with pytest.raises(ValueError, match=named):
        request_factory()  # type: ignore[operator]
