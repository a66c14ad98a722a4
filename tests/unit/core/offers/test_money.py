"""Tests for fen arithmetic: half-up rounding at the edges, exact integer division."""

from __future__ import annotations

from decimal import Decimal

import pytest

from nevrural.core.offers.money import cny_of, div_half_up, fen_of_cny, scale_half_up

__all__: list[str] = []


@pytest.mark.parametrize(
    ("cny", "fen"),
    [("0.005", 1), ("0.004", 0), ("12.345", 1235), ("-0.005", -1), ("100000", 10_000_000)],
)
def test_fen_of_cny_rounds_half_up(cny: str, fen: int) -> None:
    """CNY become whole fen, halves rounded away from zero."""
    assert fen_of_cny(Decimal(cny)) == fen


def test_cny_of_has_two_places() -> None:
    """Fen leave the engine as Decimal CNY with exactly two places."""
    assert str(cny_of(208228)) == "2082.28"
    assert str(cny_of(0)) == "0.00"


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(5, 2, 3), (7, 3, 2), (-5, 2, -3), (1_000_000_000, 113, 8_849_558), (0, 7, 0)],
)
def test_div_half_up(numerator: int, denominator: int, expected: int) -> None:
    """Integer division rounds half away from zero (1e9 / 113 = 8,849,557.52 -> 8,849,558)."""
    assert div_half_up(numerator, denominator) == expected


def test_scale_half_up_is_exact() -> None:
    """A share of an amount is exact: 5 % of 9.99 CNY is 0.4995 -> 0.50 CNY."""
    assert scale_half_up(999, Decimal("0.05")) == 50
    assert scale_half_up(3_539_823, Decimal("0.5")) == 1_769_912  # 17,699.115 -> 17,699.12
