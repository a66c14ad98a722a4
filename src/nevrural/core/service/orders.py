"""The order lifecycle: online order, deposit, allocation, delivery, follow-up, close.

A buyer places an order (which reserves one unit of the dealer's stock), pays a deposit,
the enterprise allocates a vehicle (VIN), schedules delivery at the dealer or at a
campaign event, and delivers against proof (a signed handover number or a photo hash).
Delivery opens follow-up visits; the order closes once none is open. Before delivery the
order may be cancelled, which releases the unit, and a paid deposit is then refunded.

Examples
--------
>>> facts = OrderFacts(OrderState.DELIVERY_SCHEDULED, Decimal("2000.00"), 0)
>>> decision = decide_order(facts, "deliver", Role.ENTERPRISE)
>>> decision.state, decision.stock, decision.follow_up_offsets_days
(<OrderState.DELIVERED: 'delivered'>, StockEffect(reserved_units=-1, on_hand_units=-1), (7, 30, 90))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date  # noqa: TC003 - the doctests build dates
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from nevrural.core.service.principal import Role
from nevrural.core.service.transitions import (
    IllegalTransitionError,
    Transition,
    apply,
    machine_of,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DELIVERY_PLACES",
    "FOLLOW_UP_OFFSETS_DAYS",
    "MAX_DEPOSIT_CNY",
    "NO_STOCK_CHANGE",
    "ORDER_MACHINE",
    "PLACEMENT_STOCK",
    "OrderAction",
    "OrderDecision",
    "OrderFacts",
    "OrderState",
    "StockEffect",
    "decide_order",
    "validate_action_fields",
]

# Days after delivery at which the dealer follows up (first week, first month, first
# service interval); a modelled schedule, not a regulation.
FOLLOW_UP_OFFSETS_DAYS: tuple[int, ...] = (7, 30, 90)
MAX_DEPOSIT_CNY = Decimal("1000000")
DELIVERY_PLACES = frozenset({"dealer", "event"})
PROOF_REF_MIN_CHARS = 8
PROOF_REF_MAX_CHARS = 200
_CENT = Decimal("0.01")
# ISO 3779: 17 characters, digits and capital letters except I, O and Q. The check digit
# (position 9) is not verified: Chinese VINs (GB 16735) often do not use it.
_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")


class OrderState(StrEnum):
    """Where an order stands."""

    PLACED = "placed"
    DEPOSIT_PAID = "deposit_paid"
    ALLOCATED = "allocated"  # a vehicle (VIN) is assigned
    DELIVERY_SCHEDULED = "delivery_scheduled"
    DELIVERED = "delivered"
    CLOSED = "closed"  # delivered and every follow-up done
    CANCELLED = "cancelled"
    REFUNDED = "refunded"  # cancelled and the deposit paid back


class OrderAction(StrEnum):
    """What can be done to an order."""

    PAY_DEPOSIT = "pay_deposit"
    ALLOCATE = "allocate"
    SCHEDULE_DELIVERY = "schedule_delivery"
    DELIVER = "deliver"
    CLOSE = "close"
    CANCEL = "cancel"
    REFUND = "refund"


_S = OrderState
_BUYER_OR_ENTERPRISE = frozenset({Role.BUYER, Role.ENTERPRISE})
_ENTERPRISE = frozenset({Role.ENTERPRISE})

ORDER_MACHINE: Mapping[str, Transition[OrderState]] = machine_of(
    Transition(
        OrderAction.PAY_DEPOSIT, frozenset({_S.PLACED}), _S.DEPOSIT_PAID, _BUYER_OR_ENTERPRISE
    ),
    Transition(OrderAction.ALLOCATE, frozenset({_S.DEPOSIT_PAID}), _S.ALLOCATED, _ENTERPRISE),
    Transition(
        OrderAction.SCHEDULE_DELIVERY,
        frozenset({_S.ALLOCATED, _S.DELIVERY_SCHEDULED}),  # scheduling again reschedules
        _S.DELIVERY_SCHEDULED,
        _ENTERPRISE,
    ),
    Transition(OrderAction.DELIVER, frozenset({_S.DELIVERY_SCHEDULED}), _S.DELIVERED, _ENTERPRISE),
    Transition(OrderAction.CLOSE, frozenset({_S.DELIVERED}), _S.CLOSED, _ENTERPRISE),
    Transition(
        OrderAction.CANCEL,
        frozenset({_S.PLACED, _S.DEPOSIT_PAID, _S.ALLOCATED, _S.DELIVERY_SCHEDULED}),
        _S.CANCELLED,
        _BUYER_OR_ENTERPRISE,
    ),
    Transition(OrderAction.REFUND, frozenset({_S.CANCELLED}), _S.REFUNDED, _ENTERPRISE),
)


@dataclass(frozen=True, slots=True)
class OrderFacts:
    """What the rules need to know about an order.

    Attributes
    ----------
    state
        The order's current state.
    deposit_paid_cny
        Deposit paid so far, CNY (0 when none).
    open_follow_ups
        Number of follow-up visits not yet done.
    """

    state: OrderState
    deposit_paid_cny: Decimal
    open_follow_ups: int

    def __post_init__(self) -> None:
        """Check that the deposit and the follow-up count are not negative."""
        if not (self.deposit_paid_cny.is_finite() and self.deposit_paid_cny >= 0):
            raise ValueError(f"deposit_paid_cny must be >= 0 CNY, got {self.deposit_paid_cny}")
        if self.open_follow_ups < 0:
            raise ValueError(f"open_follow_ups must be >= 0, got {self.open_follow_ups}")


@dataclass(frozen=True, slots=True)
class StockEffect:
    """Change to the dealer's stock of the ordered model, units (deltas, may be negative)."""

    reserved_units: int
    on_hand_units: int


