"""City linkage: objective terms, identity, exact vs brute force, greedy, reasons, validation."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from nevrural.core.linkage import (
    EXACT_MAX_CANDIDATES,
    LinkageProblem,
    build_objective,
    evaluate_selection,
    region_label,
    region_of_province,
    solve_linkage,
    solve_linkage_exact,
    solve_linkage_greedy,
    theme_label,
)
from nevrural.core.linkage.greedy import construct_greedy, improve_by_swaps
from nevrural.core.linkage.objective import pair_sum

__all__: list[str] = []

# Five real prefecture seats: Lanzhou, Urumqi, Guangzhou, Harbin, Chengdu.
CODES = ("620100", "650100", "440100", "230100", "510100")
NAMES = ("兰州市", "乌鲁木齐市", "广州市", "哈尔滨市", "成都市")
PROVINCES = ("620000", "650000", "440000", "230000", "510000")
LON = (103.83, 87.62, 113.26, 126.53, 104.07)
LAT = (36.06, 43.83, 23.13, 45.80, 30.57)
THEMES = (
    frozenset({"logistics_hub"}),
    frozenset({"border_trade", "logistics_hub"}),
    frozenset({"automaker_base", "port"}),
    frozenset({"automaker_base", "ice_snow"}),
    frozenset({"tourism", "farming"}),
)


def make_problem(**overrides: Any) -> LinkageProblem:
    """The five-city problem with k = 3, optionally changed."""
    fields: dict[str, Any] = {
        "codes": CODES,
        "names": NAMES,
        "province_codes": PROVINCES,
        "lon_deg": LON,
        "lat_deg": LAT,
        "themes": THEMES,
        "k": 3,
        "features": ((4.4, 0.03), (4.1, 0.02), (18.8, 0.09), (9.9, 0.01), (21.2, 0.07)),
        "feature_names": ("population", "nev_share"),
    }
    fields.update(overrides)
    return LinkageProblem(**fields)


def random_problem(n: int, k: int, seed: int, d: int = 3) -> LinkageProblem:
    """A seeded random problem inside China with 6 themes and d features."""
    rng = np.random.default_rng(seed)
    prefixes = ["11", "23", "32", "42", "44", "51", "65"]
    provinces = [f"{rng.choice(prefixes)}0000" for _ in range(n)]
    keys = ["automaker_base", "tourism", "farming", "border_trade", "logistics_hub", "energy"]
    return LinkageProblem(
        codes=tuple(f"{p[:2]}{i + 1:04d}" for i, p in enumerate(provinces)),
        names=tuple(f"city {i}" for i in range(n)),
        province_codes=tuple(provinces),
        lon_deg=tuple(rng.uniform(75.0, 133.0, n).tolist()),
        lat_deg=tuple(rng.uniform(20.0, 50.0, n).tolist()),
        themes=tuple(frozenset(t for t in keys if rng.random() < 0.3) for _ in range(n)),
        k=k,
        features=tuple(tuple(row) for row in rng.lognormal(size=(n, d)).tolist()),
        feature_names=tuple(f"f{j}" for j in range(d)),
        w_distinct=float(rng.uniform(0.2, 2.0)),
        w_themes=float(rng.uniform(0.0, 2.0)),
        w_regions=float(rng.uniform(0.0, 2.0)),
        w_spread=float(rng.uniform(0.0, 2.0)),
    )


def brute_force(problem: LinkageProblem) -> float:
    """Best objective over every allowed k-subset that holds the forced codes."""
    objective = build_objective(problem)
    forced = set(np.flatnonzero(objective.forced).tolist())
    allowed = np.flatnonzero(objective.allowed).tolist()
    return max(
        objective.value(list(subset))
        for subset in itertools.combinations(allowed, problem.k)
        if forced <= set(subset)
    )


def test_identity_holds_numerically() -> None:
    """Sum over pairs of squared distances equals K * sum of squares minus square of the sum."""
    rng = np.random.default_rng(3)
    points = rng.normal(size=(7, 4)) * 10.0 + 5.0
    pairs = sum(float(np.sum((a - b) ** 2)) for a, b in itertools.combinations(points, 2))
    identity = 7 * float(np.sum(points**2)) - float(np.sum(points.sum(axis=0) ** 2))
    assert identity == pytest.approx(pairs, rel=1e-12)
    assert pair_sum(points) == pytest.approx(pairs, rel=1e-12)


def test_embedding_reproduces_both_dispersion_terms() -> None:
    """K * sum ||a_i||^2 - ||sum a_i||^2 of the embedding is w_distinct * D + w_spread * G."""
    problem = make_problem(w_distinct=0.7, w_spread=1.9)
    objective = build_objective(problem)
    for subset in itertools.combinations(range(5), 3):
        a = objective.embedding[list(subset)]
        linear_minus_square = 3 * float(np.sum(a**2)) - float(np.sum(a.sum(axis=0) ** 2))
        terms = objective.terms(list(subset))
        expected = 0.7 * terms.distinctiveness + 1.9 * terms.spread
        assert linear_minus_square == pytest.approx(expected, rel=1e-10)


def test_distinctiveness_by_hand() -> None:
    """Features 0, 1, 2, 3: the pair {0, 3} is 9 / (20 / 6) = 2.7 times a random pair."""
    problem = make_problem(
        codes=CODES[:4],
        names=NAMES[:4],
        province_codes=PROVINCES[:4],
        lon_deg=LON[:4],
        lat_deg=LAT[:4],
        themes=THEMES[:4],
        k=2,
        features=((0.0, 5.0), (1.0, 5.0), (2.0, 5.0), (3.0, 5.0)),
        feature_names=("x", "constant"),
    )
    objective = build_objective(problem)
    assert objective.used_features == (0,)
    assert objective.terms([0, 3]).distinctiveness == pytest.approx(2.7)
    assert objective.terms([1, 2]).distinctiveness == pytest.approx(0.3)


def test_spread_by_hand() -> None:
    """Points at longitude 0, 90, 180 on the equator: chords^2 2, 4, 2, so {0, 2} scores 1.5."""
    problem = make_problem(
        codes=CODES[:3],
        names=NAMES[:3],
        province_codes=PROVINCES[:3],
        lon_deg=(0.0, 90.0, 180.0),
        lat_deg=(0.0, 0.0, 0.0),
        themes=THEMES[:3],
        k=2,
        features=(),
        feature_names=(),
    )
    objective = build_objective(problem)
    assert objective.terms([0, 2]).spread == pytest.approx(1.5)
    assert objective.terms([0, 1]).spread == pytest.approx(0.75)
    assert objective.terms([0, 1]).distinctiveness == 0.0


def test_theme_coverage_uses_theme_values() -> None:
    """Themes worth a=2, b=1, c=1 (default): covering a and b gives 3 / 4."""
    problem = make_problem(
        codes=CODES[:3],
        names=NAMES[:3],
        province_codes=PROVINCES[:3],
        lon_deg=LON[:3],
        lat_deg=LAT[:3],
        themes=(frozenset({"a"}), frozenset({"b"}), frozenset({"a", "c"})),
        k=2,
        features=(),
        feature_names=(),
        theme_values={"a": 2.0, "b": 1.0, "unused": 9.0},
    )
    objective = build_objective(problem)
    assert objective.terms([0, 1]).theme_coverage == pytest.approx(0.75)
    assert objective.terms([1, 2]).theme_coverage == pytest.approx(1.0)


def test_region_coverage_by_hand() -> None:
    """Lanzhou and Urumqi are both in the Northwest: 4 regions, that pair covers 1 of them."""
    objective = build_objective(make_problem(k=2))
    assert objective.terms([0, 1]).region_coverage == pytest.approx(0.25)
    assert objective.terms([1, 2]).region_coverage == pytest.approx(0.5)
    assert objective.covered([1, 2]) == (
        ("automaker_base", "border_trade", "logistics_hub", "port"),
        ("northwest", "south_china"),
    )


def test_objective_is_the_weighted_sum_of_terms() -> None:
    """The result's objective is w . terms, and evaluate_selection agrees with it."""
    problem = make_problem(w_distinct=0.5, w_themes=2.0, w_regions=1.5, w_spread=0.25)
    result = solve_linkage_exact(problem)
    terms = result.terms
    expected = (
        0.5 * terms.distinctiveness
        + 2.0 * terms.theme_coverage
        + 1.5 * terms.region_coverage
        + 0.25 * terms.spread
    )
    assert result.objective == pytest.approx(expected, rel=1e-12)
    value, again = evaluate_selection(problem, list(result.codes))
    assert (value, again) == (pytest.approx(result.objective), terms)


