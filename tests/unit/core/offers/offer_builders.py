"""Small builders of offer rules and quote requests for the offer tests.

Each builder starts from a valid mapping (the YAML/JSON shape that users write) and
applies overrides, so a test states only what matters to it and still goes through
the same parsing as a rule file or an API body.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from nevrural.adapters.files.policy_yaml import load_packaged_policies
from nevrural.core.offers.catalogue import Catalogue
from nevrural.core.offers.request import QuoteRequest, parse_quote_request
from nevrural.core.offers.rule_parsing import parse_cap, parse_rule

if TYPE_CHECKING:
    from nevrural.core.offers.rules import CombinedCap, PolicyRule

__all__ = [
    "HEBEI",
    "HEBEI_COUNTY",
    "cap",
    "national_catalogue",
    "national_rules",
    "request",
    "request_mapping",
    "rule",
    "rule_mapping",
    "with_changes",
]

HEBEI = "130000"  # 河北省
HEBEI_COUNTY = "130123"  # 正定县, 石家庄市


def with_changes(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of `base` with dotted keys set (``new_vehicle.price_cny``); None deletes."""
    data = copy.deepcopy(base)
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        node = data
        for key in parents:
            node = node.setdefault(key, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return data


def rule_mapping(rule_id: str = "demo", **fields: Any) -> dict[str, Any]:
    """A valid rule mapping: a 1,000 CNY national enterprise discount from 2025-01-01."""
    data: dict[str, Any] = {
        "id": rule_id,
        "version": 1,
        "title_zh": f"测试{rule_id}",
        "title_en": f"Test {rule_id}",
        "category": "discount",
        "funded_by": "enterprise",
        "is_example": True,
        "citation": {"issuer": "tests", "document": "test rules", "date": "2025-01-01"},
        "jurisdiction": "national",
        "effective_from": "2025-01-01",
        "amount": {"kind": "fixed", "cny": "1000"},
    }
    data.update(fields)
    return data


def rule(rule_id: str = "demo", **fields: Any) -> PolicyRule:
    """A parsed rule (see `rule_mapping`)."""
    return parse_rule(rule_mapping(rule_id, **fields))


def cap(cap_id: str, cap_cny: str, **fields: Any) -> CombinedCap:
    """A parsed combined cap."""
    data: dict[str, Any] = {
        "id": cap_id,
        "title_zh": f"上限{cap_id}",
        "title_en": f"Cap {cap_id}",
        "cap_cny": cap_cny,
    }
    data.update(fields)
    return parse_cap(data)


def national_rules() -> tuple[PolicyRule, ...]:
    """The packaged national (cited, non-example) rules."""
    rules, _ = load_packaged_policies()
    return tuple(r for r in rules if not r.is_example)


def national_catalogue(*more: PolicyRule) -> Catalogue:
    """The packaged national rules plus `more`, without the example offers."""
    return Catalogue([*national_rules(), *more], [])


_REQUEST: dict[str, Any] = {
    "buyer": {"county_code": HEBEI_COUNTY, "residency": "hukou"},
    "new_vehicle": {
        "model": "测试电动车",
        "price_cny": "100000",
        "class": "small_car",
        "powertrain": "bev",
        "battery_kwh": "40",
        "consumption_kwh_per_100km": "13",
    },
    "purchase_date": "2025-06-01",
    "usage": {"km_per_year": 15000},
    "energy_prices": {"electricity_cny_per_kwh": "0.56", "petrol_cny_per_l": "7.6"},
}

_OLD_CAR: dict[str, Any] = {
    "fuel_type": "petrol",
    "registration_date": "2010-05-01",
    "emission_standard": 3,
    "months_owned": 120,
    "disposal": "scrap",
}


def request_mapping(*, with_old_car: bool = False, **changes: Any) -> dict[str, Any]:
    """A valid request mapping (a 100,000 CNY BEV small car in Hebei, 2025-06-01, cash).

    `changes` use dotted keys with ``__`` for the dot (``new_vehicle__price_cny``).
    """
    base = copy.deepcopy(_REQUEST)
    if with_old_car:
        base["old_vehicle"] = copy.deepcopy(_OLD_CAR)
    return with_changes(base, {k.replace("__", "."): v for k, v in changes.items()})


def request(*, with_old_car: bool = False, **changes: Any) -> QuoteRequest:
    """A parsed request (see `request_mapping`)."""
    return parse_quote_request(request_mapping(with_old_car=with_old_car, **changes))
