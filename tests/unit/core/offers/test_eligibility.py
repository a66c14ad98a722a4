"""Tests for eligibility: scrappage conditions on the old car, residency, yearly limit.

The scrappage rule is the packaged national one (发改环资〔2025〕13号): scrap a petrol
passenger car registered on or before 2012-06-30 (diesel or gas: 2014-06-30; NEV:
2018-12-31), owned since 2025-01-08 at the latest, buy an NEV passenger car: 20,000 CNY.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from nevrural.core.offers.eligibility import months_before
from nevrural.core.offers.quote import Quote, quote_purchase

from .offer_builders import national_catalogue, request, rule

__all__: list[str] = []

SCRAPPAGE = "national-scrappage-nev-2025"


def _scrappage_quote(**changes: Any) -> Quote:
    return quote_purchase(national_catalogue(), request(with_old_car=True, **changes))


def _refusal(quote: Quote, rule_id: str) -> tuple[str, str, str]:
    found = {n.rule_id: n.reason for n in quote.not_applied}
    assert rule_id in found, f"{rule_id} is not refused: items {[i.rule_id for i in quote.items]}"
    return found[rule_id].code, found[rule_id].zh, found[rule_id].en


def _amounts(quote: Quote) -> dict[str, Decimal]:
    return {i.rule_id: i.amount_cny for i in quote.items}


def test_old_petrol_car_registered_2010_gets_scrappage() -> None:
    """Petrol car of 2010-05-01, scrapped: 20,000 CNY."""
    assert _amounts(_scrappage_quote())[SCRAPPAGE] == Decimal("20000.00")


def test_petrol_car_registered_2013_is_refused_naming_2012_06_30() -> None:
    """Petrol car registered 2013-01-01 is too young: the reason names 2012-06-30."""
    quote = _scrappage_quote(old_vehicle__registration_date="2013-01-01")
    code, zh, en = _refusal(quote, SCRAPPAGE)
    assert code == "old_registered"
    assert "2012-06-30" in en
    assert "2013-01-01" in en
    assert "2012-06-30" in zh
    assert SCRAPPAGE not in _amounts(quote)


def test_petrol_car_registered_on_the_limit_is_eligible() -> None:
    """The limit date itself (2012-06-30) is included."""
    quote = _scrappage_quote(old_vehicle__registration_date="2012-06-30")
    assert _amounts(quote)[SCRAPPAGE] == Decimal("20000.00")


@pytest.mark.parametrize(
    ("registered", "is_eligible"),
    [("2014-06-30", True), ("2014-07-01", False), ("2013-01-01", True)],
)
def test_diesel_limit_is_2014_06_30(registered: str, is_eligible: bool) -> None:
    """A diesel car qualifies up to 2014-06-30 and is refused after it, naming the date."""
    quote = _scrappage_quote(
        old_vehicle__fuel_type="diesel", old_vehicle__registration_date=registered
    )
    if is_eligible:
        assert _amounts(quote)[SCRAPPAGE] == Decimal("20000.00")
    else:
        code, _, en = _refusal(quote, SCRAPPAGE)
        assert code == "old_registered"
        assert "2014-06-30" in en
        assert "diesel" in en


def test_sold_old_car_gets_no_scrappage() -> None:
    """Selling the old car instead of scrapping it is refused with the 'disposal' reason."""
    quote = _scrappage_quote(old_vehicle__disposal="sell")
    code, _, en = _refusal(quote, SCRAPPAGE)
    assert code == "disposal"
    assert "scrap" in en
    assert "sell" in en


def test_no_old_car_gets_no_scrappage() -> None:
    """Without an old car the scrappage subsidy is refused (no_old_vehicle)."""
    quote = quote_purchase(national_catalogue(), request())
    assert _refusal(quote, SCRAPPAGE)[0] == "no_old_vehicle"


def test_old_car_bought_after_2025_01_08_is_refused() -> None:
    """Owned 3 months at a 2025-06-01 purchase = since 2025-03-01, after 2025-01-08."""
    quote = _scrappage_quote(old_vehicle__months_owned=3)
    code, _, en = _refusal(quote, SCRAPPAGE)
    assert code == "owned_since"
    assert "2025-01-08" in en
    assert "2025-03-01" in en


def test_old_goods_vehicle_is_refused() -> None:
    """A non-passenger old vehicle does not qualify for the passenger-car scrappage."""
    quote = _scrappage_quote(old_vehicle__is_passenger=False)
    assert _refusal(quote, SCRAPPAGE)[0] == "old_passenger_only"


def test_new_micro_truck_is_not_a_passenger_car() -> None:
    """A new electric micro truck is refused: passenger cars only."""
    quote = _scrappage_quote(new_vehicle__class="micro_truck")
    assert _refusal(quote, SCRAPPAGE)[0] == "passenger_only"


def test_trade_in_limited_to_one_per_person_per_year() -> None:
    """A buyer who has used a trade-in subsidy this year is refused (yearly_limit)."""
    quote = _scrappage_quote(buyer__has_used_subsidy_this_year=True)
    code, zh, en = _refusal(quote, SCRAPPAGE)
    assert code == "yearly_limit"
    assert "1 per person per year" in en
    assert "每人每年" in zh
    assert quote.trade_in_cny == Decimal("0.00")


def test_yearly_limit_does_not_touch_rules_without_a_limit() -> None:
    """The used-subsidy flag leaves unlimited offers (the tax exemption) alone."""
    quote = _scrappage_quote(buyer__has_used_subsidy_this_year=True)
    assert "national-nev-purchase-tax-exemption-2024-2025" in _amounts(quote)


def test_scrappage_is_not_in_force_in_2026() -> None:
    """The 2025 scrappage rule is refused for a 2026 purchase, naming its dates."""
    quote = _scrappage_quote(purchase_date="2026-02-01")
    code, _, en = _refusal(quote, SCRAPPAGE)
    assert code == "not_in_force"
    assert "2025-12-31" in en
    assert "2026-02-01" in en


def test_residency_condition() -> None:
    """A local rule for hukou holders refuses a buyer without local residence, naming both."""
    local = rule(
        "hebei-hukou",
        jurisdiction="130000",
        category="discount",
        conditions={"buyer": {"residency": ["hukou", "residence_permit"]}},
    )
    quote = quote_purchase(national_catalogue(local), request(buyer__residency="none"))
    code, _, en = _refusal(quote, "hebei-hukou")
    assert code == "residency"
    assert "no local residence" in en


def test_loan_conditions() -> None:
    """A loan-only offer is refused for cash and for a loan shorter than its minimum term."""
    loan_only = rule(
        "bank-offer",
        category="discount",
        conditions={"finance": {"required": True, "min_term_months": 24}},
    )
    catalogue = national_catalogue(loan_only)
    assert _refusal(quote_purchase(catalogue, request()), "bank-offer")[0] == "needs_finance"
    short = request(finance={"down_payment_pct": "30", "term_months": 12, "apr_pct": "4"})
    assert _refusal(quote_purchase(catalogue, short), "bank-offer")[0] == "min_term"
    long = request(finance={"down_payment_pct": "30", "term_months": 24, "apr_pct": "4"})
    assert "bank-offer" in _amounts(quote_purchase(catalogue, long))


@pytest.mark.parametrize(
    ("on", "months", "expected"),
    [
        (date(2025, 3, 31), 1, date(2025, 2, 28)),
        (date(2025, 1, 8), 13, date(2023, 12, 8)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2025, 6, 1), 0, date(2025, 6, 1)),
    ],
)
def test_months_before_clamps_to_month_end(on: date, months: int, expected: date) -> None:
    """Calendar months back, clamped to the month's last day."""
    assert months_before(on, months) == expected
