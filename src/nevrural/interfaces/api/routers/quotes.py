"""``/api/v1/quotes``: quote a purchase with every subsidy stacked, and read stored quotes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from nevrural.interfaces.api.deps import OffersDep, PathId, UowFactoryDep
from nevrural.interfaces.api.offer_schemas import QuoteCreate, QuoteRead
from nevrural.services.offer_quotes import OfferNotFoundError, get_offer_quote, quote_offer

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/quotes", tags=["offers"])


@router.post(
    "",
    response_model=QuoteRead,
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "A field is missing or malformed (named in detail)"}},
)
def create_quote(body: QuoteCreate, uow_factory: UowFactoryDep, offers: OffersDep) -> Any:
    """Price the purchase under the rules in force, store the quote and return it."""
    try:
        return quote_offer(uow_factory, offers, body.as_request())
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None


@router.get(
    "/{quote_id}", response_model=QuoteRead, responses={404: {"description": "No such quote"}}
)
def get_quote(quote_id: PathId, uow_factory: UowFactoryDep) -> Any:
    """One stored quote with its request and claims."""
    try:
        return get_offer_quote(uow_factory, quote_id)
    except OfferNotFoundError as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(missing)) from None
