"""Tests for county NEV market size, penetration, factors and forecast buyers."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.atlas.province_facts import (
    NATIONAL_CAR_STOCK_END_2024_VEHICLES,
    NATIONAL_PUBLIC_CHARGING_POINTS_END_2024,
)
from nevrural.core.targeting.bass import NATIONAL_BASS_CHINA, BassParams, forecast_adopters
from nevrural.core.targeting.market import (
    ASSUMED_CHARGING_FACTOR_MAX,
    ASSUMED_CHARGING_FACTOR_MIN,
    ASSUMED_MAX_VEHICLES_PER_CAR_OWNING_HOUSEHOLD,
    ASSUMED_OWNERSHIP_CEILING,
    ASSUMED_WINTER_FACTORS,
    DEFAULT_HORIZON_YEARS,
    REFERENCE_CHARGING_POINTS_PER_1000_VEHICLES,
    MarketInputs,
    MarketParams,
    estimate_market,
)

__all__: list[str] = []

# p = q = 0.5 makes the Bass curve tanh(t / 2), easy to check by hand.
TANH_BASS = BassParams(p=0.5, q=0.5)
HAND_PARAMS = MarketParams(
    charging_reference_points_per_1000_vehicles=10.0, bass=TANH_BASS, horizon_years=2.0
)


def three_counties(**overrides: object) -> MarketInputs:
    """A plain county, a cold county with no cars, and a warm county with many cars."""
    values: dict[str, object] = {
        "county_codes": ("130102", "230101", "460101"),
        "households": np.array([1000.0, 2000.0, 100.0]),
        "car_owning_households": np.array([400.0, 0.0, 100.0]),
        "vehicle_stock": np.array([600.0, 0.0, 500.0]),
        "nev_stock": np.array([60.0, 0.0, 200.0]),
        "public_charging_points": np.array([12.0, 0.0, 2.0]),
        "winter_class": np.array([3, 1, 5]),
        "population": np.array([3000.0, 6000.0, 300.0]),
    }
    values.update(overrides)
    return MarketInputs(**values)  # type: ignore[arg-type]


def test_hand_checked_three_counties() -> None:
    """Every factor of the three counties equals the hand calculation."""
    result = estimate_market(three_counties(), HAND_PARAMS)
    assert result.county_codes == ("130102", "230101", "460101")
    np.testing.assert_allclose(result.penetration, [0.1, 0.0, 0.4])
    # 600 cars / 400 owners; no owners -> 1; 500 / 100 = 5, capped at 3.
    np.testing.assert_allclose(result.vehicles_per_car_owning_household, [1.5, 1.0, 3.0])
    # 1000 x 0.85 x 1.5; 2000 x 0.85 x 1; 100 x 0.85 x 3 = 255 < 500 cars -> 500.
    np.testing.assert_allclose(result.base_market_vehicles, [1275.0, 1700.0, 500.0])
    np.testing.assert_allclose(result.winter_factor, [1.0, 0.75, 1.05])
    np.testing.assert_allclose(result.charging_points_per_1000_vehicles, [20.0, 0.0, 4.0])
    # 0.7 + 0.3 x 20 / 10 = 1.3 -> cap 1.1; 0.7; 0.7 + 0.3 x 0.4 = 0.82.
    np.testing.assert_allclose(result.charging_factor, [1.1, 0.7, 0.82])
    np.testing.assert_allclose(result.market_vehicles, [1402.5, 892.5, 430.5])
    np.testing.assert_allclose(result.remaining_market_vehicles, [1342.5, 892.5, 230.5])
    # No NEVs yet: t0 = 0, so 892.5 x tanh(0.5 x 2) buyers in 2 years.
    assert result.forecast_buyers[1] == pytest.approx(892.5 * math.tanh(1.0))
    # 200 of 430.5 adopted: t0 = atanh(200 / 430.5) / 0.5.
    share = 200.0 / 430.5
    expected = 430.5 * (math.tanh(math.atanh(share) + 1.0) - share)
    assert result.forecast_buyers[2] == pytest.approx(expected)
    assert result.horizon_years == 2.0


def test_forecast_equals_bass_forecast_of_market() -> None:
    """forecast_buyers is forecast_adopters of the market with the NEV stock as adopters."""
    inputs = three_counties()
    result = estimate_market(inputs, MarketParams(horizon_years=4.0))
    expected = forecast_adopters(result.market_vehicles, inputs.nev_stock, NATIONAL_BASS_CHINA, 4.0)
    np.testing.assert_allclose(result.forecast_buyers, expected)


def test_for_county_returns_python_floats() -> None:
    """for_county gives every field of one county as Python floats."""
    row = estimate_market(three_counties(), HAND_PARAMS).for_county("130102")
    assert row["market_vehicles"] == pytest.approx(1402.5)
    assert row["penetration"] == pytest.approx(0.1)
    assert row["horizon_years"] == 2.0
    assert all(type(value) is float for value in row.values())
    assert set(row) == {
        "penetration",
        "vehicles_per_car_owning_household",
        "base_market_vehicles",
        "winter_factor",
        "charging_points_per_1000_vehicles",
        "charging_factor",
        "market_vehicles",
        "remaining_market_vehicles",
        "forecast_buyers",
        "horizon_years",
    }


def test_for_county_unknown_code() -> None:
    """An unknown county code raises KeyError naming it."""
    with pytest.raises(KeyError, match="999999"):
        estimate_market(three_counties()).for_county("999999")


def test_default_assumptions_are_documented_values() -> None:
    """The defaults are the documented constants, and the reference density is cited."""
    params = MarketParams()
    assert params.ownership_ceiling == ASSUMED_OWNERSHIP_CEILING == 0.85
    assert params.max_vehicles_per_car_owning_household == 3.0
    assert ASSUMED_MAX_VEHICLES_PER_CAR_OWNING_HOUSEHOLD == 3.0
    assert params.winter_factors == ASSUMED_WINTER_FACTORS == (0.75, 0.9, 1.0, 1.0, 1.05)
    assert params.charging_factor_min == ASSUMED_CHARGING_FACTOR_MIN == 0.7
    assert params.charging_factor_max == ASSUMED_CHARGING_FACTOR_MAX == 1.1
    reference = REFERENCE_CHARGING_POINTS_PER_1000_VEHICLES
    cited = NATIONAL_PUBLIC_CHARGING_POINTS_END_2024 / NATIONAL_CAR_STOCK_END_2024_VEHICLES
    assert reference == pytest.approx(1000.0 * cited)
    assert round(reference, 3) == 10.139
    assert params.bass == NATIONAL_BASS_CHINA
    assert params.horizon_years == DEFAULT_HORIZON_YEARS == 3.0


def test_winter_factor_per_class() -> None:
    """Each winter class 1..5 gets its factor from winter_factors."""
    classes = np.array([1, 2, 3, 4, 5])
    inputs = MarketInputs(
        county_codes=tuple(f"1{k}0000" for k in classes),
        households=np.full(5, 100.0),
        car_owning_households=np.full(5, 50.0),
        vehicle_stock=np.full(5, 60.0),
        nev_stock=np.zeros(5),
        public_charging_points=np.zeros(5),
        winter_class=classes,
        population=np.full(5, 300.0),
    )
    result = estimate_market(inputs)
    np.testing.assert_array_equal(result.winter_factor, ASSUMED_WINTER_FACTORS)
    np.testing.assert_allclose(
        result.market_vehicles,
        result.base_market_vehicles * np.array(ASSUMED_WINTER_FACTORS) * 0.7,
    )


def test_vehicles_per_household_cap_raises_base_market() -> None:
    """With 200 households county 460101's base is 200 x 0.85 x 3 = 510, or 850 with cap 5."""
    inputs = three_counties(households=np.array([1000.0, 2000.0, 200.0]))
    capped = estimate_market(inputs).for_county("460101")
    uncapped = estimate_market(
        inputs, MarketParams(max_vehicles_per_car_owning_household=5.0)
    ).for_county("460101")
    assert capped["vehicles_per_car_owning_household"] == 3.0
    assert capped["base_market_vehicles"] == pytest.approx(510.0)
    assert uncapped["base_market_vehicles"] == pytest.approx(850.0)


