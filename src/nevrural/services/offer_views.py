"""Offers as JSON-ready dicts, in one place: quotes, rules, claims and revision impacts.

Money is text with two decimals (``"40916.00"``) so no float ever carries an amount;
the API, the CLI and the stored quotes all use these renderings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nevrural.core.offers.quote import NotApplied, Quote, QuoteItem
    from nevrural.core.offers.retro import QuoteChange
    from nevrural.core.offers.rules import Amount, PolicyRule
    from nevrural.services.ports import ClaimRecord, QuoteRecord

__all__ = [
    "money",
    "render_amount",
    "render_change",
    "render_claim",
    "render_quote",
    "render_rule",
    "render_stored_quote",
]

# The amounts of a quote beyond the headline ones, in the order a buyer reads them.
_AMOUNTS = (
    "price_cny",
    "discounts_cny",
    "invoice_price_cny",
    "purchase_tax_before_relief_cny",
    "tax_relief_cny",
    "purchase_tax_cny",
    "trade_in_cny",
    "energy_support_cny",
    "service_value_cny",
    "finance_support_cny",
    "down_payment_cny",
    "loan_principal_cny",
    "interest_cny",
    "petrol_net_price_cny",
)


def money(value: Decimal) -> str:
    """CNY as text with two decimals.

    >>> money(Decimal("40916")), money(Decimal("0.5"))
    ('40916.00', '0.50')
    """
    return f"{value:.2f}"


def _item(item: QuoteItem) -> dict[str, Any]:
    return {
        "rule_id": item.rule_id,
        "version": item.version,
        "category": item.category,
        "title_zh": item.title_zh,
        "title_en": item.title_en,
        "amount_cny": money(item.amount_cny),
        "funded_by": item.funded_by,
        "is_example": item.is_example,
        "note_zh": None if item.note is None else item.note.zh,
        "note_en": None if item.note is None else item.note.en,
    }


def _not_applied(refused: NotApplied) -> dict[str, Any]:
    return {
        "rule_id": refused.rule_id,
        "version": refused.version,
        "category": refused.category,
        "title_zh": refused.title_zh,
        "title_en": refused.title_en,
        "reason_code": refused.reason.code,
        "reason_zh": refused.reason.zh,
        "reason_en": refused.reason.en,
        "is_example": refused.is_example,
    }


def render_quote(quote: Quote) -> dict[str, Any]:
    """The quote as the buyer sees it (see ``docs/offers.md`` for each field).

    ``modelled`` flags each assumption that is nevrural's model rather than the
    buyer's data (maintenance costs; the petrol car when none was given).
    """
    rendered: dict[str, Any] = {
        "net_price_cny": money(quote.net_price_cny),
        "items": [_item(i) for i in quote.items],
        "not_applied": [_not_applied(r) for r in quote.not_applied],
        "monthly_payment_cny": money(quote.monthly_payment_cny),
        "tco_5y_cny": money(quote.tco_5y_cny),
        "tco_5y_petrol_cny": money(quote.tco_5y_petrol_cny),
        "rule_versions": dict(quote.rule_versions),
    }
    for name in _AMOUNTS:
        rendered[name] = money(getattr(quote, name))
    rendered["term_months"] = quote.term_months
    rendered["apr_pct"] = str(quote.apr_pct)
    rendered["tco_parts"] = {
        car: {name: money(value) for name, value in parts.items()}
        for car, parts in quote.tco_parts.items()
    }
    rendered["assumptions"] = dict(quote.assumptions)
    rendered["modelled"] = {
        key: text.startswith("modelled") for key, text in quote.assumptions.items()
    }
    rendered["has_examples"] = any(i.is_example for i in quote.items)
    return rendered


def render_claim(claim: ClaimRecord) -> dict[str, Any]:
    """A subsidy claim."""
    return {
        "claim_id": claim.id,
        "quote_id": claim.quote_id,
        "rule_id": claim.rule_id,
        "rule_version": claim.rule_version,
        "amount_cny": money(claim.amount_cny),
        "status": claim.status,
        "created_at": claim.created_at.isoformat(),
    }


def render_stored_quote(record: QuoteRecord, claims: Iterable[ClaimRecord]) -> dict[str, Any]:
    """A stored quote: its id, the request as given, the quote, and its claims."""
    draft = record.draft
    return {
        "quote_id": record.id,
        "created_at": record.created_at.isoformat(),
        "buyer_ref": draft.buyer_ref,
        "county_code": draft.county_code,
        "purchase_date": draft.purchase_date.isoformat(),
        **draft.result,
        "request": draft.request,
        "claims": [render_claim(c) for c in claims],
    }


def render_amount(amount: Amount) -> dict[str, Any]:
    """A rule's amount with the fields its kind uses (CNY as text)."""
    kind = amount.kind
    if kind == "fixed":
        return {"kind": kind, "cny": money(Decimal(amount.fen) / 100)}
    if kind == "price_tiers":
        tiers = [
            {
                "from_cny": money(Decimal(low) / 100),
                "to_cny": None if high is None else money(Decimal(high) / 100),
                "cny": money(Decimal(value) / 100),
            }
            for low, high, value in amount.tiers
        ]
        return {"kind": kind, "tiers": tiers}
    if kind == "per_kwh":
        return {
            "kind": kind,
            "cny_per_kwh": str(amount.cny_per_kwh),
            "max_kwh": str(amount.max_kwh),
        }
    if kind == "service_months":
        return {
            "kind": kind,
            "months": amount.months,
            "cny_per_month": money(Decimal(amount.fen) / 100),
        }
    if kind == "apr_reduction":
        return {"kind": kind, "percentage_points": str(amount.apr_points)}
    cap = None if amount.cap_fen is None else money(Decimal(amount.cap_fen) / 100)
    if kind == "percent_of_price":
        return {"kind": kind, "percent": str(amount.share * 100), "cap_cny": cap}
    return {"kind": kind, "share": str(amount.share), "cap_cny": cap}


