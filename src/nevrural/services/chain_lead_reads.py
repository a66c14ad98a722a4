"""Use cases reading leads: one lead, a caller's list, and the buyer's contact (audited).

Callers see only the leads they hold: a buyer their own, a dealer those offered to or
accepted by it, an organiser those of counties in its scope (anything else is 404). The
buyer is masked in every view; the unmasked contact is for the dealer that accepted the
lead (and the buyer themself), and each read of it is written to the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.service.leads import LeadState
from nevrural.core.service.principal import Role
from nevrural.services.chain_context import ensure_readable, list_filters
from nevrural.services.chain_errors import ChainForbiddenError, ChainNotFoundError
from nevrural.services.chain_lead_routing import sweep_expired_offers
from nevrural.services.chain_lead_views import lead_owner, lead_view
from nevrural.services.chain_people import buyer_contact

if TYPE_CHECKING:
    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork
    from nevrural.services.chain_lead_ports import LeadRecord

__all__ = ["get_lead", "lead_contact", "lead_detail", "list_leads", "readable_lead"]


def lead_detail(
    ctx: ChainContext, uow: ChainUnitOfWork, lead: LeadRecord, principal: Principal
) -> dict[str, Any]:
    """The lead with its buyer (masked) and the offers the caller may see."""
    offers = uow.leads.offers_of([lead.id])[lead.id]
    return lead_view(ctx.vault, lead, uow.buyers.get(lead.buyer_id), offers, principal)


def readable_lead(uow: ChainUnitOfWork, principal: Principal, lead_id: int) -> LeadRecord:
    """The lead, if the caller may read it (404 otherwise: existence is not disclosed)."""
    lead = uow.leads.get(lead_id)
    if lead is None:
        raise ChainNotFoundError(f"lead {lead_id} not found")
    ensure_readable(principal, lead_owner(lead), "lead", lead_id)
    return lead


def get_lead(ctx: ChainContext, principal: Principal, lead_id: int) -> dict[str, Any]:
    """One lead as the caller may see it (buyer masked, offers filtered for a dealer)."""
    with ctx.uow_factory() as uow:
        return lead_detail(ctx, uow, readable_lead(uow, principal, lead_id), principal)


def list_leads(
    ctx: ChainContext,
    principal: Principal,
    *,
    state: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Leads the caller may see, newest first; a dealer's list first sweeps expired offers."""
    filters = list_filters(
        principal,
        enterprise_field="dealer_id",
        state=state,
        states=LeadState,
        limit=limit,
        offset=offset,
    )
    if principal.role is Role.ENTERPRISE:
        sweep_expired_offers(ctx)
    with ctx.uow_factory() as uow:
        leads = uow.leads.list(**filters)
        offers = uow.leads.offers_of([lead.id for lead in leads])
        buyers = uow.leads.buyers([lead.buyer_id for lead in leads])
    return [
        lead_view(ctx.vault, lead, buyers.get(lead.buyer_id), offers[lead.id], principal)
        for lead in leads
    ]


def lead_contact(ctx: ChainContext, principal: Principal, lead_id: int) -> dict[str, Any]:
    """The buyer's name and phone, unmasked and audited: for the accepting dealer (or buyer).

    A dealer with a merely pending offer, and any organiser, is refused (403).
    """
    with ctx.uow_factory() as uow:
        lead = readable_lead(uow, principal, lead_id)
    if principal.role is Role.ORGANISER:
        raise ChainForbiddenError("organisers see buyers' personal data masked only")
    if principal.role is Role.ENTERPRISE and lead.state != LeadState.ACCEPTED:
        raise ChainForbiddenError(
            f"lead {lead_id}: only the dealer that accepted it sees the buyer's contact"
        )
    return buyer_contact(
        ctx,
        principal,
        lead.buyer_id,
        lead_owner(lead),
        record_type="lead",
        record_id=lead_id,
        purpose=f"contact the buyer about lead {lead_id}",
    )
