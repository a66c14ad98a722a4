"""The rule catalogue: every version of every rule, the combined caps, checked once.

Which version applies
    For a purchase date, the highest version of a rule whose effective dates contain
    that date. A version published later with an earlier ``effective_from`` therefore
    replaces the old one for past dates: that is a retroactive change.

Order
    Rules are evaluated national first, then province, prefecture and county, each
    level in file order, with prerequisites before the rules that need them (a stable
    topological order). Reductions by caps take the last rules in this order first,
    so local and enterprise top-ups are cut before national subsidies.

The catalogue validates on construction: versions unique, prerequisites known and
acyclic, caps naming known rules, and no rule whose amount is known early (price
cuts) requiring one known only later (tax relief, loan interest).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

    from nevrural.core.offers.rules import CombinedCap, PolicyRule

__all__ = ["Catalogue", "CatalogueError"]

_LEVEL_RANK = {"national": 0, "province": 1, "prefecture": 2, "county": 3}


def _allows(rule: PolicyRule, powertrain: str) -> bool:
    """Whether `rule`'s conditions admit a new car with `powertrain`."""
    allowed = rule.conditions.powertrains
    return allowed is None or powertrain in allowed


class CatalogueError(ValueError):
    """The rules do not form a consistent catalogue; the message names the rule."""


