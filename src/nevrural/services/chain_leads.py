"""Use cases of leads: submit with consent, route, accept or decline, close.

A lead is submitted by a signed-in buyer for themself, or by enterprise staff on a
buyer's behalf (a livestream host, a salesperson at an event), always with the buyer's
consent to be contacted. It is offered to the nearest qualified dealer
(`chain_lead_routing`), who accepts or declines before the deadline; a declined or
expired offer moves the lead on. Every write is audited in the same transaction.
Reading leads is in `chain_lead_reads`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nevrural.core.service.leads import LeadChannel, LeadState, OfferOutcome
from nevrural.core.service.principal import Role
from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError
from nevrural.services.chain_errors import (
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)
from nevrural.services.chain_lead_fields import clean_text, county_division
from nevrural.services.chain_lead_reads import get_lead, lead_detail, readable_lead
from nevrural.services.chain_lead_routing import (
    find_dealer,
    move_on,
    offer_to,
    record,
)
from nevrural.services.chain_lead_views import offer_view
from nevrural.services.chain_people import find_or_add_buyer

if TYPE_CHECKING:
    import datetime as dt

    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork
    from nevrural.services.chain_lead_ports import LeadOfferRecord, LeadRecord
    from nevrural.services.chain_ports import BuyerRecord

__all__ = [
    "DEFAULT_CONSENT_SCOPE",
    "LeadSubmitParams",
    "accept_lead",
    "close_lead",
    "decline_lead",
    "submit_lead",
]

DEFAULT_CONSENT_SCOPE = "contact by the dealer about this purchase"
CONSENT_SCOPE_MAX_CHARS = 200
NOTE_MAX_CHARS = 300
_AUTOMAKER_KIND = "automaker"


@dataclass(frozen=True, slots=True)
class LeadSubmitParams:
    """A lead as submitted; ``phone``, ``name`` only when staff submit for a buyer."""

    channel: str
    consent: bool
    consent_scope: str = DEFAULT_CONSENT_SCOPE
    livestream_id: int | None = None
    event_id: int | None = None
    county_code: str | None = None
    model_id: int | None = None
    brand_id: int | None = None
    phone: str | None = None
    name: str | None = None


def _check_submission(principal: Principal, params: LeadSubmitParams) -> tuple[LeadChannel, str]:
    """The channel and the consent scope, after the checks that need no database."""
    if principal.role is Role.ORGANISER:
        raise ChainForbiddenError("organisers do not submit leads")
    if params.consent is not True:
        raise ValueError("consent: the buyer must consent to be contacted about this lead")
    scope = clean_text(params.consent_scope, "consent_scope", CONSENT_SCOPE_MAX_CHARS)
    try:
        channel = LeadChannel(params.channel)
    except ValueError:
        allowed = ", ".join(c.value for c in LeadChannel)
        raise ValueError(f"channel: one of {allowed}, got {params.channel!r}") from None
    for field, value, needed in (
        ("livestream_id", params.livestream_id, LeadChannel.LIVESTREAM),
        ("event_id", params.event_id, LeadChannel.EVENT),
    ):
        if channel is needed and value is None:
            raise ValueError(f"{field}: required for a {needed.value} lead")
        if channel is not needed and value is not None:
            raise ValueError(f"{field}: only for channel {needed.value!r}")
    if principal.role is Role.BUYER and (params.phone is not None or params.name is not None):
        raise ValueError("phone: a buyer submits for themself; leave phone and name out")
    if principal.role is Role.ENTERPRISE and (params.phone is None or params.county_code is None):
        missing = "phone" if params.phone is None else "county_code"
        raise ValueError(f"{missing}: required when staff submit a lead for a buyer")
    return channel, scope


def _check_sources(uow: ChainUnitOfWork, params: LeadSubmitParams) -> int | None:
    """Check the livestream, event, model and brand exist; returns the brand (automaker)."""
    if params.livestream_id is not None and uow.catalogue.livestream(params.livestream_id) is None:
        raise ChainNotFoundError(f"livestream_id: livestream {params.livestream_id} not found")
    if params.event_id is not None and uow.catalogue.event(params.event_id) is None:
        raise ChainNotFoundError(f"event_id: event {params.event_id} not found")
    if params.model_id is not None:
        model = uow.catalogue.model(params.model_id)
        if model is None:
            raise ChainNotFoundError(f"model_id: model {params.model_id} not found")
        if params.brand_id is not None and params.brand_id != model.automaker_id:
            raise ValueError(
                f"brand_id: model {model.id} is of brand {model.automaker_id},"
                f" not {params.brand_id}"
            )
        return model.automaker_id
    if params.brand_id is not None:
        brand = uow.enterprises.get(params.brand_id)
        if brand is None or brand.kind != _AUTOMAKER_KIND:
            raise ChainNotFoundError(f"brand_id: brand {params.brand_id} not found")
    return params.brand_id


def _buyer_of(
    ctx: ChainContext,
    uow: ChainUnitOfWork,
    principal: Principal,
    params: LeadSubmitParams,
    now: dt.datetime,
) -> tuple[BuyerRecord, str]:
    """The lead's buyer and county: the signed-in buyer, or found or added by phone."""
    if principal.role is Role.BUYER:
        buyer = uow.buyers.get(principal.buyer_id) if principal.buyer_id is not None else None
        if buyer is None:
            raise ChainNotFoundError(f"buyer {principal.buyer_id} not found")
        if buyer.erased_at is not None:
            raise ChainConflictError("buyer: personal data erased; sign up again to submit")
        county = params.county_code or buyer.county_code
        county_division(uow, county)
        uow.buyers.touch(buyer.id, now)
        return buyer, county
    assert params.phone is not None
    assert params.county_code is not None
    county_division(uow, params.county_code)
    buyer = find_or_add_buyer(
        uow,
        ctx.vault,
        phone=params.phone,
        name=params.name,
        id_card_no=None,
        county_code=params.county_code,
        now=now,
    )
    return buyer, params.county_code


