"""Routing a sales lead to the nearest qualified dealer.

A lead comes from a livestream, an online consultation, a campaign event or a walk-in.
It is offered to one dealer at a time: the nearest (great-circle distance) that sells
the wanted brand, serves the buyer's county, has the wanted model in stock and has room
for another open lead. A dealer that declines or lets the offer expire is excluded and
the lead goes to the next; when none is left the lead is unrouted.

Examples
--------
>>> need = LeadNeed("410102", 113.60, 34.75, brand_id=1, model_id=None)
>>> dealers = [
...     DealerCandidate(7, 70, 113.70, 34.75, frozenset({1}), frozenset({"410102"}), 0, 0, 5),
...     DealerCandidate(8, 80, 113.61, 34.75, frozenset({2}), frozenset({"410102"}), 0, 0, 5),
... ]
>>> choice = choose_dealer(need, dealers)
>>> choice.dealer_id, round(choice.distance_km, 2)
(7, 9.14)
>>> qualified(need, dealers[1])
'does not sell brand 1'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from nevrural.core.geo import haversine_km

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

__all__ = [
    "DealerCandidate",
    "DealerChoice",
    "LeadChannel",
    "LeadNeed",
    "LeadRules",
    "LeadState",
    "OfferOutcome",
    "choose_dealer",
    "qualified",
]


class LeadChannel(StrEnum):
    """Where a lead came from."""

    LIVESTREAM = "livestream"
    CONSULTATION = "consultation"
    EVENT = "event"
    WALK_IN = "walk_in"


class LeadState(StrEnum):
    """Where a lead stands."""

    OFFERED = "offered"  # waiting for a dealer to accept
    ACCEPTED = "accepted"
    UNROUTED = "unrouted"  # no qualified dealer left
    CONVERTED = "converted"  # became an order
    CLOSED = "closed"


class OfferOutcome(StrEnum):
    """What became of one offer of a lead to one dealer."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


def _check_position(lon_deg: float, lat_deg: float) -> None:
    """Finite longitude and latitude, degrees, latitude within [-90, 90]."""
    if not math.isfinite(lon_deg):
        raise ValueError(f"lon_deg must be finite, got {lon_deg}")
    if not (math.isfinite(lat_deg) and -90.0 <= lat_deg <= 90.0):
        raise ValueError(f"lat_deg must lie in [-90, 90] degrees, got {lat_deg}")


@dataclass(frozen=True, slots=True)
class DealerCandidate:
    """A dealer that might take a lead.

    Attributes
    ----------
    dealer_id, enterprise_id
        The dealer and the enterprise it belongs to.
    lon_deg, lat_deg
        The dealer's position, degrees.
    brand_ids
        Automaker enterprise ids whose vehicles it sells.
    service_counties
        Six-digit codes of the counties it serves.
    stock_units
        Available units of the wanted model (ignored when the lead names no model).
    open_leads, lead_capacity
        Leads it holds now, and the most it may hold.
    """

    dealer_id: int
    enterprise_id: int
    lon_deg: float
    lat_deg: float
    brand_ids: frozenset[int]
    service_counties: frozenset[str]
    stock_units: int
    open_leads: int
    lead_capacity: int

    def __post_init__(self) -> None:
        """Check the position and that the counts are not negative."""
        _check_position(self.lon_deg, self.lat_deg)
        for name in ("stock_units", "open_leads", "lead_capacity"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")


@dataclass(frozen=True, slots=True)
class LeadNeed:
    """What a lead wants: the buyer's county and position (degrees), brand and model."""

    county_code: str
    lon_deg: float
    lat_deg: float
    brand_id: int | None
    model_id: int | None

    def __post_init__(self) -> None:
        """Check the position."""
        _check_position(self.lon_deg, self.lat_deg)


@dataclass(frozen=True, slots=True)
class DealerChoice:
    """The dealer a lead is offered to, its distance (great circle, km) and why."""

    dealer_id: int
    enterprise_id: int
    distance_km: float
    reason: str
    reason_zh: str


def qualified(need: LeadNeed, dealer: DealerCandidate) -> str | None:
    """None when the dealer qualifies for the lead, else why not (English).

    Checked in order: brand, service area, stock (only when the lead names a model),
    lead capacity.
    """
    if need.brand_id is not None and need.brand_id not in dealer.brand_ids:
        return f"does not sell brand {need.brand_id}"
    if need.county_code not in dealer.service_counties:
        return f"does not serve county {need.county_code}"
    if need.model_id is not None and dealer.stock_units <= 0:
        return f"has no stock of model {need.model_id}"
    if dealer.open_leads >= dealer.lead_capacity:
        return f"is at lead capacity ({dealer.open_leads} of {dealer.lead_capacity} open)"
    return None


def choose_dealer(
    need: LeadNeed, dealers: Sequence[DealerCandidate], excluded: frozenset[int] = frozenset()
) -> DealerChoice | None:
    """The nearest qualified dealer not in ``excluded`` (dealer ids), or None.

    Distance is great-circle, km, from the buyer to the dealer; ties go to the lower
    dealer id, so the choice does not depend on the order of ``dealers``.
    """
    best: tuple[float, int, DealerCandidate] | None = None
    for dealer in dealers:
        if dealer.dealer_id in excluded or qualified(need, dealer) is not None:
            continue
        distance_km = haversine_km(need.lon_deg, need.lat_deg, dealer.lon_deg, dealer.lat_deg)
        key = (distance_km, dealer.dealer_id, dealer)
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None:
        return None
    distance_km, dealer_id, dealer = best
    return DealerChoice(
        dealer_id=dealer_id,
        enterprise_id=dealer.enterprise_id,
        distance_km=distance_km,
        reason=f"nearest qualified dealer, {distance_km:.1f} km away",
        reason_zh=f"距离最近的合格经销商，相距{distance_km:.1f}公里",
    )


@dataclass(frozen=True, slots=True)
class LeadRules:
    """How long a dealer has to accept an offered lead before it moves on.

    ``accept_within`` defaults to 2 hours: a **modelled** service level (a rural buyer
    reached the same morning), not a regulation or an industry measurement.
    """

    accept_within: timedelta = timedelta(hours=2)

    def __post_init__(self) -> None:
        """Check that the acceptance window is positive."""
        if self.accept_within <= timedelta(0):
            raise ValueError(f"accept_within must be positive, got {self.accept_within}")

    def deadline(self, offered_at: datetime) -> datetime:
        """When an offer made at ``offered_at`` expires if not accepted.

        >>> from datetime import datetime
        >>> LeadRules().deadline(datetime(2026, 5, 1, 9, 30))
        datetime.datetime(2026, 5, 1, 11, 30)
        """
        return offered_at + self.accept_within

    def has_expired(self, offered_at: datetime, now: datetime) -> bool:
        """Whether an offer made at ``offered_at`` has expired by ``now`` (deadline excluded)."""
        return now > self.deadline(offered_at)
