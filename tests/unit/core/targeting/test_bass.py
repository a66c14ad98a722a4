"""Tests for the Bass diffusion curve, its fit to annual sales and county forecasts."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nevrural.core.targeting.bass import (
    MAX_FORECAST_HORIZON_YEARS,
    NATIONAL_BASS_CHINA,
    BassFitResult,
    BassParams,
    bass_annual_adoptions,
    bass_cumulative_fraction,
    bass_time_at_fraction,
    fit_bass,
    forecast_adopters,
)

if TYPE_CHECKING:
    from pathlib import Path

__all__: list[str] = []

TRUE_P, TRUE_Q, TRUE_M = 0.01, 0.45, 1_000_000.0
IEA_CHINA_CSV = ("china", "iea_ev", "IEA_Global_EV_Data_2024_China_only.csv")


def read_iea_china_car_sales(shared_data_dir: Path) -> dict[int, float]:
    """China's historical EV car sales per year, vehicles, all powertrains summed."""
    totals: dict[int, float] = defaultdict(float)
    with shared_data_dir.joinpath(*IEA_CHINA_CSV).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["category"], row["parameter"], row["mode"]) == (
                "Historical",
                "EV sales",
                "Cars",
            ):
                totals[int(row["year"])] += float(row["value"])
    return {year: totals[year] for year in range(2010, 2024)}


def test_fraction_is_zero_at_start() -> None:
    """F(0) = 0 for any p and q."""
    assert bass_cumulative_fraction(0.0, 0.03, 0.4) == 0.0
    assert isinstance(bass_cumulative_fraction(0.0, 0.03, 0.4), float)


def test_fraction_tends_to_one() -> None:
    """F(t) approaches 1 for large t and equals 1 at t = inf."""
    assert bass_cumulative_fraction(200.0, 0.03, 0.4) == pytest.approx(1.0, abs=1e-12)
    assert bass_cumulative_fraction(math.inf, 0.03, 0.4) == 1.0


def test_fraction_is_tanh_when_p_equals_q() -> None:
    """With p = q the curve is tanh(p t): F(1) = tanh(0.5) = 0.462117 for p = q = 0.5."""
    t_years = np.array([0.5, 1.0, 2.0, 4.0])
    fraction = bass_cumulative_fraction(t_years, 0.5, 0.5)
    np.testing.assert_allclose(fraction, np.tanh(0.5 * t_years), rtol=1e-14)
    assert bass_cumulative_fraction(1.0, 0.5, 0.5) == pytest.approx(0.4621171573)


def test_fraction_hand_value() -> None:
    """F(1) for p = 0.03, q = 0.4 is (1 - e^-0.43) / (1 + 13.33 e^-0.43) = 0.036129."""
    expected = (1.0 - math.exp(-0.43)) / (1.0 + (0.4 / 0.03) * math.exp(-0.43))
    assert bass_cumulative_fraction(1.0, 0.03, 0.4) == pytest.approx(expected, rel=1e-14)
    assert expected == pytest.approx(0.036129, abs=1e-6)


def test_fraction_rejects_negative_time_and_bad_coefficients() -> None:
    """Negative time or a non-positive coefficient raises ValueError."""
    with pytest.raises(ValueError, match="t_years"):
        bass_cumulative_fraction(-1.0, 0.03, 0.4)
    with pytest.raises(ValueError, match="Bass q must be finite and > 0"):
        bass_cumulative_fraction(1.0, 0.03, 0.0)
    with pytest.raises(ValueError, match=r"Bass p .* got nan"):
        BassParams(p=math.nan, q=0.4)


def test_annual_adoptions_sum_to_m_times_fraction() -> None:
    """Adoptions over n years sum to m F(n) and each equals m (F(k) - F(k - 1))."""
    adoptions = bass_annual_adoptions(TRUE_M, TRUE_P, TRUE_Q, 12)
    assert adoptions.shape == (12,)
    assert adoptions.sum() == pytest.approx(TRUE_M * bass_cumulative_fraction(12.0, TRUE_P, TRUE_Q))
    third = TRUE_M * (
        bass_cumulative_fraction(3.0, TRUE_P, TRUE_Q)
        - bass_cumulative_fraction(2.0, TRUE_P, TRUE_Q)
    )
    assert adoptions[2] == pytest.approx(third)


