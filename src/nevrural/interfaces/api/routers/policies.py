"""``/api/v1/policies``: the rules in force, and new rule versions with their impact."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query, status

from nevrural.interfaces.api.deps import OffersDep, UowFactoryDep
from nevrural.interfaces.api.offer_schemas import PolicyRead, RevisionRead
from nevrural.services.offer_revision import revise_rules
from nevrural.services.offer_rules import list_rules

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/policies", tags=["offers"])

_EXAMPLE_RULE: dict[str, Any] = {
    "id": "example-130000-replacement-2025",
    "version": 2,
    "title_zh": "【示例】河北省汽车置换更新补贴（提高标准）",
    "title_en": "[Example] Hebei replacement subsidy (raised)",
    "category": "trade-in",
    "funded_by": "local",
    "is_example": True,
    "citation": {"issuer": "nevrural (example)", "document": "示例", "date": "2025-08-01"},
    "jurisdiction": "130000",
    "effective_from": "2025-01-01",
    "effective_to": "2025-12-31",
    "published_on": "2025-08-01",
    "conditions": {"old_vehicle": {"disposal": "sell", "min_months_owned": 12}},
    "amount": {"kind": "fixed", "cny": "10000"},
    "exclusivity_group": "national-trade-in-2025",
}


@router.get("", response_model=list[PolicyRead], responses={422: {"description": "Bad region"}})
def get_policies(
    uow_factory: UowFactoryDep,
    offers: OffersDep,
    at: Annotated[dt.date | None, Query(description="Rules in force on this date")] = None,
    region: Annotated[
        str | None, Query(description="Province, prefecture or county code", examples=["130000"])
    ] = None,
) -> Any:
    """Rules in force on ``at`` (newest versions when absent) that touch ``region``."""
    try:
        return list_rules(uow_factory, offers, at, region)
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None


@router.post(
    "",
    response_model=RevisionRead,
    status_code=status.HTTP_201_CREATED,
    responses={422: {"description": "A field is malformed or the version is not new"}},
)
def create_policy_version(
    body: Annotated[
        dict[str, Any],
        Body(
            description="One rule version in the vocabulary of docs/offers.md",
            openapi_examples={"raise": {"summary": "A retroactive raise", "value": _EXAMPLE_RULE}},
        ),
    ],
    uow_factory: UowFactoryDep,
    offers: OffersDep,
) -> Any:
    """Store a new rule version (or a new rule) and return its retroactive impact."""
    try:
        return revise_rules(uow_factory, offers, [body])
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