def test_reasons_name_the_unique_theme_and_region() -> None:
    """Urumqi, the only border-trade city and only Northwest city, is told so in zh and en."""
    problem = make_problem(must_include=frozenset({"650100"}))
    result = solve_linkage_exact(problem)
    urumqi = result.reasons[result.codes.index("650100")]
    assert urumqi.unique_themes[0] == "border_trade"
    assert urumqi.is_unique_region
    assert "唯一覆盖主题：边境贸易" in urumqi.reason_zh
    assert "唯一来自西北地区" in urumqi.reason_zh
    assert urumqi.reason_en.startswith("Only city covering: border trade")
    assert "only city from the Northwest" in urumqi.reason_en
    assert urumqi.nearest_km is not None
    assert urumqi.nearest_km > 1000.0


def test_reasons_give_the_most_unusual_feature() -> None:
    """A city far above the others in one feature has it as its top feature, with the sign."""
    problem = make_problem(k=2, must_include=frozenset({"440100", "650100"}))
    result = solve_linkage_exact(problem)
    guangzhou = result.reasons[result.codes.index("440100")]
    assert guangzhou.top_feature in {"population", "nev_share"}
    assert guangzhou.top_feature_sd is not None
    assert guangzhou.top_feature_sd > 0.0
    assert "高于其他入选城市均值" in guangzhou.reason_zh
    assert "SD above the others' mean" in guangzhou.reason_en


