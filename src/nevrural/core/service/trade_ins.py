"""Trade-ins and their subsidy claims: scrappage (报废更新) and replacement (置换更新).

The buyer's old vehicle is submitted and appraised by the enterprise. A scrappage
trade-in then needs the scrappage certificate (报废机动车回收证明) before the subsidy
claim can be submitted; a replacement goes straight to the claim. The organiser approves
and pays claims. Enterprise or organiser may reject at any point before payment.

Examples
--------
>>> decide_trade_in(TradeInKind.REPLACEMENT, TradeInState.APPRAISED, "submit_claim",
...                 Role.ENTERPRISE)
<TradeInState.CLAIM_SUBMITTED: 'claim_submitted'>
>>> try:
...     decide_trade_in(
...         TradeInKind.SCRAPPAGE, TradeInState.APPRAISED, "submit_claim", Role.ENTERPRISE
...     )
... except IllegalTransitionError as error:
...     print(error.detail)
a scrappage trade-in needs its scrappage certificate first
"""

from __future__ import annotations

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
    "TRADE_IN_MACHINE",
    "TradeInAction",
    "TradeInKind",
    "TradeInState",
    "decide_trade_in",
    "validate_trade_in_fields",
]

CERTIFICATE_NO_MAX_CHARS = 60  # the trade_ins.certificate_no column
_CENT = Decimal("0.01")


class TradeInKind(StrEnum):
    """Which trade-in subsidy applies."""

    SCRAPPAGE = "scrappage"  # the old vehicle is scrapped
    REPLACEMENT = "replacement"  # the old vehicle is sold on


class TradeInState(StrEnum):
    """Where a trade-in stands."""

    SUBMITTED = "submitted"
    APPRAISED = "appraised"
    CERTIFIED = "certified"  # scrappage certificate received
    CLAIM_SUBMITTED = "claim_submitted"
    CLAIM_APPROVED = "claim_approved"
    CLAIM_PAID = "claim_paid"
    REJECTED = "rejected"


class TradeInAction(StrEnum):
    """What can be done to a trade-in."""

    APPRAISE = "appraise"
    CERTIFY = "certify"
    SUBMIT_CLAIM = "submit_claim"
    APPROVE_CLAIM = "approve_claim"
    PAY_CLAIM = "pay_claim"
    REJECT = "reject"


_S = TradeInState
_ENTERPRISE = frozenset({Role.ENTERPRISE})
_ORGANISER = frozenset({Role.ORGANISER})
_BEFORE_PAYMENT = frozenset(
    {_S.SUBMITTED, _S.APPRAISED, _S.CERTIFIED, _S.CLAIM_SUBMITTED, _S.CLAIM_APPROVED}
)

TRADE_IN_MACHINE: Mapping[str, Transition[TradeInState]] = machine_of(
    Transition(TradeInAction.APPRAISE, frozenset({_S.SUBMITTED}), _S.APPRAISED, _ENTERPRISE),
    Transition(TradeInAction.CERTIFY, frozenset({_S.APPRAISED}), _S.CERTIFIED, _ENTERPRISE),
    Transition(
        TradeInAction.SUBMIT_CLAIM,
        frozenset({_S.APPRAISED, _S.CERTIFIED}),  # replacement / scrappage: see the guards
        _S.CLAIM_SUBMITTED,
        _ENTERPRISE,
    ),
    Transition(
        TradeInAction.APPROVE_CLAIM, frozenset({_S.CLAIM_SUBMITTED}), _S.CLAIM_APPROVED, _ORGANISER
    ),
    Transition(TradeInAction.PAY_CLAIM, frozenset({_S.CLAIM_APPROVED}), _S.CLAIM_PAID, _ORGANISER),
    Transition(
        TradeInAction.REJECT,
        _BEFORE_PAYMENT,
        _S.REJECTED,
        frozenset({Role.ENTERPRISE, Role.ORGANISER}),
    ),
)


def decide_trade_in(
    kind: TradeInKind, state: TradeInState, action: str, role: Role
) -> TradeInState:
    """The trade-in's state after ``role`` takes ``action``.

    On top of `TRADE_IN_MACHINE`: only a scrappage is certified, and a scrappage claims
    only once certified (a replacement claims straight after appraisal).

    Raises
    ------
    ValueError
        Unknown action.
    ActionForbiddenError
        The role may not take the action.
    IllegalTransitionError
        The state or the kind does not allow it.
    """
    target = apply(TRADE_IN_MACHINE, "trade-in", state, action, role)
    if action == TradeInAction.CERTIFY and kind is TradeInKind.REPLACEMENT:
        detail = "only a scrappage trade-in has a scrappage certificate"
        raise IllegalTransitionError("trade-in", state, action, detail)
    if action == TradeInAction.SUBMIT_CLAIM:
        if kind is TradeInKind.SCRAPPAGE and state is not _S.CERTIFIED:
            detail = "a scrappage trade-in needs its scrappage certificate first"
            raise IllegalTransitionError("trade-in", state, action, detail)
        if kind is TradeInKind.REPLACEMENT and state is not _S.APPRAISED:
            detail = "a replacement trade-in claims straight after appraisal"
            raise IllegalTransitionError("trade-in", state, action, detail)
    return target


def validate_trade_in_fields(
    action: str, *, appraisal_cny: Decimal | None, certificate_no: str | None
) -> None:
    """Check the fields an action needs; fields other actions need are ignored.

    ``appraise`` needs ``appraisal_cny`` (CNY, >= 0, at most two decimals); ``certify``
    a ``certificate_no`` (the scrappage certificate number, 1-60 printable characters).
    Raises ValueError naming the field.

    >>> validate_trade_in_fields("appraise", appraisal_cny=Decimal("-1"), certificate_no=None)
    Traceback (most recent call last):
    ...
    ValueError: appraisal_cny must be >= 0 CNY, got -1
    """
    if action not in TRADE_IN_MACHINE:
        allowed = ", ".join(sorted(TRADE_IN_MACHINE))
        raise ValueError(f"action must be one of {allowed}, got {action!r}")
    if action == TradeInAction.APPRAISE:
        if appraisal_cny is None:
            raise ValueError("appraisal_cny is required to appraise")
        if not (appraisal_cny.is_finite() and appraisal_cny >= 0):
            raise ValueError(f"appraisal_cny must be >= 0 CNY, got {appraisal_cny}")
        if appraisal_cny != appraisal_cny.quantize(_CENT):
            raise ValueError(f"appraisal_cny must have at most 2 decimals, got {appraisal_cny}")
    elif action == TradeInAction.CERTIFY:
        text = (certificate_no or "").strip()
        if not text:
            raise ValueError("certificate_no is required to certify")
        if len(text) > CERTIFICATE_NO_MAX_CHARS or not all(c.isprintable() for c in text):
            raise ValueError(
                f"certificate_no must be 1-{CERTIFICATE_NO_MAX_CHARS} printable characters"
            )
