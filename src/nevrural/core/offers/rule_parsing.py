"""Parse a rule catalogue (mappings from YAML) into rules and caps, naming bad fields.

The catalogue document::

    rules:
      - id: national-scrappage-nev-2025       # stable across versions
        version: 1
        title_zh: ...
        title_en: ...
        category: trade-in                   # discount|energy|service|trade-in|tax|finance
        funded_by: central                   # central|local|enterprise|bank
        is_example: false                    # true for offers we made up to illustrate
        citation: {issuer: ..., document: ..., date: 2025-01-08, url: ...}
        jurisdiction: national               # or a six-digit province/prefecture/county code
        effective_from: 2025-01-01
        effective_to: 2025-12-31             # optional
        published_on: 2025-01-08             # optional, default effective_from
        conditions: {new_vehicle: {...}, buyer: {...}, old_vehicle: {...}, finance: {...}}
        amount: {kind: fixed, cny: "20000"}
        exclusivity_group: trade-in          # optional
        prerequisites: [other-rule-id]       # optional
        limit_per_person_per_year: 1         # optional
    caps:
      - {id: ..., title_zh: ..., title_en: ..., cap_cny: "5000", rules: [...], categories: [...]}

See ``docs/offers.md`` for every condition and amount kind.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import TYPE_CHECKING

from nevrural.core.offers.fields import FieldError, Fields
from nevrural.core.offers.money import fen_of_cny
from nevrural.core.offers.rules import (
    AMOUNT_KINDS,
    CATEGORIES,
    DISPOSALS,
    FUEL_TYPES,
    VEHICLE_CLASSES,
    Amount,
    Citation,
    CombinedCap,
    Conditions,
    Jurisdiction,
    PolicyRule,
)

if TYPE_CHECKING:
    from datetime import date

__all__ = ["parse_cap", "parse_catalogue", "parse_rule"]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_MAX_CNY = Decimal(100_000_000)
_FUEL_GROUPS = ("petrol", "diesel", "gas", "nev")
_KIND_CATEGORY = {
    "per_kwh": "energy",
    "service_months": "service",
    "tax_relief": "tax",
    "apr_reduction": "finance",
}


def _cny(fields: Fields, key: str) -> int:
    """A CNY amount in fen within [0, 100 million CNY]."""
    return fen_of_cny(fields.decimal(key, minimum=_ZERO, maximum=_MAX_CNY))


def _money(fields: Fields, key: str) -> int | None:
    """A CNY amount in fen within [0, 100 million CNY], None when absent."""
    return _cny(fields, key) if fields.has(key) else None


def _amount(fields: Fields, category: str) -> Amount:
    kind = fields.choice("kind", AMOUNT_KINDS)
    needed_category = _KIND_CATEGORY.get(kind)
    if needed_category is not None and category != needed_category:
        raise FieldError(fields.path_of("kind"), f"{kind} is for category {needed_category}")
    needed_kind = {"tax": "tax_relief", "finance": "apr_reduction"}.get(category)
    if needed_kind is not None and kind != needed_kind:
        raise FieldError(fields.path_of("kind"), f"category {category} needs kind {needed_kind}")
    amount = _amount_of_kind(fields, kind)
    fields.done()
    return amount


def _amount_of_kind(fields: Fields, kind: str) -> Amount:
    if kind == "fixed":
        return Amount("fixed", fen=_cny(fields, "cny"))
    if kind == "percent_of_price":
        share = fields.decimal("percent", minimum=_ZERO, maximum=Decimal(100)) / 100
        return Amount("percent_of_price", share=share, cap_fen=_money(fields, "cap_cny"))
    if kind == "price_tiers":
        return Amount("price_tiers", tiers=_tiers(fields))
    if kind == "per_kwh":
        return Amount(
            "per_kwh",
            cny_per_kwh=fields.decimal("cny_per_kwh", minimum=_ZERO, maximum=Decimal(10)),
            max_kwh=fields.decimal("max_kwh", minimum=_ZERO, maximum=Decimal(10_000_000)),
        )
    if kind == "service_months":
        return Amount(
            "service_months",
            months=fields.integer("months", minimum=1, maximum=120),
            fen=_cny(fields, "cny_per_month"),
        )
    if kind == "tax_relief":
        share = fields.decimal("share", minimum=_ZERO, maximum=_ONE)
        return Amount("tax_relief", share=share, cap_fen=_money(fields, "cap_cny"))
    points = fields.decimal("percentage_points", minimum=_ZERO, maximum=Decimal(30))
    return Amount("apr_reduction", apr_points=points)


def _tiers(fields: Fields) -> tuple[tuple[int, int | None, int], ...]:
    tiers = []
    for tier in fields.items("tiers", is_required=True):
        low = _money(tier, "from_cny") or 0
        high = _money(tier, "to_cny")
        value = _cny(tier, "cny")
        tier.done()
        if high is not None and high <= low:
            raise FieldError(tier.path_of("to_cny"), "must be above from_cny")
        tiers.append((low, high, value))
    if not tiers:
        raise FieldError(fields.path_of("tiers"), "needs at least one tier")
    ordered = sorted(tiers, key=lambda tier: tier[0])
    for (_, high, _), (low, _, _) in itertools.pairwise(ordered):
        if high is None or high > low:
            raise FieldError(fields.path_of("tiers"), "price ranges overlap")
    return tuple(ordered)


def _registered_by(fields: Fields | None) -> tuple[tuple[str, date], ...]:
    if fields is None:
        return ()
    limits = tuple((group, fields.date(group)) for group in _FUEL_GROUPS if fields.has(group))
    fields.done()
    return limits


def _conditions(fields: Fields | None) -> Conditions:
    if fields is None:
        return Conditions()
    new = fields.sub("new_vehicle") or Fields({}, fields.path_of("new_vehicle"))
    buyer = fields.sub("buyer") or Fields({}, fields.path_of("buyer"))
    old = fields.sub("old_vehicle") or Fields({}, fields.path_of("old_vehicle"))
    loan = fields.sub("finance") or Fields({}, fields.path_of("finance"))
    conditions = Conditions(
        powertrains=new.choices("powertrains", FUEL_TYPES),
        classes=new.choices("classes", VEHICLE_CLASSES),
        is_passenger_only=new.flag("passenger_only"),
        min_price_fen=_money(new, "min_price_cny"),
        max_price_fen=_money(new, "max_price_cny"),
        max_displacement_l=new.decimal("max_displacement_l", minimum=_ZERO)
        if new.has("max_displacement_l")
        else None,
        needs_tax_catalogue=new.flag("in_tax_catalogue"),
        residency=buyer.choices("residency", ("hukou", "residence_permit", "none")),
        disposal=old.choice("disposal", DISPOSALS) if old.has("disposal") else None,
        old_fuel_types=old.choices("fuel_types", FUEL_TYPES),
        old_registered_by=_registered_by(old.sub("registered_on_or_before")),
        old_max_emission_standard=old.integer("max_emission_standard", maximum=6)
        if old.has("max_emission_standard")
        else None,
        old_min_months_owned=old.integer("min_months_owned", maximum=600)
        if old.has("min_months_owned")
        else None,
        old_owned_since_by=old.date("owned_since_on_or_before")
        if old.has("owned_since_on_or_before")
        else None,
        is_old_passenger_only=old.flag("passenger_only"),
        needs_finance=loan.flag("required"),
        min_term_months=loan.integer("min_term_months", maximum=120)
        if loan.has("min_term_months")
        else None,
    )
    for part in (new, buyer, old, loan, fields):
        part.done()
    needs_old = conditions.old_fuel_types or conditions.old_registered_by
    if needs_old and conditions.disposal is None:
        raise FieldError(old.path_of("disposal"), "is required with old-vehicle conditions")
    return conditions


def parse_rule(data: object, path: str = "rule") -> PolicyRule:
    """One rule version from its mapping; FieldError names the first bad field.

    >>> rule = parse_rule({
    ...     "id": "demo-discount", "version": 1, "title_zh": "示例优惠", "title_en": "Example",
    ...     "category": "discount", "funded_by": "enterprise", "is_example": True,
    ...     "citation": {"issuer": "nevrural", "document": "example", "date": "2025-01-01"},
    ...     "jurisdiction": "national", "effective_from": "2025-01-01",
    ...     "amount": {"kind": "percent_of_price", "percent": "3", "cap_cny": "5000"}})
    >>> rule.amount.share, rule.amount.cap_fen, rule.jurisdiction.level
    (Decimal('0.03'), 500000, 'national')
    """
    return _rule(Fields(data, path))


def _rule(fields: Fields) -> PolicyRule:
    category = fields.choice("category", CATEGORIES)
    citation_fields = fields.section("citation")
    citation = Citation(
        issuer=citation_fields.text("issuer"),
        document=citation_fields.text("document"),
        document_date=citation_fields.date("date"),
        url=citation_fields.text("url") if citation_fields.has("url") else "",
    )
    citation_fields.done()
    try:
        jurisdiction = Jurisdiction.parse(fields.text("jurisdiction"))
    except ValueError as error:
        raise FieldError(fields.path_of("jurisdiction"), str(error)) from None
    effective_from = fields.date("effective_from")
    effective_to = fields.date("effective_to") if fields.has("effective_to") else None
    if effective_to is not None and effective_to < effective_from:
        raise FieldError(fields.path_of("effective_to"), "is before effective_from")
    amount_fields = fields.section("amount")
    rule = PolicyRule(
        rule_id=fields.text("id", max_length=100),
        version=fields.integer("version", minimum=1),
        title_zh=fields.text("title_zh"),
        title_en=fields.text("title_en"),
        category=category,
        funded_by=fields.choice("funded_by", ("central", "local", "enterprise", "bank")),
        citation=citation,
        jurisdiction=jurisdiction,
        effective_from=effective_from,
        effective_to=effective_to,
        published_on=fields.date("published_on", effective_from),
        conditions=_conditions(fields.sub("conditions")),
        amount=_amount(amount_fields, category),
        exclusivity_group=fields.text("exclusivity_group")
        if fields.has("exclusivity_group")
        else None,
        prerequisites=fields.strings("prerequisites"),
        limit_per_person_per_year=fields.integer("limit_per_person_per_year", minimum=1)
        if fields.has("limit_per_person_per_year")
        else None,
        is_example=fields.flag("is_example"),
    )
    fields.done()
    return rule


def parse_cap(data: object, path: str = "cap") -> CombinedCap:
    """One combined cap from its mapping."""
    return _cap(Fields(data, path))


def _cap(fields: Fields) -> CombinedCap:
    cap = CombinedCap(
        cap_id=fields.text("id", max_length=100),
        title_zh=fields.text("title_zh"),
        title_en=fields.text("title_en"),
        cap_fen=_cny(fields, "cap_cny"),
        rule_ids=frozenset(fields.strings("rules")),
        categories=frozenset(fields.choices("categories", CATEGORIES) or ()),
    )
    fields.done()
    if not cap.rule_ids and not cap.categories:
        raise FieldError(fields.path_of("rules"), "a cap needs rules or categories")
    return cap


def parse_catalogue(
    data: object, path: str = "catalogue"
) -> tuple[tuple[PolicyRule, ...], tuple[CombinedCap, ...]]:
    """Rules and caps of one catalogue document."""
    fields = Fields(data, path)
    rules = tuple(_rule(item) for item in fields.items("rules"))
    caps = tuple(_cap(item) for item in fields.items("caps"))
    if fields.has("catalogue"):
        fields.text("catalogue")
    fields.done()
    return rules, caps
