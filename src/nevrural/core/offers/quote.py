"""The quote a buyer sees: every item and refusal with its reason, net price, loan, TCO.

`quote_purchase` prices the chosen NEV (:mod:`~nevrural.core.offers.pricing`), then a
comparable petrol car bought the same day by the same buyer under the same rules,
and compares their five-year cost of ownership (:mod:`~nevrural.core.offers.tco`).
Amounts leave the engine as ``Decimal`` CNY with two places, never negative. The
quote is a pure function of the catalogue and the request: the same input always
gives the same quote.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from nevrural.core.offers.eligibility import QuoteContext
from nevrural.core.offers.money import cny_of
from nevrural.core.offers.pricing import Priced, price_purchase
from nevrural.core.offers.request import NewVehicle
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

__all__ = ["NotApplied", "Quote", "QuoteItem", "petrol_car_of", "quote_purchase"]

_ZERO = Decimal(0)
_MAINTENANCE_NEV = MODELLED_MAINTENANCE_CNY_PER_KM["nev"]
_MAINTENANCE_PETROL = MODELLED_MAINTENANCE_CNY_PER_KM["petrol"]


class QuoteItem(NamedTuple):
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


class NotApplied(NamedTuple):
    """One offer of the buyer's jurisdictions that does not apply, and why."""

    rule_id: str
    version: int
    category: str
    title_zh: str
    title_en: str
    reason: Reason
    is_example: bool


class Quote:
    """Everything the buyer is told; amounts in CNY (``Decimal``, two places).

    ``net_price_cny`` = invoice price (list price − discounts) + purchase tax after
    relief − trade-in subsidies. Energy credits, free service and loan offers do not
    change the price; they lower the cost of ownership. The quote holds the exact
    amounts in fen and hands out ``Decimal`` CNY (and its items) when they are read.
    """

    __slots__ = ("_cache", "_nev_own", "_petrol", "_petrol_own", "_priced", "comparison", "request")

    def __init__(
        self,
        request: QuoteRequest,
        priced: Priced,
        petrol: Priced,
        nev_own: Ownership,
        petrol_own: Ownership,
        comparison: tuple[Decimal, bool],
    ) -> None:
        self.request = request
        self._priced = priced
        self._petrol = petrol
        self._nev_own = nev_own
        self._petrol_own = petrol_own
        self.comparison = comparison
        self._cache: dict[str, object] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quote) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def _key(self) -> tuple[object, ...]:
        return (self.request, self._priced, self._petrol, self._nev_own, self._petrol_own)

    def __repr__(self) -> str:
        return f"Quote(net_price_cny={self.net_price_cny}, items={len(self._priced.items)})"

    @property
    def items(self) -> tuple[QuoteItem, ...]:
        """Applied offers in catalogue order."""
        found = self._cache.get("items")
        if found is None:
            found = self._cache["items"] = _items(self._priced)
        return found  # type: ignore[return-value]

    @property
    def not_applied(self) -> tuple[NotApplied, ...]:
        """Offers of the buyer's jurisdictions that do not apply, with reasons."""
        found = self._cache.get("not_applied")
        if found is None:
            found = self._cache["not_applied"] = _not_applied(self._priced)
        return found  # type: ignore[return-value]

    @property
    def rule_versions(self) -> tuple[tuple[str, int], ...]:
        """(rule id, version) of every rule evaluated, in catalogue order."""
        return self._priced.versions

    def _total(self, category: str) -> Decimal:
        return cny_of(self._priced.totals_fen.get(category, 0))

    @property
    def price_cny(self) -> Decimal:
        """List price incl. VAT."""
        return cny_of(self._priced.price_fen)

    @property
    def discounts_cny(self) -> Decimal:
        """Price cuts at the dealer (automaker, dealer, local discounts)."""
        return self._total("discount")

    @property
    def invoice_price_cny(self) -> Decimal:
        """List price − discounts: what the invoice says."""
        return cny_of(self._priced.invoice_fen)

    @property
    def purchase_tax_before_relief_cny(self) -> Decimal:
        """Purchase tax on the invoice before any relief."""
        return cny_of(self._priced.tax_before_relief_fen)

    @property
    def tax_relief_cny(self) -> Decimal:
        """Purchase tax relieved."""
        return self._total("tax")

    @property
    def purchase_tax_cny(self) -> Decimal:
        """Purchase tax to pay."""
        return cny_of(self._priced.tax_fen)

    @property
    def trade_in_cny(self) -> Decimal:
        """Trade-in subsidies (paid to the buyer after the purchase)."""
        return self._total("trade-in")

    @property
    def net_price_cny(self) -> Decimal:
        """Invoice + purchase tax − trade-in subsidies."""
        return cny_of(self._priced.net_price_fen)

    @property
    def energy_support_cny(self) -> Decimal:
        """Value of energy credits over five years."""
        return self._total("energy")

    @property
    def service_value_cny(self) -> Decimal:
        """Value of free service."""
        return self._total("service")

    @property
    def finance_support_cny(self) -> Decimal:
        """Interest saved by loan offers."""
        return self._total("finance")

    @property
    def down_payment_cny(self) -> Decimal:
        """Paid up front (the whole invoice when paying cash)."""
        loan = self._priced.loan
        return cny_of(self._priced.invoice_fen if loan is None else loan.down_payment_fen)

    @property
    def loan_principal_cny(self) -> Decimal:
        """Amount borrowed."""
        loan = self._priced.loan
        return cny_of(0 if loan is None else loan.principal_fen)

    @property
    def monthly_payment_cny(self) -> Decimal:
        """Level monthly payment (0 when paying cash)."""
        loan = self._priced.loan
        return cny_of(0 if loan is None else loan.monthly_payment_fen)

    @property
    def term_months(self) -> int:
        """Loan term (0 when paying cash)."""
        loan = self._priced.loan
        return 0 if loan is None else loan.term_months

    @property
    def apr_pct(self) -> Decimal:
        """APR after loan offers, % a year."""
        return self._priced.apr_pct

    @property
    def interest_cny(self) -> Decimal:
        """Interest over the term after loan offers."""
        loan = self._priced.loan
        return cny_of(0 if loan is None else loan.interest_fen)

    @property
    def tco_5y_cny(self) -> Decimal:
        """Five-year cost of ownership of the NEV."""
        return cny_of(self._nev_own.total_fen)

    @property
    def tco_5y_petrol_cny(self) -> Decimal:
        """Five-year cost of ownership of the comparable petrol car."""
        return cny_of(self._petrol_own.total_fen)

    @property
    def tco_parts(self) -> dict[str, dict[str, Decimal]]:
        """Both costs of ownership by part."""
        return {"nev": _parts(self._nev_own), "petrol": _parts(self._petrol_own)}

    @property
    def petrol_net_price_cny(self) -> Decimal:
        """Net price of the comparable petrol car under the same rules."""
        return cny_of(self._petrol.net_price_fen)

    def _comparison_text(self) -> str:
        petrol_l, is_modelled = self.comparison
        if is_modelled:
            return f"modelled: same class and list price, {petrol_l} L/100 km, 1.5 L engine"
        return f"given: {cny_of(self._petrol.price_fen)} CNY, {petrol_l} L/100 km"

    @property
    def assumptions(self) -> dict[str, str]:
        """Modelled or given inputs of the comparison."""
        return {
            "maintenance_cny_per_km": "modelled: NEV 0.05, petrol 0.10",
            "petrol_comparison": self._comparison_text(),
            "excluded": "resale value and insurance",
        }


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


