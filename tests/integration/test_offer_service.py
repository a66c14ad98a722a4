"""Offer services on the real atlas (SQLite and PostgreSQL): rules, quotes, claims, revisions."""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import text

from nevrural.core.offers.fields import FieldError
from nevrural.services.demo import DEMO_SHORTLIST
from nevrural.services.demo_offers import seed_demo_offers
from nevrural.services.offer_claims import file_claim
from nevrural.services.offer_quotes import OfferNotFoundError, get_offer_quote, quote_offer
from nevrural.services.offer_revision import revise_rules
from nevrural.services.offer_rules import list_rules
from nevrural.services.targeting import run_targeting

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nevrural.bootstrap import Container

__all__: list[str] = []

# A made-up provincial replacement subsidy for Hebei (130000): 5,000 CNY for selling an
# old car and buying an NEV in 2025; exclusive with the national scrappage subsidy.
REPLACEMENT: dict[str, Any] = {
    "id": "test-130000-replacement",
    "version": 1,
    "title_zh": "【测试】置换更新补贴",
    "title_en": "[Test] replacement subsidy",
    "category": "trade-in",
    "funded_by": "local",
    "is_example": True,
    "citation": {"issuer": "test", "document": "test notice", "date": "2025-01-10"},
    "jurisdiction": "130000",
    "effective_from": "2025-01-01",
    "effective_to": "2025-12-31",
    "published_on": "2025-01-10",
    "conditions": {"old_vehicle": {"disposal": "sell", "min_months_owned": 12}},
    "amount": {"kind": "fixed", "cny": "5000"},
    "exclusivity_group": "national-trade-in-2025",
}


def _clear(container: Container, scenarios_above: int) -> None:
    """Delete every offer row and the scenarios added since (the PostgreSQL atlas is shared)."""
    with container.engine.begin() as conn:
        for table in ("offer_claims", "offer_quotes", "policy_rule_versions"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("DELETE FROM scenarios WHERE id > :top"), {"top": scenarios_above})


@pytest.fixture
def container(any_container: Container) -> Iterator[Container]:
    """`any_container` without offer rows, left as it was found."""
    with any_container.engine.connect() as conn:
        top = int(conn.scalar(text("SELECT coalesce(max(id), 0) FROM scenarios")) or 0)
    _clear(any_container, top)
    yield any_container
    _clear(any_container, top)


def request(county: str = "130123", on: str = "2025-09-20", ref: str = "b-1") -> dict[str, Any]:
    """A buyer selling an old petrol car and buying a 62,800 CNY electric micro van."""
    return {
        "buyer": {"county_code": county, "ref": ref},
        "old_vehicle": {
            "fuel_type": "petrol",
            "registration_date": "2016-09-02",
            "emission_standard": 5,
            "months_owned": 108,
            "disposal": "sell",
        },
        "new_vehicle": {
            "model": "test van",
            "price_cny": "62800",
            "class": "micro_van",
            "powertrain": "bev",
            "consumption_kwh_per_100km": "13.5",
        },
        "purchase_date": on,
        "usage": {"km_per_year": 15000},
        "energy_prices": {"electricity_cny_per_kwh": "0.56", "petrol_cny_per_l": "7.60"},
    }


def version(number: int, cny: str, published_on: str) -> dict[str, Any]:
    """Version `number` of the test replacement subsidy, worth `cny`, published then."""
    rule = copy.deepcopy(REPLACEMENT)
    rule.update(version=number, published_on=published_on)
    rule["amount"] = {"kind": "fixed", "cny": cny}
    return rule


def quote_count(container: Container) -> int:
    """How many quotes are stored."""
    with container.uow() as uow:
        return uow.quotes.count()


def test_quote_is_stored_and_read_back(container: Container) -> None:
    """A quote is stored with its request, amounts and versions, and reads back the same."""
    quote = quote_offer(container.uow, container.offers, request())
    assert quote["rule_versions"]["national-scrappage-nev-2025"] == 1
    assert all(len(i["amount_cny"].split(".")[1]) == 2 for i in quote["items"])
    stored = get_offer_quote(container.uow, quote["quote_id"])
    assert stored == quote
    with container.uow() as uow:
        record = uow.quotes.get(quote["quote_id"])
    assert record is not None
    assert str(record.draft.net_price_cny) == quote["net_price_cny"]
    assert record.draft.amounts == {i["rule_id"]: i["amount_cny"] for i in quote["items"]}
    assert record.draft.request == request()


