"""``/api/v1/campaigns``: campaigns (the demo one after ``make run``)."""

from __future__ import annotations

from fastapi import APIRouter

from nevrural.interfaces.api.deps import UowFactoryDep
from nevrural.interfaces.api.schemas import CampaignRead
from nevrural.services.campaigns import list_campaigns

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/campaigns", tags=["campaigns"])


@router.get("", response_model=list[CampaignRead])
def get_campaigns(uow_factory: UowFactoryDep) -> list[CampaignRead]:
    """Every campaign, newest first."""
    return [
        CampaignRead.model_validate(c, from_attributes=True) for c in list_campaigns(uow_factory)
    ]
