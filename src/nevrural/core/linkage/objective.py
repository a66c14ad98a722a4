"""The city-linkage objective: distinctiveness, theme and region coverage, geographic spread.

For a chosen set ``S`` of ``K = problem.k`` candidates the objective is ::

    F(S) = w_distinct * D(S) + w_themes * T(S) + w_regions * R(S) + w_spread * G(S)

    D(S) = sum_{i<j in S} ||z_i - z_j||^2 / N_D
    G(S) = sum_{i<j in S} ||p_i - p_j||^2 / N_G
    T(S) = sum_{t covered by S} v_t / sum_{t of any candidate} v_t
    R(S) = |regions covered by S| / |regions of the candidates|

``z_i`` are the candidate's features as z-scores over all candidates (population
standard deviation; constant columns dropped), ``p_i`` its point on the unit sphere,
so ``||p_i - p_j||^2`` is the squared chord ``2 - 2 cos(angle)``, increasing with the
great-circle distance. The normalisers are the expected pair sums of a uniformly
random ``K``-subset, ``N = K (K - 1) / 2 * mean over all candidate pairs``, so
``D = G = 1`` for a typically varied set and the coverage terms lie in [0, 1]: the
four weights are comparable. A term whose normaliser is 0 (``K = 1``, no varying
feature, all candidates at one point) is 0.

The pair sums follow from the identity, for any vectors ``a_i`` and ``|S| = K``, ::

    sum_{i<j in S} ||a_i - a_j||^2 = K * sum_{i in S} ||a_i||^2 - ||sum_{i in S} a_i||^2

so with ``a_i = [sqrt(w_distinct / N_D) z_i, sqrt(w_spread / N_G) p_i]`` (the
*embedding*) both dispersion terms together are a linear function of the choice minus
the convex square of the ``d + 3`` aggregated sums: the shape the exact solver uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from nevrural.core.linkage.problem import LinkageProblem, LinkageTerms

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["LinkageObjective", "build_objective", "evaluate_selection", "pair_sum"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

# A column whose standard deviation is below this share of its scale is constant.
_CONSTANT_REL = 1e-12
# Embedding directions with a singular value below this share of the largest are dropped.
_RANK_REL = 1e-9


def pair_sum(points: FloatArray) -> float:
    """Sum of squared Euclidean distances over all unordered pairs of rows.

    Computed as ``m * sum ||a_i - mean||^2``, the identity above after centring,
    which is exact in theory and stable in floating point; O(m d).

    >>> pair_sum(np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 4.0]]))
    50.0
    """
    if points.shape[0] < 2 or points.shape[1] == 0:
        return 0.0
    centred = points - points.mean(axis=0)
    return float(points.shape[0] * np.sum(centred * centred))


@dataclass(frozen=True, eq=False)
class LinkageObjective:
    """A problem's objective prepared as arrays for the solvers (see the module notes).

    Attributes
    ----------
    k
        Number of cities to choose.
    weights
        ``(w_distinct, w_themes, w_regions, w_spread)``.
    z
        Z-scores of the used feature columns, ``(n, d_used)``.
    used_features
        Indices of the used (non-constant) columns in ``problem.feature_names``.
    xyz
        Unit-sphere points, ``(n, 3)``.
    distinct_scale, spread_scale
        ``1 / N_D`` and ``1 / N_G`` (0 when the normaliser is 0).
    embedding
        Weighted, centred and rotated ``a_i`` of the identity, ``(n, D)``, ``D <= d + 3``.
    cover
        Whether candidate ``i`` covers item ``c``: themes (sorted) then regions (sorted).
    cover_keys
        The items' theme or region keys.
    n_themes
        How many of the items are themes.
    cover_share
        Each item's unweighted share of its coverage term (``v_t / V`` or ``1 / R``).
    cover_value
        Each item's weighted value in the objective (share times its weight).
    allowed, forced
        Candidates not excluded; candidates that must be chosen.
    """

    k: int
    weights: tuple[float, float, float, float]
    z: FloatArray
    used_features: tuple[int, ...]
    xyz: FloatArray
    distinct_scale: float
    spread_scale: float
    embedding: FloatArray
    cover: BoolArray
    cover_keys: tuple[str, ...]
    n_themes: int
    cover_share: FloatArray
    cover_value: FloatArray
    allowed: BoolArray
    forced: BoolArray

    @property
    def n(self) -> int:
        """Number of candidates."""
        return int(self.xyz.shape[0])

    def terms(self, selected: Sequence[int] | IntArray) -> LinkageTerms:
        """The four normalised terms of a chosen set (indices), O(K (d + T))."""
        index = np.asarray(selected, dtype=np.int64)
        covered = self.cover[index].any(axis=0)
        shares = self.cover_share * covered
        return LinkageTerms(
            distinctiveness=pair_sum(self.z[index]) * self.distinct_scale,
            theme_coverage=float(shares[: self.n_themes].sum()),
            region_coverage=float(shares[self.n_themes :].sum()),
            spread=pair_sum(self.xyz[index]) * self.spread_scale,
        )

    def weigh(self, terms: LinkageTerms) -> float:
        """The objective: the weighted sum of the terms."""
        w_distinct, w_themes, w_regions, w_spread = self.weights
        return float(
            w_distinct * terms.distinctiveness
            + w_themes * terms.theme_coverage
            + w_regions * terms.region_coverage
            + w_spread * terms.spread
        )

    def value(self, selected: Sequence[int] | IntArray) -> float:
        """The objective of a chosen set (indices)."""
        return self.weigh(self.terms(selected))

    def covered(
        self, selected: Sequence[int] | IntArray
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Theme keys and region keys covered by a chosen set, each sorted."""
        rows = self.cover[np.asarray(selected, dtype=np.int64)]
        hit: list[bool] = np.asarray(rows.any(axis=0), dtype=np.bool_).tolist()
        cut = self.n_themes
        themes = tuple(
            key for key, is_hit in zip(self.cover_keys[:cut], hit[:cut], strict=True) if is_hit
        )
        regions = tuple(
            key for key, is_hit in zip(self.cover_keys[cut:], hit[cut:], strict=True) if is_hit
        )
        return themes, regions


