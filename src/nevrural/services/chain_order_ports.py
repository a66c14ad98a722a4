"""Ports of the order side of the service chain: orders, idempotency keys, deliveries, follow-ups.

An order changes state by ``move``: one ``UPDATE … WHERE id = ? AND state = ?`` so two
concurrent actions on the same order cannot both apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import builtins
    import datetime as dt
    from collections.abc import Mapping, Sequence
    from decimal import Decimal

__all__ = [
    "DeliveryRecord",
    "DuplicateIdempotencyKeyError",
    "FollowUpRecord",
    "IdempotencyRecord",
    "OrderRecord",
    "OrderRepository",
]


class DuplicateIdempotencyKeyError(Exception):
    """Another transaction stored a response under the same caller and key first."""


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """An order of one vehicle (money in CNY)."""

    id: int
    buyer_id: int
    dealer_id: int
    model_id: int
    lead_id: int | None
    quote_id: int | None
    county_code: str
    price_cny: Decimal
    deposit_cny: Decimal
    state: str
    vin: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """The stored first response to an ``Idempotency-Key`` of one caller."""

    subject: str
    key: str
    request_sha256: str
    status_code: int
    response: dict[str, Any]
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """Where and when an order is handed over; proof once delivered."""

    order_id: int
    place: str
    event_id: int | None
    scheduled_on: dt.date
    delivered_at: dt.datetime | None
    proof_ref: str | None


@dataclass(frozen=True, slots=True)
class FollowUpRecord:
    """A follow-up due ``offset_days`` after delivery."""

    id: int
    order_id: int
    offset_days: int
    due_on: dt.date
    done_at: dt.datetime | None
    satisfaction: int | None
    note: str | None


class OrderRepository(Protocol):
    """Orders and everything hanging off them. Never commits."""

    def idempotency(self, subject: str, key: str) -> IdempotencyRecord | None: ...
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
        """Store the first response; ``DuplicateIdempotencyKeyError`` if a twin stored one."""

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
    ) -> OrderRecord: ...
    def get(self, order_id: int) -> OrderRecord | None: ...
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

    def list(
        self,
        *,
        buyer_id: int | None = None,
        dealer_id: int | None = None,
        county_prefix: str | None = None,
        state: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> builtins.list[OrderRecord]: ...
    def count_by_state(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None
    ) -> dict[str, int]: ...
    def schedule_delivery(
        self, order_id: int, *, place: str, event_id: int | None, scheduled_on: dt.date
    ) -> None:
        """Create or replace the delivery appointment."""

    def mark_delivered(self, order_id: int, *, proof_ref: str, now: dt.datetime) -> None: ...
    def delivery(self, order_id: int) -> DeliveryRecord | None: ...
    def add_follow_ups(self, order_id: int, due: Sequence[tuple[int, dt.date]]) -> None:
        """Follow-ups as (offset days, due date)."""

    def follow_ups(self, order_id: int) -> builtins.list[FollowUpRecord]: ...
    def follow_up(self, follow_up_id: int) -> FollowUpRecord | None: ...
    def complete_follow_up(
        self, follow_up_id: int, *, satisfaction: int, note: str | None, now: dt.datetime
    ) -> bool:
        """Mark done if still open; False when it was done already."""

    def due_follow_ups(
        self,
        *,
        dealer_id: int | None = None,
        county_prefix: str | None = None,
        due_by: dt.date,
        limit: int = 200,
    ) -> builtins.list[tuple[FollowUpRecord, OrderRecord]]: ...
    def open_follow_up_count(self, order_id: int) -> int: ...
    def follow_up_counts(
        self, *, dealer_id: int | None = None, county_prefix: str | None = None, due_by: dt.date
    ) -> dict[str, int]:
        """Follow-ups recorded and open ones due by the date: ``{"done": n, "due": n}``."""
