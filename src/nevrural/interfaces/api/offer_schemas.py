"""Pydantic schemas of the offer API: the quote request (for OpenAPI), quotes, rules, claims.

The request schemas forbid unknown fields and check types; the core parser then checks
the meaning (ranges, codes, dates) and names the field when it refuses. Amounts in
responses are CNY as text with two decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "BuyerIn",
    "ClaimCreate",
    "ClaimRead",
    "ComparablePetrolIn",
    "EnergyPricesIn",
    "FinanceIn",
    "NewVehicleIn",
    "NotAppliedRead",
    "OldVehicleIn",
    "PolicyRead",
    "QuoteCreate",
    "QuoteItemRead",
    "QuoteRead",
    "RevisionRead",
    "UsageIn",
]

Money = Decimal | str


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BuyerIn(_In):
    """The buyer: county of residence, residency, subsidy used this year, a reference."""

    county_code: str = Field(examples=["130123"], description="six-digit county code")
    residency: Literal["hukou", "residence_permit", "none"] | None = None
    has_used_subsidy_this_year: bool | None = None
    ref: str | None = Field(None, description="opaque buyer reference (no personal data)")


class OldVehicleIn(_In):
    """The car given up."""

    fuel_type: Literal["petrol", "diesel", "gas", "bev", "phev", "erev"]
    registration_date: dt.date
    emission_standard: int = Field(description="China emission stage, 0-6")
    months_owned: int
    disposal: Literal["scrap", "sell"] | None = None
    is_passenger: bool | None = None


class NewVehicleIn(_In):
    """The chosen model; price incl. VAT, CNY."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    model: str
    price_cny: Money = Field(examples=["62800"])
    vehicle_class: Literal[
        "micro_van", "micro_truck", "light_truck", "small_car", "compact_car", "suv", "mpv"
    ] = Field(alias="class")
    powertrain: Literal["petrol", "diesel", "gas", "bev", "phev", "erev"]
    battery_kwh: Money | None = None
    consumption_kwh_per_100km: Money | None = None
    in_tax_catalogue: bool | None = None
    displacement_l: Money | None = None


class FinanceIn(_In):
    """A car loan: down payment (%), term (months), APR (% a year)."""

    down_payment_pct: Money
    term_months: int
    apr_pct: Money


class UsageIn(_In):
    """How far the car is driven."""

    km_per_year: int


class EnergyPricesIn(_In):
    """Rural electricity (CNY/kWh) and petrol (CNY/L)."""

    electricity_cny_per_kwh: Money
    petrol_cny_per_l: Money


class ComparablePetrolIn(_In):
    """The petrol car the buyer would otherwise buy (price CNY, L/100 km)."""

    price_cny: Money
    consumption_l_per_100km: Money


class QuoteCreate(_In):
    """A quote request (see docs/offers.md)."""

    buyer: BuyerIn
    old_vehicle: OldVehicleIn | None = None
    new_vehicle: NewVehicleIn
    purchase_date: dt.date
    finance: FinanceIn | None = None
    usage: UsageIn
    energy_prices: EnergyPricesIn
    comparable_petrol: ComparablePetrolIn | None = None

    def as_request(self) -> dict[str, Any]:
        """The JSON mapping the core parser reads (and the quote stores)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class QuoteItemRead(BaseModel):
    """An offer that applies."""

    rule_id: str
    version: int
    category: str
    title_zh: str
    title_en: str
    amount_cny: str
    funded_by: str
    is_example: bool
    note_zh: str | None
    note_en: str | None


class NotAppliedRead(BaseModel):
    """An offer that does not apply, and why."""

    rule_id: str
    version: int
    category: str
    title_zh: str
    title_en: str
    reason_code: str
    reason_zh: str
    reason_en: str
    is_example: bool


class ClaimRead(BaseModel):
    """A subsidy claim on an applied item of a stored quote."""

    claim_id: int
    quote_id: int
    rule_id: str
    rule_version: int
    amount_cny: str
    status: str
    created_at: str


class QuoteRead(BaseModel):
    """A stored quote; every other amount of the quote follows (see docs/offers.md)."""

    model_config = ConfigDict(extra="allow")

    quote_id: int
    created_at: str
    buyer_ref: str
    county_code: str
    purchase_date: str
    net_price_cny: str = Field(examples=["60916.00"])
    items: list[QuoteItemRead]
    not_applied: list[NotAppliedRead]
    monthly_payment_cny: str
    tco_5y_cny: str
    tco_5y_petrol_cny: str
    rule_versions: dict[str, int]
    request: dict[str, Any]
    claims: list[ClaimRead]


class ClaimCreate(_In):
    """Claim the subsidy of one applied trade-in or discount item."""

    rule_id: str = Field(examples=["national-scrappage-nev-2025"])


class PolicyRead(BaseModel):
    """A rule version with its citation, dates and amount."""

    model_config = ConfigDict(extra="allow")

    rule_id: str
    version: int
    title_zh: str
    title_en: str
    category: str
    jurisdiction: str
    effective_from: str
    effective_to: str | None
    citation: dict[str, Any]
    amount: dict[str, Any]
    is_example: bool
    source: str = Field(description="packaged, user or demo")


class RevisionRead(BaseModel):
    """The added versions and their retroactive impact on stored quotes and claims."""

    added: list[PolicyRead]
    quotes: list[dict[str, Any]]
    totals: dict[str, Any]
