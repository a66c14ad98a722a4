"""Short-lived access tokens: HS256 JSON Web Tokens via PyJWT, checked against a given clock."""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import jwt

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["MIN_SECRET_BYTES", "JwtTokenIssuer", "TokenError"]

MIN_SECRET_BYTES = 32
"""Shortest accepted signing secret, bytes (the SHA-256 output size, RFC 7518 §3.2)."""

_ALGORITHM = "HS256"
_REGISTERED = ("sub", "iss", "iat", "nbf", "exp", "jti")


class TokenError(ValueError):
    """A token was refused; the message is a short reason such as "expired" or "bad signature"."""


def _timestamp(now: datetime) -> int:
    """Whole seconds since the Unix epoch of the timezone-aware ``now``."""
    if now.tzinfo is None or now.utcoffset() is None:
        msg = "now must be timezone-aware"
        raise ValueError(msg)
    return int(now.timestamp())


def _time_claim(payload: Mapping[str, Any], claim: str) -> int:
    """The integer time claim ``claim`` (seconds since the epoch); TokenError when not a number."""
    value = payload[claim]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TokenError("malformed")
    return int(value)


class JwtTokenIssuer:
    """Issue and verify HS256 tokens with a fixed lifetime and issuer.

    Time comes from the caller (``now``), never from the wall clock, so tests
    can use fixed instants. PyJWT checks the signature, the pinned algorithm
    (``alg: none`` and every other algorithm are refused) and the issuer; the
    time claims are checked here against ``now`` with no leeway.

    Parameters
    ----------
    secret
        HMAC key, at least 32 bytes (e.g. from ``load_or_create_key``).
    ttl
        Lifetime of issued tokens, positive, whole seconds.
    issuer
        Value of the ``iss`` claim, required on verification.
    """

    def __init__(
        self, secret: bytes, *, ttl: timedelta = timedelta(minutes=15), issuer: str = "nevrural"
    ) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            msg = f"secret must be at least {MIN_SECRET_BYTES} bytes, got {len(secret)}"
            raise ValueError(msg)
        if ttl.total_seconds() < 1:
            msg = f"ttl must be at least one second, got {ttl}"
            raise ValueError(msg)
        self._secret = secret
        self._ttl_seconds = int(ttl.total_seconds())
        self._issuer = issuer

    def __repr__(self) -> str:
        return f"{type(self).__name__}(issuer={self._issuer!r}, ttl_seconds={self._ttl_seconds})"

    @property
    def ttl_seconds(self) -> int:
        """Lifetime of issued tokens, seconds."""
        return self._ttl_seconds

    def issue(self, subject: str, claims: Mapping[str, Any], *, now: datetime) -> str:
        """A signed token for ``subject`` carrying ``claims``, valid from ``now`` for the ttl.

        The registered claims (sub, iss, iat, nbf, exp, jti) are set here and
        take precedence over keys of the same name in ``claims``.
        """
        issued_at = _timestamp(now)
        payload: dict[str, Any] = dict(claims)
        payload.update(
            sub=subject,
            iss=self._issuer,
            iat=issued_at,
            nbf=issued_at,
            exp=issued_at + self._ttl_seconds,
            jti=secrets.token_hex(16),
        )
        return jwt.encode(payload, self._secret, algorithm=_ALGORITHM)

    def verify(self, token: str, *, now: datetime) -> dict[str, Any]:
        """The payload of ``token`` when it is genuine and valid at ``now``.

        Raises
        ------
        TokenError
            With reason "malformed", "bad algorithm", "bad signature",
            "wrong issuer", "expired" or "not yet valid".
        """
        current = _timestamp(now)
        try:
            payload = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                issuer=self._issuer,
                options={
                    "require": list(_REGISTERED),
                    # PyJWT compares these with the wall clock; they are checked below.
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidAlgorithmError:
            raise TokenError("bad algorithm") from None
        except jwt.InvalidSignatureError:
            raise TokenError("bad signature") from None
        except jwt.InvalidIssuerError:
            raise TokenError("wrong issuer") from None
        except jwt.InvalidTokenError:
            raise TokenError("malformed") from None
        if _time_claim(payload, "exp") <= current:
            raise TokenError("expired")
        if _time_claim(payload, "nbf") > current or _time_claim(payload, "iat") > current:
            raise TokenError("not yet valid")
        return payload
