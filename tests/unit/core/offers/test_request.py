"""Tests for reading quote requests: valid ones parse, malformed ones name the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from nevrural.core.offers.fields import FieldError
from nevrural.core.offers.request import parse_quote_request

from .offer_builders import request_mapping

__all__: list[str] = []

# (changes with "__" for ".", the field path the message must start with)
BAD_REQUESTS: list[tuple[dict[str, Any], str]] = [
    ({"new_vehicle__price_cny": "-1"}, "new_vehicle.price_cny"),
    ({"new_vehicle__price_cny": -1}, "new_vehicle.price_cny"),
    ({"new_vehicle__price_cny": "cheap"}, "new_vehicle.price_cny"),
    ({"new_vehicle__price_cny": "20000000"}, "new_vehicle.price_cny"),
    ({"new_vehicle__price_cny": "Infinity"}, "new_vehicle.price_cny"),
    ({"new_vehicle__price_cny": True}, "new_vehicle.price_cny"),
    ({"new_vehicle__price_cny": None}, "new_vehicle.price_cny"),
    ({"new_vehicle__class": "tractor"}, "new_vehicle.class"),
    ({"new_vehicle__powertrain": "steam"}, "new_vehicle.powertrain"),
    ({"new_vehicle__battery_kwh": "-40"}, "new_vehicle.battery_kwh"),
    ({"new_vehicle__consumption_kwh_per_100km": "999"}, "new_vehicle.consumption_kwh_per_100km"),
    ({"new_vehicle__in_tax_catalogue": "yes"}, "new_vehicle.in_tax_catalogue"),
    ({"new_vehicle__colour": "red"}, "new_vehicle.colour"),
    ({"buyer__county_code": "13012"}, "buyer.county_code"),
    ({"buyer__county_code": "130100"}, "buyer.county_code"),  # a prefecture, not a county
    ({"buyer__county_code": "13O123"}, "buyer.county_code"),
    ({"buyer__county_code": 130123}, "buyer.county_code"),
    ({"buyer__county_code": None}, "buyer.county_code"),
    ({"buyer__residency": "tourist"}, "buyer.residency"),
    ({"buyer__has_used_subsidy_this_year": "no"}, "buyer.has_used_subsidy_this_year"),
    ({"buyer__hukou": True}, "buyer.hukou"),
    ({"buyer": "Zhang San"}, "buyer"),
    ({"purchase_date": "2025-02-30"}, "purchase_date"),
    ({"purchase_date": "01/06/2025"}, "purchase_date"),
    ({"purchase_date": 20250601}, "purchase_date"),
    ({"purchase_date": None}, "purchase_date"),
    ({"purchase_dat": "2025-06-01"}, "purchase_dat"),
    ({"finanse": {"term_months": 36}}, "finanse"),
    ({"usage__km_per_year": -1}, "usage.km_per_year"),
    ({"usage__km_per_year": "many"}, "usage.km_per_year"),
    ({"usage__km_per_year": 15000.5}, "usage.km_per_year"),
    ({"usage__km_per_day": 40}, "usage.km_per_day"),
    ({"usage": None}, "usage"),
    ({"energy_prices__electricity_cny_per_kwh": None}, "energy_prices.electricity_cny_per_kwh"),
    ({"energy_prices__petrol_cny_per_l": "-7"}, "energy_prices.petrol_cny_per_l"),
    ({"energy_prices__petrol_cny_per_l": "NaN"}, "energy_prices.petrol_cny_per_l"),
    (
        {"finance": {"down_payment_pct": "120", "term_months": 36, "apr_pct": "4"}},
        "finance.down_payment_pct",
    ),
    (
        {"finance": {"down_payment_pct": "30", "term_months": 0, "apr_pct": "4"}},
        "finance.term_months",
    ),
    (
        {"finance": {"down_payment_pct": "30", "term_months": 36, "apr_pct": "-1"}},
        "finance.apr_pct",
    ),
    ({"finance": {"down_payment_pct": "30", "term_months": 36}}, "finance.apr_pct"),
    (
        {"finance": {"down_payment_pct": "30", "term_months": 36, "apr_pct": "4", "bank": "x"}},
        "finance.bank",
    ),
    (
        {"comparable_petrol": {"price_cny": "90000", "consumption_l_per_100km": "-2"}},
        "comparable_petrol.consumption_l_per_100km",
    ),
    ({"old_vehicle__fuel_type": "hydrogen"}, "old_vehicle.fuel_type"),
    ({"old_vehicle__registration_date": "2025-07-01"}, "old_vehicle.registration_date"),
    ({"old_vehicle__registration_date": "2010"}, "old_vehicle.registration_date"),
    ({"old_vehicle__emission_standard": 7}, "old_vehicle.emission_standard"),
    ({"old_vehicle__months_owned": -3}, "old_vehicle.months_owned"),
    ({"old_vehicle__disposal": "gift"}, "old_vehicle.disposal"),
    ({"old_vehicle__is_passenger": 1}, "old_vehicle.is_passenger"),
    ({"old_vehicle__mileage_km": 90000}, "old_vehicle.mileage_km"),
]


@pytest.mark.parametrize(("changes", "path"), BAD_REQUESTS)
def test_malformed_request_is_refused_naming_the_field(changes: dict[str, Any], path: str) -> None:
    """Each malformed field is refused with a FieldError whose message starts with its path."""
    data = request_mapping(with_old_car=True, **changes)
    with pytest.raises(FieldError) as caught:
        parse_quote_request(data)
    assert caught.value.path == path
    assert str(caught.value).startswith(f"{path}: ")


def test_request_that_is_not_a_mapping_is_refused() -> None:
    """A JSON array or string body is refused as a whole."""
    with pytest.raises(FieldError, match="must be a mapping"):
        parse_quote_request([1, 2])


def test_valid_request_parses_to_fen_and_decimals() -> None:
    """Prices become fen, defaults fill the optional fields, the old car and loan are read."""
    parsed = parse_quote_request(
        request_mapping(
            with_old_car=True,
            new_vehicle__price_cny="62800.005",
            finance={"down_payment_pct": "30", "term_months": 36, "apr_pct": "4.5"},
            comparable_petrol={"price_cny": 58000, "consumption_l_per_100km": 7.2},
        )
    )
    assert parsed.new_vehicle.price_fen == 6_280_001  # 62,800.005 CNY, half-up to the fen
    assert parsed.buyer.county_code == "130123"
    assert parsed.buyer.has_used_subsidy_this_year is False
    assert parsed.purchase_date == date(2025, 6, 1)
    assert parsed.old_vehicle is not None
    assert parsed.old_vehicle.disposal == "scrap"
    assert parsed.old_vehicle.is_passenger is True
    assert parsed.finance is not None
    assert parsed.finance.apr_pct == Decimal("4.5")
    assert parsed.comparable_petrol is not None
    assert parsed.comparable_petrol.price_fen == 5_800_000
    assert parsed.comparable_petrol.consumption_l_per_100km == Decimal("7.2")


def test_whitespace_around_values_is_tolerated() -> None:
    """Numbers and dates given as text with spaces parse (forms often add them)."""
    parsed = parse_quote_request(
        request_mapping(new_vehicle__price_cny=" 100000 ", purchase_date=" 2025-06-01 ")
    )
    assert parsed.new_vehicle.price_fen == 10_000_000
