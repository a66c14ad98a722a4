"""An independent feasibility check of a multi-day caravan plan (no solver, no planner here).

:func:`check_caravan_result` re-derives every figure of a
:class:`~nevrural.core.routing.caravan_result.CaravanResult` from its
:class:`~nevrural.core.routing.caravan_problem.CaravanProblem` alone and reports each
broken rule as a :class:`CaravanViolation`. Times are minutes from midnight (China
local), distances road km, population persons. The rules, by kind:

* ``unknown_caravan``, ``unknown_event``, ``unknown_venue`` - a day names a caravan, a
  visit (or ``unheld``) an event, or a day or visit a venue index the problem lacks;
* ``wrong_venue`` - a visit's venue differs from its event's venue;
* ``duplicate_event`` - an event is held more than once;
* ``outside_window``, ``not_market_day`` (sub-events only), ``blackout``,
  ``venue_closed``, ``overlap`` - the calendar rules of
  :func:`~nevrural.core.events.calendar_check.check_calendar` for each held event at its
  event's venue (a day without events outside the window is ``outside_window`` too);
* ``day_order`` - a caravan's listed days are not in strictly increasing date order;
* ``overnight`` - a day does not start where the caravan slept: its depot before its
  first listed day, else the ``end_venue`` of its previous listed day;
* ``working_hours`` - ``depart_min < work_start_min`` or ``finish_min > work_end_min``;
* ``timing`` - ``arrive_min`` is not ``depart_min`` (first visit) or the previous
  ``end_min``, plus :meth:`~nevrural.core.routing.caravan_problem.CaravanProblem.travel_min`
  from the previous venue (``start_venue`` first); ``start_min < arrive_min``;
  ``end_min != start_min + duration_min``; or ``finish_min`` is before the last
  ``end_min`` (``depart_min`` without visits) plus the drive to ``end_venue``;
* ``distance`` - a visit's ``drive_km`` is not ``road_km[previous, venue]``, or the
  day's is not the sum of its legs, the last one to ``end_venue`` included (abs. 1e-6 km);
* ``day_kind`` - an ``"events"`` day without visits, a ``"transfer"`` day with visits, or
  a transfer day that starts and ends at one venue;
* ``too_many_events`` - more visits in a day than ``max_events_per_day``;
* ``totals`` - ``persons_reached`` is not the persons of the distinct held events (rel.
  1e-9, abs. 1e-6), ``drive_km`` not the sum of the days' (abs. 1e-6 km),
  ``caravan_days`` not the sum, over caravans with a listed day, of the days from the
  window's start to its latest listed day inclusive; or ``unheld`` does not list every
  event that is not held exactly once.

Each time is checked against the *reported* previous time, so one wrong time is
reported once, not at every later stop. Days with an unknown venue are not simulated;
visits of unknown events or with times a ``ScheduledEvent`` refuses (``timing`` or
``working_hours`` fires then) are not passed to the calendar check.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date  # noqa: TC003 - dataclass field type
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from nevrural.core.events.calendar import MINUTES_PER_DAY
from nevrural.core.events.calendar_check import ScheduledEvent, check_calendar

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nevrural.core.routing.caravan_problem import CaravanProblem
    from nevrural.core.routing.caravan_result import CaravanDay, CaravanResult, Visit

__all__ = ["CaravanViolation", "CaravanViolationKind", "check_caravan_result"]

_ReferenceKind = Literal[
    "unknown_caravan", "unknown_event", "unknown_venue", "wrong_venue", "duplicate_event"
]
_CalendarKind = Literal["outside_window", "not_market_day", "blackout", "venue_closed", "overlap"]
_ScheduleKind = Literal[
    "day_order", "overnight", "working_hours", "timing", "distance", "day_kind", "too_many_events"
]
CaravanViolationKind = Literal[_ReferenceKind, _CalendarKind, _ScheduleKind, "totals"]

KM_ABS_TOL = 1e-6
PERSONS_REL_TOL = 1e-9
PERSONS_ABS_TOL = 1e-6


@dataclass(frozen=True)
class CaravanViolation:
    """One broken rule: its kind, the caravan ("" plan-wide), the date (None plan-wide).

    ``message`` is an English sentence naming the caravan, date, event and the numbers
    (minutes from midnight, km, persons) that clash.
    """

    kind: CaravanViolationKind
    caravan_id: str
    day: date | None
    message: str

    def __str__(self) -> str:
        return self.message


def _km(value: float) -> str:
    """A distance or count without float noise: ``40``, ``40.000002``."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _venue(problem: CaravanProblem, index: int) -> str:
    """``venue <id>`` for a known index, else ``venue #<index>``."""
    if 0 <= index < problem.n_venues:
        return f"venue {problem.venues[index].venue_id}"
    return f"venue #{index}"