def test_fit_recovers_noiseless_series() -> None:
    """A noiseless 12-year series gives back p, q and m within 1e-3 relative."""
    sales = bass_annual_adoptions(TRUE_M, TRUE_P, TRUE_Q, 12)
    fit = fit_bass(sales.tolist(), first_year=2012)
    assert fit.p == pytest.approx(TRUE_P, rel=1e-3)
    assert fit.q == pytest.approx(TRUE_Q, rel=1e-3)
    assert fit.m == pytest.approx(TRUE_M, rel=1e-3)
    assert fit.r_squared == pytest.approx(1.0, abs=1e-9)
    assert fit.rmse == pytest.approx(0.0, abs=1e-3 * TRUE_M)
    assert (fit.n_years, fit.first_year, len(fit.fitted)) == (12, 2012, 12)
    assert fit.peak_year == pytest.approx(2012 + math.log(TRUE_Q / TRUE_P) / (TRUE_P + TRUE_Q))
    assert fit.params == BassParams(fit.p, fit.q)


def test_fit_recovers_noisy_series_roughly() -> None:
    """A 15-year series with 5 % seeded noise gives p within 25 %, q and m within 5 %."""
    rng = np.random.default_rng(42)
    sales = bass_annual_adoptions(TRUE_M, TRUE_P, TRUE_Q, 15)
    noisy = sales * (1.0 + 0.05 * rng.standard_normal(sales.size))
    fit = fit_bass(noisy.tolist(), first_year=2009)
    assert fit.p == pytest.approx(TRUE_P, rel=0.25)
    assert fit.q == pytest.approx(TRUE_Q, rel=0.05)
    assert fit.m == pytest.approx(TRUE_M, rel=0.05)
    assert fit.r_squared > 0.97


def test_fit_is_deterministic() -> None:
    """The same seeded noisy series fits to identical results twice."""
    rng = np.random.default_rng(7)
    noisy = bass_annual_adoptions(TRUE_M, TRUE_P, TRUE_Q, 10) * rng.uniform(0.9, 1.1, 10)
    assert fit_bass(noisy.tolist(), 2014) == fit_bass(noisy.tolist(), 2014)


def test_fit_keeps_m_at_least_cumulative_sales() -> None:
    """A series still accelerating keeps m at or above the cumulative sales."""
    sales = [1.0, 2.0, 4.0, 8.0, 16.0]
    fit = fit_bass(sales, first_year=2019)
    assert fit.m >= sum(sales) * (1.0 - 1e-12)


@pytest.mark.parametrize(
    ("sales", "message"),
    [
        ([1.0, 2.0], "at least 3 years, got 2"),
        ([1.0, -2.0, 3.0], "year 2021 has -2.0"),
        ([1.0, math.nan, 3.0], "year 2021 has nan"),
        ([0.0, 0.0, 0.0], "positive total"),
    ],
)
def test_fit_validates_sales(sales: list[float], message: str) -> None:
    """Too few years, negative or NaN sales and a zero total raise ValueError naming them."""
    with pytest.raises(ValueError, match=message):
        fit_bass(sales, first_year=2020)


def test_fit_result_validates_counts() -> None:
    """A fit result whose n_years disagrees with its fitted values is refused."""
    with pytest.raises(ValueError, match="n_years is 4 but there are 3 fitted values"):
        BassFitResult(0.01, 0.4, 100.0, 0.9, 1.0, 4, 2020, (1.0, 2.0, 3.0), 2025.0)


def test_inversion_round_trip() -> None:
    """t0 -> F(t0) -> t0 returns the same times, years."""
    t_years = np.array([0.0, 0.5, 3.0, 10.0, 25.0])
    fraction = bass_cumulative_fraction(t_years, 0.02, 0.6)
    np.testing.assert_allclose(bass_time_at_fraction(fraction, 0.02, 0.6), t_years, atol=1e-9)
    assert bass_time_at_fraction(1.0, 0.02, 0.6) == math.inf
    with pytest.raises(ValueError, match="fraction must be in"):
        bass_time_at_fraction(1.5, 0.02, 0.6)


def test_forecast_equals_curve_from_current_share() -> None:
    """Half-adopted m = 1000 with p = q = 0.5: 1000 (tanh(atanh(0.5) + 1.5) - 0.5) buyers."""
    params = BassParams(0.5, 0.5)
    expected = 1000.0 * (math.tanh(math.atanh(0.5) + 0.5 * 3.0) - 0.5)
    assert forecast_adopters(1000.0, 500.0, params, 3.0) == pytest.approx(expected)
    assert isinstance(forecast_adopters(1000.0, 500.0, params, 3.0), float)


