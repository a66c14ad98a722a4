"""Tests for the order lifecycle: every legal step, refusals, guards, stock and fields."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from nevrural.core.service.orders import (
    FOLLOW_UP_OFFSETS_DAYS,
    ORDER_MACHINE,
    PLACEMENT_STOCK,
    OrderAction,
    OrderDecision,
    OrderFacts,
    OrderState,
    StockEffect,
    decide_order,
    validate_action_fields,
)
from nevrural.core.service.principal import Role
from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError

__all__: list[str] = []

S = OrderState
B, E, ORG = Role.BUYER, Role.ENTERPRISE, Role.ORGANISER
DEPOSIT = Decimal("2000.00")
TODAY = date(2026, 5, 1)

# (state, action, role) -> target, written out by hand from the contract.
LEGAL: dict[tuple[OrderState, str, Role], OrderState] = {
    (S.PLACED, "pay_deposit", B): S.DEPOSIT_PAID,
    (S.PLACED, "pay_deposit", E): S.DEPOSIT_PAID,
    (S.DEPOSIT_PAID, "allocate", E): S.ALLOCATED,
    (S.ALLOCATED, "schedule_delivery", E): S.DELIVERY_SCHEDULED,
    (S.DELIVERY_SCHEDULED, "schedule_delivery", E): S.DELIVERY_SCHEDULED,
    (S.DELIVERY_SCHEDULED, "deliver", E): S.DELIVERED,
    (S.DELIVERED, "close", E): S.CLOSED,
    (S.CANCELLED, "refund", E): S.REFUNDED,
    **{
        (state, "cancel", role): S.CANCELLED
        for state in (S.PLACED, S.DEPOSIT_PAID, S.ALLOCATED, S.DELIVERY_SCHEDULED)
        for role in (B, E)
    },
}


def facts(state: OrderState, deposit_cny: str = "2000.00", open_follow_ups: int = 0) -> OrderFacts:
    """Order facts with a paid deposit, CNY, and no open follow-ups by default."""
    return OrderFacts(state, Decimal(deposit_cny), open_follow_ups)


@pytest.mark.parametrize(("key", "target"), list(LEGAL.items()), ids=lambda v: str(v))
def test_every_legal_transition(key: tuple[OrderState, str, Role], target: OrderState) -> None:
    """Each legal (state, action, role) reaches the contract's target."""
    state, action, role = key
    assert decide_order(facts(state), action, role).state is target


def test_everything_else_is_refused() -> None:
    """Every other (state, action, role) combination raises a refusal, never passes."""
    for state, action, role in itertools.product(OrderState, OrderAction, Role):
        if (state, action.value, role) in LEGAL:
            continue
        with pytest.raises((ActionForbiddenError, IllegalTransitionError)):
            decide_order(facts(state), action.value, role)


def test_machine_matches_the_table() -> None:
    """The machine has exactly the seven contract actions."""
    assert set(ORDER_MACHINE) == {a.value for a in OrderAction}
    assert all(isinstance(action, str) for action in ORDER_MACHINE)


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.PLACED, "deliver"),
        (S.PLACED, "allocate"),
        (S.DEPOSIT_PAID, "schedule_delivery"),
        (S.DELIVERED, "cancel"),
        (S.CLOSED, "cancel"),
        (S.REFUNDED, "refund"),
        (S.PLACED, "refund"),
        (S.ALLOCATED, "close"),
    ],
)
def test_representative_illegal_transitions(state: OrderState, action: str) -> None:
    """Skipping steps, cancelling after delivery or refunding twice is illegal."""
    with pytest.raises(IllegalTransitionError, match=f"order in state '{state}' cannot '{action}'"):
        decide_order(facts(state), action, E)


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [
        (S.DEPOSIT_PAID, "allocate", B),
        (S.DELIVERY_SCHEDULED, "deliver", B),
        (S.CANCELLED, "refund", B),
        (S.DELIVERED, "close", B),
        (S.PLACED, "pay_deposit", ORG),
        (S.PLACED, "cancel", ORG),
    ],
)
def test_role_refusals(state: OrderState, action: str, role: Role) -> None:
    """Buyers cannot act for the enterprise, and organisers cannot act on orders."""
    with pytest.raises(ActionForbiddenError) as info:
        decide_order(facts(state), action, role)
    assert (info.value.action, info.value.role) == (action, role)


def test_unknown_action() -> None:
    """An unknown action is a ValueError naming 'action'."""
    with pytest.raises(ValueError, match="action must be one of"):
        decide_order(facts(S.PLACED), "ship", E)


@pytest.mark.parametrize(
    ("n", "words"), [(1, "1 follow-up is still open"), (3, "3 follow-ups are")]
)
def test_close_needs_no_open_follow_ups(n: int, words: str) -> None:
    """A delivered order with open follow-ups cannot close, and the message says how many."""
    with pytest.raises(IllegalTransitionError, match=words):
        decide_order(facts(S.DELIVERED, open_follow_ups=n), "close", E)


def test_refund_needs_a_deposit() -> None:
    """A cancelled order with no deposit has nothing to refund."""
    with pytest.raises(IllegalTransitionError, match="no deposit to refund"):
        decide_order(facts(S.CANCELLED, deposit_cny="0"), "refund", E)


