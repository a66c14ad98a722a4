"""The shared siting problem: demand, candidate sites, allowed assignments and site rules.

Every siting model (p-median, MCLP, LSCP, phased build-out) reads this one structure.

* **Demand** ``i = 0..n_demand-1`` with weight ``w_i`` (demand units: forecast NEVs,
  persons, townships — whatever the use case counts), ``w_i >= 0``.
* **Candidate sites** ``j = 0..n_sites-1``.
* **Allowed assignments**: a sparse matrix ``distance_km`` (CSR, ``n_demand × n_sites``)
  whose stored entries are the pairs ``(i, j)`` that may be assigned, with their
  distance in km (road or great-circle × circuity: the caller decides). Pairs not
  stored are not allowed. A stored distance of 0 must be kept as an explicit entry
  (CSR keeps explicit zeros; build it from ``(data, (rows, cols))`` and never call
  ``eliminate_zeros``). A dense problem simply stores every pair.
* **Site rules**, all optional:

  - ``is_existing[j]``: the site is already open; it stays open and does not count
    towards the number of *new* sites;
  - ``has_land[j] = False``: no land, the site cannot open (an existing site always
    has land);
  - ``capacity[j]``: demand units the site can serve (e.g. chargers from grid
    headroom kVA ÷ charger kW, times NEVs per charger); ``inf`` = uncapacitated.
    Capacitated assignment is *splittable*: a demand point may be served by several
    open sites in fractions;
  - ``cost_cny[j]`` and ``budget_cny``: the cost of opening each new site and the
    budget for all new sites (existing sites cost nothing). Money is ``Decimal`` CNY
    and is compared exactly (in whole fen).

Validation happens in ``__post_init__``; errors name the field and the first bad
index. Arrays are copied and made read-only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

from nevrural.core.arrays import readonly_copy

__all__ = [
    "Clock",
    "FloatArray",
    "IntArray",
    "SitingPath",
    "SitingProblem",
    "SitingResult",
    "fen_of",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
SitingPath = Literal["exact", "heuristic"]
# Seconds from an arbitrary origin. Core never reads a clock itself: a caller that wants
# a wall-clock limit on pure-Python heuristics passes one in (``time.perf_counter``).
Clock = Callable[[], float]


def fen_of(amount: Decimal) -> int:
    """``amount`` CNY in whole fen; refuses fractions of a fen.

    >>> fen_of(Decimal("12.34"))
    1234
    """
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} CNY is not a whole number of fen")
    return int(fen)


@dataclass(frozen=True, eq=False, kw_only=True)
class SitingProblem:
    """Demand weights, allowed assignments with distances (km) and optional site rules."""

    demand_weight: FloatArray
    distance_km: sparse.csr_matrix
    is_existing: BoolArray | None = None
    has_land: BoolArray | None = None
    capacity: FloatArray | None = None
    cost_cny: tuple[Decimal, ...] | None = None
    budget_cny: Decimal | None = None
    demand_ids: tuple[str, ...] | None = None
    site_ids: tuple[str, ...] | None = None
    _cost_fen: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        weight = np.asarray(self.demand_weight, dtype=np.float64)
        if weight.ndim != 1:
            raise ValueError("demand_weight must be one-dimensional")
        bad = np.flatnonzero(~np.isfinite(weight) | (weight < 0))
        if bad.size:
            raise ValueError(f"demand_weight[{bad[0]}] = {weight[bad[0]]} must be finite, >= 0")
        matrix = sparse.csr_matrix(self.distance_km, dtype=np.float64)
        matrix.sort_indices()
        if matrix.shape[0] != weight.size:
            raise ValueError(
                f"distance_km has {matrix.shape[0]} rows, demand_weight {weight.size} entries"
            )
        if matrix.data.size and not (np.all(np.isfinite(matrix.data)) and matrix.data.min() >= 0):
            raise ValueError("distance_km entries must be finite and >= 0")
        object.__setattr__(self, "demand_weight", readonly_copy(weight))
        object.__setattr__(self, "distance_km", matrix)
        n_sites = matrix.shape[1]
        for name in ("is_existing", "has_land"):
            self._set_flags(name, n_sites)
        self._check_capacity(n_sites)
        self._check_costs(n_sites)
        for name, size in (("demand_ids", weight.size), ("site_ids", n_sites)):
            ids = getattr(self, name)
            if ids is not None and len(ids) != size:
                raise ValueError(f"{name} has {len(ids)} entries, expected {size}")
        if self.is_existing is not None and self.has_land is not None:
            clash = np.flatnonzero(self.is_existing & ~self.has_land)
            if clash.size:
                raise ValueError(f"site {clash[0]} is existing but has_land is False")

    def _set_flags(self, name: str, n_sites: int) -> None:
        value = getattr(self, name)
        if value is None:
            return
        flags = np.asarray(value, dtype=np.bool_)
        if flags.shape != (n_sites,):
            raise ValueError(f"{name} has shape {flags.shape}, expected ({n_sites},)")
        object.__setattr__(self, name, readonly_copy(flags))

    def _check_capacity(self, n_sites: int) -> None:
        if self.capacity is None:
            return
        capacity = np.asarray(self.capacity, dtype=np.float64)
        if capacity.shape != (n_sites,):
            raise ValueError(f"capacity has shape {capacity.shape}, expected ({n_sites},)")
        bad = np.flatnonzero(np.isnan(capacity) | (capacity < 0))
        if bad.size:
            raise ValueError(f"capacity[{bad[0]}] = {capacity[bad[0]]} must be >= 0")
        object.__setattr__(self, "capacity", readonly_copy(capacity))

    def _check_costs(self, n_sites: int) -> None:
        if self.cost_cny is None:
            if self.budget_cny is not None:
                raise ValueError("budget_cny needs cost_cny")
            object.__setattr__(self, "_cost_fen", readonly_copy(np.zeros(n_sites, dtype=np.int64)))
            return
        if len(self.cost_cny) != n_sites:
            raise ValueError(f"cost_cny has {len(self.cost_cny)} entries, expected {n_sites}")
        fen = np.array([fen_of(Decimal(c)) for c in self.cost_cny], dtype=np.int64)
        bad = np.flatnonzero(fen < 0)
        if bad.size:
            raise ValueError(f"cost_cny[{bad[0]}] = {self.cost_cny[bad[0]]} must be >= 0")
        if self.budget_cny is not None and self.budget_cny < 0:
            raise ValueError(f"budget_cny = {self.budget_cny} must be >= 0")
        object.__setattr__(self, "_cost_fen", readonly_copy(fen))

    @property
    def n_demand(self) -> int:
        """Number of demand points."""
        return int(self.distance_km.shape[0])

    @property
    def n_sites(self) -> int:
        """Number of candidate sites."""
        return int(self.distance_km.shape[1])

    @property
    def existing(self) -> BoolArray:
        """Existing-site flags (all False when not given)."""
        if self.is_existing is None:
            return np.zeros(self.n_sites, dtype=np.bool_)
        return self.is_existing

    @property
    def can_open(self) -> BoolArray:
        """Sites that may be opened as new: land available and not existing."""
        land = np.ones(self.n_sites, dtype=np.bool_) if self.has_land is None else self.has_land
        return land & ~self.existing

    @property
    def site_capacity(self) -> FloatArray:
        """Capacity per site (``inf`` when not given)."""
        if self.capacity is None:
            return np.full(self.n_sites, math.inf)
        return self.capacity

    @property
    def cost_fen(self) -> IntArray:
        """Opening cost of each site in whole fen (0 when not given)."""
        return self._cost_fen

    @property
    def budget_fen(self) -> int | None:
        """Budget for new sites in whole fen, floored; None when unlimited."""
        if self.budget_cny is None:
            return None
        return math.floor(self.budget_cny * 100)

    def total_weight(self) -> float:
        """Sum of demand weights."""
        return float(self.demand_weight.sum())


@dataclass(frozen=True, eq=False)
class SitingResult:
    """Open sites, assignment and the proof of quality of one solve.

    ``objective`` is the model's value of the returned solution (weighted distance in
    demand-unit-km for p-median; covered weight for MCLP; number or cost of sites for
    LSCP). ``lower_bound``/``upper_bound``: the proven bound on the optimum (minimising
    models fill ``lower_bound``, MCLP fills ``upper_bound`` and mirrors it into
    ``lower_bound`` as None). ``gap`` = |bound − objective| / max(|objective|, 1e-9).
    ``assignment[i]`` is the site serving demand ``i`` (the largest share when split),
    -1 when unserved. ``seconds`` is solver time as reported by HiGHS (0 for pure
    Python work, which core does not time).
    """

    model: Literal["p-median", "mclp", "lscp", "phased-p-median", "phased-mclp"]
    path: SitingPath
    status: str
    open_sites: tuple[int, ...]
    new_sites: tuple[int, ...]
    assignment: IntArray
    objective: float
    lower_bound: float | None
    upper_bound: float | None
    gap: float
    seconds: float
    details: dict[str, float] = field(default_factory=dict)
