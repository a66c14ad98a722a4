"""Inputs and outputs of city-linkage selection: candidates and weights in, the chosen set out.

The objective these describe is defined in :mod:`nevrural.core.linkage.objective`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from nevrural.core.linkage.regions import RegionScheme, region_of_province

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["CityReason", "LinkageMethod", "LinkageProblem", "LinkageResult", "LinkageTerms"]

LinkageMethod = Literal["exact", "greedy"]

_SIX_DIGITS = re.compile(r"[0-9]{6}")


def _check_weight(name: str, value: float) -> None:
    """Raise unless ``value`` is a finite number >= 0."""
    if not (math.isfinite(value) and value >= 0.0):
        raise ValueError(f"{name} = {value} must be finite and >= 0")


@dataclass(frozen=True)
class LinkageProblem:
    """Candidate cities for a linked car festival and how to value a chosen set of `k`.

    Sequences may be passed as lists; they are stored as tuples (themes as frozensets).

    Attributes
    ----------
    codes
        Six-digit division code of each candidate city, unique.
    names
        Name of each candidate, for reasons.
    province_codes
        Six-digit code of each candidate's province (``PP0000``); it decides the region.
    lon_deg, lat_deg
        Location of each candidate, degrees.
    themes
        Theme keys of each candidate (e.g. ``automaker_base``, ``border_trade``).
    k
        Number of cities to choose, ``1 <= k <=`` candidates not excluded.
    features
        One row of numbers per candidate (``n x d``, e.g. population, NEV share); may be
        ``()`` for no features. Standardised to z-scores inside; constant columns are
        ignored.
    feature_names
        Name of each feature column (``d`` of them).
    w_distinct, w_themes, w_regions, w_spread
        Weights (>= 0, not all 0) of feature distinctiveness, theme coverage, region
        coverage and geographic spread.
    theme_values
        Value of covering a theme (>= 0); themes not listed are worth 1, keys that no
        candidate has are ignored.
    must_include, exclude
        Codes that must be chosen / must not be chosen; disjoint.
    region_scheme
        ``"seven"`` traditional regions or ``"nbs4"`` NBS economic regions (see
        :mod:`nevrural.core.linkage.regions`).

    Examples
    --------
    >>> problem = LinkageProblem(
    ...     codes=("620100", "650100", "440100"), names=("兰州市", "乌鲁木齐市", "广州市"),
    ...     province_codes=("620000", "650000", "440000"),
    ...     lon_deg=(103.8, 87.6, 113.3), lat_deg=(36.1, 43.8, 23.1),
    ...     themes=(frozenset({"logistics_hub"}), frozenset({"border_trade"}), frozenset()),
    ...     k=2,
    ... )
    >>> problem.n, problem.regions
    (3, ('northwest', 'northwest', 'south_china'))
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    province_codes: tuple[str, ...]
    lon_deg: tuple[float, ...]
    lat_deg: tuple[float, ...]
    themes: tuple[frozenset[str], ...]
    k: int
    features: tuple[tuple[float, ...], ...] = ()
    feature_names: tuple[str, ...] = ()
    w_distinct: float = 1.0
    w_themes: float = 1.0
    w_regions: float = 1.0
    w_spread: float = 1.0
    theme_values: Mapping[str, float] = field(default_factory=dict)
    must_include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    region_scheme: RegionScheme = "seven"

    def __post_init__(self) -> None:
        """Store sequences as tuples and check sizes, codes, numbers and feasibility."""
        self._normalise()
        self._check_lengths()
        self._check_codes()
        self._check_numbers()
        self._check_selection()

    def _normalise(self) -> None:
        """Tuples, frozensets and a read-only mapping, whatever sequence was passed."""
        put = object.__setattr__
        for name in ("codes", "names", "province_codes", "feature_names"):
            put(self, name, tuple(str(value) for value in getattr(self, name)))
        put(self, "lon_deg", tuple(float(value) for value in self.lon_deg))
        put(self, "lat_deg", tuple(float(value) for value in self.lat_deg))
        put(self, "themes", tuple(frozenset(str(t) for t in themes) for themes in self.themes))
        put(self, "features", tuple(tuple(float(v) for v in row) for row in self.features))
        put(self, "must_include", frozenset(self.must_include))
        put(self, "exclude", frozenset(self.exclude))
        values = {str(key): float(value) for key, value in self.theme_values.items()}
        put(self, "theme_values", MappingProxyType(values))

    def _check_lengths(self) -> None:
        """Every per-candidate sequence has one value per code; feature rows have d values."""
        n = len(self.codes)
        if n == 0:
            raise ValueError("no candidates: codes is empty")
        for name in ("names", "province_codes", "lon_deg", "lat_deg", "themes"):
            size = len(getattr(self, name))
            if size != n:
                raise ValueError(f"{name} has {size} values but codes has {n}")
        d = len(self.feature_names)
        if self.features and len(self.features) != n:
            raise ValueError(f"features has {len(self.features)} rows but codes has {n}")
        if d and not self.features:
            raise ValueError(f"{d} feature_names given but no features")
        for index, row in enumerate(self.features):
            if len(row) != d:
                raise ValueError(
                    f"features row {index} ({self.codes[index]}) has {len(row)} values "
                    f"but there are {d} feature_names"
                )
        if len(set(self.feature_names)) != d:
            raise ValueError(f"feature_names are not unique: {self.feature_names}")

    def _check_codes(self) -> None:
        """Six-digit unique codes and province codes of a known region."""
        first: dict[str, int] = {}
        for index, code in enumerate(self.codes):
            if not _SIX_DIGITS.fullmatch(code):
                raise ValueError(f"code {code!r} of candidate {index} is not 6 digits")
            if code in first:
                raise ValueError(f"code {code} appears twice: candidates {first[code]} and {index}")
            first[code] = index
        for index, province in enumerate(self.province_codes):
            try:
                region_of_province(province, self.region_scheme)
            except ValueError as error:
                raise ValueError(f"candidate {index} ({self.codes[index]}): {error}") from None

    def _check_numbers(self) -> None:
        """Finite coordinates in range, finite features, weights and theme values >= 0."""
        for index, (lon, lat) in enumerate(zip(self.lon_deg, self.lat_deg, strict=True)):
            if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
                raise ValueError(f"lon_deg of {self.codes[index]} is {lon}, not in [-180, 180]")
            if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
                raise ValueError(f"lat_deg of {self.codes[index]} is {lat}, not in [-90, 90]")
        for index, row in enumerate(self.features):
            for name, value in zip(self.feature_names, row, strict=True):
                if not math.isfinite(value):
                    raise ValueError(f"feature {name} of {self.codes[index]} is {value}")
        weights = {
            "w_distinct": self.w_distinct,
            "w_themes": self.w_themes,
            "w_regions": self.w_regions,
            "w_spread": self.w_spread,
        }
        for name, value in weights.items():
            _check_weight(name, value)
        if not any(weights.values()):
            raise ValueError("all four weights are 0: every selection would score 0")
        for theme, value in self.theme_values.items():
            _check_weight(f"theme_values[{theme!r}]", value)

    def _check_selection(self) -> None:
        """k fits between the forced and the allowed candidates; codes are known."""
        known = set(self.codes)
        for name in ("must_include", "exclude"):
            unknown = sorted(getattr(self, name) - known)
            if unknown:
                raise ValueError(f"{name} has codes that are not candidates: {unknown}")
        both = sorted(self.must_include & self.exclude)
        if both:
            raise ValueError(f"codes both in must_include and exclude: {both}")
        k = self.k
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be an integer >= 1, got {k!r}")
        n, excluded, forced = len(self.codes), len(self.exclude), len(self.must_include)
        if k > n - excluded:
            raise ValueError(
                f"k = {k} exceeds the {n - excluded} candidates left "
                f"({n} candidates, {excluded} excluded)"
            )
        if forced > k:
            raise ValueError(f"must_include has {forced} codes but k = {k}")

    @property
    def n(self) -> int:
        """Number of candidates."""
        return len(self.codes)

    @property
    def regions(self) -> tuple[str, ...]:
        """Region key of each candidate under `region_scheme`."""
        return tuple(region_of_province(code, self.region_scheme) for code in self.province_codes)

    def theme_value(self, theme: str) -> float:
        """Value of covering `theme` (1 unless `theme_values` says otherwise)."""
        return self.theme_values.get(theme, 1.0)