def submit_lead(
    ctx: ChainContext, principal: Principal, params: LeadSubmitParams
) -> dict[str, Any]:
    """Store a consented lead and offer it to the nearest qualified dealer.

    Raises ``ValueError`` naming a bad field (``consent`` when not given),
    ``ChainForbiddenError`` for an organiser, ``ChainNotFoundError`` for an unknown
    livestream, event, model or brand.
    """
    channel, scope = _check_submission(principal, params)
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        brand_id = _check_sources(uow, params)
        buyer, county = _buyer_of(ctx, uow, principal, params, now)
        routing = find_dealer(uow, county_code=county, brand_id=brand_id, model_id=params.model_id)
        choice = routing.choice
        lead = uow.leads.add(
            buyer_id=buyer.id,
            channel=channel.value,
            livestream_id=params.livestream_id,
            event_id=params.event_id,
            county_code=county,
            model_id=params.model_id,
            brand_id=brand_id,
            state=(LeadState.OFFERED if choice is not None else LeadState.UNROUTED).value,
            dealer_id=choice.dealer_id if choice is not None else None,
            consent_scope=scope,
            now=now,
        )
        record(
            uow,
            principal,
            lead,
            at=now,
            action="lead.submitted",
            channel=channel.value,
            consent_scope=scope,
            on_behalf=principal.role is Role.ENTERPRISE,
        )
        offer_to(uow, principal, lead, routing, now=now, rules=ctx.lead_rules)
        view = lead_detail(ctx, uow, lead, principal)
        uow.commit()
    return view


def _pending_for_caller(
    uow: ChainUnitOfWork, principal: Principal, lead_id: int, action: str
) -> tuple[LeadRecord, LeadOfferRecord]:
    """The lead and its offer pending for the calling dealer (404, 403 or 409 otherwise)."""
    lead = readable_lead(uow, principal, lead_id)
    if principal.role is not Role.ENTERPRISE:
        raise ActionForbiddenError(action, principal.role, "lead")
    offer = uow.leads.pending_offer(lead_id)
    if lead.state != LeadState.OFFERED or offer is None or offer.dealer_id != lead.dealer_id:
        raise IllegalTransitionError("lead", lead.state, action, "no offer is pending for you")
    return lead, offer


def _refuse_if_expired(
    ctx: ChainContext,
    uow: ChainUnitOfWork,
    lead: LeadRecord,
    offer: LeadOfferRecord,
    now: dt.datetime,
) -> None:
    """Past its deadline the offer expires (committed) and the answer is refused (409)."""
    if now <= offer.deadline_at:
        return
    if uow.leads.decide_offer(
        offer.id, outcome=OfferOutcome.EXPIRED.value, now=now, note="not answered by the deadline"
    ):
        record(
            uow,
            None,
            lead,
            at=now,
            action="lead.offer_expired",
            offer_id=offer.id,
            dealer_id=offer.dealer_id,
            deadline_at=offer.deadline_at.isoformat(),
        )
        move_on(uow, None, lead, from_dealer=offer.dealer_id, now=now, rules=ctx.lead_rules)
        uow.commit()
    raise ChainConflictError(
        f"lead {lead.id}: the offer expired at {offer.deadline_at.isoformat()}; it has moved on"
    )


