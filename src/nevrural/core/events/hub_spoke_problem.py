"""The hub-and-spoke event plan of one county: inputs and solver settings.

One **main venue** at the county seat and a set of **township sub-events** within the
days, staff and demo cars the campaign can spare. A township's population counts as
*reached* when an event is held within the reach radius of it, road km. The solver is
:func:`nevrural.core.events.hub_spoke.solve_hub_spoke`.

Units: road distances in km, population in persons, durations in whole days, staff in
persons, demo cars in cars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse

from nevrural.core.arrays import readonly_copy
from nevrural.core.geo import DEFAULT_RURAL_CIRCUITY, haversine_km, pairs_within_km

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = [
    "BoolArray",
    "FloatArray",
    "HubSpokeParams",
    "HubSpokePath",
    "HubSpokeProblem",
    "IntArray",
    "estimate_road_km",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
HubSpokePath = Literal["auto", "exact", "greedy"]

# Coverage pairs above which "auto" skips the MIP for the greedy path. A county has
# tens of townships (hundreds of pairs); this only trips on village-level inputs.
DEFAULT_MAX_EXACT_PAIRS = 500_000


def estimate_road_km(
    seat_lon_deg: float,
    seat_lat_deg: float,
    lon_deg: ArrayLike,
    lat_deg: ArrayLike,
    radius_km: float,
    circuity: float = DEFAULT_RURAL_CIRCUITY,
) -> tuple[FloatArray, sparse.csr_matrix]:
    """Road km from the seat and between townships, as great-circle km × `circuity`.

    Only township pairs within `radius_km` road km are stored (sparse, self-pairs
    included), so large inputs never build a dense matrix.

    Returns
    -------
    seat_road_km
        Road distance from the county seat to each township, km.
    road_km
        CSR ``(n, n)``: stored pairs within `radius_km`, road km (distance 0 is stored
        as 1e-6 km so that it stays a stored pair).

    Examples
    --------
    >>> seat, road = estimate_road_km(0.0, 0.0, [0.0, 0.1, 0.3], [0.0, 0.0, 0.0], 20.0)
    >>> seat.round(1).tolist(), road.nnz
    ([0.0, 15.0, 45.0], 5)
    """
    if not (math.isfinite(circuity) and circuity >= 1.0):
        raise ValueError(f"circuity must be a finite number >= 1, got {circuity}")
    lon = np.asarray(lon_deg, dtype=np.float64)
    lat = np.asarray(lat_deg, dtype=np.float64)
    pairs = pairs_within_km(lon, lat, radius_km / circuity)
    seat_km = np.asarray(haversine_km(seat_lon_deg, seat_lat_deg, lon, lat), dtype=np.float64)
    road = pairs.to_csr()
    road.data = road.data * circuity
    return seat_km * circuity, road


def _int_at_least(name: str, value: object, low: int) -> int:
    """`value` as an int >= `low`, or a ValueError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ValueError(f"{name} = {value!r} must be an integer >= {low}")
    return int(value)


def _per_township(name: str, value: ArrayLike, n: int, low: int) -> IntArray:
    """A scalar or length-`n` array of integers >= `low`, as a read-only int64 array."""
    array = np.asarray(value)
    if array.ndim == 0:
        array = np.full(n, array)
    if array.shape != (n,):
        raise ValueError(f"{name} has shape {array.shape}, expected () or ({n},)")
    as_int = array.astype(np.int64) if array.size else np.zeros(0, dtype=np.int64)
    bad = np.flatnonzero(
        ~np.isfinite(array.astype(np.float64)) | (as_int != array) | (as_int < low)
    )
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"{name}[{i}] = {array[i]!r} must be an integer >= {low}")
    return readonly_copy(as_int)


def _distance_matrix(value: ArrayLike | sparse.spmatrix, n: int) -> sparse.csr_matrix:
    """`road_km` as CSR: dense entries that are finite become stored pairs, inf = none."""
    if sparse.issparse(value):
        matrix = sparse.csr_matrix(value, dtype=np.float64, copy=True)
        if matrix.shape != (n, n):
            raise ValueError(f"road_km has shape {matrix.shape}, expected ({n}, {n})")
        rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
        data, cols = matrix.data, matrix.indices
    else:
        dense = np.asarray(value, dtype=np.float64)
        if dense.shape != (n, n):
            raise ValueError(f"road_km has shape {dense.shape}, expected ({n}, {n})")
        bad = np.argwhere(np.isnan(dense) | (dense < 0.0))
        if bad.size:
            i, j = (int(v) for v in bad[0])
            raise ValueError(f"road_km[{i}, {j}] = {dense[i, j]} must be >= 0 or inf")
        rows, cols = np.nonzero(np.isfinite(dense))
        data = dense[rows, cols]
    bad_pairs = np.flatnonzero(~np.isfinite(data) | (data < 0.0))
    if bad_pairs.size:
        k = int(bad_pairs[0])
        i, j = int(rows[k]), int(cols[k])
        raise ValueError(f"road_km[{i}, {j}] = {data[k]} must be finite and >= 0 when stored")
    csr = sparse.csr_matrix((data, (rows, cols)), shape=(n, n))  # explicit zeros kept
    csr.sort_indices()
    return csr


