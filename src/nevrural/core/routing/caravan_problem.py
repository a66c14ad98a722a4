"""A multi-day caravan campaign: venues, events, caravans, calendar and daily rules.

A **venue** is a place a caravan can hold an event or sleep: a county seat (the main
venue), a township seat, or a caravan's depot. An **event** is one main-venue or
township sub-event of the hub-and-spoke plan of a county, held once, at one venue, for a
given duration, and worth the persons it reaches (its prize). **Caravans** leave their
depot on the first day of the window; each day one caravan drives from where it slept,
holds events, and sleeps at the venue of its last event (or, on a transfer day, at the
venue it drove to).

Units: road distances in km, times of day in **minutes from midnight** (China local),
durations in minutes, speeds in km/h, population in persons. Travel time between two
venues is ``ceil(60 · road_km / speed_kmh)`` whole minutes (:meth:`CaravanProblem.
travel_min`), the one rule both the planner and the checker use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from nevrural.core.arrays import readonly_copy
from nevrural.core.events.calendar import MINUTES_PER_DAY, CalendarParams

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import ArrayLike

__all__ = [
    "DEFAULT_RURAL_SPEED_KMH",
    "PERSONS_SCALE",
    "CampaignEvent",
    "Caravan",
    "CaravanProblem",
    "CaravanRules",
    "EventKind",
    "Venue",
    "open_end_matrices",
    "travel_minutes",
    "travel_minutes_matrix",
]

FloatArray = npt.NDArray[np.float64]
EventKind = Literal["main", "sub"]

# Integer scale of PyVRP prizes and distance costs, both in persons: tenths of a person.
PERSONS_SCALE = 10

# Modelled: mean speed of a caravan (trucks with demo cars) on county and township roads.
DEFAULT_RURAL_SPEED_KMH = 40.0


@dataclass(frozen=True)
class Venue:
    """A place to hold an event or sleep: id (a division code or depot id), name, position."""

    venue_id: str
    name: str
    lon_deg: float
    lat_deg: float


@dataclass(frozen=True)
class CampaignEvent:
    """One event to hold at most once.

    Attributes
    ----------
    event_id
        Unique id (it also keys the ICS UID).
    county_code
        The county whose plan it belongs to (six digits).
    venue_index
        Index of its venue in :attr:`CaravanProblem.venues`.
    calendar_code
        The division code the calendar rules read: the township code (nine digits) for
        a sub-event (market days, province blackouts), the county code for a main venue.
    kind
        ``"main"`` (county seat, any day outside blackouts) or ``"sub"`` (township
        sub-event, on a market day only).
    duration_min
        How long it runs, minutes (> 0).
    persons
        The population it reaches, persons (the prize).
    """

    event_id: str
    county_code: str
    venue_index: int
    calendar_code: str
    kind: EventKind
    duration_min: int
    persons: float

    @property
    def is_market_event(self) -> bool:
        """True for township sub-events, which must fall on the township's market day."""
        return self.kind == "sub"


@dataclass(frozen=True)
class Caravan:
    """One caravan: id, the venue index of its depot (where it starts), a display name."""

    caravan_id: str
    depot_index: int
    name: str = ""


@dataclass(frozen=True)
class CaravanRules:
    """The daily rules every caravan keeps.

    Attributes
    ----------
    work_start_min, work_end_min
        Daily working hours, minutes from midnight: a caravan leaves where it slept no
        earlier than ``work_start_min`` and reaches where it sleeps no later than
        ``work_end_min``; all driving and events fall in between.
    speed_kmh
        Mean rural road speed, km/h (modelled default 40).
    max_events_per_day
        Events one caravan holds in a day at most (its crew sets up and packs each).
    """

    work_start_min: int = 8 * 60
    work_end_min: int = 18 * 60
    speed_kmh: float = DEFAULT_RURAL_SPEED_KMH
    max_events_per_day: int = 2

    def __post_init__(self) -> None:
        if not 0 <= self.work_start_min < self.work_end_min <= MINUTES_PER_DAY:
            raise ValueError(
                f"working hours {self.work_start_min}..{self.work_end_min} min must satisfy "
                f"0 <= start < end <= {MINUTES_PER_DAY}"
            )
        if not (math.isfinite(self.speed_kmh) and self.speed_kmh > 0.0):
            raise ValueError(f"speed_kmh = {self.speed_kmh!r} must be finite and > 0")
        if self.max_events_per_day < 1:
            raise ValueError(f"max_events_per_day = {self.max_events_per_day} must be >= 1")

    @property
    def day_minutes(self) -> int:
        """Length of the working day, minutes."""
        return self.work_end_min - self.work_start_min


