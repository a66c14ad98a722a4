"""Gregorian dates on the Chinese (lunar) calendar, through ``lunar_python``.

Rural market days (集日) repeat on days of the *lunar* month, so the calendar rules need
the lunar day of every date of a campaign. This is the only module that imports
``lunar_python`` (MIT, a pure-Python port of 6tail's lunar library, whose month starts come
from astronomical new moons and solar terms, with no fixed 1900-2049 table).

Lunar months have 29 or 30 days; a leap month (闰月) repeats the number of the month
before it and is flagged ``is_leap_month``.

>>> lunar_date_of(date(2026, 2, 17))
LunarDate(year=2026, month=1, day=1, is_leap_month=False)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from lunar_python import LunarYear, Solar

__all__ = ["LunarDate", "LunarMonthSpan", "lunar_date_of", "lunar_days_between", "lunar_months"]


@dataclass(frozen=True)
class LunarDate:
    """A date on the Chinese calendar: lunar year, month 1..12, day of month 1..30."""

    year: int
    month: int
    day: int
    is_leap_month: bool


@dataclass(frozen=True)
class LunarMonthSpan:
    """One lunar month: its Gregorian first day and its length, days (29 or 30)."""

    year: int
    month: int
    is_leap_month: bool
    first_day: date
    day_count: int


def _date_of_solar(solar: Solar) -> date:
    """A ``lunar_python`` Solar as a ``datetime.date``."""
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_date_of(day: date) -> LunarDate:
    """The Chinese-calendar date of a Gregorian date (one conversion; slow for long spans).

    >>> lunar_date_of(date(2025, 7, 25))
    LunarDate(year=2025, month=6, day=1, is_leap_month=True)
    """
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    month = int(lunar.getMonth())
    return LunarDate(int(lunar.getYear()), abs(month), int(lunar.getDay()), month < 0)


def lunar_months(start: date, end: date) -> tuple[LunarMonthSpan, ...]:
    """The lunar months that overlap the Gregorian dates ``start`` to ``end`` (inclusive).

    >>> [(m.month, m.first_day.isoformat(), m.day_count)
    ...  for m in lunar_months(date(2026, 6, 20), date(2026, 7, 20))]
    [(5, '2026-06-15', 29), (6, '2026-07-14', 30)]
    """
    if start > end:
        raise ValueError(f"start {start} is after end {end}")
    spans: list[LunarMonthSpan] = []
    # Lunar year Y runs from late January / February of Y into early Y + 1.
    for year in range(start.year - 1, end.year + 1):
        for month in LunarYear.fromYear(year).getMonthsInYear():
            first = _date_of_solar(Solar.fromJulianDay(month.getFirstJulianDay()))
            count = int(month.getDayCount())
            if first <= end and first + timedelta(days=count - 1) >= start:
                number = int(month.getMonth())
                spans.append(LunarMonthSpan(year, abs(number), number < 0, first, count))
    return tuple(spans)


def lunar_days_between(start: date, end: date) -> dict[date, int]:
    """The lunar day of month (1..30) of every Gregorian date from ``start`` to ``end``.

    Built from month starts (a dozen conversions a year), not one conversion per date.

    >>> days = lunar_days_between(date(2026, 6, 14), date(2026, 6, 16))
    >>> [(d.isoformat(), n) for d, n in days.items()]
    [('2026-06-14', 29), ('2026-06-15', 1), ('2026-06-16', 2)]
    """
    days: dict[date, int] = {}
    for span in lunar_months(start, end):
        for offset in range(span.day_count):
            day = span.first_day + timedelta(days=offset)
            if start <= day <= end:
                days[day] = offset + 1
    expected = (end - start).days + 1
    if len(days) != expected:  # months must tile the span; a gap means a library fault
        raise RuntimeError(f"lunar months cover {len(days)} of {expected} days {start}..{end}")
    return dict(sorted(days.items()))
