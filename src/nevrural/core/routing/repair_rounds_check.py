"""An independent check of repair rounds (no PyVRP here).

Rules, each broken one reported as a message naming the van-day, stop or date:

* **pattern**: every van-day belongs to a depot with that van (``0..vans-1``) on a day
  offset ``0..N-1``, at most once per (depot, van, offset); it leaves its depot no
  earlier than the start of work, reaches each stop ``travel_min`` after leaving the
  previous place, starts service no earlier than it arrives, ends it ``service_min``
  later, and is back at the same depot ``travel_min`` after the last stop, no later
  than the end of work; its legs and total are the road km of that path. Every stop is
  on exactly one van-day, and the period's km is the sum of the van-days';
* **visits**: every visit falls in the window and is the visit of a pattern van-day on
  a day ``d`` with ``d mod N`` its offset (same depot, van, start and end); every stop is
  visited exactly once in every full period ``[mN, mN + N - 1]`` of the window, its
  consecutive visits are exactly ``N`` days apart, and none is missing at the window's
  end (the last one is within ``N`` days of it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise
from typing import TYPE_CHECKING

from nevrural.core.routing.repair_rounds_problem import format_clock

if TYPE_CHECKING:
    from nevrural.core.routing.repair_rounds_problem import (
        RepairRoundProblem,
        RepairRoundResult,
        VanDay,
    )

__all__ = ["check_repair_rounds"]

# Road km may differ from the problem's sums by float rounding only.
_KM_TOLERANCE = 1e-6


def check_repair_rounds(problem: RepairRoundProblem, result: RepairRoundResult) -> list[str]:
    """Every broken rule of ``result`` for ``problem``, as messages (empty when feasible).

    >>> from datetime import date
    >>> from nevrural.core.routing.repair_rounds_problem import RepairRoundProblem
    >>> from nevrural.core.routing.repair_rounds_problem import RepairRoundResult
    >>> problem = RepairRoundProblem(
    ...     depot_ids=("D",), stop_ids=("A",), road_km=[[0, 10], [10, 0]], service_min=30,
    ...     vans_per_depot=1, period_days=2, speed_kmh=60.0,
    ...     window_start=date(2024, 5, 1), window_end=date(2024, 5, 2))
    >>> check_repair_rounds(problem, RepairRoundResult(2, (), (), 0.0, 0.0, 0))
    ['stop A is on no van-day', 'stop A is visited 0 times in days 0..1 (2024-05-01..2024-05-02)']
    """
    messages: list[str] = []
    if result.period_days != problem.period_days:
        messages.append(
            f"result.period_days = {result.period_days}, problem N = {problem.period_days}"
        )
    for k, van_day in enumerate(result.pattern):
        messages.extend(_check_van_day(problem, k, van_day))
    messages.extend(_check_pattern_cover(problem, result))
    messages.extend(_check_visits(problem, result))
    return messages


def _check_van_day(problem: RepairRoundProblem, k: int, van_day: VanDay) -> list[str]:
    """Depot, van, offset, times and km of one van-day (``k`` its position)."""
    name = f"van-day {k} ({van_day.depot_id!r} van {van_day.van} day {van_day.day_offset})"
    if van_day.depot_id not in problem.depot_ids:
        return [f"{name}: unknown depot"]
    depot = problem.depot_ids.index(van_day.depot_id)
    messages = []
    if not 0 <= van_day.van < problem.vans_by_depot[depot]:
        messages.append(f"{name}: depot has vans 0..{problem.vans_by_depot[depot] - 1}")
    if not 0 <= van_day.day_offset < problem.period_days:
        messages.append(f"{name}: day offset not in 0..{problem.period_days - 1}")
    if van_day.leave_min < problem.work_start_min:
        messages.append(f"{name}: leaves at {format_clock(van_day.leave_min)}, before work")
    time, here, km = van_day.leave_min, depot, 0.0
    for stop in van_day.stops:
        if stop.stop_id not in problem.stop_ids:
            return [*messages, f"{name}: unknown stop {stop.stop_id!r}"]
        s = problem.stop_ids.index(stop.stop_id)
        place = problem.place_of_stop(s)
        arrive, leg = time + problem.travel_min(here, place), float(problem.road_km[here, place])
        if stop.arrive_min != arrive:
            messages.append(
                f"{name}: arrives at stop {stop.stop_id} at {stop.arrive_min}, not {arrive}"
            )
        if stop.start_min < stop.arrive_min:
            messages.append(f"{name}: starts stop {stop.stop_id} before arriving")
        if stop.end_min != stop.start_min + problem.service_min_by_stop[s]:
            messages.append(
                f"{name}: stop {stop.stop_id} ends at {stop.end_min}, not start + service"
            )
        if abs(stop.leg_km - leg) > _KM_TOLERANCE:
            messages.append(f"{name}: leg to stop {stop.stop_id} is {stop.leg_km} km, not {leg}")
        time, here, km = stop.end_min, place, km + leg
    back = time + problem.travel_min(here, depot)
    km += float(problem.road_km[here, depot])
    if van_day.return_min != back:
        messages.append(f"{name}: back at its depot at {van_day.return_min}, not {back}")
    if van_day.return_min > problem.work_end_min:
        messages.append(f"{name}: back at {format_clock(van_day.return_min)}, after work")
    if abs(van_day.distance_km - km) > _KM_TOLERANCE:
        messages.append(f"{name}: {van_day.distance_km} km, not {km} (depot to depot)")
    return messages


def _check_pattern_cover(problem: RepairRoundProblem, result: RepairRoundResult) -> list[str]:
    """Each stop on exactly one van-day, no (depot, van, offset) twice, km summed."""
    messages = []
    seen = Counter(s.stop_id for van_day in result.pattern for s in van_day.stops)
    for stop_id in problem.stop_ids:
        if seen[stop_id] != 1:
            times = "no van-day" if not seen[stop_id] else f"{seen[stop_id]} van-days"
            messages.append(f"stop {stop_id} is on {times}")
    slots = Counter((v.depot_id, v.van, v.day_offset) for v in result.pattern)
    messages.extend(
        f"depot {depot!r} van {van} works twice on day offset {offset}"
        for (depot, van, offset), count in slots.items()
        if count > 1
    )
    total = sum(van_day.distance_km for van_day in result.pattern)
    if abs(result.distance_km_per_period - total) > _KM_TOLERANCE * max(1, len(result.pattern)):
        messages.append(
            f"distance_km_per_period = {result.distance_km_per_period}, van-days sum to {total}"
        )
    return messages


def _check_visits(problem: RepairRoundProblem, result: RepairRoundResult) -> list[str]:
    """Visits in the window, matching the pattern, once per full period, N days apart."""
    n, messages = problem.period_days, []
    planned = {
        (v.depot_id, v.van, v.day_offset, s.stop_id): (s.start_min, s.end_min)
        for v in result.pattern
        for s in v.stops
    }
    days_of: dict[str, list[int]] = defaultdict(list)
    for visit in result.visits:
        day = (visit.date - problem.window_start).days
        if not 0 <= day < problem.window_days:
            messages.append(f"visit of {visit.stop_id} on {visit.date} is outside the window")
            continue
        key = (visit.depot_id, visit.van, day % n, visit.stop_id)
        if planned.get(key) != (visit.start_min, visit.end_min):
            messages.append(
                f"visit of {visit.stop_id} on {visit.date} by {visit.depot_id!r} van {visit.van}"
                f" at {visit.start_min}-{visit.end_min} is not in the pattern"
                f" (day offset {day % n})"
            )
        days_of[visit.stop_id].append(day)
    for stop_id in problem.stop_ids:
        days = sorted(days_of[stop_id])
        for m in range(problem.window_days // n):
            count = sum(m * n <= d < (m + 1) * n for d in days)
            if count != 1:
                first, last = problem.date_of(m * n), problem.date_of(m * n + n - 1)
                messages.append(
                    f"stop {stop_id} is visited {count} times in days {m * n}..{m * n + n - 1}"
                    f" ({first}..{last})"
                )
        messages.extend(
            f"stop {stop_id}: visits on {problem.date_of(a)} and {problem.date_of(b)} are"
            f" {b - a} days apart, not {n}"
            for a, b in pairwise(days)
            if b - a != n
        )
        if days and days[-1] + n < problem.window_days:
            messages.append(
                f"stop {stop_id}: last visit on {problem.date_of(days[-1])}, but the window"
                f" runs to {problem.window_end} (next due {problem.date_of(days[-1] + n)})"
            )
    return messages