class Catalogue:
    """Rule versions and caps, indexed by rule id and by the buyer's county.

    >>> from nevrural.core.offers.rule_parsing import parse_rule
    >>> def rule(version, start):
    ...     return parse_rule({"id": "a", "version": version, "title_zh": "甲", "title_en": "A",
    ...         "category": "discount", "funded_by": "enterprise", "jurisdiction": "130000",
    ...         "citation": {"issuer": "x", "document": "y", "date": "2025-01-01"},
    ...         "effective_from": start, "amount": {"kind": "fixed", "cny": "100"}})
    >>> from datetime import date
    >>> catalogue = Catalogue([rule(1, "2025-01-01"), rule(2, "2025-06-01")], [])
    >>> [catalogue.rule_at("a", date(2025, m, 1)).version for m in (3, 7)]
    [1, 2]
    >>> len(catalogue.for_county("130123")), len(catalogue.for_county("410102"))
    (1, 0)
    """

    def __init__(self, rules: Iterable[PolicyRule], caps: Iterable[CombinedCap]) -> None:
        versions: dict[str, list[PolicyRule]] = {}
        for rule in rules:
            same = versions.setdefault(rule.rule_id, [])
            if any(v.version == rule.version for v in same):
                raise CatalogueError(f"rule {rule.rule_id} has version {rule.version} twice")
            same.append(rule)
        self._versions = {
            rule_id: tuple(sorted(same, key=lambda r: -r.version))
            for rule_id, same in versions.items()
        }
        self._caps = tuple(caps)
        self._order = self._ordered()
        self._position = {rule_id: n for n, rule_id in enumerate(self._order)}
        self._check_caps()
        self._check_groups()
        self._by_county: dict[tuple[str, str | None], tuple[tuple[PolicyRule, ...], ...]] = {}

    def _ordered(self) -> tuple[str, ...]:
        """Rule ids by level, file order, prerequisites first; refuses cycles."""
        ids = sorted(
            self._versions,
            key=lambda i: _LEVEL_RANK[self._versions[i][0].jurisdiction.level],
        )
        done: dict[str, bool] = {}
        order: list[str] = []

        def visit(rule_id: str, path: tuple[str, ...]) -> None:
            if done.get(rule_id):
                return
            if rule_id in path:
                raise CatalogueError(f"prerequisites form a cycle: {' -> '.join((*path, rule_id))}")
            latest = self._versions[rule_id][0]
            for rule in self._versions[rule_id]:
                for needed in rule.prerequisites:
                    if needed not in self._versions:
                        raise CatalogueError(f"rule {rule_id} requires unknown rule {needed}")
                    if not rule.is_late and self._versions[needed][0].is_late:
                        raise CatalogueError(
                            f"rule {rule_id} cuts the price but requires {needed},"
                            " whose amount is known only after the price"
                        )
                    visit(needed, (*path, rule_id))
            done[rule_id] = True
            order.append(latest.rule_id)

        for rule_id in ids:
            visit(rule_id, ())
        return tuple(order)

    def _check_caps(self) -> None:
        """Caps name known rules, once each, and never tax reliefs or loan offers
        (those are bounded by the tax and the interest themselves)."""
        seen: set[str] = set()
        for cap in self._caps:
            if cap.cap_id in seen:
                raise CatalogueError(f"cap {cap.cap_id} is defined twice")
            seen.add(cap.cap_id)
            unknown = sorted(cap.rule_ids - set(self._versions))
            if unknown:
                raise CatalogueError(f"cap {cap.cap_id} names unknown rule {unknown[0]}")
            late = sorted(rule_id for rule_id in cap.rule_ids if self._versions[rule_id][0].is_late)
            if late or cap.categories & {"tax", "finance"}:
                raise CatalogueError(
                    f"cap {cap.cap_id} counts tax relief or loan offers, which caps cannot"
                )

    def _check_groups(self) -> None:
        """An exclusivity group holds only price cuts or only tax/loan offers: the two
        are stacked in turn (the second needs the invoice the first makes)."""
        kinds: dict[str, set[bool]] = {}
        for versions in self._versions.values():
            for rule in versions:
                if rule.exclusivity_group is not None:
                    kinds.setdefault(rule.exclusivity_group, set()).add(rule.is_late)
        mixed = sorted(group for group, late in kinds.items() if len(late) > 1)
        if mixed:
            raise CatalogueError(
                f"exclusivity group {mixed[0]} mixes price cuts with tax relief or loan offers"
            )

    @property
    def caps(self) -> tuple[CombinedCap, ...]:
        """Combined caps, in file order."""
        return self._caps

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Every rule id in evaluation order."""
        return self._order

    def position(self, rule_id: str) -> int:
        """Place of `rule_id` in evaluation order (KeyError when unknown)."""
        return self._position[rule_id]

    def versions_of(self, rule_id: str) -> tuple[PolicyRule, ...]:
        """Every version of `rule_id`, newest first (KeyError when unknown)."""
        return self._versions[rule_id]

    def rules(self) -> tuple[PolicyRule, ...]:
        """Every version of every rule, in evaluation order, newest version first."""
        return tuple(rule for rule_id in self._order for rule in self._versions[rule_id])

    def title_of(self, rule_id: str) -> tuple[str, str]:
        """(zh, en) title of the newest version of `rule_id`."""
        latest = self._versions[rule_id][0]
        return latest.title_zh, latest.title_en

    def rule_at(self, rule_id: str, on: date) -> PolicyRule | None:
        """The version of `rule_id` that applies to purchases on `on` (None: none)."""
        for rule in self._versions[rule_id]:
            if rule.is_in_force(on):
                return rule
        return None

    def for_county(
        self, county_code: str, powertrain: str | None = None
    ) -> tuple[tuple[PolicyRule, ...], ...]:
        """Versions (newest first) of each rule some version of which covers the county
        (and, with `powertrain`, can apply to a car with that powertrain)."""
        key = (county_code, powertrain)
        cached = self._by_county.get(key)
        if cached is None:
            cached = tuple(
                versions
                for versions in (self._versions[rule_id] for rule_id in self._order)
                if any(v.jurisdiction.covers(county_code) for v in versions)
                and (powertrain is None or any(_allows(v, powertrain) for v in versions))
            )
            self._by_county[key] = cached
        return cached

    def in_force(self, on: date, county_code: str | None = None) -> tuple[PolicyRule, ...]:
        """The version of each rule in force on `on` (for one county's buyers if given)."""
        found = []
        for rule_id in self._order:
            rule = self.rule_at(rule_id, on)
            if rule is not None and (county_code is None or rule.jurisdiction.covers(county_code)):
                found.append(rule)
        return tuple(found)

    def with_rule(self, rule: PolicyRule) -> Catalogue:
        """A new catalogue with `rule` added (a new rule or a new version of one)."""
        return Catalogue([*self.rules(), rule], self._caps)
