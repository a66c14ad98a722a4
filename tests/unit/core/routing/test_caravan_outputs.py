"""Itinerary rows, JSON document and GeoJSON routes of a hand-made two-caravan plan.

Venues: 0 depot of caravan c1, 1 甲县县城 and 2 甲县一镇 (county 371001), 3 乙县县城 and
4 乙县二镇 (county 371002), 5 depot of caravan c2. Caravan c1 holds e1 at 甲县县城 on
15 June and drives on to sleep at 乙县县城, rests two days, and holds e4 at 乙县二镇 on
18 June. Caravan c2 transfers from its depot to 乙县县城 on 15 June and holds e3 there
on 16 June without moving. e2 (甲县一镇) is not held. County 371001 is named 甲县, 371002 乙县.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest

from nevrural.core.events.calendar import CalendarParams, CampaignWindow
from nevrural.core.routing.caravan_outputs import (
    ITINERARY_COLUMNS,
    county_names_of,
    itinerary_document,
    itinerary_rows_of,
    minutes_text,
    parse_minutes,
    routes_geojson,
)
from nevrural.core.routing.caravan_problem import CampaignEvent, Caravan, CaravanProblem, Venue
from nevrural.core.routing.caravan_result import CaravanDay, CaravanResult, UnheldEvent, Visit

__all__ = ["sample_problem", "sample_result", "stored_document"]

VENUES = (
    Venue("depot-1", "一队基地", 119.0, 36.5),
    Venue("371001", "甲县县城", 119.2, 36.6),
    Venue("371001101", "甲县一镇", 119.3, 36.7),
    Venue("371002", "乙县县城", 119.8, 36.9),
    Venue("371002102", "乙县二镇", 119.9, 37.0),
    Venue("depot-2", "二队基地", 119.5, 36.8),
)
# Road km between venue pairs; every other pair is 50 km.
ROADS_KM = {(0, 1): 30.04, (1, 3): 40.0, (3, 4): 15.0, (5, 3): 80.0}


def sample_problem() -> CaravanProblem:
    """The problem of the module docstring: 6 venues, 4 events, 2 caravans, 40 km/h."""
    road_km = np.full((6, 6), 50.0)
    np.fill_diagonal(road_km, 0.0)
    for (i, j), km in ROADS_KM.items():
        road_km[i, j] = road_km[j, i] = km
    return CaravanProblem(
        venues=VENUES,
        road_km=road_km,
        events=(
            CampaignEvent("e1", "371001", 1, "371001", "main", 240, 52345.6),
            CampaignEvent("e2", "371001", 2, "371001101", "sub", 180, 8123.4),
            CampaignEvent("e3", "371002", 3, "371002", "main", 240, 41000.0),
            CampaignEvent("e4", "371002", 4, "371002102", "sub", 180, 6000.4),
        ),
        caravans=(Caravan("c1", 0, "一队"), Caravan("c2", 5, "二队")),
        calendar=CalendarParams(window=CampaignWindow(date(2026, 6, 15), date(2026, 6, 21))),
        county_names={"371001": "甲县", "371002": "乙县"},
    )


def sample_result() -> CaravanResult:
    """The plan of the module docstring (times in minutes from midnight, road km)."""
    days = (
        CaravanDay(
            "c1", date(2026, 6, 15), "events", 0, 3, 480, 840,
            (Visit("e1", 1, 526, 540, 780, 30.04),), 70.04,
        ),
        CaravanDay(
            "c1", date(2026, 6, 18), "events", 3, 4, 480, 720,
            (Visit("e4", 4, 503, 540, 720, 15.0),), 15.0,
        ),
        CaravanDay("c2", date(2026, 6, 15), "transfer", 5, 3, 480, 600, (), 80.0),
        CaravanDay(
            "c2", date(2026, 6, 16), "events", 3, 3, 530, 780,
            (Visit("e3", 3, 530, 540, 780, 0.0),), 0.0,
        ),
    )  # fmt: skip
    return CaravanResult(
        method="hand",
        days=days,
        county_tours={"c1": ("371001", "371002"), "c2": ("371002",)},
        unheld=(UnheldEvent("e2", "no market day fits a caravan's tour"),),
        persons_reached=52345.6 + 41000.0 + 6000.4,
        drive_km=70.04 + 15.0 + 80.0,
        caravan_days=4 + 2,
    )


def stored_document(problem: CaravanProblem, result: CaravanResult) -> dict[str, Any]:
    """The itinerary document as a database gives it back: through JSON text and out again."""
    stored: dict[str, Any] = json.loads(json.dumps(itinerary_document(problem, result)))
    return stored


EXPECTED_ROWS = [
    ("c1", "一队", "2026-06-15", 1, "depart", "depot-1", "一队基地", None, None,
     None, None, None, "08:00", None, 0.0, None),
    ("c1", "一队", "2026-06-15", 2, "event", "371001", "甲县县城", "371001", "甲县",
     "e1", "main", "08:46", "09:00", "13:00", 30.0, 52346),
    ("c1", "一队", "2026-06-15", 3, "overnight", "371002", "乙县县城", "371002", "乙县",
     None, None, "14:00", None, None, 40.0, None),
    ("c1", "一队", "2026-06-18", 1, "depart", "371002", "乙县县城", "371002", "乙县",
     None, None, None, "08:00", None, 0.0, None),
    ("c1", "一队", "2026-06-18", 2, "event", "371002102", "乙县二镇", "371002", "乙县",
     "e4", "sub", "08:23", "09:00", "12:00", 15.0, 6000),
    ("c1", "一队", "2026-06-18", 3, "overnight", "371002102", "乙县二镇", "371002", "乙县",
     None, None, "12:00", None, None, 0.0, None),
    ("c2", "二队", "2026-06-15", 1, "depart", "depot-2", "二队基地", None, None,
     None, None, None, "08:00", None, 0.0, None),
    ("c2", "二队", "2026-06-15", 2, "overnight", "371002", "乙县县城", "371002", "乙县",
     None, None, "10:00", None, None, 80.0, None),
    ("c2", "二队", "2026-06-16", 1, "depart", "371002", "乙县县城", "371002", "乙县",
     None, None, None, "08:50", None, 0.0, None),
    ("c2", "二队", "2026-06-16", 2, "event", "371002", "乙县县城", "371002", "乙县",
     "e3", "main", "08:50", "09:00", "13:00", 0.0, 41000),
    ("c2", "二队", "2026-06-16", 3, "overnight", "371002", "乙县县城", "371002", "乙县",
     None, None, "13:00", None, None, 0.0, None),
]  # fmt: skip


def test_itinerary_rows_are_exact() -> None:
    """Rows from the stored JSON document: depart, event, overnight per day, every cell."""
    rows = itinerary_rows_of(stored_document(sample_problem(), sample_result()))
    assert all(tuple(row) == ITINERARY_COLUMNS for row in rows)
    assert [tuple(row.values()) for row in rows] == EXPECTED_ROWS


def test_rows_of_live_and_stored_documents_agree() -> None:
    """The document survives JSON unchanged, so live and stored rows are the same."""
    problem, result = sample_problem(), sample_result()
    document = itinerary_document(problem, result)
    assert stored_document(problem, result) == document
    assert itinerary_rows_of(document) == itinerary_rows_of(stored_document(problem, result))


def test_last_leg_is_rounded_on_its_own() -> None:
    """The overnight row keeps the last leg's own rounding (0.06 km is 0.1, not 0.1 - 0.1)."""
    result = sample_result()
    day = result.days[0]
    near = replace(day, visits=(replace(day.visits[0], drive_km=0.06),), drive_km=0.12)
    rows = itinerary_rows_of(stored_document(sample_problem(), replace(result, days=(near,))))
    assert [(row["stop"], row["drive_km"]) for row in rows] == [
        ("depart", 0.0),
        ("event", 0.1),
        ("overnight", 0.1),
    ]


