"""Invariants of the calendar rules: candidate days are in-window market days off blackouts."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.events.calendar import (
    MARKET_CYCLES,
    Blackout,
    CalendarParams,
    CampaignWindow,
    MarketSchedule,
    WeekdayPolicy,
    candidate_event_days,
    is_blacked_out,
    market_schedule_of,
    market_schedule_of_cycle,
    modelled_market_schedule,
)
from nevrural.core.events.calendar_check import ScheduledEvent, check_calendar
from nevrural.core.events.calendar_lunar import lunar_date_of

__all__: list[str] = []

FIRST_DAY = date(2025, 1, 1)
township_code = st.from_regex(r"(1[1-5]|4[1-6]|6[1-5])[0-9]{4}[0-3][0-9]{2}", fullmatch=True)
day_offset = st.integers(min_value=0, max_value=3 * 365)
POLICIES: list[WeekdayPolicy] = ["any", "prefer", "only"]
lunar_days = st.frozensets(st.integers(min_value=1, max_value=30), min_size=1, max_size=10)


@st.composite
def calendars(draw: st.DrawFn) -> tuple[CalendarParams, str]:
    """A window of up to 120 dates in 2025-2027, a township, its schedule and blackouts."""
    start = FIRST_DAY + timedelta(days=draw(day_offset))
    window = CampaignWindow(start, start + timedelta(days=draw(st.integers(0, 120))))
    code = draw(township_code)
    schedules: dict[str, MarketSchedule] = {}
    if draw(st.booleans()):
        schedules[code] = MarketSchedule(draw(lunar_days))
    blackouts = []
    for _ in range(draw(st.integers(0, 3))):
        b_start = start + timedelta(days=draw(st.integers(-10, 130)))
        b_end = b_start + timedelta(days=draw(st.integers(0, 30)))
        province = draw(st.sampled_from([None, code[:2] + "0000", "990000"]))
        blackouts.append(Blackout(b_start, b_end, "harvest", province))
    weekdays = draw(st.frozensets(st.integers(0, 6)))
    params = CalendarParams(
        window=window,
        market_schedules=schedules,
        blackouts=tuple(blackouts),
        preferred_weekdays=weekdays,
    )
    return params, code


@settings(max_examples=60, deadline=None)
@given(calendars(), st.sampled_from(POLICIES))
def test_candidate_days_obey_every_rule(
    case: tuple[CalendarParams, str], policy: WeekdayPolicy
) -> None:
    """Every candidate date is in the window, a market day of the township and not blacked out."""
    params, code = case
    schedule = market_schedule_of(params, code)
    days = candidate_event_days(params, code, weekdays=policy)
    assert len(set(days)) == len(days)
    for day in days:
        assert params.window.contains(day)
        assert lunar_date_of(day).day in schedule.lunar_days  # independent per-day conversion
        assert not is_blacked_out(params, code, day)
        if policy == "only":
            assert day.weekday() in params.preferred_weekdays or not params.preferred_weekdays
    events = [ScheduledEvent(f"e{k}", code, d, 480, 720) for k, d in enumerate(days)]
    assert check_calendar(params, events) == []


@settings(max_examples=60, deadline=None)
@given(calendars())
def test_no_market_day_is_lost_except_to_blackouts(case: tuple[CalendarParams, str]) -> None:
    """Every in-window market date that no blackout covers is a candidate (nothing dropped)."""
    params, code = case
    schedule = market_schedule_of(params, code)
    expected = [
        d
        for d in params.window.days()
        if params.window.lunar_day_of(d) in schedule.lunar_days
        and not is_blacked_out(params, code, d)
    ]
    assert list(candidate_event_days(params, code)) == expected


@settings(max_examples=40, deadline=None)
@given(calendars(), st.integers(min_value=0, max_value=3 * 365))
def test_checker_flags_non_market_days(case: tuple[CalendarParams, str], offset: int) -> None:
    """A township event on any date the rules forbid gets at least one violation."""
    params, code = case
    day = FIRST_DAY + timedelta(days=offset)
    violations = check_calendar(params, [ScheduledEvent("e", code, day, 480, 720)])
    is_allowed = day in candidate_event_days(params, code)
    assert (violations == []) == is_allowed


@given(township_code)
def test_modelled_defaults_are_deterministic_common_cycles(code: str) -> None:
    """The modelled schedule of a code is the same every call, flagged, and a common cycle."""
    schedule = modelled_market_schedule(code)
    assert schedule == modelled_market_schedule(code)
    assert schedule.is_modelled
    assert schedule in {market_schedule_of_cycle(c, is_modelled=True) for c in MARKET_CYCLES}
