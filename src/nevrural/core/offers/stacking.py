"""Stacking: exclusivity, prerequisites, combined caps and the price floor, in one place.

Given the rules a buyer is eligible for and what each is worth alone (fen),
`stack` decides what is paid:

0. **Prerequisites that cannot hold.** A rule requiring one that is not eligible
   leaves before anything else (so it never wins an exclusivity group).
1. **Exclusivity.** Of the rules sharing an exclusivity group only one applies: the
   one worth most *together with the eligible rules that require it* (so a smaller
   national subsidy with a large local top-up beats a larger one without); ties go
   to the earlier rule in catalogue order. The others are refused naming the winner.
2. **Prerequisites.** A rule applies only if every rule it requires applies (in this
   stage or an earlier one); catalogue order puts prerequisites first, so one pass
   settles chains.
3. **Combined caps.** For each cap, in file order, the rules it counts may together
   pay at most the cap; the excess is taken from the last rules in catalogue order.
4. **Price floor** (``price_fen`` given): price cuts (discounts and trade-in
   subsidies) never exceed the price, so the net price is never negative.

Every reduction leaves a `Reason` on the item; every refusal one on the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from nevrural.core.offers.money import cny_of
from nevrural.core.offers.reasons import Reason, reason

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from nevrural.core.offers.rules import CombinedCap, PolicyRule

__all__ = ["PRICE_CUTS", "Applied", "Refused", "cap_note", "floor_note", "stack"]

PRICE_CUTS = frozenset({"discount", "trade-in"})


@dataclass(slots=True)
class Applied:
    """A rule that pays: its amount (fen) and why it was reduced, if it was."""

    rule: PolicyRule
    amount_fen: int
    note: Reason | None = None


class Refused(NamedTuple):
    """A rule that does not pay, and why."""

    rule: PolicyRule
    reason: Reason


def _exclusive(candidates: Sequence[Applied], refused: list[Refused]) -> list[Applied]:
    groups: dict[str, list[Applied]] = {}
    for item in candidates:
        if item.rule.exclusivity_group is not None:
            groups.setdefault(item.rule.exclusivity_group, []).append(item)
    if not groups:
        return list(candidates)
    losers: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        worth = {
            id(m): m.amount_fen
            + sum(c.amount_fen for c in candidates if m.rule.rule_id in c.rule.prerequisites)
            for m in members
        }
        winner = members[0]
        for member in members[1:]:
            if worth[id(member)] > worth[id(winner)]:
                winner = member
        for member in members:
            if member is not winner:
                losers.add(id(member))
                note = reason("exclusive", title=(winner.rule.title_zh, winner.rule.title_en))
                refused.append(Refused(member.rule, note))
    return [c for c in candidates if id(c) not in losers]


def _prerequisites(
    candidates: Sequence[Applied],
    applied_before: set[str],
    refused: list[Refused],
    title_of: Callable[[str], tuple[str, str]],
) -> list[Applied]:
    paid = set(applied_before)
    kept = []
    for item in candidates:
        missing = [r for r in item.rule.prerequisites if r not in paid]
        if missing:
            refused.append(Refused(item.rule, reason("prerequisite", title=title_of(missing[0]))))
            continue
        paid.add(item.rule.rule_id)
        kept.append(item)
    return kept


def _reduce(
    items: Sequence[Applied], limit_fen: int, make_note: Callable[[int, int], Reason]
) -> None:
    """Cut the last items first until their total is at most `limit_fen`."""
    excess = sum(i.amount_fen for i in items) - limit_fen
    for item in reversed(items):
        if excess <= 0:
            return
        cut = min(excess, item.amount_fen)
        before = item.amount_fen
        item.amount_fen -= cut
        item.note = make_note(before, item.amount_fen)
        excess -= cut


def cap_note(cap: CombinedCap) -> Callable[[int, int], Reason]:
    """The note on an item `cap` reduced from ``before`` to ``after`` fen."""

    def note(before: int, after: int) -> Reason:
        return reason(
            "capped",
            title=(cap.title_zh, cap.title_en),
            limit=cny_of(cap.cap_fen),
            before=cny_of(before),
            after=cny_of(after),
        )

    return note


def floor_note(before: int, after: int) -> Reason:
    """The note on an item the price floor reduced from ``before`` to ``after`` fen."""
    return reason("price_floor", before=cny_of(before), after=cny_of(after))


def _caps(items: list[Applied], caps: Sequence[CombinedCap]) -> None:
    for cap in caps:
        _reduce([i for i in items if cap.counts(i.rule)], cap.cap_fen, cap_note(cap))


def stack(
    candidates: Sequence[Applied],
    caps: Sequence[CombinedCap],
    *,
    applied_before: set[str],
    title_of: Callable[[str], tuple[str, str]],
    price_fen: int | None = None,
) -> tuple[list[Applied], list[Refused]]:
    """What pays of `candidates` (eligible, in catalogue order), and what is refused.

    Items reduced to 0 by a cap stay in the list with their note (the buyer sees
    that the cap took them); `applied_before` names rules paid in an earlier stage.
    """
    refused: list[Refused] = []
    if any(c.rule.exclusivity_group is not None or c.rule.prerequisites for c in candidates):
        # Rules whose prerequisites cannot apply at all leave first, so that they never
        # win a group; the group's losers may then take their dependants with them.
        items = _prerequisites(candidates, applied_before, refused, title_of)
        items = _exclusive(items, refused)
        items = _prerequisites(items, applied_before, refused, title_of)
    else:
        items = list(candidates)
    if caps:
        _caps(items, caps)
    if price_fen is not None:
        cuts = [i for i in items if i.rule.category in PRICE_CUTS]
        if sum(i.amount_fen for i in cuts) <= price_fen:
            return items, refused
        _reduce(
            cuts,
            price_fen,
            floor_note,
        )
    return items, refused