def _on(day: CaravanDay, kind: CaravanViolationKind, message: str) -> CaravanViolation:
    """A violation on one caravan's day; the message is prefixed with both."""
    where = f"caravan {day.caravan_id} on {day.day}"
    return CaravanViolation(kind, day.caravan_id, day.day, f"{where}: {message}")


def _shared(days: Sequence[CaravanDay]) -> tuple[str, date | None]:
    """The caravan and date the days share, else "" and None (plan-wide)."""
    caravans, dates = {d.caravan_id for d in days}, {d.day for d in days}
    caravan = next(iter(caravans)) if len(caravans) == 1 else ""
    return caravan, next(iter(dates)) if len(dates) == 1 else None


def _reference_violations(
    problem: CaravanProblem, day: CaravanDay, event_index: Mapping[str, int]
) -> list[CaravanViolation]:
    """Unknown caravan, events and venues of one day, and visits at the wrong venue."""
    found: list[CaravanViolation] = []
    n = problem.n_venues
    if day.caravan_id not in {c.caravan_id for c in problem.caravans}:
        known = ", ".join(c.caravan_id for c in problem.caravans)
        found.append(_on(day, "unknown_caravan", f"{day.caravan_id!r} is not one of {known}"))
    for role, index in (("start_venue", day.start_venue), ("end_venue", day.end_venue)):
        if not 0 <= index < n:
            found.append(_on(day, "unknown_venue", f"{role} {index} is not in 0..{n - 1}"))
    for visit in day.visits:
        eid, i, at = visit.event_id, event_index.get(visit.event_id), visit.venue_index
        if i is None:
            found.append(_on(day, "unknown_event", f"event {eid!r} is not in the problem"))
        if not 0 <= at < n:
            found.append(_on(day, "unknown_venue", f"event {eid} is at {at}, not in 0..{n - 1}"))
        elif i is not None and problem.events[i].venue_index != at:
            home = problem.events[i].venue_index
            message = (
                f"event {eid} is held at {_venue(problem, at)} (#{at}) but belongs to "
                f"{_venue(problem, home)} (#{home})"
            )
            found.append(_on(day, "wrong_venue", message))
    return found


def _day_rule_violations(problem: CaravanProblem, day: CaravanDay) -> list[CaravanViolation]:
    """Working hours, the day's kind, its number of events, and the window of event-less days."""
    rules, window = problem.rules, problem.calendar.window
    found: list[CaravanViolation] = []
    start, end = rules.work_start_min, rules.work_end_min
    if day.depart_min < start:
        message = f"departs at {day.depart_min} min, before work starts at {start} min"
        found.append(_on(day, "working_hours", message))
    if day.finish_min > end:
        message = f"finishes at {day.finish_min} min, after work ends at {end} min"
        found.append(_on(day, "working_hours", message))
    n_visits = len(day.visits)
    if day.kind not in ("events", "transfer") or (day.kind == "events") != (n_visits > 0):
        message = (
            f"kind {day.kind!r} with {n_visits} events; an 'events' day holds at least one, "
            "a 'transfer' day none"
        )
        found.append(_on(day, "day_kind", message))
    elif day.kind == "transfer" and day.start_venue == day.end_venue:
        message = f"a transfer day starts and ends at {_venue(problem, day.end_venue)}"
        found.append(_on(day, "day_kind", message))
    if n_visits > rules.max_events_per_day:
        message = (
            f"holds {n_visits} events ({', '.join(day.event_ids)}), more than the "
            f"{rules.max_events_per_day} allowed per day"
        )
        found.append(_on(day, "too_many_events", message))
    if n_visits == 0 and not window.contains(day.day):
        message = f"the day is outside the window {window.start}..{window.end}"
        found.append(_on(day, "outside_window", message))
    return found


