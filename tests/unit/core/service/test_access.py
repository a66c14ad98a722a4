"""Tests for access rules: who reads a record, and who sees its personal data unmasked."""

from __future__ import annotations

import pytest

from nevrural.core.service.access import Ownership, can_read, can_see_contact
from nevrural.core.service.principal import Principal, Role

__all__: list[str] = []

RECORD = Ownership("410102", frozenset({3, 7}), buyer_id=5)
NO_BUYER = Ownership("410102", frozenset({3}))


@pytest.mark.parametrize(
    ("principal", "reads", "sees_contact"),
    [
        (Principal(Role.ORGANISER, scope_code="000000"), True, False),
        (Principal(Role.ORGANISER, scope_code="410100"), True, False),
        (Principal(Role.ORGANISER, scope_code="420000"), False, False),
        (Principal(Role.ENTERPRISE, enterprise_id=3), True, True),
        (Principal(Role.ENTERPRISE, enterprise_id=7), True, True),
        (Principal(Role.ENTERPRISE, enterprise_id=8), False, False),
        (Principal(Role.ENTERPRISE), False, False),
        (Principal(Role.BUYER, buyer_id=5), True, True),
        (Principal(Role.BUYER, buyer_id=6), False, False),
        (Principal(Role.BUYER), False, False),
    ],
)
def test_read_and_contact_rights(principal: Principal, reads: bool, sees_contact: bool) -> None:
    """Organisers read by area but see masked data; holders and the buyer see it all."""
    assert can_read(principal, RECORD) is reads
    assert can_see_contact(principal, RECORD) is sees_contact


def test_buyer_without_id_never_matches_a_record_without_buyer() -> None:
    """None is not an identity: a buyer with no id does not own a buyer-less record."""
    assert not can_read(Principal(Role.BUYER), NO_BUYER)
    assert not can_see_contact(Principal(Role.BUYER), NO_BUYER)


def test_nation_organiser_never_sees_contact() -> None:
    """Even a nationwide organiser sees personal data masked only."""
    organiser = Principal(Role.ORGANISER, user_id=1)
    assert can_read(organiser, RECORD)
    assert not can_see_contact(organiser, RECORD)
