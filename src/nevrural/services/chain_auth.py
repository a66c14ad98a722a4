"""Use cases of sign-in: passwords to short-lived tokens, API keys, buyer sign-up.

A token carries the role and its tenancy (organiser scope, enterprise id, buyer id and
county), so checking a request needs no database read; it lives ``tokens.ttl_seconds``
(15 minutes by default), which bounds how long a disabled account keeps access. API keys
are looked up by their public id and compared by SHA-256 of the secret in constant time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nevrural.core.service.principal import Principal, Role, scope_prefix
from nevrural.services.chain_context import audit
from nevrural.services.chain_errors import (
    AuthenticationError,
    ChainConflictError,
    ChainForbiddenError,
)
from nevrural.services.chain_people import find_or_add_buyer

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.chain_context import ChainContext
    from nevrural.services.chain_ports import UserRecord

__all__ = [
    "ApiKeyGrant",
    "TokenGrant",
    "add_user",
    "issue_api_key",
    "principal_from_api_key",
    "principal_from_token",
    "register_buyer",
    "sign_in",
]

_USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-@")


@dataclass(frozen=True, slots=True)
class TokenGrant:
    """An OAuth2 bearer token and what it stands for."""

    access_token: str
    expires_in: int
    role: str
    token_type: str = "bearer"


@dataclass(frozen=True, slots=True)
class ApiKeyGrant:
    """A new API key: ``token`` is shown once and never stored."""

    key_id: str
    name: str
    token: str
    enterprise_id: int


def _principal_of(user: UserRecord, county_code: str | None) -> tuple[Principal, str | None]:
    principal = Principal(
        role=Role(user.role),
        user_id=user.id,
        scope_code=user.scope_code,
        enterprise_id=user.enterprise_id,
        buyer_id=user.buyer_id,
    )
    return principal, county_code


def sign_in(ctx: ChainContext, username: str, password: str) -> TokenGrant:
    """A token for the user's role and tenancy; ``AuthenticationError`` on any mismatch."""
    with ctx.uow_factory() as uow:
        user = uow.users.by_username(username.strip().lower())
        if user is None or user.disabled or not ctx.passwords.verify(user.password_hash, password):
            raise AuthenticationError("wrong username or password")
        county = None
        if user.buyer_id is not None:
            buyer = uow.buyers.get(user.buyer_id)
            county = buyer.county_code if buyer is not None else None
        if ctx.passwords.needs_rehash(user.password_hash):
            uow.users.set_password_hash(user.id, ctx.passwords.hash(password))
            uow.commit()
    principal, county = _principal_of(user, county)
    claims: dict[str, Any] = {
        "role": principal.role.value,
        "scope": principal.scope_code,
        "ent": principal.enterprise_id,
        "buyer": principal.buyer_id,
        "county": county,
    }
    token = ctx.tokens.issue(principal.subject, claims, now=ctx.clock())
    return TokenGrant(access_token=token, expires_in=ctx.tokens.ttl_seconds, role=user.role)


def principal_from_token(ctx: ChainContext, token: str) -> tuple[Principal, str | None]:
    """The principal a bearer token stands for, and the buyer's county (None otherwise)."""
    try:
        claims = ctx.tokens.verify(token, now=ctx.clock())
        subject = str(claims["sub"])
        principal = Principal(
            role=Role(claims["role"]),
            user_id=int(subject.split(":", 1)[1]),
            scope_code=str(claims.get("scope") or "000000"),
            enterprise_id=claims.get("ent"),
            buyer_id=claims.get("buyer"),
        )
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise AuthenticationError(f"invalid token: {error}") from None
    county = claims.get("county")
    return principal, str(county) if county else None


def principal_from_api_key(
    ctx: ChainContext, token: str, parse: Callable[[str], tuple[str, str]], matches: Any
) -> Principal:
    """The enterprise principal of an API key (``parse``/``matches`` from the key adapter)."""
    try:
        key_id, secret = parse(token)
    except ValueError:
        raise AuthenticationError("malformed API key") from None
    with ctx.uow_factory() as uow:
        record = uow.users.api_key(key_id)
    if record is None or record.revoked_at is not None or not matches(secret, record.secret_sha256):
        raise AuthenticationError("unknown or revoked API key")
    return Principal(role=Role.ENTERPRISE, enterprise_id=record.enterprise_id, via_api_key=True)