def test_counties_are_named_with_code_fallback() -> None:
    """The document lists every county with events; an unnamed county shows its code."""
    problem = sample_problem()
    extra = CampaignEvent("e5", "371003", 0, "371003", "main", 60, 1.0)
    problem = replace(problem, events=(*problem.events, extra))
    document = stored_document(problem, sample_result())
    assert document["counties"] == [
        {"county_code": "371001", "name": "甲县"},
        {"county_code": "371002", "name": "乙县"},
        {"county_code": "371003", "name": "371003"},
    ]
    assert county_names_of(document) == {"371001": "甲县", "371002": "乙县", "371003": "371003"}
    depart = itinerary_rows_of(document)[0]
    assert (depart["county_code"], depart["county_name"]) == ("371003", "371003")


def test_document_without_counties_is_refused() -> None:
    """A document lacking the county list (an older format) raises instead of guessing."""
    document = stored_document(sample_problem(), sample_result())
    del document["counties"]
    with pytest.raises(ValueError, match="no 'counties' list"):
        itinerary_rows_of(document)


def test_document_caravans_days_and_totals() -> None:
    """The document nests caravans, days and visits and sums per caravan and plan."""
    document = itinerary_document(sample_problem(), sample_result())
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document
    assert document["window"] == {"start": "2026-06-15", "end": "2026-06-21"}
    first, second = document["caravans"]
    assert first["depot"] == {
        "venue_id": "depot-1",
        "name": "一队基地",
        "county_code": None,
        "lon_deg": 119.0,
        "lat_deg": 36.5,
    }
    assert first["counties"] == ["371001", "371002"]
    assert document["counties"] == [
        {"county_code": "371001", "name": "甲县"},
        {"county_code": "371002", "name": "乙县"},
    ]
    assert [d["date"] for d in first["days"]] == ["2026-06-15", "2026-06-18"]
    assert first["totals"] == {"events": 2, "persons": 58346, "drive_km": 85.0, "days_listed": 2}
    assert second["totals"] == {"events": 1, "persons": 41000, "drive_km": 80.0, "days_listed": 2}
    transfer = second["days"][0]
    assert {k: v for k, v in transfer.items() if not k.endswith("_venue")} == {
        "date": "2026-06-15",
        "kind": "transfer",
        "depart": "08:00",
        "finish": "10:00",
        "drive_km": 80.0,
        "last_leg_km": 80.0,
        "visits": [],
    }
    assert transfer["end_venue"]["name"] == "乙县县城"
    visit = first["days"][0]["visits"][0]
    assert {k: v for k, v in visit.items() if k != "venue"} == {
        "event_id": "e1",
        "kind": "main",
        "county_code": "371001",
        "county_name": "甲县",
        "arrive": "08:46",
        "start": "09:00",
        "end": "13:00",
        "duration_min": 240,
        "drive_km": 30.0,
        "persons": 52346,
    }
    unheld = [
        (u["event_id"], u["county_name"], u["venue"]["name"], u["persons"])
        for u in document["unheld"]
    ]
    assert unheld == [("e2", "甲县", "甲县一镇", 8123)]
    assert document["totals"] == {
        "events_held": 3,
        "events_unheld": 1,
        "persons_reached": 99346,
        "drive_km": 165.0,
        "caravan_days": 6,
        "persons_per_caravan_day": 16558,
    }


