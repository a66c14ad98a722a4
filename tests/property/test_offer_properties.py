"""Hypothesis invariants of the offer engine over varied buyers and random catalogues.

Buyers: counties in three provinces, with or without an old car (any fuel, 2000-2023,
scrapped or sold), any class and powertrain, prices 5,000-500,000 CNY, purchase dates
2024-2027, cash or a loan. Catalogues: the packaged one, or up to six random rules
(every amount kind, national/province/county, random dates 2024-2027, random
exclusivity groups, prerequisites and combined caps). The contract:

* no amount is ever negative (items, tax, net price, loan, TCO);
* two rules of one exclusivity group never both apply;
* every combined cap holds, and discounts + trade-in never exceed the price;
* an applied rule is in force on the purchase date, so a later date never applies a
  rule that ended before it;
* the same input gives an identical quote.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from nevrural.adapters.files.policy_yaml import load_packaged_policies
from nevrural.core.offers.batch import quote_batch
from nevrural.core.offers.catalogue import Catalogue
from nevrural.core.offers.quote import Quote, quote_purchase
from nevrural.core.offers.request import parse_quote_request
from nevrural.core.offers.rule_parsing import parse_cap, parse_rule
from tests.unit.core.offers.offer_builders import rule_mapping

if TYPE_CHECKING:
    from nevrural.core.offers.rules import PolicyRule

__all__: list[str] = []

COUNTIES = ("130123", "130124", "530521", "530522", "411702", "411721")
JURISDICTIONS = ("national", "national", "national", "130000", "530000", "411700", "130123")
POWERTRAINS = ("bev", "bev", "phev", "erev", "petrol", "diesel")
CLASSES = ("micro_van", "micro_truck", "light_truck", "small_car", "compact_car", "suv", "mpv")
FUELS = ("petrol", "diesel", "gas", "bev", "phev", "erev")
FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2027, 12, 31)
EARLY_CATEGORIES = ("discount", "trade-in", "energy", "service")
# No shrinking: a failure replays the generated example as is, within seconds (shrinking
# random catalogues took minutes); the failing example is stored in .hypothesis.
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    print_blob=True,
)

_PACKAGED = load_packaged_policies()


def _cny(low: int, high: int) -> st.SearchStrategy[str]:
    """A CNY amount as text with two places, in [low, high]."""
    return st.integers(low * 100, high * 100).map(lambda fen: f"{fen // 100}.{fen % 100:02d}")


dates = st.dates(FIRST_DAY, LAST_DAY)


@st.composite
def quote_requests(draw: st.DrawFn) -> dict[str, Any]:
    """A varied buyer, old car, model, date and finance choice (a request mapping)."""
    data: dict[str, Any] = {
        "buyer": {
            "county_code": draw(st.sampled_from(COUNTIES)),
            "residency": draw(st.sampled_from(("hukou", "residence_permit", "none"))),
            "has_used_subsidy_this_year": draw(st.booleans()),
        },
        "new_vehicle": {
            "model": "hypothesis",
            "price_cny": draw(_cny(5_000, 500_000)),
            "class": draw(st.sampled_from(CLASSES)),
            "powertrain": draw(st.sampled_from(POWERTRAINS)),
            "battery_kwh": draw(_cny(0, 120)),
            "consumption_kwh_per_100km": draw(_cny(0, 30)),
            "in_tax_catalogue": draw(st.booleans()),
        },
        "purchase_date": draw(dates).isoformat(),
        "usage": {"km_per_year": draw(st.integers(0, 60_000))},
        "energy_prices": {
            "electricity_cny_per_kwh": draw(_cny(0, 2)),
            "petrol_cny_per_l": draw(_cny(0, 12)),
        },
    }
    if draw(st.booleans()):
        data["old_vehicle"] = {
            "fuel_type": draw(st.sampled_from(FUELS)),
            "registration_date": draw(st.dates(date(2000, 1, 1), date(2023, 12, 31))).isoformat(),
            "emission_standard": draw(st.integers(0, 6)),
            "months_owned": draw(st.integers(0, 300)),
            "disposal": draw(st.sampled_from(("scrap", "sell", None))),
            "is_passenger": draw(st.booleans()),
        }
    if draw(st.booleans()):
        data["finance"] = {
            "down_payment_pct": draw(_cny(0, 100)),
            "term_months": draw(st.integers(1, 84)),
            "apr_pct": draw(_cny(0, 15)),
        }
    if draw(st.integers(0, 4)) == 0:
        data["comparable_petrol"] = {
            "price_cny": draw(_cny(5_000, 300_000)),
            "consumption_l_per_100km": draw(_cny(3, 15)),
        }
    return data


def _amount(draw: st.DrawFn, category: str) -> dict[str, Any]:
    """An amount of a kind that fits `category`."""
    if category == "tax":
        return {
            "kind": "tax_relief",
            "share": draw(st.sampled_from(("1", "0.5", "0.25"))),
            "cap_cny": draw(_cny(0, 40_000)),
        }
    if category == "finance":
        return {"kind": "apr_reduction", "percentage_points": draw(_cny(0, 10))}
    if category == "energy":
        return {
            "kind": "per_kwh",
            "cny_per_kwh": draw(_cny(0, 2)),
            "max_kwh": draw(_cny(0, 20_000)),
        }
    if category == "service":
        return {
            "kind": "service_months",
            "months": draw(st.integers(1, 60)),
            "cny_per_month": draw(_cny(0, 200)),
        }
    if draw(st.booleans()):
        return {"kind": "fixed", "cny": draw(_cny(0, 60_000))}
    return {
        "kind": "percent_of_price",
        "percent": draw(_cny(0, 30)),
        "cap_cny": draw(_cny(0, 20_000)),
    }


class ShownCatalogue(Catalogue):
    """A catalogue whose repr lists its rules and caps (for falsifying examples)."""

    def __repr__(self) -> str:
        return f"Catalogue({list(self.rules())!r}, {list(self.caps)!r})"


@st.composite
def catalogues(draw: st.DrawFn) -> Catalogue:
    """The packaged catalogue, or a random small one with groups, prerequisites and caps."""
    if draw(st.integers(0, 3)) == 0:
        return Catalogue(*_PACKAGED)
    rules: list[PolicyRule] = []
    for n in range(draw(st.integers(1, 6))):
        category = draw(
            st.sampled_from((*EARLY_CATEGORIES, "discount", "trade-in", "tax", "finance"))
        )
        start = draw(st.dates(date(2023, 1, 1), LAST_DAY))
        fields: dict[str, Any] = {
            "category": category,
            "jurisdiction": draw(st.sampled_from(JURISDICTIONS)),
            "effective_from": start.isoformat(),
            "amount": _amount(draw, category),
        }
        if draw(st.integers(0, 2)) == 0:
            fields["effective_to"] = (start + timedelta(days=draw(st.integers(0, 800)))).isoformat()
        group = draw(st.sampled_from((None, "g1", "g1", "g2")))
        if group is not None:  # price cuts and tax/loan offers never share a group
            fields["exclusivity_group"] = (
                f"late-{group}" if category in {"tax", "finance"} else group
            )
        if draw(st.booleans()):
            fields["conditions"] = {"new_vehicle": {"powertrains": ["bev", "phev", "erev"]}}
        if draw(st.integers(0, 3)) == 0:
            fields["limit_per_person_per_year"] = 1
        # Prerequisites on earlier rules only (no cycles); a price cut never needs a late one.
        is_late = category in {"tax", "finance"}
        allowed = [r.rule_id for r in rules if is_late or not r.is_late]
        if allowed and draw(st.integers(0, 2)) == 0:
            fields["prerequisites"] = [draw(st.sampled_from(allowed))]
        rules.append(parse_rule(rule_mapping(f"r{n}", **fields)))
    early_ids = [r.rule_id for r in rules if not r.is_late]
    caps = []
    for n in range(draw(st.integers(0, 2))):
        by_category = not early_ids or draw(st.booleans())
        counted: dict[str, Any] = (
            {
                "categories": draw(
                    st.lists(st.sampled_from(EARLY_CATEGORIES), min_size=1, unique=True)
                )
            }
            if by_category
            else {"rules": draw(st.lists(st.sampled_from(early_ids), min_size=1, unique=True))}
        )
        caps.append(
            parse_cap(
                {
                    "id": f"c{n}",
                    "title_zh": "上限",
                    "title_en": "Cap",
                    "cap_cny": draw(_cny(0, 30_000)),
                    **counted,
                }
            )
        )
    return ShownCatalogue(rules, caps)


def _amounts(quote: Quote) -> list[Any]:
    """Every CNY amount of a quote."""
    values = [i.amount_cny for i in quote.items]
    values += [
        quote.price_cny,
        quote.discounts_cny,
        quote.invoice_price_cny,
        quote.purchase_tax_before_relief_cny,
        quote.tax_relief_cny,
        quote.purchase_tax_cny,
        quote.trade_in_cny,
        quote.net_price_cny,
        quote.energy_support_cny,
        quote.service_value_cny,
        quote.finance_support_cny,
        quote.down_payment_cny,
        quote.loan_principal_cny,
        quote.monthly_payment_cny,
        quote.interest_cny,
        quote.tco_5y_cny,
        quote.tco_5y_petrol_cny,
        quote.petrol_net_price_cny,
        quote.apr_pct,
    ]
    values += [v for parts in quote.tco_parts.values() for v in parts.values()]
    return values


@SETTINGS
@given(catalogue=catalogues(), data=quote_requests())
def test_totals_are_never_negative(catalogue: Catalogue, data: dict[str, Any]) -> None:
    """No amount of a quote is negative: items, tax, net price, loan and TCO."""
    quote = quote_purchase(catalogue, parse_quote_request(data))
    negative = [v for v in _amounts(quote) if v < 0]
    assert not negative, negative


@SETTINGS
@given(catalogue=catalogues(), data=quote_requests())
def test_one_rule_per_exclusivity_group(catalogue: Catalogue, data: dict[str, Any]) -> None:
    """Two rules of one exclusivity group never both apply."""
    quote = quote_purchase(catalogue, parse_quote_request(data))
    groups = [catalogue.versions_of(i.rule_id)[0].exclusivity_group for i in quote.items]
    named = [g for g in groups if g is not None]
    assert len(named) == len(set(named)), [i.rule_id for i in quote.items]


@SETTINGS
@given(catalogue=catalogues(), data=quote_requests())
def test_caps_and_price_floor_hold(catalogue: Catalogue, data: dict[str, Any]) -> None:
    """Each combined cap holds, and discounts + trade-in never exceed the list price."""
    quote = quote_purchase(catalogue, parse_quote_request(data))
    rules = {(r.rule_id, r.version): r for r in catalogue.rules()}
    for cap in catalogue.caps:
        counted = sum(
            i.amount_cny for i in quote.items if cap.counts(rules[(i.rule_id, i.version)])
        )
        assert counted * 100 <= cap.cap_fen, (cap.cap_id, counted)
    assert quote.discounts_cny + quote.trade_in_cny <= quote.price_cny
    assert quote.invoice_price_cny == quote.price_cny - quote.discounts_cny
    assert quote.tax_relief_cny <= quote.purchase_tax_before_relief_cny


def _applied_rules(catalogue: Catalogue, quote: Quote) -> list[PolicyRule]:
    rules = {(r.rule_id, r.version): r for r in catalogue.rules()}
    return [rules[(i.rule_id, i.version)] for i in quote.items]


@SETTINGS
@given(
    catalogue=catalogues(),
    data=quote_requests(),
    days_later=st.integers(0, 1000),
)
def test_rules_apply_only_within_their_dates(
    catalogue: Catalogue, data: dict[str, Any], days_later: int
) -> None:
    """Applied rules are in force on the date; moving the date later never revives one."""
    first = parse_quote_request(data)
    later_date = min(first.purchase_date + timedelta(days=days_later), LAST_DAY)
    later = parse_quote_request({**data, "purchase_date": later_date.isoformat()})
    for request in (first, later):
        for rule in _applied_rules(catalogue, quote_purchase(catalogue, request)):
            assert rule.is_in_force(request.purchase_date), (rule.rule_id, rule.version)
    for rule in _applied_rules(catalogue, quote_purchase(catalogue, later)):
        assert rule.effective_to is None or rule.effective_to >= later_date


@SETTINGS
@given(catalogue=catalogues(), data=quote_requests())
def test_same_input_gives_an_identical_quote(catalogue: Catalogue, data: dict[str, Any]) -> None:
    """Quoting the same request twice (and a fresh parse of it) gives equal quotes."""
    request = parse_quote_request(data)
    first = quote_purchase(catalogue, request)
    assert quote_purchase(catalogue, request) == first
    assert quote_purchase(catalogue, parse_quote_request(data)) == first


@SETTINGS
@given(catalogue=catalogues(), batch=st.lists(quote_requests(), min_size=1, max_size=12))
def test_batch_quotes_equal_single_quotes(
    catalogue: Catalogue, batch: list[dict[str, Any]]
) -> None:
    """quote_batch gives each buyer exactly the quote quote_purchase gives, reasons included."""
    requests = [parse_quote_request(data) for data in batch]
    together = quote_batch(catalogue, requests)
    for request, quote in zip(requests, together, strict=True):
        single = quote_purchase(catalogue, request)
        assert quote == single
        assert [(n.rule_id, n.reason.en) for n in quote.not_applied] == [
            (n.rule_id, n.reason.en) for n in single.not_applied
        ]
        assert quote.tco_5y_cny == single.tco_5y_cny