@dataclass(frozen=True, eq=False, kw_only=True)
class HubSpokeProblem:
    """One county's hub-and-spoke event plan: townships, reach and budgets.

    Attributes
    ----------
    township_codes
        Unique code of each township ``i = 0..n-1`` (``str``).
    population_persons
        Population of each township, persons (>= 0).
    seat_road_km
        Road distance from the county seat (the main venue) to each township, km;
        ``inf`` = unknown or unreachable.
    road_km
        ``road_km[i, j]``: road distance from township ``i`` (where people live) to
        township ``j`` (where a sub-event is held), km. Dense (``inf`` = no pair) or
        scipy sparse (stored entries are the pairs; a stored 0 is kept). A sub-event
        always reaches its own township, whatever the diagonal says.
    reach_km
        Reach radius of a sub-event, road km (> 0): townships within it are reached.
    main_reach_km
        Reach radius of the main venue, road km; None = `reach_km`.
    sub_event_days
        Days available for sub-events in total (>= 0).
    event_days
        Duration of a sub-event, whole days (>= 1): one value or one per township.
    staff_per_event, staff_available
        Staff a sub-event needs (one value or one per township) and the staff the plan
        can commit in total, persons; each person works at one event.
    demo_cars_per_event, demo_cars_available
        Demo cars a sub-event needs (one value or one per township) and the demo cars
        available in total, cars; each car is shown at one event.
    main_venue_staff, main_venue_demo_cars
        Staff, persons, and demo cars, cars, the main venue takes off the totals first.
    is_eligible
        Townships that can host a sub-event (e.g. a suitable venue); None = all.
    """

    township_codes: tuple[str, ...]
    population_persons: FloatArray
    seat_road_km: FloatArray
    road_km: sparse.csr_matrix | FloatArray
    reach_km: float
    sub_event_days: int
    event_days: IntArray | int
    staff_per_event: IntArray | int
    staff_available: int
    demo_cars_per_event: IntArray | int
    demo_cars_available: int
    main_reach_km: float | None = None
    main_venue_staff: int = 0
    main_venue_demo_cars: int = 0
    is_eligible: BoolArray | None = None

    def __post_init__(self) -> None:
        """Validate every field; errors name the field and the first bad index."""
        codes = tuple(self.township_codes)
        seen: dict[str, int] = {}
        for i, code in enumerate(codes):
            if not isinstance(code, str) or not code:
                raise ValueError(f"township_codes[{i}] = {code!r} must be a non-empty str")
            if code in seen:
                raise ValueError(
                    f"township_codes[{i}] = {code!r} repeats township_codes[{seen[code]}]"
                )
            seen[code] = i
        n = len(codes)
        set_ = object.__setattr__
        set_(self, "township_codes", codes)
        set_(self, "population_persons", self._vector("population_persons", n, allow_inf=False))
        set_(self, "seat_road_km", self._vector("seat_road_km", n, allow_inf=True))
        set_(self, "road_km", _distance_matrix(self.road_km, n))
        for name in ("reach_km", "main_reach_km"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | np.number):
                raise ValueError(f"{name} = {value!r} must be a number of km")
            if not (math.isfinite(value) and value > 0.0):
                raise ValueError(f"{name} = {value!r} must be finite and > 0 km")
            set_(self, name, float(value))
        for name in ("sub_event_days", "staff_available", "demo_cars_available"):
            set_(self, name, _int_at_least(name, getattr(self, name), 0))
        for name in ("main_venue_staff", "main_venue_demo_cars"):
            set_(self, name, _int_at_least(name, getattr(self, name), 0))
        set_(self, "event_days", _per_township("event_days", self.event_days, n, 1))
        for name in ("staff_per_event", "demo_cars_per_event"):
            set_(self, name, _per_township(name, getattr(self, name), n, 0))
        self._check_main_venue()
        self._check_eligible(n)

    def _vector(self, name: str, n: int, *, allow_inf: bool) -> FloatArray:
        """A length-`n` float vector, >= 0, finite unless `allow_inf`."""
        array = np.asarray(getattr(self, name), dtype=np.float64)
        if array.shape != (n,):
            raise ValueError(f"{name} has shape {array.shape}, expected ({n},)")
        ok = (array >= 0.0) & (np.isfinite(array) | allow_inf)
        bad = np.flatnonzero(~ok)
        if bad.size:
            i = int(bad[0])
            rule = ">= 0 (inf allowed)" if allow_inf else "finite and >= 0"
            raise ValueError(f"{name}[{i}] = {array[i]} must be {rule}")
        return readonly_copy(array)

    def _check_main_venue(self) -> None:
        """The main venue's needs must fit in the totals; the message names both numbers."""
        for need, total in (
            ("main_venue_staff", "staff_available"),
            ("main_venue_demo_cars", "demo_cars_available"),
        ):
            if getattr(self, need) > getattr(self, total):
                raise ValueError(
                    f"{need} = {getattr(self, need)} exceeds {total} = {getattr(self, total)}:"
                    " the main venue alone does not fit"
                )

    def _check_eligible(self, n: int) -> None:
        """`is_eligible` is None or a length-`n` boolean vector."""
        if self.is_eligible is None:
            object.__setattr__(self, "is_eligible", readonly_copy(np.ones(n, dtype=np.bool_)))
            return
        array = np.asarray(self.is_eligible)
        if array.shape != (n,):
            raise ValueError(f"is_eligible has shape {array.shape}, expected ({n},)")
        if array.dtype != np.bool_:
            bad = np.flatnonzero((array != 0) & (array != 1))
            if bad.size:
                i = int(bad[0])
                raise ValueError(f"is_eligible[{i}] = {array[i]!r} must be a boolean")
        object.__setattr__(self, "is_eligible", readonly_copy(array.astype(np.bool_)))

    @property
    def n_townships(self) -> int:
        """Number of townships."""
        return len(self.township_codes)

    @property
    def road_pairs_km(self) -> sparse.csr_matrix:
        """`road_km` after validation: CSR of the stored pairs, road km (zeros kept)."""
        return self.road_km

    @property
    def main_radius_km(self) -> float:
        """Reach radius of the main venue, road km."""
        return self.reach_km if self.main_reach_km is None else self.main_reach_km

    @property
    def eligible(self) -> BoolArray:
        """Townships that can host a sub-event (never None after validation)."""
        assert self.is_eligible is not None  # set in __post_init__
        return self.is_eligible

    def needs(self) -> tuple[IntArray, IntArray, IntArray]:
        """Per township: sub-event days, days; staff, persons; demo cars, cars."""
        return (
            np.asarray(self.event_days, dtype=np.int64),
            np.asarray(self.staff_per_event, dtype=np.int64),
            np.asarray(self.demo_cars_per_event, dtype=np.int64),
        )

    @property
    def staff_for_sub_events(self) -> int:
        """Staff left for sub-events after the main venue, persons."""
        return self.staff_available - self.main_venue_staff

    @property
    def demo_cars_for_sub_events(self) -> int:
        """Demo cars left for sub-events after the main venue, cars."""
        return self.demo_cars_available - self.main_venue_demo_cars


