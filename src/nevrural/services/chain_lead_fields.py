"""Checks of the fields lead-side use cases take: free text, counties, moments, paging.

Each check raises ``ValueError`` naming the field (the API answers 422), so no input
reaches the database in a form it would refuse (a NUL byte, a naive moment, a code of
no county).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from nevrural.core.atlas.divisions import Level

if TYPE_CHECKING:
    import datetime as dt

    from nevrural.core.atlas.divisions import Division
    from nevrural.services.chain_context import ChainUnitOfWork

__all__ = ["MAX_PAGE", "check_moment", "check_page", "clean_text", "county_division"]

MAX_PAGE = 200
# Unicode categories free text may not hold: control, format, separators, unassigned.
_FORBIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_text(value: str, field: str, max_chars: int) -> str:
    """``value`` stripped: 1 to ``max_chars`` characters without control characters.

    >>> clean_text("  直播专场 ", "title_zh", 120)
    '直播专场'
    """
    text = value.strip()
    if not 1 <= len(text) <= max_chars:
        raise ValueError(f"{field}: 1-{max_chars} characters, got {len(text)}")
    if any(unicodedata.category(c) in _FORBIDDEN for c in text):
        raise ValueError(f"{field}: must not contain control or format characters")
    return text


def county_division(uow: ChainUnitOfWork, county_code: str, field: str = "county_code") -> Division:
    """The county-level division with this code; ValueError naming ``field`` otherwise."""
    if len(county_code) != 6 or not (county_code.isascii() and county_code.isdigit()):
        raise ValueError(f"{field}: six ASCII digits, got {county_code!r}")
    division = uow.atlas.get_division(county_code)
    if division is None or division.level is not Level.COUNTY:
        raise ValueError(f"{field}: no county {county_code!r}")
    return division


def check_moment(moment: dt.datetime, field: str) -> None:
    """Refuse a moment without a time zone (it could be any hour)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{field}: must carry a time zone (e.g. +08:00)")


def check_page(limit: int, offset: int) -> None:
    """``limit`` 1 to `MAX_PAGE` rows, ``offset`` 0 to a million."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit: 1-{MAX_PAGE}, got {limit}")
    if not 0 <= offset <= 1_000_000:
        raise ValueError(f"offset: 0-1000000, got {offset}")
