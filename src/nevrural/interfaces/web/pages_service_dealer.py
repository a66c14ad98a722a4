"""``/dealer``: the dealer's workspace — leads, orders by state, deliveries, follow-ups.

Incoming leads are the ones offered to this dealer (accept, or decline saying why);
accepted leads have a *contact* button that reveals the buyer's name and phone through
``lead_contact``, which writes the audit log. Orders are grouped by state with the
actions the order machine opens to a dealer; allocated orders wait for a delivery date
at the dealer or at a campaign event in the dealer's counties; delivered orders bring
their follow-up calls. Every form posts to a ``/dealer/…`` URL that calls the same use
case as the API and redirects back; a refusal is shown next to the field it names.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nevrural.core.service.orders import OrderState
from nevrural.interfaces.api.deps import PathId
from nevrural.interfaces.web.pages_service_forms import (
    LIST_LIMIT,
    REFUSALS,
    FormErrors,
    chain_of,
    container_of,
    date_field,
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
    events_by_id,
    events_in_counties,
    models_by_id,
)
from nevrural.interfaces.web.session import EnterpriseDep as DealerDep
from nevrural.interfaces.web.session import WebCaller
from nevrural.interfaces.web.templating import render
from nevrural.services.chain_catalogue import get_enterprise
from nevrural.services.chain_lead_reads import lead_contact, list_leads
from nevrural.services.chain_leads import DEFAULT_CONSENT_SCOPE, accept_lead, decline_lead
from nevrural.services.chain_orders import (
    OrderActionRequest,
    act_on_order,
    complete_follow_up,
    due_follow_ups,
    get_order,
    list_orders,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["FOLLOW_UP_HORIZON", "router"]

router = APIRouter(include_in_schema=False)

# The follow-up list shows calls due within a week, so the dealer can plan them.
FOLLOW_UP_HORIZON = dt.timedelta(days=7)
_ORDER_FIELDS = {
    "action": "action",
    "vin": "vin",
    "delivery_on": "delivery_on",
    "delivery_place": "delivery_place",
    "event_id": "event_id",
    "proof_ref": "proof_ref",
    "deposit_cny": "deposit_cny",
    "reason": "reason",
}
_FOLLOW_UP_FIELDS = ("satisfaction", "note")
_WITH_DELIVERY = frozenset({OrderState.DELIVERY_SCHEDULED, OrderState.DELIVERED})
_FINISHED = frozenset({OrderState.CLOSED, OrderState.CANCELLED, OrderState.REFUNDED})
_DONE = frozenset(
    {"accepted", "declined", "follow_up", "pay_deposit", "allocate", "schedule_delivery"}
    | {"deliver", "close", "cancel", "refund"}
)


def _order_groups(
    request: Request, caller: WebCaller
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The dealer's orders grouped by state (machine order), and those awaiting a date."""
    ctx = chain_of(request)
    orders = list_orders(ctx, caller.principal, limit=LIST_LIMIT)
    orders = [
        get_order(ctx, caller.principal, o["id"]) if o["state"] in _WITH_DELIVERY else o
        for o in orders
    ]
    groups = [
        {
            "state": state.value,
            "orders": [o for o in orders if o["state"] == state],
            "is_finished": state in _FINISHED,
        }
        for state in OrderState
    ]
    to_schedule = [o for o in orders if o["state"] == OrderState.ALLOCATED]
    return [g for g in groups if g["orders"]], to_schedule


def _page(
    request: Request,
    caller: WebCaller,
    *,
    errors: FormErrors | None = None,
    values: Mapping[str, Mapping[str, str]] | None = None,
    revealed: Mapping[int, Mapping[str, Any]] | None = None,
) -> HTMLResponse:
    ctx = chain_of(request)
    principal = caller.principal
    me = get_enterprise(ctx, principal.enterprise_id) if principal.enterprise_id else None
    counties = list(me["service_counties"]) if me is not None else []
    groups, to_schedule = _order_groups(request, caller)
    scheduled = [o for g in groups for o in g["orders"] if o.get("delivery")]
    today = ctx.clock().date()
    errors = errors or {}
    context: dict[str, Any] = {
        "me": me,
        "offered": list_leads(ctx, principal, state="offered", limit=LIST_LIMIT),
        "accepted": list_leads(ctx, principal, state="accepted", limit=LIST_LIMIT),
        "groups": groups,
        "orders_by_id": {o["id"]: o for g in groups for o in g["orders"]},
        "to_schedule": to_schedule,
        "follow_ups": due_follow_ups(ctx, principal, due_by=today + FOLLOW_UP_HORIZON),
        "events": events_in_counties(ctx, counties),
        "delivery_events": events_by_id(ctx, [o["delivery"]["event_id"] for o in scheduled]),
        "models": models_by_id(ctx),
        "counties": county_names(container_of(request)),
        "today": today.isoformat(),
        "errors": errors,
        "values": values or {},
        "revealed": revealed or {},
        "when": local_moment,
        "default_consent": DEFAULT_CONSENT_SCOPE,
        "done": request.query_params.get("done")
        if request.query_params.get("done") in _DONE
        else None,
    }
    return render(
        request, "dealer.html", context, caller=caller, status_code=refusal_status(errors)
    )


