"""Hub-and-spoke event plan: hand-checked line cases, budgets, reach reports, inputs refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy import sparse

from nevrural.core.events.hub_spoke import (
    HubSpokeParams,
    HubSpokeProblem,
    estimate_road_km,
    solve_hub_spoke,
)

CODES = ("A", "B", "C", "D", "E", "F", "G")
# Population, persons, of seven townships 10 km apart on one road; the seat is at A.
POPULATION = np.array([5000.0, 3000.0, 4000.0, 6000.0, 2000.0, 7000.0, 1000.0])
LINE_KM = np.abs(np.subtract.outer(np.arange(7.0), np.arange(7.0))) * 10.0


def line(**changes: Any) -> HubSpokeProblem:
    """Seven townships on a line; reach 10 km, 4 days of 2-day sub-events, ample staff and cars."""
    fields: dict[str, Any] = {
        "township_codes": CODES,
        "population_persons": POPULATION,
        "seat_road_km": LINE_KM[0],
        "road_km": LINE_KM,
        "reach_km": 10.0,
        "sub_event_days": 4,
        "event_days": 2,
        "staff_per_event": 4,
        "staff_available": 20,
        "demo_cars_per_event": 3,
        "demo_cars_available": 20,
    }
    return HubSpokeProblem(**(fields | changes))


def test_two_events_reach_everyone_where_greedy_does_not() -> None:
    """D and F reach C..G (20 000) on top of the main venue's A, B (8 000); greedy gets 27 000."""
    result = solve_hub_spoke(line())
    assert set(result.event_codes) == {"D", "F"}
    assert result.objective_persons == 28000.0
    assert result.main_venue_persons == 8000.0
    assert result.details["greedy_persons"] == 27000.0
    assert result.path == "exact"
    assert result.status == "optimal"
    assert result.bound_persons == pytest.approx(28000.0)
    assert result.gap == pytest.approx(0.0, abs=1e-9)
    assert (result.days_used, result.staff_used, result.demo_cars_used) == (4, 8, 6)


def test_events_ordered_by_persons_added() -> None:
    """D adds C, D, E (12 000) and F adds F, G (8 000): D comes first."""
    result = solve_hub_spoke(line())
    assert result.event_codes == ("D", "F")
    assert [e.added_persons for e in result.events] == [12000.0, 8000.0]
    assert [e.reach_persons for e in result.events] == [12000.0, 10000.0]
    assert [e.seat_km for e in result.events] == [30.0, 50.0]


def test_each_township_credited_once() -> None:
    """Main venue plus credited sub-events sum to the objective; E is reached by both events."""
    result = solve_hub_spoke(line())
    by_code = {t.township_code: t for t in result.townships}
    assert by_code["E"].reaching_events == ("D", "F")
    assert by_code["E"].credited_event == "D"  # equally near: the lower index
    assert by_code["A"].is_reached_by_main_venue
    assert by_code["A"].credited_event is None
    added = sum(e.added_persons for e in result.events)
    assert result.main_venue_persons + added == result.objective_persons
    assert all(t.is_reached for t in result.townships)


def test_day_budget_binds() -> None:
    """With 3 days one 2-day sub-event fits: E (D, E, F = 15 000) is best."""
    result = solve_hub_spoke(line(sub_event_days=3))
    assert result.event_codes == ("E",)
    assert result.objective_persons == 23000.0
    assert result.days_used == 2


def test_staff_and_car_budgets_bind() -> None:
    """Staff for one event, or cars for one event, allow only E."""
    for changes in ({"staff_available": 7}, {"demo_cars_available": 5}):
        result = solve_hub_spoke(line(**changes))
        assert result.event_codes == ("E",), changes


def test_main_venue_takes_its_staff_first() -> None:
    """20 staff minus 13 at the main venue leave room for one 4-person sub-event."""
    result = solve_hub_spoke(line(main_venue_staff=13))
    assert result.event_codes == ("E",)


def test_per_township_needs() -> None:
    """When F needs 10 days, D + G (G reaches F, G) still reaches everyone."""
    days = np.array([2, 2, 2, 2, 2, 10, 2])
    result = solve_hub_spoke(line(event_days=days, sub_event_days=4))
    assert result.event_codes == ("D", "G")
    assert result.objective_persons == 28000.0
    assert result.days_used == 4


def test_ineligible_township_never_hosts() -> None:
    """Without a venue at D or F the best pair changes."""
    eligible = np.array([True, True, True, False, True, False, True])
    result = solve_hub_spoke(line(is_eligible=eligible))
    assert not {"D", "F"} & set(result.event_codes)
    assert result.objective_persons == 27000.0  # E + C (or E + G is 24 000)


def test_main_reach_counted_without_budget() -> None:
    """No days: the main venue's own reach is the whole plan, proven optimal."""
    result = solve_hub_spoke(line(sub_event_days=0))
    assert result.events == ()
    assert result.objective_persons == 8000.0
    assert result.bound_persons == 8000.0
    assert result.gap == 0.0


def test_main_reach_radius_separate() -> None:
    """A 30 km main venue reaches A..D; one event at F then reaches E, F, G."""
    result = solve_hub_spoke(line(main_reach_km=30.0, sub_event_days=2))
    assert result.main_venue_persons == 18000.0
    assert result.event_codes == ("F",)
    assert result.objective_persons == 28000.0


