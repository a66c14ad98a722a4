"""A multi-day caravan plan: per caravan and day, where it drove, what it held, where it slept.

Only days on which a caravan moves or holds an event are listed; on an unlisted day the
caravan rests where it slept. A :class:`CaravanDay` starts at ``start_venue`` (where it
slept: its depot before its first listed day, else the ``end_venue`` of its previous
listed day), leaves at ``depart_min``, holds ``visits`` in order and reaches
``end_venue``, where it sleeps, at ``finish_min``. Times are minutes from midnight
(China local), distances road km, population persons. The rules are checked by
:func:`nevrural.core.routing.caravan_check.check_caravan_result`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date  # noqa: TC003 - dataclass field type
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nevrural.core.routing.caravan_problem import CampaignEvent

__all__ = ["CaravanDay", "CaravanResult", "DayKind", "UnheldEvent", "Visit"]

DayKind = Literal["events", "transfer"]


@dataclass(frozen=True)
class Visit:
    """One event held: arrival, start and end (minutes from midnight), km from the last stop."""

    event_id: str
    venue_index: int
    arrive_min: int
    start_min: int
    end_min: int
    drive_km: float


@dataclass(frozen=True)
class CaravanDay:
    """One caravan's working day.

    ``kind`` is ``"events"`` when it holds at least one event, ``"transfer"`` when it
    only drives (towards the next county of its tour). ``drive_km`` includes the last leg
    to ``end_venue`` (zero when it sleeps at its last event's venue).
    """

    caravan_id: str
    day: date
    kind: DayKind
    start_venue: int
    end_venue: int
    depart_min: int
    finish_min: int
    visits: tuple[Visit, ...]
    drive_km: float

    @property
    def event_ids(self) -> tuple[str, ...]:
        """Ids of the events held, in order."""
        return tuple(visit.event_id for visit in self.visits)


@dataclass(frozen=True)
class UnheldEvent:
    """An event the plan does not hold, and why (a short English sentence)."""

    event_id: str
    reason: str


@dataclass(frozen=True)
class CaravanResult:
    """The days of every caravan, the county tours and what was left out.

    Attributes
    ----------
    method
        ``"pyvrp"`` (the decomposition of :mod:`~nevrural.core.routing.caravan`) or
        ``"nearest_neighbour"`` (the baseline).
    days
        Caravan days, ordered by caravan (problem order), then date.
    county_tours
        Per caravan id, the counties it was sent to, in tour order.
    unheld
        Events not held, in problem order.
    persons_reached
        Sum of the persons of the held events.
    drive_km
        Road km driven by all caravans.
    caravan_days
        Days the caravans are deployed: for each caravan that works, from the first day
        of the window to its last listed day, inclusive, summed.
    details
        Solver figures (seconds, PyVRP calls, ...), for reports.
    """

    method: str
    days: tuple[CaravanDay, ...]
    county_tours: dict[str, tuple[str, ...]]
    unheld: tuple[UnheldEvent, ...]
    persons_reached: float
    drive_km: float
    caravan_days: int
    details: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_days(
        cls,
        *,
        method: str,
        problem_events: Sequence[CampaignEvent],
        window_start: date,
        days: Sequence[CaravanDay],
        county_tours: Mapping[str, Sequence[str]],
        unheld: Sequence[UnheldEvent],
        details: Mapping[str, float],
    ) -> CaravanResult:
        """The result of ``days``, with its totals computed from them."""
        persons = {e.event_id: e.persons for e in problem_events}
        last_day: dict[str, date] = {}
        for day in days:
            last_day[day.caravan_id] = max(day.day, last_day.get(day.caravan_id, day.day))
        return cls(
            method=method,
            days=tuple(days),
            county_tours={cid: tuple(codes) for cid, codes in county_tours.items()},
            unheld=tuple(unheld),
            persons_reached=float(sum(persons[v.event_id] for d in days for v in d.visits)),
            drive_km=float(sum(d.drive_km for d in days)),
            caravan_days=sum((last - window_start).days + 1 for last in last_day.values()),
            details=dict(details),
        )

    @property
    def persons_per_caravan_day(self) -> float:
        """Persons reached per deployed caravan-day (0 when no caravan worked)."""
        return self.persons_reached / self.caravan_days if self.caravan_days else 0.0

    def days_of(self, caravan_id: str) -> tuple[CaravanDay, ...]:
        """The listed days of one caravan, by date."""
        return tuple(d for d in self.days if d.caravan_id == caravan_id)

    @property
    def held_event_ids(self) -> tuple[str, ...]:
        """Every held event id, in plan order."""
        return tuple(v.event_id for d in self.days for v in d.visits)
