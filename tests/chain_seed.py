"""A small service chain for tests: an automaker, two dealers, models, stock, people.

Counties are real (Henan): 410122 中牟县 and 410184 新郑市 (dealers), buyers in 410122;
a Hebei organiser (130000) sees none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from nevrural.core.service.principal import Principal, Role
from nevrural.services.chain_auth import add_user, principal_from_token, sign_in
from nevrural.services.chain_people import find_or_add_buyer

if TYPE_CHECKING:
    from nevrural.bootstrap import Container

__all__ = ["PASSWORD", "SmallChain", "seed_small_chain"]

PASSWORD = "demo-pass-2026"
HOME = "410122"
OTHER = "410184"


@dataclass(frozen=True)
class SmallChain:
    """Ids of the seeded records and usernames of the seeded accounts."""

    automaker_id: int
    dealer_id: int
    other_dealer_id: int
    model_id: int
    truck_id: int
    buyer_id: int
    other_buyer_id: int
    users: dict[str, str]  # label -> username

    def principal(self, container: Container, label: str) -> Principal:
        """The principal a signed-in account stands for (through a real token)."""
        grant = sign_in(container.chain, self.users[label], PASSWORD)
        return principal_from_token(container.chain, grant.access_token)[0]


def seed_small_chain(container: Container, *, units: int = 5) -> SmallChain:
    """Seed the chain in ``container`` (already migrated, with the atlas)."""
    chain = container.chain
    now = chain.clock()
    with container.uow() as uow:
        home = uow.atlas.get_division(HOME)
        other = uow.atlas.get_division(OTHER)
        assert home is not None
        assert other is not None
        assert home.lon is not None
        assert home.lat is not None
        assert other.lon is not None
        assert other.lat is not None
        maker = uow.enterprises.add(
            kind="automaker",
            name_zh="测试汽车",
            name_en="Test Motors",
            county_code=HOME,
            lon=home.lon,
            lat=home.lat,
            lead_capacity=0,
            service_counties=[],
            brand_ids=[],
            is_demo=False,
            now=now,
        )
        dealer = uow.enterprises.add(
            kind="dealer",
            name_zh="中牟测试经销商",
            name_en="Zhongmu test dealer",
            county_code=HOME,
            lon=home.lon,
            lat=home.lat,
            lead_capacity=10,
            service_counties=[HOME],
            brand_ids=[maker.id],
            is_demo=False,
            now=now,
        )
        other_dealer = uow.enterprises.add(
            kind="dealer",
            name_zh="新郑测试经销商",
            name_en="Xinzheng test dealer",
            county_code=OTHER,
            lon=other.lon,
            lat=other.lat,
            lead_capacity=10,
            service_counties=[OTHER, HOME],
            brand_ids=[maker.id],
            is_demo=False,
            now=now,
        )
        van = uow.catalogue.add_model(
            automaker_id=maker.id,
            code="T-VAN",
            name_zh="测试微面",
            name_en="Test van",
            vehicle_class="micro_van",
            powertrain="bev",
            seats=5,
            payload_kg=600,
            winter_range_km=180,
            price_cny=Decimal("52800.00"),
            is_demo=False,
        )
        truck = uow.catalogue.add_model(
            automaker_id=maker.id,
            code="T-TRUCK",
            name_zh="测试微卡",
            name_en="Test truck",
            vehicle_class="micro_truck",
            powertrain="bev",
            seats=2,
            payload_kg=1200,
            winter_range_km=150,
            price_cny=Decimal("68800.00"),
            is_demo=False,
        )
        for dealer_id in (dealer.id, other_dealer.id):
            uow.catalogue.set_stock(dealer_id, van.id, units)
            uow.catalogue.set_stock(dealer_id, truck.id, units)
        buyer = find_or_add_buyer(
            uow,
            chain.vault,
            phone="13812341234",
            name="张三",
            id_card_no="11010519491231002X",
            county_code=HOME,
            now=now,
        )
        other_buyer = find_or_add_buyer(
            uow,
            chain.vault,
            phone="13900001111",
            name="李四",
            id_card_no=None,
            county_code=OTHER,
            now=now,
        )
        uow.commit()
    users = {
        "nation": ("org-nation", Role.ORGANISER, "000000", None, None),
        "henan": ("org-henan", Role.ORGANISER, "410000", None, None),
        "hebei": ("org-hebei", Role.ORGANISER, "130000", None, None),
        "dealer": ("dealer-zm", Role.ENTERPRISE, "000000", dealer.id, None),
        "other_dealer": ("dealer-xz", Role.ENTERPRISE, "000000", other_dealer.id, None),
        "automaker": ("maker", Role.ENTERPRISE, "000000", maker.id, None),
        "buyer": ("buyer-zhang", Role.BUYER, "000000", None, buyer.id),
        "other_buyer": ("buyer-li", Role.BUYER, "000000", None, other_buyer.id),
    }
    for username, role, scope, enterprise_id, buyer_id in users.values():
        add_user(
            chain,
            username=username,
            password=PASSWORD,
            role=role,
            scope_code=scope,
            enterprise_id=enterprise_id,
            buyer_id=buyer_id,
        )
    return SmallChain(
        automaker_id=maker.id,
        dealer_id=dealer.id,
        other_dealer_id=other_dealer.id,
        model_id=van.id,
        truck_id=truck.id,
        buyer_id=buyer.id,
        other_buyer_id=other_buyer.id,
        users={label: spec[0] for label, spec in users.items()},
    )
