"""The caravan planner's parts on hand-made lines of venues: days, tours, choosers, baseline.

Every problem puts its venues on a line, ``road_km[i, j] = |x_i - x_j|``; at the default
40 km/h, 20 km take 30 min and 300 km take 450 min. The working day is 08:00-18:00
(480-1080 min, 600 min long), two events a day unless a test says otherwise. Market days
are computed with :func:`township_market_days`, never typed in as lunar dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

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
from nevrural.core.routing.caravan_baseline import nearest_day_order, nearest_neighbour_tours
from nevrural.core.routing.caravan_day_pyvrp import PyvrpDayChooser, event_prize
from nevrural.core.routing.caravan_days import Candidate, EventCalendar, run_days, schedule_visits
from nevrural.core.routing.caravan_problem import (
    CampaignEvent,
    Caravan,
    CaravanProblem,
    CaravanRules,
    Venue,
)
from nevrural.core.routing.caravan_result import CaravanDay, UnheldEvent, Visit
from nevrural.core.routing.caravan_tour import CountyTourResult, county_work, plan_county_tours

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__: list[str] = []

SEAT, TOWN_A, TOWN_B, TOWN_C = "420704", "420704100", "420704101", "420704102"
OTHER_SEAT, FAR_SEAT = "420705", "420900"
JUNE_14, JUNE_24 = date(2026, 6, 14), date(2026, 6, 24)
LEFT_OUT = "county not in any caravan's tour"
Windows = tuple[tuple[int, int], ...]


def line_problem(
    places: Sequence[tuple[str, float]],
    events: Sequence[CampaignEvent],
    *,
    caravans: Sequence[Caravan] = (Caravan("K1", 0),),
    start: date = JUNE_14,
    end: date = JUNE_24,
    markets: Mapping[str, str] | None = None,
    blackouts: Sequence[Blackout] = (),
    venue_hours: Mapping[str, VenueHours] | None = None,
    rules: CaravanRules | None = None,
) -> CaravanProblem:
    """Venues ``(id, x km)`` on a line; ``markets`` maps township codes to 逢 labels."""
    x = np.array([km for _, km in places], dtype=np.float64)
    return CaravanProblem(
        venues=tuple(Venue(vid, vid, 114.0 + km / 100.0, 30.0) for vid, km in places),
        road_km=np.abs(x[:, None] - x[None, :]),
        events=tuple(events),
        caravans=tuple(caravans),
        calendar=CalendarParams(
            window=CampaignWindow(start, end),
            market_schedules={
                code: market_schedule_of_label(label) for code, label in (markets or {}).items()
            },
            blackouts=tuple(blackouts),
            venue_hours=dict(venue_hours or {}),
        ),
        rules=rules or CaravanRules(),
    )


def main(county: str, venue: int, persons: float = 5000.0, minutes: int = 120) -> CampaignEvent:
    """The main-venue event of ``county`` at venue ``venue``."""
    return CampaignEvent(f"{county}-main", county, venue, county, "main", minutes, persons)


def sub(town: str, venue: int, persons: float = 2000.0, minutes: int = 120) -> CampaignEvent:
    """A sub-event of township ``town`` (its county is the first six digits)."""
    return CampaignEvent(f"{town}-sub", town[:6], venue, town, "sub", minutes, persons)


def take_all(
    problem: CaravanProblem, start_venue: int, day: date, candidates: Sequence[Candidate]
) -> list[int]:
    """A day chooser taking the candidates in the order given, up to the daily maximum."""
    del start_venue, day
    return [c.event_index for c in candidates][: problem.rules.max_events_per_day]


def take_none(
    problem: CaravanProblem, start_venue: int, day: date, candidates: Sequence[Candidate]
) -> list[int]:
    """A day chooser that never holds anything."""
    del problem, start_venue, day, candidates
    return []


# Depot, county seat, townships A and B, 20 km apart.
LINE = (("depot", 0.0), (SEAT, 20.0), (TOWN_A, 40.0), (TOWN_B, 60.0))
LINE_PROBLEM = line_problem(LINE, (main(SEAT, 1), sub(TOWN_A, 2), sub(TOWN_B, 3)))


# --- schedule_visits -------------------------------------------------------------------


def test_schedule_leaves_late_instead_of_waiting() -> None:
    """A 10:00 window 30 min away: leave at 09:30, arrive and start at 10:00."""
    timed = schedule_visits(LINE_PROBLEM, 0, [(0, ((600, 900),))])
    assert timed == (570, (Visit(f"{SEAT}-main", 1, 600, 600, 720, 20.0),))


def test_schedule_waits_at_a_later_stop() -> None:
    """Main 08:30-10:30, then township A reached 11:00 waits for its 13:00 window."""
    timed = schedule_visits(LINE_PROBLEM, 0, [(0, ((480, 960),)), (1, ((780, 960),))])
    assert timed == (
        480,
        (
            Visit(f"{SEAT}-main", 1, 510, 510, 630, 20.0),
            Visit(f"{TOWN_A}-sub", 2, 660, 780, 900, 20.0),
        ),
    )


def test_schedule_takes_the_earliest_window_that_fits() -> None:
    """A morning window closed on arrival (08:30 > 08:20): the 14:00 one, leaving at 13:30."""
    timed = schedule_visits(LINE_PROBLEM, 0, [(0, ((480, 500), (840, 960)))])
    assert timed == (810, (Visit(f"{SEAT}-main", 1, 840, 840, 960, 20.0),))


@pytest.mark.parametrize(
    "order",
    [
        [(0, ((480, 500),))],  # arrives 08:30, the last start is 08:20
        [(0, ((480, 960),)), (1, ((480, 600),))],  # main ends 10:30, A reached 11:00 > 10:00
        [(0, ((1000, 1080),))],  # starts 16:40, ends 18:40 after the working day
    ],
    ids=["first-window", "second-window", "end-of-day"],
)
def test_schedule_refuses_a_broken_window_or_day(order: list[tuple[int, Windows]]) -> None:
    """An order that misses a start window or ends after 18:00 is refused (None)."""
    assert schedule_visits(LINE_PROBLEM, 0, order) is None


def test_schedule_of_nothing_leaves_at_the_start_of_day() -> None:
    """An empty order gives no visits and the 08:00 departure."""
    assert schedule_visits(LINE_PROBLEM, 0, []) == (480, ())


# --- EventCalendar -----------------------------------------------------------------------


def calendar_problem() -> CaravanProblem:
    """Seat, A (逢一四七), B (逢三六九, split hours), C (hours too short); harvest 06-19..21."""
    places = (*LINE, (TOWN_C, 80.0))
    return line_problem(
        places,
        (main(SEAT, 1), sub(TOWN_A, 2), sub(TOWN_B, 3), sub(TOWN_C, 4)),
        markets={TOWN_A: "逢一四七", TOWN_B: "逢三六九", TOWN_C: "逢二五八"},
        blackouts=(
            Blackout(date(2026, 6, 19), date(2026, 6, 21), "wheat harvest"),
            Blackout(JUNE_14, JUNE_24, "another province", province_code="130000"),
        ),
        venue_hours={
            TOWN_B: VenueHours((TimeWindow(480, 720), TimeWindow(840, 1080))),
            TOWN_C: VenueHours((TimeWindow(480, 540),)),
        },
    )


def test_calendar_allows_market_days_outside_blackouts() -> None:
    """A township sub-event may take its market days except those in the harvest."""
    problem = calendar_problem()
    harvest = problem.calendar.blackouts[0]
    markets = township_market_days(problem.calendar, TOWN_A)
    expected = tuple(d for d in markets if not harvest.covers(d))
    assert expected
    assert len(expected) < len(markets)  # the blackout takes at least one
    calendar = EventCalendar(problem)
    assert calendar.allowed[1] == expected
    assert [d for d in problem.calendar.window.days() if calendar.is_allowed(1, d)] == list(
        expected
    )


def test_calendar_allows_the_main_venue_any_day_but_blackouts() -> None:
    """The seat takes the 8 days outside 06-19..06-21; the other province's blackout is ignored."""
    calendar = EventCalendar(calendar_problem())
    expected = [JUNE_14 + timedelta(days=k) for k in (0, 1, 2, 3, 4, 8, 9, 10)]
    assert list(calendar.allowed[0]) == expected
    assert not calendar.is_allowed(0, date(2026, 6, 20))
    assert calendar.windows[0] == ((480, 960),)