PLACEMENT_STOCK = StockEffect(reserved_units=1, on_hand_units=0)  # placing reserves a unit
NO_STOCK_CHANGE = StockEffect(reserved_units=0, on_hand_units=0)
_CANCEL_STOCK = StockEffect(reserved_units=-1, on_hand_units=0)  # the reservation is released
_DELIVER_STOCK = StockEffect(reserved_units=-1, on_hand_units=-1)  # the unit leaves the lot


@dataclass(frozen=True, slots=True)
class OrderDecision:
    """The outcome of an action: new state, stock change, follow-ups to open.

    ``follow_up_offsets_days`` are days after delivery, non-empty only on delivery.
    """

    state: OrderState
    stock: StockEffect
    follow_up_offsets_days: tuple[int, ...]


def decide_order(facts: OrderFacts, action: str, role: Role) -> OrderDecision:
    """Apply ``action`` by ``role`` to an order with ``facts``.

    Raises
    ------
    ValueError
        Unknown action.
    ActionForbiddenError
        The role may not take the action.
    IllegalTransitionError
        The state does not allow it, the order has open follow-ups (close), or no
        deposit was paid (refund).
    """
    state = apply(ORDER_MACHINE, "order", facts.state, action, role)
    if action == OrderAction.CLOSE and facts.open_follow_ups > 0:
        n = facts.open_follow_ups
        detail = f"{n} follow-up{'s are' if n > 1 else ' is'} still open"
        raise IllegalTransitionError("order", facts.state, action, detail)
    if action == OrderAction.REFUND and facts.deposit_paid_cny <= 0:
        raise IllegalTransitionError("order", facts.state, action, "no deposit to refund")
    if action == OrderAction.CANCEL:
        return OrderDecision(state, _CANCEL_STOCK, ())
    if action == OrderAction.DELIVER:
        return OrderDecision(state, _DELIVER_STOCK, FOLLOW_UP_OFFSETS_DAYS)
    return OrderDecision(state, NO_STOCK_CHANGE, ())


