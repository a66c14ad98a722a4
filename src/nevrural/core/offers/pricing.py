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

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from nevrural.core.offers.amounts import early_amount_fen, tax_relief_fen
from nevrural.core.offers.eligibility import check_conditions, check_rule
from nevrural.core.offers.finance import Loan, loan_of
from nevrural.core.offers.reasons import reason
from nevrural.core.offers.stacking import Applied, Refused, stack
from nevrural.core.offers.tax import purchase_tax_fen

if TYPE_CHECKING:
    from nevrural.core.offers.catalogue import Catalogue
    from nevrural.core.offers.eligibility import QuoteContext
    from nevrural.core.offers.rules import PolicyRule

__all__ = ["Priced", "price_purchase"]

_ZERO = Decimal(0)


class Priced(NamedTuple):
    """The outcome of pricing one car, fen; items and refusals in catalogue order."""

    items: tuple[Applied, ...]
    refused: tuple[Refused, ...]
    versions: tuple[tuple[str, int], ...]
    totals_fen: dict[str, int]
    price_fen: int
    invoice_fen: int
    tax_before_relief_fen: int
    tax_fen: int
    net_price_fen: int
    loan: Loan | None
    apr_pct: Decimal

    def total_fen(self, category: str) -> int:
        """Sum of the applied items of one category, fen."""
        return self.totals_fen.get(category, 0)


def _screen(
    catalogue: Catalogue, ctx: QuoteContext, refused: list[Refused] | None
) -> tuple[list[Applied], list[Applied], list[tuple[str, int]]]:
    """Eligible early and late rules (valued alone) and the versions seen; refusals are
    recorded in `refused` (when given, else only rules that may apply are screened)."""
    request = ctx.request
    county, on = request.buyer.county_code, request.purchase_date
    early: list[Applied] = []
    late: list[Applied] = []
    versions: list[tuple[str, int]] = []
    rules = catalogue.for_county(county, None if refused is not None else ctx.vehicle.powertrain)
    for rule_versions in rules:
        rule: PolicyRule | None = None
        for version in rule_versions:
            if version.effective_from <= on and (
                version.effective_to is None or on <= version.effective_to
            ):
                rule = version if version.jurisdiction.covers(county) else None
                break
        else:
            if refused is not None:
                rule = next(v for v in rule_versions if v.jurisdiction.covers(county))
                versions.append((rule.rule_id, rule.version))
                refused.append(Refused(rule, check_rule(rule, ctx) or reason("worth_nothing")))
            continue
        if rule is None:
            continue
        versions.append((rule.rule_id, rule.version))
        why = check_conditions(rule, ctx)
        if why is not None:
            if refused is not None:
                refused.append(Refused(rule, why))
        elif rule.is_late:
            late.append(Applied(rule, 0))
        else:
            value = early_amount_fen(rule.amount, ctx)
            if value > 0:
                early.append(Applied(rule, value))
            elif refused is not None:
                refused.append(Refused(rule, reason("worth_nothing")))
    return early, late, versions


class _Loans:
    """The loan on one invoice at each APR tried, computed once each."""

    __slots__ = ("_by_apr", "ctx", "invoice_fen")

    def __init__(self, ctx: QuoteContext, invoice_fen: int) -> None:
        self.ctx = ctx
        self.invoice_fen = invoice_fen
        self._by_apr: dict[Decimal, Loan] = {}

    def at(self, apr_pct: Decimal) -> Loan | None:
        """The loan at `apr_pct` (None when paying cash)."""
        finance = self.ctx.request.finance
        if finance is None:
            return None
        loan = self._by_apr.get(apr_pct)
        if loan is None:
            loan = loan_of(self.invoice_fen, finance.down_payment_pct, finance.term_months, apr_pct)
            self._by_apr[apr_pct] = loan
        return loan


