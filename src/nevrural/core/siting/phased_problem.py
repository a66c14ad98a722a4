"""The phased build-out problem: demand by period, new sites and budget per period.

A build-out over periods ``t = 0..T-1`` (e.g. years) on one shared
:class:`~nevrural.core.siting.problem.SitingProblem` (``base``): the same sites,
allowed pairs, distances, land, capacities and costs every period, but each period has
its own demand weights (e.g. the adoption forecast's NEVs of that year).

A **schedule** is a boolean array ``is_open`` of shape ``(T, n_sites)``: the sites open
in each period. It is feasible when

* existing sites are open in every period (free, not counted as new);
* sites without land are never open;
* a site once open stays open: ``is_open[t] <= is_open[t + 1]``;
* exactly ``new_sites_per_period[t]`` new sites open in period ``t`` (exactly, as in
  the single-period models; give 0 for a year without openings);
* the budgets hold, in whole fen: without ``carry_over`` the sites opened in period
  ``t`` cost at most that period's budget; with it, the sites opened up to ``t`` cost at
  most the budgets up to ``t`` (unspent money carries over); ``base.budget_cny``, when
  given, caps the total over the whole horizon.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from nevrural.core.siting.problem import SitingProblem

if TYPE_CHECKING:
    from nevrural.core.siting.problem import BoolArray, FloatArray, IntArray

__all__ = ["PhasedInfeasible", "PhasedProblem", "format_fen"]


class PhasedInfeasible(ValueError):  # noqa: N818  (the name says what the caller learns)
    """No schedule meets the phased rules; the message names the numbers that clash."""


def format_fen(fen: int) -> str:
    """Whole fen as CNY with two decimals.

    >>> format_fen(123456), format_fen(500)
    ('1234.56', '5.00')
    """
    return f"{Decimal(fen) / 100:.2f}"


def _is_count(value: object) -> bool:
    """True for a Python or NumPy integer that is not a bool."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