def petrol_car_of(request: QuoteRequest) -> tuple[NewVehicle, Decimal, bool]:
    """The comparable petrol car, its L/100 km, and whether both were modelled."""
    vehicle = request.new_vehicle
    given = request.comparable_petrol
    if given is None:
        price_fen, petrol_l = vehicle.price_fen, MODELLED_PETROL_L_PER_100KM[vehicle.vehicle_class]
    else:
        price_fen, petrol_l = given.price_fen, given.consumption_l_per_100km
    petrol = NewVehicle(
        model="petrol comparison",
        price_fen=price_fen,
        vehicle_class=vehicle.vehicle_class,
        powertrain="petrol",
        battery_kwh=_ZERO,
        consumption_kwh_per_100km=_ZERO,
        is_in_tax_catalogue=False,
        displacement_l=MODELLED_PETROL_DISPLACEMENT_L,
    )
    return petrol, petrol_l, given is None


def _ownership(priced: Priced, request: QuoteRequest, petrol_l: Decimal | None) -> Ownership:
    """Five-year ownership of the NEV (`petrol_l` None) or of the petrol car."""
    prices = request.energy_prices
    is_petrol = petrol_l is not None
    return ownership_of(
        net_price_fen=priced.net_price_fen,
        interest_fen=0 if priced.loan is None else priced.loan.interest_fen,
        km_per_year=request.km_per_year,
        energy_units_per_100km=request.new_vehicle.consumption_kwh_per_100km
        if petrol_l is None
        else petrol_l,
        price_per_unit_cny=prices.petrol_cny_per_l if is_petrol else prices.electricity_cny_per_kwh,
        maintenance_cny_per_km=_MAINTENANCE_PETROL if is_petrol else _MAINTENANCE_NEV,
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
    petrol_car, petrol_l, is_modelled = petrol_car_of(request)
    petrol = price_purchase(catalogue, QuoteContext.of(request, petrol_car), with_refusals=False)
    nev_own = _ownership(priced, request, None)
    petrol_own = _ownership(petrol, request, petrol_l)
    return Quote(request, priced, petrol, nev_own, petrol_own, (petrol_l, is_modelled))