@dataclass(frozen=True)
class LinkageTerms:
    """The four normalised terms of a selection's objective (before weighting).

    Attributes
    ----------
    distinctiveness
        Sum of squared z-score distances over chosen pairs, divided by its mean over
        random sets of `k` (1 = as varied as a random set).
    theme_coverage
        Value of the covered themes / value of every candidate theme, in [0, 1].
    region_coverage
        Covered regions / regions among the candidates, in [0, 1].
    spread
        Sum of squared unit-sphere chords over chosen pairs, divided by its mean over
        random sets of `k` (1 = as spread out as a random set).
    """

    distinctiveness: float
    theme_coverage: float
    region_coverage: float
    spread: float

    def __post_init__(self) -> None:
        """Check that every term is finite and >= 0, and coverages are <= 1."""
        for name in ("distinctiveness", "theme_coverage", "region_coverage", "spread"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= -1e-9):
                raise ValueError(f"{name} = {value} must be finite and >= 0")
        for name in ("theme_coverage", "region_coverage"):
            if getattr(self, name) > 1.0 + 1e-9:
                raise ValueError(f"{name} = {getattr(self, name)} exceeds 1")


@dataclass(frozen=True)
class CityReason:
    """Why one chosen city is in the set, in Chinese and in English.

    Attributes
    ----------
    code, name
        The city.
    region
        Its region key.
    unique_themes
        Themes it covers that no other chosen city covers (sorted).
    is_unique_region
        Whether no other chosen city is from its region.
    top_feature
        The feature in which it differs most from the other chosen cities' mean, or
        None (no usable features, or k = 1).
    top_feature_sd
        That difference in standard deviations of the candidate pool (signed), or None.
    dissimilarity_ratio
        Its summed squared z-distance to the other chosen cities over the chosen
        cities' average (1 = average), or None when it is undefined.
    nearest_km
        Great-circle distance to the nearest other chosen city, km, or None for k = 1.
    reason_zh, reason_en
        The plain-language reason.
    """

    code: str
    name: str
    region: str
    unique_themes: tuple[str, ...]
    is_unique_region: bool
    top_feature: str | None
    top_feature_sd: float | None
    dissimilarity_ratio: float | None
    nearest_km: float | None
    reason_zh: str
    reason_en: str

    def __post_init__(self) -> None:
        """Check that the reason texts are not empty and the distance is >= 0."""
        if not (self.reason_zh and self.reason_en):
            raise ValueError(f"city {self.code} has an empty reason")
        if self.nearest_km is not None and not self.nearest_km >= 0.0:
            raise ValueError(f"nearest_km of {self.code} is {self.nearest_km}, must be >= 0")


