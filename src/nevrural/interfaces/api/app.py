"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import FastAPI

from nevrural import __version__
from nevrural.bootstrap import Container
from nevrural.interfaces.api.routers import (
    atlas,
    campaigns,
    chain_aftersales,
    chain_auth,
    chain_catalogue,
    chain_leads,
    chain_orders,
    claims,
    divisions,
    events,
    health,
    linkage,
    policies,
    quotes,
    siting,
    targeting,
)
from nevrural.interfaces.web.pages import register_web

__all__ = ["create_app"]


def create_app(container: Container) -> FastAPI:
    """An app serving the API under ``/api/v1``, ``/healthz`` and the pages, on ``container``."""
    app = FastAPI(
        title="nevrural",
        version=__version__,
        description="Planning and operations for rural NEV promotion campaigns "
        "(新能源汽车下乡). Divisions follow the Ministry of Civil Affairs codes of 2025-12-31.",
        # The bundled Swagger page loads its scripts from a CDN; the platform works
        # offline, so only the OpenAPI document is served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.container = container
    for module in (
        health,
        divisions,
        atlas,
        campaigns,
        targeting,
        linkage,
        siting,
        events,
        quotes,
        claims,
        policies,
        chain_auth,
        chain_catalogue,
        chain_orders,
        chain_leads,
        chain_aftersales,
    ):
        app.include_router(module.router)
    register_web(app)  # the pages, their static files and sign-in
    return app
