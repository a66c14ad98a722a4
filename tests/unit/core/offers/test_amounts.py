"""Tests for what one rule is worth: percent with a cap, tiers, per-kWh credit, service."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from nevrural.core.offers.catalogue import Catalogue
from nevrural.core.offers.quote import quote_purchase

from .offer_builders import request, rule

__all__: list[str] = []


def _value(amount: dict[str, Any], category: str = "discount", **changes: Any) -> Decimal:
    """The amount of the one rule in a quote, 0 when it is not applied."""
    quote = quote_purchase(
        Catalogue([rule("r", category=category, amount=amount)], []), request(**changes)
    )
    return {i.rule_id: i.amount_cny for i in quote.items}.get("r", Decimal(0))


@pytest.mark.parametrize(
    ("price", "expected"),
    [("50000", "1500.00"), ("100000", "3000.00"), ("200000", "3000.00"), ("33333.33", "1000.00")],
)
def test_percent_of_price_with_a_cap(price: str, expected: str) -> None:
    """3 % of the price, at most 3,000 (3 % of 33,333.33 = 999.9999 -> 1,000.00)."""
    amount = {"kind": "percent_of_price", "percent": "3", "cap_cny": "3000"}
    assert _value(amount, new_vehicle__price_cny=price) == Decimal(expected)


@pytest.mark.parametrize(
    ("price", "expected"), [("79999.99", "0"), ("80000", "5000.00"), ("150000", "8000.00")]
)
def test_price_tiers_pick_the_range(price: str, expected: str) -> None:
    """Tiers cover [from, to): below 80,000 nothing, 80,000-150,000 5,000, above 8,000."""
    amount = {
        "kind": "price_tiers",
        "tiers": [
            {"from_cny": "80000", "to_cny": "150000", "cny": "5000"},
            {"from_cny": "150000", "cny": "8000"},
        ],
    }
    assert _value(amount, new_vehicle__price_cny=price) == Decimal(expected)


def test_per_kwh_credit_on_five_years_of_charging() -> None:
    """0.30 CNY/kWh on 13 kWh/100 km × 15,000 km × 5 years = 9,750 kWh -> 2,925.00 CNY."""
    amount = {"kind": "per_kwh", "cny_per_kwh": "0.30", "max_kwh": "20000"}
    assert _value(amount, "energy") == Decimal("2925.00")


def test_per_kwh_credit_is_capped_by_max_kwh() -> None:
    """Same buyer, at most 5,000 kWh: 5,000 × 0.30 = 1,500.00 CNY."""
    amount = {"kind": "per_kwh", "cny_per_kwh": "0.30", "max_kwh": "5000"}
    assert _value(amount, "energy") == Decimal("1500.00")


def test_per_kwh_credit_never_above_the_electricity_price() -> None:
    """A 0.80 CNY/kWh credit on 0.56 CNY/kWh power pays 0.56: 5,000 × 0.56 = 2,800.00."""
    amount = {"kind": "per_kwh", "cny_per_kwh": "0.80", "max_kwh": "5000"}
    assert _value(amount, "energy") == Decimal("2800.00")
    # With power at 1.00 CNY/kWh the credit's own rate (0.80) applies: 4,000.00.
    dear = _value(amount, "energy", energy_prices__electricity_cny_per_kwh="1.00")
    assert dear == Decimal("4000.00")


def test_per_kwh_credit_with_free_power_is_worth_nothing() -> None:
    """Electricity at 0 CNY/kWh: the credit is worth nothing and is listed as not applied."""
    amount = {"kind": "per_kwh", "cny_per_kwh": "0.30", "max_kwh": "5000"}
    assert _value(amount, "energy", energy_prices__electricity_cny_per_kwh="0") == Decimal(0)


def test_energy_credit_lowers_tco_not_price() -> None:
    """An energy credit is not a price cut: net price unchanged, TCO lower by the credit."""
    credit = rule(
        "r", category="energy", amount={"kind": "per_kwh", "cny_per_kwh": "0.3", "max_kwh": "5000"}
    )
    with_credit = quote_purchase(Catalogue([credit], []), request())
    without = quote_purchase(Catalogue([], []), request())
    assert with_credit.net_price_cny == without.net_price_cny
    assert with_credit.energy_support_cny == Decimal("1500.00")
    assert without.tco_5y_cny - with_credit.tco_5y_cny == Decimal("1500.00")


def test_service_months_are_valued_per_month() -> None:
    """36 months of free service at 50 CNY a month: 1,800.00 CNY."""
    amount = {"kind": "service_months", "months": 36, "cny_per_month": "50"}
    assert _value(amount, "service") == Decimal("1800.00")


def test_apr_reduction_is_the_interest_saved() -> None:
    """2 points off 4.5 % on 70,000 CNY over 36 months saves 2,231.28 CNY of interest.

    At 4.5 %: payment 2,082.28, interest 4,962.08. At 2.5 %: r = 0.025 / 12, payment
    70,000 × r / (1 - (1 + r)^-36) = 2,020.2963 -> 2,020.30, interest 72,730.80 - 70,000
    = 2,730.80. Saved: 4,962.08 - 2,730.80 = 2,231.28 CNY.
    """
    amount = {"kind": "apr_reduction", "percentage_points": "2"}
    loan = {"down_payment_pct": "30", "term_months": 36, "apr_pct": "4.5"}
    assert _value(amount, "finance", finance=loan) == Decimal("2231.28")