@dataclass(frozen=True)
class HubSpokeParams:
    """How to solve: path, time limit and seed.

    Attributes
    ----------
    path
        ``"exact"`` (HiGHS MIP, warm-started by greedy), ``"greedy"`` or ``"auto"``
        (exact up to `max_exact_pairs` coverage pairs).
    time_limit_s
        HiGHS time limit, s.
    mip_rel_gap
        Relative gap at which the MIP stops.
    seed
        HiGHS random seed.
    max_exact_pairs
        Largest number of coverage pairs for which ``"auto"`` runs the MIP.
    """

    path: HubSpokePath = "auto"
    time_limit_s: float = 30.0
    mip_rel_gap: float = 1e-9
    seed: int = 0
    max_exact_pairs: int = DEFAULT_MAX_EXACT_PAIRS

    def __post_init__(self) -> None:
        """Validate the settings, naming the field."""
        if self.path not in ("auto", "exact", "greedy"):
            raise ValueError(f"path = {self.path!r} must be 'auto', 'exact' or 'greedy'")
        if not (math.isfinite(self.time_limit_s) and self.time_limit_s > 0.0):
            raise ValueError(f"time_limit_s = {self.time_limit_s!r} must be finite and > 0")
        if not (math.isfinite(self.mip_rel_gap) and 0.0 <= self.mip_rel_gap < 1.0):
            raise ValueError(f"mip_rel_gap = {self.mip_rel_gap!r} must lie in [0, 1)")
        _int_at_least("seed", self.seed, 0)
        _int_at_least("max_exact_pairs", self.max_exact_pairs, 0)