def test_idle_caravan_is_listed_without_days() -> None:
    """A caravan without listed days still appears, with its depot and zero totals."""
    problem = replace(sample_problem(), caravans=(*sample_problem().caravans, Caravan("c3", 0)))
    idle = itinerary_document(problem, sample_result())["caravans"][2]
    assert (idle["caravan_id"], idle["name"], idle["days"], idle["counties"]) == ("c3", "", [], [])
    assert idle["totals"] == {"events": 0, "persons": 0, "drive_km": 0.0, "days_listed": 0}


def test_routes_are_straight_lines_and_points() -> None:
    """One route per day (repeats dropped, a day in place is a Point), then one Point per event."""
    collection = routes_geojson(sample_problem(), sample_result())
    assert collection["type"] == "FeatureCollection"
    routes = [f for f in collection["features"] if f["properties"]["layer"] == "route"]
    assert [r["geometry"] for r in routes] == [
        {"type": "LineString", "coordinates": [[119.0, 36.5], [119.2, 36.6], [119.8, 36.9]]},
        {"type": "LineString", "coordinates": [[119.8, 36.9], [119.9, 37.0]]},
        {"type": "LineString", "coordinates": [[119.5, 36.8], [119.8, 36.9]]},
        {"type": "Point", "coordinates": [119.8, 36.9]},
    ]
    assert routes[2]["properties"] == {
        "layer": "route",
        "caravan_id": "c2",
        "date": "2026-06-15",
        "kind": "transfer",
        "drive_km": 80.0,
        "event_ids": [],
        "geometry": "straight_segments",
    }
    assert [(r["properties"]["drive_km"], r["properties"]["event_ids"]) for r in routes] == [
        (70.0, ["e1"]),
        (15.0, ["e4"]),
        (80.0, []),
        (0.0, ["e3"]),
    ]