def test_days_left_counts_today_and_later() -> None:
    """From 06-14 all 8 days are left, from 06-20 (blacked out) the last 3, after the end 0."""
    calendar = EventCalendar(calendar_problem())
    assert calendar.days_left(0, JUNE_14) == 8
    assert calendar.days_left(0, date(2026, 6, 20)) == 3
    assert calendar.days_left(0, JUNE_24) == 1
    assert calendar.days_left(0, JUNE_24 + timedelta(days=1)) == 0


def test_venue_hours_give_one_window_per_opening() -> None:
    """B open 08:00-12:00 and 14:00-18:00 gives a 120-min event starts 08:00-10:00, 14:00-16:00."""
    assert EventCalendar(calendar_problem()).windows[2] == ((480, 600), (840, 960))


def test_hours_too_short_leave_no_day() -> None:
    """C open one hour cannot hold a two-hour event: no window, never allowed, no days left."""
    problem = calendar_problem()
    calendar = EventCalendar(problem)
    assert calendar.windows[3] == ()
    assert calendar.allowed[3]  # it has market days, but nowhere to hold it
    assert not any(calendar.is_allowed(3, d) for d in calendar.allowed[3])
    assert calendar.days_left(3, JUNE_14) == 0


# --- run_days ----------------------------------------------------------------------------


