"""Service-chain storage in SQL shared by every use case: enterprises, buyers, users, audit.

Never commits. Bulk updates skip session synchronisation, so reads of ORM rows use
``populate_existing`` to see them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import exists, func, insert, or_, select

from nevrural.adapters.db.chain_repository_base import (
    SqlChainRepository,
    to_record,
)
from nevrural.adapters.db.chain_rows import (
    ApiKeyRow,
    AuditRow,
    BuyerRow,
    EnterpriseBrandRow,
    EnterpriseRow,
    LeadRow,
    OrderRow,
    ServiceAreaRow,
    TicketRow,
    TradeInRow,
    UserRow,
)
from nevrural.services.chain_ports import (
    ApiKeyRecord,
    AuditEntry,
    BuyerRecord,
    EnterpriseRecord,
    UserRecord,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping, Sequence

    from sqlalchemy.sql import Select


__all__ = [
    "SqlAuditRepository",
    "SqlBuyerRepository",
    "SqlEnterpriseRepository",
    "SqlUserRepository",
]

_V = TypeVar("_V")
# States in which a record no longer holds the buyer's personal data open.
_ORDER_DONE = ("closed", "refunded", "cancelled")
_LEAD_OPEN = ("offered", "accepted")
_TICKET_DONE = ("closed",)
_TRADE_IN_DONE = ("claim_paid", "rejected")


class SqlEnterpriseRepository(SqlChainRepository):
    """``enterprises`` with their service areas and brands, through one session."""

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
    ) -> EnterpriseRecord:
        """Store an enterprise, its service counties and brands; returns it with its id."""
        row = self._add(
            EnterpriseRow(
                kind=kind,
                name_zh=name_zh,
                name_en=name_en,
                county_code=county_code,
                lon=lon,
                lat=lat,
                lead_capacity=lead_capacity,
                is_demo=is_demo,
                created_at=now,
            )
        )
        counties = tuple(sorted(set(service_counties)))
        brands = tuple(sorted(set(brand_ids)))
        self._session.add_all(ServiceAreaRow(enterprise_id=row.id, county_code=c) for c in counties)
        self._session.add_all(EnterpriseBrandRow(dealer_id=row.id, automaker_id=b) for b in brands)
        self._session.flush()
        return _enterprise(row, counties, brands)

    def get(self, enterprise_id: int) -> EnterpriseRecord | None:
        """One enterprise, or None."""
        found = self._records(select(EnterpriseRow).where(EnterpriseRow.id == enterprise_id))
        return found[0] if found else None

    def serving(self, county_code: str, kind: str) -> list[EnterpriseRecord]:
        """Enterprises of ``kind`` whose service area holds the county, by id."""
        served = select(ServiceAreaRow.enterprise_id).where(
            ServiceAreaRow.county_code == county_code
        )
        return self._records(
            select(EnterpriseRow).where(EnterpriseRow.kind == kind, EnterpriseRow.id.in_(served))
        )

    def count_demo(self) -> int:
        """How many demo enterprises are stored."""
        query = select(func.count(EnterpriseRow.id)).where(EnterpriseRow.is_demo.is_(True))
        return int(self._session.scalar(query) or 0)

    def _records(self, query: Select[EnterpriseRow]) -> list[EnterpriseRecord]:
        """Run ``query`` and attach areas and brands with one query each (no N+1)."""
        rows = self._session.scalars(query.order_by(EnterpriseRow.id)).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        areas = self._grouped(
            select(ServiceAreaRow.enterprise_id, ServiceAreaRow.county_code)
            .where(ServiceAreaRow.enterprise_id.in_(ids))
            .order_by(ServiceAreaRow.county_code)
        )
        brands = self._grouped(
            select(EnterpriseBrandRow.dealer_id, EnterpriseBrandRow.automaker_id)
            .where(EnterpriseBrandRow.dealer_id.in_(ids))
            .order_by(EnterpriseBrandRow.automaker_id)
        )
        return [_enterprise(r, areas.get(r.id, ()), brands.get(r.id, ())) for r in rows]

    def _grouped(self, query: Select[int, _V]) -> dict[int, tuple[_V, ...]]:
        """Values of the (enterprise id, value) pairs of ``query``, by enterprise id."""
        grouped: dict[int, list[_V]] = defaultdict(list)
        for owner, value in self._session.execute(query):
            grouped[owner].append(value)
        return {owner: tuple(values) for owner, values in grouped.items()}

    def list(self, kind: str | None = None, county_prefix: str = "") -> list[EnterpriseRecord]:
        """Enterprises (of a kind) located in or serving a county under the prefix, by id."""
        query = select(EnterpriseRow)
        if kind is not None:
            query = query.where(EnterpriseRow.kind == kind)
        if county_prefix:
            served = select(ServiceAreaRow.enterprise_id).where(
                ServiceAreaRow.county_code.startswith(county_prefix, autoescape=True)
            )
            query = query.where(
                or_(
                    EnterpriseRow.county_code.startswith(county_prefix, autoescape=True),
                    EnterpriseRow.id.in_(served),
                )
            )
        return self._records(query)


class SqlBuyerRepository(SqlChainRepository):
    """``buyers`` (sealed personal fields) through one session."""

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
    ) -> BuyerRecord:
        """Store a buyer; returns it with its id."""
        row = self._add(
            BuyerRow(
                county_code=county_code,
                name_sealed=name_sealed,
                phone_sealed=phone_sealed,
                phone_index=phone_index,
                id_card_sealed=id_card_sealed,
                id_card_index=id_card_index,
                created_at=now,
                last_active_at=now,
            )
        )
        return to_record(BuyerRecord, row)

    def get(self, buyer_id: int) -> BuyerRecord | None:
        """One buyer, or None."""
        row = self._session.get(BuyerRow, buyer_id, populate_existing=True)
        return to_record(BuyerRecord, row) if row is not None else None

    def by_phone_index(self, phone_index: str) -> BuyerRecord | None:
        """The buyer whose phone has this blind index, or None."""
        rows = self._fresh(select(BuyerRow).where(BuyerRow.phone_index == phone_index))
        return to_record(BuyerRecord, rows[0]) if rows else None

    def touch(self, buyer_id: int, now: dt.datetime) -> None:
        """Record activity of the buyer at ``now``."""
        self._update(BuyerRow, BuyerRow.id == buyer_id, last_active_at=now)

    def update_personal(
        self,
        buyer_id: int,
        *,
        name_sealed: bytes | None,
        id_card_sealed: bytes | None,
        id_card_index: str | None,
    ) -> None:
        """Replace the sealed name and ID card (and its index)."""
        self._update(
            BuyerRow,
            BuyerRow.id == buyer_id,
            name_sealed=name_sealed,
            id_card_sealed=id_card_sealed,
            id_card_index=id_card_index,
        )

    def erasable(self, inactive_since: dt.datetime) -> list[int]:
        """Buyers not erased, inactive since the moment, with no open record; by id."""
        buyer = BuyerRow.id
        open_records = (
            exists().where(OrderRow.buyer_id == buyer, OrderRow.state.not_in(_ORDER_DONE)),
            exists().where(LeadRow.buyer_id == buyer, LeadRow.state.in_(_LEAD_OPEN)),
            exists().where(TicketRow.buyer_id == buyer, TicketRow.state.not_in(_TICKET_DONE)),
            exists().where(TradeInRow.buyer_id == buyer, TradeInRow.state.not_in(_TRADE_IN_DONE)),
        )
        query = select(buyer).where(
            BuyerRow.erased_at.is_(None),
            BuyerRow.last_active_at < inactive_since,
            *(~record for record in open_records),
        )
        return list(self._session.scalars(query.order_by(buyer)))

    def erase(self, buyer_ids: Sequence[int], now: dt.datetime) -> int:
        """Null every personal field and index of the buyers not yet erased; returns how many."""
        if not buyer_ids:
            return 0
        sealed = dict.fromkeys(("name_sealed", "phone_sealed", "id_card_sealed"))
        indexes = dict.fromkeys(("phone_index", "id_card_index"))
        return self._update(
            BuyerRow,
            BuyerRow.id.in_(list(buyer_ids)),
            BuyerRow.erased_at.is_(None),
            erased_at=now,
            **sealed,
            **indexes,
        )


class SqlUserRepository(SqlChainRepository):
    """``users`` and ``api_keys`` through one session."""

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
    ) -> UserRecord:
        """Store an account; returns it with its id."""
        row = self._add(
            UserRow(
                username=username,
                password_hash=password_hash,
                role=role,
                scope_code=scope_code,
                enterprise_id=enterprise_id,
                buyer_id=buyer_id,
                disabled=False,
                created_at=now,
            )
        )
        return to_record(UserRecord, row)

    def by_username(self, username: str) -> UserRecord | None:
        """The account with this username, or None."""
        rows = self._fresh(select(UserRow).where(UserRow.username == username))
        return to_record(UserRecord, rows[0]) if rows else None

    def by_buyer(self, buyer_id: int) -> UserRecord | None:
        """The login of a buyer, or None."""
        rows = self._fresh(select(UserRow).where(UserRow.buyer_id == buyer_id).limit(1))
        return to_record(UserRecord, rows[0]) if rows else None

    def get(self, user_id: int) -> UserRecord | None:
        """One account, or None."""
        row = self._session.get(UserRow, user_id, populate_existing=True)
        return to_record(UserRecord, row) if row is not None else None

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace the account's password hash (a rehash or a new password)."""
        self._update(UserRow, UserRow.id == user_id, password_hash=password_hash)

    def add_api_key(
        self, *, key_id: str, enterprise_id: int, name: str, secret_sha256: str, now: dt.datetime
    ) -> ApiKeyRecord:
        """Store an API key (the SHA-256 of its secret); returns it with its id."""
        row = self._add(
            ApiKeyRow(
                key_id=key_id,
                enterprise_id=enterprise_id,
                name=name,
                secret_sha256=secret_sha256,
                created_at=now,
            )
        )
        return to_record(ApiKeyRecord, row)

    def api_key(self, key_id: str) -> ApiKeyRecord | None:
        """The key with this public id, or None."""
        rows = self._fresh(select(ApiKeyRow).where(ApiKeyRow.key_id == key_id))
        return to_record(ApiKeyRecord, rows[0]) if rows else None

    def api_keys_of(self, enterprise_id: int) -> list[ApiKeyRecord]:
        """The enterprise's keys, revoked ones included, in the order added."""
        query = select(ApiKeyRow).where(ApiKeyRow.enterprise_id == enterprise_id)
        return [to_record(ApiKeyRecord, r) for r in self._fresh(query.order_by(ApiKeyRow.id))]

    def revoke_api_key(self, key_id: str, now: dt.datetime) -> None:
        """Revoke the key at ``now`` (a revoked key keeps its first revocation time)."""
        where = (ApiKeyRow.key_id == key_id, ApiKeyRow.revoked_at.is_(None))
        self._update(ApiKeyRow, *where, revoked_at=now)


class SqlAuditRepository(SqlChainRepository):
    """The append-only ``audit_log`` through one session."""

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
    ) -> None:
        """Append one line (one INSERT, in the unit of work's transaction)."""
        self._session.execute(
            insert(AuditRow).values(
                at=at,
                actor=actor,
                action=action,
                record_type=record_type,
                record_id=record_id,
                county_code=county_code,
                enterprise_id=enterprise_id,
                detail=dict(detail),
            )
        )

    def list(
        self,
        *,
        county_prefix: str | None = None,
        enterprise_id: int | None = None,
        action: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Lines matching every given filter, newest first."""
        query = select(AuditRow)
        if county_prefix is not None:
            query = query.where(AuditRow.county_code.startswith(county_prefix, autoescape=True))
        if enterprise_id is not None:
            query = query.where(AuditRow.enterprise_id == enterprise_id)
        if action is not None:
            query = query.where(AuditRow.action == action)
        query = query.order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
        return [to_record(AuditEntry, r) for r in self._session.scalars(query)]


def _enterprise(
    row: EnterpriseRow, counties: tuple[str, ...], brands: tuple[int, ...]
) -> EnterpriseRecord:
    return to_record(EnterpriseRecord, row, service_counties=counties, brand_ids=brands)
