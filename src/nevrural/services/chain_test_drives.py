"""Use cases of test drives: a buyer books a slot, either side cancels, the dealer marks it done.

A test drive is of a model the dealer has on hand, at a future moment, at the dealer or
at a campaign event (then on the event's day, China Standard Time). It belongs to its
buyer, its dealer and the organisers of the buyer's county; the buyer is shown masked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from nevrural.core.service.access import Ownership
from nevrural.core.service.principal import Role, scope_prefix
from nevrural.core.service.transitions import (
    Transition,
    allowed_actions,
    apply,
    machine_of,
)
from nevrural.services.chain_context import audit, ensure_readable
from nevrural.services.chain_errors import (
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)
from nevrural.services.chain_lead_fields import check_moment, check_page, clean_text
from nevrural.services.chain_people import buyer_masked

if TYPE_CHECKING:
    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork
    from nevrural.services.chain_lead_ports import TestDriveRecord
    from nevrural.services.chain_ports import BuyerRecord

__all__ = [
    "BOOKING_HORIZON",
    "TEST_DRIVE_MACHINE",
    "TestDriveParams",
    "TestDriveState",
    "act_on_test_drive",
    "book_test_drive",
    "drive_owner",
    "list_test_drives",
]

# How far ahead a slot may be booked: a modelled limit (a campaign season), not a rule.
BOOKING_HORIZON = dt.timedelta(days=180)
CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8), "CST")
_DEALER_KIND = "dealer"


class TestDriveState(StrEnum):
    """Where a test drive stands."""

    __test__ = False  # not a pytest test class, despite its name

    BOOKED = "booked"
    CANCELLED = "cancelled"
    DONE = "done"


TEST_DRIVE_MACHINE = machine_of(
    Transition(
        "cancel",
        frozenset({TestDriveState.BOOKED}),
        TestDriveState.CANCELLED,
        frozenset({Role.BUYER, Role.ENTERPRISE}),
    ),
    Transition(
        "done",
        frozenset({TestDriveState.BOOKED}),
        TestDriveState.DONE,
        frozenset({Role.ENTERPRISE}),
    ),
)


@dataclass(frozen=True, slots=True)
class TestDriveParams:
    """A booking: the dealer, a model it has on hand, the slot, perhaps an event or lead."""

    __test__ = False  # not a pytest test class, despite its name

    dealer_id: int
    model_id: int
    slot_at: dt.datetime
    event_id: int | None = None
    lead_id: int | None = None


def drive_owner(drive: TestDriveRecord) -> Ownership:
    """Who holds a test drive: its dealer, its buyer, organisers of the buyer's county."""
    return Ownership(drive.county_code, frozenset({drive.dealer_id}), drive.buyer_id)


def _view(
    drive: TestDriveRecord,
    buyer: BuyerRecord | None,
    principal: Principal,
    ctx: ChainContext,
) -> dict[str, Any]:
    return {
        "id": drive.id,
        "state": drive.state,
        "dealer_id": drive.dealer_id,
        "model_id": drive.model_id,
        "lead_id": drive.lead_id,
        "event_id": drive.event_id,
        "county_code": drive.county_code,
        "slot_at": drive.slot_at.isoformat(),
        "created_at": drive.created_at.isoformat(),
        "buyer": buyer_masked(ctx.vault, buyer) if buyer is not None else None,
        "allowed_actions": list(
            allowed_actions(TEST_DRIVE_MACHINE, TestDriveState(drive.state), principal.role)
        ),
    }


def _check_slot(params: TestDriveParams, now: dt.datetime) -> None:
    check_moment(params.slot_at, "slot_at")
    if params.slot_at <= now:
        raise ValueError("slot_at: must be in the future")
    if params.slot_at > now + BOOKING_HORIZON:
        raise ValueError(f"slot_at: at most {BOOKING_HORIZON.days} days ahead")


