"""Caravan and county calendars and the plan's files, from the stored itinerary document.

Every calendar and file is built from the document of the hand-made plan of the routing
tests after a round trip through JSON text, as the API reads a stored plan back.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from nevrural.adapters.files.caravan_ics import (
    calendar_targets,
    caravan_calendar,
    county_calendar,
    write_itinerary_files,
)
from nevrural.adapters.files.ics import event_uid
from nevrural.core.routing.caravan_outputs import (
    ITINERARY_COLUMNS,
    itinerary_document,
    routes_geojson,
)
from nevrural.core.routing.caravan_problem import CampaignEvent, Caravan
from tests.unit.core.routing.test_caravan_outputs import (
    sample_problem,
    sample_result,
    stored_document,
)

if TYPE_CHECKING:
    from pathlib import Path

    from icalendar import Event

    from nevrural.core.routing.caravan_problem import CaravanProblem

__all__: list[str] = []

SHANGHAI = ZoneInfo("Asia/Shanghai")
STAMP = datetime(2026, 5, 1, 8, 0)  # China local
PLAN = "plan-7"
MAIN = "新能源汽车下乡 主会场 / NEV campaign main venue"
SUB = "新能源汽车下乡 乡镇分会场 / NEV campaign township event"


def _document() -> dict[str, Any]:
    """The sample plan's itinerary document, read back from JSON."""
    return stored_document(sample_problem(), sample_result())


def _parsed(ics: bytes) -> tuple[str, list[Event]]:
    """The calendar name and the VEVENTs of an ICS document, parsed back."""
    calendar = Calendar.from_ical(ics)
    assert isinstance(calendar, Calendar)
    return str(calendar["X-WR-CALNAME"]), calendar.events


def _caravan(caravan_id: str) -> list[Event]:
    """The VEVENTs of one caravan's calendar."""
    return _parsed(caravan_calendar(_document(), caravan_id, plan_id=PLAN, stamp=STAMP))[1]


def _county(county_code: str) -> list[Event]:
    """The VEVENTs of one county's calendar."""
    return _parsed(county_calendar(_document(), county_code, plan_id=PLAN, stamp=STAMP))[1]


def test_caravan_calendar_holds_its_events() -> None:
    """Caravan c1's calendar has e1 and e4 with bilingual titles, venues and Shanghai times."""
    name, events = _parsed(caravan_calendar(_document(), "c1", plan_id=PLAN, stamp=STAMP))
    assert name == "新能源汽车下乡 车队 一队 (c1) / NEV campaign caravan c1"
    assert [str(e["SUMMARY"]) for e in events] == [MAIN, SUB]
    assert [str(e["LOCATION"]) for e in events] == ["甲县县城", "乙县二镇"]
    start = events[1].decoded("DTSTART")
    assert start == datetime(2026, 6, 18, 9, 0, tzinfo=SHANGHAI)
    assert start.utcoffset() == timedelta(hours=8)
    assert events[1].decoded("DTEND") == datetime(2026, 6, 18, 12, 0, tzinfo=SHANGHAI)
    description = str(events[0]["DESCRIPTION"])
    assert "一队 (c1)" in description
    assert "County: 甲县 (371001)" in description
    assert "Persons within reach (modelled): 52,346" in description
    assert [str(e["SUMMARY"]) for e in _caravan("c2")] == [MAIN]


def test_county_calendar_spans_caravans() -> None:
    """County 371002's calendar has e4 (caravan c1) and e3 (caravan c2), in plan order."""
    name, events = _parsed(county_calendar(_document(), "371002", plan_id=PLAN, stamp=STAMP))
    assert name == "新能源汽车下乡 乙县 / NEV campaign county 371002"
    assert [e.decoded("DTSTART") for e in events] == [
        datetime(2026, 6, 18, 9, 0, tzinfo=SHANGHAI),
        datetime(2026, 6, 16, 9, 0, tzinfo=SHANGHAI),
    ]
    assert ["Caravan: 一队 (c1)" in str(e["DESCRIPTION"]) for e in events] == [True, False]
    assert all("County: 乙县 (371002)" in str(e["DESCRIPTION"]) for e in events)
    assert [str(e["SUMMARY"]) for e in _county("371001")] == [MAIN]


def test_same_event_same_uid_in_both_calendars() -> None:
    """An event's UID comes from (plan id, event id), so caravan and county calendars agree."""
    by_caravan = [str(e["UID"]) for c in ("c1", "c2") for e in _caravan(c)]
    by_county = [str(e["UID"]) for c in ("371001", "371002") for e in _county(c)]
    expected = [event_uid((PLAN, e)) for e in ("e1", "e4", "e3")]
    assert by_caravan == expected
    assert sorted(by_county) == sorted(expected)