@dataclass(frozen=True, eq=False, kw_only=True)
class CaravanProblem:
    """Everything the multi-day planner and its checker need.

    ``road_km[i, j]`` is the road distance from venue ``i`` to venue ``j``, km (finite,
    >= 0, zero diagonal). ``county_names`` maps county codes to names for reports (a
    missing name shows the code). Errors name the field and the first bad index.
    """

    venues: tuple[Venue, ...]
    road_km: FloatArray
    events: tuple[CampaignEvent, ...]
    caravans: tuple[Caravan, ...]
    calendar: CalendarParams
    rules: CaravanRules = CaravanRules()
    county_names: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "county_names", MappingProxyType(dict(self.county_names)))
        venues, events, caravans = tuple(self.venues), tuple(self.events), tuple(self.caravans)
        object.__setattr__(self, "venues", venues)
        object.__setattr__(self, "events", events)
        object.__setattr__(self, "caravans", caravans)
        n = len(venues)
        _unique("venues", [v.venue_id for v in venues])
        _unique("events", [e.event_id for e in events])
        _unique("caravans", [c.caravan_id for c in caravans])
        object.__setattr__(self, "road_km", _road_matrix(self.road_km, n))
        for i, event in enumerate(events):
            if not 0 <= event.venue_index < n:
                raise ValueError(f"events[{i}].venue_index = {event.venue_index} not in 0..{n - 1}")
            if event.kind not in ("main", "sub"):
                raise ValueError(f"events[{i}].kind = {event.kind!r} must be 'main' or 'sub'")
            if not 0 < event.duration_min <= self.rules.day_minutes:
                raise ValueError(
                    f"events[{i}].duration_min = {event.duration_min} must lie in "
                    f"1..{self.rules.day_minutes} (the working day)"
                )
            if not (math.isfinite(event.persons) and event.persons >= 0.0):
                raise ValueError(f"events[{i}].persons = {event.persons!r} must be finite, >= 0")
            if not event.calendar_code.isdigit():
                raise ValueError(f"events[{i}].calendar_code = {event.calendar_code!r} not digits")
        for k, caravan in enumerate(caravans):
            if not 0 <= caravan.depot_index < n:
                raise ValueError(
                    f"caravans[{k}].depot_index = {caravan.depot_index} not in 0..{n - 1}"
                )

    @property
    def n_venues(self) -> int:
        """Number of venues."""
        return len(self.venues)

    def travel_min(self, origin: int, destination: int) -> int:
        """Whole minutes to drive from venue ``origin`` to ``destination`` (rounded up)."""
        return travel_minutes(float(self.road_km[origin, destination]), self.rules.speed_kmh)

    @cached_property
    def travel_matrix_min(self) -> npt.NDArray[np.int64]:
        """:meth:`travel_min` for every pair of venues, minutes (read-only, computed once)."""
        return readonly_copy(travel_minutes_matrix(self.road_km, self.rules.speed_kmh))

    def event_index(self) -> dict[str, int]:
        """Position of each event by id."""
        return {event.event_id: i for i, event in enumerate(self.events)}

    def county_name(self, county_code: str) -> str:
        """The county's name, or its code when no name was given."""
        return self.county_names.get(county_code, county_code)

    def county_codes(self) -> tuple[str, ...]:
        """The counties with events, in order of first appearance."""
        return tuple(dict.fromkeys(event.county_code for event in self.events))


def travel_minutes(distance_km: float, speed_kmh: float) -> int:
    """``ceil(60 · distance_km / speed_kmh)`` whole minutes (a hair of float slack).

    >>> travel_minutes(30.0, 40.0), travel_minutes(30.1, 40.0), travel_minutes(0.0, 40.0)
    (45, 46, 0)
    """
    return max(0, math.ceil(distance_km * 60.0 / speed_kmh - 1e-9))


def travel_minutes_matrix(road_km: FloatArray, speed_kmh: float) -> npt.NDArray[np.int64]:
    """:func:`travel_minutes` of every entry of a road-km matrix, whole minutes.

    >>> travel_minutes_matrix(np.array([[0.0, 30.0], [30.1, 0.0]]), 40.0).tolist()
    [[0, 45], [46, 0]]
    """
    minutes = np.ceil(np.asarray(road_km, dtype=np.float64) * 60.0 / speed_kmh - 1e-9)
    return np.maximum(minutes, 0.0).astype(np.int64)


def open_end_matrices(
    problem: CaravanProblem, venues: npt.NDArray[np.int64], *, dummy: int, persons_per_km: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """PyVRP distance and duration matrices over ``venues`` with an open end at ``dummy``.

    Distances are road km × ``persons_per_km`` in tenths of a person
    (:data:`PERSONS_SCALE`), durations travel minutes; row and column ``dummy`` are zero,
    so a route ends wherever its last client is (the dummy end depot is free to reach).
    """
    index = np.ix_(venues, venues)
    distance = np.rint(problem.road_km[index] * persons_per_km * PERSONS_SCALE).astype(np.int64)
    duration = problem.travel_matrix_min[index].copy()
    for matrix in (distance, duration):
        matrix[:, dummy] = 0
        matrix[dummy, :] = 0
    return distance, duration


def _unique(name: str, ids: list[str]) -> None:
    """Ids must be non-empty and unique; the error names the repeated position."""
    seen: dict[str, int] = {}
    for i, value in enumerate(ids):
        if not value:
            raise ValueError(f"{name}[{i}] has an empty id")
        if value in seen:
            raise ValueError(f"{name}[{i}] id {value!r} repeats {name}[{seen[value]}]")
        seen[value] = i


def _road_matrix(value: ArrayLike, n: int) -> FloatArray:
    """A validated read-only ``(n, n)`` road-km matrix."""
    matrix = np.asarray(value, dtype=np.float64)
    if matrix.shape != (n, n):
        raise ValueError(f"road_km has shape {matrix.shape}, expected ({n}, {n})")
    bad = np.argwhere(~np.isfinite(matrix) | (matrix < 0.0))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        raise ValueError(f"road_km[{i}, {j}] = {matrix[i, j]} must be finite and >= 0")
    return readonly_copy(matrix)
