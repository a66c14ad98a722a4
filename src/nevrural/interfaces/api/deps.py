"""Dependencies shared by the routers (``Annotated`` style)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Path, Request
from pydantic import Field

from nevrural.bootstrap import Container
from nevrural.services.offer_catalogue import OfferCatalogue
from nevrural.services.ports import UnitOfWork

__all__ = [
    "MAX_ID",
    "ContainerDep",
    "OffersDep",
    "PathId",
    "RecordId",
    "UowFactoryDep",
]

MAX_ID = 2**31 - 1  # ids are 32-bit integers on every backend


def get_container(request: Request) -> Container:
    """The container the app was created with."""
    container: Container = request.app.state.container
    return container


def get_uow_factory(request: Request) -> Callable[[], UnitOfWork]:
    """A factory of units of work."""
    return get_container(request).uow


def get_offers(request: Request) -> OfferCatalogue:
    """The process's offer catalogue (packaged rules plus stored versions, cached)."""
    return get_container(request).offers


ContainerDep = Annotated[Container, Depends(get_container)]
UowFactoryDep = Annotated[Callable[[], UnitOfWork], Depends(get_uow_factory)]
OffersDep = Annotated[OfferCatalogue, Depends(get_offers)]

# A record id in a path or a body: larger numbers are refused (422) before reaching the
# database.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
