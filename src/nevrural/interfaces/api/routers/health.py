"""``/healthz``: liveness with a database round trip."""

from __future__ import annotations

from fastapi import APIRouter

from nevrural import __version__
from nevrural.interfaces.api.deps import ContainerDep
from nevrural.interfaces.api.schemas import HealthRead
from nevrural.services.atlas_query import atlas_stats

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthRead)
def healthz(container: ContainerDep) -> HealthRead:
    """``ok`` when the process runs and the database answers."""
    atlas_stats(container.uow)
    return HealthRead(status="ok", database=container.database_backend, version=__version__)
