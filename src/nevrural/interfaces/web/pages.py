"""The pages: wiring (``register_web``), the organiser's overview and the atlas map.

``register_web(app)`` adds, in order: the sign-in pages, the pages of this module, those
of ``pages_planning`` and ``pages_service`` (each module's ``router``, when the module
exists), the static files, and the handlers that turn ``SignInRequired`` into a redirect
to ``/sign-in?next=…`` and ``WebForbidden`` into a 403 page.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
import time
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Query, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from nevrural.core.atlas.divisions import Level
from nevrural.core.service.principal import Principal, Role
from nevrural.interfaces.api.deps import ContainerDep, UowFactoryDep
from nevrural.interfaces.web import sign_in
from nevrural.interfaces.web.assets import find_node_modules, mount_static
from nevrural.interfaces.web.i18n import catalogues
from nevrural.interfaces.web.session import (
    TOKEN_COOKIE,
    OptionalWebCallerDep,
    OrganiserDep,
    SignInRequired,
    WebForbidden,
    home_of,
)
from nevrural.interfaces.web.templating import render
from nevrural.services.atlas_query import list_divisions
from nevrural.services.campaign_overview import campaign_overview
from nevrural.services.county_map import MAP_HORIZON_YEARS, county_map_values

__all__ = ["register_web", "router"]

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

# The other areas' page modules, included when present.
AREA_MODULES = ("nevrural.interfaces.web.pages_planning", "nevrural.interfaces.web.pages_service")
ATLAS_INDICATORS = ("penetration", "potential", "score")
# Texts the atlas script writes (rendered into the page in its language).
ATLAS_SCRIPT_MESSAGES = (
    "atlas.loading",
    "atlas.loading_townships",
    "atlas.error",
    "atlas.no_echarts",
    "atlas.nation",
    "atlas.choose_county",
    "atlas.map_label",
    *(f"atlas.indicator.{key}" for key in ATLAS_INDICATORS),
    "atlas.unit.vehicles",
    "atlas.unit.persons",
    "atlas.unit.households",
    "atlas.unit.points",
    *(f"atlas.winter_class.{n}" for n in range(1, 6)),
    "atlas.shortlisted",
    "atlas.not_shortlisted",
    "atlas.townships",
    "atlas.townships_approx",
    "atlas.indicators",
    "atlas.source_modelled",
    "atlas.side.counties",
    "atlas.side.shortlisted",
    "atlas.side.top",
    "atlas.side_hint",
    "atlas.side_hint_province",
)
_MAP_CACHE_S = 600.0  # the county map values change only with an atlas import
_map_lock = threading.Lock()


# Visitors who are not signed in see the national campaign's aggregate figures: counts
# and sums only, no record of any tenant (the campaign's public summary).
_PUBLIC_SUMMARY = Principal(role=Role.ORGANISER, scope_code="000000")


@router.get("/", response_class=HTMLResponse, response_model=None)
def overview(request: Request, container: ContainerDep, caller: OptionalWebCallerDep) -> Response:
    """The organiser's dashboard of their jurisdiction; the national summary when signed
    out; enterprises and buyers go to their home page."""
    if caller is None:
        figures = campaign_overview(container.chain, _PUBLIC_SUMMARY)
        return render(request, "overview.html", {"o": figures, "public": True})
    if caller.principal.role is not Role.ORGANISER:
        return RedirectResponse(home_of(caller.principal.role), status.HTTP_303_SEE_OTHER)
    figures = campaign_overview(container.chain, caller.principal)
    return render(request, "overview.html", {"o": figures, "public": False}, caller=caller)


@router.get("/atlas", response_class=HTMLResponse)
def atlas(request: Request, uow_factory: UowFactoryDep, caller: OrganiserDep) -> HTMLResponse:
    """The atlas map: counties coloured by an indicator, province → county → townships."""
    context = {
        "provinces": list_divisions(uow_factory, Level.PROVINCE, None),
        "indicators": ATLAS_INDICATORS,
        "horizon_years": f"{MAP_HORIZON_YEARS:g}",
        "js_messages": ATLAS_SCRIPT_MESSAGES,
    }
    return render(request, "atlas.html", context, caller=caller)


def _cached_map_values(request: Request, uow_factory: UowFactoryDep) -> dict[str, Any]:
    """The county map values, computed at most every ``_MAP_CACHE_S`` per process."""
    state = request.app.state
    with _map_lock:
        cached = getattr(state, "county_map_cache", None)
        if cached is not None and time.monotonic() - cached[0] < _MAP_CACHE_S:
            values: dict[str, Any] = cached[1]
            return values
        values = county_map_values(uow_factory)
        state.county_map_cache = (time.monotonic(), values)
        return values


@router.get("/atlas/county-values.json")
def atlas_county_values(
    request: Request,
    uow_factory: UowFactoryDep,
    caller: OrganiserDep,
    province: Annotated[str | None, Query(pattern=r"^[0-9]{2}0000$")] = None,
) -> JSONResponse:
    """Penetration, potential and score per county (of a province) for the atlas map."""
    del caller
    values = _cached_map_values(request, uow_factory)
    counties = values["counties"]
    if province is not None:
        counties = {c: v for c, v in counties.items() if v["province_code"] == province}
    body = {k: v for k, v in values.items() if k != "counties"} | {"counties": counties}
    return JSONResponse(body, headers={"Cache-Control": "private, max-age=300"})


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def _on_sign_in_required(request: Request, exc: Exception) -> Response:
    """Send the browser to the sign-in form, to come back afterwards."""
    next_path = exc.next_path if isinstance(exc, SignInRequired) else request.url.path
    target = f"/sign-in?next={quote(next_path, safe='/')}"
    response: Response
    if request.headers.get("HX-Request") == "true":
        response = Response(status_code=status.HTTP_204_NO_CONTENT, headers={"HX-Redirect": target})
    elif _wants_json(request):
        response = JSONResponse(
            {"detail": "sign in first", "sign_in": target}, status.HTTP_401_UNAUTHORIZED
        )
    else:
        response = RedirectResponse(target, status.HTTP_303_SEE_OTHER)
    if TOKEN_COOKIE in request.cookies:  # expired or forged: forget it
        response.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="lax")
    return response


async def _on_forbidden(request: Request, exc: Exception) -> Response:
    """A page another role may see: 403 with a link home."""
    del exc
    return render(request, "error.html", {"code": 403}, status_code=status.HTTP_403_FORBIDDEN)


def _area_routers() -> list[APIRouter]:
    """The routers of the other areas' page modules that exist."""
    routers = []
    for name in AREA_MODULES:
        if importlib.util.find_spec(name) is not None:
            routers.append(importlib.import_module(name).router)
    return routers


def register_web(app: FastAPI) -> None:
    """Add the pages, static files and sign-in handling to ``app`` (after the API)."""
    catalogues()  # a broken or duplicated message fails at start, not on a page
    app.include_router(sign_in.router)
    app.include_router(router)
    for area_router in _area_routers():
        app.include_router(area_router)
    settings = app.state.container.settings
    mount_static(app, find_node_modules(settings.node_modules_dir))
    app.add_exception_handler(SignInRequired, _on_sign_in_required)
    app.add_exception_handler(WebForbidden, _on_forbidden)
