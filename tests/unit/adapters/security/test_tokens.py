"""JWT access tokens: round trip and refusals, all checked against fixed instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from nevrural.adapters.security.tokens import JwtTokenIssuer, TokenError

__all__: list[str] = []

SECRET = b"s" * 32
NOW = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def issuer() -> JwtTokenIssuer:
    """An issuer with the default 15-minute ttl."""
    return JwtTokenIssuer(SECRET)


def _raw(payload: dict[str, object], *, key: bytes = SECRET, algorithm: str = "HS256") -> str:
    """A token encoded directly with PyJWT, for forging test cases."""
    return jwt.encode(payload, key, algorithm=algorithm)


def _claims(issued_at: datetime = NOW) -> dict[str, object]:
    """A complete, otherwise valid payload issued at ``issued_at``."""
    iat = int(issued_at.timestamp())
    return {"sub": "u1", "iss": "nevrural", "iat": iat, "nbf": iat, "exp": iat + 900, "jti": "j"}


def test_round_trip(issuer: JwtTokenIssuer) -> None:
    """A token verifies at its issue time and carries subject, claims and registered claims."""
    token = issuer.issue("user-1", {"tenant": "t-9", "roles": ["clerk"]}, now=NOW)
    payload = issuer.verify(token, now=NOW)
    stamp = int(NOW.timestamp())
    assert payload["sub"] == "user-1"
    assert payload["tenant"] == "t-9"
    assert payload["roles"] == ["clerk"]
    assert payload["iss"] == "nevrural"
    assert (payload["iat"], payload["nbf"], payload["exp"]) == (stamp, stamp, stamp + 900)
    assert len(payload["jti"]) == 32


def test_ttl_seconds_and_custom_ttl() -> None:
    """ttl_seconds reports the lifetime, and exp follows a custom ttl."""
    assert JwtTokenIssuer(SECRET).ttl_seconds == 900
    short = JwtTokenIssuer(SECRET, ttl=timedelta(seconds=30))
    assert short.ttl_seconds == 30
    payload = short.verify(short.issue("u", {}, now=NOW), now=NOW)
    assert payload["exp"] - payload["iat"] == 30


def test_jti_unique(issuer: JwtTokenIssuer) -> None:
    """Two tokens issued at the same instant have different ids."""
    first = issuer.verify(issuer.issue("u", {}, now=NOW), now=NOW)
    second = issuer.verify(issuer.issue("u", {}, now=NOW), now=NOW)
    assert first["jti"] != second["jti"]


def test_registered_claims_win(issuer: JwtTokenIssuer) -> None:
    """Claims cannot override sub, iss or exp."""
    token = issuer.issue("u", {"sub": "admin", "iss": "evil", "exp": 2**40}, now=NOW)
    payload = issuer.verify(token, now=NOW)
    assert (payload["sub"], payload["iss"]) == ("u", "nevrural")
    assert payload["exp"] == int(NOW.timestamp()) + 900


@pytest.mark.parametrize(
    "when", [datetime(2001, 1, 1, tzinfo=UTC), datetime(2099, 12, 31, tzinfo=UTC)]
)
def test_fixed_past_or_future_now(issuer: JwtTokenIssuer, when: datetime) -> None:
    """Tokens issued and checked at a fixed past or future instant verify (no wall clock)."""
    assert issuer.verify(issuer.issue("u", {}, now=when), now=when + timedelta(minutes=14))["sub"]


def test_expired(issuer: JwtTokenIssuer) -> None:
    """A token is valid one second before exp and expired from exp on (no leeway)."""
    token = issuer.issue("u", {}, now=NOW)
    issuer.verify(token, now=NOW + timedelta(seconds=899))
    for later in (timedelta(seconds=900), timedelta(days=1)):
        with pytest.raises(TokenError, match="expired"):
            issuer.verify(token, now=NOW + later)


def test_not_yet_valid(issuer: JwtTokenIssuer) -> None:
    """A token checked before its issue time is refused as not yet valid."""
    token = issuer.issue("u", {}, now=NOW)
    with pytest.raises(TokenError, match="not yet valid"):
        issuer.verify(token, now=NOW - timedelta(seconds=1))


def test_bad_signature(issuer: JwtTokenIssuer) -> None:
    """Tokens signed with another secret, or with an edited payload, are refused."""
    other = JwtTokenIssuer(b"o" * 32).issue("u", {}, now=NOW)
    with pytest.raises(TokenError, match="bad signature"):
        issuer.verify(other, now=NOW)
    header, _payload, signature = issuer.issue("u", {}, now=NOW).split(".")
    forged_payload = _raw({**_claims(), "sub": "admin"}).split(".")[1]
    with pytest.raises(TokenError, match="bad signature"):
        issuer.verify(f"{header}.{forged_payload}.{signature}", now=NOW)


def test_alg_none_refused(issuer: JwtTokenIssuer) -> None:
    """An unsigned token (alg none) is refused."""
    token = jwt.encode(_claims(), None, algorithm="none")
    with pytest.raises(TokenError, match="bad algorithm"):
        issuer.verify(token, now=NOW)
    with pytest.raises(TokenError):
        issuer.verify(token.rstrip(".") + ".", now=NOW)


@pytest.mark.filterwarnings("ignore::jwt.InsecureKeyLengthWarning")
def test_other_algorithm_refused(issuer: JwtTokenIssuer) -> None:
    """A token signed with the right secret but HS512 is refused: the algorithm is pinned."""
    with pytest.raises(TokenError, match="bad algorithm"):
        issuer.verify(_raw(_claims(), algorithm="HS512"), now=NOW)


def test_wrong_issuer(issuer: JwtTokenIssuer) -> None:
    """A token from another issuer with the same secret is refused."""
    token = JwtTokenIssuer(SECRET, issuer="elsewhere").issue("u", {}, now=NOW)
    with pytest.raises(TokenError, match="wrong issuer"):
        issuer.verify(token, now=NOW)


@pytest.mark.parametrize("claim", ["sub", "iss", "iat", "nbf", "exp", "jti"])
def test_missing_claim_malformed(issuer: JwtTokenIssuer, claim: str) -> None:
    """A genuinely signed token missing a registered claim is refused as malformed."""
    payload = _claims()
    del payload[claim]
    with pytest.raises(TokenError, match="malformed"):
        issuer.verify(_raw(payload), now=NOW)


def test_non_numeric_time_malformed(issuer: JwtTokenIssuer) -> None:
    """A time claim that is not a number is refused as malformed."""
    with pytest.raises(TokenError, match="malformed"):
        issuer.verify(_raw({**_claims(), "exp": "tomorrow"}), now=NOW)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.!!!.c2ln"])
def test_garbage_malformed(issuer: JwtTokenIssuer, token: str) -> None:
    """Strings that are not JWTs are refused as malformed."""
    with pytest.raises(TokenError, match="malformed"):
        issuer.verify(token, now=NOW)


def test_token_error_is_value_error() -> None:
    """TokenError is a ValueError."""
    assert issubclass(TokenError, ValueError)


def test_naive_now_refused(issuer: JwtTokenIssuer) -> None:
    """A naive datetime is refused, since its epoch seconds would depend on the host zone."""
    with pytest.raises(ValueError, match="timezone-aware"):
        issuer.issue("u", {}, now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("secret", "ttl", "field"),
    [(b"short", timedelta(minutes=1), "secret"), (SECRET, timedelta(0), "ttl")],
)
def test_constructor_validation(secret: bytes, ttl: timedelta, field: str) -> None:
    """Secrets under 32 bytes and ttls under one second are refused."""
    with pytest.raises(ValueError, match=f"^{field} must"):
        JwtTokenIssuer(secret, ttl=ttl)
