"""iCalendar (RFC 5545) documents for event plans, built in memory with ``icalendar``.

One ``VEVENT`` per event, its times in ``Asia/Shanghai`` (a ``VTIMEZONE`` is included so
calendar apps need no time-zone database), its ``UID`` derived from the plan's ids so a
re-exported plan updates the same entries instead of duplicating them. No clock is read:
the ``DTSTAMP`` every event needs is passed in. Writing the bytes to a file or an HTTP
response is the caller's job.

>>> event = IcsEvent(
...     ids=("plan-1", "e1"), title_zh="新能源汽车下乡", title_en="NEV caravan",
...     start=shanghai_datetime(date(2026, 6, 15), 540),
...     end=shanghai_datetime(date(2026, 6, 15), 720),
... )
>>> document = build_ics([event], calendar_name="车队一", stamp=datetime(2026, 5, 1, 8, 0))
>>> document.startswith(b"BEGIN:VCALENDAR")
True
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "PRODUCT_ID",
    "TIMEZONE",
    "IcsEvent",
    "build_ics",
    "event_uid",
    "shanghai_datetime",
]

TIMEZONE = "Asia/Shanghai"
PRODUCT_ID = "-//nevrural//rural NEV campaign events//ZH"
_UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "nevrural.events")
_UID_DOMAIN = "nevrural"


def shanghai_datetime(day: date, minute: int) -> datetime:
    """The China-local datetime ``minute`` minutes (0-1440) after midnight of ``day``.

    >>> shanghai_datetime(date(2026, 6, 15), 1440).isoformat()
    '2026-06-16T00:00:00+08:00'
    """
    if not 0 <= minute <= 1440:
        raise ValueError(f"minute {minute} must lie in 0..1440")
    midnight = datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(TIMEZONE))
    return midnight + timedelta(minutes=minute)


def event_uid(ids: Sequence[str]) -> str:
    """A stable UID from the event's ids (plan, caravan, event ...): UUID-5 at nevrural.

    >>> event_uid(["plan-1", "e1"]) == event_uid(("plan-1", "e1"))
    True
    """
    if not ids or any(not part for part in ids):
        raise ValueError(f"event ids {list(ids)} must be non-empty strings")
    # Joined with a separator that ids cannot hold, so ("a/b",) and ("a", "b") differ.
    return f"{uuid.uuid5(_UID_NAMESPACE, chr(31).join(ids))}@{_UID_DOMAIN}"


def _as_shanghai(moment: datetime) -> datetime:
    """A naive datetime read as China local time; an aware one converted to it."""
    zone = ZoneInfo(TIMEZONE)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


@dataclass(frozen=True, kw_only=True)
class IcsEvent:
    """One calendar entry.

    Attributes
    ----------
    ids
        The ids that make it unique across exports (plan, caravan, event); hashed to the UID.
    title_zh, title_en
        Chinese title, and an English one (may be empty); shown as ``zh / en``.
    start, end
        Start and end; naive values are China local time, aware ones are converted.
    location
        Venue and township, as text.
    description
        Free text (programme, contacts).
    """

    ids: tuple[str, ...]
    title_zh: str
    title_en: str = ""
    start: datetime
    end: datetime
    location: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", tuple(self.ids))
        if not self.title_zh:
            raise ValueError(f"event {self.ids}: title_zh must not be empty")
        start, end = _as_shanghai(self.start), _as_shanghai(self.end)
        if end <= start:
            raise ValueError(f"event {self.ids}: end {end} is not after start {start}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @property
    def summary(self) -> str:
        """The title shown in calendars: ``zh / en`` (or the Chinese title alone)."""
        return f"{self.title_zh} / {self.title_en}" if self.title_en else self.title_zh


def _vevent(event: IcsEvent, stamp: datetime) -> Event:
    """The ``VEVENT`` of one event."""
    component = Event()
    component.add("uid", event_uid(event.ids))
    component.add("dtstamp", stamp)
    component.add("dtstart", event.start)
    component.add("dtend", event.end)
    component.add("summary", event.summary, parameters={"LANGUAGE": "zh-CN"})
    if event.location:
        component.add("location", event.location)
    if event.description:
        component.add("description", event.description)
    return component


def build_ics(events: Sequence[IcsEvent], *, calendar_name: str, stamp: datetime) -> bytes:
    """An iCalendar document (UTF-8 bytes, CRLF lines) holding ``events`` in order.

    Parameters
    ----------
    events
        The entries; their UIDs must be distinct.
    calendar_name
        Shown by calendar apps (``NAME`` and ``X-WR-CALNAME``), e.g. a caravan or county.
    stamp
        When the plan was made (``DTSTAMP``); naive values are China local time.
    """
    uids = [event_uid(e.ids) for e in events]
    if len(set(uids)) != len(uids):
        repeated = sorted({e.ids for e, u in zip(events, uids, strict=True) if uids.count(u) > 1})
        raise ValueError(f"events share ids {repeated}; every UID must be unique")
    stamp_utc = _as_shanghai(stamp).astimezone(ZoneInfo("UTC"))
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", calendar_name)
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", TIMEZONE)
    for event in events:
        calendar.add_component(_vevent(event, stamp_utc))
    if events:
        first = min(e.start for e in events).date()
        last = max(e.end for e in events).date() + timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    document: bytes = calendar.to_ical()
    return document
