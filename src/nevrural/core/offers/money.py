"""Money for offers: whole fen inside the engine, ``Decimal`` CNY at its edges.

The engine adds and compares integers (fen) because they are exact and fast; every
amount that enters (rule amounts, prices) is rounded to the fen half-up once, and
every amount that leaves is a ``Decimal`` with two places. Divisions round half-up
in integers (`div_half_up`), so no float ever touches money.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["FEN", "cny_of", "div_half_up", "fen_of_cny", "scale_half_up"]

FEN = Decimal("0.01")


def fen_of_cny(amount: Decimal) -> int:
    """``amount`` CNY in whole fen, rounded half-up.

    >>> fen_of_cny(Decimal("12.345")), fen_of_cny(Decimal("-0.005"))
    (1235, -1)
    """
    return int(amount.quantize(FEN, rounding=ROUND_HALF_UP).scaleb(2))


def cny_of(fen: int) -> Decimal:
    """``fen`` as ``Decimal`` CNY with two places.

    >>> cny_of(123456), cny_of(-5)
    (Decimal('1234.56'), Decimal('-0.05'))
    """
    return Decimal(fen).scaleb(-2)


def div_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half away from zero (``denominator > 0``).

    >>> div_half_up(5, 2), div_half_up(7, 3), div_half_up(-5, 2)
    (3, 2, -3)
    """
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def scale_half_up(fen: int, factor: Decimal) -> int:
    """``fen × factor`` rounded half-up to the fen, in exact integer arithmetic.

    >>> scale_half_up(999, Decimal("0.05")), scale_half_up(100_000, Decimal("1") / 3)
    (50, 33333)
    """
    numerator, denominator = _ratio(factor)
    return div_half_up(fen * numerator, denominator)


@functools.lru_cache(maxsize=1024)
def _ratio(factor: Decimal) -> tuple[int, int]:
    """``factor`` as an exact fraction (cached: rules use few distinct shares)."""
    return factor.as_integer_ratio()