def test_no_idle_events() -> None:
    """When the main venue reaches everyone, no sub-event is chosen."""
    result = solve_hub_spoke(line(main_reach_km=100.0))
    assert result.events == ()
    assert result.objective_persons == POPULATION.sum()


def test_sparse_road_km_equals_dense() -> None:
    """Sparse pairs within 10 km (explicit zero diagonal) give the dense answer."""
    rows, cols = np.nonzero(LINE_KM <= 10.0)
    km = sparse.csr_matrix((LINE_KM[rows, cols], (rows, cols)), shape=LINE_KM.shape)
    assert solve_hub_spoke(line(road_km=km)).event_codes == ("D", "F")


def test_from_coordinates() -> None:
    """Townships 0.1° apart on the equator: 11.1 km × 1.35 = 15.0 road km, reach 16 km."""
    seat, road = estimate_road_km(0.0, 0.0, np.arange(7) * 0.1, np.zeros(7), 16.0)
    assert seat == pytest.approx(np.arange(7) * 15.0, rel=2e-3)
    result = solve_hub_spoke(line(seat_road_km=seat, road_km=road, reach_km=16.0))
    assert set(result.event_codes) == {"D", "F"}


def test_greedy_path_bounds() -> None:
    """The greedy path returns its plan with an LP bound at least the optimum."""
    result = solve_hub_spoke(line(), HubSpokeParams(path="greedy"))
    assert result.path == "greedy"
    assert result.objective_persons == 27000.0
    assert result.bound_persons >= 28000.0 - 1e-6
    assert result.gap > 0.0


def test_auto_falls_back_to_greedy_on_many_pairs() -> None:
    """ "auto" with no room for exact pairs runs the greedy path."""
    result = solve_hub_spoke(line(), HubSpokeParams(max_exact_pairs=0))
    assert result.path == "greedy"


def test_same_seed_same_result() -> None:
    """Two solves with the same seed agree exactly."""
    first = solve_hub_spoke(line(), HubSpokeParams(seed=7))
    second = solve_hub_spoke(line(), HubSpokeParams(seed=7))
    assert first.event_codes == second.event_codes
    assert first.objective_persons == second.objective_persons
    assert first.townships == second.townships


def test_results_are_python_scalars() -> None:
    """Reported numbers are Python floats and ints, not numpy scalars."""
    result = solve_hub_spoke(line())
    values = [result.objective_persons, result.bound_persons, result.gap, result.seconds]
    assert all(type(v) is float for v in values)
    assert type(result.events[0].township_index) is int


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"township_codes": ("A", "B", "C", "A", "E", "F", "G")}, r"township_codes\[3\]"),
        ({"township_codes": CODES[:6]}, "population_persons has shape"),
        ({"population_persons": POPULATION * [1, 1, -1, 1, 1, 1, 1]}, r"population_persons\[2\]"),
        ({"seat_road_km": LINE_KM[0] - 5.0}, r"seat_road_km\[0\]"),
        ({"road_km": LINE_KM[:3]}, "road_km has shape"),
        ({"road_km": np.where(LINE_KM == 20.0, np.nan, LINE_KM)}, r"road_km\[0, 2\]"),
        ({"reach_km": 0.0}, "reach_km"),
        ({"main_reach_km": float("inf")}, "main_reach_km"),
        ({"sub_event_days": -1}, "sub_event_days"),
        ({"event_days": 0}, r"event_days\[0\]"),
        ({"staff_per_event": np.array([1, 2, 1.5, 1, 1, 1, 1])}, r"staff_per_event\[2\]"),
        ({"demo_cars_per_event": [1, 2]}, "demo_cars_per_event has shape"),
        ({"staff_available": True}, "staff_available"),
        (
            {"main_venue_demo_cars": 21},
            "main_venue_demo_cars = 21 exceeds demo_cars_available = 20",
        ),
        ({"is_eligible": np.ones(3, dtype=bool)}, "is_eligible has shape"),
        ({"is_eligible": np.array([1, 0, 2, 1, 1, 1, 1])}, r"is_eligible\[2\]"),
    ],
)
def test_bad_input_refused(changes: dict[str, Any], message: str) -> None:
    """Each bad field is refused with an error naming it (and the first bad index)."""
    with pytest.raises(ValueError, match=message):
        line(**changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"path": "fast"}, "path"),
        ({"time_limit_s": 0.0}, "time_limit_s"),
        ({"mip_rel_gap": 1.0}, "mip_rel_gap"),
        ({"seed": -1}, "seed"),
        ({"max_exact_pairs": 1.5}, "max_exact_pairs"),
    ],
)
def test_bad_params_refused(changes: dict[str, Any], message: str) -> None:
    """Bad solver settings are refused naming the field."""
    with pytest.raises(ValueError, match=message):
        HubSpokeParams(**changes)


def test_problem_arrays_read_only() -> None:
    """Validated arrays cannot be changed afterwards."""
    problem = line()
    with pytest.raises(ValueError, match="read-only"):
        problem.population_persons[0] = 1.0
