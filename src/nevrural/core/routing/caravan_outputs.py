"""What a multi-day caravan plan says, as data: a JSON document, itinerary rows, GeoJSON routes.

:func:`itinerary_document` and :func:`routes_geojson` are pure functions of a
:class:`~nevrural.core.routing.caravan_problem.CaravanProblem` and its
:class:`~nevrural.core.routing.caravan_result.CaravanResult`. The document is what gets
stored, so everything else a stored plan must serve (the itinerary rows of
:func:`itinerary_rows_of`, the calendars of :mod:`nevrural.adapters.files.caravan_ics`)
is derived from the document alone, also after a round trip through JSON. Writing files
is the adapters' job. Only listed caravan days appear (an unlisted day is a rest day).
Times of day are shown as ``"HH:MM"`` (China local), road distances in km rounded to
0.1, and persons within reach (modelled) rounded to whole persons. Coordinates are
``[lon, lat]`` degrees; routes are **straight segments** between venues, because the
plan carries road distances but no road geometry.

A venue's ``county_code`` is the county of the events held there; depots, and venues
shared by events of several counties, have none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nevrural.core.events.calendar import MINUTES_PER_DAY

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nevrural.core.routing.caravan_problem import (
        CampaignEvent,
        Caravan,
        CaravanProblem,
        Venue,
    )
    from nevrural.core.routing.caravan_result import CaravanDay, CaravanResult, Visit

__all__ = [
    "ITINERARY_COLUMNS",
    "ItineraryCell",
    "county_names_of",
    "itinerary_csv_cells",
    "itinerary_document",
    "itinerary_rows_of",
    "minutes_text",
    "parse_minutes",
    "routes_geojson",
]

ItineraryCell = str | int | float | None

# Column order of the itinerary CSV. A "depart" row shows the departure time under
# "start"; an "overnight" row shows the arrival under "arrive"; "event" rows fill all three.
ITINERARY_COLUMNS: tuple[str, ...] = (
    "caravan_id",
    "caravan_name",
    "date",
    "seq",
    "stop",
    "venue_id",
    "venue_name",
    "county_code",
    "county_name",
    "event_id",
    "event_kind",
    "arrive",
    "start",
    "end",
    "drive_km",
    "persons",
)

# Tells map readers the lines are not roads.
_GEOMETRY_NOTE = "straight_segments"


def minutes_text(minute: int) -> str:
    """A time of day, minutes from midnight (0-1440), as ``"HH:MM"``.

    >>> minutes_text(485), minutes_text(0), minutes_text(1440)
    ('08:05', '00:00', '24:00')
    """
    if not 0 <= minute <= MINUTES_PER_DAY:
        raise ValueError(f"minute {minute} must lie in 0..{MINUTES_PER_DAY}")
    hours, minutes = divmod(minute, 60)
    return f"{hours:02d}:{minutes:02d}"


def parse_minutes(text: str) -> int:
    """Minutes from midnight (0-1440) of an ``"HH:MM"`` time of day: :func:`minutes_text` undone.

    >>> parse_minutes("08:05"), parse_minutes("00:00"), parse_minutes("24:00")
    (485, 0, 1440)
    """
    hours, colon, minutes = text.partition(":")
    digits = hours + minutes
    if not (colon and len(hours) == len(minutes) == 2 and digits.isascii() and digits.isdigit()):
        raise ValueError(f"time {text!r} is not HH:MM")
    minute = 60 * int(hours) + int(minutes)
    if int(minutes) >= 60 or minute > MINUTES_PER_DAY:
        raise ValueError(f"time {text!r} must lie in 00:00..24:00")
    return minute


def _km(distance_km: float) -> float:
    """Road km rounded to 0.1 (never negative zero from float noise)."""
    return float(max(0.0, round(distance_km, 1)))


def _persons(persons: float) -> int:
    """Persons rounded to whole persons."""
    return round(persons)


@dataclass(frozen=True)
class _Plan:
    """A problem and its result with the look-ups every output needs, checked to agree."""

    problem: CaravanProblem
    result: CaravanResult
    caravans: dict[str, Caravan]
    events: dict[str, CampaignEvent]
    venue_county: dict[int, str | None]

    def venue(self, index: int) -> Venue:
        """The venue at ``index``."""
        return self.problem.venues[index]

    def venue_dict(self, index: int) -> dict[str, Any]:
        """A venue as JSON: id, name, county (or None), lon/lat degrees."""
        venue = self.venue(index)
        return {
            "venue_id": venue.venue_id,
            "name": venue.name,
            "county_code": self.venue_county.get(index),
            "lon_deg": float(venue.lon_deg),
            "lat_deg": float(venue.lat_deg),
        }

    def event_dict(self, event: CampaignEvent) -> dict[str, Any]:
        """What a visit and an unheld event share: id, kind, county and venue."""
        return {
            "event_id": event.event_id,
            "kind": event.kind,
            "county_code": event.county_code,
            "county_name": self.problem.county_name(event.county_code),
            "venue": self.venue_dict(event.venue_index),
        }


def _plan(problem: CaravanProblem, result: CaravanResult) -> _Plan:
    """Index ``problem`` and check that ``result`` only names its caravans, events and venues."""
    caravans = {c.caravan_id: c for c in problem.caravans}
    events = {e.event_id: e for e in problem.events}
    n = problem.n_venues
    for day in result.days:
        where = f"day {day.day.isoformat()} of caravan {day.caravan_id!r}"
        if day.caravan_id not in caravans:
            raise ValueError(f"{where}: caravan {day.caravan_id!r} is not in the problem")
        for name, index in (("start_venue", day.start_venue), ("end_venue", day.end_venue)):
            if not 0 <= index < n:
                raise ValueError(f"{where}: {name} = {index} not in 0..{n - 1}")
        for visit in day.visits:
            event = events.get(visit.event_id)
            if event is None:
                raise ValueError(f"{where}: event {visit.event_id!r} is not in the problem")
            if visit.venue_index != event.venue_index:
                raise ValueError(
                    f"{where}: event {visit.event_id!r} held at venue {visit.venue_index}, "
                    f"but its venue is {event.venue_index}"
                )
    for unheld in result.unheld:
        if unheld.event_id not in events:
            raise ValueError(f"unheld event {unheld.event_id!r} is not in the problem")
    counties: dict[int, set[str]] = {}
    for event in problem.events:
        counties.setdefault(event.venue_index, set()).add(event.county_code)
    venue_county = {i: (next(iter(c)) if len(c) == 1 else None) for i, c in counties.items()}
    return _Plan(problem, result, caravans, events, venue_county)


def _visit_dict(plan: _Plan, visit: Visit) -> dict[str, Any]:
    """One visit as JSON."""
    event = plan.events[visit.event_id]
    return {
        **plan.event_dict(event),
        "arrive": minutes_text(visit.arrive_min),
        "start": minutes_text(visit.start_min),
        "end": minutes_text(visit.end_min),
        "duration_min": visit.end_min - visit.start_min,
        "drive_km": _km(visit.drive_km),
        "persons": _persons(event.persons),
    }


def _day_dict(plan: _Plan, day: CaravanDay) -> dict[str, Any]:
    """One caravan day as JSON."""
    # Rounded separately: the difference of two rounded figures can be 0.1 km off.
    last_leg_km = day.drive_km - sum(visit.drive_km for visit in day.visits)
    return {
        "date": day.day.isoformat(),
        "kind": day.kind,
        "start_venue": plan.venue_dict(day.start_venue),
        "end_venue": plan.venue_dict(day.end_venue),
        "depart": minutes_text(day.depart_min),
        "finish": minutes_text(day.finish_min),
        "drive_km": _km(day.drive_km),
        "last_leg_km": _km(last_leg_km),
        "visits": [_visit_dict(plan, visit) for visit in day.visits],
    }


def _caravan_dict(plan: _Plan, caravan: Caravan) -> dict[str, Any]:
    """One caravan, its county tour, its listed days and its totals, as JSON."""
    days = plan.result.days_of(caravan.caravan_id)
    held = [plan.events[v.event_id] for day in days for v in day.visits]
    return {
        "caravan_id": caravan.caravan_id,
        "name": caravan.name,
        "depot": plan.venue_dict(caravan.depot_index),
        "counties": list(plan.result.county_tours.get(caravan.caravan_id, ())),
        "days": [_day_dict(plan, day) for day in days],
        "totals": {
            "events": len(held),
            "persons": _persons(sum(e.persons for e in held)),
            "drive_km": _km(sum(day.drive_km for day in days)),
            "days_listed": len(days),
        },
    }


def itinerary_document(problem: CaravanProblem, result: CaravanResult) -> dict[str, Any]:
    """The plan as one JSON-ready document, enough to rebuild every other output but routes.

    Keys: ``method``; ``window`` (ISO dates); ``counties`` (every county with events, in
    problem order: ``county_code`` and ``name``, the code when no name was given);
    ``caravans`` (problem order), each with its depot, county tour, listed days (start
    and end venue, ``"HH:MM"`` departure and finish, road km of the day and of its last
    leg to the end venue, visits with their county code and name) and totals (events,
    persons within reach, road km, listed days); ``unheld`` events with the reason; and
    the plan ``totals``, repeating the result's figures (events held and unheld, persons
    reached, road km, deployed caravan-days, persons per caravan-day). Values are only
    str, int, float, None, lists and dicts.
    """
    plan = _plan(problem, result)
    unheld = [
        {
            **plan.event_dict(plan.events[item.event_id]),
            "persons": _persons(plan.events[item.event_id].persons),
            "reason": item.reason,
        }
        for item in result.unheld
    ]
    window = problem.calendar.window
    return {
        "method": result.method,
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "counties": [
            {"county_code": code, "name": problem.county_name(code)}
            for code in problem.county_codes()
        ],
        "caravans": [_caravan_dict(plan, caravan) for caravan in problem.caravans],
        "unheld": unheld,
        "totals": {
            "events_held": len(result.held_event_ids),
            "events_unheld": len(result.unheld),
            "persons_reached": _persons(result.persons_reached),
            "drive_km": _km(result.drive_km),
            "caravan_days": result.caravan_days,
            "persons_per_caravan_day": _persons(result.persons_per_caravan_day),
        },
    }


def county_names_of(document: Mapping[str, Any]) -> dict[str, str]:
    """County names by code, from the ``counties`` of an :func:`itinerary_document`.

    >>> county_names_of({"counties": [{"county_code": "410102", "name": "中原区"}]})
    {'410102': '中原区'}
    """
    counties = document.get("counties")
    if not isinstance(counties, list):
        raise ValueError("the itinerary document has no 'counties' list; rebuild it")
    return {str(c["county_code"]): str(c["name"]) for c in counties}


def _stop_row(
    caravan: Mapping[str, Any],
    day: Mapping[str, Any],
    venue: Mapping[str, Any],
    names: Mapping[str, str],
) -> dict[str, ItineraryCell]:
    """A row with the caravan, date and venue filled and every event column empty."""
    code = venue["county_code"]
    row: dict[str, ItineraryCell] = dict.fromkeys(ITINERARY_COLUMNS)
    row.update(
        caravan_id=caravan["caravan_id"],
        caravan_name=caravan["name"],
        date=day["date"],
        venue_id=venue["venue_id"],
        venue_name=venue["name"],
        county_code=code,
        county_name=None if code is None else names.get(code, code),
    )
    return row


def _day_rows(
    caravan: Mapping[str, Any], day: Mapping[str, Any], names: Mapping[str, str]
) -> list[dict[str, ItineraryCell]]:
    """Depart, one row per event, overnight: the stops of one caravan day."""
    depart = _stop_row(caravan, day, day["start_venue"], names)
    depart.update(stop="depart", start=day["depart"], drive_km=0.0)
    rows = [depart]
    for visit in day["visits"]:
        row = _stop_row(caravan, day, visit["venue"], names)
        row.update(
            stop="event",
            county_code=visit["county_code"],
            county_name=visit["county_name"],
            event_id=visit["event_id"],
            event_kind=visit["kind"],
            arrive=visit["arrive"],
            start=visit["start"],
            end=visit["end"],
            drive_km=visit["drive_km"],
            persons=visit["persons"],
        )
        rows.append(row)
    overnight = _stop_row(caravan, day, day["end_venue"], names)
    overnight.update(stop="overnight", arrive=day["finish"], drive_km=day["last_leg_km"])
    rows.append(overnight)
    for seq, row in enumerate(rows, start=1):
        row["seq"] = seq
    return rows


def itinerary_rows_of(document: Mapping[str, Any]) -> list[dict[str, ItineraryCell]]:
    """One row per stop of every listed caravan day (keys: ``ITINERARY_COLUMNS``).

    Built from an :func:`itinerary_document` alone (also one read back from JSON), in
    plan order: caravans in document order, then their days. Each day gives a
    ``"depart"`` row (where the caravan slept, departure under ``start``), one ``"event"``
    row per visit (arrival, start, end; road km from the last stop; persons within
    reach, modelled), and an ``"overnight"`` row (where it sleeps, arrival under
    ``arrive``, road km of the last leg). ``seq`` counts the stops of the day from 1. A
    venue's county is shown only when all its events belong to one county. Empty cells
    are ``None``.
    """
    names = county_names_of(document)
    return [
        row
        for caravan in document["caravans"]
        for day in caravan["days"]
        for row in _day_rows(caravan, day, names)
    ]


def _coordinates(plan: _Plan, day: CaravanDay) -> list[list[float]]:
    """``[lon, lat]`` of the start venue, each visit's venue and the end venue, deduplicated."""
    indices = [day.start_venue, *(v.venue_index for v in day.visits), day.end_venue]
    points: list[list[float]] = []
    for index in indices:
        venue = plan.venue(index)
        point = [venue.lon_deg, venue.lat_deg]
        if not points or points[-1] != point:
            points.append(point)
    return points


