"""One caravan day as a prize-collecting VRP with time windows on PyVRP.

The caravan is one vehicle that leaves the venue where it slept (start depot) no earlier
than the start of the working day and must finish its last event by the end of it; it
ends at a zero-distance dummy depot, so it sleeps at its last event's venue. Each
candidate event is an optional client with its duration as service time, its start
window from the venue's hours, a load of one against a capacity of
``max_events_per_day``, and a **prize** in persons::

    prize = (persons + event_value) · county weight · weekday bonus · (1 + 1 / days_left)

where ``event_value`` (persons) is worth holding any event today rather than another
day (every event is held sooner or later, so more events a day means fewer days), the
county weight is 1 for the county the caravan is working and
``next_county_weight`` for the next one of its tour, the weekday bonus is
``1 + preferred_weekday_bonus`` for a main venue on a preferred weekday (else 1), and the
last factor favours events with few allowed dates left. Driving costs
``persons_per_km`` persons per road km, so PyVRP minimises
``persons_per_km · km − prizes collected``. A venue with several opening windows gives
one client per window in a :class:`pyvrp.ClientGroup`, of which at most one is visited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from nevrural.core.routing.caravan_problem import PERSONS_SCALE, open_end_matrices

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from nevrural.core.routing.caravan_days import Candidate
    from nevrural.core.routing.caravan_problem import CaravanProblem

__all__ = ["PyvrpDayChooser", "event_prize"]


def event_prize(
    persons: float,
    *,
    event_value: float,
    is_current_county: bool,
    is_preferred_main: bool,
    days_left: int,
    next_county_weight: float,
    preferred_weekday_bonus: float,
) -> float:
    """The prize of holding an event today, persons (see the module notes).

    >>> event_prize(1000.0, event_value=0.0, is_current_county=False, is_preferred_main=True,
    ...             days_left=1, next_county_weight=0.5, preferred_weekday_bonus=0.25)
    1250.0
    """
    weight = 1.0 if is_current_county else next_county_weight
    bonus = 1.0 + preferred_weekday_bonus if is_preferred_main else 1.0
    return (persons + event_value) * weight * bonus * (1.0 + 1.0 / max(days_left, 1))


@dataclass(frozen=True)
class PyvrpDayChooser:
    """Chooses a caravan's events for one day by a PyVRP solve (a :class:`DayChooser`).

    Attributes
    ----------
    persons_per_km
        Persons a road km is worth giving up, persons/km.
    event_value
        Persons added to every event's prize (see the module notes).
    next_county_weight
        Prize weight of the next county's events, in [0, 1].
    preferred_weekday_bonus
        Extra prize share of a main venue on a preferred weekday (>= 0).
    max_iterations, time_limit_s, seed
        PyVRP's stop (whichever comes first) and seed.
    """

    persons_per_km: float
    event_value: float
    next_county_weight: float
    preferred_weekday_bonus: float
    max_iterations: int
    time_limit_s: float
    seed: int

    def __call__(
        self, problem: CaravanProblem, start_venue: int, day: date, candidates: Sequence[Candidate]
    ) -> list[int]:
        """Event indices to hold today, in visiting order (possibly none)."""
        rules = problem.rules
        preferred = day.weekday() in problem.calendar.preferred_weekdays
        copies: list[tuple[int, int, int]] = []  # (event index, earliest, latest start)
        groups: list[list[int]] = []
        for candidate in candidates:
            if len(candidate.windows) > 1:
                groups.append(list(range(len(copies), len(copies) + len(candidate.windows))))
            copies.extend((candidate.event_index, lo, hi) for lo, hi in candidate.windows)
        if not copies:
            return []
        by_event = {c.event_index: c for c in candidates}
        venues = np.array(
            [start_venue, start_venue] + [problem.events[e].venue_index for e, _, _ in copies],
            dtype=np.int64,
        )
        # Depot 1 is the dummy end: the caravan sleeps where its last event was.
        distance, duration = open_end_matrices(
            problem, venues, dummy=1, persons_per_km=self.persons_per_km
        )
        group_of = {c: g for g, members in enumerate(groups) for c in members}
        clients = []
        for c, (e, lo, hi) in enumerate(copies):
            event, candidate = problem.events[e], by_event[e]
            prize = event_prize(
                event.persons,
                event_value=self.event_value,
                is_current_county=candidate.is_current_county,
                is_preferred_main=preferred and event.kind == "main",
                days_left=candidate.days_left,
                next_county_weight=self.next_county_weight,
                preferred_weekday_bonus=self.preferred_weekday_bonus,
            )
            clients.append(
                Client(
                    location=2 + c,
                    delivery=[1],
                    service_duration=event.duration_min,
                    tw_early=lo,
                    tw_late=hi,
                    prize=round(prize * PERSONS_SCALE),
                    required=False,
                    group=group_of.get(c),
                )
            )
        vehicle = VehicleType(
            num_available=1,
            capacity=[rules.max_events_per_day],
            start_depot=0,
            end_depot=1,
            tw_early=rules.work_start_min,
            tw_late=rules.work_end_min,
        )
        data = ProblemData(
            [Location(x=0, y=0) for _ in venues],
            clients,
            [Depot(location=0), Depot(location=1)],
            [vehicle],
            [distance],  # type: ignore[list-item]
            [duration],  # type: ignore[list-item]
            [ClientGroup(members, required=False) for members in groups],
        )
        stop = MultipleCriteria([MaxIterations(self.max_iterations), MaxRuntime(self.time_limit_s)])
        outcome = solve(data, stop, seed=self.seed, collect_stats=False, display=False)
        if not outcome.is_feasible():
            return []
        return [copies[a.idx][0] for route in outcome.best.routes() for a in route if a.is_client()]
