"""Checks of a county selection problem: valid inputs, and pre-checks of feasibility.

Internal to `nevrural.core.targeting.selection`. Every `SelectionInfeasible` message
names the numbers that clash, e.g. "西藏自治区 (540000) has 3 eligible counties,
minimum 5".
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from nevrural.core.targeting.selection import SelectionProblem

__all__ = [
    "QuotaGroup",
    "SelectionInfeasible",
    "check_feasible",
    "check_inputs",
    "checked_budget",
    "exact_costs",
    "format_cny",
    "frozen_floats",
    "money_in_fen",
    "quota_groups",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_MAX_EXACT_FEN = 2**53  # integers below this are exact in float64, as HiGHS stores rows
_MAX_HIGHS_SEED = 2**31 - 1


class SelectionInfeasible(ValueError):  # noqa: N818  (the name says what the caller learns)
    """No selection meets the constraints; the message names the numbers that clash."""


@dataclass(frozen=True, eq=False)
class QuotaGroup:
    """Counties sharing a province or a type, with their quota, counties.

    Attributes
    ----------
    label
        For messages: "西藏自治区 (540000)" or "type 'cold'".
    members
        Indices of the group's counties, ascending.
    lower, upper
        Minimum and maximum to select (None: no maximum), counties.
    """

    label: str
    members: IntArray
    lower: int
    upper: int | None

    @property
    def cap(self) -> int:
        """Most counties the group can give: its maximum, at most its size."""
        size = int(self.members.size)
        return size if self.upper is None else min(self.upper, size)


def quota_groups(
    problem: SelectionProblem,
) -> tuple[tuple[QuotaGroup, ...], tuple[QuotaGroup, ...]]:
    """Province and type quota groups of a problem.

    Every province present gets a group, and so does an absent one given a minimum
    in `province_min` (it has 0 eligible counties); every type with a quota gets one.
    """
    names = problem.province_names
    provinces = _groups(
        problem.province_codes,
        problem.per_province_min,
        problem.per_province_max,
        problem.province_min,
        problem.province_max,
        lambda code: f"{names[code]} ({code})" if names.get(code) else code,
        is_every_label=True,
    )
    if problem.county_types is None:
        return provinces, ()
    types = _groups(
        problem.county_types,
        0,
        None,
        problem.type_min,
        problem.type_max,
        lambda kind: f"type {kind!r}",
        is_every_label=False,
    )
    return provinces, types


def _groups(
    labels: Sequence[str],
    default_min: int,
    default_max: int | None,
    mins: Mapping[str, int],
    maxs: Mapping[str, int],
    describe: Callable[[str], str],
    *,
    is_every_label: bool,
) -> tuple[QuotaGroup, ...]:
    """Groups of counties by label; a label with no county counts only with a minimum."""
    members: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    keys = set(mins) | set(maxs) | (set(members) if is_every_label else set())
    groups = []
    for key in sorted(keys):
        lower = mins.get(key, default_min if key in members else 0)
        if key in members or lower > 0:
            indices = np.array(members.get(key, []), dtype=np.int64)
            groups.append(QuotaGroup(describe(key), indices, lower, maxs.get(key, default_max)))
    return tuple(groups)


def money_in_fen(problem: SelectionProblem) -> tuple[IntArray | None, int | None]:
    """Event costs and the budget in integer fen (1 CNY = 100 fen).

    The budget rounds down, which is exact: any sum of costs is a whole number of fen.
    """
    costs = problem.event_cost_cny
    cost_fen = None
    if costs is not None:
        cost_fen = np.array([int(_as_decimal(c).scaleb(2)) for c in costs], dtype=np.int64)
    budget_fen = None
    if problem.budget_cny is not None:
        budget_fen = int(problem.budget_cny.scaleb(2).to_integral_value(rounding=ROUND_FLOOR))
    return cost_fen, budget_fen


def format_cny(fen: int) -> str:
    """An amount in fen as CNY with thousands separators: 123400000 -> '1,234,000.00'."""
    return f"{Decimal(fen).scaleb(-2):,.2f}"


def check_feasible(
    problem: SelectionProblem,
    provinces: tuple[QuotaGroup, ...],
    types: tuple[QuotaGroup, ...],
    cost_fen: IntArray | None,
    budget_fen: int | None,
) -> None:
    """Raise `SelectionInfeasible` when counts, quotas or the budget cannot be met.

    Without spacing and budget these checks are exact for the province quotas alone;
    what they miss (spacing, quotas that interact) HiGHS proves later.
    """
    n, need = len(problem.codes), problem.n_select
    if need > n:
        raise SelectionInfeasible(f"n_select {need} exceeds the {n} eligible counties")
    _check_groups(provinces, n, need, "per-province", "provinces")
    _check_groups(types, n, need, "type", "types")
    if cost_fen is not None and budget_fen is not None:
        _check_budget_reach(provinces, cost_fen, budget_fen, need)


def _check_groups(
    groups: tuple[QuotaGroup, ...], n: int, need: int, what: str, plural: str
) -> None:
    """Each minimum within its group's size and maximum; minimums and caps vs n_select."""
    for group in groups:
        if group.lower > group.members.size:
            raise SelectionInfeasible(
                f"{group.label} has {group.members.size} eligible counties, minimum {group.lower}"
            )
        if group.upper is not None and group.lower > group.upper:
            raise SelectionInfeasible(
                f"{group.label} minimum {group.lower} exceeds maximum {group.upper}"
            )
    lowers = [group.lower for group in groups if group.lower > 0]
    if sum(lowers) > need:
        raise SelectionInfeasible(
            f"sum of {what} minimums {_sum_text(lowers, plural)} exceeds n_select {need}"
        )
    most = n - sum(group.members.size - group.cap for group in groups)
    if most >= need:
        return
    uppers = {group.upper for group in groups}
    is_uniform = len(uppers) == 1 and all(group.cap == group.upper for group in groups)
    if is_uniform and sum(group.members.size for group in groups) == n:
        raise SelectionInfeasible(
            f"{what} maximum {groups[0].upper} × {len(groups)} {plural} = {most} < n_select {need}"
        )
    raise SelectionInfeasible(
        f"{what} maximums allow at most {most} of the {n} eligible counties < n_select {need}"
    )


