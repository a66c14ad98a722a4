"""Converting stored scenarios to API schemas (shared by the planning routers)."""

from __future__ import annotations

from nevrural.interfaces.api.schemas import ScenarioRead, ScenarioSummaryRead
from nevrural.services.ports import Scenario

__all__ = ["scenario_read", "scenario_summary"]


def scenario_read(s: Scenario) -> ScenarioRead:
    """The full scenario."""
    return ScenarioRead(
        id=s.id,
        kind=s.kind,
        name=s.name,
        created_at=s.created_at,
        is_demo=s.is_demo,
        seconds=s.seconds,
        params=s.params,
        result=s.result,
    )


def scenario_summary(s: Scenario) -> ScenarioSummaryRead:
    """The scenario without its result."""
    objective, gap = s.result.get("objective"), s.result.get("gap")
    return ScenarioSummaryRead(
        id=s.id,
        kind=s.kind,
        name=s.name,
        created_at=s.created_at,
        is_demo=s.is_demo,
        seconds=s.seconds,
        objective=float(objective) if objective is not None else None,
        gap=float(gap) if gap is not None else None,
        selected=len(s.result.get("selected", [])),
    )
