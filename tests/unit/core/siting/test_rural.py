"""Rural siting inputs: township shares, charger counts, apportionment."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.siting.rural import (
    NEVS_PER_PUBLIC_POINT,
    apportion,
    chargers_from_headroom,
    township_demand_shares,
)


def test_shares_follow_the_kind_weights() -> None:
    """A subdistrict weighs twice a town; shares sum to one."""
    shares = township_demand_shares(["subdistrict", "town", "town", "other"])
    assert shares[0] == pytest.approx(2 * shares[1])
    assert sum(shares) == pytest.approx(1.0)


def test_unknown_kind_counts_as_other() -> None:
    """A kind the table does not know is weighed like 'other'."""
    assert township_demand_shares(["farm", "other"]) == (0.5, 0.5)


def test_chargers_round_down() -> None:
    """189 kVA × 0.95 / 60 kW = 2.99: two whole chargers."""
    assert chargers_from_headroom(189.0) == 2
    assert chargers_from_headroom(0.0) == 0


def test_chargers_refuse_bad_inputs() -> None:
    """Non-positive charger power and negative headroom are refused."""
    with pytest.raises(ValueError, match="charger_kw"):
        chargers_from_headroom(100.0, charger_kw=0.0)
    with pytest.raises(ValueError, match="headroom_kva"):
        chargers_from_headroom(-1.0)


def test_nevs_per_point_is_the_cited_ratio() -> None:
    """31.40 million NEVs over 3.579 million public points."""
    assert pytest.approx(31.40 / 3.579, rel=1e-9) == NEVS_PER_PUBLIC_POINT


def test_apportion_hand_case() -> None:
    """7 over weights 1:2:4 gives 1, 2, 4 exactly."""
    assert apportion(7, [1.0, 2.0, 4.0]) == (1, 2, 4)


def test_apportion_zero_weights_split_evenly() -> None:
    """All-zero weights share the total evenly."""
    assert apportion(4, [0.0, 0.0]) == (2, 2)


@settings(deadline=None, max_examples=100)
@given(total=st.integers(0, 10_000), weights=st.lists(st.floats(0, 1e6), min_size=1, max_size=30))
def test_apportion_sums_and_stays_within_one_of_exact(total: int, weights: list[float]) -> None:
    """Quotas add up to the total and each is the floor or ceiling of its exact share."""
    quotas = apportion(total, weights)
    assert sum(quotas) == total
    weight_sum = sum(weights)
    for quota, weight in zip(quotas, weights, strict=True):
        exact = total * weight / weight_sum if weight_sum > 0 else total / len(weights)
        assert exact - 1 < quota < exact + 1
