"""Price one partition of buyers (every rule one fixed version) rule by rule.

The steps and their order are those of :mod:`~nevrural.core.offers.pricing` and
:mod:`~nevrural.core.offers.stacking`; each works on one array per rule across the
partition's buyers. Reasons are the same `Reason` values the scalar engine makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.offers.batch_loans import Loans
from nevrural.core.offers.batch_rules import Columns, early_amounts, eligible
from nevrural.core.offers.eligibility import check_conditions, not_in_force
from nevrural.core.offers.finance import Loan
from nevrural.core.offers.pricing import Priced
from nevrural.core.offers.reasons import Reason, reason
from nevrural.core.offers.stacking import PRICE_CUTS, Applied, Refused, cap_note, floor_note

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from nevrural.core.offers.catalogue import Catalogue
    from nevrural.core.offers.eligibility import QuoteContext
    from nevrural.core.offers.rules import CombinedCap, PolicyRule

__all__ = ["price_partition"]

_ZERO = Decimal(0)


@dataclass
class _Slot:
    """One rule over the partition: amounts (fen), who keeps it, and notes."""

    position: int
    rule: PolicyRule
    amount: np.ndarray
    kept: np.ndarray
    notes: list[Reason | None] | None = None

    def note(self, i: int, value: Reason) -> None:
        if self.notes is None:
            self.notes = [None] * len(self.kept)
        self.notes[i] = value


class _Refusals:
    """Refusals per buyer as (position, Refused)."""

    def __init__(self, n: int, is_on: bool) -> None:
        self.is_on = is_on
        self.by_buyer: list[list[tuple[int, Refused]]] = [[] for _ in range(n)]

    def add_shared(self, slot: _Slot, where: np.ndarray, why: Reason) -> None:
        """The same (immutable) refusal for every buyer in `where`."""
        if self.is_on and where.any():
            shared = (slot.position, Refused(slot.rule, why))
            for i in np.flatnonzero(where).tolist():
                self.by_buyer[i].append(shared)

    def add(self, slot: _Slot, where: np.ndarray, make: Callable[[int], Reason]) -> None:
        if self.is_on:
            for i in np.flatnonzero(where).tolist():
                self.by_buyer[i].append((slot.position, Refused(slot.rule, make(i))))


def _prerequisites(
    slots: list[_Slot],
    paid_before: dict[str, np.ndarray],
    refusals: _Refusals,
    title_of: Callable[[str], tuple[str, str]],
) -> None:
    paid = dict(paid_before)
    for slot in slots:
        needed = slot.rule.prerequisites
        if needed:
            missing = np.full(len(slot.kept), -1, dtype=np.int64)
            for k in reversed(range(len(needed))):
                has = paid.get(needed[k])
                missing[~has if has is not None else np.ones(len(slot.kept), bool)] = k
            drop = slot.kept & (missing >= 0)
            refusals.add(
                slot,
                drop,
                lambda i, m=missing, n=needed: reason("prerequisite", title=title_of(n[m[i]])),  # type: ignore[misc]
            )
            slot.kept &= ~drop
        paid[slot.rule.rule_id] = slot.kept.copy()


def _exclusive(slots: list[_Slot], refusals: _Refusals) -> None:
    groups: dict[str, list[_Slot]] = {}
    for slot in slots:
        if slot.rule.exclusivity_group is not None:
            groups.setdefault(slot.rule.exclusivity_group, []).append(slot)
    for members in groups.values():
        if len(members) < 2:
            continue
        worth = [
            m.amount
            + sum(
                (c.amount * c.kept for c in slots if m.rule.rule_id in c.rule.prerequisites),
                np.zeros(len(m.kept), dtype=np.int64),
            )
            for m in members
        ]
        winner = np.full(len(members[0].kept), -1, dtype=np.int64)
        best = np.zeros(len(members[0].kept), dtype=np.int64)
        for k, member in enumerate(members):
            better = member.kept & ((winner == -1) | (worth[k] > best))
            winner[better] = k
            best[better] = worth[k][better]
        for k, member in enumerate(members):
            lose = member.kept & (winner != k)
            refusals.add(
                member,
                lose,
                lambda i, w=winner, ms=members: reason(  # type: ignore[misc]
                    "exclusive", title=(ms[w[i]].rule.title_zh, ms[w[i]].rule.title_en)
                ),
            )
            member.kept &= ~lose


def _reduce(
    items: list[_Slot], limit: np.ndarray | int, make: Callable[[int, int], Reason]
) -> None:
    excess = sum((s.amount * s.kept for s in items), np.zeros(len(items[0].kept), np.int64)) - limit
    for slot in reversed(items):
        active = slot.kept & (excess > 0)
        if not active.any():
            continue
        cut = np.where(active, np.minimum(excess, slot.amount), 0)
        for i in np.flatnonzero(active):
            slot.note(int(i), make(int(slot.amount[i]), int(slot.amount[i] - cut[i])))
        slot.amount = slot.amount - cut
        excess = excess - cut


def _stack(
    slots: list[_Slot],
    caps: Sequence[CombinedCap],
    paid_before: dict[str, np.ndarray],
    refusals: _Refusals,
    title_of: Callable[[str], tuple[str, str]],
    price_fen: np.ndarray | None,
) -> None:
    if any(s.rule.exclusivity_group is not None or s.rule.prerequisites for s in slots):
        _prerequisites(slots, paid_before, refusals, title_of)
        _exclusive(slots, refusals)
        _prerequisites(slots, paid_before, refusals, title_of)
    for cap in caps:
        members = [s for s in slots if cap.counts(s.rule)]
        if members:
            _reduce(members, cap.cap_fen, cap_note(cap))
    cuts = [s for s in slots if s.rule.category in PRICE_CUTS]
    if price_fen is not None and cuts:
        _reduce(
            cuts,
            price_fen,
            floor_note,
        )


class _Finance:
    """The partition's financed buyers: their loans and the APR reached so far."""

    def __init__(
        self, contexts: Sequence[QuoteContext], cols: Columns, invoice: np.ndarray
    ) -> None:
        index = np.flatnonzero(cols.has_finance)
        finances = [contexts[i].request.finance for i in index.tolist()]
        self.loans = Loans(
            invoice,
            [f.down_payment_pct for f in finances if f is not None],
            cols.term[index].astype(np.int64),
            index,
        )
        self.index = index
        self.apr: list[Decimal] = [f.apr_pct for f in finances if f is not None]
        self.payment, self.interest = self.loans.interest(self.apr)

    def saving(self, points: Decimal, where: np.ndarray) -> np.ndarray:
        """Interest saved alone by `points` off each buyer's APR, where `where` holds."""
        values = np.zeros(len(where), dtype=np.int64)
        lower = [max(apr - points, _ZERO) for apr in self.apr]
        _, interest = self.loans.interest(lower)
        values[self.index] = np.where(where[self.index], self.interest - interest, 0)
        return values

    def apply(self, points: Decimal, where: np.ndarray) -> np.ndarray:
        """Take `points` off the APR reached where `where` holds; the interest saved."""
        on = where[self.index]
        values = np.zeros(len(where), dtype=np.int64)
        if not on.any():
            return values
        apr = [
            max(a - points, _ZERO) if o else a for a, o in zip(self.apr, on.tolist(), strict=True)
        ]
        payment, interest = self.loans.interest(apr)
        values[self.index] = np.where(on, self.interest - interest, 0)
        self.apr = apr
        self.payment = np.where(on, payment, self.payment)
        self.interest = np.where(on, interest, self.interest)
        return values


