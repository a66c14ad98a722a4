"""Use cases of orders: idempotent placement, atomic stock, the state machine, follow-ups.

Placement runs in one transaction: reserve one unit (a conditional UPDATE, so stock is
never oversold), insert the order, store the response under the caller's
``Idempotency-Key``, write the audit line, commit. A retry with the same key and body
returns the stored response; the same key with another body is refused (409). If two
requests with one key race, the second's key insert fails on the unique key, its
transaction (and reservation) rolls back, and it returns the first's response. Refusals
(4xx) are not stored: the request can be corrected and retried with the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nevrural.core.service.access import Ownership
from nevrural.core.service.orders import (
    OrderAction,
    OrderFacts,
    OrderState,
    decide_order,
    validate_action_fields,
)
from nevrural.core.service.principal import Role, scope_prefix
from nevrural.services.chain_context import audit, ensure_readable, list_filters
from nevrural.services.chain_errors import (
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)
from nevrural.services.chain_order_ports import DuplicateIdempotencyKeyError
from nevrural.services.chain_order_views import order_view
from nevrural.services.chain_people import buyer_contact

if TYPE_CHECKING:
    from collections.abc import Mapping
    from decimal import Decimal

    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork
    from nevrural.services.chain_order_ports import IdempotencyRecord, OrderRecord

__all__ = [
    "OrderActionRequest",
    "PlacedOrder",
    "act_on_order",
    "complete_follow_up",
    "due_follow_ups",
    "get_order",
    "list_orders",
    "order_contact",
    "order_owner",
    "place_order",
]

_KEY_CHARS = frozenset(map(chr, range(0x21, 0x7F)))


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """The HTTP status and body of a placement, and whether it replays a stored one."""

    status_code: int
    body: dict[str, Any]
    replayed: bool


@dataclass(frozen=True, slots=True)
class OrderActionRequest:
    """An action on an order with the fields it needs (see ``validate_action_fields``)."""

    action: str
    vin: str | None = None
    delivery_on: dt.date | None = None
    delivery_place: str | None = None
    event_id: int | None = None
    proof_ref: str | None = None
    deposit_cny: Decimal | None = None
    reason: str | None = None


def order_owner(order: OrderRecord) -> Ownership:
    """Who holds an order: its dealer, its buyer, organisers of its county."""
    return Ownership(
        county_code=order.county_code,
        enterprise_ids=frozenset({order.dealer_id}),
        buyer_id=order.buyer_id,
    )


def _check_key(key: str) -> str:
    if not 1 <= len(key) <= 200 or not set(key) <= _KEY_CHARS:
        raise ValueError("Idempotency-Key: 1–200 printable ASCII characters without spaces")
    return key


def _digest(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(stored: IdempotencyRecord, digest: str) -> PlacedOrder:
    if stored.request_sha256 != digest:
        raise ChainConflictError("Idempotency-Key: already used with a different request body")
    return PlacedOrder(stored.status_code, stored.response, replayed=True)


def place_order(
    ctx: ChainContext,
    principal: Principal,
    key: str,
    body: Mapping[str, Any],
    *,
    buyer_county_code: str | None,
) -> PlacedOrder:
    """Place a buyer's order for ``body`` = {dealer_id, model_id, quote_id?, lead_id?}.

    Raises ``ChainForbiddenError`` for a caller who is not a buyer, ``ValueError``
    naming a bad field, ``ChainNotFoundError`` for an unknown dealer, model, quote or
    lead, ``ChainConflictError`` when no unit is free or the key was used with another
    body.
    """
    if principal.role is not Role.BUYER or principal.buyer_id is None:
        raise ChainForbiddenError("only buyers place orders")
    _check_key(key)
    digest = _digest(body)
    dealer_id, model_id = int(body["dealer_id"]), int(body["model_id"])
    quote_id = body.get("quote_id")
    lead_id = body.get("lead_id")
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        stored = uow.orders.idempotency(principal.subject, key)
        if stored is not None:
            return _replay(stored, digest)
        try:
            placed = _place(
                uow,
                principal,
                key,
                digest,
                now,
                dealer_id=dealer_id,
                model_id=model_id,
                quote_id=quote_id,
                lead_id=lead_id,
                county_code=buyer_county_code,
            )
            uow.commit()
            return placed
        except DuplicateIdempotencyKeyError:
            uow.rollback()
    with ctx.uow_factory() as uow:  # a twin request committed first: answer as it did
        stored = uow.orders.idempotency(principal.subject, key)
    if stored is None:  # pragma: no cover - the twin's commit is visible once ours failed
        raise ChainConflictError("Idempotency-Key: a request with this key is in flight")
    return _replay(stored, digest)


def _place(
    uow: ChainUnitOfWork,
    principal: Principal,
    key: str,
    digest: str,
    now: dt.datetime,
    *,
    dealer_id: int,
    model_id: int,
    quote_id: int | None,
    lead_id: int | None,
    county_code: str | None,
) -> PlacedOrder:
    assert principal.buyer_id is not None
    if not uow.catalogue.reserve(dealer_id, model_id):
        if uow.catalogue.stock(dealer_id, model_id) is None:
            raise ChainNotFoundError(f"dealer {dealer_id} does not sell model {model_id}")
        raise ChainConflictError(f"model {model_id}: no unit left at dealer {dealer_id}")
    model = uow.catalogue.model(model_id)
    if model is None:  # pragma: no cover - stock rows reference existing models
        raise ChainNotFoundError(f"model {model_id} not found")
    if county_code is None:
        buyer = uow.buyers.get(principal.buyer_id)
        if buyer is None:
            raise ChainNotFoundError(f"buyer {principal.buyer_id} not found")
        county_code = buyer.county_code
    if quote_id is not None and uow.quotes.get(quote_id) is None:
        raise ChainNotFoundError(f"quote_id: quote {quote_id} not found")
    if lead_id is not None:
        lead = uow.leads.get(lead_id)
        if lead is None or lead.buyer_id != principal.buyer_id:
            raise ChainNotFoundError(f"lead_id: lead {lead_id} not found")
    order = uow.orders.add(
        buyer_id=principal.buyer_id,
        dealer_id=dealer_id,
        model_id=model_id,
        lead_id=lead_id,
        quote_id=quote_id,
        county_code=county_code,
        price_cny=model.price_cny,
        state=OrderState.PLACED.value,
        now=now,
    )
    if lead_id is not None:
        uow.leads.mark_converted(lead_id, now)
    body = order_view(order, Role.BUYER)
    uow.orders.remember(
        subject=principal.subject,
        key=key,
        request_sha256=digest,
        status_code=201,
        response=body,
        now=now,
    )
    audit(
        uow,
        principal,
        at=now,
        action="order.placed",
        record_type="order",
        record_id=order.id,
        owner=order_owner(order),
        model_id=model_id,
    )
    return PlacedOrder(201, body, replayed=False)


def _readable_order(uow: ChainUnitOfWork, principal: Principal, order_id: int) -> OrderRecord:
    order = uow.orders.get(order_id)
    if order is None:
        raise ChainNotFoundError(f"order {order_id} not found")
    ensure_readable(principal, order_owner(order), "order", order_id)
    return order


def get_order(ctx: ChainContext, principal: Principal, order_id: int) -> dict[str, Any]:
    """One order with its delivery and follow-ups, as the caller may see it."""
    with ctx.uow_factory() as uow:
        order = _readable_order(uow, principal, order_id)
        return order_view(
            order,
            principal.role,
            delivery=uow.orders.delivery(order_id),
            follow_ups=uow.orders.follow_ups(order_id),
        )


def list_orders(
    ctx: ChainContext,
    principal: Principal,
    *,
    state: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Orders the caller may see: their own, their dealership's, or their jurisdiction's."""
    filters = list_filters(
        principal,
        enterprise_field="dealer_id",
        state=state,
        states=OrderState,
        limit=limit,
        offset=offset,
    )
    with ctx.uow_factory() as uow:
        return [order_view(o, principal.role) for o in uow.orders.list(**filters)]


