"""Calendar rules: market days on the lunar calendar, blackouts, weekdays, venue hours."""

from __future__ import annotations

from datetime import date

import pytest

from nevrural.core.events.calendar import (
    MARKET_CYCLES,
    Blackout,
    CalendarParams,
    CampaignWindow,
    MarketSchedule,
    TimeWindow,
    VenueHours,
    candidate_event_days,
    is_blacked_out,
    market_days,
    market_schedule_of,
    market_schedule_of_cycle,
    market_schedule_of_label,
    modelled_market_schedule,
    township_market_days,
)

__all__: list[str] = []

TOWN = "420704100"  # a Hubei town (province 420000)
# Lunar month 5 of 2026 runs 2026-06-15..2026-07-13 (29 days), month 6 from 2026-07-14.
LUNAR_MONTH_5 = CampaignWindow(date(2026, 6, 15), date(2026, 7, 13))
# 逢一四七 in that month: lunar days 1, 4, 7, 11, 14, 17, 21, 24, 27.
MARKETS_147 = (
    date(2026, 6, 15),
    date(2026, 6, 18),
    date(2026, 6, 21),
    date(2026, 6, 25),
    date(2026, 6, 28),
    date(2026, 7, 1),
    date(2026, 7, 5),
    date(2026, 7, 8),
    date(2026, 7, 11),
)


def _params(
    window: CampaignWindow = LUNAR_MONTH_5,
    *,
    blackouts: tuple[Blackout, ...] = (),
    preferred_weekdays: frozenset[int] = frozenset(),
) -> CalendarParams:
    """Params with TOWN on 逢一四七 (dates, weekdays 0 = Monday)."""
    return CalendarParams(
        window=window,
        market_schedules={TOWN: market_schedule_of_label("逢一四七")},
        blackouts=blackouts,
        preferred_weekdays=preferred_weekdays,
    )


def test_market_days_147_in_lunar_month_5_of_2026() -> None:
    """逢一四七 gives nine hand-checked dates in lunar month 5 of 2026."""
    assert township_market_days(_params(), TOWN) == MARKETS_147


def test_five_and_ten_skips_day_30_of_a_29_day_month() -> None:
    """逢五逢十: lunar day 30 exists in month 6 (2026-08-12), not in 29-day month 5."""
    schedule = market_schedule_of_label("逢五逢十")
    window = CampaignWindow(date(2026, 6, 15), date(2026, 8, 12))
    days = market_days(schedule, window)
    assert days[:5] == (
        date(2026, 6, 19),
        date(2026, 6, 24),
        date(2026, 6, 29),
        date(2026, 7, 4),
        date(2026, 7, 9),
    )
    assert date(2026, 7, 14) not in days  # lunar 6-1, the day after 5-29
    assert days[-1] == date(2026, 8, 12)  # lunar 6-30


def test_window_edges_are_inclusive() -> None:
    """A window starting and ending on market days keeps both; one between them has none."""
    schedule = market_schedule_of_label("逢一四七")
    edges = CampaignWindow(date(2026, 6, 15), date(2026, 6, 18))
    assert market_days(schedule, edges) == (date(2026, 6, 15), date(2026, 6, 18))
    between = CampaignWindow(date(2026, 6, 16), date(2026, 6, 17))
    assert market_days(schedule, between) == ()


def test_blackout_removes_market_days() -> None:
    """A harvest blackout 2026-06-20..2026-06-30 removes the four market days inside it."""
    harvest = Blackout(date(2026, 6, 20), date(2026, 6, 30), "wheat harvest")
    days = candidate_event_days(_params(blackouts=(harvest,)), TOWN)
    assert days == (date(2026, 6, 15), date(2026, 6, 18), *MARKETS_147[5:])


def test_province_blackout_applies_only_to_its_province() -> None:
    """A Henan (410000) blackout leaves a Hubei town alone; a Hubei one removes its dates."""
    henan = Blackout(date(2026, 6, 1), date(2026, 6, 30), "harvest", "410000")
    hubei = Blackout(date(2026, 6, 1), date(2026, 6, 30), "harvest", "420000")
    assert candidate_event_days(_params(blackouts=(henan,)), TOWN) == MARKETS_147
    params = _params(blackouts=(hubei,))
    assert candidate_event_days(params, TOWN) == MARKETS_147[5:]
    assert is_blacked_out(params, TOWN, date(2026, 6, 15))
    assert not is_blacked_out(params, "410102100", date(2026, 6, 15))