def _z_scores(problem: LinkageProblem) -> tuple[FloatArray, tuple[int, ...]]:
    """Z-scores of the non-constant feature columns and those columns' indices."""
    if not problem.features:
        return np.zeros((problem.n, 0)), ()
    raw = np.asarray(problem.features, dtype=np.float64)
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    scale = np.maximum(np.abs(mean), np.abs(raw).max(axis=0))
    used = np.flatnonzero(std > _CONSTANT_REL * np.maximum(scale, 1.0))
    return (raw[:, used] - mean[used]) / std[used], tuple(int(i) for i in used)


def _unit_points(problem: LinkageProblem) -> FloatArray:
    """Candidates on the unit sphere, ``(n, 3)``."""
    lon = np.radians(np.asarray(problem.lon_deg, dtype=np.float64))
    lat = np.radians(np.asarray(problem.lat_deg, dtype=np.float64))
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _random_set_scale(points: FloatArray, k: int) -> float:
    """``1 / (K (K-1)/2 * mean pair value over all candidates)``, or 0 when that is 0."""
    n = points.shape[0]
    if n < 2 or k < 2:
        return 0.0
    mean_pair = pair_sum(points) / (n * (n - 1) / 2.0)
    normaliser = k * (k - 1) / 2.0 * mean_pair
    return 1.0 / normaliser if normaliser > 1e-12 else 0.0


def _embedding(blocks: list[FloatArray]) -> FloatArray:
    """Stack, centre and rotate to principal axes (pair sums are unchanged); drop null axes.

    Principal axes make the solver's per-axis tangent cuts tighter; centring keeps
    the aggregated sums small.
    """
    n = blocks[0].shape[0]
    stacked = np.hstack(blocks) if blocks else np.zeros((n, 0))
    if stacked.shape[1] == 0:
        return stacked
    centred = stacked - stacked.mean(axis=0)
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)
    keep = singular > _RANK_REL * max(float(singular.max(initial=0.0)), 1e-300)
    rotated: FloatArray = centred @ vt[keep].T
    return rotated


def _coverage(
    problem: LinkageProblem,
) -> tuple[BoolArray, tuple[str, ...], int, FloatArray, FloatArray]:
    """Cover matrix, item keys, theme count, unweighted shares and weighted values."""
    themes = sorted(set().union(*problem.themes))
    regions_of = problem.regions
    regions = sorted(set(regions_of))
    keys = (*themes, *regions)
    column = {("t", key): i for i, key in enumerate(themes)}
    column |= {("r", key): len(themes) + i for i, key in enumerate(regions)}
    cover = np.zeros((problem.n, len(keys)), dtype=np.bool_)
    for row, (own, region) in enumerate(zip(problem.themes, regions_of, strict=True)):
        cover[row, [column["t", theme] for theme in own]] = True
        cover[row, column["r", region]] = True
    values = np.array([problem.theme_value(theme) for theme in themes], dtype=np.float64)
    total = float(values.sum())
    theme_share = values / total if total > 0.0 else np.zeros(len(themes))
    share = np.concatenate([theme_share, np.full(len(regions), 1.0 / len(regions))])
    weight = np.concatenate(
        [np.full(len(themes), problem.w_themes), np.full(len(regions), problem.w_regions)]
    )
    return cover, keys, len(themes), share, share * weight