@router.get("/dealer", response_class=HTMLResponse)
def dealer_workspace(request: Request, caller: DealerDep) -> HTMLResponse:
    """Incoming and accepted leads, orders by state, deliveries to schedule, follow-ups."""
    return _page(request, caller)


@router.post("/dealer/leads/{lead_id}/accept", response_class=HTMLResponse)
def dealer_accept(request: Request, lead_id: PathId, caller: DealerDep) -> Response:
    """Accept a lead offered to this dealer (before its deadline)."""
    try:
        accept_lead(chain_of(request), caller.principal, lead_id)
    except REFUSALS as refused:
        key = f"lead-{lead_id}"
        error = error_of(refused, key, ())
        return _page(request, caller, errors={key: {error.field: error}})
    return redirect(f"/dealer?done=accepted#lead-{lead_id}")


@router.post("/dealer/leads/{lead_id}/decline", response_class=HTMLResponse)
async def dealer_decline(request: Request, lead_id: PathId, caller: DealerDep) -> Response:
    """Decline a lead, saying why; it moves on to the next qualified dealer."""
    form = values_of(await request.form())
    try:
        decline_lead(chain_of(request), caller.principal, lead_id, note=form.get("note", ""))
    except REFUSALS as refused:
        key = f"lead-{lead_id}"
        error = error_of(refused, key, ("note",))
        return _page(request, caller, errors={key: {error.field: error}}, values={key: form})
    return redirect("/dealer?done=declined#incoming")


@router.post("/dealer/leads/{lead_id}/contact", response_class=HTMLResponse)
def dealer_contact(request: Request, lead_id: PathId, caller: DealerDep) -> Response:
    """Reveal the buyer's name and phone of an accepted lead (``lead_contact``, audited).

    With htmx only the contact is returned, in place of the button; without it the
    workspace is drawn with the contact shown.
    """
    key = f"lead-{lead_id}"
    try:
        contact = lead_contact(chain_of(request), caller.principal, lead_id)
    except REFUSALS as refused:
        error = error_of(refused, key, ())
        if request.headers.get("HX-Request") == "true":
            # 200: htmx swaps only successful answers, and this one carries the refusal.
            refusal: dict[str, Any] = {"lead_id": lead_id, "contact": None, "error": error}
            return render(request, "_service_contact.html", refusal, caller=caller)
        return _page(request, caller, errors={key: {error.field: error}})
    if request.headers.get("HX-Request") == "true":
        shown: dict[str, Any] = {"lead_id": lead_id, "contact": contact, "error": None}
        return render(request, "_service_contact.html", shown, caller=caller)
    return _page(request, caller, revealed={lead_id: contact})


def _action_request(form: Mapping[str, str]) -> OrderActionRequest:
    """The order action of a dealer's form (text turned into numbers and dates)."""
    place = (form.get("delivery_place") or "").strip() or None
    return OrderActionRequest(
        action=form.get("action", ""),
        vin=(form.get("vin") or "").strip().upper() or None,
        delivery_on=date_field(form.get("delivery_on"), "delivery_on"),
        delivery_place=place,
        event_id=id_field(form.get("event_id"), "event_id") if place == "event" else None,
        proof_ref=(form.get("proof_ref") or "").strip() or None,
        deposit_cny=decimal_field(form.get("deposit_cny"), "deposit_cny"),
        reason=(form.get("reason") or "").strip() or None,
    )


@router.post("/dealer/orders/{order_id}/actions", response_class=HTMLResponse)
async def dealer_order_action(request: Request, order_id: PathId, caller: DealerDep) -> Response:
    """Allocate, schedule the delivery, deliver, close, cancel, refund or record a deposit."""
    form = values_of(await request.form())
    action = form.get("action", "")
    try:
        act_on_order(chain_of(request), caller.principal, order_id, _action_request(form))
    except REFUSALS as refused:
        key = f"order-{order_id}"
        error = error_of(refused, key, _ORDER_FIELDS)
        return _page(request, caller, errors={key: {error.field: error}}, values={key: form})
    return redirect(f"/dealer?done={action}#order-{order_id}")


@router.post("/dealer/follow-ups/{follow_up_id}", response_class=HTMLResponse)
async def dealer_follow_up(request: Request, follow_up_id: PathId, caller: DealerDep) -> Response:
    """Record a follow-up call: the buyer's satisfaction (1-5) and a note."""
    form = values_of(await request.form())
    key = f"follow-up-{follow_up_id}"
    try:
        text = (form.get("satisfaction") or "").strip()
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"satisfaction: choose 1 to 5, got {text!r}")
        complete_follow_up(
            chain_of(request),
            caller.principal,
            follow_up_id,
            satisfaction=int(text),
            note=(form.get("note") or "").strip() or None,
        )
    except REFUSALS as refused:
        error = error_of(refused, key, _FOLLOW_UP_FIELDS)
        return _page(request, caller, errors={key: {error.field: error}}, values={key: form})
    return redirect("/dealer?done=follow_up#follow-ups")
