"""Calendar rules for campaign event days: window, market days, blackouts, weekdays, hours.

A township sub-event is held on the township's **market day** (集日), when villagers come
to town anyway. Rural markets repeat on days of the *lunar* month, usually on three days
of every ten-day period: 逢一四七 (lunar days 1, 4, 7, 11, 14, 17, 21, 24, 27), 逢二五八,
逢三六九, or 逢五逢十 (5, 10, 15, 20, 25, 30; day 30 only in a 30-day month). A
township's schedule is configured (``CalendarParams.market_schedules``) or else
**modelled**: one of those four cycles, picked from the SHA-256 of the township code, so
the same code always gets the same cycle; modelled schedules carry ``is_modelled``.

Dates are ``datetime.date`` (Gregorian, China local); every range is inclusive of both
ends. Times of day are **minutes from midnight** (0-1440). Weekdays follow
``date.weekday()``: 0 Monday ... 6 Sunday. Township codes are nine-digit strings.

Examples
--------
>>> window = CampaignWindow(date(2026, 6, 15), date(2026, 6, 24))
>>> schedule = market_schedule_of_label("逢一四七")
>>> [d.isoformat() for d in market_days(schedule, window)]
['2026-06-15', '2026-06-18', '2026-06-21']
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date  # noqa: TC003 - the doctests build dates
from itertools import pairwise
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from nevrural.core.atlas.divisions import province_code_of
from nevrural.core.events.calendar_lunar import lunar_days_between

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "DEFAULT_VENUE_HOURS",
    "MARKET_CYCLES",
    "MINUTES_PER_DAY",
    "Blackout",
    "CalendarParams",
    "CampaignWindow",
    "MarketSchedule",
    "TimeWindow",
    "VenueHours",
    "WeekdayPolicy",
    "blackouts_of",
    "candidate_event_days",
    "is_blacked_out",
    "market_days",
    "market_schedule_of",
    "market_schedule_of_cycle",
    "market_schedule_of_label",
    "modelled_market_schedule",
    "township_market_days",
]

MINUTES_PER_DAY = 1440
MAX_LUNAR_DAY = 30
# The common ten-day cycles, days of each ten-day period (10 stands for 十).
MARKET_CYCLES: tuple[tuple[int, ...], ...] = ((1, 4, 7), (2, 5, 8), (3, 6, 9), (5, 10))
_NUMERALS = "一二三四五六七八九十"

WeekdayPolicy = Literal["any", "prefer", "only"]


@dataclass(frozen=True)
class CampaignWindow:
    """The campaign's dates, ``start`` to ``end`` inclusive, and each date's lunar day.

    >>> CampaignWindow(date(2026, 2, 16), date(2026, 2, 17)).lunar_day_of(date(2026, 2, 17))
    1
    """

    start: date
    end: date
    _lunar_days: Mapping[date, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"campaign start {self.start} is after its end {self.end}")
        lunar = lunar_days_between(self.start, self.end)
        object.__setattr__(self, "_lunar_days", MappingProxyType(lunar))

    def contains(self, day: date) -> bool:
        """Whether ``day`` lies in the window (ends included)."""
        return self.start <= day <= self.end

    def days(self) -> tuple[date, ...]:
        """Every date of the window, in order."""
        return tuple(self._lunar_days)

    def lunar_day_of(self, day: date) -> int:
        """The lunar day of month (1..30) of a date inside the window."""
        try:
            return self._lunar_days[day]
        except KeyError:
            raise ValueError(f"{day} is outside the window {self.start}..{self.end}") from None


@dataclass(frozen=True)
class MarketSchedule:
    """The lunar days of month (1..30) on which a township holds its market.

    ``label`` is the local name (逢一四七); ``is_modelled`` marks a default nevrural
    assigned, not a surveyed schedule.
    """

    lunar_days: frozenset[int]
    label: str = ""
    is_modelled: bool = False

    def __post_init__(self) -> None:
        days = frozenset(self.lunar_days)
        if not days:
            raise ValueError("a market schedule needs at least one lunar day")
        bad = sorted(d for d in days if not 1 <= d <= MAX_LUNAR_DAY)
        if bad:
            raise ValueError(f"lunar days {bad} are outside 1..{MAX_LUNAR_DAY}")
        object.__setattr__(self, "lunar_days", days)


def market_schedule_of_cycle(cycle: Iterable[int], *, is_modelled: bool = False) -> MarketSchedule:
    """The schedule repeating ``cycle`` (days 1..10 of each ten-day period, 10 = 十).

    >>> sorted(market_schedule_of_cycle([5, 10]).lunar_days)
    [5, 10, 15, 20, 25, 30]
    >>> market_schedule_of_cycle([1, 4, 7]).label
    '逢一四七'
    """
    days = sorted(set(cycle))
    bad = [d for d in days if not 1 <= d <= 10]
    if bad or not days:
        raise ValueError(f"cycle days {days} must be a non-empty subset of 1..10")
    lunar = frozenset(d + 10 * k for d in days for k in range(3))
    label = "逢" + "".join(_NUMERALS[d - 1] for d in days)
    if days == [5, 10]:
        label = "逢五逢十"
    return MarketSchedule(lunar, label, is_modelled)


def market_schedule_of_label(label: str) -> MarketSchedule:
    """Parse a ten-day-cycle label such as ``逢一四七``, ``逢三六九`` or ``逢五逢十``.

    >>> sorted(market_schedule_of_label("逢二五八").lunar_days)
    [2, 5, 8, 12, 15, 18, 22, 25, 28]
    """
    text = label.strip().replace("逢", "")
    if not text or any(ch not in _NUMERALS for ch in text):
        raise ValueError(f"market label {label!r} is not of the form 逢一四七")
    return market_schedule_of_cycle(_NUMERALS.index(ch) + 1 for ch in text)


def modelled_market_schedule(township_code: str) -> MarketSchedule:
    """The modelled default: one of :data:`MARKET_CYCLES`, chosen by the code's SHA-256.

    A stable hash (not Python's salted ``hash``) so every run and machine agrees.

    >>> schedule = modelled_market_schedule("420704100")
    >>> schedule.is_modelled, schedule == modelled_market_schedule("420704100")
    (True, True)
    """
    if not township_code.isdigit():
        raise ValueError(f"township code {township_code!r} must be digits")
    digest = hashlib.sha256(township_code.encode("ascii")).digest()
    cycle = MARKET_CYCLES[int.from_bytes(digest[:8], "big") % len(MARKET_CYCLES)]
    return market_schedule_of_cycle(cycle, is_modelled=True)


@dataclass(frozen=True)
class Blackout:
    """Dates ``start`` to ``end`` (inclusive) with no events, e.g. the wheat harvest.

    ``province_code`` (six digits, ``PP0000``) limits it to one province's townships;
    None applies it to the whole campaign.
    """

    start: date
    end: date
    reason: str = ""
    province_code: str | None = None

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"blackout {self.reason!r}: start {self.start} after end {self.end}")
        code = self.province_code
        if code is not None and (len(code) != 6 or not code.isdigit() or code[2:] != "0000"):
            raise ValueError(f"blackout province code {code!r} must look like 'PP0000'")

    def applies_to(self, township_code: str) -> bool:
        """Whether the blackout covers this township (its province, or everywhere)."""
        return self.province_code is None or province_code_of(township_code) == self.province_code

    def covers(self, day: date) -> bool:
        """Whether ``day`` falls inside the blackout dates."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class TimeWindow:
    """Opening and closing time, minutes from midnight, ``0 <= open_min < close_min <= 1440``."""

    open_min: int
    close_min: int

    def __post_init__(self) -> None:
        if not 0 <= self.open_min < self.close_min <= MINUTES_PER_DAY:
            raise ValueError(
                f"time window {self.open_min}..{self.close_min} min must satisfy "
                f"0 <= open < close <= {MINUTES_PER_DAY}"
            )

    def contains(self, start_min: int, end_min: int) -> bool:
        """Whether ``start_min..end_min`` (minutes from midnight) lies inside the window."""
        return self.open_min <= start_min <= end_min <= self.close_min


@dataclass(frozen=True)
class VenueHours:
    """A venue's opening hours on an event day: non-overlapping windows, in order.

    >>> hours = VenueHours((TimeWindow(480, 720), TimeWindow(840, 1080)))
    >>> hours.is_open_for(540, 700), hours.is_open_for(700, 900)
    (True, False)
    """

    windows: tuple[TimeWindow, ...]

    def __post_init__(self) -> None:
        windows = tuple(sorted(self.windows, key=lambda w: w.open_min))
        if not windows:
            raise ValueError("venue hours need at least one time window")
        for before, after in pairwise(windows):
            if after.open_min < before.close_min:
                raise ValueError(
                    f"time windows {before.open_min}..{before.close_min} and "
                    f"{after.open_min}..{after.close_min} min overlap"
                )
        object.__setattr__(self, "windows", windows)

    def is_open_for(self, start_min: int, end_min: int) -> bool:
        """Whether one window holds the whole of ``start_min..end_min`` (minutes)."""
        return any(w.contains(start_min, end_min) for w in self.windows)


# Modelled: a town square or dealer forecourt, 08:00-18:00.
DEFAULT_VENUE_HOURS = VenueHours((TimeWindow(8 * 60, 18 * 60),))


@dataclass(frozen=True, kw_only=True)
class CalendarParams:
    """Everything that decides which dates and hours an event may take.

    Attributes
    ----------
    window
        The campaign dates.
    market_schedules
        Surveyed market schedules by township code; others get the modelled default.
    blackouts
        Dates without events (harvest, exams, festivals), campaign-wide or per province.
    preferred_weekdays
        Weekdays (0 Monday .. 6 Sunday) to favour; empty for no preference.
    venue_hours
        Opening hours by venue id (a township or county code); others get
        ``default_venue_hours``.
    """

    window: CampaignWindow
    market_schedules: Mapping[str, MarketSchedule] = field(default_factory=dict)
    blackouts: tuple[Blackout, ...] = ()
    preferred_weekdays: frozenset[int] = frozenset()
    venue_hours: Mapping[str, VenueHours] = field(default_factory=dict)
    default_venue_hours: VenueHours = DEFAULT_VENUE_HOURS

    def __post_init__(self) -> None:
        bad = sorted(d for d in self.preferred_weekdays if not 0 <= d <= 6)
        if bad:
            raise ValueError(f"preferred weekdays {bad} are outside 0 (Monday) .. 6 (Sunday)")
        object.__setattr__(self, "preferred_weekdays", frozenset(self.preferred_weekdays))
        object.__setattr__(self, "blackouts", tuple(self.blackouts))
        object.__setattr__(self, "market_schedules", MappingProxyType(dict(self.market_schedules)))
        object.__setattr__(self, "venue_hours", MappingProxyType(dict(self.venue_hours)))

    def hours_of(self, venue_id: str) -> VenueHours:
        """The opening hours of a venue (configured, else the default)."""
        return self.venue_hours.get(venue_id, self.default_venue_hours)


def market_schedule_of(params: CalendarParams, township_code: str) -> MarketSchedule:
    """A township's configured market schedule, else its modelled default."""
    configured = params.market_schedules.get(township_code)
    return configured if configured is not None else modelled_market_schedule(township_code)


def market_days(schedule: MarketSchedule, window: CampaignWindow) -> tuple[date, ...]:
    """The Gregorian dates in ``window`` whose lunar day is in the schedule, in order."""
    return tuple(d for d in window.days() if window.lunar_day_of(d) in schedule.lunar_days)


def township_market_days(params: CalendarParams, township_code: str) -> tuple[date, ...]:
    """A township's market dates within the campaign window, in order."""
    return market_days(market_schedule_of(params, township_code), params.window)


def blackouts_of(params: CalendarParams, township_code: str) -> tuple[Blackout, ...]:
    """The blackouts that apply to a township."""
    return tuple(b for b in params.blackouts if b.applies_to(township_code))


def is_blacked_out(params: CalendarParams, township_code: str, day: date) -> bool:
    """Whether any blackout of the township covers ``day``."""
    return any(b.covers(day) for b in blackouts_of(params, township_code))


def candidate_event_days(
    params: CalendarParams, township_code: str, *, weekdays: WeekdayPolicy = "any"
) -> tuple[date, ...]:
    """The township's market days in the window that no blackout covers.

    Parameters
    ----------
    weekdays
        ``"any"``: in date order; ``"prefer"``: days on a preferred weekday first, then
        the others, each in date order; ``"only"``: preferred weekdays alone. With no
        preferred weekdays all three give the date order.

    Examples
    --------
    >>> params = CalendarParams(
    ...     window=CampaignWindow(date(2026, 6, 15), date(2026, 6, 30)),
    ...     market_schedules={"420704100": market_schedule_of_label("逢一四七")},
    ...     blackouts=(Blackout(date(2026, 6, 20), date(2026, 6, 26), "wheat harvest"),),
    ... )
    >>> [d.isoformat() for d in candidate_event_days(params, "420704100")]
    ['2026-06-15', '2026-06-18', '2026-06-28']
    """
    blackouts = blackouts_of(params, township_code)
    days = [
        d
        for d in township_market_days(params, township_code)
        if not any(b.covers(d) for b in blackouts)
    ]
    preferred = params.preferred_weekdays
    if not preferred or weekdays == "any":
        return tuple(days)
    on_preferred = [d for d in days if d.weekday() in preferred]
    if weekdays == "only":
        return tuple(on_preferred)
    return tuple(on_preferred + [d for d in days if d.weekday() not in preferred])