def test_far_county_is_reached_by_transfer_days() -> None:
    """600 km away: drive to the town 300 km out, then to the seat, and hold the event there."""
    far_main = main(FAR_SEAT, 2, minutes=360)
    problem = line_problem(
        (("depot", 0.0), ("420800", 300.0), (FAR_SEAT, 600.0)),
        (far_main,),
        start=date(2026, 6, 1),
        end=date(2026, 6, 5),
    )
    outcome = run_days(problem, {"K1": (FAR_SEAT,)}, take_all, working_set=1, left_out_reason="-")
    assert outcome.days == (
        CaravanDay("K1", date(2026, 6, 1), "transfer", 0, 1, 480, 930, (), 300.0),
        CaravanDay("K1", date(2026, 6, 2), "transfer", 1, 2, 480, 930, (), 300.0),
        CaravanDay(
            "K1",
            date(2026, 6, 3),
            "events",
            2,
            2,
            480,
            840,
            (Visit(far_main.event_id, 2, 480, 480, 840, 0.0),),
            0.0,
        ),
    )
    assert outcome.unheld == ()


def test_waiting_in_the_county_for_a_market_day_is_not_listed() -> None:
    """Main on the first day, then rest at the seat until A's first market day."""
    problem = line_problem(LINE[:3], (main(SEAT, 1), sub(TOWN_A, 2)), markets={TOWN_A: "逢五逢十"})
    first_market = township_market_days(problem.calendar, TOWN_A)[0]
    assert first_market >= JUNE_14 + timedelta(days=2)  # at least one day of waiting
    outcome = run_days(problem, {"K1": (SEAT,)}, take_all, working_set=1, left_out_reason="-")
    assert [(d.day, d.kind, d.start_venue, d.event_ids) for d in outcome.days] == [
        (JUNE_14, "events", 0, (f"{SEAT}-main",)),
        (first_market, "events", 1, (f"{TOWN_A}-sub",)),
    ]
    assert outcome.unheld == ()


def test_unreachable_county_is_unheld_with_the_reason() -> None:
    """No venue within a day's drive gets closer to a seat 980 km on: its event is unheld."""
    far_main = main(FAR_SEAT, 2)
    problem = line_problem(
        (("depot", 0.0), (SEAT, 20.0), (FAR_SEAT, 1000.0)),
        (main(SEAT, 1), far_main),
        start=date(2026, 6, 1),
        end=date(2026, 6, 3),
    )
    tours = {"K1": (SEAT, FAR_SEAT)}
    outcome = run_days(problem, tours, take_all, working_set=1, left_out_reason="-")
    assert [(d.day, d.event_ids) for d in outcome.days] == [(date(2026, 6, 1), (f"{SEAT}-main",))]
    assert outcome.unheld == (
        UnheldEvent(
            far_main.event_id,
            f"caravan K1 cannot get closer to county {FAR_SEAT} within a working day's drive",
        ),
    )