def _clean_username(username: str) -> str:
    clean = username.strip().lower()
    if not 3 <= len(clean) <= 64 or not set(clean) <= _USERNAME_CHARS:
        raise ValueError("username: 3–64 characters of a–z, 0–9, _ . - @")
    return clean


def add_user(
    ctx: ChainContext,
    *,
    username: str,
    password: str,
    role: Role,
    scope_code: str = "000000",
    enterprise_id: int | None = None,
    buyer_id: int | None = None,
    check_strength: Callable[[str], None] | None = None,
) -> UserRecord:
    """Create an account (organiser with a scope, enterprise staff, or a buyer's login)."""
    clean = _clean_username(username)
    scope_prefix(scope_code)  # refuses a malformed scope, naming it
    if check_strength is not None:
        check_strength(password)
    if role is Role.ENTERPRISE and enterprise_id is None:
        raise ValueError("enterprise_id: required for an enterprise account")
    if role is Role.BUYER and buyer_id is None:
        raise ValueError("buyer_id: required for a buyer account")
    with ctx.uow_factory() as uow:
        if uow.users.by_username(clean) is not None:
            raise ChainConflictError(f"username {clean!r} is taken")
        if enterprise_id is not None and uow.enterprises.get(enterprise_id) is None:
            raise ValueError(f"enterprise_id: no enterprise {enterprise_id}")
        user = uow.users.add(
            username=clean,
            password_hash=ctx.passwords.hash(password),
            role=role.value,
            scope_code=scope_code,
            enterprise_id=enterprise_id if role is Role.ENTERPRISE else None,
            buyer_id=buyer_id if role is Role.BUYER else None,
            now=ctx.clock(),
        )
        uow.commit()
    return user


def register_buyer(
    ctx: ChainContext,
    *,
    username: str,
    password: str,
    phone: str,
    name: str | None,
    county_code: str,
    check_strength: Callable[[str], None],
) -> UserRecord:
    """Sign a buyer up: find or create the buyer by phone, then the login.

    A phone already tied to a login is refused (409). Production would confirm the
    phone with a one-time SMS code before linking an existing buyer record.
    """
    clean = _clean_username(username)
    check_strength(password)
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        if uow.atlas.get_division(county_code) is None:
            raise ValueError(f"county_code: no county {county_code!r}")
        if uow.users.by_username(clean) is not None:
            raise ChainConflictError(f"username {clean!r} is taken")
        buyer = find_or_add_buyer(
            uow,
            ctx.vault,
            phone=phone,
            name=name,
            id_card_no=None,
            county_code=county_code,
            now=now,
        )
        if uow.users.by_buyer(buyer.id) is not None:
            raise ChainConflictError("phone: already registered")
        user = uow.users.add(
            username=clean,
            password_hash=ctx.passwords.hash(password),
            role=Role.BUYER.value,
            scope_code="000000",
            enterprise_id=None,
            buyer_id=buyer.id,
            now=now,
        )
        principal = Principal(role=Role.BUYER, user_id=user.id, buyer_id=buyer.id)
        audit(
            uow,
            principal,
            at=now,
            action="buyer.registered",
            record_type="buyer",
            record_id=buyer.id,
        )
        uow.commit()
    return user


def issue_api_key(
    ctx: ChainContext, principal: Principal, name: str, new_key: Callable[[], Any]
) -> ApiKeyGrant:
    """A new API key for the caller's enterprise (enterprise staff signed in by password)."""
    if principal.role is not Role.ENTERPRISE or principal.enterprise_id is None:
        raise ChainForbiddenError("only enterprise staff create API keys")
    if principal.via_api_key:
        raise ChainForbiddenError("an API key cannot create API keys")
    label = name.strip()
    if not 1 <= len(label) <= 80:
        raise ValueError("name: 1–80 characters")
    key = new_key()
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        uow.users.add_api_key(
            key_id=key.key_id,
            enterprise_id=principal.enterprise_id,
            name=label,
            secret_sha256=key.secret_sha256,
            now=now,
        )
        audit(
            uow,
            principal,
            at=now,
            action="api_key.created",
            record_type="api_key",
            record_id=None,
            key_id=key.key_id,
        )
        uow.commit()
    return ApiKeyGrant(key.key_id, label, key.token, principal.enterprise_id)
