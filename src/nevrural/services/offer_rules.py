"""Use case: the rules in force on a date, for a region, with their citations.

A region is a province, prefecture or county code. A rule is listed when its
jurisdiction covers the region (the nation, the region's province, ...) or lies
inside it (a county rule when the region is its province), so an organiser of a
province sees every offer its buyers may meet. Without a date, the newest version of
every rule is listed, whatever its dates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.offers.rules import Jurisdiction
from nevrural.services.offer_views import render_rule

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from nevrural.core.offers.rules import PolicyRule
    from nevrural.services.offer_catalogue import OfferCatalogue
    from nevrural.services.ports import UnitOfWork

__all__ = ["list_rules"]


def _region_prefix(uow: UnitOfWork, region: str) -> str:
    if region == "national":
        raise ValueError("region must be a six-digit division code; omit it for every rule")
    try:
        prefix = Jurisdiction.parse(region).prefix
    except ValueError as error:
        raise ValueError(f"region: {error}") from None
    if uow.atlas.get_division(region) is None:
        raise ValueError(f"region: no division has code {region}")
    return prefix


def _touches(rule: PolicyRule, prefix: str) -> bool:
    """The rule's jurisdiction covers the region or lies inside it."""
    own = rule.jurisdiction.prefix
    return prefix.startswith(own) or own.startswith(prefix)


def list_rules(
    uow_factory: Callable[[], UnitOfWork],
    offers: OfferCatalogue,
    at: dt.date | None = None,
    region: str | None = None,
) -> list[dict[str, Any]]:
    """Rules in force on `at` (newest versions when None) touching `region` (all when None)."""
    with uow_factory() as uow:
        view = offers.current(uow)
        prefix = None if region is None else _region_prefix(uow, region)
    catalogue = view.catalogue
    if at is None:
        rules = tuple(catalogue.versions_of(rule_id)[0] for rule_id in catalogue.rule_ids)
    else:
        rules = catalogue.in_force(at)
    return [
        render_rule(rule, view.source_of(rule))
        for rule in rules
        if prefix is None or _touches(rule, prefix)
    ]
