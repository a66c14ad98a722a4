"""Tests for after-sales tickets: lifecycle, nearest open service point and SLA times."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from nevrural.core.service.principal import Role
from nevrural.core.service.tickets import (
    SLA_HOURS,
    TICKET_MACHINE,
    ServicePointCandidate,
    TicketSeverity,
    TicketState,
    choose_service_point,
    decide_ticket,
    sla_breached,
    sla_due,
)
from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError

__all__: list[str] = []

T = TicketState
LEGAL: dict[tuple[TicketState, str, Role], TicketState] = {
    (T.OPEN, "start", Role.ENTERPRISE): T.IN_PROGRESS,
    (T.IN_PROGRESS, "resolve", Role.ENTERPRISE): T.RESOLVED,
    (T.RESOLVED, "close", Role.BUYER): T.CLOSED,
    (T.RESOLVED, "close", Role.ENTERPRISE): T.CLOSED,
    (T.RESOLVED, "reopen", Role.BUYER): T.IN_PROGRESS,
}


@pytest.mark.parametrize(("key", "target"), list(LEGAL.items()), ids=lambda v: str(v))
def test_every_legal_ticket_transition(
    key: tuple[TicketState, str, Role], target: TicketState
) -> None:
    """Each legal (state, action, role) reaches the contract's target."""
    assert decide_ticket(*key) is target


def test_every_other_ticket_transition_is_refused() -> None:
    """Everything else is refused; unassigned and closed tickets accept no action."""
    assert set(TICKET_MACHINE) == {"start", "resolve", "close", "reopen"}
    for state, action, role in itertools.product(TicketState, TICKET_MACHINE, Role):
        if (state, action, role) not in LEGAL:
            with pytest.raises((ActionForbiddenError, IllegalTransitionError)):
                decide_ticket(state, action, role)


def test_enterprise_cannot_reopen() -> None:
    """Only the buyer reopens a resolved ticket."""
    with pytest.raises(ActionForbiddenError):
        decide_ticket(T.RESOLVED, "reopen", Role.ENTERPRISE)


def point(point_id: int, lon_deg: float, *, is_open: bool = True) -> ServicePointCandidate:
    """A maintenance point on the equator at ``lon_deg``."""
    return ServicePointCandidate(point_id, 1, lon_deg, 0.0, is_open, "maintenance")


def test_nearest_open_point() -> None:
    """A closed point is skipped even when nearer; the distance is great-circle km."""
    found = choose_service_point(
        0.0, 0.0, [point(1, 0.3), point(2, 0.1, is_open=False), point(3, 0.2)]
    )
    assert found is not None
    chosen, distance_km = found
    assert chosen.point_id == 3
    assert distance_km == pytest.approx(22.239, abs=1e-3)


def test_service_point_ties_and_empty() -> None:
    """Ties go to the lower point id; no open point gives None."""
    for points in ([point(8, 0.1), point(5, -0.1)], [point(5, -0.1), point(8, 0.1)]):
        found = choose_service_point(0.0, 0.0, points)
        assert found is not None
        assert found[0].point_id == 5
    assert choose_service_point(0.0, 0.0, [point(1, 0.1, is_open=False)]) is None
    assert choose_service_point(0.0, 0.0, []) is None


def test_service_point_kind_is_checked() -> None:
    """Only maintenance shops and mobile vans are service points."""
    assert ServicePointCandidate(1, 1, 0.0, 0.0, True, "mobile").kind == "mobile"
    with pytest.raises(ValueError, match="kind"):
        ServicePointCandidate(1, 1, 0.0, 0.0, True, "dealer")


def test_sla_hours() -> None:
    """Breakdowns are due in 4 h, repairs in 24 h, routine service in 72 h (modelled)."""
    assert dict(SLA_HOURS) == {
        TicketSeverity.BREAKDOWN: 4,
        TicketSeverity.REPAIR: 24,
        TicketSeverity.ROUTINE: 72,
    }
    opened_at = datetime(2026, 2, 27, 21, 0, tzinfo=UTC)
    assert sla_due(opened_at, TicketSeverity.BREAKDOWN) == datetime(2026, 2, 28, 1, 0, tzinfo=UTC)
    assert sla_due(opened_at, TicketSeverity.REPAIR) == datetime(2026, 2, 28, 21, 0, tzinfo=UTC)
    assert sla_due(opened_at, TicketSeverity.ROUTINE) == datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


def test_sla_breached() -> None:
    """Resolved tickets are judged by their resolution time, open ones by now."""
    due = datetime(2026, 5, 1, 12, 0)
    minute = timedelta(minutes=1)
    assert not sla_breached(due, due, None)
    assert sla_breached(due, due + minute, None)
    assert not sla_breached(due, due + timedelta(days=9), resolved_at=due)
    assert sla_breached(due, due - timedelta(days=9), resolved_at=due + minute)
    assert not sla_breached(due, due + minute, resolved_at=due - minute)
