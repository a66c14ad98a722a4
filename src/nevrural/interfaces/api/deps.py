"""Dependencies shared by the routers (``Annotated`` style)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from nevrural.bootstrap import Container
from nevrural.services.offer_catalogue import OfferCatalogue
from nevrural.services.ports import UnitOfWork

__all__ = ["ContainerDep", "OffersDep", "UowFactoryDep"]


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