def test_forecast_is_monotone_in_horizon() -> None:
    """Longer horizons never forecast fewer buyers."""
    horizons = [0.5, 1.0, 2.0, 3.0, 5.0, 10.0]
    buyers = [
        forecast_adopters(np.array([5e4, 1e3]), np.array([2e3, 1.0]), NATIONAL_BASS_CHINA, h)
        for h in horizons
    ]
    assert np.all(np.diff(np.array(buyers), axis=0) >= 0.0)


def test_forecast_is_zero_when_saturated_or_empty() -> None:
    """Counties at or above m, and markets of size 0, forecast 0 buyers."""
    market, current = [100.0, 100.0, 0.0, 0.0], [100.0, 150.0, 0.0, 5.0]
    buyers = np.asarray(forecast_adopters(market, current, NATIONAL_BASS_CHINA, 3.0))
    assert buyers.tolist() == [0.0, 0.0, 0.0, 0.0]


@pytest.mark.parametrize("horizon_years", [0.0, -1.0, MAX_FORECAST_HORIZON_YEARS + 1.0, math.nan])
def test_forecast_validates_horizon(horizon_years: float) -> None:
    """Horizons outside (0, 30] years raise ValueError naming the value."""
    with pytest.raises(ValueError, match="horizon_years must be in"):
        forecast_adopters(100.0, 10.0, NATIONAL_BASS_CHINA, horizon_years)


def test_forecast_validates_counts() -> None:
    """Negative market sizes or adopters raise ValueError naming the argument."""
    with pytest.raises(ValueError, match="market_size"):
        forecast_adopters([-1.0], [0.0], NATIONAL_BASS_CHINA, 1.0)
    with pytest.raises(ValueError, match="current_adopters"):
        forecast_adopters([1.0], [math.inf], NATIONAL_BASS_CHINA, 1.0)


@pytest.mark.shared_data
def test_iea_china_fit_is_sane(shared_data_dir: Path) -> None:
    """Fitting IEA China EV car sales 2010-2023 gives R² >= 0.95 and m above cumulative sales."""
    sales = read_iea_china_car_sales(shared_data_dir)
    fit = fit_bass(list(sales.values()), first_year=2010)
    assert fit.r_squared >= 0.95
    assert fit.m >= sum(sales.values())
    assert fit.q > fit.p > 0.0
    assert fit.rmse < 0.1 * max(sales.values())


@pytest.mark.shared_data
def test_national_constants_come_from_iea_fit(shared_data_dir: Path) -> None:
    """NATIONAL_BASS_CHINA equals a fresh fit of the IEA series within 1e-6 relative."""
    sales = read_iea_china_car_sales(shared_data_dir)
    fit = fit_bass(list(sales.values()), first_year=2010)
    assert NATIONAL_BASS_CHINA.p == pytest.approx(fit.p, rel=1e-6)
    assert NATIONAL_BASS_CHINA.q == pytest.approx(fit.q, rel=1e-6)


coefficients = st.tuples(st.floats(1e-4, 0.2), st.floats(0.01, 2.0))


@settings(max_examples=100, deadline=None)
@given(
    pq=coefficients,
    market=st.floats(0.0, 1e7),
    adopted_share=st.floats(0.0, 1.2),
    horizon_years=st.floats(0.01, MAX_FORECAST_HORIZON_YEARS),
)
def test_forecast_within_remaining_market_property(
    pq: tuple[float, float], market: float, adopted_share: float, horizon_years: float
) -> None:
    """For any market and adopters the forecast lies in [0, max(m - current, 0)]."""
    current = market * adopted_share
    buyers = forecast_adopters(market, current, BassParams(*pq), horizon_years)
    assert 0.0 <= buyers <= max(market - current, 0.0)


@settings(max_examples=100, deadline=None)
@given(pq=coefficients, times=st.lists(st.floats(0.0, 100.0), min_size=2, max_size=20))
def test_fraction_is_monotone_property(pq: tuple[float, float], times: list[float]) -> None:
    """For any p and q, F is non-decreasing in t and stays in [0, 1]."""
    t_years = np.sort(np.array(times))
    fraction = np.asarray(bass_cumulative_fraction(t_years, *pq))
    assert np.all(np.diff(fraction) >= 0.0)
    assert np.all((fraction >= 0.0) & (fraction <= 1.0))
