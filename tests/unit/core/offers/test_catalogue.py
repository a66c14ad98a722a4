"""Tests for the catalogue: versions in force, county index, and its validation errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from nevrural.core.offers.catalogue import Catalogue, CatalogueError

from .offer_builders import HEBEI, cap, rule

__all__: list[str] = []


def test_duplicate_version_is_refused() -> None:
    """Two rules with the same id and version are refused naming both."""
    with pytest.raises(CatalogueError, match="rule a has version 1 twice"):
        Catalogue([rule("a"), rule("a")], [])


def test_unknown_prerequisite_is_refused() -> None:
    """A prerequisite naming no rule is refused naming it."""
    with pytest.raises(CatalogueError, match="rule a requires unknown rule ghost"):
        Catalogue([rule("a", prerequisites=["ghost"])], [])


def test_prerequisite_cycle_is_refused() -> None:
    """a needs b needs c needs a: refused, naming the cycle."""
    rules = [
        rule("a", prerequisites=["b"]),
        rule("b", prerequisites=["c"]),
        rule("c", prerequisites=["a"]),
    ]
    with pytest.raises(CatalogueError, match="cycle") as caught:
        Catalogue(rules, [])
    for rule_id in ("a", "b", "c"):
        assert rule_id in str(caught.value)


def test_self_prerequisite_is_a_cycle() -> None:
    """A rule requiring itself is a cycle."""
    with pytest.raises(CatalogueError, match="cycle"):
        Catalogue([rule("a", prerequisites=["a"])], [])


def test_price_cut_requiring_a_tax_relief_is_refused() -> None:
    """A discount cannot depend on a tax relief (its value is known only after the price)."""
    relief = rule("relief", category="tax", amount={"kind": "tax_relief", "share": "1"})
    with pytest.raises(CatalogueError, match="known only after the price"):
        Catalogue([relief, rule("a", prerequisites=["relief"])], [])


def test_group_mixing_a_price_cut_and_a_tax_relief_is_refused() -> None:
    """A discount and a tax relief cannot share an exclusivity group (stacked in turn)."""
    relief = rule(
        "relief",
        category="tax",
        amount={"kind": "tax_relief", "share": "1"},
        exclusivity_group="g",
    )
    with pytest.raises(CatalogueError, match="group g mixes price cuts"):
        Catalogue([rule("discount", exclusivity_group="g"), relief], [])


@pytest.mark.parametrize(
    "limit",
    [
        cap("tax-cap", "1000", categories=["tax"]),
        cap("finance-cap", "1000", categories=["finance"]),
        cap("relief-cap", "1000", rules=["relief"]),
    ],
)
def test_cap_on_tax_or_loan_offers_is_refused(limit: object) -> None:
    """Caps never count tax reliefs or loan offers (bounded by the tax and interest)."""
    relief = rule("relief", category="tax", amount={"kind": "tax_relief", "share": "1"})
    with pytest.raises(CatalogueError, match="counts tax relief or loan offers"):
        Catalogue([relief], [limit])  # type: ignore[list-item]


def test_cap_naming_an_unknown_rule_is_refused() -> None:
    """A cap naming a rule that does not exist is refused naming the rule."""
    with pytest.raises(CatalogueError, match="cap c names unknown rule ghost"):
        Catalogue([rule("a")], [cap("c", "10", rules=["ghost"])])


def test_cap_defined_twice_is_refused() -> None:
    """Two caps with one id are refused."""
    with pytest.raises(CatalogueError, match="cap c is defined twice"):
        Catalogue([rule("a")], [cap("c", "10", rules=["a"]), cap("c", "20", rules=["a"])])


def test_newest_version_in_force_applies() -> None:
    """Version 2 from 2025-06-01 replaces version 1 for later dates only."""
    v1 = rule("a", effective_to="2025-12-31")
    v2 = replace(v1, version=2, effective_from=date(2025, 6, 1))
    catalogue = Catalogue([v1, v2], [])
    assert catalogue.rule_at("a", date(2025, 3, 1)) == v1
    assert catalogue.rule_at("a", date(2025, 7, 1)) == v2
    assert catalogue.rule_at("a", date(2026, 1, 1)) is None
    assert [r.version for r in catalogue.versions_of("a")] == [2, 1]


def test_order_is_national_then_local_with_prerequisites_first() -> None:
    """Evaluation order: national before province before county; prerequisites first."""
    county = rule("county", jurisdiction="130123")
    province = rule("province", jurisdiction=HEBEI, prerequisites=["county"])
    national = rule("national")
    catalogue = Catalogue([county, province, national], [])
    order = catalogue.rule_ids
    assert order.index("national") < order.index("county") < order.index("province")


def test_county_index_covers_province_and_county_rules() -> None:
    """A Hebei county sees national and Hebei rules; a Henan county only national ones."""
    catalogue = Catalogue([rule("national"), rule("hebei", jurisdiction=HEBEI)], [])
    hebei_ids = {r.rule_id for r in catalogue.in_force(date(2025, 6, 1), "130123")}
    henan_ids = {r.rule_id for r in catalogue.in_force(date(2025, 6, 1), "411702")}
    assert hebei_ids == {"national", "hebei"}
    assert henan_ids == {"national"}


def test_with_rule_adds_a_version() -> None:
    """with_rule returns a new catalogue holding the new version; the old one is unchanged."""
    v1 = rule("a")
    catalogue = Catalogue([v1], [])
    newer = catalogue.with_rule(replace(v1, version=2))
    assert [r.version for r in newer.versions_of("a")] == [2, 1]
    assert [r.version for r in catalogue.versions_of("a")] == [1]
