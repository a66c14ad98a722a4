"""The county selection MIP: conflict graph, clique cover, HiGHS model and proofs.

Internal to `nevrural.core.targeting.selection`, whose module notes give the
formulation. Rows are built in bulk (CSR arrays) and passed to HiGHS in one
``passModel``. When HiGHS proves the model infeasible, `explain_infeasible` re-solves
it without the spacing, and with maximum independent sets, to name the cause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

import highspy
import numpy as np
import numpy.typing as npt

from nevrural.core.geo import pairs_within_km
from nevrural.core.targeting.selection_checks import (
    QuotaGroup,
    SelectionInfeasible,
    check_feasible,
    format_cny,
    money_in_fen,
    quota_groups,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nevrural.core.targeting.selection import SelectionProblem

__all__ = [
    "PreparedSelection",
    "build_selection_lp",
    "cover_with_cliques",
    "explain_infeasible",
    "find_conflicts",
    "find_violation",
    "prepare_selection",
    "run_highs",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Row = tuple[IntArray, FloatArray, float, float]  # columns, coefficients, lower, upper


@dataclass(frozen=True, eq=False)
class PreparedSelection:
    """A checked problem in solver terms.

    Attributes
    ----------
    provinces, types
        Quota groups (see `QuotaGroup`).
    cost_fen, budget_fen
        Event costs and budget, integer fen (1 CNY = 100 fen), or None.
    neighbours
        For each county, the counties closer than the spacing.
    cliques
        Cliques of the conflict graph covering every conflict pair.
    n_pairs
        Number of conflict pairs.
    """

    provinces: tuple[QuotaGroup, ...]
    types: tuple[QuotaGroup, ...]
    cost_fen: IntArray | None
    budget_fen: int | None
    neighbours: tuple[frozenset[int], ...]
    cliques: tuple[tuple[int, ...], ...]
    n_pairs: int


def prepare_selection(problem: SelectionProblem) -> PreparedSelection:
    """Quota groups and money in fen, pre-checked; then the conflicts and their cliques."""
    provinces, types = quota_groups(problem)
    cost_fen, budget_fen = money_in_fen(problem)
    check_feasible(problem, provinces, types, cost_fen, budget_fen)
    neighbours, n_pairs = find_conflicts(problem.lon_deg, problem.lat_deg, problem.min_spacing_km)
    cliques = cover_with_cliques(neighbours)
    return PreparedSelection(provinces, types, cost_fen, budget_fen, neighbours, cliques, n_pairs)


def find_conflicts(
    lon_deg: FloatArray, lat_deg: FloatArray, spacing_km: float
) -> tuple[tuple[frozenset[int], ...], int]:
    """Neighbour sets of the pairs closer than `spacing_km` (great circle), and their count.

    Pairs at exactly the spacing are allowed, so selected counties are at least
    `spacing_km` apart.
    """
    linked: list[set[int]] = [set() for _ in range(lon_deg.size)]
    n_pairs = 0
    if spacing_km > 0.0 and lon_deg.size > 1:
        pairs = pairs_within_km(lon_deg, lat_deg, spacing_km)
        keep = (pairs.rows < pairs.cols) & (pairs.distance_km < spacing_km)
        for i, j in zip(pairs.rows[keep].tolist(), pairs.cols[keep].tolist(), strict=True):
            linked[i].add(j)
            linked[j].add(i)
        n_pairs = int(keep.sum())
    return tuple(frozenset(s) for s in linked), n_pairs


def cover_with_cliques(neighbours: Sequence[frozenset[int]]) -> tuple[tuple[int, ...], ...]:
    """Maximal cliques, found greedily, that together cover every edge of the graph.

    For each vertex *i* in turn, while an edge *(i, j)* is uncovered (smallest *j*
    first), grow *{i, j}* by the common neighbour that covers most uncovered edges
    (ties: smallest index) until no common neighbour is left.

    >>> cover_with_cliques([frozenset({1, 2}), frozenset({0, 2}), frozenset({0, 1, 3}),
    ...                     frozenset({2})])
    ((0, 1, 2), (2, 3))
    """
    uncovered = [set(linked) for linked in neighbours]
    cliques: list[tuple[int, ...]] = []
    for i, linked in enumerate(neighbours):
        while uncovered[i]:
            clique = [i, min(uncovered[i])]
            candidates = linked & neighbours[clique[1]]
            while candidates:
                # most uncovered edges into the clique, then the smallest index
                best = -max((len(uncovered[v].intersection(clique)), -v) for v in candidates)[1]
                clique.append(best)
                candidates = candidates & neighbours[best]
            for v in clique:
                uncovered[v].difference_update(clique)
            cliques.append(tuple(sorted(clique)))
    return tuple(cliques)


def build_selection_lp(
    problem: SelectionProblem,
    prep: PreparedSelection,
    *,
    has_spacing: bool = True,
    is_integer: bool = True,
) -> highspy.HighsLp:
    """The selection model: cardinality, quota, budget and (optionally) clique rows."""
    n, need = len(problem.codes), float(problem.n_select)
    everyone = np.arange(n, dtype=np.int64)
    rows: list[Row] = [(everyone, np.ones(n), need, need)]
    for group in (*prep.provinces, *prep.types):
        if group.lower > 0 or group.cap < group.members.size:
            ones = np.ones(group.members.size)
            rows.append((group.members, ones, float(group.lower), float(group.cap)))
    if prep.cost_fen is not None and prep.budget_fen is not None:
        rows.append((everyone, prep.cost_fen.astype(np.float64), -math.inf, prep.budget_fen))
    if has_spacing:
        rows.extend(_clique_rows(prep.cliques))
    return _highs_lp(problem.scores, np.ones(n), rows, is_integer=is_integer)


def _most_spaced(problem: SelectionProblem, prep: PreparedSelection, members: IntArray) -> int:
    """Most of `members` that can be pairwise at least the spacing apart.

    A maximum independent set on the clique rows; an upper bound when HiGHS stops early.
    """
    n = len(problem.codes)
    allowed = np.zeros(n)
    allowed[members] = 1.0
    lp = _highs_lp(np.ones(n), allowed, _clique_rows(prep.cliques), is_integer=True)
    bound = run_highs(lp, problem).getInfo().mip_dual_bound
    return math.floor(min(bound, float(members.size)) + 1e-6)


def run_highs(
    lp: highspy.HighsLp, problem: SelectionProblem, start: Sequence[int] | None = None
) -> highspy.Highs:
    """Solve `lp` silently with the problem's time limit, gap and seed.

    `start` (county indices) is offered as the first incumbent. The ``threads`` option
    is left alone: HiGHS fixes its thread pool at the first run in a process and
    refuses a later, different value.
    """
    highs = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy's __init__ is untyped
    options: dict[str, bool | float | int] = {
        "output_flag": False,
        "time_limit": problem.time_limit_s,
        "mip_rel_gap": problem.mip_rel_gap,
        "mip_abs_gap": 0.0,  # the relative gap decides, whatever the scale of the scores
        "random_seed": problem.seed,
    }
    for name, value in options.items():
        _ensure_ok(highs.setOptionValue(name, value), f"option {name}")
    _ensure_ok(highs.passModel(lp), "passModel")
    if start is not None:
        solution = highspy.HighsSolution()
        values = np.zeros(lp.num_col_)
        values[list(start)] = 1.0
        solution.col_value = values.tolist()
        highs.setSolution(solution)  # a rejected start only costs the warm start
    highs.run()
    return highs


def find_violation(
    problem: SelectionProblem, prep: PreparedSelection, chosen: Sequence[int]
) -> str | None:
    """The first constraint `chosen` breaks, checked in exact arithmetic, or None."""
    picked = np.zeros(len(problem.codes), dtype=bool)
    picked[list(chosen)] = True
    if int(picked.sum()) != problem.n_select or len(chosen) != problem.n_select:
        return f"{len(chosen)} counties selected, n_select {problem.n_select}"
    for group in (*prep.provinces, *prep.types):
        count = int(picked[group.members].sum())
        if not group.lower <= count <= group.cap:
            return f"{group.label} has {count} selected, quota {group.lower}..{group.cap}"
    if prep.cost_fen is not None and prep.budget_fen is not None:
        spent_fen = int(prep.cost_fen[picked].sum())
        if spent_fen > prep.budget_fen:
            return f"events cost {spent_fen} fen, budget {prep.budget_fen} fen"
    for i in chosen:
        close = [j for j in prep.neighbours[i] if picked[j]]
        if close:
            return f"{problem.codes[i]} and {problem.codes[close[0]]} are closer than the spacing"
    return None


def _clique_rows(cliques: Sequence[tuple[int, ...]]) -> list[Row]:
    """One row ``sum x <= 1`` per clique."""
    return [
        (np.array(clique, dtype=np.int64), np.ones(len(clique)), -math.inf, 1.0)
        for clique in cliques
    ]


def _highs_lp(
    cost: FloatArray, col_upper: FloatArray, rows: list[Row], *, is_integer: bool
) -> highspy.HighsLp:
    """A maximisation over columns in ``[0, col_upper]`` with row-wise (CSR) rows."""
    n = int(cost.size)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(rows)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.array([row[2] for row in rows], dtype=np.float64)
    lp.row_upper_ = np.array([row[3] for row in rows], dtype=np.float64)
    matrix = lp.a_matrix_
    matrix.format_ = highspy.MatrixFormat.kRowwise
    matrix.num_col_, matrix.num_row_ = n, len(rows)
    lengths = [row[0].size for row in rows]
    matrix.start_ = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    matrix.index_ = np.concatenate([row[0] for row in rows]).astype(np.int32)
    matrix.value_ = np.concatenate([row[1] for row in rows]).astype(np.float64)
    if is_integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    return lp


def _ensure_ok(status: highspy.HighsStatus, what: str) -> None:
    """Raise when HiGHS reports an error for `what`."""
    if status == highspy.HighsStatus.kError:
        raise RuntimeError(f"HiGHS refused {what}")


def explain_infeasible(problem: SelectionProblem, prep: PreparedSelection) -> NoReturn:
    """Raise `SelectionInfeasible` for a model HiGHS proved infeasible.

    The spacing is named as the cause when the model without it is feasible.
    """
    if prep.cliques:
        relaxed = run_highs(build_selection_lp(problem, prep, has_spacing=False), problem)
        feasible = highspy.SolutionStatus.kSolutionStatusFeasible
        if relaxed.getInfo().primal_solution_status == feasible:
            raise SelectionInfeasible(_spacing_clash(problem, prep))
    parts = [f"n_select {problem.n_select}"]
    if any(g.lower > 0 or g.upper is not None for g in prep.provinces):
        parts.append(f"the quotas of {len(prep.provinces)} provinces")
    if prep.types:
        parts.append(f"type_min {dict(problem.type_min)} and type_max {dict(problem.type_max)}")
    if prep.budget_fen is not None:
        parts.append(f"budget {format_cny(prep.budget_fen)} CNY")
    if prep.cliques:
        parts.append(f"min_spacing_km {problem.min_spacing_km:g}")
    raise SelectionInfeasible(f"HiGHS proved that no selection meets {', '.join(parts)} together")


def _spacing_clash(problem: SelectionProblem, prep: PreparedSelection) -> str:
    """Why the spacing makes the problem infeasible, with the numbers."""
    spacing, n, need = problem.min_spacing_km, len(problem.codes), problem.n_select
    most = _most_spaced(problem, prep, np.arange(n, dtype=np.int64))
    if most < need:
        return (
            f"min_spacing_km {spacing:g}: at most {most} of the {n} eligible counties are"
            f" pairwise at least {spacing:g} km apart, n_select {need}"
        )
    for group in (*prep.provinces, *prep.types):
        if group.lower > 1:
            most = _most_spaced(problem, prep, group.members)
            if most < group.lower:
                return (
                    f"min_spacing_km {spacing:g}: at most {most} of the {group.members.size}"
                    f" eligible counties of {group.label} are pairwise at least {spacing:g} km"
                    f" apart, minimum {group.lower}"
                )
    return (
        f"min_spacing_km {spacing:g} makes the selection infeasible: without it {need}"
        " counties meet the quotas and budget, with it none do (proved by HiGHS)"
    )