def test_charging_factor_is_one_at_national_density() -> None:
    """A county at the national points-per-1,000-cars density gets a charging factor of 1."""
    points = REFERENCE_CHARGING_POINTS_PER_1000_VEHICLES * 600.0 / 1000.0
    inputs = three_counties(public_charging_points=np.array([points, 0.0, 0.0]))
    assert estimate_market(inputs).charging_factor[0] == pytest.approx(1.0)


def test_results_are_read_only() -> None:
    """Inputs and results hold read-only copies of the arrays."""
    households = np.array([1000.0, 2000.0, 100.0])
    inputs = three_counties(households=households)
    households[0] = 0.0
    assert inputs.households[0] == 1000.0
    result = estimate_market(inputs)
    with pytest.raises(ValueError, match="read-only"):
        result.market_vehicles[0] = 1.0
    assert len(result) == len(inputs) == 3


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"households": np.array([1.0, 2.0])}, r"MarketInputs\.households has shape \(2,\)"),
        (
            {"vehicle_stock": np.array([600.0, -1.0, 500.0])},
            r"MarketInputs\.vehicle_stock must be finite and >= 0; county 230101 has -1\.0",
        ),
        (
            {"population": np.array([math.nan, 1.0, 1.0])},
            r"MarketInputs\.population .* county 130102 has nan",
        ),
        (
            {"winter_class": np.array([3, 6, 5])},
            r"MarketInputs\.winter_class must be an integer 1\.\.5; county 230101 has 6",
        ),
        (
            {"winter_class": np.array([3.0, 1.0, 4.5])},
            r"winter_class .* county 460101 has 4\.5",
        ),
        (
            {"nev_stock": np.array([700.0, 0.0, 200.0])},
            r"nev_stock exceeds vehicle_stock: county 130102 has 700\.0 NEVs but 600\.0 cars",
        ),
        (
            {"county_codes": ("130102", "130102", "460101")},
            r"county_codes lists county 130102 twice",
        ),
    ],
)
def test_inputs_validation_names_field_and_county(
    overrides: dict[str, object], message: str
) -> None:
    """Bad inputs raise ValueError naming the field, the county and the value."""
    with pytest.raises(ValueError, match=message):
        three_counties(**overrides)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ownership_ceiling": 1.2}, r"ownership_ceiling must be in \(0, 1\], got 1\.2"),
        ({"max_vehicles_per_car_owning_household": 0.5}, "must be finite and >= 1, got 0.5"),
        ({"winter_factors": (1.0, 1.0)}, "winter_factors needs 5 finite factors"),
        ({"winter_factors": (1.0, 1.0, 0.0, 1.0, 1.0)}, "winter_factors needs 5 finite"),
        ({"charging_factor_min": 1.2}, "min 1.2 and max 1.1"),
        ({"charging_factor_max": 0.9}, "min 0.7 and max 0.9"),
        ({"charging_reference_points_per_1000_vehicles": 0.0}, "got 0.0"),
        ({"horizon_years": 0.0}, r"horizon_years must be in \(0, 30\.0\] years, got 0\.0"),
    ],
)
def test_params_validation(changes: dict[str, object], message: str) -> None:
    """Bad assumptions raise ValueError naming the parameter and value."""
    with pytest.raises(ValueError, match=message):
        replace(MarketParams(), **changes)


