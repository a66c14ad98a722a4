"""Policy rules as data: citation, jurisdiction, dates, conditions, amount and stacking.

A *rule* is one version of one offer: the national scrappage subsidy, a province's
replacement subsidy, a county's charging credit, a dealer's discount. Rules are
versioned by ``(rule_id, version)``; a quote records the version it evaluated, so a
later version with retroactive effect can be traced to the quotes it changes
(:mod:`~nevrural.core.offers.retro`).

Amounts are held in whole fen (see :mod:`~nevrural.core.offers.money`). Parsing from
the YAML catalogue's mappings lives in :mod:`~nevrural.core.offers.rule_parsing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from datetime import date

__all__ = [
    "AMOUNT_KINDS",
    "CATEGORIES",
    "DISPOSALS",
    "FUEL_TYPES",
    "LATE_KINDS",
    "NEV_FUEL_TYPES",
    "PASSENGER_CLASSES",
    "VEHICLE_CLASSES",
    "Amount",
    "AmountKind",
    "Category",
    "Citation",
    "CombinedCap",
    "Conditions",
    "Disposal",
    "Jurisdiction",
    "PolicyRule",
    "fuel_group",
]

Category = Literal["discount", "energy", "service", "trade-in", "tax", "finance"]
CATEGORIES: tuple[Category, ...] = ("discount", "energy", "service", "trade-in", "tax", "finance")
AmountKind = Literal[
    "fixed",
    "percent_of_price",
    "price_tiers",
    "per_kwh",
    "service_months",
    "tax_relief",
    "apr_reduction",
]
AMOUNT_KINDS: tuple[AmountKind, ...] = (
    "fixed",
    "percent_of_price",
    "price_tiers",
    "per_kwh",
    "service_months",
    "tax_relief",
    "apr_reduction",
)
# Kinds whose value needs the invoice price, known only after the discounts are final.
LATE_KINDS = frozenset({"tax_relief", "apr_reduction"})

Disposal = Literal["scrap", "sell"]
DISPOSALS: tuple[Disposal, ...] = ("scrap", "sell")
FUEL_TYPES = ("petrol", "diesel", "gas", "bev", "phev", "erev")
NEV_FUEL_TYPES = frozenset({"bev", "phev", "erev"})
VEHICLE_CLASSES = (
    "micro_van",
    "micro_truck",
    "light_truck",
    "small_car",
    "compact_car",
    "suv",
    "mpv",
)
PASSENGER_CLASSES = frozenset({"micro_van", "small_car", "compact_car", "suv", "mpv"})


def fuel_group(fuel_type: str) -> str:
    """``nev`` for battery-electric, plug-in and range-extended; else the fuel type.

    >>> fuel_group("phev"), fuel_group("diesel")
    ('nev', 'diesel')
    """
    return "nev" if fuel_type in NEV_FUEL_TYPES else fuel_type


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a rule comes from: issuer, document title and date (and a link)."""

    issuer: str
    document: str
    document_date: date
    url: str = ""


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """Where a rule applies: the nation, or a province, prefecture or county code.

    ``prefix`` is the part of the six-digit code that a buyer's county code must start
    with: ``""`` for the nation, 2 digits for a province, 4 for a prefecture.

    >>> Jurisdiction.parse("130000").covers("130123"), Jurisdiction.parse("national").level
    (True, 'national')
    """

    code: str
    level: Literal["national", "province", "prefecture", "county"]
    prefix: str

    @classmethod
    def parse(cls, text: str) -> Jurisdiction:
        """``national`` or a six-digit division code; ValueError otherwise."""
        if text == "national":
            return cls("national", "national", "")
        if len(text) != 6 or not text.isdigit():
            raise ValueError(f"must be 'national' or a six-digit division code, got {text!r}")
        if text.endswith("0000"):
            return cls(text, "province", text[:2])
        if text.endswith("00"):
            return cls(text, "prefecture", text[:4])
        return cls(text, "county", text)

    def covers(self, county_code: str) -> bool:
        """Whether a buyer living in `county_code` falls under this jurisdiction."""
        return county_code.startswith(self.prefix)


@dataclass(frozen=True, slots=True)
class Amount:
    """How much a rule is worth; the fields used depend on ``kind``.

    * ``fixed``: ``fen``.
    * ``percent_of_price``: ``share`` of the list price, at most ``cap_fen``.
    * ``price_tiers``: ``tiers`` of ``(from_fen, to_fen or None, fen)``, list price in
      ``[from, to)``.
    * ``per_kwh``: ``cny_per_kwh`` on the buyer's charging up to ``max_kwh`` (its value
      in the cost of ownership; not a price cut).
    * ``service_months``: ``months`` of free service valued at ``fen`` per month.
    * ``tax_relief``: ``share`` of the purchase tax, at most ``cap_fen``.
    * ``apr_reduction``: ``apr_points`` off the loan's APR (value: the interest saved).
    """

    kind: AmountKind
    fen: int = 0
    share: Decimal = Decimal(0)
    cap_fen: int | None = None
    tiers: tuple[tuple[int, int | None, int], ...] = ()
    cny_per_kwh: Decimal = Decimal(0)
    max_kwh: Decimal = Decimal(0)
    months: int = 0
    apr_points: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Conditions:
    """What the buyer, the old car, the new car and the loan must satisfy (all optional)."""

    powertrains: frozenset[str] | None = None
    classes: frozenset[str] | None = None
    is_passenger_only: bool = False
    min_price_fen: int | None = None
    max_price_fen: int | None = None
    max_displacement_l: Decimal | None = None
    needs_tax_catalogue: bool = False
    residency: frozenset[str] | None = None
    disposal: Disposal | None = None
    old_fuel_types: frozenset[str] | None = None
    old_registered_by: tuple[tuple[str, date], ...] = ()
    old_max_emission_standard: int | None = None
    old_min_months_owned: int | None = None
    old_owned_since_by: date | None = None
    is_old_passenger_only: bool = False
    needs_finance: bool = False
    min_term_months: int | None = None


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One version of one offer: who grants it, where, when, to whom and how much."""

    rule_id: str
    version: int
    title_zh: str
    title_en: str
    category: Category
    funded_by: Literal["central", "local", "enterprise", "bank"]
    citation: Citation
    jurisdiction: Jurisdiction
    effective_from: date
    effective_to: date | None
    published_on: date
    conditions: Conditions
    amount: Amount
    exclusivity_group: str | None = None
    prerequisites: tuple[str, ...] = ()
    limit_per_person_per_year: int | None = None
    is_example: bool = False

    @property
    def is_late(self) -> bool:
        """Whether the amount needs the invoice price (tax relief, loan interest)."""
        return self.amount.kind in LATE_KINDS

    def is_in_force(self, on: date) -> bool:
        """Whether `on` lies within the effective dates (both ends included)."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    @property
    def is_retroactive(self) -> bool:
        """Whether the version took effect before it was published."""
        return self.effective_from < self.published_on


@dataclass(frozen=True, slots=True)
class CombinedCap:
    """At most ``cap_fen`` in total from the listed rules and/or categories."""

    cap_id: str
    title_zh: str
    title_en: str
    cap_fen: int
    rule_ids: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()

    def counts(self, rule: PolicyRule) -> bool:
        """Whether `rule`'s amount counts towards this cap."""
        return rule.rule_id in self.rule_ids or rule.category in self.categories
