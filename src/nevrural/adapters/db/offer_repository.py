"""Offer storage in SQL: rule versions, quotes and claims. Never commits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from nevrural.adapters.db.rows import OfferClaimRow, OfferQuoteRow, PolicyRuleVersionRow, as_utc
from nevrural.services.ports import ClaimRecord, QuoteDraft, QuoteRecord, RuleVersionRecord

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal

    from sqlalchemy.orm import Session

__all__ = ["SqlClaimRepository", "SqlPolicyRepository", "SqlQuoteRepository"]


def _rule_version(row: PolicyRuleVersionRow) -> RuleVersionRecord:
    return RuleVersionRecord(
        id=row.id,
        rule_id=row.rule_id,
        version=row.version,
        body=row.body,
        source=row.source,
        is_example=row.is_example,
        created_at=as_utc(row.created_at),
    )


def _quote(row: OfferQuoteRow) -> QuoteRecord:
    draft = QuoteDraft(
        buyer_ref=row.buyer_ref,
        county_code=row.county_code,
        purchase_date=row.purchase_date,
        request=row.request,
        result=row.result,
        net_price_cny=row.net_price_cny,
        rule_versions=row.rule_versions,
        amounts=row.amounts,
    )
    return QuoteRecord(id=row.id, created_at=as_utc(row.created_at), draft=draft)


def _claim(row: OfferClaimRow) -> ClaimRecord:
    return ClaimRecord(
        id=row.id,
        quote_id=row.quote_id,
        rule_id=row.rule_id,
        rule_version=row.rule_version,
        amount_cny=row.amount_cny,
        status=row.status,
        created_at=as_utc(row.created_at),
    )


class SqlPolicyRepository:
    """The ``policy_rule_versions`` table through one SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self, rule_id: str, version: int, body: dict[str, Any], source: str, is_example: bool
    ) -> int:
        """Store one rule version; returns its row id."""
        row = PolicyRuleVersionRow(
            rule_id=rule_id,
            version=version,
            body=body,
            source=source,
            is_example=is_example,
            created_at=dt.datetime.now(dt.UTC),
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def list(self) -> list[RuleVersionRecord]:
        """Every stored version, in the order added."""
        rows = self._session.scalars(select(PolicyRuleVersionRow).order_by(PolicyRuleVersionRow.id))
        return [_rule_version(r) for r in rows]

    def stamp(self) -> tuple[int, int]:
        """(count, highest id) of the stored versions; changes whenever one is added."""
        count, top = self._session.execute(
            select(func.count(PolicyRuleVersionRow.id), func.max(PolicyRuleVersionRow.id))
        ).one()
        return int(count), int(top or 0)

    def has_source(self, source: str) -> bool:
        """Whether any version came from `source`."""
        found = self._session.scalar(
            select(PolicyRuleVersionRow.id).where(PolicyRuleVersionRow.source == source).limit(1)
        )
        return found is not None


class SqlQuoteRepository:
    """The ``offer_quotes`` table through one SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, draft: QuoteDraft) -> QuoteRecord:
        """Store a quote; returns it with its id."""
        row = OfferQuoteRow(
            buyer_ref=draft.buyer_ref,
            county_code=draft.county_code,
            purchase_date=draft.purchase_date,
            request=draft.request,
            result=draft.result,
            net_price_cny=draft.net_price_cny,
            rule_versions=draft.rule_versions,
            amounts=draft.amounts,
            created_at=dt.datetime.now(dt.UTC),
        )
        self._session.add(row)
        self._session.flush()
        return QuoteRecord(id=row.id, created_at=row.created_at, draft=draft)

    def get(self, quote_id: int) -> QuoteRecord | None:
        """One stored quote."""
        row = self._session.get(OfferQuoteRow, quote_id)
        return _quote(row) if row is not None else None

    def in_scope(
        self, county_prefix: str, starts_on: dt.date, ends_on: dt.date | None
    ) -> list[QuoteRecord]:
        """Quotes of buyers in counties starting with `county_prefix`, bought in the dates."""
        query = select(OfferQuoteRow).where(OfferQuoteRow.purchase_date >= starts_on)
        if ends_on is not None:
            query = query.where(OfferQuoteRow.purchase_date <= ends_on)
        if county_prefix:
            query = query.where(
                OfferQuoteRow.county_code.startswith(county_prefix, autoescape=True)
            )
        return [_quote(r) for r in self._session.scalars(query.order_by(OfferQuoteRow.id))]

    def amounts_in_scope(self, county_prefix: str) -> list[dict[str, str]]:
        """The applied amounts (rule id to CNY text) of every quote under the prefix."""
        query = select(OfferQuoteRow.amounts).order_by(OfferQuoteRow.id)
        if county_prefix:
            query = query.where(
                OfferQuoteRow.county_code.startswith(county_prefix, autoescape=True)
            )
        return [
            {str(k): str(v) for k, v in amounts.items()} for amounts in self._session.scalars(query)
        ]

    def count(self) -> int:
        """How many quotes are stored."""
        return int(self._session.scalar(select(func.count(OfferQuoteRow.id))) or 0)


class SqlClaimRepository:
    """The ``offer_claims`` table through one SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self, quote_id: int, rule_id: str, rule_version: int, amount_cny: Decimal, status: str
    ) -> ClaimRecord:
        """Store a claim; returns it with its id."""
        row = OfferClaimRow(
            quote_id=quote_id,
            rule_id=rule_id,
            rule_version=rule_version,
            amount_cny=amount_cny,
            status=status,
            created_at=dt.datetime.now(dt.UTC),
        )
        self._session.add(row)
        self._session.flush()
        return _claim(row)

    def get(self, claim_id: int) -> ClaimRecord | None:
        """One claim."""
        row = self._session.get(OfferClaimRow, claim_id)
        return _claim(row) if row is not None else None

    def of_quotes(self, quote_ids: Sequence[int]) -> list[ClaimRecord]:
        """Claims on the given quotes, by id."""
        if not quote_ids:
            return []
        rows = self._session.scalars(
            select(OfferClaimRow)
            .where(OfferClaimRow.quote_id.in_(list(quote_ids)))
            .order_by(OfferClaimRow.id)
        )
        return [_claim(r) for r in rows]
