"""Tests for constrained county selection on hand-checkable 3-5 county cases.

The five counties lie on latitude 30°, where 0.1° of longitude is about 9.6 km:

    county  lon     score  province  type
    A       110.00  10     湖北 420000  plain
    B       110.10   9     湖北 420000  plain     (9.6 km from A)
    C       111.00   8     湖北 420000  mountain  (96 km from A)
    D       112.00   2     湖南 430000  cold
    E       113.00   1     湖南 430000  cold
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from typing import Any

import pytest

from nevrural.core.targeting.selection import (
    SelectionInfeasible,
    SelectionNotFound,
    SelectionProblem,
    greedy_selection,
    solve_selection,
)

__all__: list[str] = []

PROVINCE_NAMES = {"420000": "湖北省", "430000": "湖南省", "540000": "西藏自治区"}


def make_problem(**changes: Any) -> SelectionProblem:
    """The five-county problem, with `changes` applied."""
    fields: dict[str, Any] = {
        "codes": ("A", "B", "C", "D", "E"),
        "names": ("甲县", "乙县", "丙县", "丁县", "戊县"),
        "province_codes": ("420000", "420000", "420000", "430000", "430000"),
        "province_names": PROVINCE_NAMES,
        "scores": [10.0, 9.0, 8.0, 2.0, 1.0],
        "lon_deg": [110.0, 110.1, 111.0, 112.0, 113.0],
        "lat_deg": [30.0] * 5,
        "n_select": 2,
        "county_types": ("plain", "plain", "mountain", "cold", "cold"),
    }
    fields.update(changes)
    return SelectionProblem(**fields)


def costs_cny(*amounts: str) -> tuple[Decimal, ...]:
    """Event costs, CNY, from strings."""
    return tuple(Decimal(amount) for amount in amounts)


def test_unconstrained_takes_the_best_scores() -> None:
    """Without constraints the two best scores are taken."""
    result = solve_selection(make_problem())
    assert result.selected_codes == ("A", "B")
    assert result.objective == 19.0
    assert (result.status, result.method) == ("optimal", "mip")
    assert result.gap <= 1e-6


def test_spacing_forces_the_second_best() -> None:
    """A and B are 9.6 km apart, so a 30 km spacing swaps B for C."""
    result = solve_selection(make_problem(min_spacing_km=30.0))
    assert result.selected_codes == ("A", "C")
    assert result.objective == 18.0
    assert (result.n_conflict_pairs, result.n_cliques) == (1, 1)


def test_province_minimum_forces_a_low_score_in() -> None:
    """A minimum of one per province brings in D (score 2) instead of B (score 9)."""
    result = solve_selection(make_problem(per_province_min=1))
    assert result.selected_codes == ("A", "D")
    assert result.objective == 12.0


def test_province_maximum_and_override() -> None:
    """A maximum of 1 per province takes A and D; an override of 2 for 湖南 takes D and E."""
    assert solve_selection(make_problem(per_province_max=1)).selected_codes == ("A", "D")
    result = solve_selection(make_problem(n_select=3, province_min={"430000": 2}))
    assert result.selected_codes == ("A", "D", "E")


def test_budget_is_exact_to_the_fen() -> None:
    """B + C cost exactly the budget and fit; one fen less forces the cheaper D in."""
    costs = costs_cny("500000", "100000", "100000", "50000", "50000")
    result = solve_selection(make_problem(event_cost_cny=costs, budget_cny=Decimal("200000.00")))
    assert result.selected_codes == ("B", "C")
    assert result.cost_cny == Decimal("200000")
    tighter = make_problem(event_cost_cny=costs, budget_cny=Decimal("199999.99"))
    assert solve_selection(tighter).selected_codes == ("B", "D")


def test_float_costs_are_compared_in_fen() -> None:
    """0.1 + 0.2 CNY fits a 0.30 CNY budget, although 0.1 + 0.2 > 0.3 in floating point."""
    problem = make_problem(event_cost_cny=[0.1, 0.2, 0.25, 0.5, 0.5], budget_cny=Decimal("0.30"))
    result = solve_selection(problem)
    assert result.selected_codes == ("A", "B")
    assert result.cost_cny == Decimal("0.3")


def test_type_quotas() -> None:
    """A cold minimum brings in D; a plain maximum of 1 brings in C instead of B."""
    assert solve_selection(make_problem(type_min={"cold": 1})).selected_codes == ("A", "D")
    assert solve_selection(make_problem(type_max={"plain": 1})).selected_codes == ("A", "C")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"n_select": 6}, "n_select 6 exceeds the 5 eligible counties"),
        ({"province_min": {"430000": 3}}, "湖南省 (430000) has 2 eligible counties, minimum 3"),
        ({"province_min": {"540000": 1}}, "西藏自治区 (540000) has 0 eligible counties, minimum 1"),
        (
            {"per_province_min": 2, "n_select": 3},
            "sum of per-province minimums 2 × 2 = 4 exceeds n_select 3",
        ),
        (
            {"per_province_max": 1, "n_select": 3},
            "per-province maximum 1 × 2 provinces = 2 < n_select 3",
        ),
        (
            {"province_min": {"420000": 2}, "per_province_max": 1},
            "湖北省 (420000) minimum 2 exceeds maximum 1",
        ),
        ({"type_min": {"cold": 3}}, "type 'cold' has 2 eligible counties, minimum 3"),
        (
            {"type_min": {"plain": 2, "cold": 1, "mountain": 1}, "n_select": 3},
            "sum of type minimums 1 + 1 + 2 = 4 exceeds n_select 3",
        ),
        (
            {"type_max": {"plain": 0, "cold": 0}},
            "type maximums allow at most 1 of the 5 eligible counties < n_select 2",
        ),
    ],
)
def test_quota_clash_messages_name_the_numbers(changes: dict[str, Any], expected: str) -> None:
    """Each pre-check names the counts that clash."""
    with pytest.raises(SelectionInfeasible) as caught:
        solve_selection(make_problem(**changes))
    assert expected in str(caught.value)


def test_budget_clash_names_the_cheapest_cost() -> None:
    """The two cheapest events cost 200,000.00 CNY, more than a 150,000 CNY budget."""
    costs = costs_cny(*["100000"] * 5)
    with pytest.raises(SelectionInfeasible) as caught:
        solve_selection(make_problem(event_cost_cny=costs, budget_cny=Decimal(150000)))
    assert "the 2 cheapest events cost 200,000.00 CNY, budget 150,000.00 CNY" in str(caught.value)


def test_budget_clash_with_province_minimums() -> None:
    """Meeting one per province needs a 300,000 CNY event in 湖南: 400,000.00 in all."""
    costs = costs_cny("500000", "100000", "100000", "300000", "300000")
    problem = make_problem(per_province_min=1, event_cost_cny=costs, budget_cny=Decimal(350000))
    with pytest.raises(SelectionInfeasible) as caught:
        solve_selection(problem)
    assert "meet the per-province minimums and maximums cost 400,000.00 CNY" in str(caught.value)
    assert "budget 350,000.00 CNY" in str(caught.value)


def test_spacing_clash_names_the_spacing() -> None:
    """With 200 km spacing at most 2 of the 5 counties (A and E) can be selected."""
    with pytest.raises(SelectionInfeasible) as caught:
        solve_selection(make_problem(min_spacing_km=200.0, n_select=3))
    assert "min_spacing_km 200: at most 2 of the 5 eligible counties" in str(caught.value)


def test_spacing_clash_in_one_province() -> None:
    """湖北 needs 3 counties, but A and B are 9.6 km apart: at most 2 are 30 km apart."""
    problem = make_problem(min_spacing_km=30.0, n_select=3, province_min={"420000": 3})
    with pytest.raises(SelectionInfeasible) as caught:
        solve_selection(problem)
    message = str(caught.value)
    assert "at most 2 of the 3 eligible counties of 湖北省 (420000)" in message
    assert "30 km apart, minimum 3" in message


def test_interacting_quotas_are_proven_infeasible_by_highs() -> None:
    """Both plain counties are in 湖北, whose maximum is 1: only HiGHS can tell."""
    problem = make_problem(per_province_max=1, type_min={"plain": 2})
    with pytest.raises(SelectionInfeasible, match=r"HiGHS proved.*type_min"):
        solve_selection(problem)


def greedy_trap(**changes: Any) -> SelectionProblem:
    """A (10) is within 30 km of B (9) and C (9), which are 30.8 km apart; D (1) is far."""
    fields: dict[str, Any] = {
        "codes": ("A", "B", "C", "D"),
        "names": ("a", "b", "c", "d"),
        "province_codes": ("420000",) * 4,
        "province_names": PROVINCE_NAMES,
        "scores": [10.0, 9.0, 9.0, 1.0],
        "lon_deg": [110.16, 110.0, 110.32, 112.0],
        "lat_deg": [30.0] * 4,
        "n_select": 2,
        "min_spacing_km": 30.0,
    }
    fields.update(changes)
    return SelectionProblem(**fields)


def test_greedy_is_feasible_with_a_valid_bound() -> None:
    """The greedy takes A then D (11); the MIP takes B and C (18); the LP bound covers 18."""
    greedy = greedy_selection(greedy_trap())
    exact = solve_selection(greedy_trap())
    assert greedy.selected_codes == ("A", "D")
    assert (greedy.status, greedy.method) == ("heuristic", "greedy")
    assert exact.selected_codes == ("B", "C")
    assert greedy.bound >= exact.objective - 1e-9
    assert greedy.gap == pytest.approx((greedy.bound - 11.0) / 11.0)


def test_greedy_dead_end_is_not_infeasibility() -> None:
    """Without D the greedy dead-ends after A, but the MIP still finds B and C."""
    problem = greedy_trap(
        codes=("A", "B", "C"),
        names=("a", "b", "c"),
        province_codes=("420000",) * 3,
        scores=[10.0, 9.0, 9.0],
        lon_deg=[110.16, 110.0, 110.32],
        lat_deg=[30.0] * 3,
    )
    with pytest.raises(SelectionNotFound):
        greedy_selection(problem)
    assert solve_selection(problem).selected_codes == ("B", "C")


def test_same_seed_same_result_and_python_scalars() -> None:
    """Two solves agree (except run time) and return Python scalars."""
    problem = make_problem(min_spacing_km=30.0, per_province_min=1, n_select=3)
    first, second = solve_selection(problem), solve_selection(problem)
    assert dataclasses.replace(first, seconds=0.0) == dataclasses.replace(second, seconds=0.0)
    assert all(type(i) is int for i in first.selected)
    for value in (first.objective, first.bound, first.gap, first.seconds):
        assert type(value) is float
    assert type(first.n_conflict_pairs) is int


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"scores": [10.0, -1.0, 8.0, 2.0, 1.0]}, "乙县 (B) has -1.0"),
        ({"codes": ("A", "A", "C", "D", "E")}, "repeated: A"),
        ({"names": ("a",)}, "names has 1 entries but codes has 5"),
        ({"lon_deg": [110.0] * 4}, "lon_deg has shape (4,)"),
        ({"n_select": 0}, "n_select must be an integer >= 1"),
        ({"budget_cny": Decimal(1)}, "budget_cny needs event_cost_cny"),
        ({"event_cost_cny": [0.001, 1, 1, 1, 1]}, "甲县 (A) is 0.001"),
        ({"county_types": None, "type_min": {"cold": 1}}, "need county_types"),
        ({"min_spacing_km": -1.0}, "min_spacing_km must be finite and >= 0"),
        ({"province_min": {"430000": -1}}, "province_min['430000'] must be an integer >= 0"),
    ],
)
def test_invalid_inputs_are_rejected(changes: dict[str, Any], expected: str) -> None:
    """Malformed problems raise ValueError naming the offending value."""
    with pytest.raises(ValueError, match=re.escape(expected)) as caught:
        make_problem(**changes)
    assert not isinstance(caught.value, SelectionInfeasible)


def test_problem_is_frozen_and_copies_arrays() -> None:
    """Changing the caller's list after construction does not change the problem."""
    scores = [10.0, 9.0, 8.0, 2.0, 1.0]
    problem = make_problem(scores=scores)
    scores[0] = 0.0
    assert problem.scores[0] == 10.0
    assert not problem.scores.flags.writeable
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.n_select = 3  # type: ignore[misc]