@dataclass(frozen=True, eq=False, kw_only=True)
class PhasedProblem:
    """A siting problem over periods: demand per period, new sites and budget per period.

    Attributes
    ----------
    base
        Sites, allowed pairs with distances (km) and site rules; its ``demand_weight``
        is replaced by each period's row of `demand_by_period`. Its ``budget_cny``,
        when given, caps the total spent on new sites over the whole horizon, CNY.
    demand_by_period
        Demand units per period and demand point, shape ``(T, n_demand)``, finite and
        ``>= 0``.
    new_sites_per_period
        Exactly this many new sites open in each period (``>= 0``).
    budget_by_period_cny
        Budget for the sites opened in each period, CNY (needs ``base.cost_cny``);
        None = no per-period budget.
    carry_over
        Whether unspent budget carries over to later periods.
    period_labels
        A label per period (e.g. ``"2026"``); default ``"1"``, ``"2"``, ...
    discount_rate
        Per-period rate ``r >= 0``: period ``t`` (0-based) weighs ``(1 + r) ** -t`` in
        the total objective.
    """

    base: SitingProblem
    demand_by_period: FloatArray
    new_sites_per_period: tuple[int, ...]
    budget_by_period_cny: tuple[Decimal, ...] | None = None
    carry_over: bool = False
    period_labels: tuple[str, ...] | None = None
    discount_rate: float = 0.0
    _budget_fen: tuple[int, ...] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.base, SitingProblem):
            raise TypeError(f"base must be a SitingProblem, got {type(self.base).__name__}")
        self._check_demand()
        n_periods = self.n_periods
        counts = tuple(self.new_sites_per_period)
        if len(counts) != n_periods:
            raise ValueError(
                f"new_sites_per_period has {len(counts)} entries, demand_by_period"
                f" {n_periods} periods"
            )
        for t, count in enumerate(counts):
            if not _is_count(count) or count < 0:
                raise ValueError(f"new_sites_per_period[{t}] = {count!r} must be an integer >= 0")
        object.__setattr__(self, "new_sites_per_period", tuple(int(c) for c in counts))
        self._check_budgets(n_periods)
        if self.period_labels is not None and len(self.period_labels) != n_periods:
            raise ValueError(
                f"period_labels has {len(self.period_labels)} entries, expected {n_periods}"
            )
        rate = self.discount_rate
        if not (isinstance(rate, int | float) and math.isfinite(rate) and rate >= 0):
            raise ValueError(f"discount_rate = {rate!r} must be finite and >= 0")

    def _check_demand(self) -> None:
        demand = np.array(self.demand_by_period, dtype=np.float64)
        if demand.ndim != 2 or demand.shape[0] < 1:
            raise ValueError(
                f"demand_by_period has shape {demand.shape}, expected (periods >= 1, n_demand)"
            )
        if demand.shape[1] != self.base.n_demand:
            raise ValueError(
                f"demand_by_period has {demand.shape[1]} columns, base has"
                f" {self.base.n_demand} demand points"
            )
        bad = np.argwhere(~np.isfinite(demand) | (demand < 0))
        if bad.size:
            t, i = (int(v) for v in bad[0])
            raise ValueError(f"demand_by_period[{t}, {i}] = {demand[t, i]} must be finite, >= 0")
        demand.setflags(write=False)
        object.__setattr__(self, "demand_by_period", demand)

    def _check_budgets(self, n_periods: int) -> None:
        budgets = self.budget_by_period_cny
        if budgets is None:
            object.__setattr__(self, "_budget_fen", None)
            return
        if self.base.cost_cny is None:
            raise ValueError("budget_by_period_cny needs base.cost_cny")
        if len(budgets) != n_periods:
            raise ValueError(
                f"budget_by_period_cny has {len(budgets)} entries, expected {n_periods}"
            )
        for t, budget in enumerate(budgets):
            if not isinstance(budget, Decimal) or not budget.is_finite() or budget < 0:
                raise ValueError(f"budget_by_period_cny[{t}] = {budget!r} must be a Decimal >= 0")
        # Whole fen, floored: a fraction of a fen cannot be spent.
        object.__setattr__(self, "_budget_fen", tuple(math.floor(b * 100) for b in budgets))

    @property
    def n_periods(self) -> int:
        """Number of periods ``T``."""
        return int(self.demand_by_period.shape[0])

    @property
    def labels(self) -> tuple[str, ...]:
        """The period labels (default ``"1"``, ``"2"``, ...)."""
        if self.period_labels is not None:
            return tuple(str(label) for label in self.period_labels)
        return tuple(str(t + 1) for t in range(self.n_periods))

    @property
    def discount(self) -> FloatArray:
        """Weight of each period in the total objective, ``(1 + r) ** -t``."""
        return np.asarray((1.0 + self.discount_rate) ** -np.arange(self.n_periods, dtype=float))

    @property
    def cumulative_new(self) -> IntArray:
        """New sites open by the end of each period, ``P_t``."""
        return np.cumsum(np.asarray(self.new_sites_per_period, dtype=np.int64))

    @property
    def budget_fen(self) -> tuple[int, ...] | None:
        """Budget of each period in whole fen (floored), None when not given."""
        return self._budget_fen

    def cumulative_cap_fen(self, t: int) -> int | None:
        """The most any feasible schedule spends on new sites up to period `t`, fen.

        ``min(sum of the budgets up to t, the horizon budget)``; None when unlimited.
        Both carry-over modes obey it.
        """
        caps = [] if self._budget_fen is None else [sum(self._budget_fen[: t + 1])]
        if self.base.budget_fen is not None:
            caps.append(self.base.budget_fen)
        return min(caps) if caps else None

    def spent_fen(self, is_open: BoolArray) -> IntArray:
        """Cost of the sites newly opened in each period of a schedule, fen."""
        is_open = np.asarray(is_open, dtype=np.bool_)
        before = np.vstack([self.base.existing[None, :], is_open[:-1]])
        newly = is_open & ~before & ~self.base.existing[None, :]
        return np.asarray(newly.astype(np.int64) @ self.base.cost_fen, dtype=np.int64)

    def budget_clash(self, spent_fen: IntArray) -> str | None:
        """Which budget the spending per period (fen) breaks, or None when none."""
        spent = [int(s) for s in spent_fen]
        budgets = self._budget_fen
        labels = self.labels
        for t in range(len(spent)):
            if budgets is not None and not self.carry_over and spent[t] > budgets[t]:
                return (
                    f"period {labels[t]} spends {format_fen(spent[t])} CNY, budget"
                    f" {format_fen(budgets[t])} CNY"
                )
            if budgets is not None and sum(spent[: t + 1]) > sum(budgets[: t + 1]):
                return (
                    f"periods up to {labels[t]} spend {format_fen(sum(spent[: t + 1]))} CNY,"
                    f" budgets {format_fen(sum(budgets[: t + 1]))} CNY"
                )
        total = self.base.budget_fen
        if total is not None and sum(spent) > total:
            return (
                f"the horizon spends {format_fen(sum(spent))} CNY, budget {format_fen(total)} CNY"
            )
        return None

    def schedule_clash(self, is_open: BoolArray) -> str | None:
        """The first rule a schedule ``(T, n_sites)`` breaks, or None when it is feasible.

        >>> from scipy.sparse import csr_matrix
        >>> base = SitingProblem(demand_weight=np.ones(1), distance_km=csr_matrix(np.ones((1, 2))))
        >>> phased = PhasedProblem(base=base, demand_by_period=np.ones((2, 1)),
        ...                        new_sites_per_period=(1, 0))
        >>> phased.schedule_clash(np.array([[True, False], [False, True]]))
        'site 0 is open in period 1 but closed in period 2'
        >>> phased.schedule_clash(np.array([[True, False], [True, False]])) is None
        True
        """
        is_open = np.asarray(is_open, dtype=np.bool_)
        base, labels = self.base, self.labels
        if is_open.shape != (self.n_periods, base.n_sites):
            return (
                f"schedule has shape {is_open.shape}, expected ({self.n_periods}, {base.n_sites})"
            )
        closed = np.argwhere(~is_open & base.existing[None, :])
        if closed.size:
            return f"existing site {closed[0][1]} is closed in period {labels[closed[0][0]]}"
        landless = np.argwhere(is_open & ~(base.can_open | base.existing)[None, :])
        if landless.size:
            return (
                f"site {landless[0][1]} has no land but is open in period {labels[landless[0][0]]}"
            )
        shut = np.argwhere(is_open[:-1] & ~is_open[1:])
        if shut.size:
            t, j = (int(v) for v in shut[0])
            return f"site {j} is open in period {labels[t]} but closed in period {labels[t + 1]}"
        n_new = (is_open & ~base.existing[None, :]).sum(axis=1)
        wrong = np.flatnonzero(n_new != self.cumulative_new)
        if wrong.size:
            t = int(wrong[0])
            expected = self.cumulative_new[t]
            return f"{n_new[t]} new sites open by period {labels[t]}, expected {expected}"
        return self.budget_clash(self.spent_fen(is_open))

    def check_rules(self, *, needs_open_site: bool) -> None:
        """Refuse counts and budgets that no schedule can meet, naming the numbers.

        `needs_open_site`: a period with demand needs some open site (p-median).
        These are necessary conditions; the solvers prove or refute the rest.
        """
        base, labels = self.base, self.labels
        can_open = np.flatnonzero(base.can_open)
        cumulative = self.cumulative_new
        if cumulative[-1] > can_open.size:
            raise PhasedInfeasible(
                f"{cumulative[-1]} new sites over the horizon, but only {can_open.size} of the"
                f" {base.n_sites} sites can open (land available and not already existing)"
            )
        costs = np.sort(base.cost_fen[can_open])
        budgets = self._budget_fen
        for t, count in enumerate(self.new_sites_per_period):
            least = int(costs[:count].sum())
            if budgets is not None and not self.carry_over and least > budgets[t]:
                raise PhasedInfeasible(
                    f"period {labels[t]}: the {count} cheapest new sites cost"
                    f" {format_fen(least)} CNY, budget {format_fen(budgets[t])} CNY"
                )
            cap = self.cumulative_cap_fen(t)
            cheapest = int(costs[: cumulative[t]].sum())
            if cap is not None and cheapest > cap:
                raise PhasedInfeasible(
                    f"periods up to {labels[t]}: the {cumulative[t]} cheapest new sites cost"
                    f" {format_fen(cheapest)} CNY, budgets allow {format_fen(cap)} CNY"
                )
            has_demand = bool(self.demand_by_period[t].sum() > 0)
            if needs_open_site and has_demand and cumulative[t] + base.existing.sum() == 0:
                raise PhasedInfeasible(
                    f"period {labels[t]} has demand {self.demand_by_period[t].sum():g} but no"
                    " site is open (no existing site and no new site yet)"
                )