def _route_feature(plan: _Plan, day: CaravanDay) -> dict[str, Any]:
    """One caravan day as a LineString (a Point when it never moves)."""
    points = _coordinates(plan, day)
    geometry = (
        {"type": "Point", "coordinates": points[0]}
        if len(points) == 1
        else {"type": "LineString", "coordinates": points}
    )
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "layer": "route",
            "caravan_id": day.caravan_id,
            "date": day.day.isoformat(),
            "kind": day.kind,
            "drive_km": _km(day.drive_km),
            "event_ids": list(day.event_ids),
            "geometry": _GEOMETRY_NOTE,
        },
    }


def _event_features(plan: _Plan, day: CaravanDay) -> list[dict[str, Any]]:
    """One Point per event held on a caravan day."""
    features = []
    for visit in day.visits:
        event = plan.events[visit.event_id]
        venue = plan.venue(visit.venue_index)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [venue.lon_deg, venue.lat_deg]},
                "properties": {
                    "layer": "event",
                    "event_id": event.event_id,
                    "kind": event.kind,
                    "county_code": event.county_code,
                    "venue_id": venue.venue_id,
                    "venue_name": venue.name,
                    "date": day.day.isoformat(),
                    "start": minutes_text(visit.start_min),
                    "end": minutes_text(visit.end_min),
                    "persons": _persons(event.persons),
                    "caravan_id": day.caravan_id,
                },
            }
        )
    return features


