"""Window re-optimisation for MCLP and LSCP (uncapacitated): exact sub-MIPs on windows.

Internal to :mod:`nevrural.core.siting.coverage`. A *window* is a set of about
``size`` columns grown breadth-first from one open column through shared groups (two
columns are neighbours when they cover a common group). With every column outside the
window fixed, the window's problem is again a covering problem on the groups that no
open column outside covers: MCLP opens exactly as many window columns as are open now
to cover the most weight; LSCP covers all those groups with the fewest (cheapest)
window columns; both within the budget left. HiGHS solves it exactly from the current
choice (a node limit keeps runs reproducible); a better choice is applied at once and
the open columns of the window become seeds again, while an unimprovable window retires
the seeds of its core. Seeds are visited in a seeded random order until none is left,
the window limit or the time budget (POPMUSIC: Taillard & Voss, "POPMUSIC — Partial
optimization metaheuristic under special intensification conditions", in Essays and
Surveys in Metaheuristics (2002) 613-629). Each window costs O(size × degree) to cut
out plus a small MIP; the objective never gets worse.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.siting.coverage_highs import (
    Minimise,
    build_lscp,
    build_mclp,
    run_model,
    solution_values,
)
from nevrural.core.siting.coverage_model import CoverSets

if TYPE_CHECKING:
    from scipy import sparse

    from nevrural.core.siting.coverage_model import TimeBudget
    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray

__all__ = ["improve_by_windows"]

# HiGHS limits per window: nodes (keeps runs reproducible) and seconds.
_WINDOW_NODES = 2_000
_WINDOW_SECONDS = 5.0
# Share of a window (first reached) whose open columns stop being seeds when the window
# cannot be improved: their own windows would overlap it heavily.
_CORE_SHARE = 0.25
# Windows run only when the instance has at least this many columns per window.
_MIN_WINDOWS_PER_INSTANCE = 4
_WINDOW_GAP = 1e-9
# A window's new choice must gain more than this share of the largest group weight.
_IMPROVE_TOL = 1e-9


def _grow(
    seed: int, size: int, csr: sparse.csr_matrix, csc: sparse.csc_matrix, n_columns: int
) -> tuple[IntArray, IntArray]:
    """About `size` columns reached breadth-first from `seed` through shared groups.

    Returns them sorted, and the *core*: the first `_CORE_SHARE` of them in the order
    reached.
    """
    inside = np.zeros(n_columns, dtype=np.bool_)
    inside[seed] = True
    frontier = np.array([seed], dtype=np.int64)
    reached_order = [frontier]
    count = 1
    while count < size and frontier.size:
        groups = np.unique(
            np.concatenate([csc.indices[csc.indptr[c] : csc.indptr[c + 1]] for c in frontier])
        )
        reached = np.unique(
            np.concatenate([csr.indices[csr.indptr[g] : csr.indptr[g + 1]] for g in groups])
        )
        new = reached[~inside[reached]][: size - count]
        inside[new] = True
        count += new.size
        frontier = new
        reached_order.append(new)
    core = np.concatenate(reached_order)[: max(1, int(_CORE_SHARE * count))]
    return np.flatnonzero(inside).astype(np.int64), core.astype(np.int64)


def _window_sets(
    sets: CoverSets,
    csc: sparse.csc_matrix,
    window: IntArray,
    is_open: BoolArray,
    count: FloatArray,
    spent: float,
) -> tuple[CoverSets, IntArray]:
    """The window's problem (groups no open column outside covers) and those groups."""
    part = csc[:, window].tocsr()
    inside = np.asarray(part @ is_open[window].astype(np.float64)).ravel()
    touched = np.diff(part.indptr) > 0
    free = np.flatnonzero(touched & (count - inside == 0))
    sub = part[free]
    sub.sort_indices()
    budget = None
    if sets.budget_fen is not None:
        outside = spent - float(sets.cost_fen[window][is_open[window]].sum())
        budget = int(sets.budget_fen - outside)
    n = window.size
    window_sets = CoverSets(
        matrix=sub,
        weight=sets.weight[free],
        group_of=np.zeros(0, dtype=np.int64),
        site_of=window,
        is_fixed=np.zeros(n, dtype=np.bool_),
        capacity=np.full(n, np.inf),
        cost_fen=sets.cost_fen[window],
        budget_fen=budget,
        fixed_weight=0.0,
        is_capacitated=False,
    )
    return window_sets, free


def _solve_window(
    window_sets: CoverSets, current: BoolArray, seed: int, timer: TimeBudget
) -> BoolArray | None:
    """The window's optimal choice when it beats `current`, else None."""
    k = int(current.sum())
    covered = np.asarray(window_sets.matrix @ current.astype(np.float64)).ravel() > 0
    value = float(window_sets.weight[covered].sum())
    model = build_mclp(window_sets, k)
    start = np.concatenate([current.astype(np.float64), covered.astype(np.float64)])
    highs = run_model(
        model,
        time_limit_s=min(_WINDOW_SECONDS, max(timer.remaining(), 1e-3)),
        mip_rel_gap=_WINDOW_GAP,
        seed=seed,
        start=start,
        options={"mip_max_nodes": _WINDOW_NODES},
    )
    timer.spend(float(highs.getRunTime()))
    values = solution_values(highs)
    if values is None:
        return None
    choice = values[: window_sets.n_columns] > 0.5
    if int(choice.sum()) != k:
        return None
    spent = int(window_sets.cost_fen[choice].sum())
    if window_sets.budget_fen is not None and spent > window_sets.budget_fen:
        return None
    new_cover = np.asarray(window_sets.matrix @ choice.astype(np.float64)).ravel() > 0
    new_value = float(window_sets.weight[new_cover].sum())
    tol = _IMPROVE_TOL * float(window_sets.weight.max()) if window_sets.weight.size else 0.0
    return choice if new_value > value + tol else None


