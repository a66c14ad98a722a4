"""The event-plan API (plans, calendars, routes, itinerary) through TestClient.

One plan of four Hebei counties with two caravans is made once for the module on a
private copy of the full atlas; the other tests read it back or send bad requests.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from nevrural.bootstrap import build_container
from nevrural.config import Settings
from nevrural.core.events.calendar import CampaignWindow, market_schedule_of_label
from nevrural.core.routing.caravan_outputs import ITINERARY_COLUMNS
from nevrural.interfaces.api.app import create_app

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from icalendar import Event

__all__: list[str] = []

EVENTS = "/api/v1/events/plans"
COUNTIES = ["130123", "130125", "130126", "130129"]  # 正定县, 行唐县, 灵寿县, 赞皇县 (Hebei)
MARKET_TOWN, MARKET_LABEL = "130123100", "逢一四七"  # 正定镇
HARVEST = (date(2026, 6, 10), date(2026, 6, 14))
BODY: dict[str, Any] = {
    "name": "冀中四县",
    "county_codes": COUNTIES,
    "start": "2026-06-01",
    "end": "2026-07-15",
    "caravans": 2,
    "blackouts": [{"start": "2026-06-10", "end": "2026-06-14", "reason": "麦收"}],
    "market_days": {MARKET_TOWN: MARKET_LABEL},
}


@pytest.fixture(scope="module")
def client(built_atlas_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A TestClient on a private copy of the full atlas, shared by the module's tests."""
    var_dir = tmp_path_factory.mktemp("events-api")
    shutil.copyfile(built_atlas_db, var_dir / "nevrural.db")
    container = build_container(Settings(var_dir=var_dir))
    try:
        with TestClient(create_app(container)) as test_client:
            yield test_client
    finally:
        container.dispose()


@pytest.fixture(scope="module")
def plan(client: TestClient) -> dict[str, Any]:
    """The stored plan of BODY (201 expected)."""
    response = client.post(EVENTS, json=BODY)
    assert response.status_code == 201, response.text
    document = response.json()
    assert isinstance(document, dict)
    return document


def held(plan: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """``(caravan id, day, visit)`` of every held event of the plan."""
    return [
        (caravan["caravan_id"], day, visit)
        for caravan in plan["result"]["itinerary"]["caravans"]
        for day in caravan["days"]
        for visit in day["visits"]
    ]


def vevents(client: TestClient, plan: dict[str, Any], query: str = "") -> list[Event]:
    """The VEVENTs of the plan's calendar (200 and text/calendar expected)."""
    response = client.get(f"{EVENTS}/{plan['id']}/calendar.ics{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert isinstance(calendar, Calendar)
    return list(calendar.events)


def starts(events: list[Event]) -> list[datetime]:
    """The DTSTART of each event, sorted; each must be Asia/Shanghai (UTC+8)."""
    out = []
    for event in events:
        assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
        start = event.decoded("DTSTART")
        assert start.utcoffset() == timedelta(hours=8)
        out.append(start.replace(tzinfo=None))
    return sorted(out)


def json_starts(visits: list[tuple[str, dict[str, Any], dict[str, Any]]]) -> list[datetime]:
    """The start of each held visit as a naive China-local datetime, sorted."""
    return sorted(
        datetime.fromisoformat(f"{day['date']}T{visit['start']}") for _, day, visit in visits
    )


def test_plan_is_made_checked_and_stored(plan: dict[str, Any]) -> None:
    """Four counties, two caravans, every part present and no broken rule."""
    result = plan["result"]
    assert plan["kind"] == "events"
    assert plan["name"] == "冀中四县"
    for key in ("itinerary", "routes", "counties", "plan", "baseline", "repair_rounds", "checks"):
        assert key in result
    assert result["checks"] == {"violations": [], "count": 0}
    assert result["plan"]["violations"] == result["baseline"]["violations"] == 0
    assert [c["county_code"] for c in result["counties"]] == COUNTIES
    caravans = result["itinerary"]["caravans"]
    assert [c["caravan_id"] for c in caravans] == ["K1", "K2"]
    assert result["plan"]["events_held"] == len(held(plan)) > 0
    assert result["assumptions"]["market_days_configured"] == 1
    assert plan["params"]["market_days"] == [[MARKET_TOWN, MARKET_LABEL]]


def test_plan_keeps_the_blackout_and_the_configured_market_days(plan: dict[str, Any]) -> None:
    """No event in the harvest; 正定镇's events fall on its 逢一四七 lunar days."""
    window = CampaignWindow(date(2026, 6, 1), date(2026, 7, 15))
    market = market_schedule_of_label(MARKET_LABEL).lunar_days
    checked = 0
    for _, day, visit in held(plan):
        held_on = date.fromisoformat(day["date"])
        assert not HARVEST[0] <= held_on <= HARVEST[1], (day["date"], visit["event_id"])
        if visit["venue"]["venue_id"] == MARKET_TOWN and visit["kind"] == "sub":
            assert window.lunar_day_of(held_on) in market, day["date"]
            checked += 1
    assert checked, "the plan holds no event in the configured market town"


def test_plan_is_listed_and_read_back(client: TestClient, plan: dict[str, Any]) -> None:
    """The list names the plan; reading it by id gives the same result."""
    listed = client.get(EVENTS)
    assert listed.status_code == 200
    assert plan["id"] in [s["id"] for s in listed.json()]
    again = client.get(f"{EVENTS}/{plan['id']}")
    assert again.status_code == 200
    assert again.json()["result"] == plan["result"]


def test_calendar_of_the_whole_plan_has_every_held_event(
    client: TestClient, plan: dict[str, Any]
) -> None:
    """No query: one VEVENT per held event, at its start time in Asia/Shanghai."""
    events = vevents(client, plan)
    assert len(events) == plan["result"]["plan"]["events_held"]
    assert starts(events) == json_starts(held(plan))


@pytest.mark.parametrize(
    ("query", "caravan", "county"),
    [("?caravan=K1", "K1", None), ("?caravan=K2", "K2", None), ("?county=130123", None, "130123")],
)
def test_calendar_of_one_caravan_or_county(
    client: TestClient, plan: dict[str, Any], query: str, caravan: str | None, county: str | None
) -> None:
    """A caravan's or a county's calendar holds exactly its held events."""
    mine = [
        (cid, day, visit)
        for cid, day, visit in held(plan)
        if cid == caravan or visit["county_code"] == county
    ]
    assert mine
    events = vevents(client, plan, query)
    assert len(events) == len(mine)
    assert starts(events) == json_starts(mine)
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_calendars_share_the_uids_of_the_whole_plan(
    client: TestClient, plan: dict[str, Any]
) -> None:
    """The two caravans' calendars split the plan's UIDs; a county's are among them."""

    def uids(query: str = "") -> set[str]:
        return {str(e["UID"]) for e in vevents(client, plan, query)}

    every = uids()
    k1, k2 = uids("?caravan=K1"), uids("?caravan=K2")
    assert k1 | k2 == every
    assert not k1 & k2
    assert uids("?county=130123") <= every


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("?caravan=K9", "K9"),
        ("?caravan=K1&county=130123", "not both"),
        ("?county=130124", "130124"),
        ("?county=1301", "county"),
    ],
)
def test_bad_calendar_query_is_422(
    client: TestClient, plan: dict[str, Any], query: str, named: str
) -> None:
    """An unknown caravan or county, or both at once, is refused naming it."""
    response = client.get(f"{EVENTS}/{plan['id']}/calendar.ics{query}")
    assert response.status_code == 422
    assert named in response.text