def test_result_validation() -> None:
    """A result whose penetration exceeds 1 is refused."""
    result = estimate_market(three_counties())
    with pytest.raises(ValueError, match=r"penetration must be <= 1"):
        replace(result, penetration=np.array([0.1, 1.5, 0.4]))


def test_empty_inputs() -> None:
    """No counties give an empty result."""
    empty = np.zeros(0)
    inputs = MarketInputs((), empty, empty, empty, empty, empty, np.zeros(0, np.int64), empty)
    result = estimate_market(inputs)
    assert len(result) == 0
    assert result.forecast_buyers.shape == (0,)


counts = st.integers(0, 1_000_000).map(float)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(counts, counts, counts, st.floats(0.0, 1.0), counts, st.integers(1, 5)),
        min_size=1,
        max_size=20,
    )
)
def test_market_invariants_property(
    rows: list[tuple[float, float, float, float, float, int]],
) -> None:
    """For any counties: penetration in [0, 1], factors in range, forecast within the market."""
    households, owners, vehicles, nev_share, points, classes = (
        np.array(c) for c in zip(*rows, strict=True)
    )
    inputs = MarketInputs(
        county_codes=tuple(f"{i:06d}" for i in range(len(rows))),
        households=households,
        car_owning_households=owners,
        vehicle_stock=vehicles,
        nev_stock=vehicles * nev_share,
        public_charging_points=points,
        winter_class=classes,
        population=households * 3.0,
    )
    result = estimate_market(inputs)
    assert np.all((result.penetration >= 0.0) & (result.penetration <= 1.0))
    assert np.all(result.base_market_vehicles >= vehicles)
    assert np.all(
        (result.charging_factor >= ASSUMED_CHARGING_FACTOR_MIN)
        & (result.charging_factor <= ASSUMED_CHARGING_FACTOR_MAX)
    )
    np.testing.assert_allclose(
        result.market_vehicles,
        result.base_market_vehicles * result.winter_factor * result.charging_factor,
    )
    assert np.all(result.forecast_buyers <= result.remaining_market_vehicles * (1 + 1e-12))
