"""Results of the hub-and-spoke event plan: sub-events, who reaches each township, quality.

Units: road distances in km, population in persons, durations in days, staff in persons,
demo cars in cars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["HubSpokeResult", "SubEvent", "TownshipReach"]


@dataclass(frozen=True)
class SubEvent:
    """One chosen township sub-event.

    Attributes
    ----------
    township_code, township_index
        Where it is held.
    seat_km
        Road distance from the county seat, km.
    event_days, staff, demo_cars
        Its duration, days, staff, persons, and demo cars, cars.
    reach_persons
        Population within its reach, persons (some may be reached by others too).
    added_persons
        Population credited to it, persons: townships the main venue does not reach
        whose nearest chosen sub-event this is (ties: lower index).
    """

    township_code: str
    township_index: int
    seat_km: float
    event_days: int
    staff: int
    demo_cars: int
    reach_persons: float
    added_persons: float


@dataclass(frozen=True)
class TownshipReach:
    """Who reaches one township.

    Attributes
    ----------
    township_code
        The township.
    population_persons
        Its population, persons.
    is_reached_by_main_venue
        True when the county seat is within the main venue's reach, road km.
    reaching_events
        Codes of the chosen sub-event townships within reach, nearest first.
    credited_event
        The sub-event its population is credited to, None when the main venue reaches
        it or nobody does.
    """

    township_code: str
    population_persons: float
    is_reached_by_main_venue: bool
    reaching_events: tuple[str, ...]
    credited_event: str | None

    @property
    def is_reached(self) -> bool:
        """True when the main venue or a sub-event reaches the township."""
        return self.is_reached_by_main_venue or bool(self.reaching_events)


@dataclass(frozen=True)
class HubSpokeResult:
    """The chosen sub-events, who reaches whom, and the proof of quality.

    ``objective_persons`` is the population reached (each township once, the main
    venue's reach included); ``bound_persons`` a proven upper bound on the optimum;
    ``gap`` = (bound − objective) / max(objective, 1e-9). ``seconds`` is HiGHS time
    (0 for pure-Python work, which core does not time). Events are ordered by
    ``added_persons`` (descending), then distance from the seat, then index.
    """

    path: Literal["exact", "greedy"]
    status: str
    events: tuple[SubEvent, ...]
    townships: tuple[TownshipReach, ...]
    objective_persons: float
    bound_persons: float
    gap: float
    seconds: float
    main_venue_persons: float
    total_persons: float
    days_used: int
    staff_used: int
    demo_cars_used: int
    details: dict[str, float] = field(default_factory=dict)

    @property
    def event_codes(self) -> tuple[str, ...]:
        """Township codes of the sub-events, in the result's order."""
        return tuple(event.township_code for event in self.events)
