"""Use case helper: the counties a plan covers, given by code or taken from a shortlist."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.atlas.divisions import Division
    from nevrural.services.ports import UnitOfWork

__all__ = ["resolve_counties"]


def resolve_counties(
    uow: UnitOfWork, codes: Sequence[str], scenario_id: int | None
) -> list[Division]:
    """The counties to plan: given codes, a targeting scenario's, or the demo shortlist's."""
    if not codes:
        scenario = (
            uow.scenarios.get("targeting", scenario_id)
            if scenario_id is not None
            else uow.scenarios.latest_demo("targeting")
        )
        if scenario is None:
            which = f"targeting scenario {scenario_id}" if scenario_id else "demo shortlist"
            raise ValueError(f"no counties given and no {which} to take them from")
        codes = [row["code"] for row in scenario.result["selected"]]
    counties: list[Division] = []
    unknown: list[str] = []
    for code in codes:
        division = uow.atlas.get_division(code)
        if division is None:
            unknown.append(code)
        else:
            counties.append(division)
    if unknown:
        raise ValueError(f"unknown county codes: {', '.join(unknown[:10])}")
    return counties
