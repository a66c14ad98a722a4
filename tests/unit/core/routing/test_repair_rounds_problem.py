"""Validation of RepairRoundProblem: errors name the field and the bad row."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from nevrural.core.routing.repair_rounds_problem import RepairRoundProblem, format_clock

__all__: list[str] = []

KM = [[0, 10, 20], [10, 0, 10], [20, 10, 0]]


def make(**changes: Any) -> RepairRoundProblem:
    """Depot D, stops A and B on a line (km 10, 20), one van, N = 2, 2-day window."""
    fields: dict[str, Any] = {
        "depot_ids": ("D",),
        "stop_ids": ("A", "B"),
        "road_km": KM,
        "service_min": 30,
        "vans_per_depot": 1,
        "period_days": 2,
        "window_start": date(2024, 5, 1),
        "window_end": date(2024, 5, 2),
    }
    fields.update(changes)
    return RepairRoundProblem(**fields)


def test_scalars_spread_over_stops_and_depots() -> None:
    """One service time and one van count apply to every stop and depot."""
    problem = make()
    assert problem.service_min_by_stop == (30, 30)
    assert problem.vans_by_depot == (1,)
    assert (problem.n_depots, problem.n_stops, problem.day_minutes, problem.window_days) == (
        1,
        2,
        600,
        2,
    )
    assert problem.place_of_stop(1) == 2
    assert problem.road_km.flags.writeable is False


def test_per_stop_values_and_names_are_kept() -> None:
    """Per-stop service (numpy too) and names; labels show both id and name."""
    problem = make(service_min=np.array([15, 45]), stop_names=("Alpha", "Beta"))
    assert problem.service_min_by_stop == (15, 45)
    assert type(problem.service_min_by_stop[0]) is int
    assert problem.stop_label(1) == "'B' (Beta)"
    assert make().stop_label(0) == "'A'"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"road_km": [[0, 1], [1, 0]]}, r"road_km has shape \(2, 2\), expected \(3, 3\)"),
        ({"road_km": [[0, 10, 20], [10, 0, -1], [20, 10, 0]]}, r"road_km\[1, 2\] = -1.0"),
        ({"road_km": [[0, 10, 20], [10, 5, 10], [20, 10, 0]]}, r"road_km\[1, 1\] = 5.0 must be 0"),
        ({"stop_ids": ("A", "D")}, r"stop_ids\[1\] = 'D' repeats depot_ids\[0\]"),
        ({"stop_ids": ("A", "")}, r"stop_ids\[1\] is empty"),
        ({"stop_ids": ()}, "need >= 1 depot and >= 1 stop"),
        ({"service_min": (30,)}, "service_min has 1 entries, expected 2"),
        ({"service_min": (30, -5)}, r"service_min\[1\] = -5"),
        ({"service_min": True}, "service_min = True"),
        ({"vans_per_depot": 0}, "at least one van"),
        ({"period_days": 0}, "period_days = 0"),
        ({"work_start_min": 600, "work_end_min": 600}, "working hours 600..600"),
        ({"speed_kmh": 0.0}, "speed_kmh"),
        ({"period_days": 3}, "has 2 days, fewer than period_days = 3"),
        ({"stop_names": ("Alpha",)}, "stop_names has 1 entries"),
    ],
)
def test_bad_fields_are_named(changes: dict[str, Any], message: str) -> None:
    """Each bad field raises ValueError naming it (and the row)."""
    with pytest.raises(ValueError, match=message):
        make(**changes)


def test_clock_format() -> None:
    """Minutes from midnight print as HH:MM."""
    assert (format_clock(0), format_clock(12 * 60 + 30), format_clock(1440)) == (
        "00:00",
        "12:30",
        "24:00",
    )
