"""Multi-day caravan routing: K caravans tour the selected counties for months, on PyVRP.

The problem
-----------
Caravans leave their depots on the first day of the campaign window. Each county has a
main-venue event at its seat and township sub-events (its hub-and-spoke plan, each
worth the persons it reaches). A township sub-event must fall on the township's market
day (lunar cycle), no event in a blackout, every event inside its venue's hours; each
day a caravan drives and holds events within the working hours, at most
``max_events_per_day`` events, and sleeps in a town (where its last event was, or where
a transfer day ends). The aim: reach the most persons, driving little.

Why a decomposition
-------------------
One PyVRP model over the whole window would need a client per event *and* allowed date
(tens of thousands) and cannot chain a day's start to the previous night's town, nor
stop a vehicle from driving at night while it "waits" for the next morning's window.
So the plan is built in two levels, both on PyVRP:

1. **County tours** (:mod:`~nevrural.core.routing.caravan_tour`): a prize-collecting,
   multi-depot, open VRP over the county seats. One vehicle type per caravan (its depot
   as start depot, a zero-cost dummy as end depot), each county an optional client whose
   prize is its persons and whose service duration is its expected working days, the
   caravan's shift duration being the working time in the window. It decides which
   caravan goes where and in what order, and leaves out counties that do not fit.
2. **Days** (:mod:`~nevrural.core.routing.caravan_days`): a rolling horizon. For each
   date and caravan, the events allowed that day in the first two unfinished counties of
   its tour are optional clients of a one-vehicle prize-collecting VRP with time windows
   (:mod:`~nevrural.core.routing.caravan_day_pyvrp`): start depot where it slept, a
   dummy end depot (it sleeps at its last event), the working hours as the vehicle's
   time window, venue hours as client windows (a client group per venue with several
   windows), capacity ``max_events_per_day``. Prizes weigh the current county above the
   next one, main venues on preferred weekdays, and events with few allowed dates left.
   Looking one county ahead (when it lies within ``lookahead_km``) fills the days on
   which the current county has no market.
   When nothing fits, the caravan drives towards its next county (a transfer day).

Every day is re-timed by :func:`~nevrural.core.routing.caravan_days.schedule_visits`,
which keeps only orders that obey the windows and the working day, and the whole plan
is then verified by :func:`~nevrural.core.routing.caravan_check.check_caravan_result`,
which shares no code with the planner but the calendar rules and the travel-time rule.
The nearest-neighbour baseline (:mod:`~nevrural.core.routing.caravan_baseline`) runs
through the same day machinery with greedy decisions.

Both PyVRP stops are iteration counts (reproducible on any machine) with time limits as
guards; the day level solves at most one small model per caravan and date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nevrural.core.routing.caravan_day_pyvrp import PyvrpDayChooser
from nevrural.core.routing.caravan_days import EventCalendar, run_days
from nevrural.core.routing.caravan_result import CaravanResult
from nevrural.core.routing.caravan_tour import plan_county_tours

if TYPE_CHECKING:
    from nevrural.core.routing.caravan_problem import CaravanProblem

__all__ = ["CaravanParams", "plan_caravans", "usable_days"]


@dataclass(frozen=True)
class CaravanParams:
    """How to plan; the weights are modelled defaults.

    Attributes
    ----------
    persons_per_km
        Persons a road km of driving is worth giving up, persons/km (>= 0).
    utilisation
        Share of the window's working time the county tours may fill, in (0, 1].
    market_wait
        How much longer than ``sub_events / max_events_per_day`` days a county's
        sub-events take, for the days without a market in reach (>= 1).
    event_value
        Persons added to each event's prize in the day plans, so that a day holds as
        many events as it can (all are held sooner or later), persons (>= 0).
    next_county_weight
        Prize weight of the next county's events on a day, in [0, 1].
    lookahead_km
        The next county's events are candidates only when its anchor lies within this
        road distance of the current county's, km (> 0).
    preferred_weekday_bonus
        Extra prize share of a main venue held on a preferred weekday (>= 0).
    tour_iterations, tour_time_limit_s
        PyVRP stop of the county-tour solve.
    day_iterations, day_time_limit_s
        PyVRP stop of each day's solve.
    seed
        PyVRP seed (>= 0).
    """

    persons_per_km: float = 20.0
    utilisation: float = 0.8
    market_wait: float = 1.5
    event_value: float = 50_000.0
    next_county_weight: float = 0.25
    lookahead_km: float = 150.0
    preferred_weekday_bonus: float = 0.25
    tour_iterations: int = 3_000
    tour_time_limit_s: float = 20.0
    day_iterations: int = 150
    day_time_limit_s: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        checks = {
            "persons_per_km": math.isfinite(self.persons_per_km) and self.persons_per_km >= 0,
            "utilisation": 0.0 < self.utilisation <= 1.0,
            "market_wait": math.isfinite(self.market_wait) and self.market_wait >= 1.0,
            "event_value": math.isfinite(self.event_value) and self.event_value >= 0,
            "lookahead_km": self.lookahead_km > 0,
            "next_county_weight": 0.0 <= self.next_county_weight <= 1.0,
            "preferred_weekday_bonus": math.isfinite(self.preferred_weekday_bonus)
            and self.preferred_weekday_bonus >= 0,
            "tour_iterations": self.tour_iterations >= 1,
            "tour_time_limit_s": self.tour_time_limit_s > 0,
            "day_iterations": self.day_iterations >= 1,
            "day_time_limit_s": self.day_time_limit_s > 0,
            "seed": self.seed >= 0,
        }
        for name, ok in checks.items():
            if not ok:
                raise ValueError(f"{name} = {getattr(self, name)!r} is out of range")


def usable_days(calendar: EventCalendar) -> int:
    """Dates of the window on which at least one event is allowed (level 1's calendar)."""
    allowed = {d for days in calendar.allowed for d in days}
    return len(allowed)


def plan_caravans(problem: CaravanProblem, params: CaravanParams | None = None) -> CaravanResult:
    """The multi-day plan of every caravan (see the module notes for the decomposition).

    Examples
    --------
    Two counties east of a depot, one caravan, a four-day window:

    >>> from datetime import date
    >>> import numpy as np
    >>> from nevrural.core.events.calendar import CalendarParams, CampaignWindow
    >>> from nevrural.core.routing.caravan_problem import (
    ...     CampaignEvent, Caravan, CaravanProblem, Venue)
    >>> venues = tuple(Venue(f"v{i}", f"V{i}", 110.0 + 0.2 * i, 30.0) for i in range(3))
    >>> km = np.abs(np.subtract.outer(np.arange(3.0), np.arange(3.0))) * 25.0
    >>> events = (CampaignEvent("a", "420101", 1, "420101", "main", 300, 9000.0),
    ...           CampaignEvent("b", "420102", 2, "420102", "main", 300, 7000.0))
    >>> problem = CaravanProblem(
    ...     venues=venues, road_km=km, events=events, caravans=(Caravan("c1", 0),),
    ...     calendar=CalendarParams(window=CampaignWindow(date(2026, 6, 1), date(2026, 6, 4))))
    >>> result = plan_caravans(problem, CaravanParams(tour_iterations=100, day_iterations=50))
    >>> [(d.day.isoformat(), d.event_ids) for d in result.days]
    [('2026-06-01', ('a',)), ('2026-06-02', ('b',))]
    >>> result.persons_reached, result.caravan_days, result.drive_km
    (16000.0, 2, 50.0)
    """
    params = params or CaravanParams()
    left_out_reason = "county not in any caravan's tour: the caravans' working time is used up"
    calendar = EventCalendar(problem)  # built once, for both levels
    tours = plan_county_tours(
        problem,
        usable_days(calendar),
        persons_per_km=params.persons_per_km,
        utilisation=params.utilisation,
        market_wait=params.market_wait,
        time_limit_s=params.tour_time_limit_s,
        max_iterations=params.tour_iterations,
        seed=params.seed,
    )
    chooser = PyvrpDayChooser(
        persons_per_km=params.persons_per_km,
        event_value=params.event_value,
        next_county_weight=params.next_county_weight,
        preferred_weekday_bonus=params.preferred_weekday_bonus,
        max_iterations=params.day_iterations,
        time_limit_s=params.day_time_limit_s,
        seed=params.seed,
    )
    outcome = run_days(
        problem,
        tours.tours,
        chooser,
        working_set=2,
        left_out_reason=left_out_reason,
        lookahead_km=params.lookahead_km,
        calendar=calendar,
    )
    return CaravanResult.from_days(
        method="pyvrp",
        problem_events=problem.events,
        window_start=problem.calendar.window.start,
        days=outcome.days,
        county_tours=tours.tours,
        unheld=outcome.unheld,
        details={
            "tour_seconds": tours.seconds,
            "tour_iterations": float(tours.iterations),
            "counties_left_out": float(len(tours.left_out)),
            "day_solves": float(outcome.chooser_calls),
        },
    )
