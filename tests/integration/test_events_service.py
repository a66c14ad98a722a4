"""Event plans with caravans and repair rounds on the real atlas (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from nevrural.services.events_plan import get_event_plan, list_event_plans, run_event_plan
from nevrural.services.events_requests import BlackoutRequest, EventPlanRequest

if TYPE_CHECKING:
    from nevrural.bootstrap import Container

# 正定县, 行唐县, 灵寿县, 赞皇县 (Hebei, Shijiazhuang) and 施甸县 (Yunnan, far away).
COUNTIES = ("130123", "130125", "130126", "130129", "530521")


def _request(**changes: object) -> EventPlanRequest:
    fields: dict[str, object] = {
        "start": date(2026, 6, 1),
        "end": date(2026, 7, 31),
        "caravans": 2,
        "county_codes": COUNTIES[:4],
        "blackouts": (BlackoutRequest(date(2026, 6, 5), date(2026, 6, 12), "麦收", "130000"),),
        "repair_period_days": 7,
    }
    fields.update(changes)
    return EventPlanRequest(**fields)  # type: ignore[arg-type]


def test_plan_holds_events_without_breaking_a_rule(any_container: Container) -> None:
    """Every county gets a main venue and sub-events; the checker finds nothing."""
    scenario = run_event_plan(any_container.uow, _request())
    result = scenario.result
    assert result["checks"]["count"] == 0
    assert result["plan"]["violations"] == 0
    assert result["baseline"]["violations"] == 0
    assert [c["county_code"] for c in result["counties"]] == list(COUNTIES[:4])
    assert all(c["events_held"] >= 1 for c in result["counties"])
    held_days = {
        d["date"] for c in result["itinerary"]["caravans"] for d in c["days"] if d["visits"]
    }
    assert not any("2026-06-05" <= d <= "2026-06-12" for d in held_days)  # the harvest
    assert (
        result["plan"]["persons_per_caravan_day"] >= result["baseline"]["persons_per_caravan_day"]
    )


def test_plan_is_stored_and_listed(any_container: Container) -> None:
    """The stored scenario comes back by id and in the list."""
    scenario = run_event_plan(any_container.uow, _request(name="夏季下乡"))
    again = get_event_plan(any_container.uow, scenario.id)
    assert again is not None
    assert again.name == "夏季下乡"
    assert again.params["start"] == "2026-06-01"
    assert scenario.id in [s.id for s in list_event_plans(any_container.uow)]


def test_repair_rounds_visit_every_cluster_every_period(any_container: Container) -> None:
    """Every cluster hub is a stop of exactly one van-day of the weekly pattern."""
    repair = run_event_plan(any_container.uow, _request()).result["repair_rounds"]
    assert repair["period_days"] == 7
    assert repair["violations"] == []
    visited = [s["stop_id"] for v in repair["pattern"] for s in v["stops"]]
    assert sorted(visited) == sorted(s["stop_id"] for s in repair["stops"])
    assert all(v["day_offset"] in range(7) for v in repair["pattern"])


def test_unknown_county_is_refused(any_container: Container) -> None:
    """A code not in the atlas is named in the error."""
    with pytest.raises(ValueError, match="999999"):
        run_event_plan(any_container.uow, _request(county_codes=("999999",)))


def test_too_many_caravans_for_the_counties_is_refused(any_container: Container) -> None:
    """More caravans than counties (no depots given) names both numbers."""
    with pytest.raises(ValueError, match="caravans = 5 exceeds the 4"):
        run_event_plan(any_container.uow, _request(caravans=5))
