"""Tests for reading rule catalogues: valid rules parse, malformed ones name the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from nevrural.core.offers.fields import FieldError
from nevrural.core.offers.rule_parsing import parse_cap, parse_catalogue, parse_rule

from .offer_builders import rule_mapping, with_changes

__all__: list[str] = []


def _catalogue(changes: dict[str, Any], caps: list[dict[str, Any]] | None = None) -> Any:
    """A one-rule catalogue document with `changes` applied to the rule."""
    return {"rules": [with_changes(rule_mapping("a"), changes)], "caps": caps or []}


# (changes to rules[0], the path that must appear in the message)
BAD_RULES: list[tuple[dict[str, Any], str]] = [
    ({"amount.cny": "-5"}, "rules[0].amount.cny"),
    ({"amount.cny": "lots"}, "rules[0].amount.cny"),
    ({"amount.cny": None}, "rules[0].amount.cny"),
    ({"amount.cyn": "5"}, "rules[0].amount.cyn"),  # misspelt next to a valid key
    ({"amount.kind": "gift"}, "rules[0].amount.kind"),
    (
        {"amount": {"kind": "per_kwh", "cny_per_kwh": "0.3", "max_kwh": "100"}},
        "rules[0].amount.kind",
    ),
    ({"amount": {"kind": "percent_of_price", "percent": "150"}}, "rules[0].amount.percent"),
    (
        {
            "amount": {
                "kind": "price_tiers",
                "tiers": [
                    {"from_cny": "0", "to_cny": "100000", "cny": "1"},
                    {"from_cny": "50000", "cny": "2"},
                ],
            }
        },
        "rules[0].amount.tiers",
    ),
    (
        {
            "amount": {
                "kind": "price_tiers",
                "tiers": [{"from_cny": "9", "to_cny": "5", "cny": "1"}],
            }
        },
        "rules[0].amount.tiers[0].to_cny",
    ),
    ({"efective_to": "2025-12-31"}, "rules[0].efective_to"),  # misspelt key
    ({"effective_from": "2025-13-01"}, "rules[0].effective_from"),
    ({"effective_from": "1 May 2025"}, "rules[0].effective_from"),
    ({"effective_to": "2024-12-31"}, "rules[0].effective_to"),  # before effective_from
    ({"published_on": "2025/01/08"}, "rules[0].published_on"),
    ({"category": "rebate"}, "rules[0].category"),
    ({"funded_by": "charity"}, "rules[0].funded_by"),
    ({"jurisdiction": "1301"}, "rules[0].jurisdiction"),
    ({"jurisdiction": "Hebei"}, "rules[0].jurisdiction"),
    ({"version": 0}, "rules[0].version"),
    ({"version": "1"}, "rules[0].version"),
    ({"id": ""}, "rules[0].id"),
    ({"title_en": None}, "rules[0].title_en"),
    ({"citation.date": None}, "rules[0].citation.date"),
    ({"citation.date": "yesterday"}, "rules[0].citation.date"),
    ({"citation.publisher": "x"}, "rules[0].citation.publisher"),
    ({"citation": "NDRC 2025"}, "rules[0].citation"),
    (
        {"conditions.new_vehicle.powertrains": ["diesel-electric"]},
        "conditions.new_vehicle.powertrains",
    ),
    ({"conditions.new_vehicle.powertrains": []}, "rules[0].conditions.new_vehicle.powertrains"),
    ({"conditions.new_vehicle.classes": "suv"}, "rules[0].conditions.new_vehicle.classes"),
    (
        {"conditions.new_vehicle.max_price_cny": "-1"},
        "rules[0].conditions.new_vehicle.max_price_cny",
    ),
    ({"conditions.new_vehicle.colour": "red"}, "rules[0].conditions.new_vehicle.colour"),
    ({"conditions.buyer.residency": ["tourist"]}, "rules[0].conditions.buyer.residency"),
    ({"conditions.vehicle": {}}, "rules[0].conditions.vehicle"),
    ({"conditions.old_vehicle.disposal": "gift"}, "rules[0].conditions.old_vehicle.disposal"),
    ({"conditions.old_vehicle.fuel_types": ["petrol"]}, "rules[0].conditions.old_vehicle.disposal"),
    (
        {
            "conditions.old_vehicle.disposal": "scrap",
            "conditions.old_vehicle.registered_on_or_before": {"petrol": "2012-06-31"},
        },
        "rules[0].conditions.old_vehicle.registered_on_or_before.petrol",
    ),
    (
        {
            "conditions.old_vehicle.disposal": "scrap",
            "conditions.old_vehicle.registered_on_or_before": {"hydrogen": "2012-06-30"},
        },
        "rules[0].conditions.old_vehicle.registered_on_or_before.hydrogen",
    ),
    (
        {
            "conditions.old_vehicle.disposal": "scrap",
            "conditions.old_vehicle.max_emission_standard": 7,
        },
        "rules[0].conditions.old_vehicle.max_emission_standard",
    ),
    ({"conditions.finance.min_term_months": -12}, "rules[0].conditions.finance.min_term_months"),
    ({"prerequisites": "other-rule"}, "rules[0].prerequisites"),
    ({"limit_per_person_per_year": 0}, "rules[0].limit_per_person_per_year"),
    ({"is_example": "yes"}, "rules[0].is_example"),
    ({"exclusivity_group": 5}, "rules[0].exclusivity_group"),
]


@pytest.mark.parametrize(("changes", "path"), BAD_RULES)
def test_malformed_rule_is_refused_naming_the_field(changes: dict[str, Any], path: str) -> None:
    """Each malformed rule field is refused with a FieldError whose message names its path."""
    with pytest.raises(FieldError) as caught:
        parse_catalogue(_catalogue(changes), "catalogue")
    assert path in str(caught.value)
    assert caught.value.path.endswith(path)
    assert str(caught.value).startswith(f"{caught.value.path}: ")


BAD_CAPS: list[tuple[dict[str, Any], str]] = [
    ({"id": "c", "title_zh": "限", "title_en": "C", "cap_cny": "-1", "rules": ["a"]}, "cap_cny"),
    ({"id": "c", "title_zh": "限", "title_en": "C", "cap_cny": "5"}, "caps[0].rules"),
    (
        {"id": "c", "title_zh": "限", "title_en": "C", "cap_cny": "5", "categories": ["perks"]},
        "caps[0].categories",
    ),
    (
        {"id": "c", "title_zh": "限", "title_en": "C", "cap_cny": "5", "rules": ["a"], "max": 1},
        "caps[0].max",
    ),
]


@pytest.mark.parametrize(("data", "path"), BAD_CAPS)
def test_malformed_cap_is_refused_naming_the_field(data: dict[str, Any], path: str) -> None:
    """A malformed combined cap is refused naming ``caps[i].<field>``."""
    with pytest.raises(FieldError, match=r"caps\[0\]") as caught:
        parse_catalogue({"rules": [rule_mapping("a")], "caps": [data]}, "catalogue")
    assert path in str(caught.value)


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (["not", "a", "mapping"], "catalogue"),
        ({"rules": {"id": "a"}}, "catalogue.rules"),
        ({"rules": ["a rule"]}, "catalogue.rules[0]"),
        ({"rules": [], "rulez": []}, "catalogue.rulez"),
        (
            {"rules": [rule_mapping("a"), with_changes(rule_mapping("b"), {"version": -1})]},
            "rules[1]",
        ),
    ],
)
def test_malformed_catalogue_document_is_refused(document: object, path: str) -> None:
    """The document's own shape is checked too, naming the path (rules[1] for the second)."""
    with pytest.raises(FieldError) as caught:
        parse_catalogue(document, "catalogue")
    assert path in str(caught.value)


