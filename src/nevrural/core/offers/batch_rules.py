"""Eligibility masks and early amounts of one rule over many buyers (numpy).

Each mask is the conjunction of the rule's conditions exactly as
:func:`~nevrural.core.offers.eligibility.check_conditions` tests them, one array
operation per condition. Which condition failed first (the reason) is left to the
scalar checks, asked only for the refused buyers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.offers.amounts import early_amount_fen

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal

    from nevrural.core.offers.eligibility import QuoteContext
    from nevrural.core.offers.rules import PolicyRule

__all__ = ["Columns", "early_amounts", "eligible"]

_NO_DATE = -1


class Columns:
    """The buyers' features the conditions read, one array each."""

    def __init__(self, contexts: Sequence[QuoteContext]) -> None:
        self.contexts = list(contexts)
        requests = [c.request for c in contexts]
        olds = [r.old_vehicle for r in requests]
        self.n = len(contexts)
        self._set_vehicles(contexts)
        self.residency = np.array([r.buyer.residency for r in requests], dtype=object)
        self.has_used = np.array([r.buyer.has_used_subsidy_this_year for r in requests], bool)
        self.has_old = np.array([o is not None and o.disposal is not None for o in olds], bool)
        self.disposal = np.array([None if o is None else o.disposal for o in olds], dtype=object)
        self.old_fuel = np.array([None if o is None else o.fuel_type for o in olds], dtype=object)
        self.old_group = np.array([c.old_group for c in contexts], dtype=object)
        self.registered = np.array(
            [_NO_DATE if o is None else o.registration_date.toordinal() for o in olds], np.int64
        )
        self.emission = np.array([0 if o is None else o.emission_standard for o in olds], np.int64)
        self.months_owned = np.array([0 if o is None else o.months_owned for o in olds], np.int64)
        self.owned_since = np.array(
            [_NO_DATE if c.owned_since is None else c.owned_since.toordinal() for c in contexts],
            np.int64,
        )
        self.old_passenger = np.array([o is not None and o.is_passenger for o in olds], bool)
        self.has_finance = np.array([r.finance is not None for r in requests], dtype=bool)
        self.term = np.array([0 if r.finance is None else r.finance.term_months for r in requests])

    def _set_vehicles(self, contexts: Sequence[QuoteContext]) -> None:
        vehicles = [c.vehicle for c in contexts]
        self.powertrain = np.array([v.powertrain for v in vehicles], dtype=object)
        self.vehicle_class = np.array([v.vehicle_class for v in vehicles], dtype=object)
        self.is_passenger = np.array([c.is_passenger for c in contexts], dtype=bool)
        self.price_fen = np.array([v.price_fen for v in vehicles], dtype=np.int64)
        self.displacement = [v.displacement_l for v in vehicles]
        self.in_catalogue = np.array([v.is_in_tax_catalogue for v in vehicles], dtype=bool)

    def with_vehicles(self, contexts: Sequence[QuoteContext]) -> Columns:
        """The same buyers pricing the cars of `contexts` (e.g. the petrol comparison)."""
        copy = self.take(range(self.n))
        copy.contexts = list(contexts)
        copy._set_vehicles(contexts)
        return copy

    def take(self, index: Sequence[int] | range) -> Columns:
        """The columns of the buyers at `index`, in that order."""
        picked = list(index)
        at = np.asarray(picked, dtype=np.int64)
        copy = object.__new__(Columns)
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                setattr(copy, name, value[at])
            elif isinstance(value, list):
                setattr(copy, name, [value[i] for i in picked])
        copy.n = len(picked)
        return copy

    def isin(self, column: np.ndarray, allowed: frozenset[str]) -> np.ndarray:
        """Whether each value of an object column is one of `allowed`."""
        return np.fromiter((v in allowed for v in column), dtype=bool, count=self.n)


