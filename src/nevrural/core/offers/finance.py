"""Car loans: down payment, principal and the level monthly payment (annuity).

The payment on principal ``P`` over ``n`` months at monthly rate ``r = APR / 12`` is
``P × r / (1 − (1 + r)^−n)`` (``P / n`` when ``r = 0``), rounded half-up to the fen;
the interest is ``n × payment − P``. Rates are computed in a private ``Decimal``
context with 34 digits, so the caller's context never changes the result.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from typing import NamedTuple

from nevrural.core.offers.money import div_half_up, scale_half_up

__all__ = ["Loan", "annuity_factor", "loan_of", "monthly_payment_fen"]

_CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)
_ONE = Decimal(1)
_MONTHS_PER_YEAR_PERCENT = Decimal(1200)


@functools.lru_cache(maxsize=4096)
def annuity_factor(apr_pct: Decimal, term_months: int) -> Decimal:
    """``r / (1 − (1 + r)^−n)`` for ``r = APR / 1200`` (cached: few distinct offers)."""
    rate = _CONTEXT.divide(apr_pct, _MONTHS_PER_YEAR_PERCENT)
    growth = _CONTEXT.power(_CONTEXT.add(_ONE, rate), -term_months)
    return _CONTEXT.divide(rate, _CONTEXT.subtract(_ONE, growth))


def monthly_payment_fen(principal_fen: int, apr_pct: Decimal, term_months: int) -> int:
    """Level monthly payment, fen, on `principal_fen` at `apr_pct` % a year.

    >>> monthly_payment_fen(10_000_000, Decimal("6"), 12)  # 100,000 CNY, 6 %, 1 year
    860664
    >>> monthly_payment_fen(1_000_000, Decimal("0"), 3)
    333333
    """
    if principal_fen <= 0:
        return 0
    if apr_pct == 0:
        return div_half_up(principal_fen, term_months)
    factor = annuity_factor(apr_pct, term_months)
    payment = _CONTEXT.multiply(Decimal(principal_fen), factor)
    return int(payment.quantize(_ONE, rounding=ROUND_HALF_UP, context=_CONTEXT))


class Loan(NamedTuple):
    """A loan on an invoice price: all amounts in fen."""

    down_payment_fen: int
    principal_fen: int
    monthly_payment_fen: int
    term_months: int
    apr_pct: Decimal

    @property
    def interest_fen(self) -> int:
        """Interest over the whole term, fen (never negative)."""
        return max(self.monthly_payment_fen * self.term_months - self.principal_fen, 0)


def loan_of(
    invoice_fen: int, down_payment_pct: Decimal, term_months: int, apr_pct: Decimal
) -> Loan:
    """The loan for `invoice_fen` with `down_payment_pct` % paid up front.

    >>> loan = loan_of(10_000_000, Decimal("30"), 36, Decimal("4.5"))
    >>> loan.down_payment_fen, loan.principal_fen, loan.monthly_payment_fen, loan.interest_fen
    (3000000, 7000000, 208228, 496208)
    """
    down = scale_half_up(invoice_fen, down_payment_pct / 100)
    principal = invoice_fen - down
    payment = monthly_payment_fen(principal, apr_pct, term_months)
    return Loan(down, principal, payment, term_months, apr_pct)
