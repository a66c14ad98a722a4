"""Mobile repair rounds: the problem (depots, stops, vans, period, window) and its result.

Units: road distances in km, times of day in **minutes from midnight** (China local),
durations in minutes, speeds in km/h, dates as :class:`datetime.date`. Travel time
between two places is ``ceil(60 · road_km / speed_kmh)`` whole minutes, the rule of
:func:`~nevrural.core.routing.caravan_problem.travel_minutes` that the solver and the
checker share. The solver lives in :mod:`~nevrural.core.routing.repair_rounds`, the
checker in :mod:`~nevrural.core.routing.repair_rounds_check`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from nevrural.core.arrays import readonly_copy
from nevrural.core.events.calendar import MINUTES_PER_DAY
from nevrural.core.routing.caravan_problem import (
    DEFAULT_RURAL_SPEED_KMH,
    travel_minutes,
    travel_minutes_matrix,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "RepairRoundProblem",
    "RepairRoundResult",
    "RepairVisit",
    "ScheduledStop",
    "VanDay",
    "format_clock",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False, kw_only=True)
class RepairRoundProblem:
    """Depots with vans, township-cluster stops to visit every ``period_days`` days.

    Attributes
    ----------
    depot_ids
        Depot ids (unique, non-empty); places ``0..n_depots-1``.
    stop_ids
        Stop ids, e.g. cluster hub township codes (unique, distinct from the depots');
        places ``n_depots..n_depots+n_stops-1``.
    road_km
        Road distance between places, km, ``(n_depots + n_stops)`` square, depots first
        then stops; finite, >= 0, zero diagonal (need not be symmetric).
    service_min
        Time on site at each stop, minutes: one integer for all stops or one per stop
        (>= 0).
    vans_per_depot
        Vans based at each depot: one integer for all depots or one per depot (>= 0,
        at least one van in all).
    period_days
        ``N``: every stop is visited once every ``N`` days (>= 1).
    window_start, window_end
        First and last day of the campaign (inclusive, at least ``N`` days).
    work_start_min, work_end_min
        Working hours, minutes from midnight: a van leaves its depot no earlier than
        ``work_start_min`` and is back no later than ``work_end_min``.
    speed_kmh
        Mean rural road speed, km/h (> 0).
    stop_names
        Display names of the stops (empty: the ids are used).
    """

    depot_ids: tuple[str, ...]
    stop_ids: tuple[str, ...]
    road_km: FloatArray
    service_min: int | Sequence[int] | IntArray
    vans_per_depot: int | Sequence[int]
    period_days: int
    window_start: date
    window_end: date
    work_start_min: int = 8 * 60
    work_end_min: int = 18 * 60
    speed_kmh: float = DEFAULT_RURAL_SPEED_KMH
    stop_names: tuple[str, ...] = ()
    _service: tuple[int, ...] = field(init=False, repr=False)
    _vans: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        depots, stops = tuple(self.depot_ids), tuple(self.stop_ids)
        object.__setattr__(self, "depot_ids", depots)
        object.__setattr__(self, "stop_ids", stops)
        object.__setattr__(self, "stop_names", tuple(self.stop_names))
        if not depots or not stops:
            raise ValueError(f"need >= 1 depot and >= 1 stop, got {len(depots)} and {len(stops)}")
        _check_ids(depots, stops)
        if self.stop_names and len(self.stop_names) != len(stops):
            raise ValueError(
                f"stop_names has {len(self.stop_names)} entries, expected {len(stops)}"
            )
        object.__setattr__(self, "road_km", _road_matrix(self.road_km, len(depots) + len(stops)))
        service = _per_item("service_min", self.service_min, len(stops))
        vans = _per_item("vans_per_depot", self.vans_per_depot, len(depots))
        if sum(vans) == 0:
            raise ValueError("vans_per_depot must give at least one van in all")
        object.__setattr__(self, "_service", service)
        object.__setattr__(self, "_vans", vans)
        _check_int("period_days", self.period_days, 1)
        _check_int("work_start_min", self.work_start_min, 0)
        _check_int("work_end_min", self.work_end_min, 0)
        if not 0 <= self.work_start_min < self.work_end_min <= MINUTES_PER_DAY:
            raise ValueError(
                f"working hours {self.work_start_min}..{self.work_end_min} min must satisfy "
                f"0 <= start < end <= {MINUTES_PER_DAY}"
            )
        if not (math.isfinite(self.speed_kmh) and self.speed_kmh > 0.0):
            raise ValueError(f"speed_kmh = {self.speed_kmh!r} must be finite and > 0")
        if self.window_days < self.period_days:
            raise ValueError(
                f"window {self.window_start}..{self.window_end} has {self.window_days} days,"
                f" fewer than period_days = {self.period_days}: some stops would get no visit"
            )

    @property
    def n_depots(self) -> int:
        """Number of depots."""
        return len(self.depot_ids)

    @property
    def n_stops(self) -> int:
        """Number of stops."""
        return len(self.stop_ids)

    @property
    def service_min_by_stop(self) -> tuple[int, ...]:
        """Time on site at each stop, minutes."""
        return self._service

    @property
    def vans_by_depot(self) -> tuple[int, ...]:
        """Vans at each depot."""
        return self._vans

    @property
    def day_minutes(self) -> int:
        """Length of the working day, minutes."""
        return self.work_end_min - self.work_start_min

    @property
    def window_days(self) -> int:
        """Days in the window, both ends included (0 when it ends before it starts)."""
        return max(0, (self.window_end - self.window_start).days + 1)

    def place_of_stop(self, stop: int) -> int:
        """Row of stop ``stop`` (0-based) in :attr:`road_km`."""
        return self.n_depots + stop

    def travel_min(self, origin: int, destination: int) -> int:
        """Whole minutes to drive between two places (rows of :attr:`road_km`), rounded up."""
        return travel_minutes(float(self.road_km[origin, destination]), self.speed_kmh)

    def travel_matrix_min(self) -> IntArray:
        """:meth:`travel_min` for every pair of places, minutes."""
        return travel_minutes_matrix(self.road_km, self.speed_kmh)

    def stop_label(self, stop: int) -> str:
        """``'id'`` or ``'id' (name)`` of stop ``stop`` for messages."""
        name = self.stop_names[stop] if self.stop_names else ""
        return f"{self.stop_ids[stop]!r}" + (f" ({name})" if name else "")

    def date_of(self, day: int) -> date:
        """The date ``day`` days after :attr:`window_start`."""
        return self.window_start + timedelta(days=day)


@dataclass(frozen=True)
class ScheduledStop:
    """One stop of a van-day: arrival, start and end of service (minutes from midnight).

    ``leg_km`` is the road distance from the previous place (the depot or stop), km.
    """

    stop_id: str
    arrive_min: int
    start_min: int
    end_min: int
    leg_km: float


@dataclass(frozen=True)
class VanDay:
    """One van's round on one day of the period pattern.

    Attributes
    ----------
    depot_id
        Where the van starts and ends.
    van
        Van number at that depot, ``0..vans-1``.
    day_offset
        Day of the period, ``0..N-1``; the round recurs on every day ``d`` of the window
        with ``d ≡ day_offset (mod N)`` (counting from the first day as 0).
    stops
        Stops in visiting order.
    leave_min, return_min
        Departure from and return to the depot, minutes from midnight.
    distance_km
        Road distance of the round, km (depot to depot).
    """

    depot_id: str
    van: int
    day_offset: int
    stops: tuple[ScheduledStop, ...]
    leave_min: int
    return_min: int
    distance_km: float


@dataclass(frozen=True)
class RepairVisit:
    """A visit on a calendar date: stop, van (depot and number), service start and end (min)."""

    stop_id: str
    date: date
    depot_id: str
    van: int
    start_min: int
    end_min: int


@dataclass(frozen=True)
class RepairRoundResult:
    """The repeating day pattern, its visits over the window and how it was found.

    Attributes
    ----------
    period_days
        ``N``, days.
    pattern
        The van-days of one period, ordered by depot, day offset and van.
    visits
        Every visit in the window, ordered by date, depot, van and start time.
    distance_km_per_period
        Road distance driven in one period, km (the sum over :attr:`pattern`).
    seconds
        Solver wall-clock time, s (PyVRP's own clock).
    iterations
        Solver iterations.
    """

    period_days: int
    pattern: tuple[VanDay, ...]
    visits: tuple[RepairVisit, ...]
    distance_km_per_period: float
    seconds: float
    iterations: int

    def visit_dates(self, stop_id: str) -> tuple[date, ...]:
        """The dates on which stop ``stop_id`` is visited, ascending."""
        return tuple(sorted(v.date for v in self.visits if v.stop_id == stop_id))


def format_clock(minute: int) -> str:
    """``HH:MM`` of a time in minutes from midnight.

    >>> format_clock(8 * 60 + 5)
    '08:05'
    """
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _check_ids(depots: tuple[str, ...], stops: tuple[str, ...]) -> None:
    """Ids must be non-empty and unique over depots and stops; errors name the position."""
    seen: dict[str, str] = {}
    for name, ids in (("depot_ids", depots), ("stop_ids", stops)):
        for i, value in enumerate(ids):
            where = f"{name}[{i}]"
            if not value:
                raise ValueError(f"{where} is empty")
            if value in seen:
                raise ValueError(f"{where} = {value!r} repeats {seen[value]}")
            seen[value] = where


def _check_int(name: str, value: object, least: int) -> None:
    """``value`` must be an integer (not a bool) >= ``least``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
        raise ValueError(f"{name} = {value!r} must be an integer >= {least}")


def _per_item(name: str, value: int | Sequence[int] | IntArray, n: int) -> tuple[int, ...]:
    """One integer >= 0 per item, from a scalar or a sequence of length ``n``."""
    if isinstance(value, int | np.integer):
        _check_int(name, value, 0)  # refuses a bool
        return (int(value),) * n
    items = list(np.asarray(value, dtype=object).ravel())
    if len(items) != n:
        raise ValueError(f"{name} has {len(items)} entries, expected {n}")
    for i, item in enumerate(items):
        _check_int(f"{name}[{i}]", item, 0)
    return tuple(int(item) for item in items)


def _road_matrix(value: object, n: int) -> FloatArray:
    """A validated read-only ``(n, n)`` road-km matrix with a zero diagonal."""
    matrix = np.asarray(value, dtype=np.float64)
    if matrix.shape != (n, n):
        raise ValueError(f"road_km has shape {matrix.shape}, expected ({n}, {n})")
    bad = np.argwhere(~np.isfinite(matrix) | (matrix < 0.0))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        raise ValueError(f"road_km[{i}, {j}] = {matrix[i, j]} must be finite and >= 0")
    diagonal = np.flatnonzero(np.diag(matrix) != 0.0)
    if diagonal.size:
        i = int(diagonal[0])
        raise ValueError(f"road_km[{i}, {i}] = {matrix[i, i]} must be 0")
    return readonly_copy(matrix)
