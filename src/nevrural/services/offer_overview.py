"""The offers at a glance for the overview page: rules by origin and one demo quote."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.offer_catalogue import OfferCatalogue
    from nevrural.services.ports import UnitOfWork

__all__ = ["offer_overview"]


def offer_overview(
    uow_factory: Callable[[], UnitOfWork], offers: OfferCatalogue, on: dt.date
) -> dict[str, Any]:
    """Rules in force on `on` (published and example), quotes stored, and the first
    quote of the demo shortlist's first county (None before the demo is seeded)."""
    with uow_factory() as uow:
        catalogue = offers.current(uow).catalogue
        shortlist = uow.scenarios.latest_demo("targeting")
        quote = None
        if shortlist is not None and shortlist.result["selected"]:
            county = shortlist.result["selected"][0]["code"]
            found = uow.quotes.in_scope(county, dt.date.min, None)
            if found:
                quote = {**found[0].draft.result, "request": found[0].draft.request}
        stored = uow.quotes.count()
    in_force = catalogue.in_force(on)
    return {
        "on": on.isoformat(),
        "published": sum(not r.is_example for r in in_force),
        "examples": sum(r.is_example for r in in_force),
        "quotes": stored,
        "quote": quote,
    }
