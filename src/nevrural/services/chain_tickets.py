"""Use cases of after-sales tickets: open at the nearest open service point, act, read.

A buyer opens a ticket at a position (degrees; by default the seat of their county). It
goes to the nearest open service point (great circle), looking first at points in the
buyer's province and then at every point, and is *open* there with the SLA due time of
its severity; with no open point anywhere it is *unassigned* (organisers of the county see
it). The enterprise running the point starts and resolves it; the buyer closes or reopens
it. Buyers read their own tickets, an enterprise the tickets at its points, an organiser
those of its jurisdiction; the buyer is always shown masked, and the enterprise reads the
unmasked contact through ``ticket_contact``, which writes the audit log.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nevrural.core.service.access import Ownership
from nevrural.core.service.principal import Role
from nevrural.core.service.tickets import (
    SERVICE_POINT_KINDS,
    TICKET_MACHINE,
    ServicePointCandidate,
    TicketAction,
    TicketSeverity,
    TicketState,
    choose_service_point,
    decide_ticket,
    sla_breached,
    sla_due,
)
from nevrural.core.service.transitions import allowed_actions
from nevrural.services.chain_context import audit, ensure_readable, list_filters
from nevrural.services.chain_errors import (
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)
from nevrural.services.chain_people import buyer_contact, buyer_masked

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_aftersales_ports import TicketRecord
    from nevrural.services.chain_catalogue_ports import ServicePointRecord
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork
    from nevrural.services.chain_ports import BuyerRecord, PersonalVault

__all__ = [
    "NOTE_MAX_CHARS",
    "SUMMARY_MAX_CHARS",
    "TicketParams",
    "act_on_ticket",
    "check_text",
    "get_ticket",
    "list_service_points",
    "list_tickets",
    "open_ticket",
    "ticket_contact",
    "ticket_owner",
]

logger = logging.getLogger(__name__)

SUMMARY_MAX_CHARS = 1000
NOTE_MAX_CHARS = 500
_ALLOWED_CONTROLS = frozenset("\n\t")
_PROVINCE_DIGITS = 2
_COUNTY_DIGITS = 6


@dataclass(frozen=True, slots=True)
class TicketParams:
    """What a buyer reports.

    Attributes
    ----------
    severity
        ``breakdown``, ``repair`` or ``routine``.
    summary
        What is wrong, 1-1000 characters.
    lon, lat
        Where help is needed, degrees; both or neither (then the county seat).
    order_id
        The buyer's own order the vehicle came with, if any.
    """

    severity: str
    summary: str
    lon: float | None = None
    lat: float | None = None
    order_id: int | None = None


def check_text(value: str | None, name: str, max_chars: int, *, required: bool) -> str | None:
    """``value`` stripped; ValueError naming ``name`` when too long or holding control chars.

    Newlines and tabs are allowed; NUL and other control characters are not (PostgreSQL
    refuses NUL in text, and they have no place in a note).
    """
    text = (value or "").strip()
    if not text:
        if required:
            raise ValueError(f"{name}: required, 1-{max_chars} characters")
        return None
    if len(text) > max_chars:
        raise ValueError(f"{name}: at most {max_chars} characters, got {len(text)}")
    if any(not c.isprintable() and c not in _ALLOWED_CONTROLS for c in text):
        raise ValueError(f"{name}: control characters are not allowed")
    return text


def ticket_owner(ticket: TicketRecord) -> Ownership:
    """Who holds a ticket: the enterprise of its point (if assigned), its buyer, the county."""
    enterprises = frozenset() if ticket.enterprise_id is None else frozenset({ticket.enterprise_id})
    return Ownership(ticket.county_code, enterprises, buyer_id=ticket.buyer_id)


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _point_view(point: ServicePointRecord) -> dict[str, Any]:
    return {
        "id": point.id,
        "enterprise_id": point.enterprise_id,
        "kind": point.kind,
        "name_zh": point.name_zh,
        "county_code": point.county_code,
        "lon": point.lon,
        "lat": point.lat,
        "is_open": point.is_open,
    }


def _ticket_view(
    ticket: TicketRecord,
    role: Role,
    now: dt.datetime,
    vault: PersonalVault,
    buyer: BuyerRecord | None,
    point: ServicePointRecord | None,
) -> dict[str, Any]:
    """A ticket as JSON: the buyer masked, the point's name, the SLA due time and breach."""
    return {
        "id": ticket.id,
        "state": ticket.state,
        "severity": ticket.severity,
        "summary": ticket.summary,
        "buyer": buyer_masked(vault, buyer) if buyer is not None else None,
        "order_id": ticket.order_id,
        "county_code": ticket.county_code,
        "lon": ticket.lon,
        "lat": ticket.lat,
        "service_point": _point_view(point) if point is not None else None,
        "enterprise_id": ticket.enterprise_id,
        "distance_km": ticket.distance_km,
        "opened_at": ticket.opened_at.isoformat(),
        "sla_due_at": ticket.due_at.isoformat(),
        "sla_breached": sla_breached(ticket.due_at, now, ticket.resolved_at),
        "resolved_at": _iso(ticket.resolved_at),
        "closed_at": _iso(ticket.closed_at),
        "allowed_actions": list(allowed_actions(TICKET_MACHINE, TicketState(ticket.state), role)),
    }