def test_stock_effects() -> None:
    """Placing reserves a unit; cancel releases it; deliver consumes it; the rest do nothing."""
    assert StockEffect(1, 0) == PLACEMENT_STOCK
    assert decide_order(facts(S.ALLOCATED), "cancel", B).stock == StockEffect(-1, 0)
    assert decide_order(facts(S.DELIVERY_SCHEDULED), "deliver", E).stock == StockEffect(-1, -1)
    for (state, action, role), _ in LEGAL.items():
        if action not in {"cancel", "deliver"}:
            assert decide_order(facts(state), action, role).stock == StockEffect(0, 0)


def test_follow_ups_open_only_on_delivery() -> None:
    """Delivery schedules follow-ups at 7, 30 and 90 days; no other action does."""
    assert FOLLOW_UP_OFFSETS_DAYS == (7, 30, 90)
    delivered = decide_order(facts(S.DELIVERY_SCHEDULED), "deliver", E)
    assert delivered == OrderDecision(S.DELIVERED, StockEffect(-1, -1), (7, 30, 90))
    for (state, action, role), _ in LEGAL.items():
        if action != "deliver":
            assert decide_order(facts(state), action, role).follow_up_offsets_days == ()


@pytest.mark.parametrize(
    ("deposit_cny", "open_follow_ups", "field"),
    [("-1", 0, "deposit_paid_cny"), ("NaN", 0, "deposit_paid_cny"), ("0", -1, "open_follow_ups")],
)
def test_order_facts_validate(deposit_cny: str, open_follow_ups: int, field: str) -> None:
    """Negative deposits or follow-up counts are refused, naming the field."""
    with pytest.raises(ValueError, match=field):
        OrderFacts(S.PLACED, Decimal(deposit_cny), open_follow_ups)


# --- validate_action_fields ---------------------------------------------------------


def check(action: str, **fields: object) -> None:
    """validate_action_fields with every field None unless given, today 2026-05-01."""
    values: dict[str, object] = dict.fromkeys(
        ("vin", "delivery_on", "delivery_place", "event_id", "proof_ref", "deposit_cny")
    )
    values.update(fields)
    validate_action_fields(action, today=TODAY, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("pay_deposit", {"deposit_cny": Decimal("2000")}),
        ("pay_deposit", {"deposit_cny": Decimal("0.01")}),
        ("pay_deposit", {"deposit_cny": Decimal("1000000.00")}),
        ("pay_deposit", {"deposit_cny": Decimal("99.500")}),
        ("allocate", {"vin": "LSVAM4187C2184847"}),
        ("allocate", {"vin": "LFV3A21K8D3012345"}),
        ("schedule_delivery", {"delivery_on": TODAY, "delivery_place": "dealer"}),
        (
            "schedule_delivery",
            {"delivery_on": date(2026, 6, 1), "delivery_place": "event", "event_id": "ev-41-07"},
        ),
        ("deliver", {"proof_ref": "HD20260501"}),
        ("deliver", {"proof_ref": "a" * 64}),
        ("close", {}),
        ("cancel", {}),
        ("refund", {}),
        ("cancel", {"vin": "not a vin"}),
    ],
)
def test_valid_fields_pass(action: str, fields: dict[str, object]) -> None:
    """Well-formed fields pass, and fields an action does not need are ignored."""
    check(action, **fields)


@pytest.mark.parametrize(
    ("action", "fields", "field"),
    [
        ("pay_deposit", {}, "deposit_cny"),
        ("pay_deposit", {"deposit_cny": Decimal("0")}, "deposit_cny"),
        ("pay_deposit", {"deposit_cny": Decimal("-5")}, "deposit_cny"),
        ("pay_deposit", {"deposit_cny": Decimal("0.001")}, "deposit_cny"),
        ("pay_deposit", {"deposit_cny": Decimal("1000000.01")}, "deposit_cny"),
        ("pay_deposit", {"deposit_cny": Decimal("Infinity")}, "deposit_cny"),
        ("pay_deposit", {"deposit_cny": Decimal("NaN")}, "deposit_cny"),
        ("allocate", {}, "vin"),
        ("allocate", {"vin": "LSVAM4187C218484"}, "vin"),
        ("allocate", {"vin": "LSVAM4187C21848477"}, "vin"),
        ("allocate", {"vin": "LSVAM4187C2184I47"}, "vin"),
        ("allocate", {"vin": "LSVAM4187C2184O47"}, "vin"),
        ("allocate", {"vin": "LSVAM4187C2184Q47"}, "vin"),
        ("allocate", {"vin": "lsvam4187c2184847"}, "vin"),
        ("schedule_delivery", {"delivery_place": "dealer"}, "delivery_on"),
        (
            "schedule_delivery",
            {"delivery_on": date(2026, 4, 30), "delivery_place": "dealer"},
            "delivery_on",
        ),
        ("schedule_delivery", {"delivery_on": TODAY}, "delivery_place"),
        ("schedule_delivery", {"delivery_on": TODAY, "delivery_place": "home"}, "delivery_place"),
        ("schedule_delivery", {"delivery_on": TODAY, "delivery_place": "event"}, "event_id"),
        (
            "schedule_delivery",
            {"delivery_on": TODAY, "delivery_place": "event", "event_id": "  "},
            "event_id",
        ),
        ("deliver", {}, "proof_ref"),
        ("deliver", {"proof_ref": "   "}, "proof_ref"),
        ("deliver", {"proof_ref": "HD2026"}, "proof_ref"),
        ("deliver", {"proof_ref": "x" * 201}, "proof_ref"),
        ("ship", {}, "action"),
    ],
)
def test_bad_fields_name_the_field(action: str, fields: dict[str, object], field: str) -> None:
    """A missing or malformed field is a ValueError that names it."""
    with pytest.raises(ValueError, match=field):
        check(action, **fields)
