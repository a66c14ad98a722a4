"""The overview page at ``/``: the campaign, the atlas and where to go next."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from nevrural import __version__
from nevrural.core.atlas.indicators import INDICATORS
from nevrural.interfaces.api.deps import ContainerDep
from nevrural.services.atlas_query import atlas_stats
from nevrural.services.campaigns import list_campaigns
from nevrural.services.events_plan import KIND as EVENTS_KIND
from nevrural.services.linkage import latest_demo_linkage
from nevrural.services.offer_overview import offer_overview
from nevrural.services.scenarios import latest_demo_scenario
from nevrural.services.siting import latest_demo_siting
from nevrural.services.targeting import latest_demo_shortlist

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, container: ContainerDep) -> HTMLResponse:
    """Overview of the demo campaign and the atlas (zh-CN first, English beside)."""
    stats = atlas_stats(container.uow)
    return _templates.TemplateResponse(
        request,
        "overview.html",
        {
            "stats": stats,
            "campaigns": list_campaigns(container.uow),
            "shortlist": latest_demo_shortlist(container.uow),
            "linkage": latest_demo_linkage(container.uow),
            "charging": latest_demo_siting(container.uow, "charging"),
            "repair": latest_demo_siting(container.uow, "repair"),
            "events": latest_demo_scenario(container.uow, EVENTS_KIND),
            "offers": offer_overview(container.uow, container.offers, dt.date.today()),
            "specs": INDICATORS,
            "database": container.database_backend,
            "version": __version__,
        },
    )
