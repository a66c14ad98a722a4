"""Use case: quote a purchase for a buyer, store the quote, and read stored quotes.

The request is the JSON mapping of ``docs/offers.md`` (CLI file or API body); the core
parser names the first bad field. The quote is priced on the current catalogue
(packaged rules plus stored versions), rendered once (:mod:`offer_views`) and stored
with its request, the rule versions it evaluated and the amount of each applied rule,
so a later retroactive revision can tell what changes for this buyer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.offers.quote import quote_purchase
from nevrural.core.offers.request import parse_quote_request
from nevrural.services.offer_views import money, render_quote, render_stored_quote
from nevrural.services.ports import QuoteDraft

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from nevrural.core.offers.catalogue import Catalogue
    from nevrural.core.offers.request import QuoteRequest
    from nevrural.services.offer_catalogue import OfferCatalogue
    from nevrural.services.ports import QuoteRecord, UnitOfWork

__all__ = ["OfferNotFoundError", "get_offer_quote", "quote_offer", "store_quote"]


class OfferNotFoundError(LookupError):
    """A quote (or other offer record) does not exist; the message names the id."""


def store_quote(
    uow: UnitOfWork, catalogue: Catalogue, request: QuoteRequest, data: Mapping[str, Any]
) -> QuoteRecord:
    """Price `request` under `catalogue` and add it to `uow` (not committed).

    `data` is the request mapping as given (JSON-ready); it is stored as is.
    """
    quote = quote_purchase(catalogue, request)
    draft = QuoteDraft(
        buyer_ref=request.buyer.ref,
        county_code=request.buyer.county_code,
        purchase_date=request.purchase_date,
        request=dict(data),
        result=render_quote(quote),
        net_price_cny=quote.net_price_cny,
        rule_versions=dict(quote.rule_versions),
        amounts={i.rule_id: money(i.amount_cny) for i in quote.items},
    )
    return uow.quotes.add(draft)


def quote_offer(
    uow_factory: Callable[[], UnitOfWork], offers: OfferCatalogue, data: Mapping[str, Any]
) -> dict[str, Any]:
    """Quote the request `data`, store it in one transaction, and return it rendered.

    Raises ``FieldError`` (a ``ValueError``) naming the first bad field; nothing is
    stored then.
    """
    request = parse_quote_request(data)
    with uow_factory() as uow:
        record = store_quote(uow, offers.current(uow).catalogue, request, data)
        uow.commit()
    return render_stored_quote(record, ())


def get_offer_quote(uow_factory: Callable[[], UnitOfWork], quote_id: int) -> dict[str, Any]:
    """A stored quote with its claims; `OfferNotFoundError` names the id."""
    with uow_factory() as uow:
        record = uow.quotes.get(quote_id)
        if record is None:
            raise OfferNotFoundError(f"no quote has id {quote_id}")
        claims = uow.claims.of_quotes([quote_id])
    return render_stored_quote(record, claims)
