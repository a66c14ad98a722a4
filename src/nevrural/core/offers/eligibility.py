"""Eligibility: does one rule's condition set hold for one request, and if not, why.

`QuoteContext` derives once per request what the conditions compare (the buyer's
fuel group, the date the old car came into their name, yearly kWh); `check_rule`
returns None when every condition holds, else the first failing `Reason`. The checks
run in a fixed order (dates, new car, buyer, old car, loan) so a buyer always sees
the most basic reason first.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from nevrural.core.offers.money import cny_of
from nevrural.core.offers.reasons import AnyOf, Reason, reason
from nevrural.core.offers.rules import PASSENGER_CLASSES, fuel_group

if TYPE_CHECKING:
    from decimal import Decimal

    from nevrural.core.offers.request import NewVehicle, QuoteRequest
    from nevrural.core.offers.rules import Conditions, PolicyRule

__all__ = ["QuoteContext", "check_conditions", "check_rule", "months_before", "not_in_force"]


def months_before(on: date, months: int) -> date:
    """The date `months` calendar months before `on` (clamped to the month's end).

    >>> months_before(date(2025, 3, 31), 1), months_before(date(2025, 1, 8), 13)
    (datetime.date(2025, 2, 28), datetime.date(2023, 12, 8))
    """
    index = on.year * 12 + on.month - 1 - months
    year, month = divmod(index, 12)
    day = min(on.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


class QuoteContext(NamedTuple):
    """What the conditions compare, derived once from the request and the car priced.

    ``vehicle`` is the request's new vehicle, or the comparable petrol car.
    """

    request: QuoteRequest
    vehicle: NewVehicle
    is_passenger: bool
    old_group: str | None
    owned_since: date | None
    energy_kwh_per_year: Decimal

    @classmethod
    def of(cls, request: QuoteRequest, vehicle: NewVehicle | None = None) -> QuoteContext:
        """The context of `request`, pricing `vehicle` (default: the chosen model)."""
        old = request.old_vehicle
        car = request.new_vehicle if vehicle is None else vehicle
        return cls(
            request,
            car,
            car.vehicle_class in PASSENGER_CLASSES,
            None if old is None else fuel_group(old.fuel_type),
            None if old is None else months_before(request.purchase_date, old.months_owned),
            request.km_per_year * car.consumption_kwh_per_100km / 100,
        )


def _new_vehicle(conditions: Conditions, ctx: QuoteContext) -> Reason | None:
    vehicle = ctx.vehicle
    if conditions.powertrains is not None and vehicle.powertrain not in conditions.powertrains:
        return reason("powertrain", need=conditions.powertrains, have=vehicle.powertrain)
    if conditions.is_passenger_only and not ctx.is_passenger:
        return reason("passenger_only", have=vehicle.vehicle_class)
    if conditions.classes is not None and vehicle.vehicle_class not in conditions.classes:
        return reason("vehicle_class", need=conditions.classes, have=vehicle.vehicle_class)
    price = vehicle.price_fen
    if conditions.min_price_fen is not None and price < conditions.min_price_fen:
        return reason("price_below", limit=cny_of(conditions.min_price_fen), price=cny_of(price))
    if conditions.max_price_fen is not None and price > conditions.max_price_fen:
        return reason("price_above", limit=cny_of(conditions.max_price_fen), price=cny_of(price))
    limit_l = conditions.max_displacement_l
    if limit_l is not None and (vehicle.displacement_l is None or vehicle.displacement_l > limit_l):
        return reason("displacement", limit=limit_l)
    if conditions.needs_tax_catalogue and not vehicle.is_in_tax_catalogue:
        return reason("tax_catalogue")
    return None


def _buyer(rule: PolicyRule, ctx: QuoteContext) -> Reason | None:
    buyer = ctx.request.buyer
    allowed = rule.conditions.residency
    if allowed is not None and buyer.residency not in allowed:
        return reason("residency", need=AnyOf(allowed), have=buyer.residency)
    if rule.limit_per_person_per_year is not None and buyer.has_used_subsidy_this_year:
        return reason("yearly_limit", limit=rule.limit_per_person_per_year)
    return None


def _old_vehicle(conditions: Conditions, ctx: QuoteContext) -> Reason | None:
    old = ctx.request.old_vehicle
    need = conditions.disposal or "scrap"
    if old is None or old.disposal is None:
        return reason("no_old_vehicle", need=need)
    if old.disposal != need:
        return reason("disposal", need=need, have=old.disposal)
    if conditions.old_fuel_types is not None and old.fuel_type not in conditions.old_fuel_types:
        return reason("old_fuel", need=conditions.old_fuel_types, have=old.fuel_type)
    if conditions.old_registered_by:
        limit = dict(conditions.old_registered_by).get(ctx.old_group or "")
        if limit is None:
            return reason("old_fuel_not_listed", fuel=old.fuel_type)
        if old.registration_date > limit:
            return reason(
                "old_registered",
                fuel=old.fuel_type,
                on=old.registration_date.isoformat(),
                limit=limit.isoformat(),
            )
    max_stage = conditions.old_max_emission_standard
    if max_stage is not None and old.emission_standard > max_stage:
        return reason("old_emission", limit=max_stage, have=old.emission_standard)
    min_months = conditions.old_min_months_owned
    if min_months is not None and old.months_owned < min_months:
        return reason("months_owned", limit=min_months, have=old.months_owned)
    since_by = conditions.old_owned_since_by
    if since_by is not None and ctx.owned_since is not None and ctx.owned_since > since_by:
        return reason(
            "owned_since",
            limit=since_by.isoformat(),
            have=old.months_owned,
            since=ctx.owned_since.isoformat(),
        )
    if conditions.is_old_passenger_only and not old.is_passenger:
        return reason("old_passenger_only")
    return None


def _finance(conditions: Conditions, ctx: QuoteContext) -> Reason | None:
    finance = ctx.request.finance
    if conditions.needs_finance and finance is None:
        return reason("needs_finance")
    limit = conditions.min_term_months
    if limit is not None and (finance is None or finance.term_months < limit):
        return reason("min_term", limit=limit, have=0 if finance is None else finance.term_months)
    return None


def check_rule(rule: PolicyRule, ctx: QuoteContext) -> Reason | None:
    """None when `rule` is in force on the purchase date and every condition holds.

    The jurisdiction is not checked here: the catalogue only offers rules whose
    jurisdiction covers the buyer's county.
    """
    on = ctx.request.purchase_date
    if not rule.is_in_force(on):
        return not_in_force(rule, on.isoformat())
    return check_conditions(rule, ctx)


def not_in_force(rule: PolicyRule, on_text: str) -> Reason:
    """The reason for a purchase on `on_text` (ISO date) outside the rule's dates."""
    end = rule.effective_to
    return reason(
        "not_in_force",
        start=rule.effective_from.isoformat(),
        end=("长期", "further notice") if end is None else (end.isoformat(), end.isoformat()),
        on=on_text,
    )


def check_conditions(rule: PolicyRule, ctx: QuoteContext) -> Reason | None:
    """None when every condition of `rule` holds (its dates are the caller's concern)."""
    conditions = rule.conditions
    found = _new_vehicle(conditions, ctx) or _buyer(rule, ctx)
    if found is None and conditions.disposal is not None:
        found = _old_vehicle(conditions, ctx)
    if found is None and (conditions.needs_finance or conditions.min_term_months is not None):
        found = _finance(conditions, ctx)
    return found