def recorded_candidates(lookahead_km: float) -> list[list[Candidate]]:
    """The candidates of each call on a 2-day window, seat and a next county 30 km away."""
    seen: list[list[Candidate]] = []

    def record(
        problem: CaravanProblem, start_venue: int, day: date, candidates: Sequence[Candidate]
    ) -> list[int]:
        seen.append(list(candidates))
        return take_none(problem, start_venue, day, candidates)

    problem = line_problem(
        ((SEAT, 0.0), (OTHER_SEAT, 30.0)),
        (main(SEAT, 0), main(OTHER_SEAT, 1)),
        end=date(2026, 6, 15),
    )
    tours = {"K1": (SEAT, OTHER_SEAT)}
    run_days(problem, tours, record, working_set=2, left_out_reason="-", lookahead_km=lookahead_km)
    return seen


def test_candidates_look_one_county_ahead() -> None:
    """With a working set of 2, the next county's main venue is a candidate, not current."""
    seen = recorded_candidates(lookahead_km=30.0)
    assert seen[0] == [
        Candidate(0, ((480, 960),), is_current_county=True, days_left=2),
        Candidate(1, ((480, 960),), is_current_county=False, days_left=2),
    ]
    assert len(seen) == 2  # one call a day; the caravan waits in its county


def test_lookahead_skips_a_next_county_too_far() -> None:
    """A next county 30 km away is not a candidate when the look-ahead is 29 km."""
    seen = recorded_candidates(lookahead_km=29.0)
    assert [[c.event_index for c in call] for call in seen] == [[0], [0]]


def test_unheld_events_say_why() -> None:
    """Each event left over gets the reason that fits it (the chooser holds nothing)."""
    problem = line_problem(
        ((SEAT, 0.0), (TOWN_A, 20.0), (TOWN_B, 40.0), (TOWN_C, 60.0), (OTHER_SEAT, 80.0)),
        (
            main(SEAT, 0),
            sub(TOWN_A, 1),
            sub(TOWN_B, 2),
            sub(TOWN_C, 3),
            main(OTHER_SEAT, 4),
            main("430100", 4),
        ),
        end=date(2026, 6, 18),
        markets={TOWN_A: "逢二五八", TOWN_B: "逢五逢十", TOWN_C: "逢一四七"},
        blackouts=(Blackout(JUNE_14, date(2026, 6, 18), "exams", province_code="430000"),),
        venue_hours={TOWN_C: VenueHours((TimeWindow(480, 540),))},
    )
    last_a = township_market_days(problem.calendar, TOWN_A)[-1]
    assert last_a < date(2026, 6, 18)
    assert township_market_days(problem.calendar, TOWN_B) == ()
    tours = {"K1": (SEAT, "430100")}
    outcome = run_days(problem, tours, take_none, working_set=1, left_out_reason=LEFT_OUT)
    assert outcome.days == ()
    assert {u.event_id: u.reason for u in outcome.unheld} == {
        f"{SEAT}-main": "the window ended before caravan K1 held it",
        f"{TOWN_A}-sub": f"its last allowed day {last_a.isoformat()} passed before caravan K1 "
        "could hold it",
        f"{TOWN_B}-sub": "no market day outside blackouts in the window",
        f"{TOWN_C}-sub": "its venue's hours leave no room for it in the working day",
        f"{OTHER_SEAT}-main": LEFT_OUT,
        "430100-main": "every day of the window is blacked out",
    }


# --- caravan_tour --------------------------------------------------------------------------


