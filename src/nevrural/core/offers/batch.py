"""Quote many purchases at once: the same quotes as `quote_purchase`, computed by rule.

`quote_batch(catalogue, requests)[i] == quote_purchase(catalogue, requests[i])` for
every request (a property test holds it to that). The scalar engine walks rules per
buyer; this one walks buyers per rule, with numpy:

1. **Partitions.** For each rule, the version each buyer's purchase date selects and
   whether it covers the buyer's county; buyers with the same choices for every rule
   form a partition, inside which every rule is one fixed version.
2. **Eligibility and amounts** per rule over the partition's buyers, as boolean masks
   and integer fen arrays (:mod:`~nevrural.core.offers.batch_rules`). The reason of a
   refusal is then asked of the scalar checks for that buyer and rule only, so every
   sentence is written by one piece of code.
3. **Stacking** per partition in the scalar order (prerequisites that cannot hold,
   exclusivity, prerequisites, caps, price floor; then tax relief and loan offers),
   each step one array operation per rule (:mod:`~nevrural.core.offers.batch_stack`).
4. The quotes are assembled per buyer from the arrays.

Used for bulk work — re-quoting stored quotes, benchmarks — where the per-buyer cost
of the scalar engine dominates.
"""

from __future__ import annotations

import gc
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.offers.batch_rules import Columns
from nevrural.core.offers.batch_stack import price_partition
from nevrural.core.offers.eligibility import QuoteContext
from nevrural.core.offers.money import fen_of_cny
from nevrural.core.offers.quote import Quote, petrol_car_of
from nevrural.core.offers.tco import MODELLED_MAINTENANCE_CNY_PER_KM, Ownership

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.offers.catalogue import Catalogue
    from nevrural.core.offers.pricing import Priced
    from nevrural.core.offers.request import NewVehicle, QuoteRequest
    from nevrural.core.offers.rules import PolicyRule

__all__ = ["quote_batch"]

_HORIZON_YEARS = 5
# Decimal inputs (kWh/100 km, CNY/kWh, L/100 km, CNY/L) are exact in units of 10^-4.
_SCALE_DIGITS = 4
_QUANTUM = Decimal(1).scaleb(-_SCALE_DIGITS)
_NO_ENERGY = Decimal(0)


def _choices(
    catalogue: Catalogue, contexts: Sequence[QuoteContext], with_refusals: bool
) -> tuple[list[str], np.ndarray, list[tuple[PolicyRule, ...]]]:
    """Rule ids, the choice matrix (buyers × rules) and each rule's versions.

    A choice is ``-1`` (rule not evaluated), ``k`` (version ``k`` applies, newest
    first) or ``-2 - k`` (no version in force: version ``k`` is refused for its dates).
    """
    powertrain = None if with_refusals else contexts[0].vehicle.powertrain if contexts else None
    rule_ids = list(catalogue.rule_ids)
    ordinals = np.fromiter((c.request.purchase_date.toordinal() for c in contexts), np.int64)
    counties = [c.request.buyer.county_code for c in contexts]
    unique_counties, county_index = np.unique(np.array(counties, dtype=object), return_inverse=True)
    choice = np.full((len(contexts), len(rule_ids)), -1, dtype=np.int64)
    versions_of = []
    for column, rule_id in enumerate(rule_ids):
        versions = catalogue.versions_of(rule_id)
        versions_of.append(versions)
        if powertrain is not None and not any(
            v.conditions.powertrains is None or powertrain in v.conditions.powertrains
            for v in versions
        ):
            continue
        covers = np.array(
            [[v.jurisdiction.covers(c) for c in unique_counties] for v in versions], dtype=bool
        )[:, county_index]
        chosen = np.full(len(contexts), -1, dtype=np.int64)
        undecided = np.ones(len(contexts), dtype=bool)
        for k, version in enumerate(versions):
            end = (
                np.iinfo(np.int64).max
                if version.effective_to is None
                else version.effective_to.toordinal()
            )
            in_force = (
                undecided & (ordinals >= version.effective_from.toordinal()) & (ordinals <= end)
            )
            chosen[in_force & covers[k]] = k
            undecided &= ~in_force
        if with_refusals:
            any_cover = covers.any(axis=0)
            first_cover = np.argmax(covers, axis=0)
            refuse = undecided & any_cover
            chosen[refuse] = -2 - first_cover[refuse]
        choice[:, column] = chosen
    return rule_ids, choice, versions_of


def _scaled(values: Sequence[Decimal]) -> np.ndarray | None:
    """Decimals as integers of 10^-4 units; None when one has more digits."""
    known: dict[Decimal, int | None] = {}
    scaled = []
    for value in values:
        if value not in known:
            exact = value == value.quantize(_QUANTUM)
            known[value] = int(value.scaleb(_SCALE_DIGITS)) if exact else None
        scaled.append(known[value])
    if any(s is None for s in scaled):
        return None
    return np.array(scaled, dtype=np.int64)


def _round_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """Non-negative ``numerator / denominator`` rounded half-up."""
    quotient, remainder = np.divmod(numerator, denominator)
    return quotient + (2 * remainder >= denominator)


def _energy_fen(km5: np.ndarray, units: Sequence[Decimal], prices: Sequence[Decimal]) -> list[int]:
    """``km5 × units/100 × price`` CNY in fen, half-up, exactly."""
    units_i, prices_i = _scaled(units), _scaled(prices)
    if units_i is not None and prices_i is not None:
        product = km5 * units_i * prices_i  # fen × 10^8
        if bool(np.all(product >= 0)) and int(product.max(initial=0)) < 2**62:
            return _round_div(product, 10 ** (2 * _SCALE_DIGITS)).tolist()  # type: ignore[no-any-return]
    return [
        fen_of_cny(int(k) * u / 100 * p)
        for k, u, p in zip(km5.tolist(), units, prices, strict=True)
    ]