def test_malformed_request_names_the_field_and_stores_nothing(container: Container) -> None:
    """A negative price is refused naming new_vehicle.price_cny; no quote is stored."""
    bad = request()
    bad["new_vehicle"]["price_cny"] = "-1"
    before = quote_count(container)
    with pytest.raises(FieldError, match=r"new_vehicle\.price_cny"):
        quote_offer(container.uow, container.offers, bad)
    assert quote_count(container) == before
    with pytest.raises(OfferNotFoundError, match="no quote has id 987654"):
        get_offer_quote(container.uow, 987654)


def test_new_rule_is_stored_listed_and_applied(container: Container) -> None:
    """A stored provincial rule is listed for the region and applies to its buyers only."""
    revise_rules(container.uow, container.offers, [REPLACEMENT])
    listed = list_rules(container.uow, container.offers, None, "130123")
    mine = [r for r in listed if r["rule_id"] == REPLACEMENT["id"]]
    assert mine[0]["source"] == "user"
    assert mine[0]["citation"]["document"] == "test notice"
    inside = quote_offer(container.uow, container.offers, request())
    outside = quote_offer(container.uow, container.offers, request("530521"))
    assert {i["rule_id"]: i["amount_cny"] for i in inside["items"]}[REPLACEMENT["id"]] == "5000.00"
    assert REPLACEMENT["id"] not in outside["rule_versions"]


def test_rules_by_date_and_region(container: Container) -> None:
    """On 2026-06-01 the tax is halved, not exempt; a province sees its counties' rules."""
    county_rule = dict(REPLACEMENT, id="test-130123-credit", jurisdiction="130123")
    revise_rules(container.uow, container.offers, [county_rule])
    in_2026 = {
        r["rule_id"] for r in list_rules(container.uow, container.offers, dt.date(2026, 6, 1))
    }
    assert "national-nev-purchase-tax-halving-2026-2027" in in_2026
    assert "national-nev-purchase-tax-exemption-2024-2025" not in in_2026
    hebei = {r["rule_id"] for r in list_rules(container.uow, container.offers, None, "130000")}
    yunnan = {r["rule_id"] for r in list_rules(container.uow, container.offers, None, "530000")}
    assert "test-130123-credit" in hebei
    assert "test-130123-credit" not in yunnan
    assert "national-scrappage-nev-2025" in yunnan
    with pytest.raises(ValueError, match="999999"):
        list_rules(container.uow, container.offers, None, "999999")


def test_stale_version_is_refused_naming_it_and_nothing_is_stored(
    container: Container,
) -> None:
    """A version not above the newest is refused by name; a batch with it stores nothing."""
    stale = dict(REPLACEMENT, id="national-scrappage-nev-2025")
    with pytest.raises(FieldError, match=r"rules\[1\]\.version.*1.*national-scrappage-nev-2025"):
        revise_rules(container.uow, container.offers, [REPLACEMENT, stale])
    with container.uow() as uow:
        assert uow.policies.list() == []
    bad_amount = version(1, "-5", "2025-01-10")
    with pytest.raises(FieldError, match=r"rules\[0\]\.amount\.cny"):
        revise_rules(container.uow, container.offers, [bad_amount])


