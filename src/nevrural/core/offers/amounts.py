"""What one rule is worth to one buyer on its own, fen (before stacking).

Price cuts (``fixed``, ``percent_of_price``, ``price_tiers``) are valued on the list
price. Energy credits (``per_kwh``) are worth the credit on the buyer's own charging
over the cost-of-ownership horizon, never more per kWh than the electricity price
(a credit cannot pay for energy not bought). Free service (``service_months``) is
worth its months times the valuation per month. Tax relief and loan interest
(``tax_relief``, ``apr_reduction``) need the invoice price and are valued by the
quote (:mod:`~nevrural.core.offers.quote`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nevrural.core.offers.money import fen_of_cny, scale_half_up

if TYPE_CHECKING:
    from nevrural.core.offers.eligibility import QuoteContext
    from nevrural.core.offers.rules import Amount

__all__ = ["HORIZON_YEARS", "early_amount_fen", "tax_relief_fen"]

HORIZON_YEARS = 5


def _tier_fen(amount: Amount, price_fen: int) -> int:
    for low, high, value in amount.tiers:
        if low <= price_fen and (high is None or price_fen < high):
            return value
    return 0


def early_amount_fen(amount: Amount, ctx: QuoteContext) -> int:
    """Value, fen, of an amount known before the invoice price."""
    kind = amount.kind
    if kind == "fixed":
        return amount.fen
    price_fen = ctx.vehicle.price_fen
    if kind == "percent_of_price":
        value = scale_half_up(price_fen, amount.share)
        return value if amount.cap_fen is None else min(value, amount.cap_fen)
    if kind == "price_tiers":
        return _tier_fen(amount, price_fen)
    if kind == "per_kwh":
        kwh = min(amount.max_kwh, ctx.energy_kwh_per_year * HORIZON_YEARS)
        per_kwh = min(amount.cny_per_kwh, ctx.request.energy_prices.electricity_cny_per_kwh)
        return max(fen_of_cny(kwh * per_kwh), 0)
    if kind == "service_months":
        return amount.months * amount.fen
    raise ValueError(f"amount kind {kind} needs the invoice price")


def tax_relief_fen(amount: Amount, gross_tax_fen: int) -> int:
    """Relief, fen, on a purchase tax of `gross_tax_fen`: a share, capped.

    >>> from decimal import Decimal
    >>> from nevrural.core.offers.rules import Amount
    >>> half = Amount("tax_relief", share=Decimal("0.5"), cap_fen=1_500_000)
    >>> tax_relief_fen(half, 2_000_000), tax_relief_fen(half, 4_000_000)
    (1000000, 1500000)
    """
    value = scale_half_up(gross_tax_fen, amount.share)
    return value if amount.cap_fen is None else min(value, amount.cap_fen)