def test_county_work_stretches_sub_event_days_by_market_wait() -> None:
    """Main + 5 subs: 1 + ceil(1.5 · 3) = 6 days; 3 subs without a main: ceil(1.5 · 2) = 3."""
    towns = [f"{SEAT}{k:03d}" for k in range(5)] + [f"{OTHER_SEAT}{k:03d}" for k in range(3)]
    places = [(SEAT, 0.0)] + [(t, 10.0 * (k + 1)) for k, t in enumerate(towns)]
    events = [main(SEAT, 0, persons=1000.0)] + [
        sub(t, k + 1, persons=100.0) for k, t in enumerate(towns)
    ]
    problem = line_problem(places, events)
    stretched = county_work(problem, market_wait=1.5)
    assert [(w.county_code, w.anchor_venue, w.persons, w.expected_days) for w in stretched] == [
        (SEAT, 0, 1500.0, 6),
        (OTHER_SEAT, 6, 300.0, 3),
    ]
    assert [w.expected_days for w in county_work(problem)] == [4, 2]


def clustered_problem() -> CaravanProblem:
    """Depots at 0 and 500 km; counties at 20, 40 (west) and 480, 460 km (east)."""
    west, east = ("420101", "420102"), ("420201", "420202")
    places = [("d-west", 0.0), ("d-east", 500.0), (west[0], 20.0), (west[1], 40.0)]
    places += [(east[0], 480.0), (east[1], 460.0)]
    events = [main(code, 2 + k, persons=10000.0) for k, code in enumerate(west + east)]
    return line_problem(places, events, caravans=(Caravan("K1", 0), Caravan("K2", 1)))


def tour_plan(problem: CaravanProblem, usable_days: int, seed: int = 0) -> CountyTourResult:
    """Level 1 on ``problem`` with a short, reproducible PyVRP run."""
    return plan_county_tours(
        problem,
        usable_days,
        persons_per_km=20.0,
        utilisation=0.8,
        market_wait=1.0,
        time_limit_s=5.0,
        max_iterations=200,
        seed=seed,
    )


def test_each_caravan_tours_the_cluster_at_its_depot() -> None:
    """West depot takes 420101 then 420102, east depot 420201 then 420202; none left out."""
    result = tour_plan(clustered_problem(), usable_days=10)
    assert result.tours == {"K1": ("420101", "420102"), "K2": ("420201", "420202")}
    assert result.left_out == ()
    assert tour_plan(clustered_problem(), usable_days=10).tours == result.tours  # same seed


def test_a_window_too_short_leaves_every_county_out() -> None:
    """One usable day gives 480 working min, less than a county's 600: nothing is toured."""
    result = tour_plan(clustered_problem(), usable_days=1)
    assert result.tours == {"K1": (), "K2": ()}
    assert result.left_out == ("420101", "420102", "420201", "420202")


# --- caravan_day_pyvrp -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "current", "preferred", "days_left", "expected"),
    [
        (0.0, True, False, 1, 2000.0),  # 1000 · 1 · 1 · (1 + 1/1)
        (0.0, True, False, 4, 1250.0),  # 1000 · (1 + 1/4)
        (0.0, False, False, 4, 312.5),  # 1000 · 0.25 · 1.25
        (0.0, True, True, 4, 1562.5),  # 1000 · 1.25 · 1.25
        (0.0, True, False, 0, 2000.0),  # no days left counts as one
        (500.0, False, True, 1, 937.5),  # (1000 + 500) · 0.25 · 1.25 · 2
    ],
)
def test_event_prize(
    value: float, current: bool, preferred: bool, days_left: int, expected: float
) -> None:
    """(Persons + event value) × county weight × weekday bonus × (1 + 1/days_left), by hand."""
    prize = event_prize(
        1000.0,
        event_value=value,
        is_current_county=current,
        is_preferred_main=preferred,
        days_left=days_left,
        next_county_weight=0.25,
        preferred_weekday_bonus=0.25,
    )
    assert prize == pytest.approx(expected)


def day_chooser(event_value: float = 0.0) -> PyvrpDayChooser:
    """A short, seeded PyVRP day chooser, 20 persons per km."""
    return PyvrpDayChooser(
        persons_per_km=20.0,
        event_value=event_value,
        next_county_weight=0.25,
        preferred_weekday_bonus=0.25,
        max_iterations=50,
        time_limit_s=2.0,
        seed=0,
    )