def test_tiers_starting_at_the_same_price_are_refused_as_overlapping() -> None:
    """Two tiers from 0 CNY (one open-ended) are refused naming ``amount.tiers``."""
    amount = {
        "kind": "price_tiers",
        "tiers": [{"from_cny": "0", "to_cny": "100000", "cny": "1"}, {"cny": "2"}],
    }
    with pytest.raises(FieldError, match=r"rules\[0\]\.amount\.tiers"):
        parse_catalogue(_catalogue({"amount": amount}), "catalogue")


def test_huge_amount_is_refused_naming_the_field() -> None:
    """An absurd amount (1e30 CNY) is refused as a FieldError naming ``amount.cny``."""
    with pytest.raises(FieldError, match=r"rules\[0\]\.amount\.cny"):
        parse_catalogue(_catalogue({"amount.cny": "1e30"}), "catalogue")


def test_datetime_where_a_date_is_expected_is_refused_naming_the_field() -> None:
    """A timestamp where a date belongs (YAML reads ``2025-01-01 10:00:00`` so) is refused."""
    from datetime import datetime

    changes = {"effective_from": datetime(2025, 1, 1, 10), "effective_to": date(2025, 6, 30)}
    with pytest.raises(FieldError, match=r"rules\[0\]\.effective_from"):
        parse_catalogue(_catalogue(changes), "catalogue")


def test_valid_rule_parses_every_part() -> None:
    """A complete rule parses into typed fields: fen, shares, dates and the jurisdiction."""
    rule = parse_rule(
        rule_mapping(
            "hebei-discount",
            jurisdiction="130000",
            effective_to="2025-12-31",
            published_on="2025-03-01",
            conditions={
                "new_vehicle": {"powertrains": ["bev"], "max_price_cny": "150000"},
                "buyer": {"residency": ["hukou"]},
                "old_vehicle": {
                    "disposal": "scrap",
                    "registered_on_or_before": {"petrol": "2012-06-30"},
                },
                "finance": {"min_term_months": 12},
            },
            amount={"kind": "percent_of_price", "percent": "2.5", "cap_cny": "4000.005"},
            exclusivity_group="g",
            prerequisites=["other"],
            limit_per_person_per_year=1,
        )
    )
    assert rule.jurisdiction.level == "province"
    assert rule.jurisdiction.prefix == "13"
    assert rule.amount.share == Decimal("0.025")
    assert rule.amount.cap_fen == 400001  # 4,000.005 CNY rounds half-up to 4,000.01
    assert rule.conditions.max_price_fen == 15_000_000
    assert rule.conditions.old_registered_by == (("petrol", date(2012, 6, 30)),)
    assert rule.conditions.min_term_months == 12
    assert rule.is_retroactive  # effective 2025-01-01, published 2025-03-01
    assert rule.prerequisites == ("other",)


def test_price_tiers_are_sorted_and_open_ended() -> None:
    """Tiers are stored sorted by their lower bound, the last may have no upper bound."""
    rule = parse_rule(
        rule_mapping(
            amount={
                "kind": "price_tiers",
                "tiers": [
                    {"from_cny": "150000", "cny": "15000"},
                    {"to_cny": "150000", "cny": "8000"},
                ],
            }
        )
    )
    assert rule.amount.tiers == ((0, 15_000_000, 800_000), (15_000_000, None, 1_500_000))


def test_cap_needs_rules_or_categories() -> None:
    """A cap naming categories parses; the counted rules follow id or category."""
    parsed = parse_cap(
        {
            "id": "c",
            "title_zh": "限",
            "title_en": "C",
            "cap_cny": "5000",
            "categories": ["discount"],
        }
    )
    assert parsed.cap_fen == 500_000
    assert parsed.categories == frozenset({"discount"})
