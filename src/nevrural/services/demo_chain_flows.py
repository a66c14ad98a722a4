"""The demo's service-chain flows, run through the same use cases as real requests.

A livestream of the first automaker brings leads from invented buyers in the first
shortlisted counties (accepted, declined and passed on, pending); three buyers with
logins have orders in every state — placed, deposit paid, allocated, delivery
scheduled (at a campaign event), delivered with follow-ups due, closed after its
follow-ups, cancelled and refunded — a repair ticket and a scrappage trade-in linked to
a stored quote. Earlier steps run on a clock set back in time so the follow-ups of the
delivered orders are due now. All of it is modelled and flagged demo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nevrural.core.service.principal import Principal, Role
from nevrural.services.chain_auth import add_user
from nevrural.services.chain_leads import LeadSubmitParams, accept_lead, decline_lead, submit_lead
from nevrural.services.chain_livestreams import create_livestream
from nevrural.services.chain_orders import (
    OrderActionRequest,
    act_on_order,
    complete_follow_up,
    place_order,
)
from nevrural.services.chain_people import find_or_add_buyer
from nevrural.services.chain_tickets import TicketParams, open_ticket
from nevrural.services.chain_trade_ins import (
    TradeInActionParams,
    TradeInParams,
    act_on_trade_in,
    submit_trade_in,
)
from nevrural.services.demo_chain import DEMO_PASSWORD
from nevrural.services.demo_offers import demo_quote_requests
from nevrural.services.offer_quotes import quote_offer

if TYPE_CHECKING:
    from nevrural.services.chain_context import ChainContext
    from nevrural.services.demo_chain import DemoChain
    from nevrural.services.offer_catalogue import OfferCatalogue

__all__ = ["DEMO_BUYERS", "seed_demo_chain_flows"]

# Invented buyers (modelled): 138-0000-xxxx numbers are not in service.
DEMO_BUYERS = (
    ("王建国", "13800000101"),
    ("李秀英", "13800000102"),
    ("张卫东", "13800000103"),
    ("刘桂兰", "13800000104"),
    ("陈志强", "13800000105"),
    ("杨春梅", "13800000106"),
    ("赵德胜", "13800000107"),
    ("黄丽娟", "13800000108"),
)
# The order states the demo shows, and the actions that reach each from placement.
_PATHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("placed", ()),
    ("deposit_paid", ("pay_deposit",)),
    ("allocated", ("pay_deposit", "allocate")),
    ("delivery_scheduled", ("pay_deposit", "allocate", "schedule_delivery")),
    ("delivered", ("pay_deposit", "allocate", "schedule_delivery", "deliver")),
    ("delivered", ("pay_deposit", "allocate", "schedule_delivery", "deliver")),
    ("cancelled", ("cancel",)),
    ("refunded", ("pay_deposit", "cancel", "refund")),
)


def _at(ctx: ChainContext, days_ago: int) -> ChainContext:
    moment = ctx.clock() - dt.timedelta(days=days_ago)
    return dataclasses.replace(ctx, clock=lambda: moment)


def _buyers(ctx: ChainContext, county_code: str) -> list[Principal]:
    """The first three invented buyers, with logins buyer1..buyer3."""
    principals = []
    with ctx.uow_factory() as uow:
        records = [
            find_or_add_buyer(
                uow,
                ctx.vault,
                phone=phone,
                name=name,
                id_card_no=None,
                county_code=county_code,
                now=ctx.clock(),
            )
            for name, phone in DEMO_BUYERS[:3]
        ]
        uow.commit()
    for n, record in enumerate(records, start=1):
        user = add_user(
            ctx,
            username=f"buyer{n}",
            password=DEMO_PASSWORD,
            role=Role.BUYER,
            buyer_id=record.id,
        )
        principals.append(Principal(role=Role.BUYER, user_id=user.id, buyer_id=record.id))
    return principals


def _fields(action: str, n: int, event_id: int | None, today: dt.date) -> dict[str, Any]:
    if action == "pay_deposit":
        return {"deposit_cny": Decimal("2000.00")}
    if action == "allocate":
        return {"vin": f"LDNEV{n:012d}"}
    if action == "schedule_delivery":
        place = "event" if event_id is not None else "dealer"
        return {"delivery_on": today, "delivery_place": place, "event_id": event_id}
    if action == "deliver":
        return {"proof_ref": f"DEMO-HANDOVER-{n:04d}"}
    if action in {"cancel", "refund"}:
        return {"reason": "演示：买家改变计划 (demo: the buyer changed plans)"}
    return {}


def _orders(
    ctx: ChainContext, demo: DemoChain, buyers: list[Principal], dealer: Principal, model_id: int
) -> None:
    """One order per state, placed 40 days ago; the first delivered one is closed."""
    event_id = demo.event_ids[0] if demo.event_ids else None
    for n, (state, actions) in enumerate(_PATHS):
        past = _at(ctx, 40 - n)
        buyer = buyers[n % len(buyers)]
        body = {"dealer_id": demo.dealer_ids[0], "model_id": model_id}
        placed = place_order(past, buyer, f"demo-order-{n}", body, buyer_county_code=None)
        order_id = int(placed.body["id"])
        order_state, view = "placed", placed.body
        for step, action in enumerate(actions):
            actor = buyer if action == "pay_deposit" else dealer
            when = _at(ctx, 40 - n - 2 * step)
            fields = _fields(action, n, event_id, when.clock().date())
            if action == "schedule_delivery" and event_id is None:
                fields["event_id"] = None
            view = act_on_order(when, actor, order_id, OrderActionRequest(action=action, **fields))
            order_state = view["state"]
        if actions and order_state != state:  # pragma: no cover - the machine changed
            raise RuntimeError(f"demo order {n} ended {order_state}, expected {state}")
        if n == 4:  # the first delivered order: its follow-up calls are made, it closes
            for follow_up in view["follow_ups"]:
                complete_follow_up(ctx, dealer, follow_up["id"], satisfaction=5, note="满意")


def seed_demo_chain_flows(ctx: ChainContext, demo: DemoChain, offers: OfferCatalogue) -> None:
    """Leads from a livestream, orders in every state, a ticket, a trade-in (module doc)."""
    county = demo.dealer_counties[0]
    with ctx.uow_factory() as uow:
        staff = {u: uow.users.by_username(u) for u in (f"dealer-{county}", "automaker-a")}
        model_id = next(
            s.model_id for s in uow.catalogue.stock_of(demo.dealer_ids[0]) if s.available_units
        )
    dealer_user, maker_user = staff[f"dealer-{county}"], staff["automaker-a"]
    assert dealer_user is not None
    assert maker_user is not None
    dealer = Principal(Role.ENTERPRISE, user_id=dealer_user.id, enterprise_id=demo.dealer_ids[0])
    maker = Principal(Role.ENTERPRISE, user_id=maker_user.id, enterprise_id=demo.automaker_ids[0])
    buyers = _buyers(ctx, county)
    _orders(ctx, demo, buyers, dealer, model_id)
    _leads(ctx, demo, maker, dealer, model_id)
    open_ticket(
        ctx,
        buyers[0],
        TicketParams(severity="repair", summary="充电口无法锁止 (charging port does not lock)"),
    )
    _trade_in(ctx, offers, buyers[0], dealer, county, demo.dealer_ids[0])


def _trade_in(
    ctx: ChainContext,
    offers: OfferCatalogue,
    buyer: Principal,
    dealer: Principal,
    county: str,
    dealer_id: int,
) -> None:
    """A scrappage trade-in on buyer1's stored quote, appraised and certified."""
    request = demo_quote_requests(county)[0]
    request["buyer"]["ref"] = f"buyer-{buyer.buyer_id}"
    quote = quote_offer(ctx.uow_factory, offers, request)
    trade_in = submit_trade_in(
        ctx,
        buyer,
        TradeInParams(
            kind="scrappage",
            dealer_id=dealer_id,
            quote_id=int(quote["quote_id"]),
            old_vehicle={
                "fuel": "petrol",
                "first_registration_year": 2011,
                "mileage_km": 168000,
                "emission_standard": "国三",
            },
        ),
    )
    trade_in_id = int(trade_in["id"])
    act_on_trade_in(
        ctx,
        dealer,
        trade_in_id,
        TradeInActionParams(action="appraise", appraisal_cny=Decimal("3500.00")),
    )
    act_on_trade_in(
        ctx,
        dealer,
        trade_in_id,
        TradeInActionParams(action="certify", certificate_no="DEMO-BF-2026-000001"),
    )


def _leads(
    ctx: ChainContext, demo: DemoChain, maker: Principal, dealer: Principal, model_id: int
) -> None:
    """A livestream of the first automaker and five leads it brought, in several states."""
    now = ctx.clock()
    session = create_livestream(
        ctx,
        maker,
        title_zh="新能源汽车下乡直播团购（演示）",
        county_code=demo.dealer_counties[0],
        starts_at=now - dt.timedelta(hours=3),
        ends_at=now - dt.timedelta(hours=1),
    )
    leads = []
    for name, phone in DEMO_BUYERS[3:]:
        lead = submit_lead(
            ctx,
            maker,
            LeadSubmitParams(
                channel="livestream",
                consent=True,
                livestream_id=int(session["id"]),
                county_code=demo.dealer_counties[0],
                model_id=model_id,
                phone=phone,
                name=name,
            ),
        )
        leads.append(lead)
    mine = [lead for lead in leads if lead.get("dealer_id") == demo.dealer_ids[0]]
    if mine:
        accept_lead(ctx, dealer, int(mine[0]["id"]))
    if len(mine) > 1:
        decline_lead(
            ctx, dealer, int(mine[1]["id"]), note="演示：本周车源已满 (demo: fully booked)"
        )