def _late_values(late: list[Applied], loans: _Loans, tax_fen: int) -> None:
    """Value each late rule alone: its relief of the whole tax or the interest it saves."""
    finance = loans.ctx.request.finance
    for item in late:
        amount = item.rule.amount
        if amount.kind == "tax_relief":
            item.amount_fen = tax_relief_fen(amount, tax_fen)
        elif finance is not None:
            base = loans.at(finance.apr_pct)
            cheaper = loans.at(max(finance.apr_pct - amount.apr_points, _ZERO))
            assert base is not None and cheaper is not None  # noqa: PT018 - finance is given
            item.amount_fen = base.interest_fen - cheaper.interest_fen


def _apply_late(items: list[Applied], loans: _Loans, tax_fen: int) -> tuple[Loan | None, Decimal]:
    """Apply reliefs and loan offers in order, each on what is left; the final loan."""
    finance = loans.ctx.request.finance
    apr = _ZERO if finance is None else finance.apr_pct
    loan = loans.at(apr)
    left_fen = tax_fen
    for item in items:
        amount = item.rule.amount
        if amount.kind == "tax_relief":
            item.amount_fen = min(item.amount_fen, left_fen)
            left_fen -= item.amount_fen
        elif loan is not None:
            apr = max(apr - amount.apr_points, _ZERO)
            cheaper = loans.at(apr)
            assert cheaper is not None
            item.amount_fen = loan.interest_fen - cheaper.interest_fen
            loan = cheaper
    return loan, apr


def price_purchase(
    catalogue: Catalogue, ctx: QuoteContext, *, with_refusals: bool = True
) -> Priced:
    """Items, refusals, invoice, tax and loan for the car of `ctx`.

    Without `with_refusals` (the comparable petrol car) rules that cannot apply to its
    powertrain or dates are skipped and no refusal is recorded.
    """
    refused: list[Refused] | None = [] if with_refusals else None
    early, late, versions = _screen(catalogue, ctx, refused)
    price_fen = ctx.vehicle.price_fen
    sink: list[Refused] = [] if refused is None else refused
    items, more = (
        (early, [])
        if not early
        else stack(
            early,
            catalogue.caps,
            applied_before=set(),
            title_of=catalogue.title_of,
            price_fen=price_fen,
        )
    )
    sink.extend(more)
    totals: dict[str, int] = {}
    for item in items:
        totals[item.rule.category] = totals.get(item.rule.category, 0) + item.amount_fen
    invoice_fen = price_fen - totals.get("discount", 0)
    tax_fen = purchase_tax_fen(invoice_fen)
    late_items: list[Applied] = []
    loans = _Loans(ctx, invoice_fen)
    if late:
        _late_values(late, loans, tax_fen)
        for item in late:
            if item.amount_fen <= 0:
                sink.append(Refused(item.rule, reason("worth_nothing")))
        late = [i for i in late if i.amount_fen > 0]
        late_items, more = stack(
            late, (), applied_before={i.rule.rule_id for i in items}, title_of=catalogue.title_of
        )
        sink.extend(more)
    loan, apr = _apply_late(late_items, loans, tax_fen)
    for item in late_items:
        totals[item.rule.category] = totals.get(item.rule.category, 0) + item.amount_fen
    position = catalogue.position
    if late_items:
        items = sorted([*items, *late_items], key=lambda i: position(i.rule.rule_id))
    if len(sink) > 1:
        sink.sort(key=lambda r: position(r.rule.rule_id))
    tax_after_fen = tax_fen - totals.get("tax", 0)
    return Priced(
        items=tuple(items),
        refused=tuple(sink) if refused is not None else (),
        versions=tuple(versions),
        totals_fen=totals,
        price_fen=price_fen,
        invoice_fen=invoice_fen,
        tax_before_relief_fen=tax_fen,
        tax_fen=tax_after_fen,
        net_price_fen=max(invoice_fen + tax_after_fen - totals.get("trade-in", 0), 0),
        loan=loan,
        apr_pct=apr,
    )
