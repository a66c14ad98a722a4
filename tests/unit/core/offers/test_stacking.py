"""Tests for stacking: exclusivity, prerequisites, combined caps and the price floor.

Checked through whole quotes (national rules plus rules built here), so the numbers
are what a buyer sees. Catalogue order is national, province, prefecture, county, so
a cap or the price floor cuts the local offers first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nevrural.core.offers.catalogue import Catalogue
from nevrural.core.offers.quote import Quote, quote_purchase

from .offer_builders import HEBEI, HEBEI_COUNTY, cap, national_catalogue, request, rule

__all__: list[str] = []

SCRAPPAGE = "national-scrappage-nev-2025"
SCRAPPAGE_TITLE = "Scrappage renewal subsidy (new NEV passenger car)"
NEV_PASSENGER = {"powertrains": ["bev", "phev", "erev"], "passenger_only": True}


def _replacement(disposal: str) -> Any:
    """河北 replacement subsidy: 8,000 CNY below 150,000, 15,000 from 150,000 (same group)."""
    return rule(
        "hebei-replacement-2025",
        title_en="Hebei replacement subsidy",
        category="trade-in",
        funded_by="local",
        jurisdiction=HEBEI,
        effective_to="2025-12-31",
        conditions={"new_vehicle": NEV_PASSENGER, "old_vehicle": {"disposal": disposal}},
        amount={
            "kind": "price_tiers",
            "tiers": [{"to_cny": "150000", "cny": "8000"}, {"from_cny": "150000", "cny": "15000"}],
        },
        exclusivity_group="national-trade-in-2025",
        limit_per_person_per_year=1,
    )


def _amounts(quote: Quote) -> dict[str, Decimal]:
    return {i.rule_id: i.amount_cny for i in quote.items}


def _reasons(quote: Quote) -> dict[str, tuple[str, str]]:
    return {n.rule_id: (n.reason.code, n.reason.en) for n in quote.not_applied}


def test_scrappage_beats_a_smaller_replacement_subsidy() -> None:
    """Both eligible: scrappage 20,000 > replacement 8,000; replacement refused naming it."""
    quote = quote_purchase(national_catalogue(_replacement("scrap")), request(with_old_car=True))
    assert _amounts(quote)[SCRAPPAGE] == Decimal("20000.00")
    assert "hebei-replacement-2025" not in _amounts(quote)
    code, en = _reasons(quote)["hebei-replacement-2025"]
    assert code == "exclusive"
    assert SCRAPPAGE_TITLE in en
    assert quote.trade_in_cny == Decimal("20000.00")


def test_sold_car_gets_replacement_and_scrappage_is_refused_for_disposal() -> None:
    """Old car sold: scrappage refused ('disposal'); the 160,000 CNY car gets 15,000."""
    quote = quote_purchase(
        national_catalogue(_replacement("sell")),
        request(with_old_car=True, old_vehicle__disposal="sell", new_vehicle__price_cny="160000"),
    )
    assert _amounts(quote)["hebei-replacement-2025"] == Decimal("15000.00")
    assert _reasons(quote)[SCRAPPAGE][0] == "disposal"
    assert quote.trade_in_cny == Decimal("15000.00")


def test_young_car_gets_replacement_when_scrappage_is_refused() -> None:
    """Petrol car of 2013: scrappage refused on its date, replacement (8,000) still pays."""
    quote = quote_purchase(
        national_catalogue(_replacement("scrap")),
        request(with_old_car=True, old_vehicle__registration_date="2013-01-01"),
    )
    assert _reasons(quote)[SCRAPPAGE][0] == "old_registered"
    assert _amounts(quote)["hebei-replacement-2025"] == Decimal("8000.00")


def test_replacement_with_a_county_top_up_beats_scrappage() -> None:
    """15,000 + a 10,000 county top-up requiring it = 25,000 > 20,000: replacement wins."""
    top_up = rule(
        "zhengding-top-up",
        category="trade-in",
        funded_by="local",
        jurisdiction=HEBEI_COUNTY,
        amount={"kind": "fixed", "cny": "10000"},
        prerequisites=["hebei-replacement-2025"],
    )
    catalogue = national_catalogue(_replacement("scrap"), top_up)
    expensive = quote_purchase(
        catalogue, request(with_old_car=True, new_vehicle__price_cny="160000")
    )
    assert _amounts(expensive)["hebei-replacement-2025"] == Decimal("15000.00")
    assert _amounts(expensive)["zhengding-top-up"] == Decimal("10000.00")
    code, en = _reasons(expensive)[SCRAPPAGE]
    assert code == "exclusive"
    assert "Hebei replacement subsidy" in en
    assert expensive.trade_in_cny == Decimal("25000.00")
    # Cheaper car: 8,000 + 10,000 = 18,000 < 20,000, so scrappage wins and the top-up,
    # which needs the replacement subsidy, is refused naming it.
    cheap = quote_purchase(catalogue, request(with_old_car=True))
    assert _amounts(cheap)[SCRAPPAGE] == Decimal("20000.00")
    code, en = _reasons(cheap)["zhengding-top-up"]
    assert code == "prerequisite"
    assert "Hebei replacement subsidy" in en


def test_equal_amounts_go_to_the_earlier_rule() -> None:
    """A tie in one exclusivity group goes to the rule earlier in catalogue order."""
    first = rule("first", exclusivity_group="g", amount={"kind": "fixed", "cny": "500"})
    second = rule("second", exclusivity_group="g", amount={"kind": "fixed", "cny": "500"})
    quote = quote_purchase(Catalogue([first, second], []), request())
    assert set(_amounts(quote)) == {"first"}
    assert _reasons(quote)["second"][0] == "exclusive"


def test_prerequisite_chain_applies_in_order() -> None:
    """c needs b needs a: listed out of order, all three apply (prerequisites first)."""
    a = rule("a", amount={"kind": "fixed", "cny": "100"})
    b = rule("b", amount={"kind": "fixed", "cny": "200"}, prerequisites=["a"])
    c = rule("c", amount={"kind": "fixed", "cny": "300"}, prerequisites=["b"])
    quote = quote_purchase(Catalogue([c, b, a], []), request())
    assert _amounts(quote) == {
        "a": Decimal("100.00"),
        "b": Decimal("200.00"),
        "c": Decimal("300.00"),
    }
    assert quote.discounts_cny == Decimal("600.00")
    assert quote.invoice_price_cny == Decimal("99400.00")  # 100,000 - 600


def test_prerequisite_refusal_runs_down_the_chain() -> None:
    """a is for petrol cars only: b (needs a) and c (needs b) are refused naming their need."""
    a = rule("a", title_en="Rule A", conditions={"new_vehicle": {"powertrains": ["petrol"]}})
    b = rule("b", title_en="Rule B", prerequisites=["a"])
    c = rule("c", prerequisites=["b"])
    quote = quote_purchase(Catalogue([a, b, c], []), request())
    assert _amounts(quote) == {}
    reasons = _reasons(quote)
    assert reasons["b"][0] == "prerequisite"
    assert "Rule A" in reasons["b"][1]
    assert reasons["c"][0] == "prerequisite"
    assert "Rule B" in reasons["c"][1]


def test_combined_cap_cuts_the_last_rule_with_a_note() -> None:
    """National 3,000 + Hebei 2,000 under a 4,000 cap: Hebei's cut to 1,000, with a note."""
    national = rule("automaker", amount={"kind": "fixed", "cny": "3000"})
    local = rule("hebei-discount", jurisdiction=HEBEI, amount={"kind": "fixed", "cny": "2000"})
    limit = cap("discounts", "4000", title_en="Discount ceiling", categories=["discount"])
    quote = quote_purchase(Catalogue([local, national], [limit]), request())
    assert _amounts(quote) == {
        "automaker": Decimal("3000.00"),
        "hebei-discount": Decimal("1000.00"),
    }
    note = {i.rule_id: i.note for i in quote.items}["hebei-discount"]
    assert note is not None
    assert note.code == "capped"
    assert note.en == (
        "capped by “Discount ceiling” at 4000.00 CNY: 2000.00 CNY reduced to 1000.00 CNY"
    )
    assert "4000.00" in note.zh
    assert {i.rule_id: i.note for i in quote.items}["automaker"] is None


