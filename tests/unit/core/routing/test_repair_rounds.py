"""Repair rounds solved on hand-checkable lines of stops; pre-checks and errors name the stop.

The base case: depot ``D`` at km 0 of a straight road, stops ``S1..S4`` at km 10, 20,
30, 40; 60 km/h (1 min per km), 60 min of service per stop, working day 08:00-12:00
(240 min), one van, ``N = 2``. Three stops never fit in a day except S1-S2-S3
(30 + 180 + 30 = 240 min), so the splits are {S1, S2} + {S3, S4} (40 + 80 = 120 km),
{S1, S3} + {S2, S4} (60 + 80), {S1, S4} + {S2, S3} (80 + 60) and {S1, S2, S3} + {S4}
(60 + 80): the first is the unique optimum.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from nevrural.core.routing.repair_rounds import (
    distance_m,
    precheck_repair_rounds,
    schedule_van_day,
    solve_repair_rounds,
    to_pyvrp_data,
)
from nevrural.core.routing.repair_rounds_check import check_repair_rounds
from nevrural.core.routing.repair_rounds_problem import RepairRoundProblem

__all__: list[str] = []

START = date(2024, 5, 1)


def line_problem(
    positions_km: tuple[float, ...] = (10, 20, 30, 40), **changes: Any
) -> RepairRoundProblem:
    """Depot D at km 0 and stops S1.. at ``positions_km`` on one road (base case above)."""
    x = (0.0, *positions_km)
    fields: dict[str, Any] = {
        "depot_ids": ("D",),
        "stop_ids": tuple(f"S{i + 1}" for i in range(len(positions_km))),
        "road_km": [[abs(a - b) for b in x] for a in x],
        "service_min": 60,
        "vans_per_depot": 1,
        "period_days": 2,
        "work_start_min": 8 * 60,
        "work_end_min": 12 * 60,
        "speed_kmh": 60.0,
        "window_start": START,
        "window_end": START + timedelta(days=5),
    }
    fields.update(changes)
    return RepairRoundProblem(**fields)


def solve_fast(problem: RepairRoundProblem, seed: int = 0) -> Any:
    """A seeded solve bounded by iterations (and a few seconds)."""
    return solve_repair_rounds(problem, time_limit_s=5.0, seed=seed, max_iterations=300)


def test_line_of_four_stops_pairs_neighbours_on_alternate_days() -> None:
    """{S1, S2} on day 0 and {S3, S4} on day 1, 40 + 80 = 120 km per period."""
    result = solve_fast(line_problem())
    pattern = [(d.day_offset, d.van, {s.stop_id for s in d.stops}) for d in result.pattern]
    assert pattern == [(0, 0, {"S1", "S2"}), (1, 0, {"S3", "S4"})]
    assert [d.distance_km for d in result.pattern] == [40.0, 80.0]
    assert [(d.leave_min, d.return_min) for d in result.pattern] == [(480, 640), (480, 680)]
    assert result.distance_km_per_period == 120.0
    assert check_repair_rounds(line_problem(), result) == []


def test_every_stop_recurs_every_two_days() -> None:
    """Over six days S1, S2 are visited on the 1st, 3rd, 5th and S3, S4 on the 2nd, 4th, 6th."""
    result = solve_fast(line_problem())
    odd = tuple(date(2024, 5, d) for d in (1, 3, 5))
    even = tuple(date(2024, 5, d) for d in (2, 4, 6))
    assert {s: result.visit_dates(s) for s in ("S1", "S2", "S3", "S4")} == {
        "S1": odd,
        "S2": odd,
        "S3": even,
        "S4": even,
    }
    assert len(result.visits) == 12
    assert all(type(v.start_min) is int for v in result.visits)


def test_visits_carry_the_pattern_times() -> None:
    """Each visit's van and service times are those of its van-day in the pattern."""
    result = solve_fast(line_problem())
    times = {s.stop_id: (s.start_min, s.end_min) for d in result.pattern for s in d.stops}
    assert all((v.depot_id, v.van) == ("D", 0) for v in result.visits)
    assert all((v.start_min, v.end_min) == times[v.stop_id] for v in result.visits)


def test_schedule_follows_travel_minutes_and_service() -> None:
    """S3 then S4: arrive 08:30, leave 09:30, arrive 09:40, leave 10:40, back 11:20."""
    van_day = schedule_van_day(line_problem(), 0, [2, 3], van=0, day_offset=1)
    stops = [(s.stop_id, s.arrive_min, s.start_min, s.end_min, s.leg_km) for s in van_day.stops]
    assert stops == [("S3", 510, 510, 570, 30.0), ("S4", 580, 580, 640, 10.0)]
    assert (van_day.leave_min, van_day.return_min, van_day.distance_km) == (480, 680, 80.0)


def test_travel_minutes_round_up() -> None:
    """At 40 km/h, 10 km take 15 min and 10.1 km take 16 min (ceil)."""
    problem = line_problem((10.0, 10.1), speed_kmh=40.0)
    assert (problem.travel_min(0, 1), problem.travel_min(0, 2)) == (15, 16)
    assert problem.travel_matrix_min().tolist()[0] == [0, 15, 16]


def test_one_day_period_uses_a_van_per_route() -> None:
    """N = 1 with two vans: both pairs run every day, one per van."""
    problem = line_problem(period_days=1, vans_per_depot=2)
    result = solve_fast(problem)
    pattern = [(d.day_offset, d.van, {s.stop_id for s in d.stops}) for d in result.pattern]
    assert pattern == [(0, 0, {"S1", "S2"}), (0, 1, {"S3", "S4"})]
    assert result.visit_dates("S4") == tuple(START + timedelta(days=d) for d in range(6))
    assert check_repair_rounds(problem, result) == []


