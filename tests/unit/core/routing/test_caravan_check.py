"""The caravan plan checker on a hand-made line of venues; one broken rule per test.

Venues on a line, 20 km apart: depot (0), county seat 420704 (1), townships 420704100
(2, market 逢一四七: 2026-06-15, 06-18, ...) and 420704101 (3, 逢二五八: 06-16, 06-19,
...). At 40 km/h, 20 km take 30 min. Work 08:00-18:00 (480-1080 min), two events a day,
window 2026-06-14..06-24. Events: main (seat, 120 min, 5000 persons), t1 (township 2,
120 min, 2000), t2 (township 3, 120 min, 1500), t3 (township 2, 120 min, 800).

The clean plan of caravan c1 (c2 stays home):

* 06-15 depot 480 -> seat 510, main 540-660 -> township 2 at 690, t1 690-810; 40 km;
* 06-16 township 2 480 -> township 3 at 510, t2 540-660; 20 km;
* 06-17 transfer township 3 480 -> depot 570; 60 km.

Totals: 8500 persons, 120 km, 4 caravan-days (06-14..06-17), t3 unheld.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest

from nevrural.core.events.calendar import (
    Blackout,
    CalendarParams,
    CampaignWindow,
    TimeWindow,
    VenueHours,
    market_schedule_of_label,
    township_market_days,
)
from nevrural.core.routing.caravan_check import CaravanViolation, check_caravan_result
from nevrural.core.routing.caravan_problem import (
    CampaignEvent,
    Caravan,
    CaravanProblem,
    CaravanRules,
    Venue,
)
from nevrural.core.routing.caravan_result import CaravanDay, CaravanResult, UnheldEvent, Visit

__all__: list[str] = []

SEAT, TOWN_2, TOWN_3 = "420704", "420704100", "420704101"
CALENDAR = CalendarParams(
    window=CampaignWindow(date(2026, 6, 14), date(2026, 6, 24)),
    market_schedules={
        TOWN_2: market_schedule_of_label("逢一四七"),
        TOWN_3: market_schedule_of_label("逢二五八"),
    },
)
POSITIONS = np.arange(4, dtype=np.float64) * 20.0
PROBLEM = CaravanProblem(
    venues=(
        Venue("depot", "Depot", 114.0, 30.0),
        Venue(SEAT, "County seat", 114.2, 30.0),
        Venue(TOWN_2, "Township 2", 114.4, 30.0),
        Venue(TOWN_3, "Township 3", 114.6, 30.0),
    ),
    road_km=np.abs(POSITIONS[:, None] - POSITIONS[None, :]),
    events=(
        CampaignEvent("main", SEAT, 1, SEAT, "main", 120, 5000.0),
        CampaignEvent("t1", SEAT, 2, TOWN_2, "sub", 120, 2000.0),
        CampaignEvent("t2", SEAT, 3, TOWN_3, "sub", 120, 1500.0),
        CampaignEvent("t3", SEAT, 2, TOWN_2, "sub", 120, 800.0),
    ),
    caravans=(Caravan("c1", 0), Caravan("c2", 0)),
    calendar=CALENDAR,
)
JUNE_15, JUNE_16, JUNE_17 = date(2026, 6, 15), date(2026, 6, 16), date(2026, 6, 17)
DAY_1 = CaravanDay(
    "c1",
    JUNE_15,
    "events",
    0,
    2,
    480,
    810,
    (Visit("main", 1, 510, 540, 660, 20.0), Visit("t1", 2, 690, 690, 810, 20.0)),
    40.0,
)
DAY_2 = CaravanDay(
    "c1", JUNE_16, "events", 2, 3, 480, 660, (Visit("t2", 3, 510, 540, 660, 20.0),), 20.0
)
DAY_3 = CaravanDay("c1", JUNE_17, "transfer", 3, 0, 480, 570, (), 60.0)
CLEAN = CaravanResult(
    method="nearest_neighbour",
    days=(DAY_1, DAY_2, DAY_3),
    county_tours={"c1": (SEAT,)},
    unheld=(UnheldEvent("t3", "no market day left"),),
    persons_reached=8500.0,
    drive_km=120.0,
    caravan_days=4,
)


def with_day(k: int, **changes: Any) -> CaravanResult:
    """The clean plan with day ``k`` (0-based) changed."""
    days = list(CLEAN.days)
    days[k] = replace(days[k], **changes)
    return replace(CLEAN, days=tuple(days))


def with_visit(k: int, j: int, **changes: Any) -> CaravanResult:
    """The clean plan with visit ``j`` of day ``k`` changed."""
    visits = list(CLEAN.days[k].visits)
    visits[j] = replace(visits[j], **changes)
    return with_day(k, visits=tuple(visits))


def only(
    result: CaravanResult, kind: str, *words: str, problem: CaravanProblem = PROBLEM
) -> CaravanViolation:
    """The single violation of the plan, of ``kind``, whose message names every word."""
    found = check_caravan_result(problem, result)
    assert [v.kind for v in found] == [kind], [str(v) for v in found]
    for word in words:
        assert word in found[0].message
    return found[0]


def test_fixture_market_days() -> None:
    """Township 2 markets on 06-15 (not 06-14), township 3 on 06-16."""
    assert township_market_days(CALENDAR, TOWN_2)[:2] == (JUNE_15, date(2026, 6, 18))
    assert township_market_days(CALENDAR, TOWN_3)[0] == JUNE_16


def test_clean_plan_has_no_violations() -> None:
    """The plan of the module docstring keeps every rule."""
    assert check_caravan_result(PROBLEM, CLEAN) == []


def test_float_noise_is_tolerated() -> None:
    """Persons off by 1e-7 and km off by 1e-7 are within tolerance."""
    noisy = replace(
        with_visit(1, 0, drive_km=20.0 + 1e-7), persons_reached=8500.0 + 1e-7, drive_km=120.0
    )
    assert check_caravan_result(PROBLEM, noisy) == []


def test_unknown_caravan() -> None:
    """A day of caravan zz (depot to seat, 20 km, 30 min) names zz."""
    extra = CaravanDay("zz", JUNE_15, "transfer", 0, 1, 480, 510, (), 20.0)
    result = replace(CLEAN, days=(*CLEAN.days, extra), drive_km=140.0, caravan_days=6)
    violation = only(result, "unknown_caravan", "zz", "2026-06-15")
    assert (violation.caravan_id, violation.day) == ("zz", JUNE_15)


def test_unknown_event_in_a_visit() -> None:
    """Visit 'ghost' instead of t2; t2 is then listed unheld and persons drop to 7000."""
    result = replace(
        with_visit(1, 0, event_id="ghost"),
        unheld=(UnheldEvent("t2", "dropped"), *CLEAN.unheld),
        persons_reached=7000.0,
    )
    only(result, "unknown_event", "ghost", "c1", "2026-06-16")


def test_unknown_event_in_unheld() -> None:
    """An unheld entry for an event the problem lacks is reported."""
    result = replace(CLEAN, unheld=(*CLEAN.unheld, UnheldEvent("ghost", "?")))
    assert only(result, "unknown_event", "ghost").caravan_id == ""


def test_unknown_venue() -> None:
    """A transfer day ending at venue 9 (of 0..3) is reported and not simulated."""
    only(with_day(2, end_venue=9), "unknown_venue", "c1", "2026-06-17", "9", "0..3")


def test_wrong_venue() -> None:
    """t2 held at the seat (20 km from township 2, like its own venue) instead of township 3."""
    day_2 = replace(DAY_2, end_venue=1, visits=(replace(DAY_2.visits[0], venue_index=1),))
    day_3 = replace(DAY_3, start_venue=1, finish_min=510, drive_km=20.0)
    result = replace(CLEAN, days=(DAY_1, day_2, day_3), drive_km=80.0)
    only(result, "wrong_venue", "c1", "2026-06-16", "t2", TOWN_3)


def test_duplicate_event() -> None:
    """t2 held again right after itself (660-780 min, 0 km) names both holdings."""
    again = Visit("t2", 3, 660, 660, 780, 0.0)
    result = with_day(1, visits=(*DAY_2.visits, again), finish_min=780)
    violation = only(result, "duplicate_event", "t2", "2 times", "c1")
    assert (violation.caravan_id, violation.day) == ("c1", JUNE_16)


def test_outside_window_events() -> None:
    """Day 1 on 06-13, before the window: both its events are outside."""
    found = check_caravan_result(PROBLEM, with_day(0, day=date(2026, 6, 13)))
    assert [v.kind for v in found] == ["outside_window", "outside_window"]
    assert "main" in found[0].message
    assert "t1" in found[1].message
    assert "c1" in found[1].message


def test_outside_window_transfer_day() -> None:
    """A transfer day on 06-25, after the window, is outside it (12 caravan-days)."""
    result = replace(with_day(2, day=date(2026, 6, 25)), caravan_days=12)
    only(result, "outside_window", "c1", "2026-06-25", "2026-06-24")


def test_not_market_day() -> None:
    """Day 1 on 06-14: the main event may, t1 may not (lunar day off 逢一四七)."""
    only(with_day(0, day=date(2026, 6, 14)), "not_market_day", "c1", "t1", TOWN_2)


def test_blackout() -> None:
    """A Hubei blackout on 06-16 hits t2."""
    blackout = Blackout(JUNE_16, JUNE_16, "harvest", "420000")
    problem = replace(PROBLEM, calendar=replace(CALENDAR, blackouts=(blackout,)))
    only(CLEAN, "blackout", "c1", "t2", "2026-06-16", "harvest", problem=problem)


def test_venue_closed() -> None:
    """Township 3 opens 600-720 min; t2 at 540-660 min falls outside."""
    hours = {TOWN_3: VenueHours((TimeWindow(600, 720),))}
    problem = replace(PROBLEM, calendar=replace(CALENDAR, venue_hours=hours))
    only(CLEAN, "venue_closed", "c1", "t2", "540..660", "600..720", problem=problem)


def test_overlap_between_caravans() -> None:
    """c2 holds t3 at township 2 700-820 min while c1 holds t1 there 690-810 min."""
    day = CaravanDay(
        "c2", JUNE_15, "events", 0, 2, 480, 820, (Visit("t3", 2, 540, 700, 820, 40.0),), 40.0
    )
    result = replace(
        CLEAN,
        days=(*CLEAN.days, day),
        unheld=(),
        persons_reached=9300.0,
        drive_km=160.0,
        caravan_days=6,
    )
    violation = only(result, "overlap", "c1 and c2", "t1", "t3", "690..810")
    assert (violation.caravan_id, violation.day) == ("", JUNE_15)


def test_day_order() -> None:
    """Two listed days of c1 on 06-16 (then 3 caravan-days)."""
    result = replace(with_day(2, day=JUNE_16), caravan_days=3)
    only(result, "day_order", "c1", "2026-06-16")


def test_overnight() -> None:
    """Day 1 starting at township 2 (also 20 km from the seat) instead of the depot."""
    only(with_day(0, start_venue=2), "overnight", "c1", "2026-06-15", TOWN_2, "depot")


@pytest.mark.parametrize(
    ("result", "words"),
    [
        pytest.param(with_day(2, finish_min=1090), ("1090", "1080"), id="late"),
        pytest.param(
            with_day(
                0,
                depart_min=470,
                visits=(replace(DAY_1.visits[0], arrive_min=500), DAY_1.visits[1]),
            ),
            ("470", "480"),
            id="early",
        ),
    ],
)
def test_working_hours(result: CaravanResult, words: tuple[str, ...]) -> None:
    """Leaving before 480 min or finishing after 1080 min is reported."""
    only(result, "working_hours", "c1", *words)


@pytest.mark.parametrize(
    ("result", "words"),
    [
        pytest.param(with_visit(1, 0, arrive_min=520), ("t2", "520", "510"), id="arrive"),
        pytest.param(
            with_visit(1, 0, start_min=505, end_min=625), ("t2", "505", "510"), id="start"
        ),
        pytest.param(with_visit(1, 0, end_min=650), ("t2", "650", "660"), id="end"),
        pytest.param(with_day(2, finish_min=560), ("560", "570", "90 min"), id="finish"),
    ],
)
def test_timing(result: CaravanResult, words: tuple[str, ...]) -> None:
    """A wrong arrival, a start before arrival, a wrong end or an early finish (min)."""
    only(result, "timing", "c1", *words)


@pytest.mark.parametrize(
    ("result", "words"),
    [
        pytest.param(with_visit(1, 0, drive_km=21.0), ("t2", "21 km", "20 km"), id="leg"),
        pytest.param(
            replace(with_day(2, drive_km=50.0), drive_km=110.0), ("50 km", "60 km"), id="day"
        ),
    ],
)
def test_distance(result: CaravanResult, words: tuple[str, ...]) -> None:
    """A visit's km or a day's km that differs from the road km."""
    only(result, "distance", "c1", *words)


@pytest.mark.parametrize(
    "result",
    [
        pytest.param(with_day(2, kind="events"), id="events-without-visits"),
        pytest.param(with_day(1, kind="transfer"), id="transfer-with-visits"),
        pytest.param(
            replace(with_day(2, end_venue=3, finish_min=480, drive_km=0.0), drive_km=60.0),
            id="transfer-in-place",
        ),
    ],
)
def test_day_kind(result: CaravanResult) -> None:
    """Kind 'events' needs visits, 'transfer' none and a move."""
    only(result, "day_kind", "c1")


def test_too_many_events() -> None:
    """With one event a day allowed, day 1's main and t1 are one too many."""
    problem = replace(PROBLEM, rules=CaravanRules(max_events_per_day=1))
    only(CLEAN, "too_many_events", "c1", "main, t1", "1 allowed", problem=problem)


@pytest.mark.parametrize(
    ("result", "words"),
    [
        pytest.param(replace(CLEAN, persons_reached=8400.0), ("8400", "8500"), id="persons"),
        pytest.param(replace(CLEAN, drive_km=121.0), ("121", "120 km"), id="km"),
        pytest.param(replace(CLEAN, caravan_days=3), ("3", "4 days"), id="caravan-days"),
        pytest.param(replace(CLEAN, unheld=()), ("t3", "neither"), id="unheld-missing"),
        pytest.param(replace(CLEAN, unheld=CLEAN.unheld * 2), ("t3", "2 times"), id="unheld-twice"),
        pytest.param(
            replace(CLEAN, unheld=(*CLEAN.unheld, UnheldEvent("t1", "?"))),
            ("t1", "c1", "2026-06-15"),
            id="unheld-but-held",
        ),
    ],
)
def test_totals(result: CaravanResult, words: tuple[str, ...]) -> None:
    """Persons, km, caravan-days and the unheld list must match the days."""
    only(result, "totals", *words)


def test_violation_str_is_its_message() -> None:
    """str() of a violation is its message."""
    violation = CaravanViolation("totals", "", None, "drive_km is 1, but the days drive 2 km")
    assert str(violation) == violation.message
