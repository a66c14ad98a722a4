"""Names the service pages show beside ids: models, dealers, campaign events, counties.

All are public business facts (any signed-in caller reads them through the catalogue use
cases). Campaign events have no list use case yet, so the two reads here take them from
the catalogue repository in one unit of work each, as the order use case does when it
checks an ``event_id``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.services.chain_catalogue import get_enterprise, list_models
from nevrural.services.chain_errors import ChainNotFoundError
from nevrural.services.targeting import latest_demo_shortlist

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nevrural.bootstrap import Container
    from nevrural.services.chain_catalogue_ports import SalesEventRecord
    from nevrural.services.chain_context import ChainContext

__all__ = [
    "county_names",
    "enterprises_by_id",
    "events_by_id",
    "events_in_counties",
    "models_by_id",
]

_EVENTS_PER_COUNTY = 50


def models_by_id(ctx: ChainContext) -> dict[int, dict[str, Any]]:
    """Every vehicle model by id."""
    return {m["id"]: m for m in list_models(ctx)}


def enterprises_by_id(ctx: ChainContext, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The enterprises of ``ids`` that exist, by id."""
    found = {}
    for enterprise_id in sorted(set(ids)):
        try:
            found[enterprise_id] = get_enterprise(ctx, enterprise_id)
        except ChainNotFoundError:
            continue
    return found


def _event_view(event: SalesEventRecord) -> dict[str, Any]:
    return {
        "id": event.id,
        "county_code": event.county_code,
        "venue_zh": event.venue_zh,
        "held_on": event.held_on.isoformat(),
    }


def events_by_id(ctx: ChainContext, ids: Iterable[int | None]) -> dict[int, dict[str, Any]]:
    """The campaign events of ``ids`` (None skipped), by id."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    with ctx.uow_factory() as uow:
        events = [uow.catalogue.event(i) for i in wanted]
    return {e.id: _event_view(e) for e in events if e is not None}


def events_in_counties(ctx: ChainContext, counties: Iterable[str]) -> list[dict[str, Any]]:
    """Campaign events held in ``counties``, by day then venue."""
    codes = sorted(set(counties))
    with ctx.uow_factory() as uow:
        events = [e for c in codes for e in uow.catalogue.events(c, limit=_EVENTS_PER_COUNTY)]
    unique = {e.id: e for e in events if e.county_code in codes}
    ordered = sorted(unique.values(), key=lambda e: (e.held_on, e.venue_zh, e.id))
    return [_event_view(e) for e in ordered]


def county_names(container: Container) -> dict[str, str]:
    """Names of the demo's shortlisted counties by code (others are shown by code)."""
    shortlist = latest_demo_shortlist(container.uow)
    rows = shortlist.result["selected"] if shortlist is not None else []
    return {row["code"]: row["name"] for row in rows}
