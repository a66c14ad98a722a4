"""Eligibility: does one rule's condition set hold for one request, and if not, why.

`QuoteContext` derives once per request what the conditions compare (the buyer's
fuel group, the date the old car came into their name, yearly kWh); `check_rule`
returns None when every condition holds, else the first failing `Reason`. The checks
run in a fixed order (dates, new car, buyer, old car, loan) so a buyer always sees
the most basic reason first.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from nevrural.core.offers.money import cny_of
from nevrural.core.offers.reasons import Reason, label, reason
from nevrural.core.offers.rules import PASSENGER_CLASSES, fuel_group

if TYPE_CHECKING:
    from decimal import Decimal

    from nevrural.core.offers.request import QuoteRequest
    from nevrural.core.offers.rules import Conditions, PolicyRule

__all__ = ["QuoteContext", "check_rule", "months_before"]


def months_before(on: date, months: int) -> date:
    """The date `months` calendar months before `on` (clamped to the month's end).

    >>> months_before(date(2025, 3, 31), 1), months_before(date(2025, 1, 8), 13)
    (datetime.date(2025, 2, 28), datetime.date(2023, 12, 8))
    """
    index = on.year * 12 + on.month - 1 - months
    year, month = divmod(index, 12)
    day = min(on.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


@dataclass(frozen=True, slots=True)
class QuoteContext:
    """What the conditions compare, derived once from the request."""

    request: QuoteRequest
    is_passenger: bool
    old_group: str | None
    owned_since: date | None
    energy_kwh_per_year: Decimal

    @classmethod
    def of(cls, request: QuoteRequest) -> QuoteContext:
        old = request.old_vehicle
        vehicle = request.new_vehicle
        return cls(
            request=request,
            is_passenger=vehicle.vehicle_class in PASSENGER_CLASSES,
            old_group=None if old is None else fuel_group(old.fuel_type),
            owned_since=None
            if old is None
            else months_before(request.purchase_date, old.months_owned),
            energy_kwh_per_year=request.km_per_year * vehicle.consumption_kwh_per_100km / 100,
        )


def _new_vehicle(conditions: Conditions, ctx: QuoteContext) -> Reason | None:
    vehicle = ctx.request.new_vehicle
    if conditions.powertrains is not None and vehicle.powertrain not in conditions.powertrains:
        need = [label(p) for p in sorted(conditions.powertrains)]
        have = label(vehicle.powertrain)
        return reason(
            "powertrain",
            need_zh="、".join(n[0] for n in need),
            need_en=", ".join(n[1] for n in need),
            have_zh=have[0],
            have_en=have[1],
        )
    if conditions.is_passenger_only and not ctx.is_passenger:
        have = label(vehicle.vehicle_class)
        return reason("passenger_only", have_zh=have[0], have_en=have[1])
    if conditions.classes is not None and vehicle.vehicle_class not in conditions.classes:
        need = [label(c) for c in sorted(conditions.classes)]
        have = label(vehicle.vehicle_class)
        return reason(
            "vehicle_class",
            need_zh="、".join(n[0] for n in need),
            need_en=", ".join(n[1] for n in need),
            have_zh=have[0],
            have_en=have[1],
        )
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
        need = [label(r) for r in sorted(allowed)]
        have = label(buyer.residency)
        return reason(
            "residency",
            need_zh="或".join(n[0] for n in need),
            need_en=" or ".join(n[1] for n in need),
            have_zh=have[0],
            have_en=have[1],
        )
    if rule.limit_per_person_per_year is not None and buyer.has_used_subsidy_this_year:
        return reason("yearly_limit", limit=rule.limit_per_person_per_year)
    return None


def _old_vehicle(conditions: Conditions, ctx: QuoteContext) -> Reason | None:
    old = ctx.request.old_vehicle
    need = conditions.disposal
    if old is None or old.disposal is None:
        need_zh, need_en = label(need or "scrap")
        return reason("no_old_vehicle", need_zh=need_zh, need_en=need_en)
    if old.disposal != need:
        need_zh, need_en = label(need or "scrap")
        have_zh, have_en = label(old.disposal)
        return reason(
            "disposal", need_zh=need_zh, need_en=need_en, have_zh=have_zh, have_en=have_en
        )
    fuel_zh, fuel_en = label(old.fuel_type)
    if conditions.old_fuel_types is not None and old.fuel_type not in conditions.old_fuel_types:
        names = [label(f) for f in sorted(conditions.old_fuel_types)]
        return reason(
            "old_fuel",
            need_zh="、".join(n[0] for n in names),
            need_en=", ".join(n[1] for n in names),
            have_zh=fuel_zh,
            have_en=fuel_en,
        )
    if conditions.old_registered_by:
        limits = dict(conditions.old_registered_by)
        limit = limits.get(ctx.old_group or "")
        if limit is None:
            return reason("old_fuel_not_listed", fuel_zh=fuel_zh, fuel_en=fuel_en)
        if old.registration_date > limit:
            return reason(
                "old_registered",
                fuel_zh=fuel_zh,
                fuel_en=fuel_en,
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
        end = rule.effective_to
        return reason(
            "not_in_force",
            start=rule.effective_from.isoformat(),
            end_zh="长期" if end is None else end.isoformat(),
            end_en="further notice" if end is None else end.isoformat(),
            on=on.isoformat(),
        )
    conditions = rule.conditions
    found = _new_vehicle(conditions, ctx) or _buyer(rule, ctx)
    if found is None and conditions.disposal is not None:
        found = _old_vehicle(conditions, ctx)
    if found is None and (conditions.needs_finance or conditions.min_term_months is not None):
        found = _finance(conditions, ctx)
    return found