def _solve_cover_window(
    window_sets: CoverSets, current: BoolArray, minimise: Minimise, seed: int, timer: TimeBudget
) -> BoolArray | None:
    """The window's cheapest cover of its free groups when it beats `current`, else None."""
    unit = np.ones(window_sets.n_columns)
    cost = unit if minimise == "count" else window_sets.cost_fen.astype(np.float64)
    highs = run_model(
        build_lscp(window_sets, minimise),
        time_limit_s=min(_WINDOW_SECONDS, max(timer.remaining(), 1e-3)),
        mip_rel_gap=_WINDOW_GAP,
        seed=seed,
        start=current.astype(np.float64),
        options={"mip_max_nodes": _WINDOW_NODES},
    )
    timer.spend(float(highs.getRunTime()))
    values = solution_values(highs)
    if values is None:
        return None
    choice = values[: window_sets.n_columns] > 0.5
    if not np.all(np.asarray(window_sets.matrix @ choice.astype(np.float64)) > 0):
        return None
    spent = int(window_sets.cost_fen[choice].sum())
    if window_sets.budget_fen is not None and spent > window_sets.budget_fen:
        return None
    return choice if cost[choice].sum() < cost[current].sum() - 0.5 else None  # whole units


class _Windows:
    """The open set while windows are re-optimised, with cover counts and money spent.

    `minimise` None re-optimises MCLP windows (same number open, more weight covered);
    ``"count"`` or ``"cost"`` re-optimises LSCP windows (cover, fewer or cheaper sites).
    """

    def __init__(
        self,
        sets: CoverSets,
        chosen: IntArray,
        seed: int,
        timer: TimeBudget,
        minimise: Minimise | None = None,
    ):
        self.sets, self.seed, self.timer, self.minimise = sets, seed, timer, minimise
        self.is_open = np.zeros(sets.n_columns, dtype=np.bool_)
        self.is_open[chosen] = True
        self.csc = sets.columns_csc()
        self.count = np.asarray(sets.matrix @ self.is_open.astype(np.float64)).ravel()
        self.spent = float(sets.cost_fen[self.is_open].sum())
        self.solved = self.improved = 0

    def sweep(self, size: int, max_windows: int) -> None:
        """Windows of `size` around every open column until none is pending."""
        sets, is_open = self.sets, self.is_open
        rng = np.random.default_rng(self.seed + size)
        pending = deque(rng.permutation(np.flatnonzero(is_open)).tolist())
        is_pending = is_open.copy()
        while pending and self.solved < max_windows and self.timer.remaining() > 0:
            k = pending.popleft()
            if not (is_pending[k] and is_open[k]):
                continue
            is_pending[k] = False
            window, core = _grow(k, size, sets.matrix, self.csc, sets.n_columns)
            window_sets, _ = _window_sets(sets, self.csc, window, is_open, self.count, self.spent)
            self.solved += 1
            current = is_open[window]
            if self.minimise is None:
                choice = _solve_window(window_sets, current, self.seed, self.timer)
            else:
                choice = _solve_cover_window(
                    window_sets, current, self.minimise, self.seed, self.timer
                )
            if choice is None:
                is_pending[core] = False
                continue
            self.improved += 1
            delta = choice.astype(np.float64) - is_open[window].astype(np.float64)
            self.count += np.asarray(self.csc[:, window] @ delta).ravel()
            self.spent += float((sets.cost_fen[window] * delta).sum())
            is_open[window] = choice
            again = window[choice & ~is_pending[window]]
            pending.extend(again.tolist())
            is_pending[again] = True


def improve_by_windows(
    sets: CoverSets,
    chosen: IntArray,
    *,
    sizes: tuple[int, ...] = (250, 500),
    max_windows: int = 100_000,
    seed: int = 0,
    timer: TimeBudget,
    minimise: Minimise | None = None,
) -> tuple[IntArray, int, int]:
    """Re-optimise windows around open columns; the open columns, windows solved, improved.

    MCLP when `minimise` is None, LSCP (``"count"`` or ``"cost"``) otherwise. One sweep
    per window size in `sizes` (columns per window), each until no seed is pending;
    seeds in a seeded random order. Sizes above a quarter of the columns are skipped.
    Stops at `max_windows` or the time budget.
    """
    windows = _Windows(sets, chosen, seed, timer, minimise)
    for size in sizes:
        if size > sets.n_columns // _MIN_WINDOWS_PER_INSTANCE:
            break  # a window this large is the whole problem: that is the exact path's job
        if windows.solved >= max_windows or timer.remaining() <= 0:
            break
        windows.sweep(size, max_windows)
    return np.flatnonzero(windows.is_open).astype(np.int64), windows.solved, windows.improved
