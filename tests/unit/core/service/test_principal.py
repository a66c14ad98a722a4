"""Tests for principals: division-code scope prefixes, county coverage and audit subjects."""

from __future__ import annotations

import pytest

from nevrural.core.service.principal import Principal, Role, scope_prefix

__all__: list[str] = []


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("000000", ""), ("410000", "41"), ("410100", "4101"), ("410102", "410102")],
)
def test_scope_prefix_of_each_level(code: str, prefix: str) -> None:
    """Nation, province, prefecture and county codes give 0, 2, 4 and 6 digit prefixes."""
    assert scope_prefix(code) == prefix


@pytest.mark.parametrize("code", ["", "41", "4101020", "41010a", "４１０１０２", " 41010"])
def test_scope_prefix_rejects_non_codes(code: str) -> None:
    """Anything but six ASCII digits (full-width digits too) is refused, naming scope_code."""
    with pytest.raises(ValueError, match="scope_code"):
        scope_prefix(code)


def test_principal_rejects_a_bad_scope() -> None:
    """A principal cannot be built with a malformed scope code."""
    with pytest.raises(ValueError, match="scope_code"):
        Principal(Role.ORGANISER, scope_code="4101")


@pytest.mark.parametrize(
    ("scope", "county", "expected"),
    [
        ("000000", "650102", True),
        ("410000", "410102", True),
        ("410000", "420102", False),
        ("410100", "410122", True),
        ("410100", "410202", False),
        ("410102", "410102", True),
        ("410102", "410103", False),
    ],
)
def test_organiser_covers_counties_in_its_scope(scope: str, county: str, expected: bool) -> None:
    """An organiser covers exactly the counties whose code starts with its scope prefix."""
    assert Principal(Role.ORGANISER, scope_code=scope).covers_county(county) is expected


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.BUYER])
def test_non_organisers_cover_no_county(role: Role) -> None:
    """Enterprises and buyers have no area, even with the nation as default scope."""
    assert not Principal(role, enterprise_id=1, buyer_id=1).covers_county("410102")


@pytest.mark.parametrize(
    ("principal", "subject"),
    [
        (Principal(Role.ORGANISER, user_id=12, scope_code="410000"), "user:12"),
        (Principal(Role.ENTERPRISE, user_id=4, enterprise_id=3), "user:4"),
        (Principal(Role.ENTERPRISE, enterprise_id=3, via_api_key=True), "apikey-enterprise:3"),
        (
            Principal(Role.ORGANISER, scope_code="410100", via_api_key=True),
            "apikey-organiser:410100",
        ),
        (Principal(Role.BUYER, buyer_id=9), "buyer:9"),
        (Principal(Role.ENTERPRISE), "enterprise:?"),
    ],
)
def test_subject_for_audit_logs(principal: Principal, subject: str) -> None:
    """Users are logged by user id; API keys and anonymous calls by role and owner."""
    assert principal.subject == subject


def test_role_values() -> None:
    """Roles are stored by their lowercase values."""
    assert [r.value for r in Role] == ["organiser", "enterprise", "buyer"]
