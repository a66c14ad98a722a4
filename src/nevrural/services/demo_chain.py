"""The demo's service chain: enterprises at real county seats, generic models, people.

Everything here is *modelled* and flagged ``is_demo``: three generic automakers (no
real brand), five generic rural models, one dealer at the seat of every county of the
demo shortlist (serving it and shortlisted counties within 150 km), stock, after-sales
companies whose service points are the demo repair plan's maintenance points and mobile
repair bases, sales events from the demo caravan plan, and demo accounts (password
``DEMO_PASSWORD``). Buyers' names and phone numbers are invented (138-0000-xxxx style
numbers) and stored sealed like any buyer's. The flows — livestream leads, orders in
every state, tickets and a trade-in — are seeded by :mod:`demo_chain_flows`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from nevrural.core.atlas.divisions import province_code_of
from nevrural.core.geo import haversine_km
from nevrural.core.service.principal import Role
from nevrural.services.chain_auth import add_user
from nevrural.services.county_selection import resolve_counties
from nevrural.services.events_plan import KIND as EVENTS_KIND

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.atlas.divisions import Division
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoChain", "seed_demo_chain_records"]

DEMO_PASSWORD = "nevrural-demo-2026"  # demo accounts only, on the demo database

# Generic automakers and models: attributes typical of rural NEVs, prices modelled.
_AUTOMAKERS = (
    ("演示汽车甲（示例）", "Demo Motors A (example)"),
    ("演示汽车乙（示例）", "Demo Motors B (example)"),
    ("演示汽车丙（示例）", "Demo Motors C (example)"),
)
# (maker index, code, name zh, name en, class, powertrain, seats, payload kg,
#  winter range km, price CNY) — all modelled.
_MODELS = (
    (0, "DEMO-MV1", "乡行微面EV", "Village micro van EV", "micro_van", "bev", 7, 650, 170, "52800"),
    (
        0,
        "DEMO-MT1",
        "丰收微卡EV",
        "Harvest micro truck EV",
        "micro_truck",
        "bev",
        2,
        1000,
        160,
        "61800",
    ),
    (
        1,
        "DEMO-LT1",
        "田园轻卡EV",
        "Field light truck EV",
        "light_truck",
        "bev",
        3,
        1800,
        190,
        "119800",
    ),
    (1, "DEMO-SC1", "小满小车", "Xiaoman small car", "small_car", "bev", 4, 300, 210, "39800"),
    (2, "DEMO-SUV1", "安家混动SUV", "Anjia PHEV SUV", "compact_suv", "phev", 5, 450, 900, "109800"),
)
SERVICE_RADIUS_KM = 150.0


@dataclass(frozen=True)
class DemoChain:
    """Ids of what the demo seeded, for the flows."""

    automaker_ids: tuple[int, ...]
    model_ids: tuple[int, ...]
    dealer_ids: tuple[int, ...]
    dealer_counties: tuple[str, ...]
    after_sales_by_province: dict[str, int]
    event_ids: tuple[int, ...]


# username -> (role, scope code or None, what the account belongs to)
DEMO_ACCOUNTS = (
    "organiser (nation)",
    "organiser-<province> (the first shortlisted county's province)",
    "dealer-<county code> (the first three dealers)",
    "automaker-a",
    "aftersales-<province>",
    "buyer1, buyer2, buyer3",
)


def _seats(counties: Sequence[Division]) -> list[Division]:
    return [c for c in counties if c.lon is not None and c.lat is not None]


def _service_areas(counties: Sequence[Division]) -> list[list[str]]:
    lon = np.array([c.lon for c in counties], dtype=float)
    lat = np.array([c.lat for c in counties], dtype=float)
    areas = []
    for c in counties:
        km = haversine_km(float(c.lon or 0), float(c.lat or 0), lon, lat)
        areas.append(sorted(counties[int(j)].code for j in np.flatnonzero(km <= SERVICE_RADIUS_KM)))
    return areas


def _add_dealers(
    uow: ChainUnitOfWork, counties: Sequence[Division], makers: Sequence[int], now: dt.datetime
) -> list[int]:
    dealers = []
    for i, (county, area) in enumerate(zip(counties, _service_areas(counties), strict=True)):
        brands = [makers[i % 3], makers[(i + 1) % 3]]
        record = uow.enterprises.add(
            kind="dealer",
            name_zh=f"{county.name}新能源汽车城（示例）",
            name_en=f"{county.code} NEV centre (example)",
            county_code=county.code,
            lon=float(county.lon or 0),
            lat=float(county.lat or 0),
            lead_capacity=30,
            service_counties=area,
            brand_ids=brands,
            is_demo=True,
            now=now,
        )
        dealers.append(record.id)
    return dealers


def _add_stock(
    uow: ChainUnitOfWork,
    dealers: Sequence[int],
    brands_of: dict[int, list[int]],
    models: Sequence[tuple[int, int]],
) -> None:
    """Each dealer stocks every model of its two brands: 2 to 9 units, the first 20 (modelled)."""
    for n, dealer in enumerate(dealers):
        for k, (model_id, maker_id) in enumerate(models):
            if maker_id in brands_of[dealer]:
                units = 20 if n == 0 else 2 + (3 * n + 5 * k) % 8
                uow.catalogue.set_stock(dealer, model_id, units)


def _add_after_sales(
    uow: ChainUnitOfWork,
    counties: Sequence[Division],
    repair: dict[str, Any] | None,
    now: dt.datetime,
) -> dict[str, int]:
    """One after-sales company per province; points from the demo repair plan."""
    by_province: dict[str, list[Division]] = {}
    for county in counties:
        by_province.setdefault(province_code_of(county.code), []).append(county)
    sites = (repair or {}).get("sites", [])
    companies: dict[str, int] = {}
    for province, members in sorted(by_province.items()):
        codes = [c.code for c in members]
        company = uow.enterprises.add(
            kind="after_sales",
            name_zh=f"{members[0].name}等县乡村汽车服务公司（示例）",
            name_en=f"Rural car service company {province} (example)",
            county_code=members[0].code,
            lon=float(members[0].lon or 0),
            lat=float(members[0].lat or 0),
            lead_capacity=0,
            service_counties=codes,
            brand_ids=[],
            is_demo=True,
            now=now,
        )
        companies[province] = company.id
        points = [s for s in sites if s["county_code"] in codes]
        for site in points:
            mobile = site["role"] == "mobile_repair_base"
            uow.catalogue.add_service_point(
                enterprise_id=company.id,
                kind="mobile" if mobile else "maintenance",
                name_zh=f"{site['name']}{'流动服务站' if mobile else '维修点'}（示例）",
                county_code=site["county_code"],
                lon=float(site["lon"]),
                lat=float(site["lat"]),
                is_open=True,
            )
        if not points:  # no repair plan: one maintenance point at each county seat
            for county in members:
                uow.catalogue.add_service_point(
                    enterprise_id=company.id,
                    kind="maintenance",
                    name_zh=f"{county.name}县城维修点（示例）",
                    county_code=county.code,
                    lon=float(county.lon or 0),
                    lat=float(county.lat or 0),
                    is_open=True,
                )
    return companies


def _add_events(uow: ChainUnitOfWork, counties: Sequence[str]) -> list[int]:
    """The demo caravan plan's events in the first dealers' counties, as sales events."""
    plan = uow.scenarios.latest_demo(EVENTS_KIND)
    if plan is None:
        return []
    wanted = set(counties)
    ids = []
    seen: set[str] = set()
    for caravan in plan.result["itinerary"]["caravans"]:
        for day in caravan["days"]:
            for visit in day["visits"]:
                ref = f"{plan.id}:{visit['event_id']}"
                if visit["county_code"] not in wanted or ref in seen:
                    continue
                seen.add(ref)
                venue = visit["venue"]
                record = uow.catalogue.add_event(
                    plan_event_ref=ref,
                    county_code=visit["county_code"],
                    venue_zh=str(venue["name"]),
                    held_on=dt.date.fromisoformat(day["date"]),
                    lon=float(venue["lon_deg"]),
                    lat=float(venue["lat_deg"]),
                )
                ids.append(record.id)
    return ids


def seed_demo_chain_records(
    ctx: ChainContext, repair_result: dict[str, Any] | None
) -> DemoChain | None:
    """Seed the demo's enterprises, models, stock, points, events; None when present."""
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        if uow.enterprises.count_demo() > 0:
            return None
        counties = _seats(resolve_counties(uow, [], None))
        makers = [
            uow.enterprises.add(
                kind="automaker",
                name_zh=zh,
                name_en=en,
                county_code=counties[i].code,
                lon=float(counties[i].lon or 0),
                lat=float(counties[i].lat or 0),
                lead_capacity=0,
                service_counties=[],
                brand_ids=[],
                is_demo=True,
                now=now,
            ).id
            for i, (zh, en) in enumerate(_AUTOMAKERS)
        ]
        models = []
        for maker, code, zh, en, cls, power, seats, payload, winter, price in _MODELS:
            record = uow.catalogue.add_model(
                automaker_id=makers[maker],
                code=code,
                name_zh=f"{zh}（示例）",
                name_en=f"{en} (example)",
                vehicle_class=cls,
                powertrain=power,
                seats=seats,
                payload_kg=payload,
                winter_range_km=winter,
                price_cny=Decimal(price),
                is_demo=True,
            )
            models.append((record.id, makers[maker]))
        dealers = _add_dealers(uow, counties, makers, now)
        brands_of = {d: list(uow.enterprises.get(d).brand_ids) for d in dealers}  # type: ignore[union-attr]
        _add_stock(uow, dealers, brands_of, models)
        after_sales = _add_after_sales(uow, counties, repair_result, now)
        events = _add_events(uow, [c.code for c in counties[:3]])
        uow.commit()
    seeded = DemoChain(
        automaker_ids=tuple(makers),
        model_ids=tuple(m for m, _ in models),
        dealer_ids=tuple(dealers),
        dealer_counties=tuple(c.code for c in counties),
        after_sales_by_province=after_sales,
        event_ids=tuple(events),
    )
    _add_staff(ctx, seeded, counties[0])
    return seeded


def _add_staff(ctx: ChainContext, seeded: DemoChain, first: Division) -> None:
    """Demo logins of organisers and enterprise staff (buyers come with the flows)."""
    province = province_code_of(first.code)
    accounts: list[tuple[str, Role, str, int | None]] = [
        ("organiser", Role.ORGANISER, "000000", None),
        (f"organiser-{province[:2]}", Role.ORGANISER, province, None),
        ("automaker-a", Role.ENTERPRISE, "000000", seeded.automaker_ids[0]),
        (
            f"aftersales-{province[:2]}",
            Role.ENTERPRISE,
            "000000",
            seeded.after_sales_by_province[province],
        ),
    ]
    accounts += [
        (f"dealer-{code}", Role.ENTERPRISE, "000000", dealer)
        for code, dealer in zip(seeded.dealer_counties[:3], seeded.dealer_ids[:3], strict=True)
    ]
    for username, role, scope, enterprise in accounts:
        add_user(
            ctx,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            scope_code=scope,
            enterprise_id=enterprise,
        )
