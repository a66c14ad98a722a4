"""Explainable county score: decomposition, eligibility, ranking."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.targeting.market import MarketInputs, MarketParams
from nevrural.core.targeting.scoring import (
    CONTRIBUTIONS,
    NATIONAL_PENETRATION_END_2024,
    ScoreParams,
    score_counties,
)


def make_inputs(**overrides: object) -> MarketInputs:
    """Three counties: temperate and well charged, severe cold, high penetration."""
    values: dict[str, object] = {
        "county_codes": ("130102", "230101", "440101"),
        "households": np.array([100_000.0, 100_000.0, 100_000.0]),
        "car_owning_households": np.array([40_000.0, 40_000.0, 40_000.0]),
        "vehicle_stock": np.array([60_000.0, 60_000.0, 60_000.0]),
        "nev_stock": np.array([3_000.0, 3_000.0, 12_000.0]),
        "public_charging_points": np.array([600.0, 600.0, 600.0]),
        "winter_class": np.array([3, 1, 5]),
        "population": np.array([300_000.0, 300_000.0, 300_000.0]),
    }
    values.update(overrides)
    return MarketInputs(**values)  # type: ignore[arg-type]


def test_contributions_sum_to_the_score() -> None:
    """The four named contributions add up to each county's score."""
    result = score_counties(make_inputs())
    for i in range(3):
        county = result.county(i)
        assert set(county.contributions) == set(CONTRIBUTIONS)
        assert sum(county.contributions.values()) == pytest.approx(county.score, rel=1e-12)


def test_score_is_potential_times_remaining_share() -> None:
    """score = potential × (1 − penetration)."""
    result = score_counties(make_inputs())
    np.testing.assert_allclose(result.score, result.potential * (1 - result.penetration))


def test_cold_winter_lowers_the_score() -> None:
    """A severe-cold county with the same figures scores lower, via a negative winter term."""
    result = score_counties(make_inputs())
    temperate, cold = result.county(0), result.county(1)
    assert cold.score < temperate.score
    assert cold.contributions["winter_suitability"] < 0
    assert temperate.contributions["winter_suitability"] == pytest.approx(0.0, abs=1e-9)


def test_high_penetration_is_not_eligible() -> None:
    """20 % penetration is above the national 8.9 % threshold; 5 % is below."""
    result = score_counties(make_inputs())
    assert [bool(e) for e in result.is_eligible] == [True, True, False]
    assert pytest.approx(0.3140 / 3.53, rel=1e-9) == NATIONAL_PENETRATION_END_2024


def test_threshold_is_a_parameter() -> None:
    """Raising the threshold to 25 % makes every county eligible."""
    result = score_counties(make_inputs(), ScoreParams(penetration_threshold=0.25))
    assert bool(result.is_eligible.all())


def test_threshold_outside_unit_interval_is_refused() -> None:
    """A threshold of 0 or above 1 names itself in the error."""
    with pytest.raises(ValueError, match="penetration_threshold"):
        ScoreParams(penetration_threshold=0.0)


def test_longer_horizon_never_lowers_potential() -> None:
    """Five years forecast at least as many buyers as one."""
    one = score_counties(make_inputs(), ScoreParams(market=MarketParams(horizon_years=1)))
    five = score_counties(make_inputs(), ScoreParams(market=MarketParams(horizon_years=5)))
    assert np.all(five.potential >= one.potential)


counts = st.floats(0.0, 1e6, allow_nan=False)


@settings(deadline=None, max_examples=100)
@given(
    rows=st.lists(
        st.tuples(
            counts, st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), counts, st.integers(1, 5)
        ),
        min_size=1,
        max_size=12,
    ),
    horizon=st.floats(1.0, 5.0),
)
def test_contributions_always_sum_to_score(
    rows: list[tuple[float, float, float, float, float, int]], horizon: float
) -> None:
    """For any counties, contributions sum to the score and the score is in [0, potential]."""
    households = np.array([r[0] for r in rows])
    owning = households * np.array([r[1] for r in rows])
    vehicles = owning * (1 + np.array([r[2] for r in rows]))
    nev = vehicles * np.array([r[3] for r in rows])
    inputs = MarketInputs(
        county_codes=tuple(f"{110101 + i}" for i in range(len(rows))),
        households=households,
        car_owning_households=owning,
        vehicle_stock=vehicles,
        nev_stock=nev,
        public_charging_points=np.array([r[4] for r in rows]),
        winter_class=np.array([r[5] for r in rows]),
        population=households * 3,
    )
    result = score_counties(inputs, ScoreParams(market=MarketParams(horizon_years=horizon)))
    total = sum(result.contributions.values())
    np.testing.assert_allclose(total, result.score, rtol=1e-9, atol=1e-6)
    assert np.all(result.score >= -1e-9)
    assert np.all(result.score <= result.potential + 1e-9)