def test_event_points_carry_their_plan() -> None:
    """Each held event is a Point at its venue with its date, start, persons and caravan."""
    features = routes_geojson(sample_problem(), sample_result())["features"]
    events = [f for f in features if f["properties"]["layer"] == "event"]
    assert [e["geometry"]["coordinates"] for e in events] == [
        [119.2, 36.6],
        [119.9, 37.0],
        [119.8, 36.9],
    ]
    assert events[1]["properties"] == {
        "layer": "event",
        "event_id": "e4",
        "kind": "sub",
        "county_code": "371002",
        "venue_id": "371002102",
        "venue_name": "乙县二镇",
        "date": "2026-06-18",
        "start": "09:00",
        "end": "12:00",
        "persons": 6000,
        "caravan_id": "c1",
    }
    assert [e["properties"]["caravan_id"] for e in events] == ["c1", "c1", "c2"]


def test_result_naming_unknown_things_is_refused() -> None:
    """Unknown caravans or events, and a visit at another venue than its event's, raise."""
    problem, result = sample_problem(), sample_result()
    stray = replace(result.days[0], caravan_id="c9")
    with pytest.raises(ValueError, match="caravan 'c9' is not in the problem"):
        itinerary_document(problem, replace(result, days=(stray,)))
    wrong = replace(result.days[0], visits=(replace(result.days[0].visits[0], event_id="e9"),))
    with pytest.raises(ValueError, match="event 'e9' is not in the problem"):
        routes_geojson(problem, replace(result, days=(wrong,)))
    moved = replace(result.days[0], visits=(replace(result.days[0].visits[0], venue_index=2),))
    with pytest.raises(ValueError, match="held at venue 2, but its venue is 1"):
        itinerary_document(problem, replace(result, days=(moved,)))
    with pytest.raises(ValueError, match="unheld event 'e8'"):
        itinerary_document(problem, replace(result, unheld=(UnheldEvent("e8", "x"),)))


def test_minutes_text_bounds() -> None:
    """Minutes from midnight print as HH:MM and must lie in 0..1440."""
    assert [minutes_text(m) for m in (0, 59, 600, 1439)] == ["00:00", "00:59", "10:00", "23:59"]
    for bad in (-1, 1441):
        with pytest.raises(ValueError, match=f"minute {bad}"):
            minutes_text(bad)


def test_parse_minutes_undoes_minutes_text() -> None:
    """HH:MM reads back to the minutes it was printed from; malformed times raise."""
    assert [parse_minutes(minutes_text(m)) for m in range(0, 1441, 7)] == list(range(0, 1441, 7))
    for bad in ("8:00", "08:60", "24:01", "0800", "ab:cd", " 8:00", "０８:００"):
        with pytest.raises(ValueError, match="time"):
            parse_minutes(bad)
