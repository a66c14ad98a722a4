"""After-sales on SQLite and PostgreSQL: tickets at the nearest open point, trade-in claims.

The seeded world sits in Gansu: buyers in 620421 靖远县; an after-sales company with an
open point 0.10° east of the county seat and a closed one 0.01° east; a Ningxia company
(640522 海原县) with an open point 0.05° east (nearer, but in another province); two
dealers; organisers of Gansu (620000) and Ningxia (640000).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import bindparam, text

from nevrural.core.geo import haversine_km
from nevrural.core.service.principal import Principal, Role
from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError
from nevrural.services.chain_auth import add_user, principal_from_token, sign_in
from nevrural.services.chain_errors import (
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)
from nevrural.services.chain_people import find_or_add_buyer
from nevrural.services.chain_tickets import (
    TicketParams,
    act_on_ticket,
    get_ticket,
    list_service_points,
    list_tickets,
    open_ticket,
    ticket_contact,
)
from nevrural.services.chain_trade_ins import (
    TradeInActionParams,
    TradeInParams,
    act_on_trade_in,
    get_trade_in,
    list_trade_ins,
    submit_trade_in,
)
from nevrural.services.offer_quotes import quote_offer
from nevrural.services.offer_revision import revise_rules

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nevrural.bootstrap import Container
    from nevrural.services.chain_context import ChainContext

__all__: list[str] = []

PASSWORD = "aftersales-pass-2026"
HOME = "620421"  # 靖远县, Gansu
FOREIGN = "640522"  # 海原县, Ningxia
REPLACEMENT_RULE_ID = "test-aftersales-620000-replacement"
# A made-up Gansu replacement subsidy: 6,000 CNY for selling an old car and buying an NEV.
REPLACEMENT_RULE: dict[str, Any] = {
    "id": REPLACEMENT_RULE_ID,
    "version": 1,
    "title_zh": "【测试】甘肃置换更新补贴",
    "title_en": "[Test] Gansu replacement subsidy",
    "category": "trade-in",
    "funded_by": "local",
    "is_example": True,
    "citation": {"issuer": "test", "document": "test notice", "date": "2025-01-10"},
    "jurisdiction": "620000",
    "effective_from": "2025-01-01",
    "effective_to": "2025-12-31",
    "published_on": "2025-01-10",
    "conditions": {"old_vehicle": {"disposal": "sell", "min_months_owned": 12}},
    "amount": {"kind": "fixed", "cny": "6000"},
    "exclusivity_group": "national-trade-in-2025",
}
OLD_PETROL_2011 = {
    "fuel": "petrol",
    "first_registration_year": 2011,
    "mileage_km": 182_000,
    "emission_standard": "国三",
}
OLD_PETROL_2016 = {
    "fuel": "petrol",
    "first_registration_year": 2016,
    "mileage_km": 96_000,
    "emission_standard": "国五",
}


class Clock:
    """A clock the test moves by hand (aware UTC)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        """The current test moment."""
        return self.now


@dataclass
class World:
    """Ids of the seeded records, principals by label, a hand-moved clock."""

    ctx: ChainContext
    clock: Clock
    seat: tuple[float, float]
    ids: dict[str, int]
    who: dict[str, Principal]
    quotes: list[int] = field(default_factory=list)


def quote_request(
    *, county: str = HOME, disposal: str = "scrap", registered: str = "2011-04-18"
) -> dict[str, Any]:
    """A buyer giving up an old petrol car and buying an 89,800 CNY electric small car."""
    return {
        "buyer": {"county_code": county, "ref": "aftersales-test"},
        "old_vehicle": {
            "fuel_type": "petrol",
            "registration_date": registered,
            "emission_standard": 3,
            "months_owned": 120,
            "disposal": disposal,
            "is_passenger": True,
        },
        "new_vehicle": {
            "model": "test small car",
            "price_cny": "89800",
            "class": "small_car",
            "powertrain": "bev",
            "consumption_kwh_per_100km": "11.8",
        },
        "purchase_date": "2025-07-15",
        "usage": {"km_per_year": 15000},
        "energy_prices": {"electricity_cny_per_kwh": "0.56", "petrol_cny_per_l": "7.60"},
    }


