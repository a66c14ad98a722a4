"""Use case: read campaigns."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.ports import Campaign, UnitOfWork

__all__ = ["list_campaigns"]


def list_campaigns(uow_factory: Callable[[], UnitOfWork]) -> list[Campaign]:
    """Every campaign, newest first."""
    with uow_factory() as uow:
        return uow.campaigns.list()
