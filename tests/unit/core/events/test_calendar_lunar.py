"""The lunar conversion against known dates, and the month-start path against per-day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nevrural.core.events.calendar_lunar import (
    LunarDate,
    lunar_date_of,
    lunar_days_between,
    lunar_months,
)

__all__: list[str] = []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 17), LunarDate(2026, 1, 1, False)),  # Chinese New Year 2026
        (date(2025, 1, 29), LunarDate(2025, 1, 1, False)),  # Chinese New Year 2025
        (date(2026, 6, 19), LunarDate(2026, 5, 5, False)),  # Dragon Boat Festival 2026
        (date(2026, 9, 25), LunarDate(2026, 8, 15, False)),  # Mid-Autumn Festival 2026
        (date(2025, 7, 25), LunarDate(2025, 6, 1, True)),  # first day of leap 6th month
    ],
)
def test_known_dates(day: date, expected: LunarDate) -> None:
    """Festival dates (Gregorian) convert to their lunar year, month and day."""
    assert lunar_date_of(day) == expected


def test_month_starts_of_2026_summer() -> None:
    """Lunar months 5 and 6 of 2026 start on 2026-06-15 (29 days) and 2026-07-14."""
    spans = lunar_months(date(2026, 6, 20), date(2026, 7, 20))
    assert [(s.month, s.first_day, s.day_count) for s in spans] == [
        (5, date(2026, 6, 15), 29),
        (6, date(2026, 7, 14), 30),
    ]


def test_leap_month_2025_is_flagged() -> None:
    """2025 has a leap 6th month (闰六月) from 2025-07-25, 29 days."""
    spans = lunar_months(date(2025, 8, 1), date(2025, 8, 1))
    assert [(s.month, s.is_leap_month, s.first_day, s.day_count) for s in spans] == [
        (6, True, date(2025, 7, 25), 29)
    ]


def test_fast_path_equals_per_day_conversion() -> None:
    """Lunar days from month starts equal one conversion per date over 2025-12-01..2026-03-31."""
    start, end = date(2025, 12, 1), date(2026, 3, 31)
    days = lunar_days_between(start, end)
    assert list(days) == [start + timedelta(days=k) for k in range((end - start).days + 1)]
    assert all(lunar_date_of(d).day == n for d, n in days.items())


def test_reversed_span_is_refused() -> None:
    """A start date after the end date raises."""
    with pytest.raises(ValueError, match="after end"):
        lunar_months(date(2026, 2, 1), date(2026, 1, 1))
