"""Multi-day caravan plans never break a rule: market days, blackouts, venue hours,
working hours, overnight continuity, one event once; for the PyVRP plan and the baseline,
on random counties, calendars and caravans (the independent checker is the oracle)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.events.calendar import (
    Blackout,
    CalendarParams,
    CampaignWindow,
    TimeWindow,
    VenueHours,
    market_schedule_of_label,
)
from nevrural.core.routing.caravan import CaravanParams, plan_caravans
from nevrural.core.routing.caravan_baseline import plan_nearest_neighbour
from nevrural.core.routing.caravan_check import check_caravan_result
from nevrural.core.routing.caravan_problem import (
    CampaignEvent,
    Caravan,
    CaravanProblem,
    CaravanRules,
    Venue,
)

if TYPE_CHECKING:
    from nevrural.core.routing.caravan_result import CaravanResult

__all__: list[str] = []

_LABELS = ("逢一四七", "逢二五八", "逢三六九", "逢五逢十")
_PROVINCES = ("41", "42")
_FAST = CaravanParams(tour_iterations=200, day_iterations=40)


@st.composite
def problems(draw: st.DrawFn) -> CaravanProblem:
    """1-4 counties in two provinces with 0-4 sub-events each, 1-3 caravans, 4-24 days."""
    n_counties = draw(st.integers(1, 4))
    venues: list[Venue] = []
    xy: list[tuple[float, float]] = []
    events: list[CampaignEvent] = []
    schedules = {}
    hours = {}
    work_start = draw(st.sampled_from((360, 480, 540)))
    work_end = work_start + draw(st.sampled_from((360, 480, 600)))
    for c in range(n_counties):
        county = f"{draw(st.sampled_from(_PROVINCES))}01{c:02d}"
        cx, cy = draw(st.floats(0, 150)), draw(st.floats(0, 150))
        n_sub = draw(st.integers(0, 4))
        for k in range(n_sub + 1):
            code = county if k == 0 else f"{county}{k:03d}"
            x = cx if k == 0 else cx + draw(st.floats(-30, 30))
            y = cy if k == 0 else cy + draw(st.floats(-30, 30))
            venues.append(Venue(code, code, 110 + x / 100, 30 + y / 100))
            xy.append((x, y))
            if k and draw(st.booleans()):
                schedules[code] = market_schedule_of_label(draw(st.sampled_from(_LABELS)))
            if draw(st.integers(0, 3)) == 0:  # a venue closed at midday
                hours[code] = VenueHours((TimeWindow(420, 690), TimeWindow(810, 1140)))
            duration = draw(st.sampled_from((120, 180, 240))) if k else 300
            duration = min(duration, work_end - work_start)
            events.append(
                CampaignEvent(
                    event_id=f"e{len(events)}",
                    county_code=county,
                    venue_index=len(venues) - 1,
                    calendar_code=code,
                    kind="main" if k == 0 else "sub",
                    duration_min=duration,
                    persons=float(draw(st.integers(0, 50_000))),
                )
            )
    n_caravans = draw(st.integers(1, 3))
    for k in range(n_caravans):
        x, y = draw(st.floats(0, 150)), draw(st.floats(0, 150))
        venues.append(Venue(f"depot:{k}", f"D{k}", 110 + x / 100, 30 + y / 100))
        xy.append((x, y))
    points = np.array(xy)
    km = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1)) * 1.3
    start = date(2026, 5, 1) + timedelta(days=draw(st.integers(0, 200)))
    window = CampaignWindow(start, start + timedelta(days=draw(st.integers(3, 23))))
    blackouts = []
    for _ in range(draw(st.integers(0, 2))):
        first = start + timedelta(days=draw(st.integers(0, 20)))
        province = draw(st.sampled_from((None, "410000", "420000")))
        blackouts.append(
            Blackout(first, first + timedelta(days=draw(st.integers(0, 5))), "收", province)
        )
    calendar = CalendarParams(
        window=window,
        market_schedules=schedules,
        blackouts=tuple(blackouts),
        preferred_weekdays=frozenset(draw(st.sets(st.integers(0, 6), max_size=2))),
        venue_hours=hours,
    )
    rules = CaravanRules(
        work_start_min=work_start,
        work_end_min=work_end,
        speed_kmh=draw(st.sampled_from((30.0, 40.0, 60.0))),
        max_events_per_day=draw(st.integers(1, 3)),
    )
    depots = len(venues) - n_caravans
    return CaravanProblem(
        venues=tuple(venues),
        road_km=km,
        events=tuple(events),
        caravans=tuple(Caravan(f"K{k}", depots + k) for k in range(n_caravans)),
        calendar=calendar,
        rules=rules,
    )


def _assert_clean(problem: CaravanProblem, result: CaravanResult) -> None:
    violations = check_caravan_result(problem, result)
    assert violations == [], [str(v) for v in violations]
    held = set(result.held_event_ids)
    assert held.isdisjoint(u.event_id for u in result.unheld)
    assert len(held) + len(result.unheld) == len(problem.events)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_pyvrp_plan_keeps_every_rule(problem: CaravanProblem) -> None:
    """The checker finds no broken rule in the PyVRP plan, and every event is accounted for."""
    _assert_clean(problem, plan_caravans(problem, _FAST))


@settings(max_examples=60, deadline=None)
@given(problems())
def test_baseline_keeps_every_rule(problem: CaravanProblem) -> None:
    """The nearest-neighbour baseline obeys the same rules."""
    _assert_clean(problem, plan_nearest_neighbour(problem))


@settings(max_examples=30, deadline=None)
@given(problems())
def test_plan_is_deterministic(problem: CaravanProblem) -> None:
    """The same problem and parameters give the same days (iteration-count stops)."""
    assert plan_caravans(problem, _FAST).days == plan_caravans(problem, _FAST).days
