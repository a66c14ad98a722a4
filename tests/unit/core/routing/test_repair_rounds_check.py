"""The independent checker catches broken repair-round plans, each on a hand-made plan.

The plan is written by hand (no PyVRP): depot D at km 0, stops S1..S4 at km 10..40,
1 min per km, 60 min of service, 08:00-12:00, one van, N = 2, window 1-6 May 2024;
day 0 runs S1 then S2 (back 10:40, 40 km), day 1 S3 then S4 (back 11:20, 80 km).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from nevrural.core.routing.repair_rounds import expand_visits, schedule_van_day
from nevrural.core.routing.repair_rounds_check import check_repair_rounds
from nevrural.core.routing.repair_rounds_problem import RepairRoundProblem, RepairRoundResult

__all__: list[str] = []

X = (0.0, 10.0, 20.0, 30.0, 40.0)
PROBLEM = RepairRoundProblem(
    depot_ids=("D",),
    stop_ids=("S1", "S2", "S3", "S4"),
    road_km=[[abs(a - b) for b in X] for a in X],
    service_min=60,
    vans_per_depot=1,
    period_days=2,
    work_start_min=480,
    work_end_min=720,
    speed_kmh=60.0,
    window_start=date(2024, 5, 1),
    window_end=date(2024, 5, 6),
)


def good_plan() -> RepairRoundResult:
    """The plan of the module docstring."""
    pattern = (
        schedule_van_day(PROBLEM, 0, [0, 1], van=0, day_offset=0),
        schedule_van_day(PROBLEM, 0, [2, 3], van=0, day_offset=1),
    )
    return RepairRoundResult(2, pattern, expand_visits(PROBLEM, pattern), 120.0, 0.0, 0)


def with_day(plan: RepairRoundResult, k: int, **changes: object) -> RepairRoundResult:
    """The plan with van-day ``k`` changed (visits kept)."""
    pattern = list(plan.pattern)
    pattern[k] = replace(pattern[k], **changes)  # type: ignore[arg-type]
    return replace(plan, pattern=tuple(pattern))


def test_the_hand_plan_is_clean() -> None:
    """The hand plan breaks no rule, and its visits recur every 2 days."""
    plan = good_plan()
    assert check_repair_rounds(PROBLEM, plan) == []
    assert plan.visit_dates("S3") == (date(2024, 5, 2), date(2024, 5, 4), date(2024, 5, 6))


def test_a_dropped_stop_is_reported() -> None:
    """S2 removed from day 0 (and its visits): it is on no van-day and never visited."""
    plan = good_plan()
    broken = with_day(plan, 0, stops=plan.pattern[0].stops[:1])
    broken = replace(broken, visits=tuple(v for v in plan.visits if v.stop_id != "S2"))
    messages = check_repair_rounds(PROBLEM, broken)
    assert "stop S2 is on no van-day" in messages
    assert any(m.startswith("stop S2 is visited 0 times in days 0..1") for m in messages)


def test_a_wrong_arrival_is_reported() -> None:
    """S1 claimed at 08:05 instead of 08:10 (10 km at 60 km/h)."""
    plan = good_plan()
    stops = (replace(plan.pattern[0].stops[0], arrive_min=485), *plan.pattern[0].stops[1:])
    messages = check_repair_rounds(PROBLEM, with_day(plan, 0, stops=stops))
    assert messages == ["van-day 0 ('D' van 0 day 0): arrives at stop S1 at 485, not 490"]


def test_a_short_service_is_reported() -> None:
    """S4 ends 30 min after it starts, not 60."""
    plan = good_plan()
    stops = (plan.pattern[1].stops[0], replace(plan.pattern[1].stops[1], end_min=610))
    messages = check_repair_rounds(PROBLEM, with_day(plan, 1, stops=stops))
    assert any("stop S4 ends at 610, not start + service" in m for m in messages)


def test_working_late_is_reported() -> None:
    """Day 1 leaving at 09:00 is back at 12:20, after the 12:00 end of work."""
    plan = good_plan()
    later = schedule_van_day(PROBLEM, 0, [2, 3], van=0, day_offset=1)
    stops = tuple(
        replace(s, arrive_min=s.arrive_min + 60, start_min=s.start_min + 60, end_min=s.end_min + 60)
        for s in later.stops
    )
    broken = with_day(plan, 1, stops=stops, leave_min=540, return_min=740)
    messages = [m for m in check_repair_rounds(PROBLEM, broken) if "van-day 1" in m]
    assert messages == ["van-day 1 ('D' van 0 day 1): back at 12:20, after work"]


def test_wrong_depot_return_and_km_are_reported() -> None:
    """A return time and a km total that do not match the depot-to-depot path."""
    broken = with_day(good_plan(), 0, return_min=630, distance_km=30.0)
    messages = check_repair_rounds(PROBLEM, broken)
    assert "van-day 0 ('D' van 0 day 0): back at its depot at 630, not 640" in messages
    assert "van-day 0 ('D' van 0 day 0): 30.0 km, not 40.0 (depot to depot)" in messages
    assert "distance_km_per_period = 120.0, van-days sum to 110.0" in messages


def test_unknown_depot_and_van_are_reported() -> None:
    """A van-day at an unknown depot, another with van 1 of a one-van depot."""
    assert check_repair_rounds(PROBLEM, with_day(good_plan(), 0, depot_id="X"))[0] == (
        "van-day 0 ('X' van 0 day 0): unknown depot"
    )
    messages = check_repair_rounds(PROBLEM, with_day(good_plan(), 0, van=1))
    assert "van-day 0 ('D' van 1 day 0): depot has vans 0..0" in messages


def test_two_rounds_of_one_van_on_one_day_are_reported() -> None:
    """Both van-days on day offset 0: the van works twice, and S3, S4 visits mismatch."""
    messages = check_repair_rounds(PROBLEM, with_day(good_plan(), 1, day_offset=0))
    assert "depot 'D' van 0 works twice on day offset 0" in messages


def test_a_shifted_visit_is_reported() -> None:
    """S1's second visit moved from 3 to 4 May: not in the pattern, and 3 then 1 days apart."""
    plan = good_plan()
    moved = tuple(
        replace(v, date=v.date + timedelta(days=1))
        if (v.stop_id, v.date) == ("S1", date(2024, 5, 3))
        else v
        for v in plan.visits
    )
    messages = check_repair_rounds(PROBLEM, replace(plan, visits=moved))
    assert any(m.startswith("visit of S1 on 2024-05-04") for m in messages)
    assert "stop S1: visits on 2024-05-01 and 2024-05-04 are 3 days apart, not 2" in messages


def test_a_visit_outside_the_window_and_a_missing_last_visit_are_reported() -> None:
    """S3's 6 May visit moved to 8 May: outside, and the window runs past its last visit."""
    plan = good_plan()
    moved = tuple(
        replace(v, date=date(2024, 5, 8)) if (v.stop_id, v.date) == ("S3", date(2024, 5, 6)) else v
        for v in plan.visits
    )
    messages = check_repair_rounds(PROBLEM, replace(plan, visits=moved))
    assert "visit of S3 on 2024-05-08 is outside the window" in messages
    assert any(m.startswith("stop S3: last visit on 2024-05-04") for m in messages)


def test_a_wrong_period_is_reported() -> None:
    """A result for N = 3 does not fit a problem with N = 2."""
    messages = check_repair_rounds(PROBLEM, replace(good_plan(), period_days=3))
    assert messages[0] == "result.period_days = 3, problem N = 2"
