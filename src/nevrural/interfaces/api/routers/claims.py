"""``/api/v1/quotes/{id}/claims``: a buyer claims a trade-in or discount of a stored quote."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, status

from nevrural.interfaces.api.deps import PathId, UowFactoryDep
from nevrural.interfaces.api.offer_schemas import ClaimCreate, ClaimRead
from nevrural.services.offer_claims import file_claim
from nevrural.services.offer_quotes import OfferNotFoundError

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/quotes/{quote_id}/claims", tags=["offers"])


@router.post(
    "",
    response_model=ClaimRead,
    status_code=status.HTTP_201_CREATED,
    responses={
        404: {"description": "No such quote"},
        422: {"description": "The rule did not apply, is not claimable or is claimed"},
    },
)
def create_claim(quote_id: PathId, body: ClaimCreate, uow_factory: UowFactoryDep) -> Any:
    """File a claim for the amount the quote applied for the rule."""
    try:
        return file_claim(uow_factory, quote_id, body.rule_id)
    except OfferNotFoundError as missing:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(missing)) from None
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