def validate_action_fields(
    action: str,
    *,
    vin: str | None,
    delivery_on: date | None,
    delivery_place: str | None,
    event_id: str | None,
    proof_ref: str | None,
    deposit_cny: Decimal | None,
    today: date,
) -> None:
    """Check the fields an action needs; fields other actions need are ignored.

    ``pay_deposit`` needs ``deposit_cny`` (CNY, > 0, at most two decimals, at most
    1,000,000); ``allocate`` a ``vin``; ``schedule_delivery`` a ``delivery_on`` not before
    ``today`` and a ``delivery_place`` (``dealer``, or ``event`` with an ``event_id``);
    ``deliver`` a ``proof_ref`` of 8-200 characters. Raises ValueError naming the field.

    >>> validate_action_fields(
    ...     "schedule_delivery", vin=None, delivery_on=date(2026, 5, 2), delivery_place="event",
    ...     event_id=None, proof_ref=None, deposit_cny=None, today=date(2026, 5, 1))
    Traceback (most recent call last):
    ...
    ValueError: event_id is required when delivery_place is 'event'
    """
    if action not in ORDER_MACHINE:
        allowed = ", ".join(sorted(ORDER_MACHINE))
        raise ValueError(f"action must be one of {allowed}, got {action!r}")
    if action == OrderAction.PAY_DEPOSIT:
        _check_deposit(deposit_cny)
    elif action == OrderAction.ALLOCATE:
        _check_vin(vin)
    elif action == OrderAction.SCHEDULE_DELIVERY:
        _check_delivery(delivery_on, delivery_place, event_id, today)
    elif action == OrderAction.DELIVER:
        _check_proof(proof_ref)


def _check_deposit(deposit_cny: Decimal | None) -> None:
    """A deposit, CNY: finite, > 0, whole fen, at most `MAX_DEPOSIT_CNY`."""
    if deposit_cny is None:
        raise ValueError("deposit_cny is required to pay a deposit")
    if not (deposit_cny.is_finite() and 0 < deposit_cny <= MAX_DEPOSIT_CNY):
        raise ValueError(f"deposit_cny must be > 0 and <= {MAX_DEPOSIT_CNY} CNY, got {deposit_cny}")
    if deposit_cny != deposit_cny.quantize(_CENT):
        raise ValueError(f"deposit_cny must have at most 2 decimals, got {deposit_cny}")


def _check_vin(vin: str | None) -> None:
    """A VIN: 17 capital letters and digits, no I, O or Q."""
    if vin is None:
        raise ValueError("vin is required to allocate a vehicle")
    if not _VIN.fullmatch(vin):
        raise ValueError(
            f"vin must be 17 characters of A-H, J-N, P, R-Z and 0-9 (no I, O, Q), got {vin!r}"
        )


def _check_delivery(
    delivery_on: date | None, delivery_place: str | None, event_id: str | None, today: date
) -> None:
    """A delivery date not in the past, at the dealer or at a named event."""
    if delivery_on is None:
        raise ValueError("delivery_on is required to schedule a delivery")
    if delivery_on < today:
        raise ValueError(f"delivery_on {delivery_on} is before today {today}")
    if delivery_place not in DELIVERY_PLACES:
        raise ValueError(f"delivery_place must be 'dealer' or 'event', got {delivery_place!r}")
    if delivery_place == "event" and (event_id is None or not event_id.strip()):
        raise ValueError("event_id is required when delivery_place is 'event'")


def _check_proof(proof_ref: str | None) -> None:
    """A proof reference of 8-200 characters (handover document number or photo SHA-256)."""
    if proof_ref is None or not proof_ref.strip():
        raise ValueError("proof_ref is required to deliver (handover number or photo SHA-256)")
    n = len(proof_ref.strip())
    if not PROOF_REF_MIN_CHARS <= n <= PROOF_REF_MAX_CHARS:
        raise ValueError(
            f"proof_ref must be {PROOF_REF_MIN_CHARS}-{PROOF_REF_MAX_CHARS} characters, got {n}"
        )