@dataclass(frozen=True)
class LinkageResult:
    """The chosen cities, their objective, and the proof of quality when solved exactly.

    Attributes
    ----------
    selected
        Indices of the chosen candidates, ascending.
    codes
        Their codes, in the same order.
    objective
        ``w_distinct * distinctiveness + w_themes * theme_coverage + w_regions *
        region_coverage + w_spread * spread`` of the chosen set (true value).
    terms
        The four normalised terms.
    covered_themes, covered_regions
        Themes and region keys the chosen set covers (sorted).
    bound
        Proven upper bound on the best objective (exact method), else None.
    gap
        ``(bound - objective) / max(|objective|, 1e-9)`` (exact method), else None.
    is_optimal
        Whether `gap` is within the requested tolerance.
    seconds
        HiGHS run time of the exact solve, s (all rounds); 0 for the greedy, which
        core does not time (callers measure wall time).
    method
        ``"exact"`` or ``"greedy"``.
    iterations
        Exact: outer-approximation rounds (MILP solves). Greedy: improving swaps made.
    reasons
        One reason per chosen city, in the order of `selected`.
    """

    selected: tuple[int, ...]
    codes: tuple[str, ...]
    objective: float
    terms: LinkageTerms
    covered_themes: tuple[str, ...]
    covered_regions: tuple[str, ...]
    bound: float | None
    gap: float | None
    is_optimal: bool
    seconds: float
    method: LinkageMethod
    iterations: int
    reasons: tuple[CityReason, ...]

    def __post_init__(self) -> None:
        """Check that the lists line up and the numbers are consistent."""
        size = len(self.selected)
        if len(set(self.selected)) != size or list(self.selected) != sorted(self.selected):
            raise ValueError(f"selected must be distinct and ascending, got {self.selected}")
        for name in ("codes", "reasons"):
            if len(getattr(self, name)) != size:
                raise ValueError(f"{name} has {len(getattr(self, name))} values, selected {size}")
        if not math.isfinite(self.objective):
            raise ValueError(f"objective = {self.objective} is not finite")
        if self.bound is not None and self.bound < self.objective - 1e-6 * max(
            1.0, abs(self.objective)
        ):
            raise ValueError(f"bound {self.bound} is below the objective {self.objective}")
        if self.gap is not None and not self.gap >= 0.0:
            raise ValueError(f"gap = {self.gap} must be >= 0")
        if not (math.isfinite(self.seconds) and self.seconds >= 0.0):
            raise ValueError(f"seconds = {self.seconds} must be finite and >= 0")
        if self.iterations < 0:
            raise ValueError(f"iterations = {self.iterations} must be >= 0")