def test_each_depot_serves_its_own_end_of_the_road() -> None:
    """Depots at km 0 and 50, stops at 5, 10, 40, 45: each depot takes its two stops."""
    x = (0.0, 50.0, 5.0, 10.0, 40.0, 45.0)
    problem = line_problem(
        depot_ids=("W", "E"),
        stop_ids=("A", "B", "C", "D"),
        road_km=[[abs(a - b) for b in x] for a in x],
        vans_per_depot=(1, 1),
        period_days=1,
        window_end=START + timedelta(days=2),
    )
    result = solve_fast(problem)
    assert [(d.depot_id, {s.stop_id for s in d.stops}) for d in result.pattern] == [
        ("W", {"A", "B"}),
        ("E", {"C", "D"}),
    ]
    assert result.distance_km_per_period == 40.0
    assert check_repair_rounds(problem, result) == []


def test_same_seed_gives_the_same_plan() -> None:
    """An iteration limit makes a seeded solve reproducible."""
    first, again = solve_fast(line_problem(), seed=5), solve_fast(line_problem(), seed=5)
    assert (first.pattern, first.visits, first.iterations) == (again.pattern, again.visits, 300)


def test_partial_last_period_keeps_the_offsets() -> None:
    """A 5-day window with N = 2: day 4 (offset 0) visits S1, S2 once more, S3, S4 not."""
    result = solve_fast(line_problem(window_end=START + timedelta(days=4)))
    assert result.visit_dates("S1")[-1] == date(2024, 5, 5)
    assert result.visit_dates("S4")[-1] == date(2024, 5, 4)
    assert check_repair_rounds(line_problem(window_end=START + timedelta(days=4)), result) == []


def test_stop_beyond_a_working_day_is_named() -> None:
    """S2 at 100 km needs 100 + 60 + 100 = 260 min, more than the 240-min day."""
    problem = line_problem((10, 100), stop_names=("Near", "Far Hill"))
    with pytest.raises(ValueError, match=r"stop 'S2' \(Far Hill\).*100 \+ 60 \+ 100 = 260 min"):
        solve_fast(problem)


def test_depot_without_vans_does_not_serve() -> None:
    """S1 is beside depot E, which has no van; from W it is 150 km away: S1 is named."""
    x = (0.0, 150.0, 150.0)
    problem = line_problem(
        depot_ids=("W", "E"),
        stop_ids=("S1",),
        road_km=[[abs(a - b) for b in x] for a in x],
        vans_per_depot=(1, 0),
    )
    with pytest.raises(ValueError, match=r"stop 'S1'.*best depot 'W'"):
        precheck_repair_rounds(problem)


def test_service_beyond_all_van_days_is_refused() -> None:
    """Four stops of 130 min exceed one van's two 240-min days (520 > 480 min)."""
    with pytest.raises(ValueError, match=r"service time 520 min of 4 stops exceeds the 2 van-days"):
        solve_fast(line_problem((1, 2, 3, 4), service_min=130))


def test_no_feasible_plan_names_vans_period_and_stops() -> None:
    """Four stops at km 70 (200 min alone, 260 min in twos) need four van-days, not two."""
    problem = line_problem((70, 70, 70, 70))
    pattern = r"no feasible repair rounds.*4 stops every 2 days with vans 1 at 'D'.*'S\d'"
    with pytest.raises(ValueError, match=pattern):
        solve_fast(problem)


def test_pyvrp_data_has_a_van_day_per_vehicle() -> None:
    """Vehicle types only for depots with vans, each with vans x N vehicles."""
    x = (0.0, 50.0, 5.0)
    problem = line_problem(
        depot_ids=("W", "E"),
        stop_ids=("A",),
        road_km=[[abs(a - b) for b in x] for a in x],
        vans_per_depot=(0, 3),
        period_days=2,
    )
    data = to_pyvrp_data(problem)
    assert (data.num_depots, data.num_clients, data.num_vehicles) == (2, 1, 6)
    assert data.vehicle_type(0).start_depot == data.vehicle_type(0).end_depot == 1
    assert distance_m(45.0005) == 45_000


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_limit_s": 0.0}, "time_limit_s"),
        ({"time_limit_s": 1.0, "seed": -1}, "seed"),
        ({"time_limit_s": 1.0, "max_iterations": 0}, "max_iterations"),
    ],
)
def test_solver_arguments_are_checked(kwargs: dict[str, Any], message: str) -> None:
    """A bad time limit, seed or iteration limit is refused by name."""
    with pytest.raises(ValueError, match=message):
        solve_repair_rounds(line_problem(), **kwargs)


def test_a_depot_without_vans_is_skipped_by_the_solver() -> None:
    """Depot W (km 0) has no van, so E (km 50) serves A and B (km 5, 10) in one round."""
    x = (0.0, 50.0, 5.0, 10.0)
    problem = line_problem(
        depot_ids=("W", "E"),
        stop_ids=("A", "B"),
        road_km=[[abs(a - b) for b in x] for a in x],
        vans_per_depot=(0, 1),
    )
    result = solve_fast(problem)
    assert [(d.depot_id, d.distance_km) for d in result.pattern] == [("E", 90.0)]
    assert check_repair_rounds(problem, result) == []
