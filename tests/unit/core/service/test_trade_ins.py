"""Tests for trade-ins: both kinds' paths, kind guards, role refusals and fields."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from nevrural.core.service.principal import Role
from nevrural.core.service.trade_ins import (
    TRADE_IN_MACHINE,
    TradeInKind,
    TradeInState,
    decide_trade_in,
    validate_trade_in_fields,
)
from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError

__all__: list[str] = []

S = TradeInState
E, ORG = Role.ENTERPRISE, Role.ORGANISER
SCRAP, SWAP = TradeInKind.SCRAPPAGE, TradeInKind.REPLACEMENT

SCRAPPAGE_PATH = [
    ("appraise", E, S.APPRAISED),
    ("certify", E, S.CERTIFIED),
    ("submit_claim", E, S.CLAIM_SUBMITTED),
    ("approve_claim", ORG, S.CLAIM_APPROVED),
    ("pay_claim", ORG, S.CLAIM_PAID),
]
REPLACEMENT_PATH = [step for step in SCRAPPAGE_PATH if step[0] != "certify"]
BEFORE_PAYMENT = [S.SUBMITTED, S.APPRAISED, S.CERTIFIED, S.CLAIM_SUBMITTED, S.CLAIM_APPROVED]


@pytest.mark.parametrize(("kind", "path"), [(SCRAP, SCRAPPAGE_PATH), (SWAP, REPLACEMENT_PATH)])
def test_happy_paths(kind: TradeInKind, path: list[tuple[str, Role, TradeInState]]) -> None:
    """A scrappage goes through the certificate; a replacement claims after appraisal."""
    state = S.SUBMITTED
    for action, role, target in path:
        state = decide_trade_in(kind, state, action, role)
        assert state is target


@pytest.mark.parametrize(
    ("kind", "state", "role"),
    [(k, s, r) for k in TradeInKind for s in BEFORE_PAYMENT for r in (E, ORG)],
)
def test_reject_before_payment(kind: TradeInKind, state: TradeInState, role: Role) -> None:
    """Enterprise or organiser may reject at any state before the claim is paid."""
    assert decide_trade_in(kind, state, "reject", role) is S.REJECTED


@pytest.mark.parametrize("state", [S.CLAIM_PAID, S.REJECTED])
def test_paid_and_rejected_are_final(state: TradeInState) -> None:
    """No action (by any role) moves a paid or rejected trade-in."""
    for kind, action, role in itertools.product(TradeInKind, TRADE_IN_MACHINE, Role):
        with pytest.raises((ActionForbiddenError, IllegalTransitionError)):
            decide_trade_in(kind, state, action, role)


def test_certify_a_replacement_is_illegal() -> None:
    """Only a scrappage has a scrappage certificate."""
    with pytest.raises(IllegalTransitionError, match="only a scrappage"):
        decide_trade_in(SWAP, S.APPRAISED, "certify", E)


def test_scrappage_claim_needs_certificate() -> None:
    """A scrappage cannot claim straight after appraisal: the certificate is missing."""
    with pytest.raises(IllegalTransitionError, match="certificate"):
        decide_trade_in(SCRAP, S.APPRAISED, "submit_claim", E)


@pytest.mark.parametrize(
    ("state", "action", "role"),
    [
        (S.SUBMITTED, "appraise", ORG),
        (S.APPRAISED, "certify", ORG),
        (S.CLAIM_SUBMITTED, "approve_claim", E),
        (S.CLAIM_APPROVED, "pay_claim", E),
        (S.SUBMITTED, "reject", Role.BUYER),
        (S.APPRAISED, "submit_claim", Role.BUYER),
    ],
)
def test_role_refusals(state: TradeInState, action: str, role: Role) -> None:
    """Enterprises appraise and claim; organisers approve and pay; buyers do neither."""
    with pytest.raises(ActionForbiddenError):
        decide_trade_in(SCRAP, state, action, role)


def test_enum_values() -> None:
    """States are stored by lowercase values with underscores."""
    assert [s.value for s in TradeInState] == [
        "submitted",
        "appraised",
        "certified",
        "claim_submitted",
        "claim_approved",
        "claim_paid",
        "rejected",
    ]


@pytest.mark.parametrize(
    ("action", "appraisal_cny", "certificate_no"),
    [
        ("appraise", Decimal("0"), None),
        ("appraise", Decimal("12500.50"), None),
        ("certify", None, "HB4101202600123"),
        ("approve_claim", None, None),
    ],
)
def test_trade_in_fields_pass(
    action: str, appraisal_cny: Decimal | None, certificate_no: str | None
) -> None:
    """An appraisal of 0 CNY or more and a certificate number pass."""
    validate_trade_in_fields(action, appraisal_cny=appraisal_cny, certificate_no=certificate_no)


@pytest.mark.parametrize(
    ("action", "appraisal_cny", "certificate_no", "field"),
    [
        ("appraise", None, None, "appraisal_cny"),
        ("appraise", Decimal("-0.01"), None, "appraisal_cny"),
        ("appraise", Decimal("1.005"), None, "appraisal_cny"),
        ("certify", None, None, "certificate_no"),
        ("certify", None, "   ", "certificate_no"),
        ("certify", None, "A" * 65, "certificate_no"),
        ("certify", None, "AB\x00CD", "certificate_no"),
        ("scrap", None, None, "action"),
    ],
)
def test_trade_in_fields_fail(
    action: str, appraisal_cny: Decimal | None, certificate_no: str | None, field: str
) -> None:
    """Missing or bad fields are refused, naming the field."""
    with pytest.raises(ValueError, match=field):
        validate_trade_in_fields(action, appraisal_cny=appraisal_cny, certificate_no=certificate_no)
