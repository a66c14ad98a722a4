"""The event-plan request (its checks and ``from_mapping``) and county codes from a table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from nevrural.services.county_selection import county_codes_of_table
from nevrural.services.events_requests import BlackoutRequest, EventPlanRequest

__all__: list[str] = []

START, END = date(2026, 6, 1), date(2026, 7, 15)


@dataclass(frozen=True)
class FakeTable:
    """A ``TabularData`` held in memory."""

    file_name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    header_row: int = 1


def request(**changes: Any) -> EventPlanRequest:
    """A valid request (2026-06-01..07-15) with ``changes``."""
    return EventPlanRequest(**{"start": START, "end": END, **changes})


def test_defaults_are_a_valid_request() -> None:
    """Three caravans, weekends preferred, 08:00-18:00, two events a day."""
    made = request()
    assert (made.caravans, made.preferred_weekdays) == (3, (5, 6))
    assert (made.work_start_min, made.work_end_min, made.max_events_per_day) == (480, 1080, 2)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"start": END, "end": START}, "start 2026-07-15 is after end 2026-06-01"),
        ({"end": date(2027, 6, 2)}, "has 367 days"),
        ({"start": "2026-06-01"}, "start and end must be dates"),
        ({"caravans": 0}, "caravans = 0"),
        ({"caravans": 51}, "caravans = 51"),
        ({"caravans": 2, "depot_codes": ("130123",)}, "depot_codes has 1 codes for 2 caravans"),
        ({"preferred_weekdays": (5, 7)}, "preferred_weekdays [7]"),
        ({"work_start_min": 600, "work_end_min": 600}, "working hours 600..600"),
        ({"work_end_min": 1441}, "working hours 480..1441"),
        ({"speed_kmh": 0.0}, "speed_kmh = 0.0"),
        ({"reach_km": float("nan")}, "reach_km = nan"),
        ({"main_reach_km": -1.0}, "main_reach_km = -1.0"),
        ({"repair_cluster_km": float("inf")}, "repair_cluster_km = inf"),
        ({"max_events_per_day": 0}, "max_events_per_day = 0 must be >= 1"),
        ({"sub_events_per_county": -1}, "sub_events_per_county = -1 must be >= 0"),
        ({"main_duration_min": 0}, "main_duration_min = 0 must be >= 1"),
        ({"sub_duration_min": 0}, "sub_duration_min = 0 must be >= 1"),
        ({"repair_period_days": -1}, "repair_period_days = -1 must be >= 0"),
        ({"repair_vans_per_county": 0}, "repair_vans_per_county = 0 must be >= 1"),
        ({"repair_stop_min": 0}, "repair_stop_min = 0 must be >= 1"),
        ({"main_duration_min": 601}, "main_duration_min = 601 exceeds the 600-minute day"),
        (
            {"work_start_min": 540, "sub_duration_min": 541},
            "sub_duration_min = 541 exceeds the 540-minute day",
        ),
        (
            {"blackouts": (BlackoutRequest(date(2026, 6, 9), date(2026, 6, 8)),)},
            "blackouts[0]: start 2026-06-09 after end 2026-06-08",
        ),
    ],
)
def test_bad_request_names_the_field(changes: dict[str, Any], named: str) -> None:
    """Each bad value is refused with a message that names the field and the value."""
    with pytest.raises(ValueError, match=re.escape(named)):
        request(**changes)


def test_a_one_day_window_and_a_full_year_are_accepted() -> None:
    """Start equal to end is one day; 366 days (2028 is a leap year) is the limit."""
    assert request(end=START).end == START
    assert request(start=date(2028, 1, 1), end=date(2028, 12, 31)).caravans == 3


def test_from_mapping_reads_json_like_values() -> None:
    """ISO dates, lists and a market-day mapping become dates, tuples and sorted pairs."""
    made = EventPlanRequest.from_mapping(
        {
            "start": "2026-06-01",
            "end": date(2026, 7, 15),
            "caravans": 2,
            "county_codes": ["130123", "130125"],
            "depot_codes": ["130123", "130125"],
            "preferred_weekdays": [6],
            "market_days": {"130125100": "逢二五八", "130123100": "逢一四七"},
            "blackouts": [
                {"start": "2026-06-10", "end": "2026-06-14", "reason": "麦收"},
                {"start": "2026-07-01", "end": "2026-07-02", "province_code": "130000"},
            ],
        }
    )
    assert (made.start, made.end) == (START, END)
    assert made.county_codes == made.depot_codes == ("130123", "130125")
    assert made.preferred_weekdays == (6,)
    assert made.market_days == (("130123100", "逢一四七"), ("130125100", "逢二五八"))
    assert made.blackouts == (
        BlackoutRequest(date(2026, 6, 10), date(2026, 6, 14), "麦收"),
        BlackoutRequest(date(2026, 7, 1), date(2026, 7, 2), "", "130000"),
    )


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"start": "2026-06-01", "end": "2026-07-15", "caravan": 2}, "unknown fields: caravan"),
        ({"start": "2026-06-01", "end": "2026-07-15", "zz": 1, "aa": 2}, "unknown fields: aa, zz"),
        ({"start": "2026-6-1", "end": "2026-07-15"}, "start = '2026-6-1' is not a date"),
        ({"start": "2026-06-01", "end": "next week"}, "end = 'next week' is not a date"),
        (
            {"start": "2026-06-01", "end": "2026-07-15", "blackouts": [{"start": "x", "end": 1}]},
            "blackouts[0].start = 'x' is not a date",
        ),
        (
            {
                "start": "2026-06-01",
                "end": "2026-07-15",
                "blackouts": [{"start": "2026-06-02", "end": "2026-06-31"}],
            },
            "blackouts[0].end = '2026-06-31' is not a date",
        ),
        ({"start": "2026-07-16", "end": "2026-07-15"}, "start 2026-07-16 is after end"),
    ],
)
def test_from_mapping_refuses_naming_the_key(values: dict[str, Any], named: str) -> None:
    """Unknown keys, malformed dates and bad values raise ValueError naming them."""
    with pytest.raises(ValueError, match=re.escape(named)):
        EventPlanRequest.from_mapping(values)


@pytest.mark.parametrize(
    "extra",
    [
        {"work_start_min": "480"},
        {"speed_kmh": "fast"},
        {"blackouts": [{"start": "2026-06-10"}]},
        {"market_days": {"130123100": 5}},
        {"county_codes": "130123"},
    ],
    ids=["text-minutes", "text-speed", "blackout-without-end", "number-label", "codes-text"],
)
def test_from_mapping_refuses_wrong_types_with_value_error(extra: dict[str, Any]) -> None:
    """A JSON config with a wrong type or a missing blackout end is a ValueError."""
    with pytest.raises(ValueError, match=next(iter(extra))):
        EventPlanRequest.from_mapping({"start": "2026-06-01", "end": "2026-07-15", **extra})


# --- county_codes_of_table ------------------------------------------------------------------


def table(header: tuple[str, ...], *cells: tuple[str, ...], name: str = "counties.csv") -> Any:
    """A fake table whose data rows are numbered from 2 (the header is row 1)."""
    return FakeTable(name, header, tuple((k + 2, row) for k, row in enumerate(cells)))


@pytest.mark.parametrize(
    "header",
    [("name", "county_code"), ("name", "Code"), ("名称", "区划代码"), ("名称", "县代码")],
)
def test_codes_come_from_the_code_column(header: tuple[str, ...]) -> None:
    """The county_code, code, 区划代码 or 县代码 column is read, whatever its position or case."""
    found = county_codes_of_table(table(header, ("正定县", "130123"), ("行唐县", "130125")))
    assert found == ("130123", "130125")


def test_without_a_code_column_the_first_column_is_read() -> None:
    """A header of other names: the codes are in the first column."""
    found = county_codes_of_table(table(("county", "note"), ("130123", "x"), ("130126", "")))
    assert found == ("130123", "130126")


def test_a_bare_list_counts_its_first_line() -> None:
    """No header: the first line (read as the header) is a code too; order kept."""
    found = county_codes_of_table(table(("130129",), ("130123",), ("130125",)))
    assert found == ("130129", "130123", "130125")


def test_repeats_and_empty_cells_are_dropped() -> None:
    """A repeated code keeps its first place; empty cells and short rows are skipped."""
    rows = (("130123", "a"), ("", "b"), ("130125", "c"), ("130123", "d"))
    found = county_codes_of_table(table(("county_code", "note"), *rows))
    assert found == ("130123", "130125")
    short = county_codes_of_table(table(("name", "code"), ("a", "130123"), ("b",)))
    assert short == ("130123",)


@pytest.mark.parametrize(
    ("header", "rows", "named"),
    [
        (("county_code",), (("130123",), ("13012",)), "counties.csv row 3: '13012' is not"),
        (("code",), (("130123",), ("130123a",)), "counties.csv row 3: '130123a' is not"),
        (("130123",), (("1301234",),), "counties.csv row 2: '1301234' is not"),
        (("county_code",), (("",), ("",)), "counties.csv lists no county codes"),
    ],
)
def test_bad_codes_are_refused_naming_file_and_row(
    header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], named: str
) -> None:
    """A code that is not six digits names the file, the row and the value."""
    with pytest.raises(ValueError, match=re.escape(named)):
        county_codes_of_table(table(header, *rows))
