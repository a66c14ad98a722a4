"""Argon2id password hashing with cheap test parameters, and the strength rule."""

from __future__ import annotations

import pytest

from nevrural.adapters.security.passwords import Argon2PasswordHasher, check_password_strength

__all__: list[str] = []


@pytest.fixture
def hasher() -> Argon2PasswordHasher:
    """A hasher with cheap parameters (1 pass, 64 KiB) to keep tests fast."""
    return Argon2PasswordHasher(time_cost=1, memory_cost=64)


def test_hash_is_argon2id_with_given_parameters(hasher: Argon2PasswordHasher) -> None:
    """Hashes are Argon2id PHC strings carrying the cheap parameters."""
    password_hash = hasher.hash("correct horse 1")
    assert password_hash.startswith("$argon2id$")
    assert "m=64,t=1," in password_hash


def test_hashes_are_salted(hasher: Argon2PasswordHasher) -> None:
    """Hashing the same password twice gives different hashes that both verify."""
    first, second = hasher.hash("correct horse 1"), hasher.hash("correct horse 1")
    assert first != second
    assert hasher.verify(first, "correct horse 1")
    assert hasher.verify(second, "correct horse 1")


def test_verify_true_and_false(hasher: Argon2PasswordHasher) -> None:
    """The right password verifies; a wrong one returns False without raising."""
    password_hash = hasher.hash("密码 correct 1")
    assert hasher.verify(password_hash, "密码 correct 1") is True
    assert hasher.verify(password_hash, "密码 correct 2") is False
    assert hasher.verify(password_hash, "") is False


@pytest.mark.parametrize("bad_hash", ["", "plain text", "$argon2id$v=19$garbage", "$哈希$"])
def test_verify_invalid_hash_is_false(hasher: Argon2PasswordHasher, bad_hash: str) -> None:
    """An invalid stored hash verifies as False instead of raising."""
    assert hasher.verify(bad_hash, "whatever1") is False


def test_needs_rehash(hasher: Argon2PasswordHasher) -> None:
    """Only hashes made with other parameters, or invalid ones, need a rehash."""
    password_hash = hasher.hash("correct horse 1")
    assert hasher.needs_rehash(password_hash) is False
    stronger = Argon2PasswordHasher(time_cost=2, memory_cost=128)
    assert stronger.needs_rehash(password_hash) is True
    assert stronger.verify(password_hash, "correct horse 1") is True
    assert hasher.needs_rehash("not a hash") is True


def test_default_parameters_are_library_defaults() -> None:
    """Without arguments the hasher uses argon2-cffi's defaults."""
    from argon2 import PasswordHasher

    default = PasswordHasher()
    hasher = Argon2PasswordHasher()
    assert f"m={default.memory_cost},t={default.time_cost}," in hasher.hash("correct horse 1")


@pytest.mark.parametrize("password", ["abc12345", "correct horse battery", "Pa55-wörd", "a1" * 64])
def test_strength_accepts(password: str) -> None:
    """Passwords of 8 to 128 characters mixing character classes pass."""
    check_password_strength(password)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("abc1234", "at least 8"),
        ("a1" * 64 + "x", "at most 128"),
        ("12345678", "only digits or only letters"),
        ("abcdefgh", "only digits or only letters"),
        ("保定市河北省满城", "only digits or only letters"),
    ],
)
def test_strength_rejects(password: str, reason: str) -> None:
    """Short, long and single-class passwords raise ValueError naming password."""
    with pytest.raises(ValueError, match=f"password must.*{reason}") as info:
        check_password_strength(password)
    assert password not in str(info.value)
