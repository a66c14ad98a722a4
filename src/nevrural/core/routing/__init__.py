"""Routing: caravan tours and service rounds on PyVRP.

* :mod:`~nevrural.core.routing.vrptw` — the vehicle routing problem with time windows
  (one depot, capacity, time windows, service durations) and the CVRPLIB convention
  for Solomon instances (Euclidean distances truncated to one decimal, in integers);
* :mod:`~nevrural.core.routing.vrptw_check` — an independent feasibility checker and the
  cost of given routes, written without PyVRP;
* :mod:`~nevrural.core.routing.vrptw_solve` — the PyVRP solve (iterated local search);
* :mod:`~nevrural.core.routing.caravan` — multi-day caravan plans: the two-level PyVRP
  decomposition (:mod:`~nevrural.core.routing.caravan_tour`,
  :mod:`~nevrural.core.routing.caravan_days`, :mod:`~nevrural.core.routing.caravan_day_pyvrp`),
  the nearest-neighbour baseline, the independent checker and the outputs;
* :mod:`~nevrural.core.routing.repair_rounds` — mobile repair rounds every N days.
"""

__all__: list[str] = []
