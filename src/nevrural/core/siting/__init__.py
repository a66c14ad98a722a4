"""Siting: where to open rural charging stations, maintenance points and repair bases.

Location-allocation models (p-median, maximal covering, set covering) on a shared
problem (:mod:`nevrural.core.siting.problem`), each with an exact path (HiGHS) and a
fast heuristic path with a proven lower or upper bound.
"""

__all__: list[str] = []
