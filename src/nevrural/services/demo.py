"""Use case: seed the demo campaign that ``make run`` shows.

The demo is a national campaign modelled on the 2025 NEV rural promotion notice
(MIIT, NDRC, MARA, MOFCOM, NEA, 2025-06-03) and MOFCOM's 2023 automobile consumption
season (June to December). Its dates and name are ours: it is flagged ``is_demo``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from nevrural.services.demo_chain import seed_demo_chain_records
from nevrural.services.demo_chain_flows import seed_demo_chain_flows
from nevrural.services.demo_offers import seed_demo_offers
from nevrural.services.events_plan import KIND as EVENTS_KIND
from nevrural.services.events_plan import run_event_plan
from nevrural.services.events_requests import BlackoutRequest, EventPlanRequest
from nevrural.services.linkage import LinkageRequest, load_demo_candidates, run_linkage
from nevrural.services.ports import Campaign
from nevrural.services.siting import (
    ChargingRequest,
    RepairRequest,
    latest_demo_siting,
    run_charging,
    run_repair,
)
from nevrural.services.targeting import TargetingRequest, run_targeting

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.chain_context import ChainContext
    from nevrural.services.offer_catalogue import OfferCatalogue
    from nevrural.services.ports import UnitOfWork

__all__ = [
    "DEMO_CAMPAIGN",
    "DEMO_CHARGING",
    "DEMO_EVENTS",
    "DEMO_LINKAGE",
    "DEMO_REPAIR",
    "DEMO_SHORTLIST",
    "seed_demo",
]

DEMO_CAMPAIGN = Campaign(
    slug="demo-2026-nev-countryside",
    name_zh="2026年新能源汽车下乡活动（演示）",
    name_en="2026 NEV countryside campaign (demo)",
    starts_on=dt.date(2026, 6, 1),
    ends_on=dt.date(2026, 12, 31),
    scope_code="000000",
    is_demo=True,
)


# The national shortlist of the demo: 100 counties below the national NEV share, at most
# six per province and 50 km apart, so that the events spread across the country.
DEMO_SHORTLIST = TargetingRequest(
    n_counties=100,
    per_province_max=6,
    min_spacing_km=50.0,
    horizon_years=3.0,
    name="全国100个县重点推广名单（演示） National shortlist of 100 counties (demo)",
)

# The linked car festival of the demo: 12 of the example candidate cities.
DEMO_LINKAGE = LinkageRequest(
    k=12,
    name="12城联动汽车节（演示） 12-city linked car festival (demo)",
)

# Charging stations and the after-sales network for the shortlisted counties.
DEMO_CHARGING = ChargingRequest(
    stations_per_county=4,
    radius_km=10.0,
    name="重点县乡镇公共充电站布局（演示） Township charging stations (demo)",
)
DEMO_REPAIR = RepairRequest(
    response_time_min=45.0,
    fixed_points_per_county=2,
    name="重点县售后服务网络（演示） After-sales network (demo)",
)


# Caravans touring the shortlisted counties for the campaign's seven months: main venues
# on weekends where possible, township events on market days, no events in the harvests
# (dates modelled: the wheat harvest of early June, the autumn harvest and National Day).
DEMO_EVENTS = EventPlanRequest(
    start=DEMO_CAMPAIGN.starts_on,
    end=DEMO_CAMPAIGN.ends_on,
    caravans=10,
    blackouts=(
        BlackoutRequest(
            dt.date(2026, 6, 1), dt.date(2026, 6, 10), "三夏麦收（模型） wheat harvest"
        ),
        BlackoutRequest(
            dt.date(2026, 9, 25), dt.date(2026, 10, 8), "秋收与国庆（模型） autumn harvest"
        ),
    ),
    repair_period_days=14,
    name="重点县新能源汽车下乡巡展（演示） Caravan campaign in the shortlisted counties (demo)",
)


def seed_demo(
    uow_factory: Callable[[], UnitOfWork],
    offers: OfferCatalogue | None = None,
    chain: ChainContext | None = None,
) -> bool:
    """Add the demo campaign and its plans when absent; returns whether anything was added.

    With `offers` (the catalogue in use), also the example offers of the shortlisted
    provinces, a few quotes and a claim (:mod:`~nevrural.services.demo_offers`); with
    `chain` as well, the service chain's enterprises, people and flows
    (:mod:`~nevrural.services.demo_chain`, :mod:`~nevrural.services.demo_chain_flows`).
    """
    added = False
    with uow_factory() as uow:
        if uow.campaigns.get(DEMO_CAMPAIGN.slug) is None:
            uow.campaigns.add(DEMO_CAMPAIGN)
            uow.commit()
            added = True
        has_shortlist = uow.scenarios.latest_demo("targeting") is not None
        has_linkage = uow.scenarios.latest_demo("linkage") is not None
    if not has_shortlist:
        run_targeting(uow_factory, DEMO_SHORTLIST, is_demo=True)
        added = True
    if not has_linkage:
        run_linkage(uow_factory, load_demo_candidates(uow_factory), DEMO_LINKAGE, is_demo=True)
        added = True
    if latest_demo_siting(uow_factory, "charging") is None:
        run_charging(uow_factory, DEMO_CHARGING, is_demo=True)
        added = True
    if latest_demo_siting(uow_factory, "repair") is None:
        run_repair(uow_factory, DEMO_REPAIR, is_demo=True)
        added = True
    with uow_factory() as uow:
        has_events = uow.scenarios.latest_demo(EVENTS_KIND) is not None
    if not has_events:
        run_event_plan(uow_factory, DEMO_EVENTS, is_demo=True)
        added = True
    if offers is not None and seed_demo_offers(uow_factory, offers):
        added = True
    if offers is not None and chain is not None:
        repair = latest_demo_siting(uow_factory, "repair")
        records = seed_demo_chain_records(chain, repair.result if repair else None)
        if records is not None:
            seed_demo_chain_flows(chain, records, offers)
            added = True
    return added