def test_stored_and_live_documents_give_the_same_calendars() -> None:
    """A calendar from the JSON read back equals the one from the live document, byte for byte."""
    live = itinerary_document(sample_problem(), sample_result())
    for build, target in ((caravan_calendar, "c1"), (county_calendar, "371002")):
        assert build(live, target, plan_id=PLAN, stamp=STAMP) == build(
            _document(), target, plan_id=PLAN, stamp=STAMP
        )


def test_unknown_caravan_or_county_is_refused() -> None:
    """A caravan or county the plan does not have raises, naming it and the known ones."""
    with pytest.raises(ValueError, match=r"caravan 'c9' .*\['c1', 'c2'\]"):
        caravan_calendar(_document(), "c9", plan_id=PLAN, stamp=STAMP)
    with pytest.raises(ValueError, match=r"county '999999' .*\['371001', '371002'\]"):
        county_calendar(_document(), "999999", plan_id=PLAN, stamp=STAMP)


def _busier_problem() -> CaravanProblem:
    """The sample problem plus an idle caravan c3 and an unheld, unnamed county 371003."""
    problem = sample_problem()
    return replace(
        problem,
        caravans=(*problem.caravans, Caravan("c3", 0, "三队")),
        events=(*problem.events, CampaignEvent("e5", "371003", 0, "371003", "main", 60, 1.0)),
    )


def test_idle_caravan_and_county_give_empty_calendars() -> None:
    """A caravan or county without held events gets a valid calendar with no VEVENT."""
    document = stored_document(_busier_problem(), sample_result())
    for ics in (
        caravan_calendar(document, "c3", plan_id=PLAN, stamp=STAMP),
        county_calendar(document, "371003", plan_id=PLAN, stamp=STAMP),
    ):
        assert _parsed(ics)[1] == []
    name = _parsed(county_calendar(document, "371003", plan_id=PLAN, stamp=STAMP))[0]
    assert name == "新能源汽车下乡 371003 / NEV campaign county 371003"


def test_calendar_targets_are_what_holds_events() -> None:
    """Only working caravans and counties with held events, each in document order."""
    document = stored_document(_busier_problem(), sample_result())
    assert calendar_targets(document) == (["c1", "c2"], ["371001", "371002"])


def test_write_itinerary_files_round_trip(tmp_path: Path) -> None:
    """JSON, CSV (UTF-8 with BOM), GeoJSON and one ICS per working caravan and served county."""
    problem, result = _busier_problem(), sample_result()
    document = stored_document(problem, result)
    routes = routes_geojson(problem, result)
    out = tmp_path / "plan"
    paths = write_itinerary_files(out, document, routes, plan_id=PLAN, stamp=STAMP)
    assert [p.name for p in paths] == [
        "itinerary.json",
        "itinerary.csv",
        "routes.geojson",
        "caravan-c1.ics",
        "caravan-c2.ics",
        "county-371001.ics",
        "county-371002.ics",
    ]
    assert all(p.parent == out for p in paths)
    assert json.loads(paths[0].read_text(encoding="utf-8")) == document
    assert paths[1].read_bytes().startswith(b"\xef\xbb\xbf")
    with paths[1].open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == ITINERARY_COLUMNS
    assert len(table) == 1 + 11
    assert table[2] == [
        "c1", "一队", "2026-06-15", "2", "event", "371001", "甲县县城", "371001", "甲县",
        "e1", "main", "08:46", "09:00", "13:00", "30.0", "52346",
    ]  # fmt: skip
    # The depart row: no event, departure under "start" (e5 gives the depot county 371003).
    assert table[1][7:14] == ["371003", "371003", "", "", "", "08:00", ""]
    assert json.loads(paths[2].read_text(encoding="utf-8")) == routes
    counts = [len(_parsed(p.read_bytes())[1]) for p in paths[3:]]
    assert counts == [2, 1, 1, 2]


def test_unsafe_id_writes_nothing(tmp_path: Path) -> None:
    """A caravan id that cannot name a file raises before any file is written."""
    problem, result = sample_problem(), sample_result()
    problem = replace(problem, caravans=(Caravan("c/1", 0), problem.caravans[1]))
    days = tuple(replace(d, caravan_id="c/1") if d.caravan_id == "c1" else d for d in result.days)
    result = replace(result, days=days)
    document = stored_document(problem, result)
    with pytest.raises(ValueError, match="caravan id 'c/1' cannot name a file"):
        write_itinerary_files(
            tmp_path / "out",
            document,
            routes_geojson(problem, result),
            plan_id=PLAN,
            stamp=STAMP,
        )
    assert not (tmp_path / "out").exists()
