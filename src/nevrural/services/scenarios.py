"""Use case helpers: store and read planning scenarios of any kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.ports import Scenario, ScenarioDraft, UnitOfWork

__all__ = ["get_scenario", "latest_demo_scenario", "list_scenarios", "store_scenario"]


def store_scenario(uow_factory: Callable[[], UnitOfWork], draft: ScenarioDraft) -> Scenario:
    """Store ``draft`` in its own transaction and return it as stored."""
    with uow_factory() as uow:
        scenario_id = uow.scenarios.add(draft)
        uow.commit()
        stored = uow.scenarios.get(draft.kind, scenario_id)
    if stored is None:
        raise RuntimeError(f"{draft.kind} scenario {scenario_id} vanished after commit")
    return stored


def get_scenario(
    uow_factory: Callable[[], UnitOfWork], kind: str, scenario_id: int
) -> Scenario | None:
    """A stored scenario of ``kind``."""
    with uow_factory() as uow:
        return uow.scenarios.get(kind, scenario_id)


def list_scenarios(uow_factory: Callable[[], UnitOfWork], kind: str) -> list[Scenario]:
    """Stored scenarios of ``kind``, newest first."""
    with uow_factory() as uow:
        return uow.scenarios.list(kind)


def latest_demo_scenario(uow_factory: Callable[[], UnitOfWork], kind: str) -> Scenario | None:
    """The newest demo scenario of ``kind``, if seeded."""
    with uow_factory() as uow:
        return uow.scenarios.latest_demo(kind)
