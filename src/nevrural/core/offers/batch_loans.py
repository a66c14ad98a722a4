"""Loans of many buyers at once, equal to `loan_of` fen for fen.

The down payment is ``invoice × down % / 100`` rounded half-up in integers; the
level payment is ``principal × r / (1 − (1 + r)^−n)`` with the factor computed once
per (APR, term) in ``Decimal`` (:func:`~nevrural.core.offers.finance.monthly_payment_fen`).
The product is taken in floating point, which is exact to well below a millionth of
a fen at these magnitudes; a product within a millionth of a half fen is recomputed
in ``Decimal`` so that the half-up rounding is always the exact one.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.offers.finance import annuity_factor, monthly_payment_fen
from nevrural.core.offers.money import scale_half_up

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Loans"]

_ZERO = Decimal(0)
_TIE = 1e-6


@functools.lru_cache(maxsize=8192)
def _float_factor(apr_pct: Decimal, term_months: int) -> float:
    """The annuity factor as a float (0.0 for an interest-free loan)."""
    return 0.0 if apr_pct == 0 else float(annuity_factor(apr_pct, term_months))


@functools.lru_cache(maxsize=1024)
def _down_ratio(down_pct: Decimal) -> tuple[int, int]:
    """``down % / 100`` as an exact fraction."""
    return (down_pct / 100).as_integer_ratio()


def payments_fen(principal: np.ndarray, apr: Sequence[Decimal], term: np.ndarray) -> np.ndarray:
    """Level monthly payments, fen (`monthly_payment_fen` for each buyer)."""
    months = term.tolist()
    factors = np.fromiter(
        (_float_factor(rate, n) for rate, n in zip(apr, months, strict=True)),
        dtype=np.float64,
        count=len(months),
    )
    exact = principal.astype(np.float64) * factors
    payment = np.floor(exact + 0.5).astype(np.int64)
    fraction = exact - np.floor(exact)
    for k in np.flatnonzero((np.abs(fraction - 0.5) < _TIE) & (factors > 0)).tolist():
        payment[k] = monthly_payment_fen(int(principal[k]), apr[k], months[k])
    free = factors == 0
    if free.any():
        payment[free] = _div_half_up_by(principal[free], term[free])
    return np.where(principal > 0, payment, 0)


def _div_half_up_by(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    quotient, remainder = np.divmod(numerator, denominator)
    return quotient + (2 * remainder >= denominator)


class Loans:
    """The financed buyers of a partition: principal, term and each APR's interest.

    Arrays are over the financed buyers only (``index`` maps them to the partition).
    """

    def __init__(
        self,
        invoice: np.ndarray,
        down_pct: Sequence[Decimal],
        term: np.ndarray,
        index: np.ndarray,
    ) -> None:
        self.index = index
        self.term = term
        invoice = invoice[index]
        ratios = [_down_ratio(pct) for pct in down_pct]
        numerator = np.array([r[0] for r in ratios], dtype=np.int64)
        denominator = np.array([r[1] for r in ratios], dtype=np.int64)
        if int(invoice.max(initial=0)) * int(numerator.max(initial=0)) < 2**62:
            down = _div_half_up_by(invoice * numerator, denominator)
        else:
            down = np.array(
                [
                    scale_half_up(int(v), pct / 100)
                    for v, pct in zip(invoice.tolist(), down_pct, strict=True)
                ],
                dtype=np.int64,
            )
        self.down = down
        self.principal = invoice - down

    def interest(self, apr: Sequence[Decimal]) -> tuple[np.ndarray, np.ndarray]:
        """Payments and interest (fen, never negative) at each buyer's APR."""
        payment = payments_fen(self.principal, apr, self.term)
        return payment, np.maximum(payment * self.term - self.principal, 0)
