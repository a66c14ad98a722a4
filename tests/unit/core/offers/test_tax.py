"""Tests for purchase tax: 10 % of the price net of 13 % VAT, NEV reliefs and their caps.

Hand arithmetic: tax = price × 10 / 113 (车辆购置税法 Art. 4, 6; 13 % VAT), rounded
half-up to the fen. The reliefs are the packaged national rules (MOF/STA/MIIT 2023
No. 10): 2024-2025 exempt up to 30,000 CNY; 2026-2027 halved, at most 15,000 CNY off.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from nevrural.core.offers.quote import quote_purchase
from nevrural.core.offers.tax import purchase_tax_fen

from .offer_builders import national_catalogue, request

__all__: list[str] = []

EXEMPTION = "national-nev-purchase-tax-exemption-2024-2025"
HALVING = "national-nev-purchase-tax-halving-2026-2027"


@pytest.mark.parametrize(
    ("price_fen", "tax_fen"),
    [
        (11_300_000, 1_000_000),  # 113,000 CNY: taxable 100,000, tax 10,000.00
        (10_000_000, 884_956),  # 100,000 × 10 / 113 = 8,849.5575 -> 8,849.56
        (40_000_000, 3_539_823),  # 400,000 × 10 / 113 = 35,398.2301 -> 35,398.23
        (5_650, 500),  # 56.50 CNY: taxable 50.00, tax 5.00
        (0, 0),
    ],
)
def test_purchase_tax_is_ten_percent_of_price_without_vat(price_fen: int, tax_fen: int) -> None:
    """Tax = price / 1.13 × 10 %, half-up to the fen."""
    assert purchase_tax_fen(price_fen) == tax_fen


def _item(quote: object, rule_id: str) -> Decimal:
    items = {i.rule_id: i.amount_cny for i in quote.items}  # type: ignore[attr-defined]
    return items[rule_id]


def test_2025_exemption_is_capped_at_30000_for_a_400000_car() -> None:
    """A 400,000 CNY BEV in 2025: tax 35,398.23, exemption 30,000, 5,398.23 left to pay."""
    quote = quote_purchase(
        national_catalogue(),
        request(
            new_vehicle__price_cny="400000", new_vehicle__class="suv", purchase_date="2025-03-01"
        ),
    )
    assert quote.purchase_tax_before_relief_cny == Decimal("35398.23")
    assert _item(quote, EXEMPTION) == Decimal("30000.00")
    assert quote.tax_relief_cny == Decimal("30000.00")
    assert quote.purchase_tax_cny == Decimal("5398.23")  # 35,398.23 - 30,000
    assert quote.net_price_cny == Decimal("405398.23")  # 400,000 + 5,398.23


def test_2025_exemption_is_whole_for_a_cheap_car() -> None:
    """A 100,000 CNY BEV in 2025 pays no purchase tax (8,849.56 exempted in full)."""
    quote = quote_purchase(national_catalogue(), request(purchase_date="2025-03-01"))
    assert _item(quote, EXEMPTION) == Decimal("8849.56")
    assert quote.purchase_tax_cny == Decimal("0.00")
    assert quote.net_price_cny == Decimal("100000.00")


def test_2026_halving_is_capped_at_15000_for_an_expensive_car() -> None:
    """400,000 CNY in 2026: half of 35,398.23 is 17,699.12 > 15,000, so 15,000 off."""
    quote = quote_purchase(
        national_catalogue(),
        request(
            new_vehicle__price_cny="400000", new_vehicle__class="suv", purchase_date="2026-03-01"
        ),
    )
    assert _item(quote, HALVING) == Decimal("15000.00")
    assert quote.purchase_tax_cny == Decimal("20398.23")  # 35,398.23 - 15,000
    refused = {n.rule_id: n.reason.code for n in quote.not_applied}
    assert refused[EXEMPTION] == "not_in_force"


def test_2026_halving_is_exactly_half_for_a_cheap_car() -> None:
    """100,000 CNY in 2026: tax 8,849.56, half (4,424.78) off, 4,424.78 to pay."""
    quote = quote_purchase(national_catalogue(), request(purchase_date="2026-03-01"))
    assert _item(quote, HALVING) == Decimal("4424.78")
    assert quote.purchase_tax_cny == Decimal("4424.78")
    assert quote.net_price_cny == Decimal("104424.78")


def test_halving_cap_starts_at_339000() -> None:
    """The 15,000 cap bites once half the tax exceeds it: price above 339,000 CNY."""
    # 339,000 × 10 / 113 = 30,000.00 exactly; half = 15,000.00 (cap reached, not exceeded).
    at = quote_purchase(
        national_catalogue(),
        request(new_vehicle__price_cny="339000", purchase_date="2027-12-31"),
    )
    assert at.purchase_tax_before_relief_cny == Decimal("30000.00")
    assert at.tax_relief_cny == Decimal("15000.00")
    assert at.purchase_tax_cny == Decimal("15000.00")


def test_no_relief_outside_the_tax_catalogue_or_after_2027() -> None:
    """A model not in the MIIT catalogue, or bought in 2028, pays the full tax."""
    off_list = quote_purchase(national_catalogue(), request(new_vehicle__in_tax_catalogue=False))
    assert off_list.purchase_tax_cny == Decimal("8849.56")
    reasons = {n.rule_id: n.reason.code for n in off_list.not_applied}
    assert reasons[EXEMPTION] == "tax_catalogue"
    late = quote_purchase(national_catalogue(), request(purchase_date="2028-01-01"))
    assert late.tax_relief_cny == Decimal("0.00")
    assert late.purchase_tax_cny == Decimal("8849.56")
