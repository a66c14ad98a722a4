"""Use cases about the caller themself: who am I, my enterprise's API keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.service.principal import Role
from nevrural.services.chain_context import audit
from nevrural.services.chain_errors import ChainForbiddenError, ChainNotFoundError
from nevrural.services.chain_people import buyer_masked

if TYPE_CHECKING:
    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_context import ChainContext

__all__ = ["describe_caller", "list_api_keys", "revoke_api_key"]


def describe_caller(ctx: ChainContext, principal: Principal) -> dict[str, Any]:
    """Role, tenancy and, for a buyer, their own record masked."""
    buyer = None
    if principal.buyer_id is not None:
        with ctx.uow_factory() as uow:
            record = uow.buyers.get(principal.buyer_id)
        buyer = buyer_masked(ctx.vault, record) if record is not None else None
    return {
        "role": principal.role.value,
        "subject": principal.subject,
        "scope_code": principal.scope_code,
        "enterprise_id": principal.enterprise_id,
        "buyer_id": principal.buyer_id,
        "buyer": buyer,
    }


def _enterprise_of(principal: Principal) -> int:
    if principal.role is not Role.ENTERPRISE or principal.enterprise_id is None:
        raise ChainForbiddenError("only enterprise staff manage API keys")
    return principal.enterprise_id


def list_api_keys(ctx: ChainContext, principal: Principal) -> list[dict[str, Any]]:
    """The caller's enterprise's keys: id, name, dates (never the secret)."""
    enterprise_id = _enterprise_of(principal)
    with ctx.uow_factory() as uow:
        keys = uow.users.api_keys_of(enterprise_id)
    return [
        {
            "key_id": k.key_id,
            "name": k.name,
            "enterprise_id": k.enterprise_id,
            "created_at": k.created_at,
            "revoked_at": k.revoked_at,
        }
        for k in keys
    ]


def revoke_api_key(ctx: ChainContext, principal: Principal, key_id: str) -> None:
    """Revoke a key of the caller's enterprise (404 for another enterprise's key)."""
    enterprise_id = _enterprise_of(principal)
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        key = uow.users.api_key(key_id)
        if key is None or key.enterprise_id != enterprise_id:
            raise ChainNotFoundError(f"API key {key_id} not found")
        uow.users.revoke_api_key(key_id, now)
        audit(
            uow,
            principal,
            at=now,
            action="api_key.revoked",
            record_type="api_key",
            record_id=key.id,
            key_id=key_id,
        )
        uow.commit()
