"""The rule catalogue in use: the packaged rules plus the versions stored since, cached.

Building a `Catalogue` means parsing every stored version and checking the whole set
(prerequisites, caps), far too slow for every quote. `OfferCatalogue` keeps the built
catalogue for the process and rebuilds it only when the stored versions change, which
it notices through a cheap stamp (count and highest id of the stored versions) read in
the caller's transaction — so a version added by another process (the CLI beside a
running server) is picked up by the next quote.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nevrural.core.offers.catalogue import Catalogue
from nevrural.core.offers.rule_parsing import parse_rule

if TYPE_CHECKING:
    from nevrural.core.offers.rules import CombinedCap, PolicyRule
    from nevrural.services.ports import PolicySource, UnitOfWork

__all__ = ["CatalogueView", "OfferCatalogue"]

PACKAGED = "packaged"


@dataclass(frozen=True, slots=True)
class CatalogueView:
    """A built catalogue, where each rule version came from, and the stamp it was built at."""

    catalogue: Catalogue
    sources: dict[tuple[str, int], str]  # (rule id, version) -> packaged, user or demo
    stamp: tuple[int, int]

    def source_of(self, rule: PolicyRule) -> str:
        """``packaged``, ``user`` or ``demo``."""
        return self.sources.get((rule.rule_id, rule.version), PACKAGED)

    def newest_version(self, rule_id: str) -> int | None:
        """The highest version of `rule_id` known (None: a new rule)."""
        try:
            return self.catalogue.versions_of(rule_id)[0].version
        except KeyError:
            return None


class OfferCatalogue:
    """The current catalogue for one process (thread-safe); see the module notes."""

    def __init__(self, source: PolicySource) -> None:
        self._source = source
        self._lock = threading.Lock()
        self._view: CatalogueView | None = None

    def packaged(self) -> tuple[tuple[PolicyRule, ...], tuple[CombinedCap, ...]]:
        """The packaged rules and caps."""
        return self._source.load()

    def current(self, uow: UnitOfWork) -> CatalogueView:
        """The catalogue as of `uow`'s transaction (rebuilt when versions were added)."""
        stamp = uow.policies.stamp()
        view = self._view
        if view is not None and view.stamp == stamp:
            return view
        with self._lock:
            view = self._view
            if view is None or view.stamp != stamp:
                view = self._build(uow, stamp)
                self._view = view
            return view

    def invalidate(self) -> None:
        """Forget the built catalogue (after adding versions)."""
        with self._lock:
            self._view = None

    def _build(self, uow: UnitOfWork, stamp: tuple[int, int]) -> CatalogueView:
        rules, caps = self._source.load()
        stored = uow.policies.list()
        added = [parse_rule(r.body, f"policy_rule_versions[{r.id}]") for r in stored]
        sources = {(r.rule_id, r.version): r.source for r in stored}
        return CatalogueView(Catalogue([*rules, *added], caps), sources, stamp)
