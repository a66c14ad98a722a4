"""What the planning pages show, shaped from stored scenarios (no web framework here).

Each function takes a stored scenario's ``result`` (the dictionaries the planning use
cases store) and returns plain rows for a template or for the map script; nothing is
recomputed, so a page shows exactly what the scenario holds.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = [
    "CONTRIBUTIONS",
    "FACTORS",
    "CalendarDay",
    "CalendarMonth",
    "SitingCountyRow",
    "caravan_of",
    "event_calendar",
    "province_codes",
    "siting_county_rows",
    "targeting_map_points",
]

# The score's parts (they sum to the score) and the factors behind it, in table order.
CONTRIBUTIONS = ("market_potential", "winter_suitability", "charging_access", "penetration_gap")
FACTORS = ("winter_factor", "charging_factor", "market_vehicles")


def province_codes(county_codes: Iterable[str]) -> list[str]:
    """The provinces (``PP0000``) of the counties, sorted.

    >>> province_codes(["410102", "130123", "410225"])
    ['130000', '410000']
    """
    return sorted({code[:2] + "0000" for code in county_codes})


def targeting_map_points(selected: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The selected counties for the map: code, name, province, score (buyers), lon/lat (deg)."""
    return [
        {
            "code": row["code"],
            "name": row["name"],
            "province": row.get("province", ""),
            "rank": row.get("rank"),
            "score": round(float(row["score"]), 1),
            "lon": row.get("lon"),
            "lat": row.get("lat"),
        }
        for row in selected
    ]


@dataclass(frozen=True, slots=True)
class SitingCountyRow:
    """One county of a siting plan.

    ``coverage_pct`` is the share of the county's townships served within the plan's
    radius or response time, %; ``demand_pct`` the share of its demand (NEVs) within
    the charging radius, % (charging plans only).
    """

    code: str
    name: str
    sites: int
    new_sites: int
    townships: int
    townships_covered: int
    coverage_pct: float
    demand_pct: float | None
    extra: dict[str, Any] = field(default_factory=dict)


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole > 0 else 0.0


def siting_county_rows(result: Mapping[str, Any]) -> list[SitingCountyRow]:
    """Per county: fixed sites (stations or maintenance points), new ones, townships covered.

    Coverage counts the townships within the charging radius (charging) or the response
    time (after-sales), and the share of the demand within the radius (charging).
    """
    sites: Counter[str] = Counter()
    new_sites: Counter[str] = Counter()
    for site in result.get("sites", []):
        if site.get("role") == "mobile_repair_base":  # counted by the county row
            continue
        sites[site["county_code"]] += 1
        new_sites[site["county_code"]] += bool(site.get("is_new"))
    covered: Counter[str] = Counter()
    towns: Counter[str] = Counter()
    for town in result.get("townships", []):
        towns[town["county_code"]] += 1
        covered[town["county_code"]] += bool(town.get("is_covered"))
    is_charging = result.get("use_case") == "charging"
    rows = []
    for county in result.get("counties", []):
        code = county["code"]
        total = int(county.get("townships", towns[code]))
        if is_charging:
            within = covered[code]
            demand = _pct(county.get("demand_within_radius", 0.0), county.get("demand_nevs", 0.0))
            extra = {
                "chargers_possible": county.get("chargers_possible"),
                "chargers_needed": county.get("chargers_needed"),
            }
        else:
            within = int(county.get("townships_within_response", covered[code]))
            demand = None
            extra = {
                "mobile_repair_bases": county.get("mobile_repair_bases"),
                "technician_quota": county.get("technician_quota"),
            }
        rows.append(
            SitingCountyRow(
                code=code,
                name=county["name"],
                sites=sites[code],
                new_sites=new_sites[code],
                townships=total,
                townships_covered=within,
                coverage_pct=_pct(within, total),
                demand_pct=demand,
                extra=extra,
            )
        )
    return rows


def caravan_of(itinerary: Mapping[str, Any], caravan_id: str | None) -> Mapping[str, Any] | None:
    """The itinerary's caravan ``caravan_id`` (None when absent or not asked for)."""
    for caravan in itinerary.get("caravans", []):
        if caravan["caravan_id"] == caravan_id:
            found: Mapping[str, Any] = caravan
            return found
    return None


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One cell of a month grid: the date, events held that day, and whether it can be used."""

    date: dt.date | None  # None pads the first and last week
    events: int = 0
    persons: int = 0
    caravans: tuple[str, ...] = ()
    is_in_window: bool = False
    blackout: str = ""


@dataclass(frozen=True, slots=True)
class CalendarMonth:
    """A month as weeks of seven cells, Monday first."""

    year: int
    month: int
    weeks: list[list[CalendarDay]]

    @property
    def events(self) -> int:
        """Events held in the month."""
        return sum(day.events for week in self.weeks for day in week)


def _blackout_on(
    blackouts: Sequence[Mapping[str, Any]], day: dt.date, is_in_province: Callable[[str], bool]
) -> str:
    for b in blackouts:
        start, end = dt.date.fromisoformat(b["start"]), dt.date.fromisoformat(b["end"])
        province = b.get("province_code")
        if start <= day <= end and (province is None or is_in_province(province)):
            return str(b.get("reason") or "")
    return ""


def event_calendar(
    itinerary: Mapping[str, Any],
    caravan_id: str | None = None,
    blackouts: Sequence[Mapping[str, Any]] = (),
) -> list[CalendarMonth]:
    """Month grids of the campaign window with the events held per day.

    Counts one caravan's events when ``caravan_id`` is given, else all caravans'.
    A blackout limited to a province marks a day only when the counted caravans
    work in that province.
    """
    events: Counter[dt.date] = Counter()
    persons: Counter[dt.date] = Counter()
    who: defaultdict[dt.date, set[str]] = defaultdict(set)
    provinces: set[str] = set()
    for caravan in itinerary.get("caravans", []):
        if caravan_id is not None and caravan["caravan_id"] != caravan_id:
            continue
        provinces |= {code[:2] + "0000" for code in caravan.get("counties", [])}
        for day in caravan.get("days", []):
            date = dt.date.fromisoformat(day["date"])
            visits = day.get("visits", [])
            events[date] += len(visits)
            persons[date] += sum(int(v.get("persons", 0)) for v in visits)
            if visits:
                who[date].add(caravan["caravan_id"])
    window = itinerary.get("window") or {}
    if not window:
        return []
    first, last = dt.date.fromisoformat(window["start"]), dt.date.fromisoformat(window["end"])
    months = []
    year, month = first.year, first.month
    grid = calendar.Calendar(firstweekday=0)
    while (year, month) <= (last.year, last.month):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells = []
            for date in week:
                if date.month != month:
                    cells.append(CalendarDay(None))
                    continue
                cells.append(
                    CalendarDay(
                        date,
                        events=events[date],
                        persons=persons[date],
                        caravans=tuple(sorted(who[date])),
                        is_in_window=first <= date <= last,
                        blackout=_blackout_on(blackouts, date, provinces.__contains__),
                    )
                )
            weeks.append(cells)
        months.append(CalendarMonth(year, month, weeks))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