def build_objective(problem: LinkageProblem) -> LinkageObjective:
    """Prepare a problem's objective as arrays, O(n (d + 3)^2 + n T).

    Examples
    --------
    >>> problem = LinkageProblem(
    ...     codes=("620100", "650100", "440100", "230100"),
    ...     names=("兰州市", "乌鲁木齐市", "广州市", "哈尔滨市"),
    ...     province_codes=("620000", "650000", "440000", "230000"),
    ...     lon_deg=(103.8, 87.6, 113.3, 126.5), lat_deg=(36.1, 43.8, 23.1, 45.8),
    ...     themes=(frozenset({"logistics_hub"}), frozenset({"border_trade"}),
    ...             frozenset({"automaker_base"}), frozenset({"automaker_base"})),
    ...     k=2, features=((1.0,), (2.0,), (3.0,), (4.0,)), feature_names=("gdp",),
    ... )
    >>> objective = build_objective(problem)
    >>> objective.cover_keys
    ('automaker_base', 'border_trade', 'logistics_hub', 'northeast', 'northwest', 'south_china')
    >>> terms = objective.terms([0, 3])
    >>> round(terms.distinctiveness, 4), terms.theme_coverage, terms.region_coverage
    (2.7, 0.6666666666666666, 0.6666666666666666)
    """
    z, used = _z_scores(problem)
    xyz = _unit_points(problem)
    distinct_scale = _random_set_scale(z, problem.k)
    spread_scale = _random_set_scale(xyz, problem.k)
    blocks = [
        np.sqrt(weight * scale) * points
        for weight, scale, points in (
            (problem.w_distinct, distinct_scale, z),
            (problem.w_spread, spread_scale, xyz),
        )
        if weight * scale > 0.0 and points.shape[1] > 0
    ]
    cover, keys, n_themes, share, value = _coverage(problem)
    codes = np.asarray(problem.codes)
    return LinkageObjective(
        k=problem.k,
        weights=(problem.w_distinct, problem.w_themes, problem.w_regions, problem.w_spread),
        z=z,
        used_features=used,
        xyz=xyz,
        distinct_scale=distinct_scale,
        spread_scale=spread_scale,
        embedding=_embedding(blocks) if blocks else np.zeros((problem.n, 0)),
        cover=cover,
        cover_keys=keys,
        n_themes=n_themes,
        cover_share=share,
        cover_value=value,
        allowed=~np.isin(codes, sorted(problem.exclude)),
        forced=np.isin(codes, sorted(problem.must_include)),
    )


def evaluate_selection(problem: LinkageProblem, codes: Sequence[str]) -> tuple[float, LinkageTerms]:
    """Objective and terms of a hand-picked set of `k` candidate codes (a what-if check).

    Exclusions and forced codes are not enforced: the set is scored as it is.

    Raises
    ------
    ValueError
        When a code is not a candidate, repeats, or the set does not have `k` codes.

    Examples
    --------
    >>> problem = LinkageProblem(
    ...     codes=("110000", "650100", "440100"), names=("北京", "乌鲁木齐", "广州"),
    ...     province_codes=("110000", "650000", "440000"),
    ...     lon_deg=(116.4, 87.6, 113.3), lat_deg=(39.9, 43.8, 23.1),
    ...     themes=(frozenset({"tourism"}), frozenset(), frozenset({"tourism"})),
    ...     k=2, w_distinct=0.0, w_spread=0.0,
    ... )
    >>> value, terms = evaluate_selection(problem, ["650100", "440100"])
    >>> value, terms.region_coverage
    (1.6666666666666665, 0.6666666666666666)
    """
    position = {code: index for index, code in enumerate(problem.codes)}
    unknown = [code for code in codes if code not in position]
    if unknown:
        raise ValueError(f"codes that are not candidates: {unknown}")
    if len(set(codes)) != len(codes):
        raise ValueError(f"codes repeat: {list(codes)}")
    if len(codes) != problem.k:
        raise ValueError(f"{len(codes)} codes given but k = {problem.k}")
    objective = build_objective(problem)
    terms = objective.terms([position[code] for code in codes])
    return objective.weigh(terms), terms
