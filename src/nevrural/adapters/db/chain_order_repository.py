"""Order storage in SQL: orders, idempotency keys, deliveries and follow-ups.

Never commits. An order changes state by one ``UPDATE … WHERE id = ? AND state = ?``,
so of two concurrent actions on one order only the first applies; bulk updates skip
session synchronisation, so reads use ``populate_existing``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVarTuple

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from nevrural.adapters.db.chain_repository_base import SqlChainRepository, to_record
from nevrural.adapters.db.chain_rows import DeliveryRow, FollowUpRow, IdempotencyRow, OrderRow
from nevrural.services.chain_order_ports import (
    DeliveryRecord,
    DuplicateIdempotencyKeyError,
    FollowUpRecord,
    IdempotencyRecord,
    OrderRecord,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping, Sequence

    from sqlalchemy.sql import Select

__all__ = ["SqlOrderRepository"]

_Ts = TypeVarTuple("_Ts")


def _scoped(query: Select[*_Ts], dealer_id: int | None, county_prefix: str | None) -> Select[*_Ts]:
    """``query`` limited to orders of the dealer and in counties under the prefix."""
    if dealer_id is not None:
        query = query.where(OrderRow.dealer_id == dealer_id)
    if county_prefix is not None:
        query = query.where(OrderRow.county_code.startswith(county_prefix, autoescape=True))
    return query


class SqlOrderRepository(SqlChainRepository):
    """Orders and what hangs off them, through one session."""

    def idempotency(self, subject: str, key: str) -> IdempotencyRecord | None:
        """The stored first response to the caller's key, or None (one Core SELECT)."""
        table = IdempotencyRow.__table__
        query = select(table).where(table.c.subject == subject, table.c.key == key)
        row = self._session.execute(query).first()
        return to_record(IdempotencyRecord, row) if row is not None else None

    def remember(
        self,
        *,
        subject: str,
        key: str,
        request_sha256: str,
        status_code: int,
        response: Mapping[str, Any],
        now: dt.datetime,
    ) -> None:
        """Store the first response; ``DuplicateIdempotencyKeyError`` if a twin stored one.

        On PostgreSQL a concurrent twin's uncommitted row makes this insert wait for its
        commit, then fail on the primary key; the caller rolls back and replays.
        """
        statement = insert(IdempotencyRow).values(
            subject=subject,
            key=key,
            request_sha256=request_sha256,
            status_code=status_code,
            response=dict(response),
            created_at=now,
        )
        try:
            self._session.execute(statement)
        except IntegrityError:
            raise DuplicateIdempotencyKeyError(f"Idempotency-Key {key!r} is stored") from None

    def add(
        self,
        *,
        buyer_id: int,
        dealer_id: int,
        model_id: int,
        lead_id: int | None,
        quote_id: int | None,
        county_code: str,
        price_cny: Decimal,
        state: str,
        now: dt.datetime,
    ) -> OrderRecord:
        """Store an order (no deposit yet); returns it with its id (one INSERT … RETURNING)."""
        statement = (
            insert(OrderRow)
            .values(
                buyer_id=buyer_id,
                dealer_id=dealer_id,
                model_id=model_id,
                lead_id=lead_id,
                quote_id=quote_id,
                county_code=county_code,
                price_cny=price_cny,
                deposit_cny=Decimal("0.00"),
                state=state,
                created_at=now,
                updated_at=now,
            )
            .returning(*OrderRow.__table__.c)
        )
        return to_record(OrderRecord, self._session.execute(statement).one())

    def get(self, order_id: int) -> OrderRecord | None:
        """One order, or None."""
        row = self._session.get(OrderRow, order_id, populate_existing=True)
        return to_record(OrderRecord, row) if row is not None else None

    def move(
        self,
        order_id: int,
        *,
        from_state: str,
        to_state: str,
        now: dt.datetime,
        deposit_cny: Decimal | None = None,
        vin: str | None = None,
    ) -> bool:
        """Change the state if it is still ``from_state``; False when it moved meanwhile."""
        values: dict[str, Any] = {"state": to_state, "updated_at": now}
        if deposit_cny is not None:
            values["deposit_cny"] = deposit_cny
        if vin is not None:
            values["vin"] = vin
        where = (OrderRow.id == order_id, OrderRow.state == from_state)
        return self._update(OrderRow, *where, **values) == 1

    def count_by_state(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]:
        """How many orders are in each state (states without orders are absent)."""
        query = _scoped(select(OrderRow.state, func.count(OrderRow.id)), dealer_id, county_prefix)
        rows = self._session.execute(query.group_by(OrderRow.state))
        return {state: int(count) for state, count in rows}

    def schedule_delivery(
        self, order_id: int, *, place: str, event_id: int | None, scheduled_on: dt.date
    ) -> None:
        """Create or replace the delivery appointment (place, event and date)."""
        values = {"place": place, "event_id": event_id, "scheduled_on": scheduled_on}
        if self._update(DeliveryRow, DeliveryRow.order_id == order_id, **values) == 0:
            self._session.execute(insert(DeliveryRow).values(order_id=order_id, **values))

    def mark_delivered(self, order_id: int, *, proof_ref: str, now: dt.datetime) -> None:
        """Record the handover and its proof; ValueError without an appointment."""
        changed = self._update(
            DeliveryRow, DeliveryRow.order_id == order_id, delivered_at=now, proof_ref=proof_ref
        )
        if changed != 1:
            raise ValueError(f"order {order_id} has no delivery appointment")

    def delivery(self, order_id: int) -> DeliveryRecord | None:
        """The order's delivery appointment, or None."""
        rows = self._fresh(select(DeliveryRow).where(DeliveryRow.order_id == order_id))
        return to_record(DeliveryRecord, rows[0]) if rows else None

    def add_follow_ups(self, order_id: int, due: Sequence[tuple[int, dt.date]]) -> None:
        """Open follow-ups as (offset days, due date), in one statement."""
        if due:
            self._session.execute(
                insert(FollowUpRow),
                [{"order_id": order_id, "offset_days": d, "due_on": on} for d, on in due],
            )

    def follow_up(self, follow_up_id: int) -> FollowUpRecord | None:
        """One follow-up, or None."""
        row = self._session.get(FollowUpRow, follow_up_id, populate_existing=True)
        return to_record(FollowUpRecord, row) if row is not None else None

    def complete_follow_up(
        self, follow_up_id: int, *, satisfaction: int, note: str | None, now: dt.datetime
    ) -> bool:
        """Mark done if still open; False when it was done already."""
        where = (FollowUpRow.id == follow_up_id, FollowUpRow.done_at.is_(None))
        changed = self._update(
            FollowUpRow, *where, done_at=now, satisfaction=satisfaction, note=note
        )
        return changed == 1

    def open_follow_up_count(self, order_id: int) -> int:
        """How many follow-ups of the order are not done."""
        query = select(func.count(FollowUpRow.id)).where(
            FollowUpRow.order_id == order_id, FollowUpRow.done_at.is_(None)
        )
        return int(self._session.scalar(query) or 0)

    def follow_up_counts(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None, due_by: dt.date
    ) -> dict[str, int]:
        """Follow-ups recorded and open ones due by the date (one grouped count)."""
        is_done = FollowUpRow.done_at.is_not(None)
        query = _scoped(
            select(is_done, func.count(FollowUpRow.id))
            .join(OrderRow, FollowUpRow.order_id == OrderRow.id)
            .where(is_done | (FollowUpRow.due_on <= due_by)),
            dealer_id,
            county_prefix,
        )
        counts = {"done": 0, "due": 0}
        for done, count in self._session.execute(query.group_by(is_done)):
            counts["done" if done else "due"] = int(count)
        return counts

    def follow_ups(self, order_id: int) -> list[FollowUpRecord]:
        """The order's follow-ups, by due date then id."""
        query = (
            select(FollowUpRow)
            .where(FollowUpRow.order_id == order_id)
            .order_by(FollowUpRow.due_on, FollowUpRow.id)
        )
        return [to_record(FollowUpRecord, r) for r in self._fresh(query)]

    def due_follow_ups(
        self,
        *,
        dealer_id: int | None = None,
        county_prefix: str | None = None,
        due_by: dt.date,
        limit: int = 200,
    ) -> list[tuple[FollowUpRecord, OrderRecord]]:
        """Open follow-ups due by the date with their orders, by due date then id."""
        query = _scoped(
            select(FollowUpRow, OrderRow)
            .join(OrderRow, FollowUpRow.order_id == OrderRow.id)
            .where(FollowUpRow.done_at.is_(None), FollowUpRow.due_on <= due_by),
            dealer_id,
            county_prefix,
        )
        query = query.order_by(FollowUpRow.due_on, FollowUpRow.id).limit(limit)
        rows = self._session.execute(query.execution_options(populate_existing=True))
        return [(to_record(FollowUpRecord, f), to_record(OrderRecord, o)) for f, o in rows]

    def list(
        self,
        *,
        buyer_id: int | None = None,
        dealer_id: int | None = None,
        county_prefix: str | None = None,
        state: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[OrderRecord]:
        """Orders matching every given filter, newest (highest id) first."""
        query = _scoped(select(OrderRow), dealer_id, county_prefix)
        if buyer_id is not None:
            query = query.where(OrderRow.buyer_id == buyer_id)
        if state is not None:
            query = query.where(OrderRow.state == state)
        query = query.order_by(OrderRow.id.desc()).limit(limit).offset(offset)
        return [to_record(OrderRecord, r) for r in self._fresh(query)]
