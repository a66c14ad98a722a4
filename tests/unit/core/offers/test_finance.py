"""Tests for the annuity: level monthly payment, down payment, interest; 0 % APR."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from nevrural.core.offers.finance import loan_of, monthly_payment_fen
from nevrural.core.offers.quote import quote_purchase

from .offer_builders import national_catalogue, request

__all__: list[str] = []


def test_annuity_70000_at_4_5_percent_over_36_months() -> None:
    """70,000 CNY at 4.5 % over 36 months: 2,082.28 CNY a month.

    r = 0.045 / 12 = 0.00375; (1 + r)^-36 = 0.874192...; payment = 70,000 × 0.00375 /
    (1 - 0.874192) = 262.5 / 0.125808 = 2,082.28 CNY; interest 36 × 2,082.28 - 70,000
    = 4,962.08 CNY.
    """
    assert monthly_payment_fen(7_000_000, Decimal("4.5"), 36) == 208_228
    loan = loan_of(10_000_000, Decimal("30"), 36, Decimal("4.5"))
    assert loan.down_payment_fen == 3_000_000  # 30 % of 100,000
    assert loan.principal_fen == 7_000_000
    assert loan.monthly_payment_fen == 208_228
    assert loan.interest_fen == 496_208  # 74,962.08 - 70,000


def test_annuity_100000_at_6_percent_over_12_months() -> None:
    """100,000 CNY at 6 % for a year: r = 0.005, payment 8,606.64 CNY (textbook value)."""
    assert monthly_payment_fen(10_000_000, Decimal("6"), 12) == 860_664


@pytest.mark.parametrize(
    ("principal_fen", "months", "payment_fen"),
    [(3_600_000, 36, 100_000), (1_000_000, 3, 333_333), (7_000_000, 36, 194_444)],
)
def test_zero_apr_is_principal_over_months(
    principal_fen: int, months: int, payment_fen: int
) -> None:
    """At 0 % the payment is P / n, half-up (70,000 / 36 = 1,944.444 -> 1,944.44)."""
    assert monthly_payment_fen(principal_fen, Decimal(0), months) == payment_fen
    assert loan_of(principal_fen, Decimal(0), months, Decimal(0)).interest_fen >= 0


def test_full_down_payment_means_no_loan() -> None:
    """100 % down: principal 0, payment 0, interest 0."""
    loan = loan_of(5_000_000, Decimal(100), 24, Decimal("5"))
    assert (loan.principal_fen, loan.monthly_payment_fen, loan.interest_fen) == (0, 0, 0)


def test_payment_ignores_the_callers_decimal_context() -> None:
    """A low-precision caller context does not change the payment."""
    with decimal.localcontext() as ctx:
        ctx.prec = 5
        assert monthly_payment_fen(7_000_000, Decimal("4.5"), 36) == 208_228


def test_quote_loan_is_on_the_invoice_price() -> None:
    """Quote: 100,000 CNY, 30 % down, 36 months at 4.5 % (national rules only) -> 2,082.28."""
    quote = quote_purchase(
        national_catalogue(),
        request(finance={"down_payment_pct": "30", "term_months": 36, "apr_pct": "4.5"}),
    )
    assert quote.down_payment_cny == Decimal("30000.00")
    assert quote.loan_principal_cny == Decimal("70000.00")
    assert quote.monthly_payment_cny == Decimal("2082.28")
    assert quote.interest_cny == Decimal("4962.08")
    assert quote.term_months == 36
    assert quote.apr_pct == Decimal("4.5")


def test_quote_with_zero_apr() -> None:
    """0 % APR over 36 months on 72,000 CNY financed: exactly 2,000.00 a month, no interest."""
    quote = quote_purchase(
        national_catalogue(),
        request(
            new_vehicle__price_cny="90000",
            finance={"down_payment_pct": "20", "term_months": 36, "apr_pct": "0"},
        ),
    )
    assert quote.loan_principal_cny == Decimal("72000.00")  # 90,000 - 20 % down
    assert quote.monthly_payment_cny == Decimal("2000.00")
    assert quote.interest_cny == Decimal("0.00")


def test_cash_purchase_pays_the_invoice_up_front() -> None:
    """Without a loan the down payment is the whole invoice and the monthly payment is 0."""
    quote = quote_purchase(national_catalogue(), request())
    assert quote.down_payment_cny == quote.invoice_price_cny == Decimal("100000.00")
    assert quote.monthly_payment_cny == Decimal("0.00")
    assert quote.term_months == 0
