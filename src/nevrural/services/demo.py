"""Use case: seed the demo campaign that ``make run`` shows.

The demo is a national campaign modelled on the 2025 NEV rural promotion notice
(MIIT, NDRC, MARA, MOFCOM, NEA, 2025-06-03) and MOFCOM's 2023 automobile consumption
season (June to December). Its dates and name are ours: it is flagged ``is_demo``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from nevrural.services.ports import Campaign, UnitOfWork

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["DEMO_CAMPAIGN", "seed_demo"]

DEMO_CAMPAIGN = Campaign(
    slug="demo-2026-nev-countryside",
    name_zh="2026年新能源汽车下乡活动（演示）",
    name_en="2026 NEV countryside campaign (demo)",
    starts_on=dt.date(2026, 6, 1),
    ends_on=dt.date(2026, 12, 31),
    scope_code="000000",
    is_demo=True,
)


def seed_demo(uow_factory: Callable[[], UnitOfWork]) -> bool:
    """Add the demo campaign when absent; returns whether anything was added."""
    with uow_factory() as uow:
        if uow.campaigns.get(DEMO_CAMPAIGN.slug) is not None:
            return False
        uow.campaigns.add(DEMO_CAMPAIGN)
        uow.commit()
    return True
