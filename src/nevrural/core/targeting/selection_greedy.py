"""Greedy county selection: a feasible start for the MIP, and its fallback.

Internal to `nevrural.core.targeting.selection`.

Notes
-----
First the province minimums and then the type minimums are filled, each group with
its best-scoring counties (groups with the least slack first); then counties are
taken by descending score. A county is skipped when it is closer than the spacing to
a selected one, when its province or type is full, when the slots left could no
longer meet the open minimums, or when its cost plus a cheap completion (the cheapest
free counties in turn that keep the spacing and maximums) exceeds the budget. Each
skip is forced by the counties already selected, and the budget test keeps a
completion at hand; yet earlier picks can still dead-end the greedy (spacing, quotas)
on a feasible problem.

Cost is O(n log n) for the order plus, with a tight budget, O(n (N d + n)) for the
look-ahead, d the largest number of neighbours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from nevrural.core.targeting.selection import SelectionProblem
    from nevrural.core.targeting.selection_model import PreparedSelection

__all__ = ["select_greedily"]


def select_greedily(problem: SelectionProblem, prep: PreparedSelection) -> tuple[int, ...] | None:
    """Indices of a greedy selection of ``n_select`` counties, ascending; None on a dead end."""
    state = _GreedyState(problem, prep)
    scores = problem.scores
    groups = sorted(
        (k for k, group in enumerate(state.groups) if group.lower > 0),
        key=lambda k: (state.family[k], state.groups[k].members.size - state.groups[k].lower),
    )
    for k in groups:
        members = state.groups[k].members
        for i in members[np.argsort(-scores[members], kind="stable")].tolist():
            if state.counts[k] >= state.groups[k].lower:
                break
            if state.can_add(i):
                state.add(i)
    for i in np.argsort(-scores, kind="stable").tolist():
        if len(state.chosen) == problem.n_select:
            break
        if state.can_add(i):
            state.add(i)
    return tuple(sorted(state.chosen)) if len(state.chosen) == problem.n_select else None


class _GreedyState:
    """Selected and blocked counties, quota counts, open minimums and money spent."""

    def __init__(self, problem: SelectionProblem, prep: PreparedSelection) -> None:
        n = len(problem.codes)
        self.prep, self.need = prep, problem.n_select
        self.groups = (*prep.provinces, *prep.types)
        self.family = [0] * len(prep.provinces) + [1] * len(prep.types)
        self.group_of: list[list[int]] = [[] for _ in range(n)]
        for k, group in enumerate(self.groups):
            for i in group.members.tolist():
                self.group_of[i].append(k)
        self.counts = [0] * len(self.groups)
        self.open_min = [sum(g.lower for g in prep.provinces), sum(g.lower for g in prep.types)]
        self.chosen: list[int] = []
        self.is_blocked = np.zeros(n, dtype=bool)  # selected, or closer than the spacing
        self.spent_fen = 0
        self.cost_fen: list[int] | None = None
        if prep.cost_fen is not None:
            self.cost_fen = [int(cost) for cost in prep.cost_fen.tolist()]
        self.free_by_cost: list[int] = []
        self._refresh_free_costs()

    def can_add(self, i: int) -> bool:
        """Whether county `i` can join without breaking a constraint or a completion."""
        if self.is_blocked[i]:
            return False
        slots_after = self.need - len(self.chosen) - 1
        open_after = list(self.open_min)
        for k in self.group_of[i]:
            if self.counts[k] >= self.groups[k].cap:
                return False
            if self.counts[k] < self.groups[k].lower:
                open_after[self.family[k]] -= 1
        return max(open_after) <= slots_after and self._fits_budget(i, slots_after)

    def add(self, i: int) -> None:
        """Select county `i` and block its neighbours."""
        for k in self.group_of[i]:
            if self.counts[k] < self.groups[k].lower:
                self.open_min[self.family[k]] -= 1
            self.counts[k] += 1
        self.chosen.append(i)
        self.is_blocked[i] = True
        self.is_blocked[np.fromiter(self.prep.neighbours[i], dtype=np.int64)] = True
        if self.cost_fen is not None:
            self.spent_fen += self.cost_fen[i]
        self._refresh_free_costs()

    def _refresh_free_costs(self) -> None:
        """The counties not blocked, cheapest first (only with costs)."""
        cost_fen = self.prep.cost_fen
        if cost_fen is not None:
            free = np.flatnonzero(~self.is_blocked)
            self.free_by_cost = free[np.argsort(cost_fen[free], kind="stable")].tolist()

    def _fits_budget(self, i: int, slots_after: int) -> bool:
        """Whether county `i` and a cheap completion by the free counties fit the budget."""
        cost_fen, budget_fen = self.cost_fen, self.prep.budget_fen
        if cost_fen is None or budget_fen is None:
            return True
        left_fen = budget_fen - self.spent_fen - cost_fen[i]
        if left_fen < 0 or slots_after == 0:
            return left_fen >= 0
        priciest = self.free_by_cost[-slots_after:]
        if sum(cost_fen[j] for j in priciest) <= left_fen:  # any completion fits
            return True
        rest_fen = self._cheap_completion_fen(i, slots_after, cost_fen)
        return rest_fen is not None and rest_fen <= left_fen

    def _cheap_completion_fen(self, i: int, slots: int, cost_fen: list[int]) -> int | None:
        """Cost, fen, of `slots` counties that could follow `i`; None when too few remain.

        The cheapest free counties in turn, skipping any closer than the spacing to `i`
        or to one taken, or in a full province or type.
        """
        blocked = {i, *self.prep.neighbours[i]}
        extra = dict.fromkeys(self.group_of[i], 1)
        total_fen, n_taken = 0, 0
        for j in self.free_by_cost:
            if j in blocked or any(
                self.counts[k] + extra.get(k, 0) >= self.groups[k].cap for k in self.group_of[j]
            ):
                continue
            total_fen, n_taken = total_fen + cost_fen[j], n_taken + 1
            if n_taken == slots:
                return total_fen
            blocked.update(self.prep.neighbours[j])
            for k in self.group_of[j]:
                extra[k] = extra.get(k, 0) + 1
        return None
