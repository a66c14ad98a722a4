"""Price one car for one buyer under the catalogue: items, refusals, tax and loan, in fen.

The order is the order of a real purchase:

1. every rule of the buyer's jurisdictions, at the version in force on the purchase
   date, is checked (:mod:`~nevrural.core.offers.eligibility`) and valued alone
   (:mod:`~nevrural.core.offers.amounts`);
2. price cuts, energy and service offers are stacked
   (:mod:`~nevrural.core.offers.stacking`): exclusivity, prerequisites, caps, and the
   price floor;
3. the invoice price is the list price less the discounts (trade-in subsidies are paid
   to the buyer after the purchase, so they do not lower the invoice);
4. purchase tax on the invoice (:mod:`~nevrural.core.offers.tax`), then the tax
   reliefs and loan offers are stacked and applied in order, each on what the previous
   ones left (relief never exceeds the tax, the APR never drops below 0);
5. the loan on the invoice at the final APR (:mod:`~nevrural.core.offers.finance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from nevrural.core.offers.amounts import early_amount_fen, tax_relief_fen
from nevrural.core.offers.eligibility import check_rule
from nevrural.core.offers.finance import Loan, loan_of
from nevrural.core.offers.reasons import reason
from nevrural.core.offers.stacking import Applied, Refused, stack
from nevrural.core.offers.tax import purchase_tax_fen

if TYPE_CHECKING:
    from nevrural.core.offers.catalogue import Catalogue
    from nevrural.core.offers.eligibility import QuoteContext

__all__ = ["Priced", "price_purchase"]

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Priced:
    """The outcome of pricing one car, fen; items and refusals in catalogue order."""

    items: tuple[Applied, ...]
    refused: tuple[Refused, ...]
    versions: tuple[tuple[str, int], ...]
    price_fen: int
    invoice_fen: int
    tax_before_relief_fen: int
    loan: Loan | None
    apr_pct: Decimal

    def total_fen(self, category: str) -> int:
        """Sum of the applied items of one category, fen."""
        return sum(i.amount_fen for i in self.items if i.rule.category == category)

    @property
    def tax_fen(self) -> int:
        """Purchase tax after relief, fen."""
        return self.tax_before_relief_fen - self.total_fen("tax")

    @property
    def net_price_fen(self) -> int:
        """Invoice + purchase tax − trade-in subsidies, fen (never negative)."""
        return max(self.invoice_fen + self.tax_fen - self.total_fen("trade-in"), 0)


def _screen(
    catalogue: Catalogue, ctx: QuoteContext
) -> tuple[list[Applied], list[Applied], list[Refused], list[tuple[str, int]]]:
    """Eligible early and late rules (valued alone), refusals and the versions seen."""
    request = ctx.request
    county, on = request.buyer.county_code, request.purchase_date
    early: list[Applied] = []
    late: list[Applied] = []
    refused: list[Refused] = []
    versions: list[tuple[str, int]] = []
    for rule_versions in catalogue.for_county(county):
        rule = next((v for v in rule_versions if v.is_in_force(on)), None)
        if rule is None:
            rule = next(v for v in rule_versions if v.jurisdiction.covers(county))
        elif not rule.jurisdiction.covers(county):
            continue
        versions.append((rule.rule_id, rule.version))
        why = check_rule(rule, ctx)
        if why is not None:
            refused.append(Refused(rule, why))
        elif rule.is_late:
            late.append(Applied(rule, 0))
        else:
            value = early_amount_fen(rule.amount, ctx)
            if value > 0:
                early.append(Applied(rule, value))
            else:
                refused.append(Refused(rule, reason("worth_nothing")))
    return early, late, refused, versions


def _late_values(late: list[Applied], ctx: QuoteContext, tax_fen: int, invoice_fen: int) -> None:
    """Value each late rule alone: its relief of the whole tax or interest it saves."""
    finance = ctx.request.finance
    base = None
    for item in late:
        amount = item.rule.amount
        if amount.kind == "tax_relief":
            item.amount_fen = tax_relief_fen(amount, tax_fen)
        elif finance is not None:
            base = base or loan_of(
                invoice_fen, finance.down_payment_pct, finance.term_months, finance.apr_pct
            )
            reduced = max(finance.apr_pct - amount.apr_points, _ZERO)
            cheaper = loan_of(invoice_fen, finance.down_payment_pct, finance.term_months, reduced)
            item.amount_fen = base.interest_fen - cheaper.interest_fen


def _apply_late(
    items: list[Applied], ctx: QuoteContext, tax_fen: int, invoice_fen: int
) -> tuple[Loan | None, Decimal]:
    """Apply reliefs and loan offers in order, each on what is left; the final loan."""
    finance = ctx.request.finance
    left_fen = tax_fen
    apr = _ZERO if finance is None else finance.apr_pct
    loan = None
    if finance is not None:
        loan = loan_of(invoice_fen, finance.down_payment_pct, finance.term_months, apr)
    for item in items:
        amount = item.rule.amount
        if amount.kind == "tax_relief":
            item.amount_fen = min(item.amount_fen, left_fen)
            left_fen -= item.amount_fen
        elif finance is not None and loan is not None:
            apr = max(apr - amount.apr_points, _ZERO)
            cheaper = loan_of(invoice_fen, finance.down_payment_pct, finance.term_months, apr)
            item.amount_fen = loan.interest_fen - cheaper.interest_fen
            loan = cheaper
    return loan, apr


def price_purchase(catalogue: Catalogue, ctx: QuoteContext) -> Priced:
    """Items, refusals, invoice, tax and loan for the request of `ctx`."""
    early, late, refused, versions = _screen(catalogue, ctx)
    price_fen = ctx.request.new_vehicle.price_fen
    items, more = stack(
        early,
        catalogue.caps,
        applied_before=set(),
        title_of=catalogue.title_of,
        price_fen=price_fen,
    )
    refused.extend(more)
    invoice_fen = price_fen - sum(i.amount_fen for i in items if i.rule.category == "discount")
    tax_fen = purchase_tax_fen(invoice_fen)
    if late:
        _late_values(late, ctx, tax_fen, invoice_fen)
        late = [i for i in late if i.amount_fen > 0 or _refuse_worthless(i, refused)]
    late_items, more = stack(
        late, (), applied_before={i.rule.rule_id for i in items}, title_of=catalogue.title_of
    )
    refused.extend(more)
    loan, apr = _apply_late(late_items, ctx, tax_fen, invoice_fen)
    order = {rule_id: n for n, (rule_id, _) in enumerate(versions)}
    all_items = sorted([*items, *late_items], key=lambda i: order[i.rule.rule_id])
    refused.sort(key=lambda r: order[r.rule.rule_id])
    return Priced(
        items=tuple(all_items),
        refused=tuple(refused),
        versions=tuple(versions),
        price_fen=price_fen,
        invoice_fen=invoice_fen,
        tax_before_relief_fen=tax_fen,
        loan=loan,
        apr_pct=apr,
    )


def _refuse_worthless(item: Applied, refused: list[Refused]) -> bool:
    """Record that a late rule is worth nothing here; always False (drop it)."""
    refused.append(Refused(item.rule, reason("worth_nothing")))
    return False