def _sum_text(values: list[int], plural: str) -> str:
    """A sum as the reader can check it: '31 × 1 = 31', '2 + 3 = 5' or '40 over 9 ...'."""
    total = sum(values)
    if len(set(values)) == 1:
        return f"{len(values)} × {values[0]} = {total}"
    if len(values) <= 6:
        return f"{' + '.join(map(str, values))} = {total}"
    return f"{total} over {len(values)} {plural}"


def _check_budget_reach(
    provinces: tuple[QuotaGroup, ...], cost_fen: IntArray, budget_fen: int, need: int
) -> None:
    """Compare the budget with the `need` cheapest events, and the cheapest meeting the
    province quotas.

    The second is exact: within a province the cheapest events go first, so the least
    cost takes each province's cheapest `lower` events and then the cheapest of the
    rest up to each cap (a separable convex allocation, solved by the greedy).
    """
    cheapest = int(np.sort(cost_fen)[:need].sum())
    if cheapest > budget_fen:
        raise SelectionInfeasible(
            f"the {need} cheapest events cost {format_cny(cheapest)} CNY,"
            f" budget {format_cny(budget_fen)} CNY"
        )
    mandatory, optional = 0, [np.empty(0, dtype=np.int64)]
    for group in provinces:
        costs = np.sort(cost_fen[group.members])
        mandatory += int(costs[: group.lower].sum())
        optional.append(costs[group.lower : group.cap])
    rest = need - sum(group.lower for group in provinces)
    least = mandatory + int(np.sort(np.concatenate(optional))[:rest].sum())
    if least > budget_fen:
        raise SelectionInfeasible(
            f"the {need} cheapest events that meet the per-province minimums and maximums"
            f" cost {format_cny(least)} CNY, budget {format_cny(budget_fen)} CNY"
        )


def frozen_floats(values: npt.ArrayLike, name: str, n: int) -> FloatArray:
    """A read-only float copy of `values`, checked to be finite with shape ``(n,)``."""
    array = np.array(values, dtype=np.float64)
    if array.shape != (n,):
        raise ValueError(f"{name} has shape {array.shape}, expected ({n},) like codes")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, found {int(np.sum(~np.isfinite(array)))} not")
    array.flags.writeable = False
    return array


