"""Leads rendered for a caller: JSON-ready, the buyer masked, the offers they may see.

A dealer sees only its own offers of a lead (not which competitors declined it or why);
the buyer and organisers see the whole offer history. Nobody sees the buyer unmasked
here: that is ``lead contact``, audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.service.access import Ownership
from nevrural.core.service.leads import LeadState, OfferOutcome
from nevrural.core.service.principal import Role
from nevrural.services.chain_people import buyer_masked

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_lead_ports import LeadOfferRecord, LeadRecord
    from nevrural.services.chain_ports import BuyerRecord, PersonalVault

__all__ = ["lead_actions", "lead_owner", "lead_view", "offer_view"]

_BUYER_CLOSES = frozenset({LeadState.OFFERED, LeadState.ACCEPTED, LeadState.UNROUTED})


def lead_owner(lead: LeadRecord) -> Ownership:
    """Who holds a lead: the dealer it is offered to or accepted by, its buyer, its county."""
    dealers = frozenset({lead.dealer_id}) if lead.dealer_id is not None else frozenset()
    return Ownership(county_code=lead.county_code, enterprise_ids=dealers, buyer_id=lead.buyer_id)


def lead_actions(lead: LeadRecord, principal: Principal) -> list[str]:
    """What the caller may do with the lead now (accept, decline, close, contact)."""
    state = LeadState(lead.state)
    if principal.role is Role.BUYER and principal.buyer_id == lead.buyer_id:
        return ["close"] if state in _BUYER_CLOSES else []
    if principal.role is Role.ENTERPRISE and principal.enterprise_id == lead.dealer_id:
        if state is LeadState.OFFERED:
            return ["accept", "decline"]
        if state is LeadState.ACCEPTED:
            return ["close", "contact"]
    return []


def _moment(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def offer_view(offer: LeadOfferRecord) -> dict[str, Any]:
    """One offer of a lead: dealer, distance (km), deadline, outcome."""
    return {
        "id": offer.id,
        "lead_id": offer.lead_id,
        "dealer_id": offer.dealer_id,
        "distance_km": round(offer.distance_km, 3),
        "reason": offer.reason,
        "offered_at": offer.offered_at.isoformat(),
        "deadline_at": offer.deadline_at.isoformat(),
        "outcome": offer.outcome,
        "decided_at": _moment(offer.decided_at),
        "note": offer.note,
    }


def lead_view(
    vault: PersonalVault,
    lead: LeadRecord,
    buyer: BuyerRecord | None,
    offers: Sequence[LeadOfferRecord],
    principal: Principal,
) -> dict[str, Any]:
    """A lead as the caller may see it: buyer masked, offers filtered for a dealer."""
    if principal.role is Role.ENTERPRISE:
        offers = [o for o in offers if o.dealer_id == principal.enterprise_id]
    pending = next((o for o in offers if o.outcome == OfferOutcome.PENDING), None)
    return {
        "id": lead.id,
        "state": lead.state,
        "channel": lead.channel,
        "livestream_id": lead.livestream_id,
        "event_id": lead.event_id,
        "county_code": lead.county_code,
        "model_id": lead.model_id,
        "brand_id": lead.brand_id,
        "dealer_id": lead.dealer_id,
        "consent_scope": lead.consent_scope,
        "consent_at": lead.consent_at.isoformat(),
        "created_at": lead.created_at.isoformat(),
        "closed_at": _moment(lead.closed_at),
        "deadline_at": pending.deadline_at.isoformat() if pending is not None else None,
        "buyer": buyer_masked(vault, buyer) if buyer is not None else None,
        "offers": [offer_view(o) for o in offers],
        "allowed_actions": lead_actions(lead, principal),
    }
