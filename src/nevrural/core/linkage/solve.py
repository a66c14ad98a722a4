"""Choose linkage cities: exact MILP up to 200 candidates, greedy and swaps beyond."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from nevrural.core.linkage.exact import solve_linkage_exact
from nevrural.core.linkage.greedy import solve_linkage_greedy

if TYPE_CHECKING:
    from nevrural.core.linkage.problem import LinkageProblem, LinkageResult

__all__ = ["EXACT_MAX_CANDIDATES", "solve_linkage", "solve_linkage_exact", "solve_linkage_greedy"]

# Largest candidate list that "auto" solves exactly; measured in benchmarks/bench_linkage.py
# (200 candidates, K = 10-30: well under a second each on 2 cores).
EXACT_MAX_CANDIDATES = 200


def solve_linkage(
    problem: LinkageProblem,
    method: Literal["auto", "exact", "greedy"] = "auto",
    *,
    time_limit_s: float = 60.0,
    mip_rel_gap: float = 1e-6,
    seed: int = 0,
) -> LinkageResult:
    """Choose `k` linkage cities with the method that fits the candidate count.

    Parameters
    ----------
    problem
        Candidates, `k` and weights.
    method
        ``"auto"``: exact for at most `EXACT_MAX_CANDIDATES` candidates, greedy beyond;
        or force ``"exact"`` / ``"greedy"``.
    time_limit_s
        Time budget of the exact solver, s (its result reports the gap reached).
    mip_rel_gap
        Relative gap at which the exact solver stops.
    seed
        Seed of the greedy's random restarts (none by default).

    Notes
    -----
    Exact: :func:`~nevrural.core.linkage.exact.solve_linkage_exact` (MILP with
    outer-approximation cuts, HiGHS). Greedy: :func:`~nevrural.core.linkage.greedy.
    solve_linkage_greedy` (lazy greedy plus best-improvement swaps, no bound).

    Examples
    --------
    >>> from nevrural.core.linkage.problem import LinkageProblem
    >>> problem = LinkageProblem(
    ...     codes=("620100", "650100", "440100"), names=("兰州市", "乌鲁木齐市", "广州市"),
    ...     province_codes=("620000", "650000", "440000"),
    ...     lon_deg=(103.8, 87.6, 113.3), lat_deg=(36.1, 43.8, 23.1),
    ...     themes=(frozenset({"logistics_hub"}), frozenset({"border_trade"}), frozenset()),
    ...     k=2,
    ... )
    >>> result = solve_linkage(problem)
    >>> result.method, result.codes
    ('exact', ('650100', '440100'))
    """
    if method == "auto":
        method = "exact" if problem.n <= EXACT_MAX_CANDIDATES else "greedy"
    if method == "exact":
        return solve_linkage_exact(problem, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
    if method == "greedy":
        return solve_linkage_greedy(problem, seed=seed)
    raise ValueError(f"method must be 'auto', 'exact' or 'greedy', got {method!r}")