def _visit_violations(
    problem: CaravanProblem,
    day: CaravanDay,
    visit: Visit,
    origin: tuple[int, int, str],
    duration_min: int | None,
) -> list[CaravanViolation]:
    """Timing and leg distance of one visit reached from ``(venue, free_min, what)``."""
    here, free_min, what = origin
    found: list[CaravanViolation] = []
    eid = visit.event_id
    drive_min = problem.travel_min(here, visit.venue_index)
    if visit.arrive_min != free_min + drive_min:
        message = (
            f"event {eid} arrives at {visit.arrive_min} min, expected {free_min + drive_min} min "
            f"({what} {free_min} min + {drive_min} min drive from {_venue(problem, here)})"
        )
        found.append(_on(day, "timing", message))
    if visit.start_min < visit.arrive_min:
        message = f"event {eid} starts at {visit.start_min} min, before {visit.arrive_min} min"
        found.append(_on(day, "timing", message))
    if duration_min is not None and visit.end_min != visit.start_min + duration_min:
        message = (
            f"event {eid} ends at {visit.end_min} min, expected {visit.start_min} + "
            f"{duration_min} = {visit.start_min + duration_min} min"
        )
        found.append(_on(day, "timing", message))
    leg_km = float(problem.road_km[here, visit.venue_index])
    if not math.isclose(visit.drive_km, leg_km, rel_tol=0.0, abs_tol=KM_ABS_TOL):
        message = (
            f"event {eid} is reached after {_km(visit.drive_km)} km, but the road from "
            f"{_venue(problem, here)} is {_km(leg_km)} km"
        )
        found.append(_on(day, "distance", message))
    return found


def _route_violations(
    problem: CaravanProblem, day: CaravanDay, event_index: Mapping[str, int]
) -> list[CaravanViolation]:
    """Timing and distances of one day whose venues are all known."""
    found: list[CaravanViolation] = []
    here, free_min, what = day.start_venue, day.depart_min, "departure at"
    total_km = 0.0
    for visit in day.visits:
        i = event_index.get(visit.event_id)
        duration_min = problem.events[i].duration_min if i is not None else None
        found.extend(_visit_violations(problem, day, visit, (here, free_min, what), duration_min))
        total_km += float(problem.road_km[here, visit.venue_index])
        here, free_min, what = visit.venue_index, visit.end_min, f"end of event {visit.event_id} at"
    drive_min = problem.travel_min(here, day.end_venue)
    if day.finish_min < free_min + drive_min:
        message = (
            f"finishes at {day.finish_min} min, before {free_min + drive_min} min ({what} "
            f"{free_min} min + {drive_min} min drive to {_venue(problem, day.end_venue)})"
        )
        found.append(_on(day, "timing", message))
    total_km += float(problem.road_km[here, day.end_venue])
    if not math.isclose(day.drive_km, total_km, rel_tol=0.0, abs_tol=KM_ABS_TOL):
        message = f"drives {_km(day.drive_km)} km, but its legs sum to {_km(total_km)} km"
        found.append(_on(day, "distance", message))
    return found


def _caravan_violations(problem: CaravanProblem, result: CaravanResult) -> list[CaravanViolation]:
    """Date order and overnight venues along each caravan's listed days."""
    depots = {c.caravan_id: c.depot_index for c in problem.caravans}
    by_caravan: defaultdict[str, list[CaravanDay]] = defaultdict(list)
    for day in result.days:
        by_caravan[day.caravan_id].append(day)
    found: list[CaravanViolation] = []
    for caravan_id, days in by_caravan.items():
        for before, after in pairwise(days):
            if after.day <= before.day:
                message = f"listed after {before.day}; dates must strictly increase"
                found.append(_on(after, "day_order", message))
        slept, where = depots.get(caravan_id), "its depot"
        if slept is None:
            continue  # unknown_caravan already reported
        for day in days:
            if day.start_venue != slept:
                message = (
                    f"starts at {_venue(problem, day.start_venue)} but slept at "
                    f"{_venue(problem, slept)} ({where})"
                )
                found.append(_on(day, "overnight", message))
            slept, where = day.end_venue, f"the end of {day.day}"
    return found


