"""Offer engine: in-process quotes per second over 100,000 varied buyers, on one core.

What is measured: the quotes of 100,000 requests (the NEV priced under every rule of
the buyer's jurisdictions with a reason for each rule that does not apply, the
comparable petrol car, loan and five-year TCO), timed on the wall clock
(``time.perf_counter``) in this single process after a warm-up of 2,000 quotes: once
one at a time (``quote_purchase``, the API's path) and once as one batch
(``quote_batch``, equal quote for quote; the target applies to it). Parsing the
requests (JSON mapping -> ``QuoteRequest``) is timed separately, not in the target.

Buyers are drawn with ``np.random.default_rng(SEED)``: counties from a fixed list of
real six-digit county codes in Hebei, Henan, Yunnan and five other provinces, with or
without an old car (fuel, registration date 2000-2023, scrapped or sold), eight models
(micro vans to SUVs, BEV/PHEV/EREV and a petrol one), purchase dates 2024-2027, cash or
a loan (down payment, 12-60 months, APR 0-8 %). The catalogue is the packaged one
(national rules and examples) plus a few example provincial and county rules built
here (a replacement subsidy in the national trade-in exclusivity group, a charging
credit, a county top-up requiring it, a combined cap).

Run: ``.venv/bin/python benchmarks/bench_offers.py [--buyers N]``. Exit status 1 when
below 50,000 quotes/s. Timings on a shared 2-core machine are noisy.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from typing import Any

import numpy as np

from nevrural.adapters.files.policy_yaml import load_packaged_policies
from nevrural.core.offers.batch import quote_batch
from nevrural.core.offers.catalogue import Catalogue
from nevrural.core.offers.quote import quote_purchase
from nevrural.core.offers.request import QuoteRequest, parse_quote_request
from nevrural.core.offers.rule_parsing import parse_cap, parse_rule

SEED = 20250601
TARGET_QUOTES_PER_S = 50_000
WARM_UP = 2_000
# Real county-level codes (民政部 2025): 正定县, 辛集市, 曲阳县, 驿城区, 西平县, 清丰县, 施甸县,
# 宾川县, 长沙县, 沂南县, 蓬溪县, 开阳县, 南昌县.
COUNTIES = (
    "130123",
    "130181",
    "130634",
    "411702",
    "411721",
    "410922",
    "530521",
    "532924",
    "430121",
    "371321",
    "510921",
    "520121",
    "360121",
)
# (model, class, powertrain, price CNY, battery kWh, kWh/100 km)
MODELS = (
    ("微面EV", "micro_van", "bev", 52_800, 41, 14.5),
    ("小型EV", "small_car", "bev", 69_800, 31, 11.2),
    ("紧凑EV", "compact_car", "bev", 119_800, 55, 12.8),
    ("紧凑PHEV", "compact_car", "phev", 99_800, 18, 15.5),
    ("SUV EREV", "suv", "erev", 179_900, 40, 18.0),
    ("SUV EV", "suv", "bev", 329_000, 90, 16.5),
    ("微卡EV", "micro_truck", "bev", 61_500, 42, 16.0),
    ("小型燃油", "small_car", "petrol", 65_900, 0, 0),
)
FUELS = ("petrol", "diesel", "gas", "bev", "phev")


def _rule(rule_id: str, **fields: Any) -> Any:
    base: dict[str, Any] = {
        "id": rule_id,
        "version": 1,
        "title_zh": f"【示例】{rule_id}",
        "title_en": f"[Example] {rule_id}",
        "funded_by": "local",
        "is_example": True,
        "citation": {"issuer": "bench (example)", "document": "example", "date": "2025-01-01"},
        "effective_from": "2025-01-01",
        "effective_to": "2027-12-31",
    }
    return parse_rule({**base, **fields})


def build_catalogue() -> Catalogue:
    """The packaged catalogue plus example provincial and county rules and a cap."""
    rules, caps = load_packaged_policies()
    nev = {"powertrains": ["bev", "phev", "erev"], "passenger_only": True}
    extra = [
        _rule(
            "hebei-replacement",
            category="trade-in",
            jurisdiction="130000",
            effective_to="2025-12-31",
            conditions={"new_vehicle": nev, "old_vehicle": {"disposal": "sell"}},
            amount={
                "kind": "price_tiers",
                "tiers": [
                    {"to_cny": "150000", "cny": "8000"},
                    {"from_cny": "150000", "cny": "15000"},
                ],
            },
            exclusivity_group="national-trade-in-2025",
            limit_per_person_per_year=1,
        ),
        _rule(
            "yunnan-charging-credit",
            category="energy",
            jurisdiction="530000",
            conditions={"new_vehicle": {"powertrains": ["bev"]}},
            amount={"kind": "per_kwh", "cny_per_kwh": "0.20", "max_kwh": "6000"},
        ),
        _rule(
            "henan-zhumadian-discount",
            category="discount",
            jurisdiction="411700",
            amount={"kind": "percent_of_price", "percent": "2", "cap_cny": "2500"},
        ),
        _rule(
            "zhengding-replacement-top-up",
            category="trade-in",
            jurisdiction="130123",
            amount={"kind": "fixed", "cny": "3000"},
            prerequisites=["hebei-replacement"],
        ),
    ]
    cap = parse_cap(
        {
            "id": "bench-local-discounts",
            "title_zh": "【示例】优惠合计上限",
            "title_en": "[Example] Discounts together at most 4,000 CNY",
            "cap_cny": "4000",
            "categories": ["discount"],
        }
    )
    return Catalogue([*rules, *extra], [*caps, cap])


def generate_buyers(count: int, seed: int = SEED) -> list[dict[str, Any]]:
    """`count` varied request mappings, drawn with a seeded numpy RNG."""
    rng = np.random.default_rng(seed)
    start = date(2024, 1, 1)
    days = (date(2027, 12, 31) - start).days
    mappings = []
    for _ in range(count):
        model, cls, powertrain, price, battery, use = MODELS[int(rng.integers(len(MODELS)))]
        purchase = start + timedelta(days=int(rng.integers(days + 1)))
        data: dict[str, Any] = {
            "buyer": {
                "county_code": COUNTIES[int(rng.integers(len(COUNTIES)))],
                "residency": ("hukou", "hukou", "residence_permit", "none")[int(rng.integers(4))],
                "has_used_subsidy_this_year": bool(rng.random() < 0.1),
            },
            "new_vehicle": {
                "model": model,
                "price_cny": str(price + 100 * int(rng.integers(-50, 51))),
                "class": cls,
                "powertrain": powertrain,
                "battery_kwh": str(battery),
                "consumption_kwh_per_100km": str(use),
            },
            "purchase_date": purchase.isoformat(),
            "usage": {"km_per_year": int(rng.integers(3_000, 40_001))},
            "energy_prices": {
                "electricity_cny_per_kwh": f"{rng.uniform(0.45, 0.65):.4f}",
                "petrol_cny_per_l": f"{rng.uniform(6.8, 8.2):.2f}",
            },
        }
        if rng.random() < 0.6:
            registered = date(2000, 1, 1) + timedelta(days=int(rng.integers(365 * 24)))
            data["old_vehicle"] = {
                "fuel_type": FUELS[int(rng.integers(len(FUELS)))],
                "registration_date": registered.isoformat(),
                "emission_standard": int(rng.integers(1, 7)),
                "months_owned": int(rng.integers(6, 240)),
                "disposal": ("scrap", "sell")[int(rng.integers(2))],
            }
        if rng.random() < 0.5:
            data["finance"] = {
                "down_payment_pct": str(int(rng.integers(15, 61))),
                "term_months": int((12, 24, 36, 48, 60)[int(rng.integers(5))]),
                "apr_pct": f"{rng.uniform(0, 8):.2f}",
            }
        mappings.append(data)
    return mappings


def main() -> None:
    """Generate the buyers, time parsing and quoting, and check the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=100_000, help="number of buyers")
    args = parser.parse_args()
    catalogue = build_catalogue()
    mappings = generate_buyers(args.buyers)
    started = time.perf_counter()
    requests: list[QuoteRequest] = [parse_quote_request(m) for m in mappings]
    parse_s = time.perf_counter() - started
    for request in requests[:WARM_UP]:
        quote_purchase(catalogue, request)
    started = time.perf_counter()
    applied = 0
    for request in requests:
        applied += len(quote_purchase(catalogue, request).items)
    single_s = time.perf_counter() - started
    quote_batch(catalogue, requests[:WARM_UP])
    started = time.perf_counter()
    quotes = quote_batch(catalogue, requests)
    batch_s = time.perf_counter() - started
    same = sum(len(q.items) for q in quotes) == applied
    rate = len(requests) / batch_s
    print(
        f"buyers {len(requests):,} (seed {SEED}), catalogue {len(catalogue.rule_ids)} rules,"
        f" {applied / len(requests):.2f} items applied per quote"
    )
    print(
        f"parse: {len(requests) / parse_s:,.0f} requests/s"
        f" ({parse_s * 1e6 / len(requests):.1f} us/request, not in the target)"
    )
    print(
        f"quote_purchase, one at a time: {len(requests) / single_s:,.0f} quotes/s"
        f" ({single_s * 1e6 / len(requests):.1f} us/quote)"
    )
    print(
        f"quote_batch, all at once: {rate:,.0f} quotes/s ({batch_s * 1e6 / len(requests):.1f}"
        f" us/quote, one core; same items as one at a time: {same})"
    )
    verdict = "met" if rate >= TARGET_QUOTES_PER_S else "FAILED"
    print(f"target >= {TARGET_QUOTES_PER_S:,} quotes/s: {verdict}")
    if rate < TARGET_QUOTES_PER_S or not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
