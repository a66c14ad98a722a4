"""The VRPTW problem: the CVRPLIB truncation convention in integers, and validation."""

from __future__ import annotations

import numpy as np
import pytest

from nevrural.core.routing.vrptw import (
    VrptwProblem,
    build_vrptw_problem,
    tenths_of_units,
    truncated_distance_tenths,
    units_of_tenths,
)

__all__: list[str] = []


def tiny(
    *,
    demand: tuple[int, ...] = (0, 6, 6),
    window: tuple[tuple[int, ...], tuple[int, ...]] = ((0, 0, 0), (100, 50, 50)),
    vehicle_count: int = 2,
) -> VrptwProblem:
    """Depot at the origin, customers at (0, 10) and (10, 0), service 5, capacity 10."""
    return build_vrptw_problem(
        [[0, 0], [0, 10], [10, 0]],
        demand,
        window,
        [0, 5, 5],
        capacity=10,
        vehicle_count=vehicle_count,
    )


def test_distances_are_truncated_not_rounded() -> None:
    """sqrt 90 = 9.487 is 94 tenths (rounding would give 95); sqrt 17 = 4.123 is 41."""
    matrix = truncated_distance_tenths([[0, 0], [3, 9], [3, 4], [2, 0], [1, 1]])
    assert matrix[0, 1] == 94
    assert matrix[2, 3] == 41
    assert matrix[0, 2] == 50  # 3-4-5: exactly 5.0
    assert matrix[0, 4] == 14  # sqrt 2 = 1.414


def test_matrix_is_symmetric_with_zero_diagonal() -> None:
    """Distances are symmetric integers with zeros on the diagonal."""
    matrix = truncated_distance_tenths([[35, 35], [41, 49], [35, 17], [55, 45]])
    assert matrix.dtype == np.int64
    assert np.array_equal(matrix, matrix.T)
    assert np.all(np.diagonal(matrix) == 0)


def test_fractional_coordinates_are_refused() -> None:
    """The convention is exact only for whole-number coordinates."""
    with pytest.raises(ValueError, match=r"coordinate 0\.5 is not a whole number"):
        truncated_distance_tenths(np.array([[0.0, 0.5], [1.0, 1.0]]))


def test_times_scale_to_tenths_and_back() -> None:
    """Times become tenths (x 10); a tenths count reads back in instance units."""
    assert tenths_of_units([0, 90, 1236]).tolist() == [0, 900, 12360]
    assert units_of_tenths(8273) == 827.3
    with pytest.raises(ValueError, match="not a whole number"):
        tenths_of_units([1.5])


def test_builder_uses_distance_as_duration_and_tenths_everywhere() -> None:
    """Duration equals distance; windows and service in tenths; read-only arrays."""
    problem = tiny()
    assert problem.n_customers == 2
    assert problem.distance_tenths.tolist() == [[0, 100, 100], [100, 0, 141], [100, 141, 0]]
    assert np.array_equal(problem.duration_tenths, problem.distance_tenths)
    assert problem.due_tenths.tolist() == [1000, 500, 500]
    assert problem.service_tenths.tolist() == [0, 50, 50]
    assert not problem.distance_tenths.flags.writeable


def test_demand_above_capacity_is_refused_with_the_numbers() -> None:
    """A customer heavier than a vehicle names its demand and the capacity."""
    with pytest.raises(ValueError, match="customer 2: demand 12 > capacity 10"):
        tiny(demand=(0, 6, 12))


def test_total_demand_above_the_fleet_is_refused() -> None:
    """Two customers of 6 do not fit one vehicle of 10."""
    with pytest.raises(ValueError, match=r"total demand 12 > 1 vehicles x capacity 10"):
        tiny(vehicle_count=1)


def test_unreachable_customer_is_refused() -> None:
    """Due at 5 but 10 away from the depot: its earliest arrival is named."""
    with pytest.raises(ValueError, match="customer 1: earliest arrival 100 after its due time 50"):
        tiny(window=((0, 0, 0), (100, 5, 50)))


def test_customer_served_after_closing_is_refused() -> None:
    """The depot closes at 12: out 10 + service 5 + back 10 is too late."""
    with pytest.raises(ValueError, match="earliest return 250 after the depot closes at 120"):
        tiny(window=((0, 0, 0), (12, 50, 50)))


def test_window_that_ends_before_it_opens_is_refused() -> None:
    """ready > due names both numbers."""
    with pytest.raises(ValueError, match="ready 300 > due 200"):
        tiny(window=((0, 30, 0), (100, 20, 50)))