def _views(
    uow: ChainUnitOfWork, ctx: ChainContext, role: Role, tickets: Sequence[TicketRecord]
) -> list[dict[str, Any]]:
    """Views of ``tickets``, reading each buyer and point once."""
    now = ctx.clock()
    buyers = {b: uow.buyers.get(b) for b in {t.buyer_id for t in tickets}}
    point_ids = {t.service_point_id for t in tickets if t.service_point_id is not None}
    points = {p: uow.catalogue.service_point(p) for p in point_ids}
    return [
        _ticket_view(
            t,
            role,
            now,
            ctx.vault,
            buyers[t.buyer_id],
            None if t.service_point_id is None else points[t.service_point_id],
        )
        for t in tickets
    ]


def _position(
    uow: ChainUnitOfWork, county_code: str, lon: float | None, lat: float | None
) -> tuple[float, float]:
    """The given position (degrees), or the seat of the buyer's county."""
    if (lon is None) != (lat is None):
        raise ValueError("lon, lat: give both or neither (then the county seat is used)")
    if lon is not None and lat is not None:
        if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
            raise ValueError(f"lon: degrees in [-180, 180], got {lon}")
        if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
            raise ValueError(f"lat: degrees in [-90, 90], got {lat}")
        return lon, lat
    seat = uow.atlas.get_division(county_code)
    if seat is None or seat.lon is None or seat.lat is None:
        raise ValueError(f"lon, lat: required, no seat is known for county {county_code}")
    return seat.lon, seat.lat


def _candidates(points: Sequence[ServicePointRecord]) -> list[ServicePointCandidate]:
    usable = [p for p in points if p.kind in SERVICE_POINT_KINDS]
    if len(usable) < len(points):
        logger.warning("%d service points of unknown kind ignored", len(points) - len(usable))
    return [
        ServicePointCandidate(p.id, p.enterprise_id, p.lon, p.lat, p.is_open, p.kind)
        for p in usable
    ]


def _nearest_point(
    uow: ChainUnitOfWork, county_code: str, lon: float, lat: float
) -> tuple[ServicePointCandidate, float] | None:
    """The nearest open point in the province, else anywhere, and its distance (km)."""
    province = county_code[:_PROVINCE_DIGITS]
    near = choose_service_point(lon, lat, _candidates(uow.catalogue.service_points(province)))
    if near is not None:
        return near
    return choose_service_point(lon, lat, _candidates(uow.catalogue.service_points()))


def _check_own_order(uow: ChainUnitOfWork, order_id: int, buyer_id: int) -> None:
    order = uow.orders.get(order_id)
    if order is None or order.buyer_id != buyer_id:
        raise ChainNotFoundError(f"order_id: order {order_id} not found")


def open_ticket(ctx: ChainContext, principal: Principal, params: TicketParams) -> dict[str, Any]:
    """Open a buyer's ticket at the nearest open service point (unassigned if none is open).

    Raises ``ChainForbiddenError`` for a caller who is not a buyer, ``ValueError`` naming a
    bad field, ``ChainNotFoundError`` for an order that is not the buyer's.
    """
    if principal.role is not Role.BUYER or principal.buyer_id is None:
        raise ChainForbiddenError("only buyers open after-sales tickets")
    if params.severity not in set(TicketSeverity):
        allowed = ", ".join(TicketSeverity)
        raise ValueError(f"severity: one of {allowed}, got {params.severity!r}")
    severity = TicketSeverity(params.severity)
    summary = check_text(params.summary, "summary", SUMMARY_MAX_CHARS, required=True)
    assert summary is not None
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        buyer = uow.buyers.get(principal.buyer_id)
        if buyer is None:
            raise ChainNotFoundError(f"buyer {principal.buyer_id} not found")
        if params.order_id is not None:
            _check_own_order(uow, params.order_id, buyer.id)
        lon, lat = _position(uow, buyer.county_code, params.lon, params.lat)
        nearest = _nearest_point(uow, buyer.county_code, lon, lat)
        point, distance_km = nearest if nearest is not None else (None, None)
        ticket = uow.aftersales.add_ticket(
            buyer_id=buyer.id,
            order_id=params.order_id,
            service_point_id=None if point is None else point.point_id,
            enterprise_id=None if point is None else point.enterprise_id,
            county_code=buyer.county_code,
            lon=lon,
            lat=lat,
            severity=severity.value,
            summary=summary,
            state=(TicketState.UNASSIGNED if point is None else TicketState.OPEN).value,
            distance_km=distance_km,
            opened_at=now,
            due_at=sla_due(now, severity),
        )
        audit(
            uow,
            principal,
            at=now,
            action="ticket.opened",
            record_type="ticket",
            record_id=ticket.id,
            owner=ticket_owner(ticket),
            severity=severity.value,
            state=ticket.state,
            service_point_id=ticket.service_point_id,
            distance_km=distance_km,
        )
        uow.commit()
        return _views(uow, ctx, principal.role, [ticket])[0]