def _check_refs(uow: ChainUnitOfWork, principal: Principal, params: TestDriveParams) -> None:
    """The dealer has the model on hand; the event is on the slot's day; the lead is theirs."""
    dealer = uow.enterprises.get(params.dealer_id)
    if dealer is None or dealer.kind != _DEALER_KIND:
        raise ChainNotFoundError(f"dealer_id: dealer {params.dealer_id} not found")
    if uow.catalogue.model(params.model_id) is None:
        raise ChainNotFoundError(f"model_id: model {params.model_id} not found")
    stock = uow.catalogue.stock(params.dealer_id, params.model_id)
    if stock is None or stock.on_hand_units <= 0:
        raise ChainConflictError(
            f"model_id: model {params.model_id} is not on hand at dealer {params.dealer_id}"
        )
    if params.event_id is not None:
        event = uow.catalogue.event(params.event_id)
        if event is None:
            raise ChainNotFoundError(f"event_id: event {params.event_id} not found")
        if params.slot_at.astimezone(CHINA_STANDARD_TIME).date() != event.held_on:
            raise ValueError(f"slot_at: must fall on the event's day, {event.held_on} (CST)")
    if params.lead_id is not None:
        lead = uow.leads.get(params.lead_id)
        if lead is None or lead.buyer_id != principal.buyer_id:
            raise ChainNotFoundError(f"lead_id: lead {params.lead_id} not found")


def book_test_drive(
    ctx: ChainContext, principal: Principal, params: TestDriveParams
) -> dict[str, Any]:
    """A buyer books a test drive (403 for anyone else)."""
    if principal.role is not Role.BUYER or principal.buyer_id is None:
        raise ChainForbiddenError("only buyers book test drives")
    now = ctx.clock()
    _check_slot(params, now)
    with ctx.uow_factory() as uow:
        buyer = uow.buyers.get(principal.buyer_id)
        if buyer is None:
            raise ChainNotFoundError(f"buyer {principal.buyer_id} not found")
        _check_refs(uow, principal, params)
        drive = uow.leads.add_test_drive(
            buyer_id=buyer.id,
            dealer_id=params.dealer_id,
            model_id=params.model_id,
            lead_id=params.lead_id,
            event_id=params.event_id,
            county_code=buyer.county_code,
            slot_at=params.slot_at.astimezone(dt.UTC),
            state=TestDriveState.BOOKED.value,
            now=now,
        )
        audit(
            uow,
            principal,
            at=now,
            action="test_drive.booked",
            record_type="test_drive",
            record_id=drive.id,
            owner=drive_owner(drive),
            model_id=params.model_id,
            slot_at=drive.slot_at.isoformat(),
        )
        view = _view(drive, buyer, principal, ctx)
        uow.commit()
    return view


def act_on_test_drive(
    ctx: ChainContext,
    principal: Principal,
    test_drive_id: int,
    action: str,
    *,
    reason: str | None = None,
) -> dict[str, Any]:
    """``cancel`` (buyer or dealer) or ``done`` (dealer) a booked test drive."""
    clean_reason = clean_text(reason, "reason", 300) if reason is not None else None
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        drive = uow.leads.test_drive(test_drive_id)
        if drive is None:
            raise ChainNotFoundError(f"test drive {test_drive_id} not found")
        ensure_readable(principal, drive_owner(drive), "test drive", test_drive_id)
        target = apply(
            TEST_DRIVE_MACHINE, "test drive", TestDriveState(drive.state), action, principal.role
        )
        if not uow.leads.move_test_drive(
            test_drive_id, from_state=drive.state, to_state=target.value
        ):
            raise ChainConflictError(f"test drive {test_drive_id} changed meanwhile; retry")
        audit(
            uow,
            principal,
            at=now,
            action=f"test_drive.{action}",
            record_type="test_drive",
            record_id=test_drive_id,
            owner=drive_owner(drive),
            from_state=drive.state,
            to_state=target.value,
            reason=clean_reason,
        )
        moved = uow.leads.test_drive(test_drive_id)
        assert moved is not None
        view = _view(moved, uow.buyers.get(moved.buyer_id), principal, ctx)
        uow.commit()
    return view


def list_test_drives(
    ctx: ChainContext,
    principal: Principal,
    *,
    state: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Test drives the caller may see, by slot: their own, their dealership's, their area's."""
    if state is not None and state not in {s.value for s in TestDriveState}:
        allowed = ", ".join(s.value for s in TestDriveState)
        raise ValueError(f"state: one of {allowed}, got {state!r}")
    check_page(limit, offset)
    filters: dict[str, Any] = {"state": state, "limit": limit, "offset": offset}
    if principal.role is Role.BUYER:
        filters["buyer_id"] = principal.buyer_id if principal.buyer_id is not None else -1
    elif principal.role is Role.ENTERPRISE:
        filters["dealer_id"] = principal.enterprise_id if principal.enterprise_id else -1
    else:
        filters["county_prefix"] = scope_prefix(principal.scope_code)
    with ctx.uow_factory() as uow:
        drives = uow.leads.test_drives(**filters)
        buyers = uow.leads.buyers([d.buyer_id for d in drives])
    return [_view(d, buyers.get(d.buyer_id), principal, ctx) for d in drives]
