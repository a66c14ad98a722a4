"""Password hashing with Argon2id, and a simple password strength rule."""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

__all__ = [
    "MAX_PASSWORD_CHARS",
    "MIN_PASSWORD_CHARS",
    "Argon2PasswordHasher",
    "check_password_strength",
]

MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 128


class Argon2PasswordHasher:
    """Argon2id hashes in PHC string form (``$argon2id$v=19$m=...``).

    Parameters
    ----------
    time_cost
        Number of passes; None keeps the ``argon2-cffi`` default.
    memory_cost
        Memory per hash, KiB; None keeps the ``argon2-cffi`` default. Tests
        pass small values to stay fast.
    """

    def __init__(self, *, time_cost: int | None = None, memory_cost: int | None = None) -> None:
        params: dict[str, Any] = {}
        if time_cost is not None:
            params["time_cost"] = time_cost
        if memory_cost is not None:
            params["memory_cost"] = memory_cost
        self._hasher = PasswordHasher(**params)

    def hash(self, password: str) -> str:
        """A salted Argon2id hash of ``password``."""
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """Whether ``password`` matches ``password_hash``; False for a mismatch or a bad hash."""
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, ValueError):  # ValueError covers InvalidHashError
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash used other parameters than this hasher (True for an invalid hash)."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except ValueError:  # InvalidHashError, or a non-ASCII hash
            return True


def check_password_strength(password: str) -> None:
    """Reject passwords that are too short, too long, or of one character class.

    The rule: 8 to 128 characters, and not made only of digits or only of
    letters (any script). Length and variety beyond that are left to the
    user; breached-password lists are out of scope here.

    Raises
    ------
    ValueError
        Naming "password" and the rule that failed; never echoes the password.
    """
    if len(password) < MIN_PASSWORD_CHARS:
        msg = f"password must have at least {MIN_PASSWORD_CHARS} characters"
        raise ValueError(msg)
    if len(password) > MAX_PASSWORD_CHARS:
        msg = f"password must have at most {MAX_PASSWORD_CHARS} characters"
        raise ValueError(msg)
    if password.isdigit() or password.isalpha():
        msg = "password must not be only digits or only letters"
        raise ValueError(msg)
