"""The calendar checker: one hand-made plan per broken rule, and a clean plan."""

from __future__ import annotations

from datetime import date

import pytest

from nevrural.core.events.calendar import (
    Blackout,
    CalendarParams,
    CampaignWindow,
    TimeWindow,
    VenueHours,
    market_schedule_of_label,
)
from nevrural.core.events.calendar_check import ScheduledEvent, check_calendar

__all__: list[str] = []

TOWN = "420704100"
COUNTY_SEAT = "420704001"
PARAMS = CalendarParams(
    window=CampaignWindow(date(2026, 6, 15), date(2026, 7, 13)),
    market_schedules={TOWN: market_schedule_of_label("逢一四七")},  # 6-15, 6-18, 6-21 ...
    blackouts=(Blackout(date(2026, 6, 20), date(2026, 6, 22), "harvest", "420000"),),
    venue_hours={"main": VenueHours((TimeWindow(540, 1200),))},
)


def _kinds(*events: ScheduledEvent) -> list[str]:
    """The violation kinds of a plan, in report order."""
    return [v.kind for v in check_calendar(PARAMS, events)]


def test_clean_plan_has_no_violations() -> None:
    """Market-day events in opening hours and a main-venue event off market day pass."""
    events = [
        ScheduledEvent("t1", TOWN, date(2026, 6, 15), 480, 720),
        ScheduledEvent("t2", TOWN, date(2026, 6, 18), 480, 720),
        ScheduledEvent("m1", COUNTY_SEAT, date(2026, 6, 16), 540, 1200, False, "main"),
    ]
    assert check_calendar(PARAMS, events) == []


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        (ScheduledEvent("a", TOWN, date(2026, 7, 14), 480, 600), "outside_window"),
        (ScheduledEvent("b", TOWN, date(2026, 6, 16), 480, 600), "not_market_day"),
        (ScheduledEvent("c", TOWN, date(2026, 6, 21), 480, 600), "blackout"),
        (ScheduledEvent("d", TOWN, date(2026, 6, 15), 420, 600), "venue_closed"),
        (
            ScheduledEvent("e", COUNTY_SEAT, date(2026, 6, 16), 480, 600, False, "main"),
            "venue_closed",
        ),
    ],
)
def test_each_rule_is_reported(event: ScheduledEvent, kind: str) -> None:
    """Dates outside, off-market, blacked out, or times before opening (minutes) are named."""
    assert _kinds(event) == [kind]


def test_overlap_and_duplicate_ids() -> None:
    """Two events 480-720 and 700-800 min at one venue overlap; a repeated id is reported."""
    first = ScheduledEvent("x", TOWN, date(2026, 6, 15), 480, 720)
    second = ScheduledEvent("y", TOWN, date(2026, 6, 15), 700, 800)
    again = ScheduledEvent("x", TOWN, date(2026, 6, 18), 480, 720)
    violations = check_calendar(PARAMS, [first, second, again])
    assert [v.kind for v in violations] == ["duplicate_id", "overlap"]
    assert violations[1].event_id == "x,y"
    assert "700..800 min" in str(violations[1])


def test_bad_event_times_are_refused() -> None:
    """An event must start before it ends, within 0..1440 minutes."""
    with pytest.raises(ValueError, match="0 <= start < end <= 1440"):
        ScheduledEvent("z", TOWN, date(2026, 6, 15), 600, 600)
