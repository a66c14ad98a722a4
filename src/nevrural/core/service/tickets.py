"""After-sales tickets: the nearest open service point, SLA times, and the ticket lifecycle.

A buyer reports a breakdown, a repair or a routine service need. The ticket is assigned
to the nearest open service point (a maintenance shop or a mobile service van) and is
*open*; with no open point it is *unassigned*. The enterprise starts and resolves it, and
the buyer either closes it or reopens it.

SLA hours per severity (`SLA_HOURS`) are **modelled** service levels for rural areas
(a stranded vehicle within half a working day, a repair within a day, routine service
within three days), not a regulation; callers may use their own.

Examples
--------
>>> from datetime import datetime
>>> sla_due(datetime(2026, 5, 1, 22, 0), TicketSeverity.BREAKDOWN)
datetime.datetime(2026, 5, 2, 2, 0)
>>> decide_ticket(TicketState.RESOLVED, "reopen", Role.BUYER)
<TicketState.IN_PROGRESS: 'in_progress'>
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from nevrural.core.geo import haversine_km
from nevrural.core.service.principal import Role
from nevrural.core.service.transitions import Transition, apply, machine_of

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

__all__ = [
    "SERVICE_POINT_KINDS",
    "SLA_HOURS",
    "TICKET_MACHINE",
    "ServicePointCandidate",
    "TicketAction",
    "TicketSeverity",
    "TicketState",
    "choose_service_point",
    "decide_ticket",
    "sla_breached",
    "sla_due",
]

SERVICE_POINT_KINDS = frozenset({"maintenance", "mobile"})


class TicketState(StrEnum):
    """Where a ticket stands."""

    OPEN = "open"  # assigned to a service point, not started
    UNASSIGNED = "unassigned"  # no open service point was found
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"  # the enterprise says it is fixed
    CLOSED = "closed"  # the buyer (or the enterprise) confirmed


class TicketSeverity(StrEnum):
    """How urgent a ticket is."""

    BREAKDOWN = "breakdown"  # the vehicle cannot be driven
    REPAIR = "repair"  # drivable, needs a repair
    ROUTINE = "routine"  # maintenance or a question


class TicketAction(StrEnum):
    """What can be done to a ticket."""

    START = "start"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"


# Hours from opening to the resolution due time; modelled (see the module docstring).
SLA_HOURS: Mapping[TicketSeverity, int] = MappingProxyType(
    {TicketSeverity.BREAKDOWN: 4, TicketSeverity.REPAIR: 24, TicketSeverity.ROUTINE: 72}
)

_T = TicketState
TICKET_MACHINE: Mapping[str, Transition[TicketState]] = machine_of(
    Transition(
        TicketAction.START, frozenset({_T.OPEN}), _T.IN_PROGRESS, frozenset({Role.ENTERPRISE})
    ),
    Transition(
        TicketAction.RESOLVE, frozenset({_T.IN_PROGRESS}), _T.RESOLVED, frozenset({Role.ENTERPRISE})
    ),
    Transition(
        TicketAction.CLOSE,
        frozenset({_T.RESOLVED}),
        _T.CLOSED,
        frozenset({Role.BUYER, Role.ENTERPRISE}),
    ),
    Transition(
        TicketAction.REOPEN, frozenset({_T.RESOLVED}), _T.IN_PROGRESS, frozenset({Role.BUYER})
    ),
)


def decide_ticket(state: TicketState, action: str, role: Role) -> TicketState:
    """The ticket's state after ``role`` takes ``action`` (errors as in `apply`)."""
    return apply(TICKET_MACHINE, "ticket", state, action, role)


@dataclass(frozen=True, slots=True)
class ServicePointCandidate:
    """A place that can take a ticket.

    Attributes
    ----------
    point_id, enterprise_id
        The service point and the enterprise running it.
    lon_deg, lat_deg
        Its position, degrees (a mobile van's base).
    is_open
        Whether it takes tickets now.
    kind
        ``maintenance`` (a fixed shop) or ``mobile`` (a service van).
    """

    point_id: int
    enterprise_id: int
    lon_deg: float
    lat_deg: float
    is_open: bool
    kind: str

    def __post_init__(self) -> None:
        """Check the position and the kind."""
        if not math.isfinite(self.lon_deg):
            raise ValueError(f"lon_deg must be finite, got {self.lon_deg}")
        if not (math.isfinite(self.lat_deg) and -90.0 <= self.lat_deg <= 90.0):
            raise ValueError(f"lat_deg must lie in [-90, 90] degrees, got {self.lat_deg}")
        if self.kind not in SERVICE_POINT_KINDS:
            raise ValueError(f"kind must be 'maintenance' or 'mobile', got {self.kind!r}")


def choose_service_point(
    lon_deg: float, lat_deg: float, points: Sequence[ServicePointCandidate]
) -> tuple[ServicePointCandidate, float] | None:
    """The nearest open service point to a position (degrees) and its distance, km.

    Great-circle distance; ties go to the lower point id. None when no point is open.

    >>> points = [ServicePointCandidate(1, 9, 113.7, 34.75, True, "maintenance"),
    ...           ServicePointCandidate(2, 9, 113.61, 34.75, False, "mobile")]
    >>> point, distance_km = choose_service_point(113.6, 34.75, points)
    >>> point.point_id, round(distance_km, 2)
    (1, 9.14)
    """
    best: tuple[float, int, ServicePointCandidate] | None = None
    for point in points:
        if not point.is_open:
            continue
        distance_km = haversine_km(lon_deg, lat_deg, point.lon_deg, point.lat_deg)
        if best is None or (distance_km, point.point_id) < best[:2]:
            best = (distance_km, point.point_id, point)
    return None if best is None else (best[2], best[0])


def sla_due(opened_at: datetime, severity: TicketSeverity) -> datetime:
    """When a ticket opened at ``opened_at`` must be resolved (`SLA_HOURS` later)."""
    return opened_at + timedelta(hours=SLA_HOURS[severity])


def sla_breached(due_at: datetime, now: datetime, resolved_at: datetime | None) -> bool:
    """Whether the SLA is broken: resolved after ``due_at``, or unresolved past it at ``now``.

    Resolving exactly at the due time meets the SLA.

    >>> from datetime import datetime
    >>> due = datetime(2026, 5, 2, 2, 0)
    >>> sla_breached(due, datetime(2026, 5, 2, 3, 0), None)
    True
    >>> sla_breached(due, datetime(2026, 5, 2, 3, 0), resolved_at=due)
    False
    """
    if resolved_at is not None:
        return resolved_at > due_at
    return now > due_at
