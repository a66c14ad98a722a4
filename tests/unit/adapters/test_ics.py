"""ICS documents parse back with icalendar: events, China-local times and stable UIDs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from nevrural.adapters.files.ics import IcsEvent, build_ics, event_uid, shanghai_datetime

__all__: list[str] = []

SHANGHAI = ZoneInfo("Asia/Shanghai")
STAMP = datetime(2026, 5, 1, 8, 0)  # China local, 00:00 UTC


def _events() -> list[IcsEvent]:
    """Two events: a market-day town event and a county main venue (minutes from midnight)."""
    return [
        IcsEvent(
            ids=("plan-1", "caravan-1", "t1"),
            title_zh="新能源汽车下乡·某某镇",
            title_en="NEV caravan, Moumou town",
            start=shanghai_datetime(date(2026, 6, 15), 480),
            end=shanghai_datetime(date(2026, 6, 15), 720),
            location="某某镇集市",
            description="试驾与补贴咨询",
        ),
        IcsEvent(
            ids=("plan-1", "caravan-1", "m1"),
            title_zh="县城主会场",
            start=datetime(2026, 6, 16, 9, 0),  # naive: China local
            end=datetime(2026, 6, 16, 10, 0, tzinfo=UTC),  # 18:00 China local
        ),
    ]


def _parsed() -> Calendar:
    """The two events written and parsed back with icalendar."""
    return Calendar.from_ical(build_ics(_events(), calendar_name="车队一", stamp=STAMP))


def test_round_trip_keeps_events_and_texts() -> None:
    """Summaries (zh / en), locations, descriptions and the calendar name survive."""
    calendar = _parsed()
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [
        "新能源汽车下乡·某某镇 / NEV caravan, Moumou town",
        "县城主会场",
    ]
    assert str(events[0]["LOCATION"]) == "某某镇集市"
    assert str(events[0]["DESCRIPTION"]) == "试驾与补贴咨询"
    assert "LOCATION" not in events[1]
    assert str(calendar["X-WR-CALNAME"]) == "车队一"
    assert len(calendar.walk("VTIMEZONE")) == 1


def test_round_trip_keeps_shanghai_times() -> None:
    """Starts and ends come back as the same instants, in Asia/Shanghai (UTC+8)."""
    events = _parsed().walk("VEVENT")
    first_start = events[0].decoded("DTSTART")
    assert first_start == datetime(2026, 6, 15, 8, 0, tzinfo=SHANGHAI)
    assert first_start.utcoffset() == timedelta(hours=8)
    assert events[0].decoded("DTEND") == datetime(2026, 6, 15, 12, 0, tzinfo=SHANGHAI)
    assert events[1].decoded("DTSTART") == datetime(2026, 6, 16, 9, 0, tzinfo=SHANGHAI)
    assert events[1].decoded("DTEND") == datetime(2026, 6, 16, 18, 0, tzinfo=SHANGHAI)
    assert events[0].decoded("DTSTAMP") == datetime(2026, 5, 1, 0, 0, tzinfo=UTC)


def test_uids_are_stable_and_distinct() -> None:
    """UIDs come from the ids, so two exports agree and ("a/b",) differs from ("a", "b")."""
    first = [str(e["UID"]) for e in _parsed().walk("VEVENT")]
    assert first == [str(e["UID"]) for e in _parsed().walk("VEVENT")]
    assert first == [event_uid(e.ids) for e in _events()]
    assert len(set(first)) == 2
    assert event_uid(["a/b"]) != event_uid(["a", "b"])
    assert build_ics(_events(), calendar_name="x", stamp=STAMP) == build_ics(
        _events(), calendar_name="x", stamp=STAMP
    )


def test_empty_calendar_parses() -> None:
    """A plan without events is still a valid calendar."""
    calendar = Calendar.from_ical(build_ics([], calendar_name="空", stamp=STAMP))
    assert calendar.walk("VEVENT") == []


def test_bad_events_are_refused() -> None:
    """Repeated ids, an end not after the start, and an empty title raise."""
    event = _events()[0]
    with pytest.raises(ValueError, match="share ids"):
        build_ics([event, event], calendar_name="x", stamp=STAMP)
    with pytest.raises(ValueError, match="not after start"):
        IcsEvent(ids=("e",), title_zh="t", start=event.end, end=event.start)
    with pytest.raises(ValueError, match="title_zh"):
        IcsEvent(ids=("e",), title_zh="", start=event.start, end=event.end)
    with pytest.raises(ValueError, match="minute 1441"):
        shanghai_datetime(date(2026, 6, 15), 1441)