def routes_geojson(problem: CaravanProblem, result: CaravanResult) -> dict[str, Any]:
    """The plan as a GeoJSON FeatureCollection: day routes, then held events.

    One feature per listed caravan day (``layer`` ``"route"``): a LineString through its
    start venue, each visit's venue and its end venue (consecutive repeats dropped), or a
    Point when the caravan never leaves its venue; its properties say the segments are
    straight (``"geometry": "straight_segments"``), not roads. Then one Point per held
    event (``layer`` ``"event"``), in plan order. Coordinates are ``[lon, lat]`` degrees.
    """
    plan = _plan(problem, result)
    routes = [_route_feature(plan, day) for day in result.days]
    events = [feature for day in result.days for feature in _event_features(plan, day)]
    return {
        "type": "FeatureCollection",
        "features": routes + events,
        "properties": {"geometry": _GEOMETRY_NOTE, "method": result.method},
    }


def itinerary_csv_cells(document: Mapping[str, Any]) -> list[list[str]]:
    """:func:`itinerary_rows_of` as CSV cells in ``ITINERARY_COLUMNS`` order, ``None`` empty."""
    return [
        ["" if row[c] is None else str(row[c]) for c in ITINERARY_COLUMNS]
        for row in itinerary_rows_of(document)
    ]