def _enterprise(uow: Any, kind: str, name: str, county: str, lon: float, lat: float) -> int:
    record = uow.enterprises.add(
        kind=kind,
        name_zh=name,
        name_en=name,
        county_code=county,
        lon=lon,
        lat=lat,
        lead_capacity=5,
        service_counties=[county],
        brand_ids=[],
        is_demo=False,
        now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    return int(record.id)


def _point(
    uow: Any, enterprise_id: int, name: str, county: str, at: tuple[float, float], *, is_open: bool
) -> int:
    record = uow.catalogue.add_service_point(
        enterprise_id=enterprise_id,
        kind="maintenance",
        name_zh=name,
        county_code=county,
        lon=at[0],
        lat=at[1],
        is_open=is_open,
    )
    return int(record.id)


def seed_world(container: Container) -> World:
    """Seed enterprises, points, buyers, an order and accounts; sign everyone in."""
    clock = Clock(dt.datetime(2025, 7, 20, 8, 0, tzinfo=dt.UTC))
    ctx = dataclasses.replace(container.chain, clock=clock)
    with container.uow() as uow:
        seat_division = uow.atlas.get_division(HOME)
        assert seat_division is not None
        assert seat_division.lon is not None
        assert seat_division.lat is not None
        lon, lat = seat_division.lon, seat_division.lat
        ids = {
            "service": _enterprise(uow, "after_sales", "靖远测试服务", HOME, lon, lat),
            "foreign_service": _enterprise(uow, "after_sales", "海原测试服务", FOREIGN, lon, lat),
            "dealer": _enterprise(uow, "dealer", "靖远测试经销商", HOME, lon, lat),
            "other_dealer": _enterprise(uow, "dealer", "景泰测试经销商", "620423", lon, lat),
            "automaker": _enterprise(uow, "automaker", "测试汽车", HOME, lon, lat),
        }
        ids["open_point"] = _point(
            uow, ids["service"], "靖远东站", HOME, (lon + 0.10, lat), is_open=True
        )
        ids["closed_point"] = _point(
            uow, ids["service"], "靖远近站", HOME, (lon + 0.01, lat), is_open=False
        )
        ids["foreign_point"] = _point(
            uow, ids["foreign_service"], "海原流动站", FOREIGN, (lon + 0.05, lat), is_open=True
        )
        buyer = find_or_add_buyer(
            uow,
            ctx.vault,
            phone="13900007001",
            name="王小明",
            id_card_no=None,
            county_code=HOME,
            now=clock(),
        )
        other = find_or_add_buyer(
            uow,
            ctx.vault,
            phone="13900007002",
            name="赵六",
            id_card_no=None,
            county_code=HOME,
            now=clock(),
        )
        ids["buyer"], ids["other_buyer"] = buyer.id, other.id
        model = uow.catalogue.add_model(
            automaker_id=ids["automaker"],
            code="AS-CAR",
            name_zh="测试小车",
            name_en="Test car",
            vehicle_class="small_car",
            powertrain="bev",
            seats=5,
            payload_kg=400,
            winter_range_km=220,
            price_cny=Decimal("89800.00"),
            is_demo=False,
        )
        order = uow.orders.add(
            buyer_id=buyer.id,
            dealer_id=ids["dealer"],
            model_id=model.id,
            lead_id=None,
            quote_id=None,
            county_code=HOME,
            price_cny=model.price_cny,
            state="placed",
            now=clock(),
        )
        ids["order"] = order.id
        uow.commit()
    accounts = {
        "gansu": (Role.ORGANISER, "620000", None, None),
        "ningxia": (Role.ORGANISER, "640000", None, None),
        "service": (Role.ENTERPRISE, "000000", ids["service"], None),
        "foreign_service": (Role.ENTERPRISE, "000000", ids["foreign_service"], None),
        "dealer": (Role.ENTERPRISE, "000000", ids["dealer"], None),
        "other_dealer": (Role.ENTERPRISE, "000000", ids["other_dealer"], None),
        "buyer": (Role.BUYER, "000000", None, ids["buyer"]),
        "other_buyer": (Role.BUYER, "000000", None, ids["other_buyer"]),
    }
    who = {}
    for label, (role, scope, enterprise_id, buyer_id) in accounts.items():
        username = f"as-{label.replace('_', '-')}"
        add_user(
            ctx,
            username=username,
            password=PASSWORD,
            role=role,
            scope_code=scope,
            enterprise_id=enterprise_id,
            buyer_id=buyer_id,
        )
        token = sign_in(ctx, username, PASSWORD).access_token
        who[label] = principal_from_token(ctx, token)[0]
    return World(ctx=ctx, clock=clock, seat=(lon, lat), ids=ids, who=who)


def forget_offers(container: Container, world: World) -> None:
    """Delete the quotes, their claims and trade-ins, and the test rule (offer rows)."""
    quotes = bindparam("quotes", expanding=True)
    with container.engine.begin() as conn:
        if world.quotes:
            conn.execute(
                text("DELETE FROM trade_ins WHERE quote_id IN :quotes").bindparams(quotes),
                {"quotes": world.quotes},
            )
            conn.execute(
                text("DELETE FROM offer_claims WHERE quote_id IN :quotes").bindparams(quotes),
                {"quotes": world.quotes},
            )
            conn.execute(
                text("DELETE FROM offer_quotes WHERE id IN :quotes").bindparams(quotes),
                {"quotes": world.quotes},
            )
        conn.execute(
            text("DELETE FROM policy_rule_versions WHERE rule_id = :rule"),
            {"rule": REPLACEMENT_RULE_ID},
        )
    container.offers.invalidate()


@pytest.fixture
def world(chain_container: Container) -> Iterator[tuple[Container, World]]:
    """The seeded world on each backend; offer rows added by a test are removed after it."""
    seeded = seed_world(chain_container)
    yield chain_container, seeded
    forget_offers(chain_container, seeded)


def add_quote(container: Container, world: World, **request: Any) -> dict[str, Any]:
    """Store a quote through the offer engine and remember it for clean-up."""
    quote = quote_offer(container.uow, container.offers, quote_request(**request))
    world.quotes.append(int(quote["quote_id"]))
    return quote


def _open(world: World, label: str = "buyer", **params: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"severity": "breakdown", "summary": "电机故障，车辆无法启动"}
    fields.update(params)
    return open_ticket(world.ctx, world.who[label], TicketParams(**fields))


def _audit_actions(container: Container, record_type: str, record_id: int) -> list[str]:
    with container.uow() as uow:
        lines = uow.audit.list(limit=500)
    return [
        e.action
        for e in reversed(lines)
        if (e.record_type, e.record_id) == (record_type, record_id)
    ]


# --- tickets ------------------------------------------------------------------------------


def test_ticket_goes_to_the_nearest_open_point_of_the_province(world) -> None:
    """The closed point and the nearer point of another province are passed over."""
    container, w = world
    view = _open(w, lon=w.seat[0], lat=w.seat[1])
    assert view["state"] == "open"
    assert view["service_point"]["id"] == w.ids["open_point"]
    assert view["service_point"]["name_zh"] == "靖远东站"
    assert view["enterprise_id"] == w.ids["service"]
    expected_km = haversine_km(w.seat[0], w.seat[1], w.seat[0] + 0.10, w.seat[1])
    assert view["distance_km"] == pytest.approx(expected_km)
    opened = dt.datetime.fromisoformat(view["opened_at"])
    assert dt.datetime.fromisoformat(view["sla_due_at"]) - opened == dt.timedelta(hours=4)
    assert view["sla_breached"] is False
    assert view["allowed_actions"] == []
    assert _audit_actions(container, "ticket", view["id"]) == ["ticket.opened"]


def test_default_position_is_the_county_seat(world) -> None:
    """Without lon/lat the ticket is placed at the buyer's county seat."""
    _, w = world
    view = _open(w, severity="routine")
    assert (view["lon"], view["lat"]) == pytest.approx(w.seat)
    due = dt.datetime.fromisoformat(view["sla_due_at"])
    assert due - dt.datetime.fromisoformat(view["opened_at"]) == dt.timedelta(hours=72)


def test_other_province_only_when_the_province_has_no_open_point(world) -> None:
    """With the Gansu point closed, the Ningxia point takes the ticket."""
    container, w = world
    with container.uow() as uow:
        uow.catalogue.set_service_point_open(w.ids["open_point"], False)
        uow.commit()
    view = _open(w)
    assert view["service_point"]["id"] == w.ids["foreign_point"]
    assert view["enterprise_id"] == w.ids["foreign_service"]


def test_ticket_is_unassigned_without_any_open_point(world) -> None:
    """No open point anywhere: unassigned, seen by the county's organiser, not by companies."""
    container, w = world
    with container.uow() as uow:
        for point in ("open_point", "foreign_point"):
            uow.catalogue.set_service_point_open(w.ids[point], False)
        uow.commit()
    view = _open(w)
    assert view["state"] == "unassigned"
    assert view["service_point"] is None
    assert view["enterprise_id"] is None
    assert view["distance_km"] is None
    assert [t["id"] for t in list_tickets(w.ctx, w.who["gansu"])] == [view["id"]]
    assert list_tickets(w.ctx, w.who["service"]) == []
    with pytest.raises(IllegalTransitionError):
        act_on_ticket(w.ctx, w.who["buyer"], view["id"], "close")


def test_full_lifecycle_and_the_sla_clock(world) -> None:
    """Start, resolve, reopen, resolve late, close: the breach follows the resolution time."""
    container, w = world
    opened_at = w.clock.now
    view = _open(w, severity="repair")
    tid, service, buyer = view["id"], w.who["service"], w.who["buyer"]
    assert get_ticket(w.ctx, service, tid)["allowed_actions"] == ["start"]
    w.clock.now = opened_at + dt.timedelta(hours=2)
    act_on_ticket(w.ctx, service, tid, "start", note="技师已出发")
    view = act_on_ticket(w.ctx, service, tid, "resolve")
    assert view["state"] == "resolved"
    assert view["resolved_at"] is not None
    w.clock.now = opened_at + dt.timedelta(hours=30)
    assert get_ticket(w.ctx, buyer, tid)["sla_breached"] is False  # resolved in time
    view = act_on_ticket(w.ctx, buyer, tid, "reopen", note="又坏了")
    assert view["state"] == "in_progress"
    assert view["resolved_at"] is None
    assert view["sla_breached"] is True  # unresolved past the 24 h due time
    act_on_ticket(w.ctx, service, tid, "resolve")
    view = act_on_ticket(w.ctx, buyer, tid, "close")
    assert view["state"] == "closed"
    assert view["closed_at"] is not None
    assert view["sla_breached"] is True
    assert _audit_actions(container, "ticket", tid) == [
        "ticket.opened",
        "ticket.start",
        "ticket.resolve",
        "ticket.reopen",
        "ticket.resolve",
        "ticket.close",
    ]


def test_breach_before_any_action(world) -> None:
    """An open breakdown ticket is breached five hours later."""
    _, w = world
    tid = _open(w)["id"]
    assert get_ticket(w.ctx, w.who["gansu"], tid)["sla_breached"] is False
    w.clock.now += dt.timedelta(hours=5)
    assert get_ticket(w.ctx, w.who["gansu"], tid)["sla_breached"] is True


def test_illegal_ticket_actions_are_conflicts(world) -> None:
    """Resolving an open ticket or closing an unresolved one is refused (409)."""
    _, w = world
    tid = _open(w)["id"]
    with pytest.raises(IllegalTransitionError):
        act_on_ticket(w.ctx, w.who["service"], tid, "resolve")
    act_on_ticket(w.ctx, w.who["service"], tid, "start")
    with pytest.raises(IllegalTransitionError):
        act_on_ticket(w.ctx, w.who["buyer"], tid, "close")
    with pytest.raises(ValueError, match="action"):
        act_on_ticket(w.ctx, w.who["service"], tid, "explode")


def test_roles_are_refused_the_actions_of_others(world) -> None:
    """Buyer cannot start, company cannot reopen, organiser cannot act or read the contact."""
    _, w = world
    tid = _open(w)["id"]
    with pytest.raises(ActionForbiddenError):
        act_on_ticket(w.ctx, w.who["buyer"], tid, "start")
    with pytest.raises(ActionForbiddenError):
        act_on_ticket(w.ctx, w.who["gansu"], tid, "start")
    act_on_ticket(w.ctx, w.who["service"], tid, "start")
    act_on_ticket(w.ctx, w.who["service"], tid, "resolve")
    with pytest.raises(ActionForbiddenError):
        act_on_ticket(w.ctx, w.who["service"], tid, "reopen")
    with pytest.raises(ChainForbiddenError):
        ticket_contact(w.ctx, w.who["gansu"], tid)
    with pytest.raises(ChainForbiddenError):
        ticket_contact(w.ctx, w.who["buyer"], tid)
    with pytest.raises(ChainForbiddenError):
        _open(w, label="service")
    with pytest.raises(ChainForbiddenError):
        _open(w, label="gansu")


def test_other_tenants_do_not_see_the_ticket(world) -> None:
    """Another buyer, another company, another province's organiser: 404, and empty lists."""
    _, w = world
    tid = _open(w)["id"]
    for label in ("other_buyer", "foreign_service", "dealer", "ningxia"):
        with pytest.raises(ChainNotFoundError):
            get_ticket(w.ctx, w.who[label], tid)
        assert list_tickets(w.ctx, w.who[label]) == []
    with pytest.raises(ChainNotFoundError):
        act_on_ticket(w.ctx, w.who["foreign_service"], tid, "start")
    with pytest.raises(ChainNotFoundError):
        ticket_contact(w.ctx, w.who["foreign_service"], tid)
    with pytest.raises(ChainNotFoundError):
        get_ticket(w.ctx, w.who["buyer"], 2_000_000)


def test_buyer_is_masked_and_the_contact_read_is_audited(world) -> None:
    """Views mask the buyer; the company's contact read is unmasked and audited; not once closed."""
    container, w = world
    view = _open(w, order_id=w.ids["order"])
    assert view["order_id"] == w.ids["order"]
    assert view["buyer"]["phone"] == "139****7001"
    assert view["buyer"]["name"] == "王**"
    for label in ("service", "gansu"):
        assert get_ticket(w.ctx, w.who[label], view["id"])["buyer"]["phone"] == "139****7001"
    contact = ticket_contact(w.ctx, w.who["service"], view["id"])
    assert (contact["phone"], contact["name"]) == ("13900007001", "王小明")
    with container.uow() as uow:
        reads = uow.audit.list(action="contact.read")
    assert [(e.record_type, e.record_id, e.actor) for e in reads] == [
        ("ticket", view["id"], w.who["service"].subject)
    ]
    assert "13900007001" not in str(reads[0].detail)
    for action in ("start", "resolve", "close"):
        act_on_ticket(w.ctx, w.who["service"], view["id"], action)
    with pytest.raises(ChainConflictError, match="closed"):
        ticket_contact(w.ctx, w.who["service"], view["id"])


def test_ticket_fields_are_checked(world) -> None:
    """Severity, summary, half a position and another buyer's order are refused by name."""
    _, w = world
    with pytest.raises(ValueError, match="severity"):
        _open(w, severity="urgent")
    with pytest.raises(ValueError, match="summary"):
        _open(w, summary="   ")
    with pytest.raises(ValueError, match="summary"):
        _open(w, summary="x" * 1001)
    with pytest.raises(ValueError, match="summary"):
        _open(w, summary="bad\x00byte")
    with pytest.raises(ValueError, match="lon, lat"):
        _open(w, lon=104.7)
    with pytest.raises(ValueError, match="lat"):
        _open(w, lon=104.7, lat=95.0)
    with pytest.raises(ChainNotFoundError, match="order_id"):
        _open(w, label="other_buyer", order_id=w.ids["order"])
    with pytest.raises(ValueError, match="note"):
        act_on_ticket(w.ctx, w.who["service"], _open(w)["id"], "start", note="\x07")


def test_service_points_are_listed_by_prefix(world) -> None:
    """Any signed-in caller lists points; the prefix narrows them; a bad prefix is refused."""
    _, w = world
    gansu = list_service_points(w.ctx, w.who["other_buyer"], "62")
    assert {p["id"] for p in gansu} == {w.ids["open_point"], w.ids["closed_point"]}
    assert {p["is_open"] for p in gansu} == {True, False}
    everywhere = {p["id"] for p in list_service_points(w.ctx, w.who["ningxia"])}
    assert w.ids["foreign_point"] in everywhere
    with pytest.raises(ValueError, match="county_prefix"):
        list_service_points(w.ctx, w.who["buyer"], "62%")


# --- trade-ins ----------------------------------------------------------------------------


def _submit(world: World, label: str = "buyer", **params: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": "scrappage",
        "dealer_id": world.ids["dealer"],
        "old_vehicle": OLD_PETROL_2011,
    }
    fields.update(params)
    return submit_trade_in(world.ctx, world.who[label], TradeInParams(**fields))


def _act(world: World, label: str, trade_in_id: int, action: str, **fields: Any) -> dict[str, Any]:
    params = TradeInActionParams(action=action, **fields)
    return act_on_trade_in(world.ctx, world.who[label], trade_in_id, params)


def test_scrappage_runs_to_a_paid_claim_linked_to_the_quote(world) -> None:
    """Submit, appraise, certify, claim, approve, pay: the claim is filed on the quote."""
    container, w = world
    quote = add_quote(container, w)
    applied = {i["rule_id"]: i["amount_cny"] for i in quote["items"]}
    assert applied["national-scrappage-nev-2025"] == "20000.00"
    view = _submit(w, quote_id=quote["quote_id"], order_id=w.ids["order"])
    tid = view["id"]
    assert (view["state"], view["subsidy_cny"], view["claim_status"]) == (
        "submitted",
        "20000.00",
        None,
    )
    assert view["old_vehicle"] == OLD_PETROL_2011
    assert view["buyer"]["phone"] == "139****7001"
    assert (
        _act(w, "dealer", tid, "appraise", appraisal_cny=Decimal("3500.50"))["appraisal_cny"]
        == "3500.50"
    )
    view = _act(w, "dealer", tid, "certify", certificate_no=" BF-6204-2025-0001 ")
    assert view["certificate_no"] == "BF-6204-2025-0001"
    assert view["allowed_actions"] == ["reject", "submit_claim"]
    view = _act(w, "dealer", tid, "submit_claim")
    assert (view["state"], view["claim_status"]) == ("claim_submitted", "submitted")
    with container.uow() as uow:
        claim = uow.claims.get(view["claim_id"])
    assert claim is not None
    assert (claim.quote_id, claim.rule_id, claim.amount_cny) == (
        quote["quote_id"],
        "national-scrappage-nev-2025",
        Decimal("20000.00"),
    )
    assert _act(w, "gansu", tid, "approve_claim")["claim_status"] == "approved"
    view = _act(w, "gansu", tid, "pay_claim", note="已拨付")
    assert (view["state"], view["claim_status"]) == ("claim_paid", "paid")
    assert view["allowed_actions"] == []
    assert _audit_actions(container, "trade_in", tid) == [
        "trade_in.submitted",
        "trade_in.appraise",
        "trade_in.certify",
        "trade_in.submit_claim",
        "trade_in.approve_claim",
        "trade_in.pay_claim",
    ]
    assert [t["id"] for t in list_trade_ins(w.ctx, w.who["gansu"], state="claim_paid")] == [tid]


def test_replacement_claims_after_appraisal_and_is_never_certified(world) -> None:
    """A replacement goes from appraisal to the claim; certifying it is refused (409)."""
    container, w = world
    revise_rules(container.uow, container.offers, [REPLACEMENT_RULE])
    quote = add_quote(container, w, disposal="sell", registered="2016-03-01")
    tid = _submit(w, kind="replacement", quote_id=quote["quote_id"], old_vehicle=OLD_PETROL_2016)[
        "id"
    ]
    assert get_trade_in(w.ctx, w.who["buyer"], tid)["subsidy_cny"] == "6000.00"
    _act(w, "dealer", tid, "appraise", appraisal_cny=Decimal("21000.00"))
    with pytest.raises(IllegalTransitionError, match="scrappage certificate"):
        _act(w, "dealer", tid, "certify", certificate_no="BF-1")
    view = _act(w, "dealer", tid, "submit_claim")
    with container.uow() as uow:
        claim = uow.claims.get(view["claim_id"])
    assert claim is not None
    assert claim.rule_id == REPLACEMENT_RULE_ID
    _act(w, "gansu", tid, "approve_claim")
    assert _act(w, "gansu", tid, "pay_claim")["state"] == "claim_paid"


def test_rejection_ends_the_trade_in_and_frees_the_quote(world) -> None:
    """The dealer rejects; no further action; the quote may back a new application."""
    container, w = world
    quote = add_quote(container, w)
    tid = _submit(w, quote_id=quote["quote_id"])["id"]
    with pytest.raises(ChainConflictError, match="backs trade-in"):
        _submit(w, quote_id=quote["quote_id"])
    view = _act(w, "dealer", tid, "reject", note="车辆不符")
    assert view["state"] == "rejected"
    assert view["allowed_actions"] == []
    with pytest.raises(IllegalTransitionError):
        _act(w, "dealer", tid, "appraise", appraisal_cny=Decimal("1.00"))
    again = _submit(w, quote_id=quote["quote_id"])
    _act(w, "gansu", again["id"], "reject")
    assert get_trade_in(w.ctx, w.who["buyer"], again["id"])["state"] == "rejected"


def test_trade_in_refusals_by_role_and_tenant(world) -> None:
    """Buyer cannot appraise, organiser cannot submit, others see nothing (404)."""
    _, w = world
    tid = _submit(w)["id"]
    with pytest.raises(ActionForbiddenError):
        _act(w, "buyer", tid, "appraise", appraisal_cny=Decimal("1.00"))
    with pytest.raises(ActionForbiddenError):
        _act(w, "gansu", tid, "appraise", appraisal_cny=Decimal("1.00"))
    with pytest.raises(ChainForbiddenError):
        _submit(w, label="gansu")
    with pytest.raises(ChainForbiddenError):
        _submit(w, label="other_dealer", order_id=w.ids["order"])
    for label in ("other_buyer", "other_dealer", "ningxia", "service"):
        with pytest.raises(ChainNotFoundError):
            get_trade_in(w.ctx, w.who[label], tid)
        assert list_trade_ins(w.ctx, w.who[label]) == []
    with pytest.raises(ChainNotFoundError):
        _act(w, "ningxia", tid, "reject")
    _act(w, "dealer", tid, "appraise", appraisal_cny=Decimal("800.00"))
    _act(w, "dealer", tid, "certify", certificate_no="BF-2")
    with pytest.raises(ChainConflictError, match="no quote"):
        _act(w, "dealer", tid, "submit_claim")


def test_dealer_submits_for_the_buyer_of_its_order(world) -> None:
    """The dealer submits with the buyer's order; without one it is refused."""
    _, w = world
    view = _submit(w, label="dealer", order_id=w.ids["order"])
    assert view["buyer"]["id"] == w.ids["buyer"]
    assert view["order_id"] == w.ids["order"]
    assert [t["id"] for t in list_trade_ins(w.ctx, w.who["buyer"])] == [view["id"]]
    with pytest.raises(ValueError, match="order_id"):
        _submit(w, label="dealer")


def test_trade_in_fields_and_quotes_are_checked(world) -> None:
    """No VIN or plate; the quote must be the buyer's, of the same kind and the same car."""
    container, w = world
    with pytest.raises(ValueError, match=r"old_vehicle\.vin"):
        _submit(w, old_vehicle={**OLD_PETROL_2011, "vin": "LGWEF4A59NH123456"})
    with pytest.raises(ValueError, match="emission_standard"):
        _submit(w, old_vehicle={**OLD_PETROL_2011, "emission_standard": "Euro 3"})
    with pytest.raises(ValueError, match="first_registration_year"):
        _submit(w, old_vehicle={**OLD_PETROL_2011, "first_registration_year": 2030})
    with pytest.raises(ValueError, match="kind"):
        _submit(w, kind="lease")
    with pytest.raises(ChainNotFoundError, match="dealer_id"):
        _submit(w, dealer_id=w.ids["service"])
    with pytest.raises(ChainNotFoundError, match="order_id"):
        _submit(w, label="other_buyer", order_id=w.ids["order"])
    elsewhere = add_quote(container, w, county="620423")
    with pytest.raises(ChainNotFoundError, match="quote_id"):
        _submit(w, quote_id=elsewhere["quote_id"])
    scrap = add_quote(container, w)
    with pytest.raises(ValueError, match="scrappage subsidy"):
        _submit(w, kind="replacement", quote_id=scrap["quote_id"])
    with pytest.raises(ValueError, match="first_registration_year"):
        _submit(w, quote_id=scrap["quote_id"], old_vehicle=OLD_PETROL_2016)
    fresh = _submit(w)["id"]
    with pytest.raises(ValueError, match="appraisal_cny"):
        _act(w, "dealer", fresh, "appraise", appraisal_cny=Decimal("1.234"))
    _act(w, "dealer", fresh, "appraise", appraisal_cny=Decimal("0"))
    with pytest.raises(ValueError, match="certificate_no"):
        _act(w, "dealer", fresh, "certify", certificate_no="B" * 61)  # wider than the column


def test_trade_in_of_a_quote_without_subsidy_cannot_claim(world) -> None:
    """A quote that applied no trade-in subsidy links, but there is nothing to claim (409)."""
    container, w = world
    quote = add_quote(container, w, registered="2016-03-01")  # too young for scrappage
    assert all(i["category"] != "trade-in" for i in quote["items"])
    view = _submit(w, quote_id=quote["quote_id"], old_vehicle=OLD_PETROL_2016)
    assert view["subsidy_cny"] is None
    _act(w, "dealer", view["id"], "appraise", appraisal_cny=Decimal("9000.00"))
    _act(w, "dealer", view["id"], "certify", certificate_no="BF-3")
    with pytest.raises(ChainConflictError, match="nothing to claim"):
        _act(w, "dealer", view["id"], "submit_claim")
