"""Calendars and files of a stored caravan plan: ICS per caravan and county, itinerary, routes.

Everything is built from the plan's
:func:`~nevrural.core.routing.caravan_outputs.itinerary_document` alone (as read back
from JSON), so a plan stored in the database can still be served when its problem and
result objects are gone. Every held event becomes one ``VEVENT`` whose ``UID`` comes
from ``(plan_id, event_id)`` only, so the same event carries the same UID in its
caravan's calendar and in its county's calendar, and a re-exported plan updates entries
instead of duplicating them. Times are China local (``Asia/Shanghai``). No clock is
read: ``stamp`` (the ``DTSTAMP``) is passed in.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from nevrural.adapters.files.exports import write_csv, write_geojson
from nevrural.adapters.files.ics import IcsEvent, build_ics, shanghai_datetime
from nevrural.core.routing.caravan_outputs import (
    ITINERARY_COLUMNS,
    county_names_of,
    itinerary_csv_cells,
    parse_minutes,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from datetime import datetime
    from pathlib import Path

__all__ = [
    "EVENT_TITLES",
    "calendar_targets",
    "caravan_calendar",
    "county_calendar",
    "plan_calendar",
    "write_itinerary_files",
]

# Calendar titles by event kind: (Chinese, English).
EVENT_TITLES: dict[str, tuple[str, str]] = {
    "main": ("新能源汽车下乡 主会场", "NEV campaign main venue"),
    "sub": ("新能源汽车下乡 乡镇分会场", "NEV campaign township event"),
}
# Ids used in file names: letters (any script), digits, "_", "-" and ".", not leading ".".
_SAFE_NAME = re.compile(r"[\w-][\w.-]*")

# Parts of an itinerary document, as read back from JSON.
_Json = dict[str, Any]


def _caravan_label(caravan: Mapping[str, Any]) -> str:
    """``name (id)``, or the id alone when the caravan has no name."""
    caravan_id, name = caravan["caravan_id"], caravan["name"]
    return f"{name} ({caravan_id})" if name else str(caravan_id)


def _county_label(code: str, name: str) -> str:
    """``name (code)``, or the code alone when the county has no name."""
    return f"{name} ({code})" if name and name != code else code


def _held_visits(document: Mapping[str, Any]) -> Iterator[tuple[_Json, _Json, _Json]]:
    """``(caravan, day, visit)`` of every held event, in plan order."""
    for caravan in document["caravans"]:
        for day in caravan["days"]:
            for visit in day["visits"]:
                yield caravan, day, visit


def _ics_event(
    caravan: Mapping[str, Any],
    day: Mapping[str, Any],
    visit: Mapping[str, Any],
    *,
    plan_id: str,
) -> IcsEvent:
    """The calendar entry of one held event."""
    title_zh, title_en = EVENT_TITLES[visit["kind"]]
    county = _county_label(visit["county_code"], visit["county_name"])
    description = "\n".join(
        (
            f"车队 / Caravan: {_caravan_label(caravan)}",
            f"县 / County: {county}",
            f"覆盖人口（模型估计）/ Persons within reach (modelled): {visit['persons']:,}",
            f"活动编号 / Event id: {visit['event_id']}",
        )
    )
    held_on = date.fromisoformat(day["date"])
    return IcsEvent(
        ids=(plan_id, visit["event_id"]),
        title_zh=title_zh,
        title_en=title_en,
        start=shanghai_datetime(held_on, parse_minutes(visit["start"])),
        end=shanghai_datetime(held_on, parse_minutes(visit["end"])),
        location=visit["venue"]["name"],
        description=description,
    )


def _calendar(
    document: Mapping[str, Any],
    keep: Callable[[_Json, _Json], bool],
    *,
    name: str,
    plan_id: str,
    stamp: datetime,
) -> bytes:
    """An ICS document of the held events ``keep(caravan, visit)`` selects, in plan order."""
    entries = [
        _ics_event(caravan, day, visit, plan_id=plan_id)
        for caravan, day, visit in _held_visits(document)
        if keep(caravan, visit)
    ]
    return build_ics(entries, calendar_name=name, stamp=stamp)


def caravan_calendar(
    document: Mapping[str, Any], caravan_id: str, *, plan_id: str, stamp: datetime
) -> bytes:
    """An ICS document (UTF-8 bytes) with every event ``caravan_id`` holds in the plan.

    ``document`` is the plan's
    :func:`~nevrural.core.routing.caravan_outputs.itinerary_document` (or its JSON read
    back); ``stamp`` is when the plan was made (naive values are China local time). An
    unknown caravan raises ``ValueError``; a caravan without events gives an empty calendar.
    """
    caravan = next((c for c in document["caravans"] if c["caravan_id"] == caravan_id), None)
    if caravan is None:
        known = [c["caravan_id"] for c in document["caravans"]]
        raise ValueError(f"caravan {caravan_id!r} is not in the plan (caravans: {known})")
    name = f"新能源汽车下乡 车队 {_caravan_label(caravan)} / NEV campaign caravan {caravan_id}"
    return _calendar(
        document,
        lambda held_by, _visit: held_by["caravan_id"] == caravan_id,
        name=name,
        plan_id=plan_id,
        stamp=stamp,
    )


def county_calendar(
    document: Mapping[str, Any], county_code: str, *, plan_id: str, stamp: datetime
) -> bytes:
    """An ICS document (UTF-8 bytes) with every held event of ``county_code``, any caravan.

    ``document`` is the plan's
    :func:`~nevrural.core.routing.caravan_outputs.itinerary_document` (or its JSON read
    back); ``stamp`` is when the plan was made (naive values are China local time). The
    county's name is shown in the calendar name and each description. A county without
    events in the plan raises ``ValueError``; one whose events are all unheld gives an
    empty calendar.
    """
    names = county_names_of(document)
    if county_code not in names:
        known = list(names)
        raise ValueError(f"county {county_code!r} has no events in the plan (counties: {known})")
    name = f"新能源汽车下乡 {names[county_code]} / NEV campaign county {county_code}"
    return _calendar(
        document,
        lambda _caravan, visit: visit["county_code"] == county_code,
        name=name,
        plan_id=plan_id,
        stamp=stamp,
    )


def plan_calendar(document: Mapping[str, Any], *, plan_id: str, stamp: datetime) -> bytes:
    """An ICS document (UTF-8 bytes) with every held event of the plan, all caravans.

    The UIDs are those of the caravan and county calendars, so subscribing to several
    of them never shows an event twice.
    """
    return _calendar(
        document,
        lambda _caravan, _visit: True,
        name="新能源汽车下乡 活动计划 / NEV campaign event plan",
        plan_id=plan_id,
        stamp=stamp,
    )


def calendar_targets(document: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The caravans and the counties that hold events, each in document order.

    These are the calendars worth serving or writing; the others would be empty.
    """
    held = list(_held_visits(document))
    caravan_ids = {caravan["caravan_id"] for caravan, _day, _visit in held}
    county_codes = {visit["county_code"] for _caravan, _day, visit in held}
    caravans = [c["caravan_id"] for c in document["caravans"] if c["caravan_id"] in caravan_ids]
    counties = [code for code in county_names_of(document) if code in county_codes]
    return caravans, counties