def _readable_ticket(uow: ChainUnitOfWork, principal: Principal, ticket_id: int) -> TicketRecord:
    ticket = uow.aftersales.ticket(ticket_id)
    if ticket is None:
        raise ChainNotFoundError(f"ticket {ticket_id} not found")
    ensure_readable(principal, ticket_owner(ticket), "ticket", ticket_id)
    return ticket


def get_ticket(ctx: ChainContext, principal: Principal, ticket_id: int) -> dict[str, Any]:
    """One ticket as the caller may see it (404 when it is not theirs to see)."""
    with ctx.uow_factory() as uow:
        ticket = _readable_ticket(uow, principal, ticket_id)
        return _views(uow, ctx, principal.role, [ticket])[0]


def list_tickets(
    ctx: ChainContext,
    principal: Principal,
    *,
    state: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Tickets the caller may see, newest first: own, at its points, or in its jurisdiction."""
    filters = list_filters(
        principal,
        enterprise_field="enterprise_id",
        state=state,
        states=TicketState,
        limit=limit,
        offset=offset,
    )
    with ctx.uow_factory() as uow:
        return _views(uow, ctx, principal.role, uow.aftersales.tickets(**filters))


def _moments(
    ticket: TicketRecord, action: str, now: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(resolved_at, closed_at) after the action: reopening clears the resolution."""
    if action == TicketAction.RESOLVE:
        return now, None
    if action == TicketAction.CLOSE:
        return ticket.resolved_at or now, now
    return None, None  # start (from open) and reopen: not resolved


def act_on_ticket(
    ctx: ChainContext, principal: Principal, ticket_id: int, action: str, note: str | None = None
) -> dict[str, Any]:
    """Start, resolve, close or reopen a ticket; 403 for the role, 409 for the state.

    Only the enterprise of the ticket's point and the ticket's buyer can see it, so only
    they get as far as the state machine; anyone else gets 404.
    """
    if action not in TICKET_MACHINE:
        raise ValueError(f"action: one of {', '.join(TICKET_MACHINE)}, got {action!r}")
    clean_note = check_text(note, "note", NOTE_MAX_CHARS, required=False)
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        ticket = _readable_ticket(uow, principal, ticket_id)
        target = decide_ticket(TicketState(ticket.state), action, principal.role)
        resolved_at, closed_at = _moments(ticket, action, now)
        if not uow.aftersales.move_ticket(
            ticket_id,
            from_state=ticket.state,
            to_state=target.value,
            resolved_at=resolved_at,
            closed_at=closed_at,
        ):
            raise ChainConflictError(f"ticket {ticket_id} changed meanwhile; read it and retry")
        audit(
            uow,
            principal,
            at=now,
            action=f"ticket.{action}",
            record_type="ticket",
            record_id=ticket_id,
            owner=ticket_owner(ticket),
            from_state=ticket.state,
            to_state=target.value,
            note=clean_note,
        )
        uow.commit()
    return get_ticket(ctx, principal, ticket_id)


def ticket_contact(ctx: ChainContext, principal: Principal, ticket_id: int) -> dict[str, Any]:
    """The buyer's unmasked name and phone for the enterprise handling the ticket, audited.

    Organisers and buyers are refused (403); a closed ticket no longer opens the contact
    (409): personal data is shown only while the service needs it.
    """
    with ctx.uow_factory() as uow:
        ticket = _readable_ticket(uow, principal, ticket_id)
    if principal.role is not Role.ENTERPRISE:
        raise ChainForbiddenError("only the enterprise handling the ticket reads the contact")
    if ticket.state == TicketState.CLOSED:
        raise ChainConflictError(f"ticket {ticket_id} is closed; its contact is not shown")
    return buyer_contact(
        ctx,
        principal,
        ticket.buyer_id,
        ticket_owner(ticket),
        record_type="ticket",
        record_id=ticket_id,
        purpose="after-sales service",
    )


def list_service_points(
    ctx: ChainContext, principal: Principal, county_prefix: str = ""
) -> list[dict[str, Any]]:
    """Service points (public business facts) in counties under the prefix, by id."""
    del principal  # any signed-in caller; the parameter keeps the use cases uniform
    is_digits = county_prefix.isascii() and county_prefix.isdigit()
    if county_prefix and not (len(county_prefix) <= _COUNTY_DIGITS and is_digits):
        raise ValueError(f"county_prefix: 0-6 digits, got {county_prefix!r}")
    with ctx.uow_factory() as uow:
        return [_point_view(p) for p in uow.catalogue.service_points(county_prefix)]
