"""Retroactive rule changes: which stored quotes and claims change, and by how much.

A new version of a rule whose effective dates reach back over purchases already
quoted (``effective_from`` before its publication) changes what those buyers are
owed. `retro_impact` re-prices every stored quote that falls within the new version's
dates and covers the buyer's county, all at once
(:func:`~nevrural.core.offers.batch.price_batch`) under the catalogue *with* the new
version, and compares item by item with what was quoted — a change of one rule can move others
through exclusivity, prerequisites and caps, so every item is compared, not only the
revised rule. For each quote it reports the change per rule and in total (positive:
a top-up owed to the buyer; negative: a claw-back), and for each claim filed against
the quote the difference between what was claimed and what is now due.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nevrural.core.offers.batch import price_batch
from nevrural.core.offers.eligibility import QuoteContext
from nevrural.core.offers.money import cny_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from decimal import Decimal

    from nevrural.core.offers.catalogue import Catalogue
    from nevrural.core.offers.request import QuoteRequest
    from nevrural.core.offers.rules import PolicyRule

__all__ = ["ClaimChange", "QuoteChange", "StoredQuote", "retro_impact"]

# Items paid by someone other than the buyer's own pocket: what a top-up or claw-back is.
_PAID_OUT = frozenset({"discount", "trade-in", "tax", "energy", "service", "finance"})


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A quote as stored: its request, the amount of each applied rule (fen), claims."""

    quote_id: int
    buyer_ref: str
    request: QuoteRequest
    amounts_fen: Mapping[str, int]
    net_price_fen: int
    claims_fen: Mapping[int, tuple[str, int]]  # claim id -> (rule id, amount claimed, fen)


@dataclass(frozen=True, slots=True)
class ClaimChange:
    """A filed claim whose due amount changes: positive top-up, negative claw-back."""

    claim_id: int
    rule_id: str
    claimed_cny: Decimal
    due_cny: Decimal
    change_cny: Decimal


@dataclass(frozen=True, slots=True)
class QuoteChange:
    """How one stored quote changes under the new version."""

    quote_id: int
    buyer_ref: str
    purchase_date: str
    rule_changes: dict[str, Decimal]
    total_change_cny: Decimal
    net_price_before_cny: Decimal
    net_price_after_cny: Decimal
    claims: tuple[ClaimChange, ...]

    @property
    def kind(self) -> str:
        """``top-up``, ``claw-back`` or ``none`` for the buyer's total."""
        if self.total_change_cny > 0:
            return "top-up"
        return "claw-back" if self.total_change_cny < 0 else "none"


def _affects(revised: PolicyRule, stored: StoredQuote) -> bool:
    request = stored.request
    return revised.is_in_force(request.purchase_date) and revised.jurisdiction.covers(
        request.buyer.county_code
    )


def retro_impact(
    new_catalogue: Catalogue, revised: PolicyRule, stored: Iterable[StoredQuote]
) -> tuple[QuoteChange, ...]:
    """Quotes (and their claims) whose amounts change when `revised` takes effect.

    `new_catalogue` already holds `revised`. Quotes outside its dates or jurisdiction,
    and quotes whose amounts come out unchanged, are left out. Sorted by quote id.
    """
    affected = [quote for quote in stored if _affects(revised, quote)]
    repriced = price_batch(new_catalogue, [QuoteContext.of(q.request) for q in affected])
    changes = []
    for quote, priced in zip(affected, repriced, strict=True):
        now = {i.rule.rule_id: i.amount_fen for i in priced.items if i.rule.category in _PAID_OUT}
        rule_ids = sorted(set(now) | set(quote.amounts_fen))
        deltas = {r: now.get(r, 0) - quote.amounts_fen.get(r, 0) for r in rule_ids}
        deltas = {r: d for r, d in deltas.items() if d != 0}
        claims = tuple(
            ClaimChange(
                claim_id=claim_id,
                rule_id=rule_id,
                claimed_cny=cny_of(claimed),
                due_cny=cny_of(now.get(rule_id, 0)),
                change_cny=cny_of(now.get(rule_id, 0) - claimed),
            )
            for claim_id, (rule_id, claimed) in sorted(quote.claims_fen.items())
            if now.get(rule_id, 0) != claimed
        )
        if not deltas and not claims:
            continue
        changes.append(
            QuoteChange(
                quote_id=quote.quote_id,
                buyer_ref=quote.buyer_ref,
                purchase_date=quote.request.purchase_date.isoformat(),
                rule_changes={r: cny_of(d) for r, d in deltas.items()},
                total_change_cny=cny_of(sum(deltas.values())),
                net_price_before_cny=cny_of(quote.net_price_fen),
                net_price_after_cny=cny_of(priced.net_price_fen),
                claims=claims,
            )
        )
    return tuple(sorted(changes, key=lambda c: c.quote_id))
