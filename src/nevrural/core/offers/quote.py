"""The quote a buyer sees: every item and refusal with its reason, net price, loan, TCO.

`quote_purchase` prices the chosen NEV (:mod:`~nevrural.core.offers.pricing`), then a
comparable petrol car bought the same day by the same buyer under the same rules,
and compares their five-year cost of ownership (:mod:`~nevrural.core.offers.tco`).
Amounts leave the engine as ``Decimal`` CNY with two places, never negative. The
quote is a pure function of the catalogue and the request: the same input always
gives the same quote.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from nevrural.core.offers.eligibility import QuoteContext
from nevrural.core.offers.money import cny_of
from nevrural.core.offers.pricing import Priced, price_purchase
from nevrural.core.offers.tco import (
    MODELLED_MAINTENANCE_CNY_PER_KM,
    MODELLED_PETROL_DISPLACEMENT_L,
    MODELLED_PETROL_L_PER_100KM,
    Ownership,
    ownership_of,
)

if TYPE_CHECKING:
    from nevrural.core.offers.catalogue import Catalogue
    from nevrural.core.offers.reasons import Reason
    from nevrural.core.offers.request import QuoteRequest

__all__ = ["NotApplied", "Quote", "QuoteItem", "quote_purchase"]

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class QuoteItem:
    """One offer that applies: rule version, category and amount (CNY)."""

    rule_id: str
    version: int
    category: str
    title_zh: str
    title_en: str
    amount_cny: Decimal
    funded_by: str
    is_example: bool
    note: Reason | None


@dataclass(frozen=True, slots=True)
class NotApplied:
    """One offer of the buyer's jurisdictions that does not apply, and why."""

    rule_id: str
    version: int
    category: str
    title_zh: str
    title_en: str
    reason: Reason
    is_example: bool


@dataclass(frozen=True, slots=True)
class Quote:
    """Everything the buyer is told; amounts in CNY (``Decimal``, two places).

    ``net_price_cny`` = invoice price (list price − discounts) + purchase tax after
    relief − trade-in subsidies. Energy credits, free service and loan offers do not
    change the price; they lower the cost of ownership.
    """

    request: QuoteRequest
    items: tuple[QuoteItem, ...]
    not_applied: tuple[NotApplied, ...]
    rule_versions: tuple[tuple[str, int], ...]
    price_cny: Decimal
    discounts_cny: Decimal
    invoice_price_cny: Decimal
    purchase_tax_before_relief_cny: Decimal
    tax_relief_cny: Decimal
    purchase_tax_cny: Decimal
    trade_in_cny: Decimal
    net_price_cny: Decimal
    energy_support_cny: Decimal
    service_value_cny: Decimal
    finance_support_cny: Decimal
    down_payment_cny: Decimal
    loan_principal_cny: Decimal
    monthly_payment_cny: Decimal
    term_months: int
    apr_pct: Decimal
    interest_cny: Decimal
    tco_5y_cny: Decimal
    tco_5y_petrol_cny: Decimal
    tco_parts: dict[str, dict[str, Decimal]]
    petrol_net_price_cny: Decimal
    assumptions: dict[str, str]


def _items(priced: Priced) -> tuple[QuoteItem, ...]:
    return tuple(
        QuoteItem(
            rule_id=i.rule.rule_id,
            version=i.rule.version,
            category=i.rule.category,
            title_zh=i.rule.title_zh,
            title_en=i.rule.title_en,
            amount_cny=cny_of(i.amount_fen),
            funded_by=i.rule.funded_by,
            is_example=i.rule.is_example,
            note=i.note,
        )
        for i in priced.items
    )


def _not_applied(priced: Priced) -> tuple[NotApplied, ...]:
    return tuple(
        NotApplied(
            rule_id=r.rule.rule_id,
            version=r.rule.version,
            category=r.rule.category,
            title_zh=r.rule.title_zh,
            title_en=r.rule.title_en,
            reason=r.reason,
            is_example=r.rule.is_example,
        )
        for r in priced.refused
    )


def _petrol_request(request: QuoteRequest) -> tuple[QuoteRequest, Decimal, bool]:
    """The comparable petrol purchase, its L/100 km, and whether both were modelled."""
    vehicle = request.new_vehicle
    given = request.comparable_petrol
    petrol_l = (
        MODELLED_PETROL_L_PER_100KM[vehicle.vehicle_class]
        if given is None
        else given.consumption_l_per_100km
    )
    petrol = replace(
        vehicle,
        model=f"{vehicle.model} (petrol comparison)",
        price_fen=vehicle.price_fen if given is None else given.price_fen,
        powertrain="petrol",
        battery_kwh=_ZERO,
        consumption_kwh_per_100km=_ZERO,
        is_in_tax_catalogue=False,
        displacement_l=MODELLED_PETROL_DISPLACEMENT_L,
    )
    return replace(request, new_vehicle=petrol, comparable_petrol=None), petrol_l, given is None


