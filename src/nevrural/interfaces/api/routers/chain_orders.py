"""``/api/v1/orders`` and ``/api/v1/follow-ups``: idempotent ordering to follow-up calls."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, status
from fastapi.responses import JSONResponse

from nevrural.interfaces.api.chain_deps import CallerDep, ChainDep, chain_errors
from nevrural.interfaces.api.chain_schemas import (
    ContactRead,
    FollowUpComplete,
    FollowUpDue,
    OrderActionCreate,
    OrderCreate,
    OrderRead,
)
from nevrural.interfaces.api.deps import PathId
from nevrural.services.chain_orders import (
    OrderActionRequest,
    act_on_order,
    complete_follow_up,
    due_follow_ups,
    get_order,
    list_orders,
    order_contact,
    place_order,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["service chain"])

_AUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid bearer token or API key"},
    403: {"description": "The caller's role may not do this"},
    404: {"description": "No such record the caller may see"},
}
OrderState = Annotated[
    str | None,
    Query(
        pattern="^(placed|deposit_paid|allocated|delivery_scheduled|delivered|closed|"
        "cancelled|refunded)$"
    ),
]


@router.post(
    "/orders",
    response_model=OrderRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        **_AUTH,
        409: {"description": "No unit left, or the key was used with another body"},
        422: {"description": "A field or the Idempotency-Key is malformed"},
    },
)
def create_order(
    body: OrderCreate,
    caller: CallerDep,
    chain: ChainDep,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=200)],
) -> Any:
    """Place an order; one unit is reserved. The same key and body return the first answer."""
    with chain_errors():
        placed = place_order(
            chain,
            caller.principal,
            idempotency_key,
            body.model_dump(mode="json"),
            buyer_county_code=caller.buyer_county_code,
        )
    headers = {"Idempotent-Replayed": "true"} if placed.replayed else None
    return JSONResponse(placed.body, status_code=placed.status_code, headers=headers)


@router.get("/orders", response_model=list[OrderRead], responses=_AUTH)
def orders(
    caller: CallerDep,
    chain: ChainDep,
    state: OrderState = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Any:
    """Orders the caller may see, newest first."""
    with chain_errors():
        return list_orders(chain, caller.principal, state=state, limit=limit, offset=offset)


@router.get("/orders/{order_id}", response_model=OrderRead, responses=_AUTH)
def order(order_id: PathId, caller: CallerDep, chain: ChainDep) -> Any:
    """One order with its delivery and follow-ups."""
    with chain_errors():
        return get_order(chain, caller.principal, order_id)


@router.post(
    "/orders/{order_id}/actions",
    response_model=OrderRead,
    responses={
        **_AUTH,
        409: {"description": "The order's state does not allow the action"},
        422: {"description": "A field the action needs is missing or malformed"},
    },
)
def order_action(
    order_id: PathId, body: OrderActionCreate, caller: CallerDep, chain: ChainDep
) -> Any:
    """Pay the deposit, allocate, schedule or make the delivery, cancel, refund or close."""
    request = OrderActionRequest(**body.model_dump())
    with chain_errors():
        return act_on_order(chain, caller.principal, order_id, request)


@router.get("/orders/{order_id}/contact", response_model=ContactRead, responses=_AUTH)
def order_buyer_contact(order_id: PathId, caller: CallerDep, chain: ChainDep) -> Any:
    """The buyer's unmasked name and phone, for the dealer of the order (audited)."""
    with chain_errors():
        return order_contact(chain, caller.principal, order_id)


@router.get("/follow-ups", response_model=list[FollowUpDue], responses=_AUTH)
def follow_ups(caller: CallerDep, chain: ChainDep, due_by: dt.date | None = None) -> Any:
    """Open follow-ups due by a date (default: today), the dealer's work list."""
    with chain_errors():
        return due_follow_ups(chain, caller.principal, due_by=due_by or chain.clock().date())


@router.post(
    "/follow-ups/{follow_up_id}/complete",
    response_model=OrderRead,
    responses={**_AUTH, 409: {"description": "Done already"}},
)
def follow_up_complete(
    follow_up_id: PathId, body: FollowUpComplete, caller: CallerDep, chain: ChainDep
) -> Any:
    """Record a follow-up call; the order closes after its last one."""
    with chain_errors():
        return complete_follow_up(
            chain,
            caller.principal,
            follow_up_id,
            satisfaction=body.satisfaction,
            note=body.note,
        )
