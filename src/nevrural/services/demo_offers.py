"""The demo's offers: EXAMPLE provincial and county rules, a few quotes and a claim.

For each province of the demo shortlist, an example provincial replacement subsidy
(置换更新: sell an old passenger car owned at least 12 months and buy an NEV; tiers
by price, at most 15,000 CNY — the national ceiling for NEVs in 2025 — and an
alternative to the national scrappage subsidy) and an example 2026 rural NEV voucher
for local residents; for the first shortlisted county, an example charging credit.
None of them is a real offer: each is flagged ``is_example`` and titled 【示例】 /
[Example]. They are stored as rule versions with source ``demo``, so the catalogue
shows them beside the packaged national rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.offers.request import parse_quote_request
from nevrural.services.offer_claims import add_claim
from nevrural.services.offer_quotes import store_quote
from nevrural.services.offer_revision import add_rule_versions

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.offer_catalogue import OfferCatalogue
    from nevrural.services.ports import UnitOfWork

__all__ = ["demo_quote_requests", "demo_rule_mappings", "seed_demo_offers"]

DEMO_SOURCE = "demo"
_EXAMPLE_ISSUER = "nevrural (example)"
_NEV = ["bev", "phev", "erev"]


def _replacement(province: str, name: str) -> dict[str, Any]:
    return {
        "id": f"example-{province}-replacement-2025",
        "version": 1,
        "title_zh": f"【示例】{name}汽车置换更新补贴（购买新能源乘用车）",
        "title_en": f"[Example] {province} replacement subsidy (sell an old car, buy an NEV)",
        "category": "trade-in",
        "funded_by": "local",
        "is_example": True,
        "citation": {
            "issuer": _EXAMPLE_ISSUER,
            "document": f"示例：{name}2025年汽车置换更新补贴实施细则",
            "date": "2025-01-20",
        },
        "jurisdiction": province,
        "effective_from": "2025-01-01",
        "effective_to": "2025-12-31",
        "published_on": "2025-01-20",
        "conditions": {
            "new_vehicle": {"powertrains": _NEV, "passenger_only": True},
            "old_vehicle": {"disposal": "sell", "min_months_owned": 12, "passenger_only": True},
        },
        "amount": {
            "kind": "price_tiers",
            "tiers": [
                {"from_cny": "0", "to_cny": "100000", "cny": "8000"},
                {"from_cny": "100000", "to_cny": "200000", "cny": "12000"},
                {"from_cny": "200000", "cny": "15000"},
            ],
        },
        "exclusivity_group": "national-trade-in-2025",
        "limit_per_person_per_year": 1,
    }


def _voucher(province: str, name: str) -> dict[str, Any]:
    return {
        "id": f"example-{province}-rural-nev-voucher-2026",
        "version": 1,
        "title_zh": f"【示例】{name}2026年新能源汽车下乡消费券（2000元）",
        "title_en": f"[Example] {province} 2026 rural NEV voucher (2,000 CNY)",
        "category": "discount",
        "funded_by": "local",
        "is_example": True,
        "citation": {
            "issuer": _EXAMPLE_ISSUER,
            "document": f"示例：{name}2026年新能源汽车下乡消费券发放方案",
            "date": "2025-12-15",
        },
        "jurisdiction": province,
        "effective_from": "2026-01-01",
        "effective_to": "2026-12-31",
        "conditions": {
            "new_vehicle": {"powertrains": _NEV},
            "buyer": {"residency": ["hukou", "residence_permit"]},
        },
        "amount": {"kind": "fixed", "cny": "2000"},
        "limit_per_person_per_year": 1,
    }


def _charging_credit(county: str, name: str) -> dict[str, Any]:
    return {
        "id": f"example-{county}-charging-credit",
        "version": 1,
        "title_zh": f"【示例】{name}乡镇公共充电电费补贴（每千瓦时0.20元，最多3000千瓦时）",
        "title_en": f"[Example] {county} public charging credit (0.20 CNY/kWh, up to 3,000 kWh)",
        "category": "energy",
        "funded_by": "local",
        "is_example": True,
        "citation": {
            "issuer": _EXAMPLE_ISSUER,
            "document": f"示例：{name}新能源汽车下乡充电优惠办法",
            "date": "2025-05-20",
        },
        "jurisdiction": county,
        "effective_from": "2025-06-01",
        "effective_to": "2026-12-31",
        "conditions": {"new_vehicle": {"powertrains": _NEV}},
        "amount": {"kind": "per_kwh", "cny_per_kwh": "0.20", "max_kwh": "3000"},
    }


def demo_rule_mappings(provinces: dict[str, str], county: tuple[str, str]) -> list[dict[str, Any]]:
    """The example rules for `provinces` (code -> name) and one `county` (code, name)."""
    rules = []
    for code, name in provinces.items():
        rules += [_replacement(code, name), _voucher(code, name)]
    return [*rules, _charging_credit(*county)]


def demo_quote_requests(county: str) -> list[dict[str, Any]]:
    """Four buyers in `county`: scrappage, replacement with a loan, a 2026 voucher, a truck."""
    prices = {"electricity_cny_per_kwh": "0.56", "petrol_cny_per_l": "7.60"}
    usage = {"km_per_year": 15000}
    loan = {"down_payment_pct": "30", "term_months": 36, "apr_pct": "4.5"}
    return [
        {
            "buyer": {"county_code": county, "ref": "demo-buyer-1"},
            "old_vehicle": {
                "fuel_type": "petrol",
                "registration_date": "2011-04-18",
                "emission_standard": 3,
                "months_owned": 150,
                "disposal": "scrap",
            },
            "new_vehicle": {
                "model": "示例小型纯电轿车",
                "price_cny": "89800",
                "class": "small_car",
                "powertrain": "bev",
                "battery_kwh": "42",
                "consumption_kwh_per_100km": "11.8",
            },
            "purchase_date": "2025-07-15",
            "usage": usage,
            "energy_prices": prices,
        },
        {
            "buyer": {"county_code": county, "ref": "demo-buyer-2"},
            "old_vehicle": {
                "fuel_type": "petrol",
                "registration_date": "2016-09-02",
                "emission_standard": 5,
                "months_owned": 108,
                "disposal": "sell",
            },
            "new_vehicle": {
                "model": "示例纯电微面",
                "price_cny": "62800",
                "class": "micro_van",
                "powertrain": "bev",
                "battery_kwh": "41.9",
                "consumption_kwh_per_100km": "13.5",
            },
            "purchase_date": "2025-09-20",
            "finance": loan,
            "usage": usage,
            "energy_prices": prices,
        },
        {
            "buyer": {"county_code": county, "ref": "demo-buyer-3", "residency": "hukou"},
            "new_vehicle": {
                "model": "示例插混紧凑型轿车",
                "price_cny": "119800",
                "class": "compact_car",
                "powertrain": "phev",
                "battery_kwh": "18.3",
                "consumption_kwh_per_100km": "14.5",
            },
            "purchase_date": "2026-07-01",
            "finance": loan,
            "usage": {"km_per_year": 20000},
            "energy_prices": prices,
        },
        {
            "buyer": {"county_code": county, "ref": "demo-buyer-4"},
            "new_vehicle": {
                "model": "示例纯电微卡",
                "price_cny": "72800",
                "class": "micro_truck",
                "powertrain": "bev",
                "battery_kwh": "41.86",
                "consumption_kwh_per_100km": "16",
            },
            "purchase_date": "2026-08-08",
            "usage": {"km_per_year": 25000},
            "energy_prices": prices,
        },
    ]


def seed_demo_offers(uow_factory: Callable[[], UnitOfWork], offers: OfferCatalogue) -> bool:
    """Add the example rules, quotes and a claim once (needs the demo shortlist).

    Everything goes in one transaction; returns whether anything was added.
    """
    with uow_factory() as uow:
        shortlist = uow.scenarios.latest_demo("targeting")
        if shortlist is None or uow.policies.has_source(DEMO_SOURCE):
            return False
        codes = [row["code"] for row in shortlist.result["selected"]]
        names: dict[str, str] = {}
        for code in [*dict.fromkeys(c[:2] + "0000" for c in codes), codes[0]]:
            division = uow.atlas.get_division(code)
            names[code] = division.name if division is not None else code
        county = (codes[0], names.pop(codes[0]))
        rules = demo_rule_mappings(names, county)
        catalogue, _ = add_rule_versions(uow, offers.current(uow), rules, DEMO_SOURCE)
        quotes = [
            store_quote(uow, catalogue, parse_quote_request(data), data)
            for data in demo_quote_requests(county[0])
        ]
        add_claim(uow, quotes[1], f"example-{codes[0][:2]}0000-replacement-2025")
        uow.commit()
    offers.invalidate()
    return True