def check_inputs(problem: SelectionProblem) -> None:
    """Check labels, scores, coordinates, counts, quotas and solver settings."""
    _check_labels(problem)
    _check_numbers(problem)


def _check_labels(problem: SelectionProblem) -> None:
    """Check label lengths, unique codes, and that type quotas come with types."""
    n = len(problem.codes)
    for name in ("names", "province_codes", "county_types"):
        values = getattr(problem, name)
        if values is not None and len(values) != n:
            raise ValueError(f"{name} has {len(values)} entries but codes has {n}")
    repeated = sorted(code for code, count in Counter(problem.codes).items() if count > 1)
    if repeated:
        raise ValueError(f"codes must be unique, repeated: {', '.join(repeated[:5])}")
    if problem.county_types is None and (problem.type_min or problem.type_max):
        raise ValueError("type_min and type_max need county_types")


def _check_numbers(problem: SelectionProblem) -> None:
    """Check scores, latitudes, counts, quotas and solver settings."""
    negative = np.flatnonzero(problem.scores < 0.0)
    if negative.size:
        i = int(negative[0])
        raise ValueError(
            f"scores must be >= 0, {problem.names[i]} ({problem.codes[i]}) has {problem.scores[i]}"
        )
    if problem.lat_deg.size and not np.all(np.abs(problem.lat_deg) <= 90.0):
        raise ValueError("lat_deg must lie in [-90, 90] degrees")
    _check_int("n_select", problem.n_select, 1)
    _check_int("per_province_min", problem.per_province_min, 0)
    if problem.per_province_max is not None:
        _check_int("per_province_max", problem.per_province_max, 0)
    _check_int("seed", problem.seed, 0, _MAX_HIGHS_SEED)
    for name in ("province_min", "province_max", "type_min", "type_max"):
        for key, value in getattr(problem, name).items():
            _check_int(f"{name}[{key!r}]", value, 0)
    for name, value, is_zero_ok in (
        ("min_spacing_km", problem.min_spacing_km, True),
        ("time_limit_s", problem.time_limit_s, False),
        ("mip_rel_gap", problem.mip_rel_gap, True),
    ):
        if not (math.isfinite(value) and (value > 0.0 or (is_zero_ok and value == 0.0))):
            raise ValueError(
                f"{name} must be finite and {'>=' if is_zero_ok else '>'} 0, got {value}"
            )


def _check_int(name: str, value: object, low: int, high: int | None = None) -> None:
    """Raise unless `value` is an int in ``[low, high]``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        allowed = f">= {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be an integer {allowed}, got {value!r}")


def exact_costs(
    values: Sequence[Decimal | int | float], problem: SelectionProblem
) -> tuple[Decimal, ...]:
    """Event costs as Decimal CNY, checked to be finite, >= 0 and in whole fen."""
    costs = tuple(_as_decimal(value) for value in values)
    if len(costs) != len(problem.codes):
        raise ValueError(
            f"event_cost_cny has {len(costs)} entries but codes has {len(problem.codes)}"
        )
    for i, cost in enumerate(costs):
        if not (
            cost.is_finite() and cost >= 0 and cost.scaleb(2) == cost.scaleb(2).to_integral_value()
        ):
            raise ValueError(
                f"event_cost_cny of {problem.names[i]} ({problem.codes[i]}) is {cost}, "
                "expected a finite amount >= 0 in whole fen"
            )
    if sum(costs, Decimal(0)).scaleb(2) >= _MAX_EXACT_FEN:
        raise ValueError(f"event costs sum to {sum(costs)} CNY, too large to be exact")
    return costs


def _as_decimal(value: object) -> Decimal:
    """An amount as Decimal: floats through their shortest repr, so 0.1 stays 0.1."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    raise ValueError(f"amounts must be Decimal, int or float, got {value!r}")


def checked_budget(problem: SelectionProblem) -> Decimal:
    """The budget as Decimal CNY, checked to be finite, >= 0 and to come with costs."""
    budget = problem.budget_cny
    if problem.event_cost_cny is None:
        raise ValueError("budget_cny needs event_cost_cny")
    amount = _as_decimal(budget) if not isinstance(budget, float) else None
    if amount is None or not (amount.is_finite() and amount >= 0):
        raise ValueError(f"budget_cny must be a finite Decimal >= 0, got {budget!r}")
    return amount
