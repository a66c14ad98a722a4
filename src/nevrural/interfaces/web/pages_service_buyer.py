"""``/my/orders`` and ``/my/tickets``: a buyer's orders and after-sales tickets.

Each action is a small form posted to the page's ``…/actions`` URL, which calls the same
use case as the API with the signed-in buyer and redirects back (POST-redirect-GET);
a refusal re-renders the page with the use case's message next to the field it names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nevrural.core.service.tickets import SLA_HOURS, TicketSeverity
from nevrural.interfaces.api.deps import PathId
from nevrural.interfaces.web.pages_service_forms import (
    LIST_LIMIT,
    REFUSALS,
    FormError,
    FormErrors,
    chain_of,
    container_of,
    decimal_field,
    error_of,
    id_field,
    local_moment,
    redirect,
    refusal_status,
    values_of,
)
from nevrural.interfaces.web.pages_service_records import (
    county_names,
    enterprises_by_id,
    events_by_id,
    models_by_id,
)
from nevrural.interfaces.web.session import BuyerDep, WebCaller
from nevrural.interfaces.web.templating import render
from nevrural.services.chain_orders import OrderActionRequest, act_on_order, get_order, list_orders
from nevrural.services.chain_tickets import TicketParams, act_on_ticket, list_tickets, open_ticket

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_ORDER_FIELDS = ("action", "deposit_cny", "reason")
_TICKET_FIELDS = ("severity", "summary", "order_id")
_TICKET_ACTION_FIELDS = ("action", "note")
_DONE = frozenset(
    {"placed", "pay_deposit", "cancel", "opened", "close", "reopen"},
)


def _done(request: Request) -> str | None:
    """The action just done (``?done=…``), for the confirmation line."""
    done = request.query_params.get("done")
    return done if done in _DONE else None


def _orders_page(
    request: Request,
    caller: WebCaller,
    *,
    errors: FormErrors | None = None,
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> HTMLResponse:
    ctx = chain_of(request)
    summaries = list_orders(ctx, caller.principal, limit=LIST_LIMIT)
    orders = [get_order(ctx, caller.principal, o["id"]) for o in summaries]
    events = [o["delivery"]["event_id"] for o in orders if o["delivery"] is not None]
    errors = errors or {}
    context: dict[str, Any] = {
        "orders": orders,
        "models": models_by_id(ctx),
        "dealers": enterprises_by_id(ctx, [o["dealer_id"] for o in orders]),
        "events": events_by_id(ctx, events),
        "counties": county_names(container_of(request)),
        "errors": errors,
        "values": values or {},
        "done": _done(request),
        "highlight": request.query_params.get("order_id"),
        "when": local_moment,
    }
    return render(
        request, "my_orders.html", context, caller=caller, status_code=refusal_status(errors)
    )


@router.get("/my/orders", response_class=HTMLResponse)
def my_orders(request: Request, caller: BuyerDep) -> HTMLResponse:
    """The buyer's orders: state, dealer, model, price, delivery, follow-ups, actions."""
    return _orders_page(request, caller)


@router.post("/my/orders/{order_id}/actions", response_class=HTMLResponse)
async def my_order_action(request: Request, order_id: PathId, caller: BuyerDep) -> Response:
    """Pay the deposit or cancel (what the order machine opens to a buyer)."""
    form = values_of(await request.form())
    action = form.get("action", "")
    try:
        order_request = OrderActionRequest(
            action=action,
            deposit_cny=decimal_field(form.get("deposit_cny"), "deposit_cny"),
            reason=(form.get("reason") or "").strip() or None,
        )
        act_on_order(chain_of(request), caller.principal, order_id, order_request)
    except REFUSALS as refused:
        key = f"order-{order_id}"
        error = error_of(refused, key, _ORDER_FIELDS)
        return _orders_page(request, caller, errors={key: {error.field: error}}, values={key: form})
    return redirect(f"/my/orders?done={action}&order_id={order_id}#order-{order_id}")


def _tickets_page(
    request: Request,
    caller: WebCaller,
    *,
    errors: FormErrors | None = None,
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> HTMLResponse:
    ctx = chain_of(request)
    errors = errors or {}
    context: dict[str, Any] = {
        "tickets": list_tickets(ctx, caller.principal, limit=LIST_LIMIT),
        "orders": list_orders(ctx, caller.principal, limit=LIST_LIMIT),
        "models": models_by_id(ctx),
        "severities": [s.value for s in TicketSeverity],
        "errors": errors,
        "values": values or {},
        "done": _done(request),
        "highlight": request.query_params.get("ticket_id"),
        "when": local_moment,
        "sla_hours": {severity.value: hours for severity, hours in SLA_HOURS.items()},
    }
    return render(
        request, "my_tickets.html", context, caller=caller, status_code=refusal_status(errors)
    )


@router.get("/my/tickets", response_class=HTMLResponse)
def my_tickets(request: Request, caller: BuyerDep) -> HTMLResponse:
    """The buyer's tickets with their SLA, a form to open one, close and reopen."""
    return _tickets_page(request, caller)


@router.post("/my/tickets", response_class=HTMLResponse)
async def my_ticket_open(request: Request, caller: BuyerDep) -> Response:
    """Open a ticket at the nearest open service point (``open_ticket``)."""
    form = values_of(await request.form())
    try:
        params = TicketParams(
            severity=form.get("severity", ""),
            summary=form.get("summary", ""),
            order_id=id_field(form.get("order_id"), "order_id"),
        )
        ticket = open_ticket(chain_of(request), caller.principal, params)
    except REFUSALS as refused:
        error = error_of(refused, "ticket", _TICKET_FIELDS)
        return _tickets_page(
            request, caller, errors={"ticket": {error.field: error}}, values={"ticket": form}
        )
    ticket_id = ticket["id"]
    return redirect(f"/my/tickets?done=opened&ticket_id={ticket_id}#ticket-{ticket_id}")


@router.post("/my/tickets/{ticket_id}/actions", response_class=HTMLResponse)
async def my_ticket_action(request: Request, ticket_id: PathId, caller: BuyerDep) -> Response:
    """Close a resolved ticket, or reopen it."""
    form = values_of(await request.form())
    action = form.get("action", "")
    try:
        act_on_ticket(chain_of(request), caller.principal, ticket_id, action, form.get("note"))
    except REFUSALS as refused:
        key = f"ticket-{ticket_id}"
        error: FormError = error_of(refused, key, _TICKET_ACTION_FIELDS)
        return _tickets_page(
            request, caller, errors={key: {error.field: error}}, values={key: form}
        )
    return redirect(f"/my/tickets?done={action}&ticket_id={ticket_id}#ticket-{ticket_id}")