def act_on_order(
    ctx: ChainContext, principal: Principal, order_id: int, request: OrderActionRequest
) -> dict[str, Any]:
    """Apply an action; 409 when the order's state does not allow it, 403 for the role."""
    now = ctx.clock()
    validate_action_fields(
        request.action,
        vin=request.vin,
        delivery_on=request.delivery_on,
        delivery_place=request.delivery_place,
        event_id=None if request.event_id is None else str(request.event_id),
        proof_ref=request.proof_ref,
        deposit_cny=request.deposit_cny,
        today=now.date(),
    )
    with ctx.uow_factory() as uow:
        order = _readable_order(uow, principal, order_id)
        facts = OrderFacts(
            state=OrderState(order.state),
            deposit_paid_cny=order.deposit_cny,
            open_follow_ups=uow.orders.open_follow_up_count(order_id),
        )
        decision = decide_order(facts, request.action, principal.role)
        _apply_side_effects(uow, order, request, decision.follow_up_offsets_days, now)
        moved = uow.orders.move(
            order_id,
            from_state=order.state,
            to_state=decision.state.value,
            now=now,
            deposit_cny=request.deposit_cny if request.action == OrderAction.PAY_DEPOSIT else None,
            vin=request.vin if request.action == OrderAction.ALLOCATE else None,
        )
        if not moved:
            raise ChainConflictError(f"order {order_id} changed meanwhile; read it and retry")
        stock = decision.stock
        if stock.reserved_units or stock.on_hand_units:
            uow.catalogue.change_stock(
                order.dealer_id, order.model_id, stock.reserved_units, stock.on_hand_units
            )
        audit(
            uow,
            principal,
            at=now,
            action=f"order.{request.action}",
            record_type="order",
            record_id=order_id,
            owner=order_owner(order),
            from_state=order.state,
            to_state=decision.state.value,
            reason=request.reason,
        )
        uow.commit()
    return get_order(ctx, principal, order_id)


