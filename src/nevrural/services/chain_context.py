"""What every service-chain use case runs with: storage, security parts and a clock.

``ChainContext`` is built once per process by ``bootstrap``; use cases open one unit of
work per request and write the audit log inside it, so a change and its audit line
commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from nevrural.core.service.access import Ownership, can_read
from nevrural.core.service.leads import LeadRules
from nevrural.core.service.principal import Role, scope_prefix
from nevrural.services.chain_errors import ChainNotFoundError
from nevrural.services.ports import UnitOfWork

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_aftersales_ports import AftersalesRepository
    from nevrural.services.chain_catalogue_ports import CatalogueRepository
    from nevrural.services.chain_lead_ports import LeadRepository
    from nevrural.services.chain_order_ports import OrderRepository
    from nevrural.services.chain_ports import (
        AuditRepository,
        BuyerRepository,
        EnterpriseRepository,
        PasswordHasher,
        PersonalVault,
        TokenIssuer,
        UserRepository,
    )

__all__ = [
    "MAX_PAGE",
    "ChainContext",
    "ChainUnitOfWork",
    "audit",
    "ensure_readable",
    "list_filters",
    "utc_now",
]


class ChainUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also holds the service-chain repositories."""

    @property
    def enterprises(self) -> EnterpriseRepository: ...
    @property
    def buyers(self) -> BuyerRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def catalogue(self) -> CatalogueRepository: ...
    @property
    def orders(self) -> OrderRepository: ...
    @property
    def leads(self) -> LeadRepository: ...
    @property
    def aftersales(self) -> AftersalesRepository: ...


def utc_now() -> dt.datetime:
    """The current moment in UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ChainContext:
    """Storage, personal-data vault, password hasher, token issuer, clock and lead rules."""

    uow_factory: Callable[[], ChainUnitOfWork]
    vault: PersonalVault
    passwords: PasswordHasher
    tokens: TokenIssuer
    clock: Callable[[], dt.datetime] = utc_now
    lead_rules: LeadRules = field(default_factory=LeadRules)


def ensure_readable(principal: Principal, owner: Ownership, record: str, record_id: int) -> None:
    """Refuse with 404 (existence not disclosed) unless ``principal`` may read the record."""
    if not can_read(principal, owner):
        raise ChainNotFoundError(f"{record} {record_id} not found")


def audit(
    uow: ChainUnitOfWork,
    principal: Principal,
    *,
    at: dt.datetime,
    action: str,
    record_type: str,
    record_id: int | None,
    owner: Ownership | None = None,
    **detail: Any,
) -> None:
    """Append an audit line in ``uow`` (committed with the change it describes)."""
    enterprise_id = principal.enterprise_id
    if enterprise_id is None and owner is not None and len(owner.enterprise_ids) == 1:
        enterprise_id = next(iter(owner.enterprise_ids))
    uow.audit.add(
        at=at,
        actor=principal.subject,
        action=action,
        record_type=record_type,
        record_id=record_id,
        county_code=owner.county_code if owner is not None else None,
        enterprise_id=enterprise_id,
        detail=detail,
    )


MAX_PAGE = 500


def list_filters(
    principal: Principal,
    *,
    enterprise_field: str,
    state: str | None,
    states: Iterable[str],
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """Repository filters of a list use case: state, page, and the caller's tenancy.

    A buyer sees their own records, an enterprise those it holds (``enterprise_field``:
    ``dealer_id`` or ``enterprise_id``), an organiser those under its scope's prefix.
    Raises ``ValueError`` naming ``state``, ``limit`` or ``offset``.
    """
    allowed = list(states)
    if state is not None and state not in allowed:
        raise ValueError(f"state: one of {', '.join(allowed)}, got {state!r}")
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit: 1 to {MAX_PAGE}, got {limit}")
    if not 0 <= offset <= 1_000_000:
        raise ValueError(f"offset: 0 to 1,000,000, got {offset}")
    filters: dict[str, Any] = {"state": state, "limit": limit, "offset": offset}
    if principal.role is Role.BUYER:
        filters["buyer_id"] = principal.buyer_id if principal.buyer_id is not None else -1
    elif principal.role is Role.ENTERPRISE:
        owner = principal.enterprise_id
        filters[enterprise_field] = owner if owner is not None else -1
    else:
        filters["county_prefix"] = scope_prefix(principal.scope_code)
    return filters