def _old_vehicle(rule: PolicyRule, cols: Columns) -> np.ndarray:
    conditions = rule.conditions
    ok: np.ndarray = cols.has_old & np.asarray(cols.disposal == conditions.disposal, dtype=bool)
    if conditions.old_fuel_types is not None:
        ok &= cols.isin(cols.old_fuel, conditions.old_fuel_types)
    if conditions.old_registered_by:
        limits = dict(conditions.old_registered_by)
        limit = np.fromiter(
            (limits[g].toordinal() if g in limits else _NO_DATE - 1 for g in cols.old_group),
            dtype=np.int64,
            count=cols.n,
        )
        ok &= (limit != _NO_DATE - 1) & (cols.registered <= limit)
    if conditions.old_max_emission_standard is not None:
        ok &= cols.emission <= conditions.old_max_emission_standard
    if conditions.old_min_months_owned is not None:
        ok &= cols.months_owned >= conditions.old_min_months_owned
    if conditions.old_owned_since_by is not None:
        ok &= cols.owned_since <= conditions.old_owned_since_by.toordinal()
    if conditions.is_old_passenger_only:
        ok &= cols.old_passenger
    return ok


def eligible(rule: PolicyRule, cols: Columns) -> np.ndarray:
    """Whether each buyer meets every condition of `rule` (dates aside)."""
    conditions = rule.conditions
    ok = np.ones(cols.n, dtype=bool)
    if conditions.powertrains is not None:
        ok &= cols.isin(cols.powertrain, conditions.powertrains)
    if conditions.is_passenger_only:
        ok &= cols.is_passenger
    if conditions.classes is not None:
        ok &= cols.isin(cols.vehicle_class, conditions.classes)
    if conditions.min_price_fen is not None:
        ok &= cols.price_fen >= conditions.min_price_fen
    if conditions.max_price_fen is not None:
        ok &= cols.price_fen <= conditions.max_price_fen
    limit_l = conditions.max_displacement_l
    if limit_l is not None:
        ok &= np.fromiter(
            (d is not None and d <= limit_l for d in cols.displacement), dtype=bool, count=cols.n
        )
    if conditions.needs_tax_catalogue:
        ok &= cols.in_catalogue
    if conditions.residency is not None:
        ok &= cols.isin(cols.residency, conditions.residency)
    if rule.limit_per_person_per_year is not None:
        ok &= ~cols.has_used
    if conditions.disposal is not None:
        ok &= _old_vehicle(rule, cols)
    if conditions.needs_finance:
        ok &= cols.has_finance
    if conditions.min_term_months is not None:
        ok &= cols.has_finance & (cols.term >= conditions.min_term_months)
    return ok


def _div_half_up(numerator: np.ndarray, denominator: int) -> np.ndarray:
    quotient, remainder = np.divmod(numerator, denominator)
    return quotient + (2 * remainder >= denominator)


def early_amounts(rule: PolicyRule, cols: Columns, where: np.ndarray) -> np.ndarray:
    """Each buyer's amount (fen) of an early rule, computed where `where` holds."""
    amount = rule.amount
    values = np.zeros(cols.n, dtype=np.int64)
    if amount.kind == "fixed":
        values[:] = amount.fen
    elif amount.kind == "service_months":
        values[:] = amount.months * amount.fen
    elif amount.kind == "percent_of_price" and _fits(amount.share, cols.price_fen):
        numerator, denominator = amount.share.as_integer_ratio()
        values = _div_half_up(cols.price_fen * numerator, denominator)
        if amount.cap_fen is not None:
            values = np.minimum(values, amount.cap_fen)
    elif amount.kind == "price_tiers":
        for low, high, value in amount.tiers:
            upper = np.iinfo(np.int64).max if high is None else high
            values[(cols.price_fen >= low) & (cols.price_fen < upper)] = value
    else:  # per-kWh credits (Decimal energy) and unusual shares: the scalar rule
        for i in np.flatnonzero(where).tolist():
            values[i] = early_amount_fen(amount, cols.contexts[i])
    return values


def _fits(share: Decimal, prices: np.ndarray) -> bool:
    """Whether ``price × numerator`` stays within int64 for every price."""
    numerator, _ = share.as_integer_ratio()
    return int(prices.max(initial=0)) * numerator < 2**62
