"""After-sales storage in SQL: service tickets and trade-in applications.

Never commits. A ticket or trade-in changes state by one ``UPDATE … WHERE id = ? AND
state = ?``, so of two concurrent actions on one record only the first applies; bulk
updates skip session synchronisation, so reads use ``populate_existing``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import func, select, update

from nevrural.adapters.db.chain_repository_base import to_record
from nevrural.adapters.db.chain_rows import TicketRow, TradeInRow
from nevrural.services.chain_aftersales_ports import TicketRecord, TradeInRecord

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping
    from decimal import Decimal

    from sqlalchemy import ColumnElement
    from sqlalchemy.engine import CursorResult
    from sqlalchemy.orm import Session

__all__ = ["SqlAftersalesRepository"]

_FRESH: dict[str, Any] = {"populate_existing": True}
_NO_SYNC: dict[str, Any] = {"synchronize_session": False}


def _ticket_filters(
    *,
    buyer_id: int | None = None,
    enterprise_id: int | None = None,
    county_prefix: str | None = None,
    state: str | None = None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if buyer_id is not None:
        where.append(TicketRow.buyer_id == buyer_id)
    if enterprise_id is not None:
        where.append(TicketRow.enterprise_id == enterprise_id)
    if county_prefix:
        where.append(TicketRow.county_code.startswith(county_prefix, autoescape=True))
    if state is not None:
        where.append(TicketRow.state == state)
    return where


def _trade_in_filters(
    *,
    buyer_id: int | None = None,
    dealer_id: int | None = None,
    county_prefix: str | None = None,
    state: str | None = None,
    quote_id: int | None = None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if buyer_id is not None:
        where.append(TradeInRow.buyer_id == buyer_id)
    if dealer_id is not None:
        where.append(TradeInRow.dealer_id == dealer_id)
    if county_prefix:
        where.append(TradeInRow.county_code.startswith(county_prefix, autoescape=True))
    if state is not None:
        where.append(TradeInRow.state == state)
    if quote_id is not None:
        where.append(TradeInRow.quote_id == quote_id)
    return where


class SqlAftersalesRepository:
    """``tickets`` and ``trade_ins`` through one session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _changed(self, statement: Any) -> bool:
        """Run a conditional UPDATE; whether it matched exactly one row."""
        result = self._session.execute(statement.execution_options(**_NO_SYNC))
        return int(cast("CursorResult[Any]", result).rowcount) == 1

    # --- tickets ---------------------------------------------------------------------------
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
    ) -> TicketRecord:
        """Store a ticket; returns it with its id."""
        row = TicketRow(
            buyer_id=buyer_id,
            order_id=order_id,
            service_point_id=service_point_id,
            enterprise_id=enterprise_id,
            county_code=county_code,
            lon=lon,
            lat=lat,
            severity=severity,
            summary=summary,
            state=state,
            distance_km=distance_km,
            opened_at=opened_at,
            due_at=due_at,
        )
        self._session.add(row)
        self._session.flush()
        return to_record(TicketRecord, row)

    def ticket(self, ticket_id: int) -> TicketRecord | None:
        """One ticket, or None."""
        row = self._session.get(TicketRow, ticket_id, populate_existing=True)
        return to_record(TicketRecord, row) if row is not None else None

    def move_ticket(
        self,
        ticket_id: int,
        *,
        from_state: str,
        to_state: str,
        resolved_at: dt.datetime | None,
        closed_at: dt.datetime | None,
    ) -> bool:
        """Change the state and both moments if it is still ``from_state``."""
        return self._changed(
            update(TicketRow)
            .where(TicketRow.id == ticket_id, TicketRow.state == from_state)
            .values(state=to_state, resolved_at=resolved_at, closed_at=closed_at)
        )

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
        """Tickets matching every given filter, newest (highest id) first."""
        where = _ticket_filters(
            buyer_id=buyer_id, enterprise_id=enterprise_id, county_prefix=county_prefix, state=state
        )
        query = (
            select(TicketRow)
            .where(*where)
            .order_by(TicketRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        rows = self._session.scalars(query.execution_options(**_FRESH))
        return [to_record(TicketRecord, r) for r in rows]

    def count_tickets_by_state(
        self, *, enterprise_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]:
        """How many tickets are in each state (states without tickets are absent)."""
        where = _ticket_filters(enterprise_id=enterprise_id, county_prefix=county_prefix)
        query = (
            select(TicketRow.state, func.count(TicketRow.id))
            .where(*where)
            .group_by(TicketRow.state)
        )
        return {state: int(count) for state, count in self._session.execute(query)}

    # --- trade-ins -------------------------------------------------------------------------
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
    ) -> TradeInRecord:
        """Store a trade-in application; returns it with its id."""
        row = TradeInRow(
            buyer_id=buyer_id,
            dealer_id=dealer_id,
            order_id=order_id,
            quote_id=quote_id,
            claim_id=None,
            county_code=county_code,
            kind=kind,
            state=state,
            old_vehicle=dict(old_vehicle),
            appraisal_cny=None,
            certificate_no=None,
            subsidy_cny=subsidy_cny,
            created_at=now,
            updated_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return to_record(TradeInRecord, row, old_vehicle=dict(row.old_vehicle))

    def trade_in(self, trade_in_id: int) -> TradeInRecord | None:
        """One trade-in, or None."""
        row = self._session.get(TradeInRow, trade_in_id, populate_existing=True)
        if row is None:
            return None
        return to_record(TradeInRecord, row, old_vehicle=dict(row.old_vehicle))

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
        values: dict[str, Any] = {"state": to_state, "updated_at": now}
        given = {
            "appraisal_cny": appraisal_cny,
            "certificate_no": certificate_no,
            "claim_id": claim_id,
            "subsidy_cny": subsidy_cny,
        }
        values.update({name: value for name, value in given.items() if value is not None})
        return self._changed(
            update(TradeInRow)
            .where(TradeInRow.id == trade_in_id, TradeInRow.state == from_state)
            .values(values)
        )

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
        """Trade-ins matching every given filter, newest (highest id) first."""
        where = _trade_in_filters(
            buyer_id=buyer_id,
            dealer_id=dealer_id,
            county_prefix=county_prefix,
            state=state,
            quote_id=quote_id,
        )
        query = (
            select(TradeInRow)
            .where(*where)
            .order_by(TradeInRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        rows = self._session.scalars(query.execution_options(**_FRESH))
        return [to_record(TradeInRecord, r, old_vehicle=dict(r.old_vehicle)) for r in rows]

    def count_trade_ins_by_state(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]:
        """How many trade-ins are in each state (states without trade-ins are absent)."""
        where = _trade_in_filters(dealer_id=dealer_id, county_prefix=county_prefix)
        query = (
            select(TradeInRow.state, func.count(TradeInRow.id))
            .where(*where)
            .group_by(TradeInRow.state)
        )
        return {state: int(count) for state, count in self._session.execute(query)}
