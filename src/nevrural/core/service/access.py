"""Who may read a service record, and who may see its personal data unmasked.

A record (order, lead, ticket, trade-in) is owned by a county, the enterprises that
handle it (automaker and dealer), and usually one buyer. Organisers supervise by area
and see personal data masked only; enterprises and the buyer see it in full.

Examples
--------
>>> from nevrural.core.service.principal import Principal, Role
>>> owner = Ownership("410102", frozenset({3, 7}), buyer_id=5)
>>> organiser = Principal(Role.ORGANISER, scope_code="410000")
>>> can_read(organiser, owner), can_see_contact(organiser, owner)
(True, False)
>>> can_see_contact(Principal(Role.ENTERPRISE, enterprise_id=7), owner)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nevrural.core.service.principal import Role

if TYPE_CHECKING:
    from nevrural.core.service.principal import Principal

__all__ = ["Ownership", "can_read", "can_see_contact"]


@dataclass(frozen=True, slots=True)
class Ownership:
    """Who a record belongs to.

    Attributes
    ----------
    county_code
        Six-digit code of the county the record belongs to.
    enterprise_ids
        The enterprises holding the record (e.g. the automaker and the dealer).
    buyer_id
        The buyer the record is about, if any.
    """

    county_code: str
    enterprise_ids: frozenset[int] = frozenset()
    buyer_id: int | None = None


def can_read(principal: Principal, owner: Ownership) -> bool:
    """Whether the principal may read the record at all (personal data perhaps masked).

    An organiser reads records in its area, an enterprise the records it holds, a buyer
    its own records.
    """
    if principal.role is Role.ORGANISER:
        return principal.covers_county(owner.county_code)
    return _is_party(principal, owner)


def can_see_contact(principal: Principal, owner: Ownership) -> bool:
    """Whether the principal may see the record's personal data unmasked.

    Only an enterprise holding the record and the buyer themself; organisers never
    (they supervise, and masked data is enough for that).
    """
    if principal.role is Role.ORGANISER:
        return False
    return _is_party(principal, owner)


def _is_party(principal: Principal, owner: Ownership) -> bool:
    """Whether an enterprise holds the record, or a buyer is its buyer."""
    if principal.role is Role.ENTERPRISE:
        return (
            principal.enterprise_id is not None and principal.enterprise_id in owner.enterprise_ids
        )
    if principal.role is Role.BUYER:
        return principal.buyer_id is not None and principal.buyer_id == owner.buyer_id
    return False
