"""API keys for machine clients: ``nvk_<key id>_<secret>``, stored as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field

__all__ = ["NewApiKey", "api_key_digest", "api_key_matches", "new_api_key", "parse_api_key"]

_PREFIX = "nvk_"
_SECRET_BYTES = 32
# key id: 8 random bytes as hex; secret: token_urlsafe(32), 43 chars that may contain "_".
_TOKEN = re.compile(r"nvk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


@dataclass(frozen=True, slots=True)
class NewApiKey:
    """A freshly made API key. ``token`` is shown to the user once; store only the digest.

    Attributes
    ----------
    key_id
        Public identifier, 16 lowercase hex chars, used to look the key up.
    secret
        The random part (256 bits, URL-safe base64).
    token
        ``"nvk_" + key_id + "_" + secret``, what the client sends.
    secret_sha256
        SHA-256 hex digest of ``secret``, the only part to store.
    """

    key_id: str
    secret: str = field(repr=False)
    token: str = field(repr=False)
    secret_sha256: str


def api_key_digest(secret: str) -> str:
    """SHA-256 hex digest of an API key secret.

    A fast hash is safe here, unlike for passwords: the secret is 256 random
    bits, so guessing it from a leaked digest is infeasible however fast the
    hash is, and a slow hash like Argon2 would only make every API request
    expensive. Compare digests with ``hmac.compare_digest`` (see
    :func:`api_key_matches`).
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_api_key() -> NewApiKey:
    """A new random API key (key id from ``secrets.token_hex``, secret ``token_urlsafe(32)``)."""
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    return NewApiKey(
        key_id=key_id,
        secret=secret,
        token=f"{_PREFIX}{key_id}_{secret}",
        secret_sha256=api_key_digest(secret),
    )


def parse_api_key(token: str) -> tuple[str, str]:
    """Split a token into ``(key_id, secret)``; ValueError when it is not an nevrural API key."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        msg = "API key must look like nvk_<16 hex chars>_<43-char secret>"
        raise ValueError(msg)
    return match.group(1), match.group(2)


def api_key_matches(secret: str, stored_digest: str) -> bool:
    """Whether ``secret`` hashes to ``stored_digest``, compared in constant time."""
    computed = api_key_digest(secret).encode("ascii")
    return hmac.compare_digest(computed, stored_digest.encode("utf-8"))
