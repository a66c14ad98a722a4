"""Tests for the generic state-machine piece: check order, errors and their messages."""

from __future__ import annotations

import pickle
from enum import StrEnum

import pytest

from nevrural.core.service.principal import Role
from nevrural.core.service.transitions import (
    ActionForbiddenError,
    IllegalTransitionError,
    Transition,
    allowed_actions,
    apply,
    machine_of,
)

__all__: list[str] = []


class Lamp(StrEnum):
    """A two-state record for the tests."""

    OFF = "off"
    ON = "on"


MACHINE = machine_of(
    Transition("switch_on", frozenset({Lamp.OFF}), Lamp.ON, frozenset({Role.BUYER})),
    Transition("switch_off", frozenset({Lamp.ON}), Lamp.OFF, frozenset(Role)),
)


def test_apply_returns_the_target() -> None:
    """A permitted action from a source state leads to its target."""
    assert apply(MACHINE, "lamp", Lamp.OFF, "switch_on", Role.BUYER) is Lamp.ON
    assert apply(MACHINE, "lamp", Lamp.ON, "switch_off", Role.ORGANISER) is Lamp.OFF


def test_unknown_action_names_action_and_lists_allowed() -> None:
    """An unknown action is a ValueError naming 'action' and the allowed ones."""
    with pytest.raises(ValueError, match=r"action must be one of switch_off, switch_on") as info:
        apply(MACHINE, "lamp", Lamp.OFF, "explode", Role.BUYER)
    assert not isinstance(info.value, IllegalTransitionError)


def test_role_is_checked_before_state() -> None:
    """A forbidden role is refused even from a state the action could not start from."""
    with pytest.raises(ActionForbiddenError) as info:
        apply(MACHINE, "lamp", Lamp.ON, "switch_on", Role.ENTERPRISE)
    assert (info.value.action, info.value.role) == ("switch_on", Role.ENTERPRISE)
    assert isinstance(info.value, PermissionError)
    assert str(info.value) == "role 'enterprise' may not 'switch_on' on a lamp"


def test_illegal_transition_carries_record_state_action() -> None:
    """A wrong state is an IllegalTransitionError (a ValueError) with a readable message."""
    with pytest.raises(IllegalTransitionError) as info:
        apply(MACHINE, "lamp", Lamp.ON, "switch_on", Role.BUYER)
    error = info.value
    assert isinstance(error, ValueError)
    assert (error.record, error.state, error.action) == ("lamp", Lamp.ON, "switch_on")
    assert str(error) == "lamp in state 'on' cannot 'switch_on'"


def test_errors_pickle() -> None:
    """Both errors survive pickling with their attributes (for worker processes)."""
    illegal = pickle.loads(pickle.dumps(IllegalTransitionError("order", "placed", "deliver", "x")))
    assert (illegal.record, illegal.state, illegal.action, illegal.detail) == (
        "order",
        "placed",
        "deliver",
        "x",
    )
    assert str(illegal) == "order in state 'placed' cannot 'deliver': x"
    forbidden = pickle.loads(pickle.dumps(ActionForbiddenError("deliver", Role.BUYER)))
    assert (forbidden.action, forbidden.role) == ("deliver", Role.BUYER)
    assert str(forbidden) == "role 'buyer' may not 'deliver'"


def test_machine_of_rejects_duplicate_actions() -> None:
    """Each action name may be defined once."""
    twice = Transition("go", frozenset({Lamp.OFF}), Lamp.ON, frozenset({Role.BUYER}))
    with pytest.raises(ValueError, match="'go' is defined twice"):
        machine_of(twice, twice)


@pytest.mark.parametrize(
    ("action", "sources", "roles", "field"),
    [
        ("", frozenset({Lamp.OFF}), frozenset({Role.BUYER}), "action"),
        ("go", frozenset(), frozenset({Role.BUYER}), "sources"),
        ("go", frozenset({Lamp.OFF}), frozenset(), "roles"),
    ],
)
def test_transition_validates(
    action: str, sources: frozenset[Lamp], roles: frozenset[Role], field: str
) -> None:
    """A transition needs a name, at least one source and at least one role."""
    with pytest.raises(ValueError, match=field):
        Transition(action, sources, Lamp.ON, roles)


def test_allowed_actions() -> None:
    """Allowed actions depend on both state and role."""
    assert allowed_actions(MACHINE, Lamp.OFF, Role.BUYER) == ("switch_on",)
    assert allowed_actions(MACHINE, Lamp.OFF, Role.ENTERPRISE) == ()
    assert allowed_actions(MACHINE, Lamp.ON, Role.ENTERPRISE) == ("switch_off",)
