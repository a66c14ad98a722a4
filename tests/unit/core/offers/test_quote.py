"""Tests for the whole quote: a worked example, the petrol comparison, TCO, determinism."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nevrural.core.offers.quote import quote_purchase
from nevrural.core.offers.rules import Jurisdiction
from nevrural.core.offers.tco import ownership_of

from .offer_builders import national_catalogue, request

__all__: list[str] = []


def test_worked_quote_scrappage_exemption_and_loan() -> None:
    """100,000 CNY BEV, scrapped 2010 petrol car, 2025-06-01, 30 % down, 36 months at 4.5 %.

    Scrappage 20,000; tax 8,849.56 exempted; invoice 100,000; net 80,000; loan 70,000 at
    2,082.28 a month (interest 4,962.08). TCO (5 years, 15,000 km a year): energy 75,000 km
    × 13 / 100 × 0.56 = 5,460; maintenance 75,000 × 0.05 = 3,750; total 80,000 + 4,962.08
    + 5,460 + 3,750 = 94,172.08 CNY.
    """
    quote = quote_purchase(
        national_catalogue(),
        request(
            with_old_car=True,
            finance={"down_payment_pct": "30", "term_months": 36, "apr_pct": "4.5"},
        ),
    )
    assert {i.rule_id: i.category for i in quote.items} == {
        "national-scrappage-nev-2025": "trade-in",
        "national-nev-purchase-tax-exemption-2024-2025": "tax",
    }
    assert quote.trade_in_cny == Decimal("20000.00")
    assert quote.purchase_tax_cny == Decimal("0.00")
    assert quote.net_price_cny == Decimal("80000.00")
    assert quote.monthly_payment_cny == Decimal("2082.28")
    assert quote.tco_parts["nev"]["energy_cny"] == Decimal("5460.00")
    assert quote.tco_parts["nev"]["maintenance_cny"] == Decimal("3750.00")
    assert quote.tco_5y_cny == Decimal("94172.08")
    assert ("national-scrappage-nev-2025", 1) in quote.rule_versions


def test_petrol_comparison_is_priced_under_the_same_rules() -> None:
    """The modelled petrol twin (same price, 6.0 L/100 km) gets the fuel-car scrappage.

    Petrol: 15,000 scrappage, full tax 8,849.56, net 93,849.56; loan 70,000 -> interest
    4,962.08; petrol 75,000 km × 6.0 / 100 × 7.6 = 34,200; maintenance 75,000 × 0.10 =
    7,500; total 93,849.56 + 4,962.08 + 34,200 + 7,500 = 140,511.64 CNY.
    """
    quote = quote_purchase(
        national_catalogue(),
        request(
            with_old_car=True,
            finance={"down_payment_pct": "30", "term_months": 36, "apr_pct": "4.5"},
        ),
    )
    assert quote.petrol_net_price_cny == Decimal("93849.56")
    assert quote.tco_parts["petrol"]["energy_cny"] == Decimal("34200.00")
    assert quote.tco_5y_petrol_cny == Decimal("140511.64")
    assert "modelled" in quote.assumptions["petrol_comparison"]


def test_given_comparable_petrol_car_is_used() -> None:
    """A given petrol car (80,000 CNY, 7.0 L/100 km) replaces the modelled one."""
    quote = quote_purchase(
        national_catalogue(),
        request(comparable_petrol={"price_cny": "80000", "consumption_l_per_100km": "7.0"}),
    )
    # 80,000 + tax 80,000 × 10 / 113 = 7,079.65 -> 87,079.65 (no scrappage: no old car).
    assert quote.petrol_net_price_cny == Decimal("87079.65")
    # 75,000 km × 7.0 / 100 × 7.6 = 39,900 CNY of petrol.
    assert quote.tco_parts["petrol"]["energy_cny"] == Decimal("39900.00")
    assert quote.assumptions["petrol_comparison"].startswith("given")


def test_same_request_gives_an_identical_quote() -> None:
    """Quoting twice gives equal quotes (the engine is pure)."""
    catalogue = national_catalogue()
    req = request(
        with_old_car=True, finance={"down_payment_pct": "20", "term_months": 24, "apr_pct": "3.9"}
    )
    assert quote_purchase(catalogue, req) == quote_purchase(catalogue, req)


def test_amounts_have_two_places() -> None:
    """Every CNY amount leaves the engine with exactly two decimal places."""
    quote = quote_purchase(national_catalogue(), request(new_vehicle__price_cny="123456.7"))
    for value in (quote.net_price_cny, quote.purchase_tax_cny, quote.tco_5y_cny):
        assert value.as_tuple().exponent == -2


def test_ownership_parts() -> None:
    """60,000 net, 10,000 km a year, 15 kWh/100 km at 0.5: energy 3,750, maintenance 2,500."""
    own = ownership_of(
        net_price_fen=6_000_000,
        interest_fen=0,
        km_per_year=10_000,
        energy_units_per_100km=Decimal(15),
        price_per_unit_cny=Decimal("0.5"),
        maintenance_cny_per_km=Decimal("0.05"),
        credits_fen=100_000_000,
    )
    assert (own.energy_fen, own.maintenance_fen) == (375_000, 250_000)
    assert own.total_fen == 0  # credits above the cost never make it negative


@pytest.mark.parametrize(
    ("code", "level", "covers"),
    [
        ("national", "national", ("130123", "530521")),
        ("130000", "province", ("130123",)),
        ("130100", "prefecture", ("130123",)),
        ("130123", "county", ("130123",)),
    ],
)
def test_jurisdiction_levels(code: str, level: str, covers: tuple[str, ...]) -> None:
    """Codes ending 0000 are provinces, 00 prefectures, others counties; prefixes match."""
    jurisdiction = Jurisdiction.parse(code)
    assert jurisdiction.level == level
    assert all(jurisdiction.covers(c) for c in covers)
    if level != "national":
        assert not jurisdiction.covers("411702")


def test_jurisdiction_refuses_bad_codes() -> None:
    """Anything but 'national' or six digits is refused."""
    for text in ("", "13", "1301234", "nation", "13O123"):
        with pytest.raises(ValueError, match="six-digit"):
            Jurisdiction.parse(text)