def _file_part(kind: str, value: str) -> str:
    """``value`` if it is safe in a file name, else a ``ValueError`` naming it."""
    if not _SAFE_NAME.fullmatch(value):
        raise ValueError(f"{kind} id {value!r} cannot name a file (letters, digits, _ - . only)")
    return value


def write_itinerary_files(
    directory: Path,
    document: Mapping[str, Any],
    routes_geojson_dict: Mapping[str, Any],
    *,
    plan_id: str,
    stamp: datetime,
) -> list[Path]:
    """Write a plan's files into ``directory`` (created if missing); returns their paths.

    ``itinerary.json`` (``document``, an
    :func:`~nevrural.core.routing.caravan_outputs.itinerary_document`), ``itinerary.csv``
    (UTF-8 with BOM, columns ``ITINERARY_COLUMNS``), ``routes.geojson``
    (``routes_geojson_dict``, a
    :func:`~nevrural.core.routing.caravan_outputs.routes_geojson`), then
    ``caravan-<id>.ics`` and ``county-<code>.ics`` for the :func:`calendar_targets`. Ids
    that cannot name a file raise ``ValueError`` before anything is written.
    """
    caravans, counties = calendar_targets(document)
    names = [f"caravan-{_file_part('caravan', c)}.ics" for c in caravans]
    names += [f"county-{_file_part('county', c)}.ics" for c in counties]
    rows = itinerary_csv_cells(document)
    calendars = [caravan_calendar(document, c, plan_id=plan_id, stamp=stamp) for c in caravans]
    calendars += [county_calendar(document, c, plan_id=plan_id, stamp=stamp) for c in counties]

    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / "itinerary.json"
    json_path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    paths = [
        json_path,
        write_csv(directory / "itinerary.csv", ITINERARY_COLUMNS, rows),
        write_geojson(directory / "routes.geojson", dict(routes_geojson_dict)),
    ]
    for name, calendar in zip(names, calendars, strict=True):
        path = directory / name
        path.write_bytes(calendar)
        paths.append(path)
    return paths
