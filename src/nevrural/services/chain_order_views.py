"""Orders rendered for a caller: JSON-ready, money as text, with the actions open to them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.service.orders import ORDER_MACHINE, OrderState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.service.principal import Role
    from nevrural.services.chain_order_ports import DeliveryRecord, FollowUpRecord, OrderRecord

__all__ = ["allowed_order_actions", "order_view"]


def allowed_order_actions(state: str, role: Role) -> list[str]:
    """The actions the machine allows from ``state`` for ``role`` (guards not applied)."""
    current = OrderState(state)
    return [
        action
        for action, transition in ORDER_MACHINE.items()
        if current in transition.sources and role in transition.roles
    ]


def order_view(
    order: OrderRecord,
    role: Role,
    *,
    delivery: DeliveryRecord | None = None,
    follow_ups: Sequence[FollowUpRecord] = (),
) -> dict[str, Any]:
    """An order as JSON: ids, state, money (CNY text), delivery and follow-ups."""
    return {
        "id": order.id,
        "state": order.state,
        "buyer_id": order.buyer_id,
        "dealer_id": order.dealer_id,
        "model_id": order.model_id,
        "lead_id": order.lead_id,
        "quote_id": order.quote_id,
        "county_code": order.county_code,
        "price_cny": f"{order.price_cny:.2f}",
        "deposit_cny": f"{order.deposit_cny:.2f}",
        "vin": order.vin,
        "created_at": order.created_at.isoformat(),
        "updated_at": order.updated_at.isoformat(),
        "allowed_actions": allowed_order_actions(order.state, role),
        "delivery": None
        if delivery is None
        else {
            "place": delivery.place,
            "event_id": delivery.event_id,
            "scheduled_on": delivery.scheduled_on.isoformat(),
            "delivered_at": None
            if delivery.delivered_at is None
            else delivery.delivered_at.isoformat(),
            "proof_ref": delivery.proof_ref,
        },
        "follow_ups": [
            {
                "id": f.id,
                "offset_days": f.offset_days,
                "due_on": f.due_on.isoformat(),
                "done_at": None if f.done_at is None else f.done_at.isoformat(),
                "satisfaction": f.satisfaction,
            }
            for f in follow_ups
        ],
    }
