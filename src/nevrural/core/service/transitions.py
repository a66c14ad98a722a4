"""A small state machine: named actions move a record between states, by role.

A machine is a mapping from action name to `Transition`. `apply` checks, in this order,
that the action exists, that the role may take it, and that the record's state allows
it, and returns the new state. Records add their own guards on top (see
`nevrural.core.service.orders`).

Examples
--------
>>> from enum import StrEnum
>>> from nevrural.core.service.principal import Role
>>> class Door(StrEnum):
...     OPEN = "open"
...     SHUT = "shut"
>>> machine = machine_of(
...     Transition("close", frozenset({Door.OPEN}), Door.SHUT, frozenset({Role.BUYER})),
... )
>>> apply(machine, "door", Door.OPEN, "close", Role.BUYER)
<Door.SHUT: 'shut'>
>>> apply(machine, "door", Door.SHUT, "close", Role.BUYER)
Traceback (most recent call last):
...
nevrural.core.service.transitions.IllegalTransitionError: door in state 'shut' cannot 'close'
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nevrural.core.service.principal import Role

__all__ = [
    "ActionForbiddenError",
    "IllegalTransitionError",
    "Transition",
    "allowed_actions",
    "apply",
    "machine_of",
]

S = TypeVar("S", bound=str)


@dataclass(frozen=True, slots=True)
class Transition(Generic[S]):
    """One action: the states it may start from, the state it leads to, who may take it."""

    action: str
    sources: frozenset[S]
    target: S
    roles: frozenset[Role]

    def __post_init__(self) -> None:
        """Check that the action has a name, sources and roles."""
        if not self.action:
            raise ValueError("action must be a non-empty name")
        if not self.sources:
            raise ValueError(f"sources of action {self.action!r} must not be empty")
        if not self.roles:
            raise ValueError(f"roles of action {self.action!r} must not be empty")


class IllegalTransitionError(ValueError):
    """The record's state does not allow the action (or a record-specific guard fails)."""

    def __init__(self, record: str, state: str, action: str, detail: str = "") -> None:
        self.record = record
        self.state = state
        self.action = action
        self.detail = detail
        message = f"{record} in state '{state}' cannot '{action}'"
        super().__init__(f"{message}: {detail}" if detail else message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the constructor's arguments."""
        return (type(self), (self.record, self.state, self.action, self.detail))


class ActionForbiddenError(PermissionError):
    """The principal's role may not take the action."""

    def __init__(self, action: str, role: Role, record: str = "") -> None:
        self.action = action
        self.role = role
        self.record = record
        target = f" on a {record}" if record else ""
        super().__init__(f"role '{role}' may not '{action}'{target}")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the constructor's arguments."""
        return (type(self), (self.action, self.role, self.record))


def machine_of(*transitions: Transition[S]) -> Mapping[str, Transition[S]]:
    """A read-only machine keyed by action name; each action may appear once."""
    machine: dict[str, Transition[S]] = {}
    for transition in transitions:
        action = str(transition.action)  # a StrEnum member keys by its value
        if action in machine:
            raise ValueError(f"action {action!r} is defined twice")
        machine[action] = transition
    return MappingProxyType(machine)


def apply(
    machine: Mapping[str, Transition[S]], record: str, state: S, action: str, role: Role
) -> S:
    """The state after ``role`` takes ``action`` on a ``record`` in ``state``.

    Raises
    ------
    ValueError
        The action is not in the machine (the message lists the allowed actions).
    ActionForbiddenError
        The role may not take the action.
    IllegalTransitionError
        The state is not one the action may start from.
    """
    transition = machine.get(action)
    if transition is None:
        allowed = ", ".join(sorted(machine))
        raise ValueError(f"action must be one of {allowed} for a {record}, got {action!r}")
    if role not in transition.roles:
        raise ActionForbiddenError(action, role, record)
    if state not in transition.sources:
        raise IllegalTransitionError(record, state, action)
    return transition.target


def allowed_actions(machine: Mapping[str, Transition[S]], state: S, role: Role) -> tuple[str, ...]:
    """The actions ``role`` may take from ``state``, sorted (record guards not applied)."""
    return tuple(
        sorted(
            action
            for action, transition in machine.items()
            if role in transition.roles and state in transition.sources
        )
    )
