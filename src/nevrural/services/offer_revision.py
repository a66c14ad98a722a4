"""Use case: publish new rule versions and report what they change for stored quotes.

A revision is a list of rule mappings (the vocabulary of ``docs/offers.md``): new
rules, or new versions of existing ones. Each is parsed by the core (errors name the
field, ``rules[0].amount.cny``), its version must exceed every version of that rule
already known (packaged or stored), and the catalogue with all of them must stay
consistent. Only then are the versions stored — all or none, in one transaction —
and the retroactive impact computed: for every stored quote within a new version's
dates and jurisdiction, the change per rule against what was quoted (positive: a
top-up owed to the buyer; negative: a claw-back), and the change of each claim filed
on it. Stored quotes and claims are not rewritten: the impact is what the subsidy
office settles.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nevrural.core.offers.fields import FieldError
from nevrural.core.offers.money import fen_of_cny
from nevrural.core.offers.request import parse_quote_request
from nevrural.core.offers.retro import StoredQuote, retro_impact
from nevrural.core.offers.rule_parsing import parse_rule
from nevrural.services.offer_views import money, render_change, render_rule

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from nevrural.core.offers.catalogue import Catalogue
    from nevrural.core.offers.retro import QuoteChange
    from nevrural.core.offers.rules import PolicyRule
    from nevrural.services.offer_catalogue import CatalogueView, OfferCatalogue
    from nevrural.services.ports import UnitOfWork

__all__ = ["add_rule_versions", "revise_rules"]

_ZERO = Decimal(0)


def add_rule_versions(
    uow: UnitOfWork, view: CatalogueView, mappings: Sequence[object], source: str
) -> tuple[Catalogue, tuple[PolicyRule, ...]]:
    """Check and add the versions to `uow` (not committed); the catalogue with them.

    FieldError names the first bad field, or the version that is not new; a
    ``CatalogueError`` (ValueError) names the rule that breaks the catalogue.
    """
    if not mappings:
        raise FieldError("rules", "needs at least one rule version")
    catalogue = view.catalogue
    rules: list[PolicyRule] = []
    for i, mapping in enumerate(mappings):
        rule = parse_rule(mapping, f"rules[{i}]")
        known = [r.version for r in rules if r.rule_id == rule.rule_id]
        newest = max([*known, view.newest_version(rule.rule_id) or 0])
        if rule.version <= newest:
            raise FieldError(
                f"rules[{i}].version",
                f"must be greater than {newest}, the newest version of {rule.rule_id};"
                f" got {rule.version}",
            )
        catalogue = catalogue.with_rule(rule)
        rules.append(rule)
    for rule, mapping in zip(rules, mappings, strict=True):
        assert isinstance(mapping, dict)  # parse_rule accepted it as a mapping
        uow.policies.add(rule.rule_id, rule.version, dict(mapping), source, rule.is_example)
    return catalogue, tuple(rules)


def _stored_quotes(uow: UnitOfWork, rules: Sequence[PolicyRule]) -> list[StoredQuote]:
    """Stored quotes within any of the rules' dates and jurisdictions, with their claims."""
    records = {
        q.id: q
        for rule in rules
        for q in uow.quotes.in_scope(
            rule.jurisdiction.prefix, rule.effective_from, rule.effective_to
        )
    }
    claims: dict[int, dict[int, tuple[str, int]]] = {}
    for claim in uow.claims.of_quotes(sorted(records)):
        claims.setdefault(claim.quote_id, {})[claim.id] = (
            claim.rule_id,
            fen_of_cny(claim.amount_cny),
        )
    return [
        StoredQuote(
            quote_id=q.id,
            buyer_ref=q.draft.buyer_ref,
            request=parse_quote_request(q.draft.request),
            amounts_fen={r: fen_of_cny(Decimal(a)) for r, a in q.draft.amounts.items()},
            net_price_fen=fen_of_cny(q.draft.net_price_cny),
            claims_fen=claims.get(q.id, {}),
        )
        for q in sorted(records.values(), key=lambda q: q.id)
    ]


def _impact(
    catalogue: Catalogue, rules: Sequence[PolicyRule], stored: Sequence[StoredQuote]
) -> list[QuoteChange]:
    """Changes of the stored quotes under `catalogue`, once per quote, by quote id."""
    changes: dict[int, QuoteChange] = {}
    for rule in rules:
        for change in retro_impact(catalogue, rule, stored):
            changes.setdefault(change.quote_id, change)
    return [changes[quote_id] for quote_id in sorted(changes)]


def render_revision(
    rules: Sequence[PolicyRule], changes: Sequence[QuoteChange], source: str
) -> dict[str, Any]:
    """The added versions, each affected quote, and the totals (CNY as text).

    ``top_up_cny`` is what buyers are owed in total, ``claw_back_cny`` what they owe
    back (both ≥ 0); ``claims_change_cny`` the net change of the filed claims.
    """
    totals = [c.total_change_cny for c in changes]
    claim_changes = [claim.change_cny for c in changes for claim in c.claims]
    return {
        "added": [render_rule(rule, source) for rule in rules],
        "quotes": [render_change(c) for c in changes],
        "totals": {
            "quotes_affected": len(changes),
            "top_up_cny": money(sum((t for t in totals if t > 0), _ZERO)),
            "claw_back_cny": money(-sum((t for t in totals if t < 0), _ZERO)),
            "claims_affected": len(claim_changes),
            "claims_change_cny": money(sum(claim_changes, _ZERO)),
        },
    }


def revise_rules(
    uow_factory: Callable[[], UnitOfWork],
    offers: OfferCatalogue,
    mappings: Sequence[object],
    *,
    source: str = "user",
) -> dict[str, Any]:
    """Store new rule versions (all or none) and return their impact on stored quotes."""
    with uow_factory() as uow:
        catalogue, rules = add_rule_versions(uow, offers.current(uow), mappings, source)
        changes = _impact(catalogue, rules, _stored_quotes(uow, rules))
        uow.commit()
    offers.invalidate()
    return render_revision(rules, changes, source)
