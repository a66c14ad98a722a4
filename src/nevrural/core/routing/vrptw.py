"""The vehicle routing problem with time windows (VRPTW) and the CVRPLIB convention.

One depot (index 0) and customers ``1..n`` (the numbers of a Solomon file), a fleet of
``vehicle_count`` identical vehicles of capacity ``capacity``. Customer ``i`` has a
demand ``q_i`` (load units), a time window ``[a_i, b_i]`` for the *start* of its service
and a service duration ``s_i``; the depot's window ``[a_0, b_0]`` is the shift: vehicles
leave at ``a_0`` or later and must be back by ``b_0``. A vehicle may arrive early and
wait until ``a_i``; it may not start service after ``b_i``. The objective is the total
distance of the routes; the fleet is used up to ``vehicle_count`` vehicles at no fixed
cost.

Solver integers: every distance and time is an integer number of **tenths** of the
instance's unit (``distance_tenths``, ``due_tenths`` ...). :func:`units_of_tenths` and
:func:`tenths_of_units` are the one place where that scaling lives.

Notes
-----
**The CVRPLIB convention** (also the DIMACS 2021 implementation challenge's): the
distance between two points is their Euclidean distance *truncated* (not rounded) to one
decimal, and the travel time equals that distance. The Solomon files have whole-number
coordinates, so ``floor(10 * sqrt(dx**2 + dy**2)) = isqrt(100 * (dx**2 + dy**2))``
exactly; :func:`truncated_distance_tenths` computes it in integers (no floating-point
rounding can move a value across a tenth). The best-known solutions that CVRPLIB lists
for Solomon's instances are feasible and costed under this convention only (some, such
as R211's, break a time window by less than one unit in double precision).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from nevrural.core.arrays import readonly_copy

__all__ = [
    "TENTHS_PER_UNIT",
    "FloatArray",
    "IntArray",
    "VrptwProblem",
    "build_vrptw_problem",
    "tenths_of_units",
    "truncated_distance_tenths",
    "units_of_tenths",
    "whole_numbers",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

TENTHS_PER_UNIT = 10
# |coordinate| bound that keeps 100 * (dx**2 + dy**2) below 2**53, where float sqrt of an
# integer is off by at most one and the integer correction below makes it exact.
MAX_ABS_COORDINATE = 1_000_000


def units_of_tenths(tenths: int) -> float:
    """An integer number of tenths in the instance's unit (distance or time).

    >>> units_of_tenths(8273)
    827.3
    """
    return tenths / TENTHS_PER_UNIT


def whole_numbers(values: npt.ArrayLike, what: str = "value") -> IntArray:
    """``values`` as int64 when every one is a whole number, else an error naming the first.

    >>> whole_numbers([3.0, 4]).tolist()
    [3, 4]
    """
    array = np.asarray(values, dtype=np.float64)
    flat = array.ravel()
    bad = np.flatnonzero(~np.isfinite(flat) | (flat != np.round(flat)))
    if bad.size:
        raise ValueError(f"{what} {flat[bad[0]]} is not a whole number")
    return array.astype(np.int64)


def tenths_of_units(values: npt.ArrayLike) -> IntArray:
    """Whole instance units (times, durations) as integer tenths; refuses fractions.

    >>> tenths_of_units([0, 90, 1236]).tolist()
    [0, 900, 12360]
    """
    return whole_numbers(values, "time") * TENTHS_PER_UNIT


def truncated_distance_tenths(coordinates: npt.ArrayLike) -> IntArray:
    """Euclidean distances truncated to one decimal, in integer tenths (CVRPLIB).

    Parameters
    ----------
    coordinates
        ``(m, 2)`` whole-number coordinates, instance units, ``|value| <= 1,000,000``.

    Returns
    -------
    ``(m, m)`` matrix, ``floor(10 * euclidean distance)``, tenths of the instance unit.

    Examples
    --------
    >>> truncated_distance_tenths([[0, 0], [3, 4], [1, 1]]).tolist()
    [[0, 50, 14], [50, 0, 36], [14, 36, 0]]
    """
    points = np.asarray(coordinates, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"coordinates must have shape (m, 2), got {points.shape}")
    xy = whole_numbers(points, "coordinate")  # the convention is exact for whole numbers
    if np.any(np.abs(xy) > MAX_ABS_COORDINATE):
        raise ValueError(f"coordinates must lie within +-{MAX_ABS_COORDINATE:,}")
    delta = xy[:, None, :] - xy[None, :, :]
    squared = TENTHS_PER_UNIT**2 * np.sum(delta * delta, axis=2)
    root: IntArray = np.floor(np.sqrt(squared.astype(np.float64))).astype(np.int64)
    root -= (root * root > squared).astype(np.int64)  # float sqrt may be one too high ...
    root += ((root + 1) * (root + 1) <= squared).astype(np.int64)  # ... or one too low
    return root


def _int_vector(name: str, values: npt.ArrayLike, size: int) -> IntArray:
    """``values`` as a read-only int64 vector of ``size`` entries, or a clear error."""
    array = np.asarray(values)
    if array.shape != (size,):
        raise ValueError(f"{name} has shape {array.shape}, expected ({size},)")
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got {array.dtype}")
    return readonly_copy(array.astype(np.int64))


def _int_matrix(name: str, values: npt.ArrayLike, size: int) -> IntArray:
    """``values`` as a read-only ``(size, size)`` int64 matrix >= 0 with a zero diagonal."""
    array = np.asarray(values)
    if array.shape != (size, size):
        raise ValueError(f"{name} has shape {array.shape}, expected ({size}, {size})")
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got {array.dtype}")
    if np.any(array < 0) or np.any(np.diagonal(array) != 0):
        raise ValueError(f"{name} must be >= 0 with a zero diagonal")
    return readonly_copy(array.astype(np.int64))


@dataclass(frozen=True, eq=False, kw_only=True)
class VrptwProblem:
    """A VRPTW instance: index 0 the depot, ``1..n`` the customers (numbers as in the file).

    Attributes
    ----------
    coordinates
        ``(n + 1, 2)`` positions, instance units (for maps; the solver uses the matrices).
    demand
        ``(n + 1,)`` load per customer, the vehicle's load unit; ``demand[0] = 0``.
    ready_tenths, due_tenths
        ``(n + 1,)`` earliest and latest start of service, tenths of the time unit; for
        the depot, when vehicles may leave and by when they must be back.
    service_tenths
        ``(n + 1,)`` service duration, tenths of the time unit; ``service_tenths[0]`` is 0.
    distance_tenths, duration_tenths
        ``(n + 1, n + 1)`` travel distance and time, tenths of the instance unit.
    capacity
        Load each vehicle carries, the demand's unit.
    vehicle_count
        Vehicles available (at most this many routes).
    name
        Instance name (``C101``).
    """

    coordinates: FloatArray
    demand: IntArray
    ready_tenths: IntArray
    due_tenths: IntArray
    service_tenths: IntArray
    distance_tenths: IntArray
    duration_tenths: IntArray
    capacity: int
    vehicle_count: int
    name: str = ""

    def __post_init__(self) -> None:
        points = np.asarray(self.coordinates, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] < 2:
            raise ValueError(f"coordinates must have shape (n + 1, 2), n >= 1; got {points.shape}")
        size = points.shape[0]
        object.__setattr__(self, "coordinates", readonly_copy(points))
        for name in ("demand", "ready_tenths", "due_tenths", "service_tenths"):
            object.__setattr__(self, name, _int_vector(name, getattr(self, name), size))
        for name in ("distance_tenths", "duration_tenths"):
            object.__setattr__(self, name, _int_matrix(name, getattr(self, name), size))
        if self.capacity < 1 or self.vehicle_count < 1:
            raise ValueError(
                f"capacity {self.capacity} and vehicle_count {self.vehicle_count} must be >= 1"
            )
        self._check_values()
        self._check_reachable()

    def _check_values(self) -> None:
        """Signs, windows and loads that no route could satisfy."""
        if self.demand[0] != 0 or self.service_tenths[0] != 0:
            raise ValueError("the depot (index 0) must have demand 0 and service 0")
        for name in ("demand", "service_tenths"):
            bad = np.flatnonzero(getattr(self, name) < 0)
            if bad.size:
                raise ValueError(f"{name}[{bad[0]}] = {getattr(self, name)[bad[0]]} is < 0")
        bad = np.flatnonzero(self.ready_tenths > self.due_tenths)
        if bad.size:
            i = int(bad[0])
            raise ValueError(
                f"index {i}: ready {self.ready_tenths[i]} > due {self.due_tenths[i]} (tenths)"
            )
        heavy = np.flatnonzero(self.demand > self.capacity)
        if heavy.size:
            i = int(heavy[0])
            raise ValueError(f"customer {i}: demand {self.demand[i]} > capacity {self.capacity}")
        total = int(self.demand.sum())
        if total > self.capacity * self.vehicle_count:
            raise ValueError(
                f"total demand {total} > {self.vehicle_count} vehicles x capacity {self.capacity}"
            )

    def _check_reachable(self) -> None:
        """Every customer can be served on a route of its own, or the numbers that clash."""
        duration = self.duration_tenths
        start = np.maximum(self.ready_tenths[0] + duration[0], self.ready_tenths)
        back = start + self.service_tenths + duration[:, 0]
        for i in range(1, self.size):
            if start[i] > self.due_tenths[i]:
                raise ValueError(
                    f"customer {i}: earliest arrival {start[i]} after its due time"
                    f" {self.due_tenths[i]} (tenths)"
                )
            if back[i] > self.due_tenths[0]:
                raise ValueError(
                    f"customer {i}: earliest return {back[i]} after the depot closes at"
                    f" {self.due_tenths[0]} (tenths)"
                )

    @property
    def size(self) -> int:
        """Locations: the depot and the customers (``n + 1``)."""
        return int(self.coordinates.shape[0])

    @property
    def n_customers(self) -> int:
        """Customers ``n``."""
        return self.size - 1


def build_vrptw_problem(
    coordinates: npt.ArrayLike,
    demand: npt.ArrayLike,
    window: tuple[npt.ArrayLike, npt.ArrayLike],
    service: npt.ArrayLike,
    *,
    capacity: int,
    vehicle_count: int,
    name: str = "",
) -> VrptwProblem:
    """A Solomon-style instance under the CVRPLIB convention (distances truncated, tenths).

    Parameters
    ----------
    coordinates
        ``(n + 1, 2)`` whole-number positions, instance units; row 0 is the depot.
    demand
        ``(n + 1,)`` whole load units; ``demand[0] = 0``.
    window
        ``(ready, due)``: ``(n + 1,)`` whole time units each (Solomon's READY TIME and
        DUE DATE; the depot's is the shift).
    service
        ``(n + 1,)`` service durations, whole time units.
    capacity, vehicle_count
        Vehicle capacity (load units) and the number of vehicles.
    name
        Instance name.

    Returns
    -------
    The problem with ``distance_tenths = duration_tenths =`` :func:`truncated_distance_tenths`
    and every time multiplied by 10.

    Examples
    --------
    >>> problem = build_vrptw_problem(
    ...     [[0, 0], [3, 4], [1, 1]], [0, 5, 5], ([0, 0, 0], [100, 50, 50]), [0, 10, 10],
    ...     capacity=10, vehicle_count=2)
    >>> problem.n_customers, problem.distance_tenths[0].tolist(), problem.due_tenths.tolist()
    (2, [0, 50, 14], [1000, 500, 500])
    """
    distance = truncated_distance_tenths(coordinates)
    ready, due = window
    return VrptwProblem(
        coordinates=np.asarray(coordinates, dtype=np.float64),
        demand=whole_numbers(demand, "demand"),
        ready_tenths=tenths_of_units(ready),
        due_tenths=tenths_of_units(due),
        service_tenths=tenths_of_units(service),
        distance_tenths=distance,
        duration_tenths=distance.copy(),
        capacity=capacity,
        vehicle_count=vehicle_count,
        name=name,
    )
