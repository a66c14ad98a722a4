"""Ports of the after-sales side of the service chain: service tickets and trade-ins.

A ticket or a trade-in changes state by ``move_*``: one ``UPDATE … WHERE id = ? AND
state = ?``, so of two concurrent actions on one record only the first applies. Records
are frozen dataclasses with the columns of ``tickets`` and ``trade_ins``; moments are
aware UTC datetimes, money is ``Decimal`` CNY to the fen, positions are degrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping
    from decimal import Decimal

__all__ = ["AftersalesRepository", "TicketRecord", "TradeInRecord"]


@dataclass(frozen=True, slots=True)
class TicketRecord:
    """An after-sales ticket, its service point (None when unassigned) and SLA clock.

    ``lon``/``lat`` are where the help is needed (degrees); ``distance_km`` the
    great-circle distance to the assigned point, km; ``due_at`` the SLA due time.
    """

    id: int
    buyer_id: int
    order_id: int | None
    service_point_id: int | None
    enterprise_id: int | None
    county_code: str
    lon: float
    lat: float
    severity: str
    summary: str
    state: str
    distance_km: float | None
    opened_at: dt.datetime
    due_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class TradeInRecord:
    """A trade-in application: the old vehicle, appraisal, certificate and subsidy (CNY).

    ``old_vehicle`` holds only fuel, first registration year, mileage (km) and emission
    standard: never a plate number or VIN.
    """

    id: int
    buyer_id: int
    dealer_id: int
    order_id: int | None
    quote_id: int | None
    claim_id: int | None
    county_code: str
    kind: str
    state: str
    old_vehicle: dict[str, Any]
    appraisal_cny: Decimal | None
    certificate_no: str | None
    subsidy_cny: Decimal | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AftersalesRepository(Protocol):
    """Tickets and trade-ins. Never commits."""

    def add_ticket(
        self,
        *,
        buyer_id: int,
        order_id: int | None,
        service_point_id: int | None,
        enterprise_id: int | None,
        county_code: str,
        lon: float,
        lat: float,
        severity: str,
        summary: str,
        state: str,
        distance_km: float | None,
        opened_at: dt.datetime,
        due_at: dt.datetime,
    ) -> TicketRecord: ...
    def ticket(self, ticket_id: int) -> TicketRecord | None: ...
    def move_ticket(
        self,
        ticket_id: int,
        *,
        from_state: str,
        to_state: str,
        resolved_at: dt.datetime | None,
        closed_at: dt.datetime | None,
    ) -> bool:
        """Change the state (and set both moments) if it is still ``from_state``."""

    def tickets(
        self,
        *,
        buyer_id: int | None = None,
        enterprise_id: int | None = None,
        county_prefix: str | None = None,
        state: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[TicketRecord]:
        """Tickets matching every given filter, newest first."""

    def count_tickets_by_state(
        self, *, enterprise_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]:
        """How many tickets are in each state (states without tickets are absent)."""

    def add_trade_in(
        self,
        *,
        buyer_id: int,
        dealer_id: int,
        order_id: int | None,
        quote_id: int | None,
        county_code: str,
        kind: str,
        state: str,
        old_vehicle: Mapping[str, Any],
        subsidy_cny: Decimal | None,
        now: dt.datetime,
    ) -> TradeInRecord: ...
    def trade_in(self, trade_in_id: int) -> TradeInRecord | None: ...
    def move_trade_in(
        self,
        trade_in_id: int,
        *,
        from_state: str,
        to_state: str,
        now: dt.datetime,
        appraisal_cny: Decimal | None = None,
        certificate_no: str | None = None,
        claim_id: int | None = None,
        subsidy_cny: Decimal | None = None,
    ) -> bool:
        """Change the state if it is still ``from_state``; given fields are set too."""

    def trade_ins(
        self,
        *,
        buyer_id: int | None = None,
        dealer_id: int | None = None,
        county_prefix: str | None = None,
        state: str | None = None,
        quote_id: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[TradeInRecord]:
        """Trade-ins matching every given filter, newest first."""

    def count_trade_ins_by_state(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]:
        """How many trade-ins are in each state (states without trade-ins are absent)."""