def test_routes_are_a_feature_collection(client: TestClient, plan: dict[str, Any]) -> None:
    """Day routes are LineStrings or Points, held events Points, as stored."""
    response = client.get(f"{EVENTS}/{plan['id']}/routes.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    routes = json.loads(response.content)
    assert routes == plan["result"]["routes"]
    assert routes["type"] == "FeatureCollection"
    kinds = {(f["properties"]["layer"], f["geometry"]["type"]) for f in routes["features"]}
    assert ("route", "LineString") in kinds
    assert kinds <= {("route", "LineString"), ("route", "Point"), ("event", "Point")}
    events = [f for f in routes["features"] if f["properties"]["layer"] == "event"]
    assert len(events) == len(held(plan))


def test_itinerary_csv_has_a_bom_and_the_header(client: TestClient, plan: dict[str, Any]) -> None:
    """UTF-8 with BOM, the itinerary columns, one event row per held event."""
    response = client.get(f"{EVENTS}/{plan['id']}/itinerary.csv")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == ITINERARY_COLUMNS
    assert sum(row["stop"] == "event" for row in rows) == len(held(plan))


@pytest.mark.parametrize("suffix", ["", "/calendar.ics", "/routes.geojson", "/itinerary.csv"])
def test_unknown_plan_is_404(client: TestClient, suffix: str) -> None:
    """Reading a plan that does not exist names its id."""
    response = client.get(f"{EVENTS}/424242{suffix}")
    assert response.status_code == 404
    assert "424242" in response.text


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"start": "2026-07-16"}, "start 2026-07-16 is after end 2026-07-15"),
        ({"county_codes": ["130123", "999999"]}, "999999"),
        ({"market_days": {MARKET_TOWN: "每月初一"}}, f"market_days[{MARKET_TOWN}]"),
        ({"caravan_count": 2}, "caravan_count"),
        ({"blackouts": [{"start": "2026-06-10", "end": "2026-06-12", "why": "x"}]}, "why"),
        ({"caravans": 5}, "caravans = 5 exceeds the 4 selected counties"),
        ({"depot_codes": ["130123"]}, "depot_codes has 1 codes for 2 caravans"),
        ({"work_end_min": 600, "main_duration_min": 360}, "main_duration_min = 360"),
    ],
)
def test_bad_requests_are_422_naming_the_field(
    client: TestClient, changes: dict[str, Any], named: str
) -> None:
    """Bad values, unknown counties and unknown fields are refused naming them; none stored."""
    before = len(client.get(EVENTS).json())
    response = client.post(EVENTS, json={**BODY, **changes})
    assert response.status_code == 422
    assert named in response.text
    assert len(client.get(EVENTS).json()) == before


def test_any_ten_day_cycle_label_is_accepted(client: TestClient) -> None:
    """逢八 (lunar days 8, 18, 28) is a valid one-day cycle, not an error."""
    body = {**BODY, "county_codes": COUNTIES[:1], "caravans": 1, "repair_period_days": 0}
    body["market_days"] = {MARKET_TOWN: "逢八"}
    response = client.post(EVENTS, json=body)
    assert response.status_code == 201, response.text
    assert response.json()["result"]["checks"]["count"] == 0