def _late_values(slot: _Slot, ok: np.ndarray, tax: np.ndarray, finance: _Finance) -> np.ndarray:
    amount = slot.rule.amount
    if amount.kind == "tax_relief":
        numerator, denominator = amount.share.as_integer_ratio()
        quotient, remainder = np.divmod(tax * numerator, denominator)
        values = quotient + (2 * remainder >= denominator)
        return values if amount.cap_fen is None else np.minimum(values, amount.cap_fen)
    return finance.saving(amount.apr_points, ok)


def _apply_late(late: list[_Slot], tax: np.ndarray, finance: _Finance) -> None:
    """Reliefs and loan offers in order, each on what the earlier ones left."""
    left = tax.copy()
    for slot in late:
        if slot.rule.amount.kind == "tax_relief":
            slot.amount = np.where(slot.kept, np.minimum(slot.amount, left), slot.amount)
            left = left - np.where(slot.kept, slot.amount, 0)
        else:
            saved = finance.apply(slot.rule.amount.apr_points, slot.kept)
            slot.amount = np.where(slot.kept, saved, slot.amount)


def _screen(
    catalogue: Catalogue,
    cols: Columns,
    slots: Sequence[tuple[str, tuple[PolicyRule, ...], int]],
    refusals: _Refusals,
) -> tuple[list[_Slot], list[_Slot], list[tuple[str, int]]]:
    contexts = cols.contexts
    early: list[_Slot] = []
    late: list[_Slot] = []
    versions: list[tuple[str, int]] = []
    for rule_id, rule_versions, k in slots:
        position = catalogue.position(rule_id)
        rule = rule_versions[k] if k >= 0 else rule_versions[-2 - k]
        versions.append((rule.rule_id, rule.version))
        slot = _Slot(position, rule, np.zeros(cols.n, np.int64), np.zeros(cols.n, bool))
        if k < 0:
            if refusals.is_on:  # one (immutable) refusal per purchase date, shared
                template = not_in_force(rule, "")
                by_day: dict[object, tuple[int, Refused]] = {}
                for i, ctx in enumerate(contexts):
                    on = ctx.request.purchase_date
                    found = by_day.get(on)
                    if found is None:
                        why = Reason(template.code, {**template.params, "on": on.isoformat()})
                        found = by_day[on] = (position, Refused(rule, why))
                    refusals.by_buyer[i].append(found)
            continue
        ok = eligible(rule, cols)
        refusals.add(slot, ~ok, lambda i, r=rule: check_conditions(r, contexts[i]))  # type: ignore[misc,arg-type]
        if rule.is_late:
            slot.kept = ok
            late.append(slot)
            continue
        slot.amount = np.where(ok, early_amounts(rule, cols, ok), 0)
        slot.kept = ok & (slot.amount > 0)
        refusals.add_shared(slot, ok & ~slot.kept, reason("worth_nothing"))
        early.append(slot)
    return early, late, versions


