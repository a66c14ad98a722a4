"""Level 2 of the caravan decomposition: the rolling day-by-day plan of each caravan.

For each date of the window and each caravan, in problem order, a *chooser* picks the
events the caravan holds that day from the **candidates**: the pending events of the
first ``working_set`` unfinished counties of its tour (a later one only when its anchor
lies within ``lookahead_km`` road km of the first's) that the calendar allows on that
date (a sub-event on its township's market day, a main venue on any day, neither in a
blackout), each with the start window its venue's hours and the working hours leave.
:func:`schedule_visits` turns the chosen order into times (leave as late as the first
start allows, wait when early) and refuses any order that breaks a window or the
working day, so every day that is kept obeys the rules by construction; the checker
:mod:`~nevrural.core.routing.caravan_check` verifies them again independently.

When nothing is held, a caravan that is not yet in its next county drives towards it
(a *transfer* day): to the county's anchor if one working day's drive reaches it, else
to the venue within a day's drive nearest to the anchor, where it sleeps. A county is
finished when each of its events is held or has no allowed date left.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from nevrural.core.events.calendar import blackouts_of, candidate_event_days
from nevrural.core.routing.caravan_result import CaravanDay, UnheldEvent, Visit

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import date

    from nevrural.core.routing.caravan_problem import CaravanProblem

__all__ = [
    "Candidate",
    "CaravanState",
    "DayChooser",
    "DayPlanOutcome",
    "EventCalendar",
    "run_days",
    "schedule_visits",
]


@dataclass(frozen=True)
class Candidate:
    """An event that may be held today, and its start windows (minutes from midnight).

    ``windows`` are ``(earliest_start, latest_start)`` pairs, one per opening window of
    the venue that can hold the whole event inside the working hours; ``days_left``
    counts the allowed dates from today on (today included).
    """

    event_index: int
    windows: tuple[tuple[int, int], ...]
    is_current_county: bool
    days_left: int


class DayChooser(Protocol):
    """Picks the events of one caravan day, in visiting order (event indices)."""

    def __call__(
        self, problem: CaravanProblem, start_venue: int, day: date, candidates: Sequence[Candidate]
    ) -> list[int]: ...


class EventCalendar:
    """For each event, the dates the calendar allows and its start windows.

    Built once per plan: sub-events on their township's market days outside blackouts,
    main venues on every date outside blackouts, all inside the window.
    """

    def __init__(self, problem: CaravanProblem) -> None:
        calendar, rules = problem.calendar, problem.rules
        window_days = calendar.window.days()
        self.allowed: list[tuple[date, ...]] = []
        self.windows: list[tuple[tuple[int, int], ...]] = []
        for event in problem.events:
            if event.is_market_event:
                days = candidate_event_days(calendar, event.calendar_code)
            else:
                blackouts = blackouts_of(calendar, event.calendar_code)
                days = tuple(d for d in window_days if not any(b.covers(d) for b in blackouts))
            self.allowed.append(days)
            venue_id = problem.venues[event.venue_index].venue_id
            starts = []
            for w in calendar.hours_of(venue_id).windows:
                early = max(w.open_min, rules.work_start_min)
                late = min(w.close_min, rules.work_end_min) - event.duration_min
                if early <= late:
                    starts.append((early, late))
            self.windows.append(tuple(starts))
        self._sets = [frozenset(days) for days in self.allowed]

    def is_allowed(self, event_index: int, day: date) -> bool:
        """Whether the event may be held on ``day`` (and fits its venue's hours)."""
        return day in self._sets[event_index] and bool(self.windows[event_index])

    def days_left(self, event_index: int, day: date) -> int:
        """Allowed dates from ``day`` on (``day`` included)."""
        if not self.windows[event_index]:
            return 0
        days = self.allowed[event_index]
        return len(days) - bisect.bisect_left(days, day)


@dataclass
class CaravanState:
    """Where a caravan is, which counties of its tour remain, and the days it worked."""

    caravan_id: str
    location: int
    tour: list[str]
    days: list[CaravanDay] = field(default_factory=list)


@dataclass(frozen=True)
class DayPlanOutcome:
    """The listed days of every caravan (problem order, then date) and the unheld events."""

    days: tuple[CaravanDay, ...]
    unheld: tuple[UnheldEvent, ...]
    chooser_calls: int


def schedule_visits(
    problem: CaravanProblem,
    start_venue: int,
    order: Sequence[tuple[int, tuple[tuple[int, int], ...]]],
) -> tuple[int, tuple[Visit, ...]] | None:
    """Times for holding ``order`` (event index, start windows) from ``start_venue``.

    Returns ``(depart_min, visits)`` or None when the order breaks a start window or the
    working day. The caravan leaves as late as the first event's earliest start allows
    and waits when it arrives before a window opens (the earliest window that fits).
    """
    rules = problem.rules
    visits: list[Visit] = []
    depart = rules.work_start_min
    clock, here = depart, start_venue
    for position, (event_index, windows) in enumerate(order):
        event = problem.events[event_index]
        venue = event.venue_index
        arrive = clock + problem.travel_min(here, venue)
        start = next((max(arrive, lo) for lo, hi in windows if max(arrive, lo) <= hi), None)
        if start is None:
            return None
        if position == 0:  # leave later instead of waiting at the first venue
            depart = max(rules.work_start_min, start - problem.travel_min(here, venue))
            arrive = depart + problem.travel_min(here, venue)
        end = start + event.duration_min
        if end > rules.work_end_min:
            return None
        km = float(problem.road_km[here, venue])
        visits.append(Visit(event.event_id, venue, arrive, start, end, km))
        clock, here = end, venue
    return depart, tuple(visits)


def _events_day(
    state: CaravanState, day: date, depart: int, visits: tuple[Visit, ...]
) -> CaravanDay:
    """A day holding ``visits``; the caravan sleeps at the last event's venue."""
    return CaravanDay(
        caravan_id=state.caravan_id,
        day=day,
        kind="events",
        start_venue=state.location,
        end_venue=visits[-1].venue_index,
        depart_min=depart,
        finish_min=visits[-1].end_min,
        visits=visits,
        drive_km=float(sum(v.drive_km for v in visits)),
    )


def _transfer_day(
    problem: CaravanProblem, state: CaravanState, day: date, target: int
) -> CaravanDay | None:
    """A day driving towards venue ``target``; None when no venue gets closer."""
    rules = problem.rules
    here = state.location
    minutes = problem.travel_matrix_min[here]
    if minutes[target] <= rules.day_minutes:
        stop = target
    else:
        remaining = problem.road_km[:, target].copy()
        remaining[minutes > rules.day_minutes] = np.inf
        stop = int(np.argmin(remaining))
        if not remaining[stop] < problem.road_km[here, target]:
            return None
    return CaravanDay(
        caravan_id=state.caravan_id,
        day=day,
        kind="transfer",
        start_venue=here,
        end_venue=stop,
        depart_min=rules.work_start_min,
        finish_min=rules.work_start_min + int(minutes[stop]),
        visits=(),
        drive_km=float(problem.road_km[here, stop]),
    )


def run_days(
    problem: CaravanProblem,
    tours: Mapping[str, Sequence[str]],
    choose: DayChooser,
    *,
    working_set: int,
    left_out_reason: str,
    lookahead_km: float = float("inf"),
    calendar: EventCalendar | None = None,
) -> DayPlanOutcome:
    """Plan every caravan day by day along its county tour (see the module notes).

    ``calendar`` is the problem's :class:`EventCalendar` when the caller has built it.
    """
    calendar = calendar if calendar is not None else EventCalendar(problem)
    by_county: dict[str, list[int]] = {}
    for i, event in enumerate(problem.events):
        by_county.setdefault(event.county_code, []).append(i)
    anchors = {
        code: next(
            (problem.events[i].venue_index for i in idx if problem.events[i].kind == "main"),
            problem.events[idx[0]].venue_index,
        )
        for code, idx in by_county.items()
    }
    county_venues = {
        code: {problem.events[i].venue_index for i in idx} for code, idx in by_county.items()
    }
    held: set[int] = set()
    reasons: dict[int, str] = {}
    states = [
        CaravanState(c.caravan_id, c.depot_index, list(tours.get(c.caravan_id, ())))
        for c in problem.caravans
    ]
    calls = 0

    def pending(code: str, day: date) -> list[int]:
        return [i for i in by_county[code] if i not in held and calendar.days_left(i, day) > 0]

    for day in problem.calendar.window.days():
        for state in states:
            while state.tour and not pending(state.tour[0], day):
                state.tour.pop(0)
            if not state.tour:
                continue
            active = [
                code
                for code in state.tour[:working_set]
                if problem.road_km[anchors[state.tour[0]], anchors[code]] <= lookahead_km
            ]
            candidates = [
                Candidate(i, calendar.windows[i], code == active[0], calendar.days_left(i, day))
                for code in active
                for i in pending(code, day)
                if calendar.is_allowed(i, day)
            ]
            order: list[int] = []
            if candidates:
                calls += 1
                order = choose(problem, state.location, day, candidates)
            windows = {c.event_index: c.windows for c in candidates}
            timed = schedule_visits(problem, state.location, [(i, windows[i]) for i in order])
            if order and timed is not None:
                depart, visits = timed
                state.days.append(_events_day(state, day, depart, visits))
                held.update(order)
                state.location = visits[-1].venue_index
                continue
            first = state.tour[0]
            if state.location in county_venues[first]:
                continue  # in the county already: wait for a market day
            transfer = _transfer_day(problem, state, day, anchors[first])
            if transfer is None:
                for i in pending(first, day):
                    reasons[i] = (
                        f"caravan {state.caravan_id} cannot get closer to county {first} "
                        "within a working day's drive"
                    )
                    held.add(i)  # off the pending list; `_outcome` reports it as unheld
                state.tour.pop(0)
                continue
            state.days.append(transfer)
            state.location = transfer.end_venue
    return _outcome(problem, calendar, states, reasons, tours, left_out_reason, calls)


def _outcome(
    problem: CaravanProblem,
    calendar: EventCalendar,
    states: list[CaravanState],
    reasons: dict[int, str],
    tours: Mapping[str, Sequence[str]],
    left_out_reason: str,
    calls: int,
) -> DayPlanOutcome:
    """Collect the days and say why each event not held was left."""
    days = tuple(d for s in states for d in s.days)
    done = {v.event_id for d in days for v in d.visits}
    toured = {code: cid for cid, codes in tours.items() for code in codes}
    end = problem.calendar.window.end
    unheld = []
    for i, event in enumerate(problem.events):
        if event.event_id in done:
            continue
        if i in reasons:
            reason = reasons[i]
        elif not calendar.allowed[i] or not calendar.windows[i]:
            reason = (
                "no market day outside blackouts in the window"
                if event.is_market_event
                else "every day of the window is blacked out"
            )
            if not calendar.windows[i]:
                reason = "its venue's hours leave no room for it in the working day"
        elif event.county_code not in toured:
            reason = left_out_reason
        elif calendar.days_left(i, end) == 0 or calendar.allowed[i][-1] < end:
            last = calendar.allowed[i][-1]
            reason = (
                f"its last allowed day {last.isoformat()} passed before caravan "
                f"{toured[event.county_code]} could hold it"
            )
        else:
            reason = f"the window ended before caravan {toured[event.county_code]} held it"
        unheld.append(UnheldEvent(event.event_id, reason))
    return DayPlanOutcome(days, tuple(unheld), calls)
