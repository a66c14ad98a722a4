"""API keys: token shape, parsing, digests and constant-time matching."""

from __future__ import annotations

import hashlib
import re

import pytest

from nevrural.adapters.security.api_keys import (
    NewApiKey,
    api_key_digest,
    api_key_matches,
    new_api_key,
    parse_api_key,
)

__all__: list[str] = []


def test_new_key_shape() -> None:
    """A new key has a 16-hex id, a 43-char secret, the nvk_ token and the secret's digest."""
    key = new_api_key()
    assert re.fullmatch(r"[0-9a-f]{16}", key.key_id)
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key.secret)
    assert key.token == f"nvk_{key.key_id}_{key.secret}"
    assert key.secret_sha256 == hashlib.sha256(key.secret.encode()).hexdigest()


def test_new_keys_differ() -> None:
    """Two new keys share neither id nor secret."""
    first, second = new_api_key(), new_api_key()
    assert first.key_id != second.key_id
    assert first.secret != second.secret


def test_parse_round_trip() -> None:
    """Parsing a token gives back the key id and secret, even when the secret holds '_'."""
    for _ in range(50):
        key = new_api_key()
        assert parse_api_key(key.token) == (key.key_id, key.secret)
    secret = "_" * 43
    assert parse_api_key(f"nvk_0123456789abcdef_{secret}") == ("0123456789abcdef", secret)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "nvk_",
        "nvk_0123456789abcdef",
        "nvk_0123456789abcdef_",
        "xyz_0123456789abcdef_" + "a" * 43,
        "nvk_0123456789ABCDEF_" + "a" * 43,
        "nvk_0123456789abcde_" + "a" * 43,
        "nvk_0123456789abcdef_" + "a" * 42,
        "nvk_0123456789abcdef_" + "a" * 44,
        "nvk_0123456789abcdef_" + "a" * 42 + "+",
        "nvk_0123456789abcdef_" + "a" * 43 + "\n",
        "Bearer nvk_0123456789abcdef_" + "a" * 43,
    ],
)
def test_parse_rejects(token: str) -> None:
    """Anything not shaped like nvk_<16 hex>_<43-char secret> raises ValueError."""
    with pytest.raises(ValueError, match="API key"):
        parse_api_key(token)


def test_digest_is_sha256_hex() -> None:
    """The digest is the lowercase SHA-256 hex of the secret."""
    assert api_key_digest("abc") == hashlib.sha256(b"abc").hexdigest()


def test_matches() -> None:
    """The right secret matches its stored digest; others, and junk digests, do not."""
    key = new_api_key()
    assert api_key_matches(key.secret, key.secret_sha256) is True
    assert api_key_matches(key.secret + "x", key.secret_sha256) is False
    assert api_key_matches(key.secret, "") is False
    assert api_key_matches(key.secret, "摘要") is False


def test_repr_hides_secret() -> None:
    """The dataclass repr shows the key id but not the secret or token."""
    key = new_api_key()
    text = repr(key)
    assert key.key_id in text
    assert key.secret not in text
    assert isinstance(key, NewApiKey)


def test_frozen() -> None:
    """NewApiKey is immutable."""
    key = new_api_key()
    with pytest.raises(AttributeError):
        key.secret = "x"  # type: ignore[misc]
