"""Who is acting: an organiser with a division scope, an enterprise, or a buyer.

Division codes are the six-digit administrative codes (GB/T 2260): ``PPCCXX`` with
province ``PP``, prefecture ``CC`` and county ``XX``; trailing zeros mark a higher level
and ``000000`` stands for the whole nation.

Examples
--------
>>> organiser = Principal(Role.ORGANISER, user_id=12, scope_code="410100")
>>> organiser.covers_county("410102"), organiser.covers_county("420102")
(True, False)
>>> organiser.subject
'user:12'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["NATION_CODE", "Principal", "Role", "scope_prefix"]

NATION_CODE = "000000"
_DIVISION_CODE_LENGTH = 6


class Role(StrEnum):
    """The three kinds of actor in the service chain."""

    ORGANISER = "organiser"  # campaign organiser (a government office), scoped to a division
    ENTERPRISE = "enterprise"  # automaker or dealer enterprise
    BUYER = "buyer"  # a rural consumer


def scope_prefix(division_code: str) -> str:
    """The code prefix shared by every county inside a division.

    >>> [scope_prefix(c) for c in ("000000", "410000", "410100", "410102")]
    ['', '41', '4101', '410102']
    """
    code = division_code
    if len(code) != _DIVISION_CODE_LENGTH or not (code.isascii() and code.isdigit()):
        raise ValueError(f"scope_code must be 6 ASCII digits, got {division_code!r}")
    if code == NATION_CODE:
        return ""
    if code[2:] == "0000":
        return code[:2]
    if code[4:] == "00":
        return code[:4]
    return code


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated actor.

    Attributes
    ----------
    role
        What kind of actor this is.
    user_id
        The user account, or None for an API key or a system call.
    scope_code
        The organiser's division code (``000000`` for the nation); unused for others.
    enterprise_id
        The enterprise an enterprise principal acts for.
    buyer_id
        The buyer a buyer principal is.
    via_api_key
        Whether the call came with an API key rather than a user session.
    """

    role: Role
    user_id: int | None = None
    scope_code: str = NATION_CODE
    enterprise_id: int | None = None
    buyer_id: int | None = None
    via_api_key: bool = False

    def __post_init__(self) -> None:
        """Check that the scope is a division code."""
        scope_prefix(self.scope_code)

    def covers_county(self, county_code: str) -> bool:
        """Whether an organiser's scope contains the county; always False for others.

        >>> Principal(Role.ORGANISER, scope_code="410000").covers_county("410102")
        True
        >>> Principal(Role.ENTERPRISE, enterprise_id=3).covers_county("410102")
        False
        """
        if self.role is not Role.ORGANISER:
            return False
        return county_code.startswith(scope_prefix(self.scope_code))

    @property
    def subject(self) -> str:
        """Who acted, for audit logs.

        ``user:<user_id>`` for a user session; ``apikey-<role>:<owner>`` for an API key,
        where the owner is the enterprise id, the buyer id or the organiser's scope code;
        ``<role>:<owner>`` when neither a user nor a key is known.

        >>> Principal(Role.ENTERPRISE, enterprise_id=3, via_api_key=True).subject
        'apikey-enterprise:3'
        """
        if self.user_id is not None and not self.via_api_key:
            return f"user:{self.user_id}"
        prefix = f"apikey-{self.role.value}" if self.via_api_key else self.role.value
        return f"{prefix}:{self._owner()}"

    def _owner(self) -> str:
        """The id the principal acts for: enterprise id, buyer id or scope code."""
        if self.role is Role.ENTERPRISE:
            owner: int | str | None = self.enterprise_id
        elif self.role is Role.BUYER:
            owner = self.buyer_id
        else:
            owner = self.scope_code
        return "?" if owner is None else str(owner)
