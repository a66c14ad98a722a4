"""``SqlCampaignRepository``: campaigns in SQL. Never commits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from nevrural.adapters.db.rows import CampaignRow
from nevrural.services.ports import Campaign

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["SqlCampaignRepository"]


def _campaign(row: CampaignRow) -> Campaign:
    return Campaign(
        row.slug, row.name_zh, row.name_en, row.starts_on, row.ends_on, row.scope_code, row.is_demo
    )


class SqlCampaignRepository:
    """The campaigns table through one SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, slug: str) -> Campaign | None:
        """A campaign by its slug."""
        row = self._session.scalars(select(CampaignRow).where(CampaignRow.slug == slug)).first()
        return _campaign(row) if row else None

    def add(self, campaign: Campaign) -> None:
        """Add a campaign."""
        self._session.add(
            CampaignRow(
                slug=campaign.slug,
                name_zh=campaign.name_zh,
                name_en=campaign.name_en,
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                scope_code=campaign.scope_code,
                is_demo=campaign.is_demo,
                created_at=dt.datetime.now(dt.UTC),
            )
        )

    def list(self) -> list[Campaign]:
        """Every campaign, newest first."""
        rows = self._session.scalars(select(CampaignRow).order_by(CampaignRow.starts_on.desc()))
        return [_campaign(r) for r in rows]
