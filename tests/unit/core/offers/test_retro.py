"""Tests for retroactive changes: top-ups, claw-backs, claims, and quotes left out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nevrural.core.offers.eligibility import QuoteContext
from nevrural.core.offers.pricing import price_purchase
from nevrural.core.offers.retro import StoredQuote, retro_impact
from nevrural.core.offers.rules import Amount

from .offer_builders import national_catalogue, national_rules, request

if TYPE_CHECKING:
    from nevrural.core.offers.catalogue import Catalogue

__all__: list[str] = []

SCRAPPAGE = "national-scrappage-nev-2025"


def _stored(
    quote_id: int, catalogue: Catalogue, claims: dict[int, tuple[str, int]], **changes: Any
) -> StoredQuote:
    """A quote priced under `catalogue` and stored with its amounts (fen) and claims."""
    req = request(with_old_car=True, buyer__ref=f"buyer-{quote_id}", **changes)
    priced = price_purchase(catalogue, QuoteContext.of(req))
    return StoredQuote(
        quote_id=quote_id,
        buyer_ref=f"buyer-{quote_id}",
        request=req,
        amounts_fen={i.rule.rule_id: i.amount_fen for i in priced.items},
        net_price_fen=priced.net_price_fen,
        claims_fen=claims,
    )


def _revised(cny: int) -> Any:
    """Version 2 of the scrappage subsidy, published 2025-07-01 but effective 2025-01-01."""
    v1 = next(r for r in national_rules() if r.rule_id == SCRAPPAGE)
    return replace(
        v1, version=2, amount=Amount("fixed", fen=cny * 100), published_on=date(2025, 7, 1)
    )


def test_retroactive_raise_gives_a_top_up_equal_to_the_difference() -> None:
    """20,000 -> 25,000 from 2025-01-01: a March buyer is owed 5,000; their claim too."""
    old = national_catalogue()
    revised = _revised(25_000)
    assert revised.is_retroactive
    stored = [
        _stored(1, old, {10: (SCRAPPAGE, 2_000_000)}, purchase_date="2025-03-01"),
        _stored(2, old, {}, purchase_date="2024-12-01"),  # before 2025: not covered
    ]
    changes = retro_impact(old.with_rule(revised), revised, stored)
    assert [c.quote_id for c in changes] == [1]
    change = changes[0]
    assert change.rule_changes == {SCRAPPAGE: Decimal("5000.00")}
    assert change.total_change_cny == Decimal("5000.00")
    assert change.kind == "top-up"
    assert change.buyer_ref == "buyer-1"
    assert change.purchase_date == "2025-03-01"
    # Net price drops by the top-up: 100,000 - 20,000 -> 100,000 - 25,000 (tax exempt).
    assert change.net_price_before_cny == Decimal("80000.00")
    assert change.net_price_after_cny == Decimal("75000.00")
    (claim,) = change.claims
    assert claim.claim_id == 10
    assert claim.rule_id == SCRAPPAGE
    assert claim.claimed_cny == Decimal("20000.00")
    assert claim.due_cny == Decimal("25000.00")
    assert claim.change_cny == Decimal("5000.00")


def test_retroactive_cut_gives_a_claw_back() -> None:
    """20,000 -> 18,000: the buyer's total changes by -2,000 (claw-back)."""
    old = national_catalogue()
    revised = _revised(18_000)
    stored = [_stored(7, old, {}, purchase_date="2025-05-20")]
    (change,) = retro_impact(old.with_rule(revised), revised, stored)
    assert change.total_change_cny == Decimal("-2000.00")
    assert change.kind == "claw-back"
    assert change.claims == ()


def test_quotes_that_do_not_change_are_left_out() -> None:
    """A buyer who never got scrappage (sold the car) is not listed."""
    old = national_catalogue()
    revised = _revised(25_000)
    stored = [_stored(3, old, {}, purchase_date="2025-03-01", old_vehicle__disposal="sell")]
    assert retro_impact(old.with_rule(revised), revised, stored) == ()


def test_results_are_sorted_by_quote_id() -> None:
    """Changes come back ordered by quote id whatever the input order."""
    old = national_catalogue()
    revised = _revised(25_000)
    stored = [_stored(n, old, {}, purchase_date="2025-04-01") for n in (9, 2, 5)]
    assert [c.quote_id for c in retro_impact(old.with_rule(revised), revised, stored)] == [2, 5, 9]