def _apply_side_effects(
    uow: ChainUnitOfWork,
    order: OrderRecord,
    request: OrderActionRequest,
    follow_up_offsets_days: tuple[int, ...],
    now: dt.datetime,
) -> None:
    if request.action == OrderAction.SCHEDULE_DELIVERY:
        assert request.delivery_on is not None
        assert request.delivery_place is not None
        if request.event_id is not None:
            event = uow.catalogue.event(request.event_id)
            if event is None:
                raise ChainNotFoundError(f"event_id: event {request.event_id} not found")
        uow.orders.schedule_delivery(
            order.id,
            place=request.delivery_place,
            event_id=request.event_id,
            scheduled_on=request.delivery_on,
        )
    elif request.action == OrderAction.DELIVER:
        assert request.proof_ref is not None
        uow.orders.mark_delivered(order.id, proof_ref=request.proof_ref, now=now)
        day = now.date()
        uow.orders.add_follow_ups(
            order.id, [(days, day + dt.timedelta(days=days)) for days in follow_up_offsets_days]
        )


def complete_follow_up(
    ctx: ChainContext,
    principal: Principal,
    follow_up_id: int,
    *,
    satisfaction: int,
    note: str | None,
) -> dict[str, Any]:
    """Record a follow-up call (dealer); the order closes itself after the last one."""
    if not 1 <= satisfaction <= 5:
        raise ValueError("satisfaction: 1 to 5")
    if note is not None and len(note) > 500:
        raise ValueError("note: at most 500 characters")
    if principal.role is not Role.ENTERPRISE:
        raise ChainForbiddenError("only the dealer records follow-ups")
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        follow_up = uow.orders.follow_up(follow_up_id)
        if follow_up is None:
            raise ChainNotFoundError(f"follow-up {follow_up_id} not found")
        order = _readable_order(uow, principal, follow_up.order_id)
        if not uow.orders.complete_follow_up(
            follow_up_id, satisfaction=satisfaction, note=note, now=now
        ):
            raise ChainConflictError(f"follow-up {follow_up_id} is done already")
        audit(
            uow,
            principal,
            at=now,
            action="follow_up.done",
            record_type="order",
            record_id=order.id,
            owner=order_owner(order),
            follow_up_id=follow_up_id,
            satisfaction=satisfaction,
        )
        if uow.orders.open_follow_up_count(order.id) == 0 and order.state == "delivered":
            uow.orders.move(order.id, from_state="delivered", to_state="closed", now=now)
            audit(
                uow,
                principal,
                at=now,
                action="order.close",
                record_type="order",
                record_id=order.id,
                owner=order_owner(order),
                from_state="delivered",
                to_state="closed",
                reason="last follow-up done",
            )
        uow.commit()
    return get_order(ctx, principal, order.id)


def due_follow_ups(
    ctx: ChainContext, principal: Principal, *, due_by: dt.date
) -> list[dict[str, Any]]:
    """Open follow-ups due by a date: a dealer's, or in an organiser's jurisdiction."""
    if principal.role is Role.BUYER:
        raise ChainForbiddenError("follow-ups are the dealer's work list")
    with ctx.uow_factory() as uow:
        rows = uow.orders.due_follow_ups(
            dealer_id=principal.enterprise_id if principal.role is Role.ENTERPRISE else None,
            county_prefix=scope_prefix(principal.scope_code)
            if principal.role is Role.ORGANISER
            else None,
            due_by=due_by,
        )
    return [
        {
            "id": f.id,
            "order_id": o.id,
            "offset_days": f.offset_days,
            "due_on": f.due_on.isoformat(),
            "overdue": f.due_on < ctx.clock().date(),
        }
        for f, o in rows
    ]


def order_contact(ctx: ChainContext, principal: Principal, order_id: int) -> dict[str, Any]:
    """The buyer's unmasked contact for the order's dealer (or the buyer), audited."""
    with ctx.uow_factory() as uow:
        order = _readable_order(uow, principal, order_id)
    return buyer_contact(
        ctx,
        principal,
        order.buyer_id,
        order_owner(order),
        record_type="order",
        record_id=order_id,
        purpose="delivery and follow-up",
    )