def _calendar_violations(
    problem: CaravanProblem, result: CaravanResult, event_index: Mapping[str, int]
) -> list[CaravanViolation]:
    """The calendar rules of each held event (known, valid times), then overlaps per venue-day."""
    found: list[CaravanViolation] = []
    groups: defaultdict[tuple[str, date], list[tuple[CaravanDay, ScheduledEvent]]]
    groups = defaultdict(list)
    for day in result.days:
        for visit in day.visits:
            i, start, end = event_index.get(visit.event_id), visit.start_min, visit.end_min
            if i is None or not 0 <= start < end <= MINUTES_PER_DAY:
                continue
            e = problem.events[i]
            venue_id = problem.venues[e.venue_index].venue_id
            event = ScheduledEvent(
                e.event_id, e.calendar_code, day.day, start, end, e.is_market_event, venue_id
            )
            groups[(event.venue, event.day)].append((day, event))
            for violation in check_calendar(problem.calendar, [event]):
                if violation.kind != "duplicate_id":  # impossible for one event; narrows the type
                    message = f"caravan {day.caravan_id}: {violation.message}"
                    found.append(CaravanViolation(violation.kind, day.caravan_id, day.day, message))
    for group in groups.values():
        overlaps = check_calendar(problem.calendar, [event for _, event in group])
        for violation in (v for v in overlaps if v.kind == "overlap"):
            ids = set(violation.event_id.split(","))
            days = [day for day, event in group if event.event_id in ids]
            caravans = list(dict.fromkeys(d.caravan_id for d in days))
            who = f"caravan{'s' if len(caravans) > 1 else ''} {' and '.join(caravans)}"
            found.append(CaravanViolation("overlap", *_shared(days), f"{who}: {violation.message}"))
    return found


def _unheld_violations(
    problem: CaravanProblem, result: CaravanResult, holders: Mapping[str, list[CaravanDay]]
) -> list[CaravanViolation]:
    """``unheld`` must list every event that is not held, once, and nothing else."""
    found: list[CaravanViolation] = []
    known = {event.event_id for event in problem.events}
    counts = Counter(u.event_id for u in result.unheld)
    for event_id, count in counts.items():
        if event_id not in known:
            message = f"unheld lists event {event_id!r}, which is not in the problem"
            found.append(CaravanViolation("unknown_event", "", None, message))
        elif event_id in holders:
            day = holders[event_id][0]
            message = (
                f"unheld lists event {event_id}, held by caravan {day.caravan_id} on {day.day}"
            )
            found.append(CaravanViolation("totals", day.caravan_id, day.day, message))
        if count > 1:
            message = f"unheld lists event {event_id} {count} times, not once"
            found.append(CaravanViolation("totals", "", None, message))
    for event in problem.events:
        if event.event_id not in holders and event.event_id not in counts:
            message = f"event {event.event_id} is neither held nor listed in unheld"
            found.append(CaravanViolation("totals", "", None, message))
    return found