def _ownerships(
    priced: Sequence[Priced], requests: Sequence[QuoteRequest], petrol_l: Sequence[Decimal] | None
) -> list[Ownership]:
    km5 = np.fromiter((r.km_per_year * _HORIZON_YEARS for r in requests), np.int64)
    if petrol_l is None:
        units: Sequence[Decimal] = [r.new_vehicle.consumption_kwh_per_100km for r in requests]
        prices: Sequence[Decimal] = [r.energy_prices.electricity_cny_per_kwh for r in requests]
        rate = MODELLED_MAINTENANCE_CNY_PER_KM["nev"]
    else:
        units = petrol_l
        prices = [r.energy_prices.petrol_cny_per_l for r in requests]
        rate = MODELLED_MAINTENANCE_CNY_PER_KM["petrol"]
    energy = _energy_fen(km5, units, prices)
    rate_num, rate_den = (rate * 100).as_integer_ratio()
    maintenance = _round_div(km5 * rate_num, rate_den)
    found = []
    for p, e, m in zip(priced, energy, maintenance.tolist(), strict=True):
        totals = p.totals_fen
        loan = p.loan
        credits = (totals.get("energy", 0) + totals.get("service", 0)) if totals else 0
        interest = 0 if loan is None else loan.interest_fen
        found.append(Ownership(p.net_price_fen, interest, e, m, credits))
    return found


def _partitions(choice: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of the choice matrix and each buyer's row number among them.

    Rows are packed into one integer when they fit (a 1-D unique is far faster than
    a row-wise one); otherwise the rows are compared whole.
    """
    shifted = choice - choice.min(initial=0)
    base = int(shifted.max(initial=0)) + 1
    if base ** choice.shape[1] < 2**62:
        weights = base ** np.arange(choice.shape[1], dtype=np.int64)
        packed = shifted @ weights
        _, first, partition = np.unique(packed, return_index=True, return_inverse=True)
        return choice[first], partition.ravel()
    keys, partition = np.unique(choice, axis=0, return_inverse=True)
    return keys, partition.ravel()


def price_batch(
    catalogue: Catalogue,
    contexts: Sequence[QuoteContext],
    *,
    with_refusals: bool = True,
    columns: Columns | None = None,
) -> list[Priced]:
    """`price_purchase` for every context (petrol contexts: one powertrain for all);
    `columns` are the contexts' columns when already built."""
    if not contexts:
        return []
    cols = Columns(contexts) if columns is None else columns
    rule_ids, choice, versions_of = _choices(catalogue, contexts, with_refusals)
    keys, partition = _partitions(choice)
    result: list[Priced | None] = [None] * len(contexts)
    order = np.argsort(partition, kind="stable")
    bounds = np.searchsorted(partition[order], np.arange(len(keys) + 1))
    for key_index, key in enumerate(keys):
        members = order[bounds[key_index] : bounds[key_index + 1]].tolist()
        priced = price_partition(
            catalogue,
            cols.take(members),
            [(rule_ids[c], versions_of[c], int(k)) for c, k in enumerate(key) if k != -1],
            with_refusals=with_refusals,
        )
        for i, p in zip(members, priced, strict=True):
            result[i] = p
    return result  # type: ignore[return-value]


def _petrol_cars(requests: Sequence[QuoteRequest]) -> list[tuple[NewVehicle, Decimal, bool]]:
    """`petrol_car_of` each request, built once per (class, price) when modelled."""
    shared: dict[tuple[str, int], tuple[NewVehicle, Decimal, bool]] = {}
    cars = []
    for request in requests:
        if request.comparable_petrol is not None:
            cars.append(petrol_car_of(request))
            continue
        key = (request.new_vehicle.vehicle_class, request.new_vehicle.price_fen)
        car = shared.get(key)
        if car is None:
            car = shared[key] = petrol_car_of(request)
        cars.append(car)
    return cars


def quote_batch(catalogue: Catalogue, requests: Sequence[QuoteRequest]) -> list[Quote]:
    """The quote of every request (equal to `quote_purchase` of each).

    The cyclic garbage collector is paused meanwhile: the batch builds many long-lived
    objects without cycles, and its passes over them cost as much as the pricing.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _quote_batch(catalogue, requests)
    finally:
        if was_enabled:
            gc.enable()


def _quote_batch(catalogue: Catalogue, requests: Sequence[QuoteRequest]) -> list[Quote]:
    contexts = [QuoteContext.of(r) for r in requests]
    columns = Columns(contexts)
    nev = price_batch(catalogue, contexts, columns=columns)
    cars = _petrol_cars(requests)
    petrol_contexts = [
        QuoteContext(c.request, car, c.is_passenger, c.old_group, c.owned_since, _NO_ENERGY)
        for c, (car, _, _) in zip(contexts, cars, strict=True)
    ]
    petrol = price_batch(
        catalogue,
        petrol_contexts,
        with_refusals=False,
        columns=columns.with_vehicles(petrol_contexts),
    )
    nev_own = _ownerships(nev, requests, None)
    petrol_own = _ownerships(petrol, requests, [litres for _, litres, _ in cars])
    return [
        Quote(r, n, p, no, po, (litres, is_modelled))
        for r, n, p, no, po, (_, litres, is_modelled) in zip(
            requests, nev, petrol, nev_own, petrol_own, cars, strict=True
        )
    ]