def render_rule(rule: PolicyRule, source: str) -> dict[str, Any]:
    """A rule version with its citation, dates and amount."""
    citation = rule.citation
    return {
        "rule_id": rule.rule_id,
        "version": rule.version,
        "title_zh": rule.title_zh,
        "title_en": rule.title_en,
        "category": rule.category,
        "funded_by": rule.funded_by,
        "jurisdiction": rule.jurisdiction.code,
        "level": rule.jurisdiction.level,
        "effective_from": rule.effective_from.isoformat(),
        "effective_to": None if rule.effective_to is None else rule.effective_to.isoformat(),
        "published_on": rule.published_on.isoformat(),
        "is_retroactive": rule.is_retroactive,
        "citation": {
            "issuer": citation.issuer,
            "document": citation.document,
            "date": citation.document_date.isoformat(),
            "url": citation.url or None,
        },
        "amount": render_amount(rule.amount),
        "exclusivity_group": rule.exclusivity_group,
        "prerequisites": list(rule.prerequisites),
        "limit_per_person_per_year": rule.limit_per_person_per_year,
        "is_example": rule.is_example,
        "source": source,
    }


def render_change(change: QuoteChange) -> dict[str, Any]:
    """How one stored quote and its claims change: positive top-up, negative claw-back."""
    return {
        "quote_id": change.quote_id,
        "buyer_ref": change.buyer_ref,
        "purchase_date": change.purchase_date,
        "kind": change.kind,
        "rule_changes": {rule_id: money(d) for rule_id, d in change.rule_changes.items()},
        "total_change_cny": money(change.total_change_cny),
        "net_price_before_cny": money(change.net_price_before_cny),
        "net_price_after_cny": money(change.net_price_after_cny),
        "claims": [
            {
                "claim_id": c.claim_id,
                "rule_id": c.rule_id,
                "claimed_cny": money(c.claimed_cny),
                "due_cny": money(c.due_cny),
                "change_cny": money(c.change_cny),
            }
            for c in change.claims
        ],
    }
