"""Use case: an organiser's overview of the campaign in their jurisdiction.

The figures an organiser's dashboard shows, all limited to the counties under the
organiser's scope (``000000`` the nation, ``410000`` a province, …): counties on the demo
shortlist, events the demo caravan plan holds, leads, orders by state, deliveries made,
follow-up calls recorded and due, and the subsidies quoted to buyers (CNY).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from nevrural.core.service.leads import LeadState
from nevrural.core.service.orders import OrderState
from nevrural.core.service.principal import NATION_CODE, Role, scope_prefix
from nevrural.services.chain_errors import ChainForbiddenError
from nevrural.services.events_plan import KIND as EVENTS_KIND
from nevrural.services.targeting import KIND as TARGETING_KIND

if TYPE_CHECKING:
    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork

__all__ = ["DELIVERED_STATES", "campaign_overview"]

# An order closes only after its delivery (and follow-ups), so both states count as delivered.
DELIVERED_STATES = (OrderState.DELIVERED.value, OrderState.CLOSED.value)
_TOP_COUNTIES = 10


def _in_scope(code: str, prefix: str) -> bool:
    return code.startswith(prefix)


def _shortlist(uow: ChainUnitOfWork, prefix: str) -> dict[str, Any]:
    """The demo shortlist's counties under the prefix, best first."""
    scenario = uow.scenarios.latest_demo(TARGETING_KIND)
    if scenario is None:
        return {"id": None, "name": None, "total": 0, "counties": []}
    selected = scenario.result.get("selected", [])
    rows = [row for row in selected if _in_scope(str(row["code"]), prefix)]
    return {"id": scenario.id, "name": scenario.name, "total": len(selected), "counties": rows}


def _events(uow: ChainUnitOfWork, prefix: str) -> dict[str, Any]:
    """Events the demo caravan plan holds in counties under the prefix, and persons reached."""
    scenario = uow.scenarios.latest_demo(EVENTS_KIND)
    if scenario is None:
        return {"id": None, "held": 0, "persons_reached": 0, "counties": 0}
    rows = [r for r in scenario.result.get("counties", []) if _in_scope(r["county_code"], prefix)]
    return {
        "id": scenario.id,
        "held": sum(int(r.get("events_held", 0)) for r in rows),
        "persons_reached": sum(int(r.get("persons_reached", 0)) for r in rows),
        "counties": sum(1 for r in rows if r.get("events_held")),
    }


def _subsidies_quoted(uow: ChainUnitOfWork, prefix: str) -> tuple[int, Decimal]:
    """How many quotes buyers under the prefix got, and the sum of their applied amounts (CNY)."""
    quotes = uow.quotes.amounts_in_scope(prefix)
    total = Decimal("0.00")
    for amounts in quotes:
        for text in amounts.values():
            try:
                total += Decimal(text)
            except InvalidOperation:  # pragma: no cover - stored by the offer engine as text
                continue
    return len(quotes), total.quantize(Decimal("0.01"))


def _ordered(counts: dict[str, int], states: list[str]) -> dict[str, int]:
    """Counts in the state machine's order, every state present (0 when none)."""
    ordered = {state: int(counts.get(state, 0)) for state in states}
    ordered.update({k: v for k, v in sorted(counts.items()) if k not in ordered})
    return ordered


def campaign_overview(ctx: ChainContext, principal: Principal) -> dict[str, Any]:
    """The dashboard figures of an organiser's jurisdiction.

    Parameters
    ----------
    ctx
        The service chain's context (storage and clock).
    principal
        An organiser; its scope code limits every figure to the counties under it.

    Returns
    -------
    dict
        ``scope_code``, ``scope_name`` (None for the nation), ``as_of`` (date of the
        clock), ``shortlist`` (id, name, national ``total``, ``counties`` in scope),
        ``counties_shortlisted``, ``events`` (plan id, events ``held``, ``persons_reached``,
        ``counties``), ``leads`` and ``leads_by_state``, ``orders`` and
        ``orders_by_state``, ``deliveries_done`` (orders delivered or closed),
        ``follow_ups_done``, ``follow_ups_due`` (open and due by today), ``quotes`` and
        ``subsidy_quoted_cny`` (sum of the applied amounts of the stored quotes, CNY).

    Raises
    ------
    ChainForbiddenError
        When the principal is not an organiser.
    """
    if principal.role is not Role.ORGANISER:
        raise ChainForbiddenError("only organisers see the campaign overview")
    prefix = scope_prefix(principal.scope_code)
    today = ctx.clock().date()
    with ctx.uow_factory() as uow:
        scope = None
        if principal.scope_code != NATION_CODE:
            scope = uow.atlas.get_division(principal.scope_code)
        shortlist = _shortlist(uow, prefix)
        events = _events(uow, prefix)
        orders = _ordered(
            uow.orders.count_by_state(county_prefix=prefix), [s.value for s in OrderState]
        )
        leads = _ordered(
            uow.leads.count_by_state(county_prefix=prefix), [s.value for s in LeadState]
        )
        follow_ups = uow.orders.follow_up_counts(county_prefix=prefix, due_by=today)
        quotes, subsidies = _subsidies_quoted(uow, prefix)
    return {
        "scope_code": principal.scope_code,
        "scope_name": scope.name if scope is not None else None,
        "as_of": today,
        "shortlist": shortlist | {"counties": shortlist["counties"][:_TOP_COUNTIES]},
        "counties_shortlisted": len(shortlist["counties"]),
        "events": events,
        "leads": sum(leads.values()),
        "leads_by_state": leads,
        "orders": sum(orders.values()),
        "orders_by_state": orders,
        "deliveries_done": sum(orders[s] for s in DELIVERED_STATES),
        "follow_ups_done": follow_ups["done"],
        "follow_ups_due": follow_ups["due"],
        "quotes": quotes,
        "subsidy_quoted_cny": subsidies,
    }
