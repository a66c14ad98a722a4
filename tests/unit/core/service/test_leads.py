"""Tests for lead routing: qualification reasons, nearest dealer, ties, exclusions, deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from nevrural.core.geo import haversine_km
from nevrural.core.service.leads import (
    DealerCandidate,
    LeadChannel,
    LeadNeed,
    LeadRules,
    LeadState,
    OfferOutcome,
    choose_dealer,
    qualified,
)

__all__: list[str] = []

COUNTY = "410102"
# The buyer on the equator at longitude 0: 0.01 degree of longitude is 1.11195 km there.
NEED = LeadNeed(COUNTY, 0.0, 0.0, brand_id=1, model_id=100)


def dealer(
    dealer_id: int,
    lon_deg: float,
    *,
    brands: frozenset[int] = frozenset({1}),
    counties: frozenset[str] = frozenset({COUNTY}),
    stock_units: int = 2,
    open_leads: int = 0,
    lead_capacity: int = 5,
) -> DealerCandidate:
    """A dealer on the equator at ``lon_deg``, qualified for NEED unless told otherwise."""
    return DealerCandidate(
        dealer_id,
        10 * dealer_id,
        lon_deg,
        0.0,
        brands,
        counties,
        stock_units,
        open_leads,
        lead_capacity,
    )


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        (dealer(1, 0.1), None),
        (dealer(1, 0.1, brands=frozenset({2})), "does not sell brand 1"),
        (dealer(1, 0.1, counties=frozenset({"410103"})), "does not serve county 410102"),
        (dealer(1, 0.1, stock_units=0), "has no stock of model 100"),
        (dealer(1, 0.1, open_leads=5), "is at lead capacity (5 of 5 open)"),
        (dealer(1, 0.1, lead_capacity=0), "is at lead capacity (0 of 0 open)"),
    ],
)
def test_qualified_reasons(candidate: DealerCandidate, reason: str | None) -> None:
    """Brand, service area, stock and capacity each disqualify, with a reason."""
    assert qualified(NEED, candidate) == reason


def test_brand_checked_before_area() -> None:
    """With several faults the first in order (brand) is reported."""
    candidate = dealer(1, 0.1, brands=frozenset(), counties=frozenset(), stock_units=0)
    assert qualified(NEED, candidate) == "does not sell brand 1"


def test_no_model_ignores_stock_and_no_brand_ignores_brands() -> None:
    """A lead without a model ignores stock; without a brand any dealer's brands do."""
    need = LeadNeed(COUNTY, 0.0, 0.0, brand_id=None, model_id=None)
    assert qualified(need, dealer(1, 0.1, brands=frozenset(), stock_units=0)) is None


def test_nearest_qualified_dealer_wins() -> None:
    """The nearest dealer is skipped when unqualified; the next nearest qualified wins."""
    dealers = [
        dealer(1, 0.30),
        dealer(2, 0.05, brands=frozenset({2})),
        dealer(3, 0.10, stock_units=0),
        dealer(4, 0.20),
        dealer(5, 0.15, open_leads=5),
        dealer(6, 0.12, counties=frozenset({"410103"})),
    ]
    choice = choose_dealer(NEED, dealers)
    assert choice is not None
    assert (choice.dealer_id, choice.enterprise_id) == (4, 40)
    assert choice.distance_km == pytest.approx(22.239, abs=1e-3)  # 0.2 degree on the equator
    assert choice.reason == "nearest qualified dealer, 22.2 km away"
    assert choice.reason_zh == "距离最近的合格经销商，相距22.2公里"


def test_distance_is_great_circle() -> None:
    """The reported distance is geo.haversine_km from buyer to dealer."""
    need = LeadNeed(COUNTY, 113.60, 34.75, brand_id=None, model_id=None)
    candidate = DealerCandidate(1, 1, 113.70, 34.80, frozenset(), frozenset({COUNTY}), 0, 0, 1)
    choice = choose_dealer(need, [candidate])
    assert choice is not None
    assert choice.distance_km == haversine_km(113.60, 34.75, 113.70, 34.80)


def test_ties_go_to_the_lower_dealer_id() -> None:
    """Two dealers at the same distance (east and west): the lower id, in any order."""
    dealers = [dealer(9, 0.1), dealer(3, -0.1)]
    for order in (dealers, dealers[::-1]):
        choice = choose_dealer(NEED, order)
        assert choice is not None
        assert choice.dealer_id == 3


def test_excluded_dealers_are_skipped() -> None:
    """Dealers that declined or let the offer expire are passed over."""
    dealers = [dealer(1, 0.1), dealer(2, 0.2), dealer(3, 0.3)]
    first = choose_dealer(NEED, dealers, excluded=frozenset({1}))
    assert first is not None
    assert first.dealer_id == 2
    assert choose_dealer(NEED, dealers, excluded=frozenset({1, 2, 3})) is None


def test_no_dealer_at_all() -> None:
    """With no candidates, or none qualified, the lead is unrouted (None)."""
    assert choose_dealer(NEED, []) is None
    assert choose_dealer(NEED, [dealer(1, 0.1, stock_units=0)]) is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lat_deg": 91.0}, "lat_deg"),
        ({"lon_deg": float("nan")}, "lon_deg"),
        ({"stock_units": -1}, "stock_units"),
        ({"open_leads": -1}, "open_leads"),
        ({"lead_capacity": -1}, "lead_capacity"),
    ],
)
def test_dealer_candidate_validates(kwargs: dict[str, float], field: str) -> None:
    """Bad positions or negative counts are refused, naming the field."""
    values: dict[str, object] = {
        "dealer_id": 1,
        "enterprise_id": 1,
        "lon_deg": 0.0,
        "lat_deg": 0.0,
        "brand_ids": frozenset(),
        "service_counties": frozenset(),
        "stock_units": 0,
        "open_leads": 0,
        "lead_capacity": 1,
        **kwargs,
    }
    with pytest.raises(ValueError, match=field):
        DealerCandidate(**values)  # type: ignore[arg-type]


def test_lead_need_validates_position() -> None:
    """A buyer position outside the globe is refused."""
    with pytest.raises(ValueError, match="lat_deg"):
        LeadNeed(COUNTY, 0.0, -90.5, None, None)


def test_deadline_is_two_hours_by_default() -> None:
    """A dealer has 2 hours to accept; the deadline itself is still in time."""
    rules = LeadRules()
    offered_at = datetime(2026, 5, 1, 23, 15)
    assert rules.deadline(offered_at) == datetime(2026, 5, 2, 1, 15)
    assert not rules.has_expired(offered_at, datetime(2026, 5, 2, 1, 15))
    assert rules.has_expired(offered_at, datetime(2026, 5, 2, 1, 16))
    assert LeadRules(timedelta(minutes=30)).deadline(offered_at) == datetime(2026, 5, 1, 23, 45)


def test_lead_rules_need_a_positive_window() -> None:
    """A zero or negative acceptance window is refused."""
    with pytest.raises(ValueError, match="accept_within"):
        LeadRules(timedelta(0))


def test_enum_values() -> None:
    """Channels, states and outcomes are stored by lowercase values."""
    assert [c.value for c in LeadChannel] == ["livestream", "consultation", "event", "walk_in"]
    assert [s.value for s in LeadState] == [
        "offered",
        "accepted",
        "unrouted",
        "converted",
        "closed",
    ]
    assert [o.value for o in OfferOutcome] == ["pending", "accepted", "declined", "expired"]