def test_reasons_fall_back_to_raw_keys_and_shared_text() -> None:
    """Unknown theme keys are shown as given; a city with nothing unique says so."""
    themes = (frozenset({"茶叶"}), frozenset(), frozenset(), frozenset(), frozenset())
    provinces = ("620000", "620000", "440000", "230000", "510000")
    problem = make_problem(
        codes=("620100", "620200", "440100", "230100", "510100"),
        province_codes=provinces,
        themes=themes,
        k=2,
        must_include=frozenset({"620100", "620200"}),
    )
    first, second = solve_linkage_greedy(problem).reasons
    assert "唯一覆盖主题：茶叶" in first.reason_zh
    assert "only city covering: 茶叶".capitalize() in first.reason_en
    assert second.reason_en.startswith("Its themes and region (the Northwest) are shared")
    assert theme_label("tourism") == ("文化旅游", "cultural tourism")
    assert region_label("east_china") == ("华东地区", "East China")


@pytest.mark.parametrize(("n", "k", "seed"), [(8, 2, 0), (9, 3, 1), (10, 4, 2), (12, 5, 3)])
def test_exact_equals_brute_force(n: int, k: int, seed: int) -> None:
    """On up to 12 candidates the MILP's objective equals the best of all k-subsets."""
    problem = random_problem(n, k, seed)
    result = solve_linkage_exact(problem)
    assert result.is_optimal
    assert result.gap is not None
    assert result.gap <= 1e-6
    assert result.objective == pytest.approx(brute_force(problem), rel=1e-7)
    assert result.bound is not None
    assert result.bound >= result.objective


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_greedy_never_beats_exact(seed: int) -> None:
    """Greedy plus swaps is feasible and at most the exact optimum."""
    problem = random_problem(40, 6, seed)
    exact = solve_linkage_exact(problem)
    greedy = solve_linkage_greedy(problem, restarts=2)
    assert greedy.objective <= exact.objective * (1 + 1e-9)
    assert len(greedy.selected) == 6
    assert greedy.bound is None
    assert greedy.gap is None
    assert greedy.method == "greedy"


def test_swap_search_ends_at_a_swap_optimum() -> None:
    """After the local search no single swap of a chosen for an unchosen city improves."""
    problem = random_problem(25, 5, 7)
    objective = build_objective(problem)
    selected, _ = improve_by_swaps(objective, construct_greedy(objective))
    current = objective.value(selected)
    chosen = set(selected.tolist())
    for out, into in itertools.product(sorted(chosen), sorted(set(range(25)) - chosen)):
        swapped = sorted(chosen - {out} | {into})
        assert objective.value(swapped) <= current + 1e-9


def test_solvers_are_deterministic() -> None:
    """The same problem (and seed) gives the same selection and objective every time."""
    problem = random_problem(30, 5, 8)
    for solve in (
        lambda: solve_linkage_greedy(problem, seed=11, restarts=3),
        lambda: solve_linkage_exact(problem),
    ):
        first, second = solve(), solve()
        assert (first.selected, first.objective, first.reasons) == (
            second.selected,
            second.objective,
            second.reasons,
        )


def test_must_include_and_exclude_are_respected() -> None:
    """Forced codes are always chosen and excluded codes never, by both methods."""
    problem = random_problem(20, 4, 9)
    forced, banned = problem.codes[3], problem.codes[:3] + problem.codes[4:6]
    constrained = replace(problem, must_include=frozenset({forced}), exclude=frozenset(banned))
    for result in (solve_linkage_exact(constrained), solve_linkage_greedy(constrained)):
        assert forced in result.codes
        assert not set(banned) & set(result.codes)
    assert solve_linkage_exact(constrained).objective == pytest.approx(brute_force(constrained))


