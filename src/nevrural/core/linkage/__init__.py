"""City linkage: choose about K cities "with distinctive characteristics and complementary
advantages" from the candidates that localities recommend (MOFCOM's linked car festival).

The objective (:mod:`~nevrural.core.linkage.objective`) rewards feature
distinctiveness, coverage of themes and of macro-regions, and geographic spread, with
weights. :func:`solve_linkage` solves it exactly as a MILP with outer-approximation
cuts (HiGHS) up to 200 candidates and by lazy greedy plus swap local search beyond;
every chosen city gets a reason in Chinese and English.
"""

from nevrural.core.linkage.objective import LinkageObjective, build_objective, evaluate_selection
from nevrural.core.linkage.problem import (
    CityReason,
    LinkageMethod,
    LinkageProblem,
    LinkageResult,
    LinkageTerms,
)
from nevrural.core.linkage.reasons import FEATURE_LABELS, THEME_LABELS, theme_label
from nevrural.core.linkage.regions import (
    REGION_LABELS,
    RegionScheme,
    region_label,
    region_of_province,
)
from nevrural.core.linkage.solve import (
    EXACT_MAX_CANDIDATES,
    solve_linkage,
    solve_linkage_exact,
    solve_linkage_greedy,
)

__all__ = [
    "EXACT_MAX_CANDIDATES",
    "FEATURE_LABELS",
    "REGION_LABELS",
    "THEME_LABELS",
    "CityReason",
    "LinkageMethod",
    "LinkageObjective",
    "LinkageProblem",
    "LinkageResult",
    "LinkageTerms",
    "RegionScheme",
    "build_objective",
    "evaluate_selection",
    "region_label",
    "region_of_province",
    "solve_linkage",
    "solve_linkage_exact",
    "solve_linkage_greedy",
    "theme_label",
]
