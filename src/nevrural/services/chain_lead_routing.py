"""Routing leads to dealers: the first offer, moving on after a decline, and expiry.

The lead's position is its county seat (from the atlas). Candidates are the dealers
serving the county, with their brands, available units of the wanted model and open
leads; ``core.service.leads.choose_dealer`` picks the nearest qualified one not offered
the lead before. When none is left the lead is UNROUTED, and the reason each candidate
failed is kept in the audit line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nevrural.core.service.leads import (
    DealerCandidate,
    LeadNeed,
    LeadState,
    OfferOutcome,
    choose_dealer,
    qualified,
)
from nevrural.services.chain_context import audit
from nevrural.services.chain_lead_views import lead_owner

if TYPE_CHECKING:
    import datetime as dt

    from nevrural.core.service.leads import DealerChoice, LeadRules
    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork
    from nevrural.services.chain_lead_ports import LeadRecord

__all__ = [
    "SWEEP_BATCH",
    "SYSTEM_ACTOR",
    "Routing",
    "find_dealer",
    "move_on",
    "offer_to",
    "record",
    "sweep_expired_offers",
]

DEALER_KIND = "dealer"
SWEEP_BATCH = 500
SYSTEM_ACTOR = "system:lead-sweep"


@dataclass(frozen=True, slots=True)
class Routing:
    """The chosen dealer (None: no dealer qualifies) and why each other candidate failed."""

    choice: DealerChoice | None
    reasons: tuple[str, ...]


def record(
    uow: ChainUnitOfWork,
    principal: Principal | None,
    lead: LeadRecord,
    *,
    at: dt.datetime,
    action: str,
    **detail: Any,
) -> None:
    """Audit an action on a lead, by the principal or (None) by the expiry sweep."""
    owner = lead_owner(lead)
    if principal is not None:
        audit(
            uow,
            principal,
            at=at,
            action=action,
            record_type="lead",
            record_id=lead.id,
            owner=owner,
            **detail,
        )
        return
    uow.audit.add(
        at=at,
        actor=SYSTEM_ACTOR,
        action=action,
        record_type="lead",
        record_id=lead.id,
        county_code=lead.county_code,
        enterprise_id=lead.dealer_id,
        detail=detail,
    )


def find_dealer(
    uow: ChainUnitOfWork,
    *,
    county_code: str,
    brand_id: int | None,
    model_id: int | None,
    excluded: frozenset[int] = frozenset(),
) -> Routing:
    """The nearest qualified dealer for a lead in the county (four queries in all)."""
    division = uow.atlas.get_division(county_code)
    if division is None or division.lon is None or division.lat is None:
        return Routing(None, (f"county {county_code} has no known seat position",))
    need = LeadNeed(county_code, division.lon, division.lat, brand_id, model_id)
    dealers = uow.enterprises.serving(county_code, DEALER_KIND)
    if not dealers:
        return Routing(None, (f"no dealer serves county {county_code}",))
    ids = [d.id for d in dealers]
    stock = uow.catalogue.available_by_dealer(model_id, ids) if model_id is not None else {}
    open_leads = uow.leads.open_counts(ids)
    candidates = [
        DealerCandidate(
            dealer_id=d.id,
            enterprise_id=d.id,
            lon_deg=d.lon,
            lat_deg=d.lat,
            brand_ids=frozenset(d.brand_ids),
            service_counties=frozenset(d.service_counties),
            stock_units=max(stock.get(d.id, 0), 0),
            open_leads=open_leads.get(d.id, 0),
            lead_capacity=max(d.lead_capacity, 0),
        )
        for d in dealers
    ]
    reasons: list[str] = []
    for candidate in candidates:
        why = (
            "was offered this lead already"
            if candidate.dealer_id in excluded
            else qualified(need, candidate)
        )
        if why is not None:
            reasons.append(f"dealer {candidate.dealer_id} {why}")
    return Routing(choose_dealer(need, candidates, excluded), tuple(reasons))


def offer_to(
    uow: ChainUnitOfWork,
    principal: Principal | None,
    lead: LeadRecord,
    routing: Routing,
    *,
    now: dt.datetime,
    rules: LeadRules,
) -> None:
    """Store the offer to the chosen dealer (or audit the lead as unrouted)."""
    choice = routing.choice
    if choice is None:
        record(uow, principal, lead, at=now, action="lead.unrouted", reasons=list(routing.reasons))
        return
    offer = uow.leads.add_offer(
        lead_id=lead.id,
        dealer_id=choice.dealer_id,
        distance_km=choice.distance_km,
        reason=choice.reason,
        offered_at=now,
        deadline_at=rules.deadline(now),
    )
    record(
        uow,
        principal,
        lead,
        at=now,
        action="lead.offered",
        offer_id=offer.id,
        dealer_id=choice.dealer_id,
        distance_km=round(choice.distance_km, 3),
        deadline_at=offer.deadline_at.isoformat(),
    )


def move_on(
    uow: ChainUnitOfWork,
    principal: Principal | None,
    lead: LeadRecord,
    *,
    from_dealer: int,
    now: dt.datetime,
    rules: LeadRules,
) -> bool:
    """Offer the lead to the next dealer (or unroute it) if ``from_dealer`` still has it.

    Dealers offered the lead before are excluded. False when the lead had moved meanwhile
    (closed, converted, or moved on by a concurrent request).
    """
    offered = uow.leads.offers_of([lead.id])[lead.id]
    routing = find_dealer(
        uow,
        county_code=lead.county_code,
        brand_id=lead.brand_id,
        model_id=lead.model_id,
        excluded=frozenset(o.dealer_id for o in offered),
    )
    to_state = LeadState.OFFERED if routing.choice is not None else LeadState.UNROUTED
    dealer_id = routing.choice.dealer_id if routing.choice is not None else None
    if not uow.leads.move(
        lead.id,
        from_states=[LeadState.OFFERED.value],
        to_state=to_state.value,
        dealer_id=dealer_id,
        held_by=from_dealer,
    ):
        return False
    moved = uow.leads.get(lead.id)
    assert moved is not None
    offer_to(uow, principal, moved, routing, now=now, rules=rules)
    return True


def sweep_expired_offers(ctx: ChainContext, now: dt.datetime | None = None) -> int:
    """Expire pending offers past their deadline and move their leads on; how many moved.

    At most `SWEEP_BATCH` offers per call, oldest deadline first, in one transaction.
    An offer answered meanwhile is skipped (the answer is one conditional UPDATE).
    """
    now = ctx.clock() if now is None else now
    moved = 0
    with ctx.uow_factory() as uow:
        for offer in uow.leads.expired_offers(now, limit=SWEEP_BATCH):
            if not uow.leads.decide_offer(
                offer.id,
                outcome=OfferOutcome.EXPIRED.value,
                now=now,
                note="not answered by the deadline",
            ):
                continue
            lead = uow.leads.get(offer.lead_id)
            if lead is None or lead.state != LeadState.OFFERED or lead.dealer_id != offer.dealer_id:
                continue
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
            if move_on(uow, None, lead, from_dealer=offer.dealer_id, now=now, rules=ctx.lead_rules):
                moved += 1
        uow.commit()
    return moved
