"""Use case: a buyer claims a subsidy paid on an applied item of a stored quote.

Only price cuts are claimed after the purchase: trade-in subsidies (scrappage,
replacement) and discounts funded by a government or an enterprise. A claim takes
the amount and rule version of the quote; one claim per rule and quote.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nevrural.services.offer_quotes import OfferNotFoundError
from nevrural.services.offer_views import render_claim

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.ports import ClaimRecord, QuoteRecord, UnitOfWork

__all__ = ["CLAIMABLE_CATEGORIES", "add_claim", "file_claim"]

CLAIMABLE_CATEGORIES = ("trade-in", "discount")
FILED = "filed"


def add_claim(uow: UnitOfWork, quote: QuoteRecord, rule_id: str) -> ClaimRecord:
    """Add a claim on `rule_id`'s item of `quote` to `uow` (not committed).

    ValueError names the rule and quote when the rule did not apply, is not
    claimable, or was claimed already.
    """
    items = quote.draft.result["items"]
    item = next((i for i in items if i["rule_id"] == rule_id), None)
    if item is None:
        applied = ", ".join(i["rule_id"] for i in items) or "none"
        raise ValueError(f"rule {rule_id} did not apply to quote {quote.id} (applied: {applied})")
    if item["category"] not in CLAIMABLE_CATEGORIES:
        raise ValueError(
            f"rule {rule_id} of quote {quote.id} is a {item['category']} item;"
            f" only {' and '.join(CLAIMABLE_CATEGORIES)} items are claimed"
        )
    for claim in uow.claims.of_quotes([quote.id]):
        if claim.rule_id == rule_id:
            raise ValueError(f"rule {rule_id} of quote {quote.id} is already claimed ({claim.id})")
    amount = Decimal(quote.draft.amounts[rule_id])
    return uow.claims.add(quote.id, rule_id, int(item["version"]), amount, FILED)


def file_claim(
    uow_factory: Callable[[], UnitOfWork], quote_id: int, rule_id: str
) -> dict[str, Any]:
    """File a claim on an applied trade-in or discount item of stored quote `quote_id`."""
    with uow_factory() as uow:
        quote = uow.quotes.get(quote_id)
        if quote is None:
            raise OfferNotFoundError(f"no quote has id {quote_id}")
        claim = add_claim(uow, quote, rule_id)
        uow.commit()
    return render_claim(claim)