def price_partition(
    catalogue: Catalogue,
    cols: Columns,
    slots: Sequence[tuple[str, tuple[PolicyRule, ...], int]],
    *,
    with_refusals: bool,
) -> list[Priced]:
    """`price_purchase` of each buyer of `cols`; `slots` are the rules with their
    version index (``-2 - k``: version ``k`` refused for its dates), in catalogue order."""
    contexts = cols.contexts
    refusals = _Refusals(cols.n, with_refusals)
    early, late, versions = _screen(catalogue, cols, slots, refusals)
    _stack(early, catalogue.caps, {}, refusals, catalogue.title_of, cols.price_fen)
    discount = sum(
        (s.amount * s.kept for s in early if s.rule.category == "discount"),
        np.zeros(cols.n, np.int64),
    )
    invoice = cols.price_fen - discount
    quotient, remainder = np.divmod(invoice * 10, 113)
    tax = quotient + (2 * remainder >= 113)
    finance = _Finance(contexts, cols, invoice)
    for slot in late:
        ok = slot.kept
        slot.amount = np.where(ok, _late_values(slot, ok, tax, finance), 0)
        slot.kept = ok & (slot.amount > 0)
        refusals.add_shared(slot, ok & ~slot.kept, reason("worth_nothing"))
    paid = {s.rule.rule_id: s.kept.copy() for s in early}
    _stack(late, (), paid, refusals, catalogue.title_of, None)
    _apply_late(late, tax, finance)
    return _assemble_all(contexts, early, late, versions, refusals, invoice, tax, finance)


def _assemble_all(
    contexts: Sequence[QuoteContext],
    early: list[_Slot],
    late: list[_Slot],
    versions: list[tuple[str, int]],
    refusals: _Refusals,
    invoice: np.ndarray,
    tax: np.ndarray,
    finance: _Finance,
) -> list[Priced]:
    """One `Priced` per buyer from the arrays (read as lists: far faster per item)."""
    rows = [
        (s.position, s.rule, s.rule.category, s.kept.tolist(), s.amount.tolist(), s.notes)
        for s in [*early, *late]
    ]
    loans: list[Loan | None] = [None] * len(contexts)
    aprs: list[Decimal] = [_ZERO] * len(contexts)
    plan = finance.loans
    for k, (i, down, principal, payment, term) in enumerate(
        zip(
            finance.index.tolist(),
            plan.down.tolist(),
            plan.principal.tolist(),
            finance.payment.tolist(),
            plan.term.tolist(),
            strict=True,
        )
    ):
        aprs[i] = finance.apr[k]
        loans[i] = Loan(down, principal, payment, term, finance.apr[k])
    version_tuple = tuple(versions)
    is_mixed = bool(late)
    found = []
    for i, (invoice_fen, tax_fen) in enumerate(zip(invoice.tolist(), tax.tolist(), strict=True)):
        items: list[tuple[int, Applied]] = []
        totals: dict[str, int] = {}
        for position, rule, category, kept, amounts, notes in rows:
            if kept[i]:
                amount = amounts[i]
                items.append((position, Applied(rule, amount, None if notes is None else notes[i])))
                totals[category] = totals.get(category, 0) + amount
        if is_mixed:
            items.sort(key=_first)
        refused = refusals.by_buyer[i]
        if len(refused) > 1:
            refused.sort(key=_first)
        tax_after = tax_fen - totals.get("tax", 0)
        found.append(
            Priced(
                tuple(item for _, item in items),
                tuple(r for _, r in refused),
                version_tuple,
                totals,
                invoice_fen + totals.get("discount", 0),
                invoice_fen,
                tax_fen,
                tax_after,
                max(invoice_fen + tax_after - totals.get("trade-in", 0), 0),
                loans[i],
                aprs[i],
            )
        )
    return found


def _first(pair: tuple[int, object]) -> int:
    return pair[0]