def _ownership(
    priced: Priced, request: QuoteRequest, *, is_petrol: bool, petrol_l: Decimal
) -> Ownership:
    prices = request.energy_prices
    return ownership_of(
        net_price_fen=priced.net_price_fen,
        interest_fen=0 if priced.loan is None else priced.loan.interest_fen,
        km_per_year=request.km_per_year,
        energy_units_per_100km=petrol_l
        if is_petrol
        else request.new_vehicle.consumption_kwh_per_100km,
        price_per_unit_cny=prices.petrol_cny_per_l if is_petrol else prices.electricity_cny_per_kwh,
        maintenance_cny_per_km=MODELLED_MAINTENANCE_CNY_PER_KM["petrol" if is_petrol else "nev"],
        credits_fen=priced.total_fen("energy") + priced.total_fen("service"),
    )


def _parts(ownership: Ownership) -> dict[str, Decimal]:
    return {
        "net_price_cny": cny_of(ownership.net_price_fen),
        "interest_cny": cny_of(ownership.interest_fen),
        "energy_cny": cny_of(ownership.energy_fen),
        "maintenance_cny": cny_of(ownership.maintenance_fen),
        "credits_cny": cny_of(ownership.credits_fen),
        "total_cny": cny_of(ownership.total_fen),
    }


def quote_purchase(catalogue: Catalogue, request: QuoteRequest) -> Quote:
    """The quote for `request` under `catalogue` (pure and deterministic)."""
    priced = price_purchase(catalogue, QuoteContext.of(request))
    petrol_request, petrol_l, is_modelled = _petrol_request(request)
    petrol = price_purchase(catalogue, QuoteContext.of(petrol_request))
    nev_own = _ownership(priced, request, is_petrol=False, petrol_l=petrol_l)
    petrol_own = _ownership(petrol, petrol_request, is_petrol=True, petrol_l=petrol_l)
    loan = priced.loan
    interest_fen = 0 if loan is None else loan.interest_fen
    assumptions = {
        "maintenance_cny_per_km": "modelled: NEV 0.05, petrol 0.10",
        "petrol_comparison": (
            f"modelled: same class and list price, {petrol_l} L/100 km, 1.5 L engine"
            if is_modelled
            else f"given: {cny_of(petrol_request.new_vehicle.price_fen)} CNY, {petrol_l} L/100 km"
        ),
        "excluded": "resale value and insurance",
    }
    return Quote(
        request=request,
        items=_items(priced),
        not_applied=_not_applied(priced),
        rule_versions=priced.versions,
        price_cny=cny_of(priced.price_fen),
        discounts_cny=cny_of(priced.total_fen("discount")),
        invoice_price_cny=cny_of(priced.invoice_fen),
        purchase_tax_before_relief_cny=cny_of(priced.tax_before_relief_fen),
        tax_relief_cny=cny_of(priced.total_fen("tax")),
        purchase_tax_cny=cny_of(priced.tax_fen),
        trade_in_cny=cny_of(priced.total_fen("trade-in")),
        net_price_cny=cny_of(priced.net_price_fen),
        energy_support_cny=cny_of(priced.total_fen("energy")),
        service_value_cny=cny_of(priced.total_fen("service")),
        finance_support_cny=cny_of(priced.total_fen("finance")),
        down_payment_cny=cny_of(priced.invoice_fen if loan is None else loan.down_payment_fen),
        loan_principal_cny=cny_of(0 if loan is None else loan.principal_fen),
        monthly_payment_cny=cny_of(0 if loan is None else loan.monthly_payment_fen),
        term_months=0 if loan is None else loan.term_months,
        apr_pct=priced.apr_pct,
        interest_cny=cny_of(interest_fen),
        tco_5y_cny=cny_of(nev_own.total_fen),
        tco_5y_petrol_cny=cny_of(petrol_own.total_fen),
        tco_parts={"nev": _parts(nev_own), "petrol": _parts(petrol_own)},
        petrol_net_price_cny=cny_of(petrol.net_price_fen),
        assumptions=assumptions,
    )
