"""A quote request: the buyer, the old car, the chosen model, the loan, usage and prices.

`parse_quote_request` reads the JSON document (CLI file or API body) and names the
first bad field (``new_vehicle.price_cny: must be >= 0, got -1``). Prices are CNY
including VAT; energy prices are what a rural household pays.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from nevrural.core.offers.fields import FieldError, Fields
from nevrural.core.offers.money import fen_of_cny
from nevrural.core.offers.rules import DISPOSALS, FUEL_TYPES, VEHICLE_CLASSES

if TYPE_CHECKING:
    from datetime import date

    from nevrural.core.offers.rules import Disposal

__all__ = [
    "Buyer",
    "ComparablePetrol",
    "EnergyPrices",
    "Finance",
    "NewVehicle",
    "OldVehicle",
    "QuoteRequest",
    "parse_quote_request",
]

_ZERO = Decimal(0)
_MAX_PRICE = Decimal(10_000_000)
_RESIDENCY = ("hukou", "residence_permit", "none")


@dataclass(frozen=True, slots=True)
class Buyer:
    """Where the buyer lives and what they have used; ``ref`` is an opaque reference."""

    county_code: str
    residency: str = "hukou"
    has_used_subsidy_this_year: bool = False
    ref: str = ""


@dataclass(frozen=True, slots=True)
class OldVehicle:
    """The car given up: fuel, registration date, China emission stage, ownership."""

    fuel_type: str
    registration_date: date
    emission_standard: int
    months_owned: int
    disposal: Disposal | None
    is_passenger: bool = True


@dataclass(frozen=True, slots=True)
class NewVehicle:
    """The chosen model: price incl. VAT (fen), class, powertrain and energy use."""

    model: str
    price_fen: int
    vehicle_class: str
    powertrain: str
    battery_kwh: Decimal
    consumption_kwh_per_100km: Decimal
    is_in_tax_catalogue: bool = True
    displacement_l: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Finance:
    """A car loan: down payment share (%), term (months) and APR (% a year)."""

    down_payment_pct: Decimal
    term_months: int
    apr_pct: Decimal


@dataclass(frozen=True, slots=True)
class EnergyPrices:
    """Rural electricity (CNY/kWh) and petrol (CNY/L)."""

    electricity_cny_per_kwh: Decimal
    petrol_cny_per_l: Decimal


@dataclass(frozen=True, slots=True)
class ComparablePetrol:
    """The petrol car the buyer would otherwise buy (price incl. VAT, fen; L/100 km)."""

    price_fen: int
    consumption_l_per_100km: Decimal


@dataclass(frozen=True, slots=True)
class QuoteRequest:
    """Everything a quote depends on (and nothing else: quotes are reproducible)."""

    buyer: Buyer
    old_vehicle: OldVehicle | None
    new_vehicle: NewVehicle
    purchase_date: date
    finance: Finance | None
    km_per_year: int
    energy_prices: EnergyPrices
    comparable_petrol: ComparablePetrol | None = None


def _county_code(fields: Fields) -> str:
    code = fields.text("county_code")
    if len(code) != 6 or not code.isdigit() or code.endswith("00"):
        raise FieldError(
            fields.path_of("county_code"), f"must be a six-digit county code, got {code!r}"
        )
    return code


def _buyer(fields: Fields) -> Buyer:
    buyer = Buyer(
        county_code=_county_code(fields),
        residency=fields.choice("residency", _RESIDENCY, "hukou"),
        has_used_subsidy_this_year=fields.flag("has_used_subsidy_this_year"),
        ref=fields.text("ref", max_length=100) if fields.has("ref") else "",
    )
    fields.done()
    return buyer


def _old_vehicle(fields: Fields, purchase_date: date) -> OldVehicle:
    registered = fields.date("registration_date")
    if registered > purchase_date:
        raise FieldError(fields.path_of("registration_date"), "is after the purchase date")
    old = OldVehicle(
        fuel_type=fields.choice("fuel_type", FUEL_TYPES),
        registration_date=registered,
        emission_standard=fields.integer("emission_standard", maximum=6),
        months_owned=fields.integer("months_owned", maximum=1200),
        disposal=fields.choice("disposal", DISPOSALS) if fields.has("disposal") else None,
        is_passenger=fields.flag("is_passenger", True),
    )
    fields.done()
    return old


def _new_vehicle(fields: Fields) -> NewVehicle:
    vehicle = NewVehicle(
        model=fields.text("model", max_length=200),
        price_fen=fen_of_cny(fields.decimal("price_cny", minimum=_ZERO, maximum=_MAX_PRICE)),
        vehicle_class=fields.choice("class", VEHICLE_CLASSES),
        powertrain=fields.choice("powertrain", FUEL_TYPES),
        battery_kwh=fields.decimal("battery_kwh", _ZERO, minimum=_ZERO, maximum=Decimal(500)),
        consumption_kwh_per_100km=fields.decimal(
            "consumption_kwh_per_100km", _ZERO, minimum=_ZERO, maximum=Decimal(200)
        ),
        is_in_tax_catalogue=fields.flag("in_tax_catalogue", True),
        displacement_l=fields.decimal("displacement_l", minimum=_ZERO, maximum=Decimal(10))
        if fields.has("displacement_l")
        else None,
    )
    fields.done()
    return vehicle


def _finance(fields: Fields) -> Finance:
    finance = Finance(
        down_payment_pct=fields.decimal("down_payment_pct", minimum=_ZERO, maximum=Decimal(100)),
        term_months=fields.integer("term_months", minimum=1, maximum=120),
        apr_pct=fields.decimal("apr_pct", minimum=_ZERO, maximum=Decimal(36)),
    )
    fields.done()
    return finance


def _energy(fields: Fields) -> EnergyPrices:
    prices = EnergyPrices(
        electricity_cny_per_kwh=fields.decimal(
            "electricity_cny_per_kwh", minimum=_ZERO, maximum=Decimal(10)
        ),
        petrol_cny_per_l=fields.decimal("petrol_cny_per_l", minimum=_ZERO, maximum=Decimal(50)),
    )
    fields.done()
    return prices


def _comparable(fields: Fields) -> ComparablePetrol:
    car = ComparablePetrol(
        price_fen=fen_of_cny(fields.decimal("price_cny", minimum=_ZERO, maximum=_MAX_PRICE)),
        consumption_l_per_100km=fields.decimal(
            "consumption_l_per_100km", minimum=_ZERO, maximum=Decimal(50)
        ),
    )
    fields.done()
    return car


def parse_quote_request(data: object) -> QuoteRequest:
    """The request from its JSON mapping; FieldError names the first bad field.

    >>> request = parse_quote_request({
    ...     "buyer": {"county_code": "130123"},
    ...     "new_vehicle": {"model": "示例微面", "price_cny": "62800", "class": "micro_van",
    ...                     "powertrain": "bev", "consumption_kwh_per_100km": "13.5"},
    ...     "purchase_date": "2025-06-01", "usage": {"km_per_year": 15000},
    ...     "energy_prices": {"electricity_cny_per_kwh": "0.56", "petrol_cny_per_l": "7.6"}})
    >>> request.new_vehicle.price_fen, request.old_vehicle, request.finance
    (6280000, None, None)
    """
    fields = Fields(data, "")
    purchase_date = fields.date("purchase_date")
    buyer_fields = fields.section("buyer")
    new_fields = fields.section("new_vehicle")
    usage = fields.section("usage")
    energy = fields.section("energy_prices")
    km_per_year = usage.integer("km_per_year", maximum=200_000)
    usage.done()
    old_fields = fields.sub("old_vehicle")
    finance_fields = fields.sub("finance")
    comparable_fields = fields.sub("comparable_petrol")
    request = QuoteRequest(
        buyer=_buyer(buyer_fields),
        old_vehicle=None if old_fields is None else _old_vehicle(old_fields, purchase_date),
        new_vehicle=_new_vehicle(new_fields),
        purchase_date=purchase_date,
        finance=None if finance_fields is None else _finance(finance_fields),
        km_per_year=km_per_year,
        energy_prices=_energy(energy),
        comparable_petrol=None if comparable_fields is None else _comparable(comparable_fields),
    )
    fields.done()
    return request
