"""The nearest-neighbour baseline: how a campaign office would plan caravans by hand.

* **Tours**: the caravans take turns, in problem order, each adding the county whose
  anchor (main venue) is nearest to the last county it was given (its depot at first),
  until every county is given out. Nobody checks whether the window is long enough.
* **Days**: a caravan works one county at a time; each day it goes to the nearest
  candidate event (allowed today, startable in its window), then the nearest of the rest,
  while the day holds them, up to the daily maximum.

It shares the calendar, the scheduling and the transfer rules of the optimised plan
(:func:`~nevrural.core.routing.caravan_days.run_days`), so the two differ only in the
decisions, and both are checked by the same checker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.routing.caravan_days import run_days, schedule_visits
from nevrural.core.routing.caravan_result import CaravanResult
from nevrural.core.routing.caravan_tour import county_work

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from nevrural.core.routing.caravan_days import Candidate
    from nevrural.core.routing.caravan_problem import CaravanProblem

__all__ = ["nearest_day_order", "nearest_neighbour_tours", "plan_nearest_neighbour"]


def nearest_neighbour_tours(problem: CaravanProblem) -> dict[str, tuple[str, ...]]:
    """Counties per caravan id, handed out in turns to the nearest (ties: problem order)."""
    works = list(county_work(problem))
    tours: dict[str, list[str]] = {c.caravan_id: [] for c in problem.caravans}
    last = {c.caravan_id: c.depot_index for c in problem.caravans}
    while works and problem.caravans:
        for caravan in problem.caravans:
            if not works:
                break
            km = [problem.road_km[last[caravan.caravan_id], w.anchor_venue] for w in works]
            nearest = works.pop(int(np.argmin(km)))
            tours[caravan.caravan_id].append(nearest.county_code)
            last[caravan.caravan_id] = nearest.anchor_venue
    return {cid: tuple(codes) for cid, codes in tours.items()}


def nearest_day_order(
    problem: CaravanProblem, start_venue: int, day: date, candidates: Sequence[Candidate]
) -> list[int]:
    """Nearest feasible candidate first, then the nearest of the rest (a :class:`DayChooser`)."""
    del day  # the calendar filtering happened upstream
    left = list(candidates)
    order: list[tuple[int, tuple[tuple[int, int], ...]]] = []
    here = start_venue
    while left and len(order) < problem.rules.max_events_per_day:
        ranked = sorted(
            left,
            key=lambda c: (
                problem.road_km[here, problem.events[c.event_index].venue_index],
                c.event_index,
            ),
        )
        for candidate in ranked:
            trial = [*order, (candidate.event_index, candidate.windows)]
            if schedule_visits(problem, start_venue, trial) is not None:
                order = trial
                left.remove(candidate)
                here = problem.events[candidate.event_index].venue_index
                break
        else:
            break
    return [event_index for event_index, _ in order]


def plan_nearest_neighbour(problem: CaravanProblem) -> CaravanResult:
    """The baseline plan (see the module notes); same result type as the optimised plan."""
    tours = nearest_neighbour_tours(problem)
    outcome = run_days(
        problem,
        tours,
        nearest_day_order,
        working_set=1,
        left_out_reason="county not in any caravan's tour",
    )
    return CaravanResult.from_days(
        method="nearest_neighbour",
        problem_events=problem.events,
        window_start=problem.calendar.window.start,
        days=outcome.days,
        county_tours=tours,
        unheld=outcome.unheld,
        details={"day_choices": float(outcome.chooser_calls)},
    )
