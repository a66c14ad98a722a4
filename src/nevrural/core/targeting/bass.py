"""Bass diffusion of NEV adoption: the curve, its fit to annual sales, county forecasts.

Time ``t`` is in years since the start of diffusion; ``t = 0`` is 1 January of the first
year of a sales series, so the sales of that series' year ``k`` (``k = 1, 2, ...``) are
the adoptions between ``t = k - 1`` and ``t = k``.

Notes
-----
The Bass (1969) model: of a market of ``m`` eventual adopters, the fraction ``F(t)``
that has adopted by time ``t`` grows at the hazard ``f / (1 - F) = p + q F``, with
``p`` the coefficient of innovation (adoption independent of others, per year) and
``q`` the coefficient of imitation (adoption driven by those who already adopted, per
year). With ``F(0) = 0`` the solution is

    F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t)),

which is increasing, tends to 1, and for ``p = q`` equals ``tanh(p t)``. Adoptions in
year ``k`` are ``m (F(k) - F(k - 1))``. Solving ``F(t0) = F0`` for ``t0`` gives

    t0 = ln((1 + (q / p) F0) / (1 - F0)) / (p + q),

which places a market that has already adopted the share ``F0`` on the curve. The
adoption rate peaks at ``t* = ln(q / p) / (p + q)`` when ``q > p`` (else at ``t = 0``).

Fitting is nonlinear least squares on *annual* sales (not cumulative ones, whose
residuals are serially dependent; Srinivasan & Mason 1986):
``min sum_k (s_k - m (F(k) - F(k - 1)))^2`` over ``p, q > 0`` and ``m`` at least the
cumulative sales, by SciPy's trust-region-reflective ``least_squares`` with the
analytic Jacobian in ``(log p, log q, log m)`` and a final Gauss-Newton polish.
Starting values: a grid of ``(p, q)`` pairs, each with its optimal
``m`` from the linear least-squares solve; the best few grid points are refined.

Sources: F. M. Bass, "A new product growth for model consumer durables", Management
Science 15 (1969) 215-227; V. Srinivasan & C. H. Mason, "Nonlinear least squares
estimation of new product diffusion models", Marketing Science 5 (1986) 169-178.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, overload

import numpy as np
import numpy.typing as npt
from scipy.optimize import least_squares

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

__all__ = [
    "MAX_FORECAST_HORIZON_YEARS",
    "NATIONAL_BASS_CHINA",
    "BassFitResult",
    "BassParams",
    "bass_annual_adoptions",
    "bass_cumulative_fraction",
    "bass_time_at_fraction",
    "fit_bass",
    "forecast_adopters",
]

FloatArray = npt.NDArray[np.float64]

# Longest forecast horizon, years. The campaign plans over 1-5 years; a Bass curve
# extrapolated decades ahead says little, so longer horizons are refused.
MAX_FORECAST_HORIZON_YEARS = 30.0

# Fewest years of sales a fit accepts: the model has three parameters.
_MIN_FIT_YEARS = 3
# Bounds of the fit: p and q per year, m as a multiple of the cumulative sales.
_P_BOUNDS = (1e-9, 1.0)
_Q_BOUNDS = (1e-9, 5.0)
_M_MULTIPLE_BOUNDS = (1.0, 1e4)
# Start grid for the fit, and how many of its best points are refined.
_P_GRID = np.geomspace(1e-5, 0.2, 16)
_Q_GRID = np.linspace(0.05, 2.0, 40)
_N_STARTS = 3
_FIT_TOLERANCE = 1e-12
_POLISH_STEPS = 5


@dataclass(frozen=True, slots=True)
class BassParams:
    """Bass diffusion coefficients.

    Attributes
    ----------
    p
        Coefficient of innovation, per year (finite, > 0).
    q
        Coefficient of imitation, per year (finite, > 0).
    """

    p: float
    q: float

    def __post_init__(self) -> None:
        for name, value in (("p", self.p), ("q", self.q)):
            if not (math.isfinite(value) and value > 0.0):
                raise ValueError(f"Bass {name} must be finite and > 0 (per year), got {value}")


# Cited and fitted: IEA (2024), Global EV Outlook 2024, Global EV Data Explorer, China,
# EV sales of cars 2010-2023 (CC BY 4.0); fitted by nevrural with fit_bass on 2026-11-22.
# Series: category "Historical", parameter "EV sales", mode "Cars", BEV + PHEV + FCEV
# summed per year, 1,440 (2010) to 8,100,520 (2023) vehicles. Fit: m = 56.15 million
# vehicles, R² = 0.9860, RMSE = 284,864 vehicles per year, peak rate at 2024.75.
# The p and q below are the fit rounded to 8 significant digits. China's series is still
# near its exponential phase, hence the tiny p: diffusion is almost all imitation.
NATIONAL_BASS_CHINA = BassParams(p=2.0561205e-05, q=0.70837358)


@dataclass(frozen=True, slots=True)
class BassFitResult:
    """A Bass model fitted to annual sales.

    Attributes
    ----------
    p, q
        Coefficients of innovation and imitation, per year.
    m
        Market potential: eventual cumulative adopters, vehicles.
    r_squared
        Coefficient of determination of the annual sales, ``1 - SSE / SST``
        (dimensionless, <= 1; 0 when every year's sales are equal).
    rmse
        Root-mean-square error of the annual sales, vehicles per year.
    n_years
        Number of years fitted.
    first_year
        Calendar year of the first sales figure (``t = 0`` is its 1 January).
    fitted
        Model annual adoptions for each year fitted, vehicles.
    peak_year
        Calendar time of the peak adoption rate, decimal years (e.g. 2025.5 is mid-2025).
    """

    p: float
    q: float
    m: float
    r_squared: float
    rmse: float
    n_years: int
    first_year: int
    fitted: tuple[float, ...]
    peak_year: float

    def __post_init__(self) -> None:
        BassParams(self.p, self.q)
        if not (math.isfinite(self.m) and self.m > 0.0):
            raise ValueError(f"m must be finite and > 0 vehicles, got {self.m}")
        if not (math.isfinite(self.r_squared) and self.r_squared <= 1.0):
            raise ValueError(f"r_squared must be finite and <= 1, got {self.r_squared}")
        if not (math.isfinite(self.rmse) and self.rmse >= 0.0):
            raise ValueError(f"rmse must be finite and >= 0 vehicles, got {self.rmse}")
        if self.n_years != len(self.fitted) or self.n_years < _MIN_FIT_YEARS:
            raise ValueError(
                f"n_years is {self.n_years} but there are {len(self.fitted)} fitted values "
                f"(at least {_MIN_FIT_YEARS} needed)"
            )

    @property
    def params(self) -> BassParams:
        """The fitted coefficients as `BassParams`."""
        return BassParams(self.p, self.q)


@overload
def bass_cumulative_fraction(t_years: float, p: float, q: float) -> float: ...
@overload
def bass_cumulative_fraction(t_years: ArrayLike, p: float, q: float) -> FloatArray | float: ...
def bass_cumulative_fraction(t_years: ArrayLike, p: float, q: float) -> FloatArray | float:
    """Fraction of the market that has adopted by time ``t``, the Bass ``F(t)``.

    Parameters
    ----------
    t_years
        Time since the start of diffusion, years (>= 0; ``inf`` gives 1).
    p, q
        Coefficients of innovation and imitation, per year (> 0).

    Returns
    -------
    float or numpy.ndarray
        ``F(t)`` in [0, 1], dimensionless; a Python float for a scalar ``t_years``.

    Examples
    --------
    >>> bass_cumulative_fraction(0.0, 0.03, 0.4)
    0.0
    >>> round(bass_cumulative_fraction(1.0, 0.5, 0.5), 6)  # p = q: F = tanh(p t)
    0.462117
    >>> bass_cumulative_fraction([1.0, 5.0, 20.0], 0.03, 0.4).round(4).tolist()
    [0.0361, 0.3461, 0.9974]
    """
    BassParams(p, q)
    t = np.asarray(t_years, dtype=np.float64)
    if not np.all(t >= 0.0):
        raise ValueError("t_years must be >= 0 years (and not NaN)")
    return _scalar_if_0d(_cdf(t, p, q))


def bass_annual_adoptions(m: float, p: float, q: float, years: int) -> FloatArray:
    """Adoptions in each of the first ``years`` years, ``m (F(k) - F(k - 1))``.

    Parameters
    ----------
    m
        Market potential, vehicles (finite, >= 0).
    p, q
        Coefficients of innovation and imitation, per year (> 0).
    years
        Number of years (>= 1).

    Returns
    -------
    numpy.ndarray
        Adoptions in years ``k = 1 .. years``, vehicles; they sum to ``m F(years)``.

    Examples
    --------
    >>> bass_annual_adoptions(1000.0, 0.03, 0.4, 4).round(1).tolist()
    [36.1, 50.7, 68.3, 87.2]
    """
    BassParams(p, q)
    if not (math.isfinite(m) and m >= 0.0):
        raise ValueError(f"m must be finite and >= 0 vehicles, got {m}")
    if years < 1:
        raise ValueError(f"years must be >= 1, got {years}")
    cumulative = _cdf(np.arange(years + 1, dtype=np.float64), p, q)
    return m * np.diff(cumulative)


@overload
def bass_time_at_fraction(fraction: float, p: float, q: float) -> float: ...
@overload
def bass_time_at_fraction(fraction: ArrayLike, p: float, q: float) -> FloatArray | float: ...
def bass_time_at_fraction(fraction: ArrayLike, p: float, q: float) -> FloatArray | float:
    """Time at which the Bass curve reaches a cumulative fraction, the inverse of ``F``.

    Parameters
    ----------
    fraction
        Cumulative adopted fraction ``F0`` of the market, in [0, 1] (dimensionless).
    p, q
        Coefficients of innovation and imitation, per year (> 0).

    Returns
    -------
    float or numpy.ndarray
        ``t0`` with ``F(t0) = F0``, years since the start of diffusion; ``inf`` for
        ``F0 = 1``. A Python float for a scalar ``fraction``.

    Examples
    --------
    >>> round(bass_time_at_fraction(0.462117157, 0.5, 0.5), 6)
    1.0
    >>> bass_time_at_fraction([0.0, 1.0], 0.03, 0.4).tolist()
    [0.0, inf]
    """
    BassParams(p, q)
    share = np.asarray(fraction, dtype=np.float64)
    if not np.all((share >= 0.0) & (share <= 1.0)):
        raise ValueError("fraction must be in [0, 1] (and not NaN)")
    return _scalar_if_0d(_inverse_cdf(share, p, q))


@overload
def forecast_adopters(
    market_size: float, current_adopters: float, params: BassParams, horizon_years: float
) -> float: ...
@overload
def forecast_adopters(
    market_size: ArrayLike, current_adopters: ArrayLike, params: BassParams, horizon_years: float
) -> FloatArray | float: ...
def forecast_adopters(
    market_size: ArrayLike, current_adopters: ArrayLike, params: BassParams, horizon_years: float
) -> FloatArray | float:
    """New adopters expected over a horizon, each market placed on the Bass curve.

    Parameters
    ----------
    market_size
        Market potential ``m`` of each county, vehicles (finite, >= 0).
    current_adopters
        Adopters so far (e.g. the NEV stock), vehicles (finite, >= 0); broadcast
        against `market_size`.
    params
        Bass coefficients, per year.
    horizon_years
        Forecast horizon ``h``, years, in (0, `MAX_FORECAST_HORIZON_YEARS`].

    Returns
    -------
    float or numpy.ndarray
        ``m (F(t0 + h) - F(t0))``, vehicles, with ``F(t0) = current / m`` (see
        `bass_time_at_fraction`); 0 where ``current >= m`` or ``m = 0``. Always in
        ``[0, m - current]``. A Python float when both inputs are scalars.

    Notes
    -----
    The county is assumed to follow the given (e.g. national) ``p`` and ``q``, shifted
    in time so that its curve passes through its current adopted share: diffusion
    that started late, or has not gone far, has more years of growth ahead.

    Examples
    --------
    >>> bass = BassParams(p=0.03, q=0.4)
    >>> forecast_adopters([1000.0, 1000.0, 0.0], [0.0, 1000.0, 0.0], bass, 1.0).round(1).tolist()
    [36.1, 0.0, 0.0]
    >>> round(forecast_adopters(1000.0, 500.0, bass, 3.0), 1)  # t0 = ln(15.33) / 0.43
    292.4
    """
    if not (math.isfinite(horizon_years) and 0.0 < horizon_years <= MAX_FORECAST_HORIZON_YEARS):
        raise ValueError(
            f"horizon_years must be in (0, {MAX_FORECAST_HORIZON_YEARS}] years, got {horizon_years}"
        )
    m, current = np.broadcast_arrays(
        np.asarray(market_size, dtype=np.float64), np.asarray(current_adopters, dtype=np.float64)
    )
    for name, values in (("market_size", m), ("current_adopters", current)):
        if not np.all(np.isfinite(values) & (values >= 0.0)):
            raise ValueError(f"{name} must be finite and >= 0 vehicles")
    is_open = current < m
    share = np.divide(current, m, out=np.ones_like(m), where=is_open)
    t0 = _inverse_cdf(share, params.p, params.q)
    later = _cdf(np.where(is_open, t0 + horizon_years, 0.0), params.p, params.q)
    buyers = np.where(is_open, m * (later - share), 0.0)
    return _scalar_if_0d(np.clip(buyers, 0.0, np.maximum(m - current, 0.0)))


def fit_bass(annual_sales: Sequence[float], first_year: int) -> BassFitResult:
    """Fit a Bass model to annual sales by nonlinear least squares.

    Parameters
    ----------
    annual_sales
        Sales (adoptions) in consecutive calendar years from `first_year`, vehicles
        per year (finite, >= 0, at least 3 years, positive total).
    first_year
        Calendar year of the first figure.

    Returns
    -------
    BassFitResult
        ``p``, ``q`` (per year) and ``m`` (vehicles) minimising the squared error of the
        annual sales, with R², RMSE and the fitted series.

    Notes
    -----
    See the module Notes for the formulation. ``p`` is kept in [1e-9, 1] and ``q`` in
    [1e-9, 5] per year, ``m`` in [1, 1e4] times the cumulative sales. Work is
    O(grid · years) for the start grid plus a few small trust-region solves.

    Examples
    --------
    >>> sales = bass_annual_adoptions(1000.0, 0.03, 0.4, 8)
    >>> fit = fit_bass(sales.tolist(), first_year=2016)
    >>> round(fit.p, 4), round(fit.q, 4), round(fit.m, 1), round(fit.r_squared, 6)
    (0.03, 0.4, 1000.0, 1.0)
    """
    sales = np.asarray(annual_sales, dtype=np.float64)
    if sales.ndim != 1 or sales.size < _MIN_FIT_YEARS:
        raise ValueError(
            f"annual_sales needs at least {_MIN_FIT_YEARS} years, got {sales.size} values"
        )
    if not np.all(np.isfinite(sales) & (sales >= 0.0)):
        bad = int(np.flatnonzero(~(np.isfinite(sales) & (sales >= 0.0)))[0])
        raise ValueError(
            f"annual_sales must be finite and >= 0 vehicles; year {first_year + bad} has "
            f"{sales[bad]}"
        )
    total = float(sales.sum())
    if total <= 0.0:
        raise ValueError("annual_sales must have a positive total (vehicles)")
    # Work in units of the cumulative sales so that every parameter is of order 1.
    scaled = sales / total
    years = np.arange(sales.size + 1, dtype=np.float64)
    best_x, _ = min(
        (_refine(start, scaled, years) for start in _grid_starts(scaled, years)),
        key=lambda solution: solution[1],
    )
    p, q, multiple = (float(value) for value in best_x)
    m = multiple * total
    fitted = m * np.diff(_cdf(years, p, q))
    sse = float(np.sum((sales - fitted) ** 2))
    sst = float(np.sum((sales - sales.mean()) ** 2))
    peak_t = math.log(q / p) / (p + q) if q > p else 0.0
    return BassFitResult(
        p=p,
        q=q,
        m=m,
        r_squared=1.0 - sse / sst if sst > 0.0 else 0.0,
        rmse=math.sqrt(sse / sales.size),
        n_years=int(sales.size),
        first_year=first_year,
        fitted=tuple(float(value) for value in fitted),
        peak_year=first_year + peak_t,
    )


def _cdf(t: FloatArray, p: float, q: float) -> FloatArray:
    """Bass ``F(t)`` for validated inputs (``expm1`` keeps small ``t`` accurate)."""
    decay = np.exp(-(p + q) * t)
    return np.asarray(-np.expm1(-(p + q) * t) / (1.0 + (q / p) * decay), dtype=np.float64)


def _inverse_cdf(share: FloatArray, p: float, q: float) -> FloatArray:
    """``t0`` with ``F(t0) = share`` for validated shares in [0, 1]."""
    with np.errstate(divide="ignore"):
        t0 = (np.log1p((q / p) * share) - np.log1p(-share)) / (p + q)
    return np.asarray(t0, dtype=np.float64)


def _cdf_gradient(t: FloatArray, p: float, q: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``F(t)`` and its partial derivatives with respect to ``p`` and ``q``."""
    ratio = q / p
    decay = np.exp(-(p + q) * t)
    numerator = -np.expm1(-(p + q) * t)
    denominator = 1.0 + ratio * decay
    d_num = t * decay  # d(1 - e^{-(p+q)t}) / dp, and the same for q
    d_den_dp = -(q / p**2) * decay - ratio * t * decay
    d_den_dq = decay / p - ratio * t * decay
    dp = (d_num * denominator - numerator * d_den_dp) / denominator**2
    dq = (d_num * denominator - numerator * d_den_dq) / denominator**2
    return numerator / denominator, dp, dq


def _grid_starts(scaled: FloatArray, years: FloatArray) -> list[FloatArray]:
    """The best grid points as ``log(p, q, m multiple)``, m from the bounded linear solve."""
    p_grid, q_grid = np.meshgrid(_P_GRID, _Q_GRID, indexing="ij")
    p_flat, q_flat = p_grid.ravel(), q_grid.ravel()
    ratio = (q_flat / p_flat)[:, None]
    rate = (p_flat + q_flat)[:, None]
    shape = np.diff(-np.expm1(-rate * years) / (1.0 + ratio * np.exp(-rate * years)), axis=1)
    # The SSE is quadratic in m, so clipping the free optimum gives the bounded one.
    multiple = np.clip((shape @ scaled) / np.sum(shape**2, axis=1), *_M_MULTIPLE_BOUNDS)
    sse = np.sum((scaled - multiple[:, None] * shape) ** 2, axis=1)
    order = np.argsort(sse, kind="stable")[:_N_STARTS]
    return [np.log([p_flat[i], q_flat[i], multiple[i]]) for i in order]


def _residuals(z: FloatArray, scaled: FloatArray, years: FloatArray) -> FloatArray:
    """Model minus observed annual sales, in cumulative-sales units, at ``z = log(p, q, mu)``."""
    p, q, multiple = np.exp(z)
    return np.asarray(multiple * np.diff(_cdf(years, p, q)) - scaled, dtype=np.float64)


def _jacobian(z: FloatArray, scaled: FloatArray, years: FloatArray) -> FloatArray:  # noqa: ARG001
    """Derivatives of `_residuals` with respect to ``log p``, ``log q`` and ``log mu``."""
    p, q, multiple = np.exp(z)
    value, dp, dq = _cdf_gradient(years, p, q)
    return np.column_stack(
        (multiple * p * np.diff(dp), multiple * q * np.diff(dq), multiple * np.diff(value))
    )


def _refine(start: FloatArray, scaled: FloatArray, years: FloatArray) -> tuple[FloatArray, float]:
    """Least squares from one start in log space, then a Gauss-Newton polish.

    Log parameters make the problem well scaled (``p`` is often 1e-5 and ``q`` near 1);
    the polish solves the normal equations to rounding accuracy where the optimum is
    interior, so that the fit does not depend on where the trust region stopped.
    Returns ``(p, q, m multiple)`` and the cost (half the SSE, in scaled units).
    """
    lower, upper = np.log(np.array([_P_BOUNDS, _Q_BOUNDS, _M_MULTIPLE_BOUNDS]).T)
    solution = least_squares(
        _residuals,
        start,
        jac=_jacobian,
        bounds=(lower, upper),
        method="trf",
        ftol=_FIT_TOLERANCE,
        xtol=_FIT_TOLERANCE,
        gtol=_FIT_TOLERANCE,
        max_nfev=2000,
        args=(scaled, years),
    )
    z = np.asarray(solution.x, dtype=np.float64)
    cost = 0.5 * float(np.sum(_residuals(z, scaled, years) ** 2))
    for _ in range(_POLISH_STEPS):
        step = np.linalg.lstsq(
            _jacobian(z, scaled, years), -_residuals(z, scaled, years), rcond=None
        )[0]
        candidate = z + step
        if not np.all((candidate >= lower) & (candidate <= upper)):
            break
        candidate_cost = 0.5 * float(np.sum(_residuals(candidate, scaled, years) ** 2))
        if candidate_cost > cost:
            break
        z, cost = candidate, candidate_cost
    return np.exp(z), cost


def _scalar_if_0d(values: FloatArray) -> FloatArray | float:
    """A Python float for a 0-d array, else the array itself."""
    return float(values) if values.ndim == 0 else values