def test_auto_switches_to_greedy_beyond_the_exact_limit() -> None:
    """Up to EXACT_MAX_CANDIDATES candidates "auto" is exact, beyond it greedy."""
    assert solve_linkage(random_problem(12, 3, 10)).method == "exact"
    large = random_problem(EXACT_MAX_CANDIDATES + 1, 3, 10, d=1)
    assert solve_linkage(large).method == "greedy"
    with pytest.raises(ValueError, match="method must be"):
        solve_linkage(large, method="fast")  # type: ignore[arg-type]


def test_spent_time_budget_returns_the_warm_start_without_bound() -> None:
    """With no HiGHS time to spend, the first round stops at once: warm start, no bound."""
    problem = random_problem(12, 3, 11)
    result = solve_linkage_exact(problem, time_limit_s=1e-12)
    assert (result.iterations, result.bound, result.gap, result.is_optimal) == (
        1,
        None,
        None,
        False,
    )
    assert result.codes == solve_linkage_greedy(problem).codes


def test_k_of_one_has_no_pairs() -> None:
    """With k = 1 the dispersion terms are 0 and coverage decides."""
    result = solve_linkage_exact(make_problem(k=1))
    assert (result.terms.distinctiveness, result.terms.spread) == (0.0, 0.0)
    assert result.codes in {("650100",), ("440100",), ("230100",), ("510100",)}
    assert result.reasons[0].nearest_km is None


def test_region_schemes() -> None:
    """The seven-region and NBS four-region tables place provinces as published."""
    assert region_of_province("150000") == "north_china"
    assert region_of_province("150000", "nbs4") == "west"
    assert region_of_province("460000", "nbs4") == "east"
    problem = make_problem(region_scheme="nbs4")
    assert problem.regions == ("west", "west", "east", "northeast", "west")
    with pytest.raises(ValueError, match="not a province"):
        region_of_province("710000", "nbs4")
    with pytest.raises(ValueError, match="not 6 digits"):
        region_of_province("62")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"names": NAMES[:4]}, "names has 4 values but codes has 5"),
        ({"codes": ("620100", "620100", *CODES[2:])}, "code 620100 appears twice: candidates 0"),
        ({"codes": ("6201", *CODES[1:])}, "code '6201' of candidate 0 is not 6 digits"),
        ({"province_codes": ("990000", *PROVINCES[1:])}, "prefix 99"),
        ({"k": 6}, "k = 6 exceeds the 5 candidates left"),
        ({"k": 4, "exclude": frozenset(CODES[:2])}, "k = 4 exceeds the 3 candidates left"),
        ({"k": 0}, "k must be an integer >= 1"),
        ({"k": 1, "must_include": frozenset(CODES[:2])}, "must_include has 2 codes but k = 1"),
        ({"must_include": frozenset({"620100"}), "exclude": frozenset({"620100"})}, "both"),
        ({"exclude": frozenset({"999999"})}, "not candidates"),
        ({"w_spread": -1.0}, "w_spread = -1.0 must be finite"),
        ({"w_distinct": 0.0, "w_themes": 0.0, "w_regions": 0.0, "w_spread": 0.0}, "all four"),
        ({"theme_values": {"tourism": math.nan}}, "theme_values"),
        ({"lat_deg": (95.0, *LAT[1:])}, "lat_deg of 620100 is 95.0"),
        ({"features": ((1.0,),) * 5}, "has 1 values but there are 2 feature_names"),
        ({"features": ((math.inf, 0.0),) * 5}, "feature population of 620100 is inf"),
    ],
)
def test_problem_validation_names_the_numbers(overrides: dict[str, Any], message: str) -> None:
    """Invalid problems raise ValueError with the clashing numbers."""
    with pytest.raises(ValueError, match=re.escape(message)):
        make_problem(**overrides)


def test_evaluate_selection_refuses_bad_sets() -> None:
    """What-if scoring needs k distinct candidate codes."""
    problem = make_problem()
    with pytest.raises(ValueError, match="not candidates"):
        evaluate_selection(problem, ["620100", "650100", "000000"])
    with pytest.raises(ValueError, match="2 codes given but k = 3"):
        evaluate_selection(problem, ["620100", "650100"])
    with pytest.raises(ValueError, match="repeat"):
        evaluate_selection(problem, ["620100", "620100", "650100"])