def test_cap_smaller_than_the_last_rule_reaches_the_earlier_one() -> None:
    """Cap 1,500 on 3,000 + 2,000: the local 2,000 goes to 0, the national one to 1,500."""
    national = rule("automaker", amount={"kind": "fixed", "cny": "3000"})
    local = rule("hebei-discount", jurisdiction=HEBEI, amount={"kind": "fixed", "cny": "2000"})
    limit = cap("tight", "1500", rules=["automaker", "hebei-discount"])
    quote = quote_purchase(Catalogue([national, local], [limit]), request())
    amounts = _amounts(quote)
    assert amounts.get("hebei-discount", Decimal(0)) == Decimal("0.00")
    assert amounts["automaker"] == Decimal("1500.00")
    assert quote.discounts_cny == Decimal("1500.00")


def test_cap_counts_only_its_rules() -> None:
    """A cap on energy offers leaves discounts alone."""
    national = rule("automaker", amount={"kind": "fixed", "cny": "3000"})
    limit = cap("energy", "100", categories=["energy"])
    quote = quote_purchase(Catalogue([national], [limit]), request())
    assert _amounts(quote)["automaker"] == Decimal("3000.00")


def test_offers_never_exceed_the_price() -> None:
    """10,000 CNY car, 8,000 discount + 5,000 trade-in: the trade-in is cut to 2,000.

    Invoice 10,000 - 8,000 = 2,000; tax 2,000 × 10 / 113 = 176.99 (no relief in this
    catalogue); net 2,000 + 176.99 - 2,000 = 176.99 CNY.
    """
    discount = rule("big-discount", amount={"kind": "fixed", "cny": "8000"})
    trade_in = rule(
        "hebei-trade-in",
        category="trade-in",
        jurisdiction=HEBEI,
        amount={"kind": "fixed", "cny": "5000"},
    )
    quote = quote_purchase(
        Catalogue([discount, trade_in], []),
        request(new_vehicle__price_cny="10000", new_vehicle__class="micro_van"),
    )
    assert _amounts(quote) == {
        "big-discount": Decimal("8000.00"),
        "hebei-trade-in": Decimal("2000.00"),
    }
    note = {i.rule_id: i.note for i in quote.items}["hebei-trade-in"]
    assert note is not None
    assert note.code == "price_floor"
    assert "5000.00 CNY reduced to 2000.00 CNY" in note.en
    assert quote.discounts_cny + quote.trade_in_cny == quote.price_cny
    assert quote.invoice_price_cny == Decimal("2000.00")
    assert quote.purchase_tax_cny == Decimal("176.99")
    assert quote.net_price_cny == Decimal("176.99")


def test_exclusivity_winner_refused_for_a_missing_prerequisite_leaves_the_runner_up() -> None:
    """When the bigger rule of a group cannot apply (its prerequisite fails), the other pays."""
    # p (petrol only) fails for a BEV buyer, so big (9,000, group g, requires p) leaves
    # before the group is settled and small (1,000, group g) pays.
    p = rule("p", conditions={"new_vehicle": {"powertrains": ["petrol"]}})
    big = rule(
        "big", amount={"kind": "fixed", "cny": "9000"}, exclusivity_group="g", prerequisites=["p"]
    )
    small = rule("small", exclusivity_group="g")
    quote = quote_purchase(Catalogue([p, big, small], []), request())
    assert _amounts(quote) == {"small": Decimal("1000.00")}