# 5000 and 4000 persons 20 and 40 km out; 100 persons 100 km further, three events a day.
SPREAD_DAY = line_problem(
    (("depot", 0.0), (TOWN_A, 20.0), (TOWN_B, 40.0), (TOWN_C, 140.0)),
    (sub(TOWN_A, 1, 5000.0), sub(TOWN_B, 2, 4000.0), sub(TOWN_C, 3, 100.0)),
    rules=CaravanRules(max_events_per_day=3),
)
SPREAD_CANDIDATES = [Candidate(i, ((480, 960),), True, 5) for i in range(3)]


def test_pyvrp_day_picks_the_big_events_and_skips_a_far_small_one() -> None:
    """The 100 persons 100 km further cost 2000 persons of driving: the two big ones only."""
    assert day_chooser()(SPREAD_DAY, 0, JUNE_14, SPREAD_CANDIDATES) == [0, 1]
    with_far = [(i, ((480, 960),)) for i in (0, 1, 2)]
    assert schedule_visits(SPREAD_DAY, 0, with_far) is not None  # the far one fits the day


def test_pyvrp_day_event_value_fills_the_day() -> None:
    """Worth 5000 persons more each, the far small event is held too, last."""
    assert day_chooser(5000.0)(SPREAD_DAY, 0, JUNE_14, SPREAD_CANDIDATES) == [0, 1, 2]


def test_pyvrp_day_holds_a_split_hours_event_once() -> None:
    """An event with two start windows is one client group: held at most once."""
    problem = line_problem((("depot", 0.0), (TOWN_A, 20.0)), (sub(TOWN_A, 1),))
    chooser = day_chooser()
    assert chooser(problem, 0, JUNE_14, [Candidate(0, ((480, 600), (840, 960)), True, 1)]) == [0]
    assert chooser(problem, 0, JUNE_14, []) == []


# --- caravan_baseline --------------------------------------------------------------------------


def test_nearest_neighbour_hands_out_counties_in_turns() -> None:
    """K1 (depot 0) takes 10 then 20; K2 (depot 100) takes 90 then 50; a third caravan none."""
    codes = {10: "420110", 20: "420120", 90: "420190", 50: "420150"}
    places = [("d0", 0.0), ("d100", 100.0)] + [(code, float(x)) for x, code in codes.items()]
    events = [main(code, 2 + k) for k, code in enumerate(codes.values())]
    caravans = (Caravan("K1", 0), Caravan("K2", 1))
    problem = line_problem(places, events, caravans=caravans)
    assert nearest_neighbour_tours(problem) == {
        "K1": (codes[10], codes[20]),
        "K2": (codes[90], codes[50]),
    }
    three = line_problem(places[:4], events[:2], caravans=(*caravans, Caravan("K3", 0)))
    assert nearest_neighbour_tours(three) == {"K1": (codes[10],), "K2": (codes[20],), "K3": ()}


def test_nearest_day_order_goes_to_the_nearest_first() -> None:
    """From 0: the event at 20 km, then the one at 40 km; two a day."""
    problem = line_problem(LINE, (sub(TOWN_A, 2), main(SEAT, 1), sub(TOWN_B, 3)))
    candidates = [Candidate(i, ((480, 960),), True, 3) for i in range(3)]
    assert nearest_day_order(problem, 0, JUNE_14, candidates) == [1, 0]


def test_nearest_day_order_skips_what_it_cannot_reach_in_time() -> None:
    """The seat's window closes at 08:10 (arrival 08:30): A at 40 km, then B at 60 km."""
    problem = line_problem(LINE, (sub(TOWN_A, 2), main(SEAT, 1), sub(TOWN_B, 3)))
    candidates = [
        Candidate(0, ((480, 960),), True, 3),
        Candidate(1, ((480, 490),), True, 3),
        Candidate(2, ((480, 960),), True, 3),
    ]
    assert nearest_day_order(problem, 0, JUNE_14, candidates) == [0, 2]