def _total_violations(
    problem: CaravanProblem, result: CaravanResult, event_index: Mapping[str, int]
) -> list[CaravanViolation]:
    """Repeated events; persons, km and caravan-days of the whole plan; the unheld list."""
    holders: defaultdict[str, list[CaravanDay]] = defaultdict(list)
    latest: dict[str, date] = {}
    for day in result.days:
        latest[day.caravan_id] = max(day.day, latest.get(day.caravan_id, day.day))
        for visit in day.visits:
            holders[visit.event_id].append(day)
    found: list[CaravanViolation] = []
    for event_id, days in holders.items():
        if len(days) > 1:
            where = ", ".join(f"by caravan {d.caravan_id} on {d.day}" for d in days)
            message = f"event {event_id} is held {len(days)} times: {where}"
            found.append(CaravanViolation("duplicate_event", *_shared(days), message))
    held = [e for e in holders if e in event_index]
    persons = math.fsum(problem.events[event_index[e]].persons for e in held)
    drive_km = math.fsum(day.drive_km for day in result.days)
    start = problem.calendar.window.start
    caravan_days = sum((last - start).days + 1 for last in latest.values())
    tol = {"rel_tol": PERSONS_REL_TOL, "abs_tol": PERSONS_ABS_TOL}
    if not math.isclose(result.persons_reached, persons, **tol):
        message = (
            f"persons_reached is {_km(result.persons_reached)}, but the {len(held)} held "
            f"events reach {_km(persons)} persons"
        )
        found.append(CaravanViolation("totals", "", None, message))
    if not math.isclose(result.drive_km, drive_km, rel_tol=0.0, abs_tol=KM_ABS_TOL):
        message = f"drive_km is {_km(result.drive_km)}, but the days drive {_km(drive_km)} km"
        found.append(CaravanViolation("totals", "", None, message))
    if result.caravan_days != caravan_days:
        message = (
            f"caravan_days is {result.caravan_days}, but {len(latest)} working caravan(s), each "
            f"from {start} to its latest listed day, make {caravan_days} days"
        )
        found.append(CaravanViolation("totals", "", None, message))
    found.extend(_unheld_violations(problem, result, holders))
    return found


def check_caravan_result(problem: CaravanProblem, result: CaravanResult) -> list[CaravanViolation]:
    """Every rule the plan breaks (see the module docstring); an empty list means feasible.

    Per-day violations come first in the order of ``result.days``, then those along
    each caravan, the calendar's, repeated events, and the plan's totals.

    Examples
    --------
    A depot and a county seat 20 km apart (30 min at 40 km/h); one main event of
    120 min for 5,000 persons:

    >>> from dataclasses import replace
    >>> from datetime import date
    >>> from nevrural.core.events.calendar import CalendarParams, CampaignWindow
    >>> from nevrural.core.routing.caravan_problem import (
    ...     CampaignEvent, Caravan, CaravanProblem, Venue)
    >>> from nevrural.core.routing.caravan_result import CaravanDay, CaravanResult, Visit
    >>> problem = CaravanProblem(
    ...     venues=(Venue("depot", "Depot", 0.0, 0.0), Venue("420704", "Seat", 0.2, 0.0)),
    ...     road_km=[[0.0, 20.0], [20.0, 0.0]],
    ...     events=(CampaignEvent("m1", "420704", 1, "420704", "main", 120, 5000.0),),
    ...     caravans=(Caravan("c1", 0),),
    ...     calendar=CalendarParams(window=CampaignWindow(date(2026, 6, 15), date(2026, 6, 21))))
    >>> day = CaravanDay("c1", date(2026, 6, 15), "events", 0, 1, 480, 660,
    ...                  (Visit("m1", 1, 510, 540, 660, 20.0),), 20.0)
    >>> result = CaravanResult("nearest_neighbour", (day,), {"c1": ("420704",)}, (),
    ...                        5000.0, 20.0, 1)
    >>> check_caravan_result(problem, result)
    []
    >>> late = replace(result, days=(replace(day, finish_min=1110),))
    >>> [str(v) for v in check_caravan_result(problem, late)]
    ['caravan c1 on 2026-06-15: finishes at 1110 min, after work ends at 1080 min']
    """
    event_index = problem.event_index()
    n = problem.n_venues
    found: list[CaravanViolation] = []
    for day in result.days:
        found.extend(_reference_violations(problem, day, event_index))
        found.extend(_day_rule_violations(problem, day))
        venues = (day.start_venue, day.end_venue, *(v.venue_index for v in day.visits))
        if all(0 <= index < n for index in venues):
            found.extend(_route_violations(problem, day, event_index))
    found.extend(_caravan_violations(problem, result))
    found.extend(_calendar_violations(problem, result, event_index))
    found.extend(_total_violations(problem, result, event_index))
    return found
