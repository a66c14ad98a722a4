"""``/api/v1/tickets``, ``/api/v1/trade-ins``, ``/api/v1/service-points``: after-sales."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from nevrural.interfaces.api.chain_aftersales_schemas import (
    ServicePointRead,
    TicketActionCreate,
    TicketContactRead,
    TicketCreate,
    TicketRead,
    TicketState,
    TradeInActionCreate,
    TradeInCreate,
    TradeInRead,
    TradeInState,
)
from nevrural.interfaces.api.chain_deps import CallerDep, ChainDep, chain_errors
from nevrural.interfaces.api.deps import PathId
from nevrural.services.chain_tickets import (
    TicketParams,
    act_on_ticket,
    get_ticket,
    list_service_points,
    list_tickets,
    open_ticket,
    ticket_contact,
)
from nevrural.services.chain_trade_ins import (
    TradeInActionParams,
    TradeInParams,
    act_on_trade_in,
    get_trade_in,
    list_trade_ins,
    submit_trade_in,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["service chain"])

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]

_Responses = dict[int | str, dict[str, Any]]
_401: _Responses = {401: {"description": "No valid bearer token or API key"}}
_403: _Responses = {403: {"description": "The caller's role may not do this"}}
_404: _Responses = {404: {"description": "No such record the caller may see"}}
_409: _Responses = {
    409: {"description": "The record's state does not allow it, or it changed meanwhile"}
}
_422: _Responses = {422: {"description": "A field is missing or malformed (named in detail)"}}


@router.post(
    "/tickets",
    response_model=TicketRead,
    status_code=status.HTTP_201_CREATED,
    responses={**_401, **_403, **_404, **_422},
)
def create_ticket(body: TicketCreate, caller: CallerDep, chain: ChainDep) -> Any:
    """Open a ticket (buyers): it goes to the nearest open service point, with an SLA."""
    with chain_errors():
        return open_ticket(chain, caller.principal, TicketParams(**body.model_dump()))


@router.get("/tickets", response_model=list[TicketRead], responses={**_401, **_422})
def tickets(
    caller: CallerDep,
    chain: ChainDep,
    state: TicketState | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """Tickets the caller may see, newest first: own, at its points, or its jurisdiction's."""
    with chain_errors():
        return list_tickets(chain, caller.principal, state=state, limit=limit, offset=offset)


@router.get("/tickets/{ticket_id}", response_model=TicketRead, responses={**_401, **_404})
def ticket(ticket_id: PathId, caller: CallerDep, chain: ChainDep) -> Any:
    """One ticket: the buyer masked, the service point, the SLA due time and breach."""
    with chain_errors():
        return get_ticket(chain, caller.principal, ticket_id)


@router.post(
    "/tickets/{ticket_id}/actions",
    response_model=TicketRead,
    responses={**_401, **_403, **_404, **_409, **_422},
)
def ticket_action(
    ticket_id: PathId, body: TicketActionCreate, caller: CallerDep, chain: ChainDep
) -> Any:
    """Start or resolve (the point's enterprise), close (buyer or enterprise) or reopen (buyer)."""
    with chain_errors():
        return act_on_ticket(chain, caller.principal, ticket_id, body.action, body.note)


@router.get(
    "/tickets/{ticket_id}/contact",
    response_model=TicketContactRead,
    responses={**_401, **_403, **_404, **_409},
)
def ticket_buyer_contact(ticket_id: PathId, caller: CallerDep, chain: ChainDep) -> Any:
    """The buyer's unmasked name and phone for the enterprise handling the ticket (audited)."""
    with chain_errors():
        return ticket_contact(chain, caller.principal, ticket_id)


@router.post(
    "/trade-ins",
    response_model=TradeInRead,
    status_code=status.HTTP_201_CREATED,
    responses={**_401, **_403, **_404, **_409, **_422},
)
def create_trade_in(body: TradeInCreate, caller: CallerDep, chain: ChainDep) -> Any:
    """Submit a trade-in (the buyer, or the dealer for the buyer's order there)."""
    params = TradeInParams(
        kind=body.kind,
        dealer_id=body.dealer_id,
        order_id=body.order_id,
        quote_id=body.quote_id,
        old_vehicle=body.old_vehicle.model_dump(),
    )
    with chain_errors():
        return submit_trade_in(chain, caller.principal, params)


@router.get("/trade-ins", response_model=list[TradeInRead], responses={**_401, **_422})
def trade_ins(
    caller: CallerDep,
    chain: ChainDep,
    state: TradeInState | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """Trade-ins the caller may see, newest first: own, its dealership's, its jurisdiction's."""
    with chain_errors():
        return list_trade_ins(chain, caller.principal, state=state, limit=limit, offset=offset)


@router.get("/trade-ins/{trade_in_id}", response_model=TradeInRead, responses={**_401, **_404})
def trade_in(trade_in_id: PathId, caller: CallerDep, chain: ChainDep) -> Any:
    """One trade-in with its appraisal, certificate and subsidy claim."""
    with chain_errors():
        return get_trade_in(chain, caller.principal, trade_in_id)


@router.post(
    "/trade-ins/{trade_in_id}/actions",
    response_model=TradeInRead,
    responses={**_401, **_403, **_404, **_409, **_422},
)
def trade_in_action(
    trade_in_id: PathId, body: TradeInActionCreate, caller: CallerDep, chain: ChainDep
) -> Any:
    """Appraise, certify, submit the claim (dealer); approve or pay it (organiser); reject."""
    params = TradeInActionParams(**body.model_dump())
    with chain_errors():
        return act_on_trade_in(chain, caller.principal, trade_in_id, params)


@router.get("/service-points", response_model=list[ServicePointRead], responses={**_401, **_422})
def service_points(
    caller: CallerDep,
    chain: ChainDep,
    county_prefix: Annotated[str, Query(pattern=r"^[0-9]{0,6}$")] = "",
) -> Any:
    """Service points in counties whose code starts with the prefix (any signed-in caller)."""
    with chain_errors():
        return list_service_points(chain, caller.principal, county_prefix)