def test_weekday_policies() -> None:
    """Weekends (5, 6) preferred: "only" keeps Sat/Sun market days, "prefer" puts them first."""
    params = _params(preferred_weekdays=frozenset({5, 6}))
    weekend = (date(2026, 6, 21), date(2026, 6, 28), date(2026, 7, 5), date(2026, 7, 11))
    assert candidate_event_days(params, TOWN, weekdays="only") == weekend
    preferred_first = candidate_event_days(params, TOWN, weekdays="prefer")
    assert preferred_first[:4] == weekend
    assert sorted(preferred_first) == list(MARKETS_147)
    assert candidate_event_days(params, TOWN) == MARKETS_147


def test_modelled_default_is_deterministic_and_flagged() -> None:
    """Unconfigured townships get a flagged ten-day cycle that depends only on the code."""
    schedule = market_schedule_of(_params(), "420704102")
    assert schedule.is_modelled
    assert schedule == modelled_market_schedule("420704102")
    cycles = {market_schedule_of_cycle(c, is_modelled=True) for c in MARKET_CYCLES}
    assert schedule in cycles
    assert not market_schedule_of(_params(), TOWN).is_modelled


def test_modelled_defaults_spread_over_all_cycles() -> None:
    """Over 200 codes of one county every common cycle is used."""
    codes = [f"420704{k:03d}" for k in range(200)]
    assert {modelled_market_schedule(c).label for c in codes} == {
        "逢一四七",
        "逢二五八",
        "逢三六九",
        "逢五逢十",
    }


@pytest.mark.parametrize(
    ("label", "days"),
    [
        ("逢一四七", [1, 4, 7, 11, 14, 17, 21, 24, 27]),
        ("逢三六九", [3, 6, 9, 13, 16, 19, 23, 26, 29]),
        ("逢五逢十", [5, 10, 15, 20, 25, 30]),
    ],
)
def test_labels_parse_to_lunar_days(label: str, days: list[int]) -> None:
    """Ten-day-cycle labels map to the lunar days of month they name."""
    schedule = market_schedule_of_label(label)
    assert sorted(schedule.lunar_days) == days
    assert schedule.label == label


@pytest.mark.parametrize("label", ["", "逢", "逢1,4,7", "每天"])
def test_bad_labels_are_refused(label: str) -> None:
    """Labels that are not 逢 plus Chinese numerals raise."""
    with pytest.raises(ValueError, match="market label"):
        market_schedule_of_label(label)


def test_schedule_of_lunar_day_list() -> None:
    """A plain list of lunar days (1..30) is a schedule too; 31 is refused."""
    assert MarketSchedule(frozenset({2, 16})).lunar_days == {2, 16}
    with pytest.raises(ValueError, match=r"\[31\]"):
        MarketSchedule(frozenset({1, 31}))


def test_venue_hours_and_time_windows() -> None:
    """Minutes from midnight: an event fits one window whole or not at all."""
    hours = VenueHours((TimeWindow(840, 1080), TimeWindow(480, 720)))
    assert [w.open_min for w in hours.windows] == [480, 840]
    assert hours.is_open_for(480, 720)
    assert not hours.is_open_for(700, 900)
    with pytest.raises(ValueError, match="overlap"):
        VenueHours((TimeWindow(480, 720), TimeWindow(700, 900)))
    with pytest.raises(ValueError, match="0 <= open < close"):
        TimeWindow(600, 600)


def test_invalid_inputs_name_the_values() -> None:
    """Reversed windows and blackouts, bad weekdays and province codes raise clear errors."""
    with pytest.raises(ValueError, match="2026-07-01 is after its end 2026-06-01"):
        CampaignWindow(date(2026, 7, 1), date(2026, 6, 1))
    with pytest.raises(ValueError, match="after end"):
        Blackout(date(2026, 7, 1), date(2026, 6, 1))
    with pytest.raises(ValueError, match="PP0000"):
        Blackout(date(2026, 6, 1), date(2026, 6, 2), province_code="4207")
    with pytest.raises(ValueError, match=r"\[7\]"):
        _params(preferred_weekdays=frozenset({7}))
    with pytest.raises(ValueError, match="outside the window"):
        LUNAR_MONTH_5.lunar_day_of(date(2026, 7, 14))