def test_retroactive_raise_tops_up_quote_and_claim(container: Container) -> None:
    """5,000 raised to 8,000 retroactively: the buyer and the claim get exactly 3,000 more."""
    revise_rules(container.uow, container.offers, [version(1, "5000", "2025-01-10")])
    quote = quote_offer(container.uow, container.offers, request(ref="buyer-A"))
    elsewhere = quote_offer(container.uow, container.offers, request("530521"))
    claim = file_claim(container.uow, quote["quote_id"], REPLACEMENT["id"])
    assert claim["amount_cny"] == "5000.00"
    assert claim["rule_version"] == 1

    impact = revise_rules(container.uow, container.offers, [version(2, "8000", "2025-10-01")])
    assert impact["added"][0]["is_retroactive"] is True
    assert [c["quote_id"] for c in impact["quotes"]] == [quote["quote_id"]]
    change = impact["quotes"][0]
    assert change["buyer_ref"] == "buyer-A"
    assert change["kind"] == "top-up"
    assert change["rule_changes"] == {REPLACEMENT["id"]: "3000.00"}
    assert change["total_change_cny"] == "3000.00"
    net_before = change["net_price_before_cny"]
    assert net_before == quote["net_price_cny"]
    assert float(change["net_price_after_cny"]) == pytest.approx(float(net_before) - 3000)
    assert change["claims"] == [
        {
            "claim_id": claim["claim_id"],
            "rule_id": REPLACEMENT["id"],
            "claimed_cny": "5000.00",
            "due_cny": "8000.00",
            "change_cny": "3000.00",
        }
    ]
    assert impact["totals"] == {
        "quotes_affected": 1,
        "top_up_cny": "3000.00",
        "claw_back_cny": "0.00",
        "claims_affected": 1,
        "claims_change_cny": "3000.00",
    }
    assert elsewhere["quote_id"] not in [c["quote_id"] for c in impact["quotes"]]
    new_quote = quote_offer(container.uow, container.offers, request())
    assert new_quote["rule_versions"][REPLACEMENT["id"]] == 2


def test_retroactive_cut_claws_back(container: Container) -> None:
    """5,000 cut to 4,000 retroactively: the buyer owes 1,000 back."""
    revise_rules(container.uow, container.offers, [version(1, "5000", "2025-01-10")])
    quote_offer(container.uow, container.offers, request())
    impact = revise_rules(container.uow, container.offers, [version(2, "4000", "2025-10-01")])
    assert impact["quotes"][0]["kind"] == "claw-back"
    assert impact["totals"]["claw_back_cny"] == "1000.00"
    assert impact["totals"]["top_up_cny"] == "0.00"


def test_claims_are_refused_unless_claimable(container: Container) -> None:
    """Unapplied, tax and repeated claims are refused naming the rule; unknown quotes too."""
    revise_rules(container.uow, container.offers, [REPLACEMENT])
    quote_id = quote_offer(container.uow, container.offers, request())["quote_id"]
    with pytest.raises(ValueError, match="national-scrappage-nev-2025 did not apply"):
        file_claim(container.uow, quote_id, "national-scrappage-nev-2025")
    with pytest.raises(ValueError, match="tax item"):
        file_claim(container.uow, quote_id, "national-nev-purchase-tax-exemption-2024-2025")
    file_claim(container.uow, quote_id, REPLACEMENT["id"])
    with pytest.raises(ValueError, match="already claimed"):
        file_claim(container.uow, quote_id, REPLACEMENT["id"])
    with pytest.raises(OfferNotFoundError, match="424242"):
        file_claim(container.uow, 424242, REPLACEMENT["id"])
    assert len(get_offer_quote(container.uow, quote_id)["claims"]) == 1


def test_demo_offers_are_seeded_once(container: Container) -> None:
    """The example rules of the shortlisted provinces, four quotes and one claim, once."""
    shortlist = run_targeting(container.uow, DEMO_SHORTLIST, is_demo=True)
    provinces = {row["code"][:2] for row in shortlist.result["selected"]}
    assert seed_demo_offers(container.uow, container.offers) is True
    assert seed_demo_offers(container.uow, container.offers) is False
    with container.uow() as uow:
        stored = uow.policies.list()
        assert uow.quotes.count() == 4
        assert len(uow.claims.of_quotes(range(1, 1000))) == 1
    assert len(stored) == 2 * len(provinces) + 1
    assert all(r.source == "demo" and r.is_example for r in stored)
    assert all(r.body["title_zh"].startswith("【示例】") for r in stored)
    replacement = [r.body for r in stored if r.rule_id.endswith("replacement-2025")]
    assert all(r["amount"]["tiers"][-1]["cny"] == "15000" for r in replacement)
    assert all(r["exclusivity_group"] == "national-trade-in-2025" for r in replacement)
