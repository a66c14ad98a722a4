"""Ports of the service chain: what its use cases need from storage and security.

Records are plain frozen dataclasses; the SQL adapters (``adapters.db.chain_*``) fill
them from rows and never commit. Personal fields travel sealed (``bytes``) until a use
case opens them through the ``PersonalVault`` and masks or audits them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import builtins
    import datetime as dt
    from collections.abc import Mapping, Sequence

__all__ = [
    "ApiKeyRecord",
    "AuditEntry",
    "AuditRepository",
    "BuyerRecord",
    "BuyerRepository",
    "EnterpriseRecord",
    "EnterpriseRepository",
    "PasswordHasher",
    "PersonalVault",
    "TokenIssuer",
    "UserRecord",
    "UserRepository",
]


class PersonalVault(Protocol):
    """Seals personal fields (AES-GCM, ``context`` = table.column) and indexes them for search."""

    def seal(self, value: str, *, context: str) -> bytes: ...
    def open(self, blob: bytes, *, context: str) -> str: ...
    def index(self, value: str, *, context: str) -> str: ...


class PasswordHasher(Protocol):
    """Hashes and checks passwords (argon2id)."""

    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenIssuer(Protocol):
    """Issues and verifies short-lived signed access tokens."""

    @property
    def ttl_seconds(self) -> int: ...
    def issue(self, subject: str, claims: Mapping[str, Any], *, now: dt.datetime) -> str: ...
    def verify(self, token: str, *, now: dt.datetime) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class EnterpriseRecord:
    """An enterprise with its place (degrees), service area and the brands it sells."""

    id: int
    kind: str
    name_zh: str
    name_en: str
    county_code: str
    lon: float
    lat: float
    lead_capacity: int
    service_counties: tuple[str, ...]
    brand_ids: tuple[int, ...]
    is_demo: bool


@dataclass(frozen=True, slots=True)
class BuyerRecord:
    """A buyer with sealed personal fields (None once erased)."""

    id: int
    county_code: str
    name_sealed: bytes | None
    phone_sealed: bytes | None
    id_card_sealed: bytes | None
    created_at: dt.datetime
    last_active_at: dt.datetime
    erased_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class UserRecord:
    """An account that signs in with a password."""

    id: int
    username: str
    password_hash: str
    role: str
    scope_code: str
    enterprise_id: int | None
    buyer_id: int | None
    disabled: bool


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    """An enterprise system's API key (only the SHA-256 of its secret is stored)."""

    id: int
    key_id: str
    enterprise_id: int
    name: str
    secret_sha256: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    record_type: str
    record_id: int | None
    county_code: str | None
    enterprise_id: int | None
    detail: dict[str, Any]


class EnterpriseRepository(Protocol):
    """Enterprises, their service areas and brands. Never commits."""

    def add(
        self,
        *,
        kind: str,
        name_zh: str,
        name_en: str,
        county_code: str,
        lon: float,
        lat: float,
        lead_capacity: int,
        service_counties: Sequence[str],
        brand_ids: Sequence[int],
        is_demo: bool,
        now: dt.datetime,
    ) -> EnterpriseRecord: ...
    def get(self, enterprise_id: int) -> EnterpriseRecord | None: ...
    def list(
        self, kind: str | None = None, county_prefix: str = ""
    ) -> builtins.list[EnterpriseRecord]:
        """Enterprises (of a kind) located in or serving a county under the prefix."""

    def serving(self, county_code: str, kind: str) -> builtins.list[EnterpriseRecord]:
        """Enterprises of ``kind`` whose service area holds the county."""

    def count_demo(self) -> int: ...


class BuyerRepository(Protocol):
    """Buyers with sealed personal fields. Never commits."""

    def add(
        self,
        *,
        county_code: str,
        name_sealed: bytes | None,
        phone_sealed: bytes,
        phone_index: str,
        id_card_sealed: bytes | None,
        id_card_index: str | None,
        now: dt.datetime,
    ) -> BuyerRecord: ...
    def get(self, buyer_id: int) -> BuyerRecord | None: ...
    def by_phone_index(self, phone_index: str) -> BuyerRecord | None: ...
    def touch(self, buyer_id: int, now: dt.datetime) -> None: ...
    def update_personal(
        self,
        buyer_id: int,
        *,
        name_sealed: bytes | None,
        id_card_sealed: bytes | None,
        id_card_index: str | None,
    ) -> None: ...
    def erasable(self, inactive_since: dt.datetime) -> builtins.list[int]:
        """Buyers not erased, inactive since the moment, with no open record."""

    def erase(self, buyer_ids: Sequence[int], now: dt.datetime) -> int:
        """Null every personal field and index of the buyers; returns how many."""


class UserRepository(Protocol):
    """Accounts and API keys. Never commits."""

    def add(
        self,
        *,
        username: str,
        password_hash: str,
        role: str,
        scope_code: str,
        enterprise_id: int | None,
        buyer_id: int | None,
        now: dt.datetime,
    ) -> UserRecord: ...
    def by_username(self, username: str) -> UserRecord | None: ...
    def get(self, user_id: int) -> UserRecord | None: ...
    def by_buyer(self, buyer_id: int) -> UserRecord | None: ...
    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...
    def add_api_key(
        self, *, key_id: str, enterprise_id: int, name: str, secret_sha256: str, now: dt.datetime
    ) -> ApiKeyRecord: ...
    def api_key(self, key_id: str) -> ApiKeyRecord | None: ...
    def api_keys_of(self, enterprise_id: int) -> builtins.list[ApiKeyRecord]: ...
    def revoke_api_key(self, key_id: str, now: dt.datetime) -> None: ...


class AuditRepository(Protocol):
    """The append-only audit log. Never commits."""

    def add(
        self,
        *,
        at: dt.datetime,
        actor: str,
        action: str,
        record_type: str,
        record_id: int | None,
        county_code: str | None,
        enterprise_id: int | None,
        detail: Mapping[str, Any],
    ) -> None: ...
    def list(
        self,
        *,
        county_prefix: str | None = None,
        enterprise_id: int | None = None,
        action: str | None = None,
        limit: int = 100,
    ) -> builtins.list[AuditEntry]: ...
