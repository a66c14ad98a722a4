"""What an organiser asks of the event planner: counties, window, caravans and rules."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["MAX_WINDOW_DAYS", "BlackoutRequest", "EventPlanRequest"]

MAX_WINDOW_DAYS = 366


@dataclass(frozen=True, slots=True)
class BlackoutRequest:
    """Dates without events (both ends included); ``province_code`` limits it to one province."""

    start: date
    end: date
    reason: str = ""
    province_code: str | None = None


@dataclass(frozen=True, slots=True)
class EventPlanRequest:
    """A multi-day campaign of county main venues, township sub-events and caravans.

    Times of day are minutes from midnight, distances road km, durations minutes.
    ``market_days`` maps township codes to their surveyed ten-day cycle (``逢一四七``);
    other townships get the modelled default. ``depot_codes`` are county codes whose
    seats host the caravans, one per caravan; empty = the selected seats spread out.
    ``repair_period_days`` = 0 plans no mobile repair rounds.
    """

    start: date
    end: date
    caravans: int = 3
    county_codes: tuple[str, ...] = ()
    targeting_scenario_id: int | None = None
    depot_codes: tuple[str, ...] = ()
    blackouts: tuple[BlackoutRequest, ...] = ()
    market_days: tuple[tuple[str, str], ...] = ()
    preferred_weekdays: tuple[int, ...] = (5, 6)
    work_start_min: int = 8 * 60
    work_end_min: int = 18 * 60
    speed_kmh: float = 40.0
    max_events_per_day: int = 2
    sub_events_per_county: int = 6
    reach_km: float = 12.0
    main_reach_km: float = 15.0
    main_duration_min: int = 360
    sub_duration_min: int = 180
    repair_period_days: int = 14
    repair_cluster_km: float = 15.0
    repair_vans_per_county: int = 1
    repair_stop_min: int = 90
    name: str = ""

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> EventPlanRequest:
        """A request from JSON-like values: ISO dates, lists, a market-day mapping.

        Unknown keys, wrong types and malformed dates raise ``ValueError`` naming the key.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(unknown)}")
        out = dict(values)
        for key, value in values.items():
            _check_type(key, value)
        for key in ("start", "end"):
            if key in out:
                out[key] = _date(key, out[key])
        for key in ("county_codes", "depot_codes", "preferred_weekdays"):
            if key in out:
                out[key] = tuple(out[key])
        if "market_days" in out:
            out["market_days"] = tuple(sorted(dict(out["market_days"]).items()))
        if "blackouts" in out:
            out["blackouts"] = tuple(_blackout(i, b) for i, b in enumerate(out["blackouts"]))
        return cls(**out)

    def __post_init__(self) -> None:
        if not isinstance(self.start, date) or not isinstance(self.end, date):
            raise ValueError("start and end must be dates (YYYY-MM-DD)")
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        days = (self.end - self.start).days + 1
        if days > MAX_WINDOW_DAYS:
            raise ValueError(f"the window {self.start}..{self.end} has {days} days (> 366)")
        if not 1 <= self.caravans <= 50:
            raise ValueError(f"caravans = {self.caravans} must lie in 1..50")
        if self.depot_codes and len(self.depot_codes) != self.caravans:
            raise ValueError(
                f"depot_codes has {len(self.depot_codes)} codes for {self.caravans} caravans"
            )
        bad_days = [d for d in self.preferred_weekdays if not 0 <= d <= 6]
        if bad_days:
            raise ValueError(f"preferred_weekdays {bad_days} must lie in 0 (Mon)..6 (Sun)")
        if not 0 <= self.work_start_min < self.work_end_min <= 1440:
            raise ValueError(
                f"working hours {self.work_start_min}..{self.work_end_min} min must satisfy "
                "0 <= start < end <= 1440"
            )
        for name in ("speed_kmh", "reach_km", "main_reach_km", "repair_cluster_km"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} = {value!r} must be finite and > 0")
        for name, low in (
            ("max_events_per_day", 1),
            ("sub_events_per_county", 0),
            ("main_duration_min", 1),
            ("sub_duration_min", 1),
            ("repair_period_days", 0),
            ("repair_vans_per_county", 1),
            ("repair_stop_min", 1),
        ):
            if getattr(self, name) < low:
                raise ValueError(f"{name} = {getattr(self, name)} must be >= {low}")
        day = self.work_end_min - self.work_start_min
        for name in ("main_duration_min", "sub_duration_min"):
            if getattr(self, name) > day:
                raise ValueError(f"{name} = {getattr(self, name)} exceeds the {day}-minute day")
        for i, blackout in enumerate(self.blackouts):
            if blackout.start > blackout.end:
                raise ValueError(f"blackouts[{i}]: start {blackout.start} after end {blackout.end}")


def _date(name: str, value: object) -> date:
    """A date from a date or ISO text, else a ``ValueError`` naming the field."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name} = {value!r} is not a date (YYYY-MM-DD)") from None


_INTS = frozenset(
    {
        "caravans",
        "work_start_min",
        "work_end_min",
        "max_events_per_day",
        "sub_events_per_county",
        "main_duration_min",
        "sub_duration_min",
        "repair_period_days",
        "repair_vans_per_county",
        "repair_stop_min",
    }
)
_NUMBERS = frozenset({"speed_kmh", "reach_km", "main_reach_km", "repair_cluster_km"})
_BLACKOUT_KEYS = frozenset({"start", "end", "reason", "province_code"})


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_type(key: str, value: object) -> None:
    """JSON types of one request field; a ``ValueError`` names the key."""
    ok = True
    if key in _INTS:
        ok = _is_int(value)
    elif key in _NUMBERS:
        ok = _is_int(value) or isinstance(value, float)
    elif key == "targeting_scenario_id":
        ok = value is None or _is_int(value)
    elif key == "name":
        ok = isinstance(value, str)
    elif key in ("county_codes", "depot_codes"):
        ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    elif key == "preferred_weekdays":
        ok = isinstance(value, list | tuple) and all(_is_int(v) for v in value)
    elif key == "market_days":
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        )
    elif key == "blackouts":
        ok = isinstance(value, list | tuple) and all(isinstance(b, dict) for b in value)
    if not ok:
        raise ValueError(f"{key} = {value!r} has the wrong type")


def _blackout(i: int, value: Mapping[str, Any]) -> BlackoutRequest:
    """One blackout from a mapping with ``start`` and ``end`` (ISO dates)."""
    unknown = sorted(set(value) - _BLACKOUT_KEYS)
    missing = sorted({"start", "end"} - set(value))
    if unknown or missing:
        raise ValueError(f"blackouts[{i}]: unknown keys {unknown}, missing keys {missing}")
    province = value.get("province_code")
    if province is not None and not isinstance(province, str):
        raise ValueError(f"blackouts[{i}].province_code = {province!r} must be text")
    return BlackoutRequest(
        start=_date(f"blackouts[{i}].start", value["start"]),
        end=_date(f"blackouts[{i}].end", value["end"]),
        reason=str(value.get("reason", "")),
        province_code=province,
    )