def accept_lead(ctx: ChainContext, principal: Principal, lead_id: int) -> dict[str, Any]:
    """The dealer takes the lead offered to it (before the deadline)."""
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        lead, offer = _pending_for_caller(uow, principal, lead_id, "accept")
        _refuse_if_expired(ctx, uow, lead, offer, now)
        if not uow.leads.decide_offer(offer.id, outcome=OfferOutcome.ACCEPTED.value, now=now):
            raise ChainConflictError(f"lead {lead_id} changed meanwhile; read it and retry")
        if not uow.leads.move(
            lead_id,
            from_states=[LeadState.OFFERED.value],
            to_state=LeadState.ACCEPTED.value,
            dealer_id=offer.dealer_id,
            held_by=offer.dealer_id,
        ):
            raise ChainConflictError(f"lead {lead_id} changed meanwhile; read it and retry")
        record(uow, principal, lead, at=now, action="lead.accepted", offer_id=offer.id)
        uow.commit()
    return get_lead(ctx, principal, lead_id)


def decline_lead(
    ctx: ChainContext, principal: Principal, lead_id: int, *, note: str
) -> dict[str, Any]:
    """The dealer turns the offer down (saying why); the lead goes to the next dealer.

    Returns the declined offer: the lead is no longer the dealer's to read.
    """
    clean_note = clean_text(note, "note", NOTE_MAX_CHARS)
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        lead, offer = _pending_for_caller(uow, principal, lead_id, "decline")
        _refuse_if_expired(ctx, uow, lead, offer, now)
        if not uow.leads.decide_offer(
            offer.id, outcome=OfferOutcome.DECLINED.value, now=now, note=clean_note
        ):
            raise ChainConflictError(f"lead {lead_id} changed meanwhile; read it and retry")
        record(
            uow, principal, lead, at=now, action="lead.declined", offer_id=offer.id, note=clean_note
        )
        if not move_on(
            uow, principal, lead, from_dealer=offer.dealer_id, now=now, rules=ctx.lead_rules
        ):
            raise ChainConflictError(f"lead {lead_id} changed meanwhile; read it and retry")
        declined = uow.leads.offers_of([lead_id])[lead_id]
        view = offer_view(next(o for o in declined if o.id == offer.id))
        uow.commit()
    return view


def close_lead(
    ctx: ChainContext, principal: Principal, lead_id: int, *, reason: str | None = None
) -> dict[str, Any]:
    """Close a lead: its buyer (unless it is closed or converted) or the accepting dealer."""
    clean_reason = clean_text(reason, "reason", NOTE_MAX_CHARS) if reason is not None else None
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        lead = readable_lead(uow, principal, lead_id)
        if principal.role is Role.ORGANISER:
            raise ActionForbiddenError("close", principal.role, "lead")
        state = LeadState(lead.state)
        if principal.role is Role.ENTERPRISE and state is not LeadState.ACCEPTED:
            detail = "decline the offer instead" if state is LeadState.OFFERED else ""
            raise IllegalTransitionError("lead", state, "close", detail)
        if state in (LeadState.CLOSED, LeadState.CONVERTED):
            raise IllegalTransitionError("lead", state, "close")
        if not uow.leads.move(
            lead_id,
            from_states=[state.value],
            to_state=LeadState.CLOSED.value,
            dealer_id=lead.dealer_id,
            closed_at=now,
        ):
            raise ChainConflictError(f"lead {lead_id} changed meanwhile; read it and retry")
        pending = uow.leads.pending_offer(lead_id)
        if pending is not None:
            uow.leads.decide_offer(
                pending.id,
                outcome=OfferOutcome.EXPIRED.value,
                now=now,
                note="lead closed before an answer",
            )
        record(
            uow,
            principal,
            lead,
            at=now,
            action="lead.closed",
            from_state=state.value,
            reason=clean_reason,
        )
        uow.commit()
    return get_lead(ctx, principal, lead_id)
