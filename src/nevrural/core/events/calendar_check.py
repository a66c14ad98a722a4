"""Check a plan of scheduled events against the calendar rules (no solver here).

Each :class:`ScheduledEvent` is one event at one venue on one date, from ``start_min``
to ``end_min`` (minutes from midnight, China local time). :func:`check_calendar` reports
every broken rule:

* ``outside_window`` - the date is not in the campaign window;
* ``not_market_day`` - a township event (``is_market_event``) off the township's market
  day, by its configured or modelled schedule;
* ``blackout`` - a blackout of the township's province (or the campaign) covers the date;
* ``venue_closed`` - the time is not inside one opening window of the venue;
* ``overlap`` - two events at the same venue on the same date overlap in time;
* ``duplicate_id`` - two events share an id (their ICS UIDs would clash).

Preferred weekdays are a preference, not a rule, and are not checked.

>>> params = CalendarParams(window=CampaignWindow(date(2026, 6, 15), date(2026, 6, 30)))
>>> event = ScheduledEvent("e1", "420704100", date(2026, 7, 1), 540, 660)
>>> [v.kind for v in check_calendar(params, [event])]
['outside_window']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date  # noqa: TC003 - the doctests build dates
from itertools import combinations
from typing import TYPE_CHECKING, Literal

from nevrural.core.events.calendar import (
    MINUTES_PER_DAY,
    CalendarParams,
    CampaignWindow,
    blackouts_of,
    market_schedule_of,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["CalendarViolation", "ScheduledEvent", "ViolationKind", "check_calendar"]

ViolationKind = Literal[
    "outside_window", "not_market_day", "blackout", "venue_closed", "overlap", "duplicate_id"
]


@dataclass(frozen=True)
class ScheduledEvent:
    """One event: id, township code (nine digits), date, and time in minutes from midnight.

    ``venue_id`` keys the opening hours (default: the township code); a county main venue
    sets ``is_market_event=False`` because it need not fall on a market day.
    """

    event_id: str
    township_code: str
    day: date
    start_min: int
    end_min: int
    is_market_event: bool = True
    venue_id: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start_min < self.end_min <= MINUTES_PER_DAY:
            raise ValueError(
                f"event {self.event_id}: {self.start_min}..{self.end_min} min must satisfy "
                f"0 <= start < end <= {MINUTES_PER_DAY}"
            )

    @property
    def venue(self) -> str:
        """The venue id the opening hours and overlaps are keyed on."""
        return self.venue_id if self.venue_id is not None else self.township_code


@dataclass(frozen=True)
class CalendarViolation:
    """One broken rule: its kind, the event id (or ids, comma-joined) and a message."""

    kind: ViolationKind
    event_id: str
    message: str

    def __str__(self) -> str:
        return self.message


def _day_violations(params: CalendarParams, event: ScheduledEvent) -> list[CalendarViolation]:
    """Window, market-day and blackout rules for one event's date."""
    window: CampaignWindow = params.window
    found: list[CalendarViolation] = []
    eid, day = event.event_id, event.day
    if not window.contains(day):
        message = f"event {eid} on {day} is outside the window {window.start}..{window.end}"
        return [CalendarViolation("outside_window", eid, message)]
    if event.is_market_event:
        schedule = market_schedule_of(params, event.township_code)
        lunar_day = window.lunar_day_of(day)
        if lunar_day not in schedule.lunar_days:
            message = (
                f"event {eid} on {day} (lunar day {lunar_day}) is not a market day of "
                f"{event.township_code} ({schedule.label or sorted(schedule.lunar_days)})"
            )
            found.append(CalendarViolation("not_market_day", eid, message))
    for blackout in blackouts_of(params, event.township_code):
        if blackout.covers(day):
            message = (
                f"event {eid} on {day} is in the blackout {blackout.reason!r} "
                f"{blackout.start}..{blackout.end}"
            )
            found.append(CalendarViolation("blackout", eid, message))
    return found


def _time_violations(params: CalendarParams, event: ScheduledEvent) -> list[CalendarViolation]:
    """The event's time against its venue's opening hours."""
    hours = params.hours_of(event.venue)
    if hours.is_open_for(event.start_min, event.end_min):
        return []
    opening = ", ".join(f"{w.open_min}..{w.close_min}" for w in hours.windows)
    message = (
        f"event {event.event_id} at {event.start_min}..{event.end_min} min is outside "
        f"venue {event.venue}'s hours {opening} min"
    )
    return [CalendarViolation("venue_closed", event.event_id, message)]


def _plan_violations(events: Sequence[ScheduledEvent]) -> list[CalendarViolation]:
    """Duplicate ids, and events overlapping at one venue on one date."""
    found: list[CalendarViolation] = []
    counts = Counter(e.event_id for e in events)
    for eid in sorted(i for i, n in counts.items() if n > 1):
        message = f"event id {eid} is used {counts[eid]} times"
        found.append(CalendarViolation("duplicate_id", eid, message))
    by_venue_day: defaultdict[tuple[str, date], list[ScheduledEvent]] = defaultdict(list)
    for event in events:
        by_venue_day[(event.venue, event.day)].append(event)
    for (venue, day), group in sorted(by_venue_day.items()):
        for a, b in combinations(sorted(group, key=lambda e: e.start_min), 2):
            if b.start_min < a.end_min:
                message = (
                    f"events {a.event_id} ({a.start_min}..{a.end_min} min) and {b.event_id} "
                    f"({b.start_min}..{b.end_min} min) overlap at {venue} on {day}"
                )
                found.append(CalendarViolation("overlap", f"{a.event_id},{b.event_id}", message))
    return found


def check_calendar(
    params: CalendarParams, events: Sequence[ScheduledEvent]
) -> list[CalendarViolation]:
    """Every calendar rule the events break; an empty list means the plan is clean.

    Per-event violations come first, in the order of ``events``, then the plan-wide ones.
    """
    found: list[CalendarViolation] = []
    for event in events:
        found.extend(_day_violations(params, event))
        found.extend(_time_violations(params, event))
    found.extend(_plan_violations(events))
    return found
