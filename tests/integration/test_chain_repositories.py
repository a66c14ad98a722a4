"""The service-chain SQL repositories on SQLite and PostgreSQL, straight on a session."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event, text

from nevrural.adapters.db.chain_catalogue_repository import SqlCatalogueRepository
from nevrural.adapters.db.chain_order_repository import SqlOrderRepository
from nevrural.adapters.db.chain_rows import LeadRow, TicketRow, TradeInRow
from nevrural.adapters.db.chain_shared_repository import (
    SqlAuditRepository,
    SqlBuyerRepository,
    SqlEnterpriseRepository,
    SqlUserRepository,
)
from nevrural.services.chain_order_ports import DuplicateIdempotencyKeyError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.orm import Session

    from nevrural.bootstrap import Container
    from nevrural.services.chain_order_ports import OrderRecord

__all__: list[str] = []

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
LONG_AGO = NOW - dt.timedelta(days=800)
PRICE = Decimal("62800")
# Children before parents, so the rows can be deleted in this order.
CHAIN_TABLES = (
    "follow_ups",
    "deliveries",
    "tickets",
    "trade_ins",
    "test_drives",
    "lead_offers",
    "orders",
    "leads",
    "idempotency_keys",
    "livestream_sessions",
    "sales_events",
    "service_points",
    "dealer_stock",
    "vehicle_models",
    "api_keys",
    "users",
    "enterprise_brands",
    "enterprise_service_areas",
    "audit_log",
    "buyers",
    "enterprises",
)


def _clear(container: Container) -> None:
    """Delete every service-chain row (the PostgreSQL atlas is shared between tests)."""
    with container.engine.begin() as conn:
        for table in CHAIN_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def container(any_container: Container) -> Iterator[Container]:
    """`any_container` without service-chain rows, left as it was found."""
    _clear(any_container)
    yield any_container
    _clear(any_container)


@dataclass(frozen=True)
class Repos:
    """Every service-chain repository on one session."""

    session: Session
    enterprises: SqlEnterpriseRepository
    buyers: SqlBuyerRepository
    users: SqlUserRepository
    audit: SqlAuditRepository
    catalogue: SqlCatalogueRepository
    orders: SqlOrderRepository


def repos_on(session: Session) -> Repos:
    """The repositories sharing ``session``."""
    return Repos(
        session=session,
        enterprises=SqlEnterpriseRepository(session),
        buyers=SqlBuyerRepository(session),
        users=SqlUserRepository(session),
        audit=SqlAuditRepository(session),
        catalogue=SqlCatalogueRepository(session),
        orders=SqlOrderRepository(session),
    )


@pytest.fixture
def repos(container: Container) -> Iterator[Repos]:
    """The repositories on a bare session (tests add rows of other tables), rolled back."""
    with container.session_factory() as session:
        yield repos_on(session)
        session.rollback()


def add_enterprise(
    repos: Repos,
    kind: str,
    county_code: str,
    areas: tuple[str, ...] = (),
    brands: tuple[int, ...] = (),
    *,
    is_demo: bool = False,
) -> int:
    """An enterprise at a made-up place; returns its id."""
    record = repos.enterprises.add(
        kind=kind,
        name_zh=f"{kind}企业",
        name_en=f"{kind} company",
        county_code=county_code,
        lon=114.5,
        lat=38.1,
        lead_capacity=5,
        service_counties=areas,
        brand_ids=brands,
        is_demo=is_demo,
        now=NOW,
    )
    return record.id


def add_buyer(repos: Repos, phone: str, county_code: str = "130123", at: dt.datetime = NOW) -> int:
    """A buyer with sealed stand-in bytes, last active at ``at``; returns its id."""
    record = repos.buyers.add(
        county_code=county_code,
        name_sealed=b"name-" + phone.encode(),
        phone_sealed=b"phone-" + phone.encode(),
        phone_index=f"idx-{phone}",
        id_card_sealed=b"card-" + phone.encode(),
        id_card_index=f"card-{phone}",
        now=at,
    )
    return record.id


def add_model(repos: Repos, automaker_id: int, code: str = "VAN-1") -> int:
    """An electric micro van of 62,800 CNY; returns its id."""
    record = repos.catalogue.add_model(
        automaker_id=automaker_id,
        code=code,
        name_zh="微面",
        name_en="micro van",
        vehicle_class="micro_van",
        powertrain="bev",
        seats=2,
        payload_kg=800,
        winter_range_km=180,
        price_cny=PRICE,
        is_demo=False,
    )
    return record.id


@dataclass(frozen=True)
class Shop:
    """An automaker, a dealer stocking one of its models, and a buyer."""

    automaker_id: int
    dealer_id: int
    model_id: int
    buyer_id: int


def open_shop(repos: Repos, units: int = 3) -> Shop:
    """A dealer in 130123 with ``units`` of one model, and a buyer there."""
    automaker = add_enterprise(repos, "automaker", "110105")
    dealer = add_enterprise(repos, "dealer", "130123", ("130123",), (automaker,))
    model = add_model(repos, automaker)
    repos.catalogue.set_stock(dealer, model, units)
    return Shop(automaker, dealer, model, add_buyer(repos, "13800000000"))


def place_order(
    repos: Repos, shop: Shop, county_code: str = "130123", dealer_id: int | None = None
) -> OrderRecord:
    """An order of the shop's model by its buyer, in state ``placed``."""
    return repos.orders.add(
        buyer_id=shop.buyer_id,
        dealer_id=dealer_id if dealer_id is not None else shop.dealer_id,
        model_id=shop.model_id,
        lead_id=None,
        quote_id=None,
        county_code=county_code,
        price_cny=PRICE,
        state="placed",
        now=NOW,
    )


def test_enterprises_carry_sorted_areas_and_brands(repos: Repos) -> None:
    """An added enterprise reads back with its service counties and brands sorted."""
    maker_b = add_enterprise(repos, "automaker", "110105")
    maker_a = add_enterprise(repos, "automaker", "110106", is_demo=True)
    dealer = add_enterprise(repos, "dealer", "130123", ("130124", "130123"), (maker_b, maker_a))
    record = repos.enterprises.get(dealer)
    assert record is not None
    assert record.service_counties == ("130123", "130124")
    assert record.brand_ids == tuple(sorted((maker_a, maker_b)))
    assert (record.kind, record.county_code, record.lead_capacity) == ("dealer", "130123", 5)
    assert repos.enterprises.get(dealer + 1_000) is None
    assert repos.enterprises.count_demo() == 1


def test_enterprise_list_and_serving_match_place_or_area(
    repos: Repos, container: Container
) -> None:
    """``list`` finds enterprises located in or serving the prefix, in three queries."""
    maker = add_enterprise(repos, "automaker", "130102")
    local = add_enterprise(repos, "dealer", "130123", ("130123", "130124"), (maker,))
    visiting = add_enterprise(repos, "dealer", "140105", ("130125",))
    far = add_enterprise(repos, "dealer", "410102", ("410102",))
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(container.engine, "before_cursor_execute", count)
    try:
        dealers_13 = repos.enterprises.list("dealer", "13")
    finally:
        event.remove(container.engine, "before_cursor_execute", count)
    assert [e.id for e in dealers_13] == [local, visiting]
    assert len(statements) == 3
    assert [e.id for e in repos.enterprises.list("dealer")] == [local, visiting, far]
    assert [e.id for e in repos.enterprises.list()] == [maker, local, visiting, far]
    assert [e.id for e in repos.enterprises.list(county_prefix="1301")] == [maker, local, visiting]
    assert [e.id for e in repos.enterprises.list("dealer", "130124")] == [local]
    assert [e.id for e in repos.enterprises.serving("130125", "dealer")] == [visiting]
    assert repos.enterprises.serving("130125", "automaker") == []


def test_buyer_round_trip_touch_and_personal_update(repos: Repos) -> None:
    """A buyer reads back by id and phone index; touch and personal updates stick."""
    buyer = add_buyer(repos, "13900000001")
    record = repos.buyers.by_phone_index("idx-13900000001")
    assert record is not None
    assert record.id == buyer
    assert record.phone_sealed == b"phone-13900000001"
    assert record.created_at == NOW
    assert record.created_at.utcoffset() == dt.timedelta(0)
    assert repos.buyers.by_phone_index("idx-none") is None
    later = NOW + dt.timedelta(hours=3)
    repos.buyers.touch(buyer, later)
    repos.buyers.update_personal(buyer, name_sealed=b"new", id_card_sealed=None, id_card_index=None)
    updated = repos.buyers.get(buyer)
    assert updated is not None
    assert (updated.last_active_at, updated.name_sealed, updated.id_card_sealed) == (
        later,
        b"new",
        None,
    )


def test_erasure_skips_buyers_with_an_open_order(repos: Repos) -> None:
    """An open order blocks erasure until cancelled; erasing nulls every personal field."""
    shop = open_shop(repos)
    idle = add_buyer(repos, "13900000002", at=LONG_AGO)
    active = add_buyer(repos, "13900000003")
    ordering = add_buyer(repos, "13900000004", at=LONG_AGO)
    order = place_order(repos, Shop(shop.automaker_id, shop.dealer_id, shop.model_id, ordering))
    since = NOW - dt.timedelta(days=365)
    assert repos.buyers.erasable(since) == [idle]
    assert repos.orders.move(order.id, from_state="placed", to_state="cancelled", now=NOW)
    assert repos.buyers.erasable(since) == [idle, ordering]
    assert repos.buyers.erase([idle], NOW) == 1
    erased = repos.buyers.get(idle)
    assert erased is not None
    assert (erased.name_sealed, erased.phone_sealed, erased.id_card_sealed) == (None, None, None)
    assert erased.erased_at == NOW
    assert repos.buyers.by_phone_index("idx-13900000002") is None
    assert repos.buyers.erase([idle], NOW) == 0
    assert repos.buyers.erase([], NOW) == 0
    assert repos.buyers.erasable(since) == [ordering]
    assert active not in repos.buyers.erasable(NOW)


def test_open_leads_tickets_and_trade_ins_block_erasure(repos: Repos) -> None:
    """An offered lead, an open ticket or a pending trade-in blocks erasure; closed ones not."""
    shop = open_shop(repos)
    buyers = {n: add_buyer(repos, f"1370000000{n}", at=LONG_AGO) for n in range(6)}
    for n, state in ((0, "offered"), (1, "lost")):
        repos.session.add(
            LeadRow(
                buyer_id=buyers[n],
                channel="online",
                county_code="130123",
                state=state,
                consent_scope="contact",
                consent_at=LONG_AGO,
                created_at=LONG_AGO,
            )
        )
    for n, state in ((2, "open"), (3, "closed")):
        repos.session.add(
            TicketRow(
                buyer_id=buyers[n],
                county_code="130123",
                lon=114.5,
                lat=38.1,
                severity="minor",
                summary="刹车异响",
                state=state,
                opened_at=LONG_AGO,
                due_at=LONG_AGO,
            )
        )
    for n, state in ((4, "appraised"), (5, "claim_paid")):
        repos.session.add(
            TradeInRow(
                buyer_id=buyers[n],
                dealer_id=shop.dealer_id,
                county_code="130123",
                kind="scrappage",
                state=state,
                old_vehicle={"fuel_type": "petrol"},
                created_at=LONG_AGO,
                updated_at=LONG_AGO,
            )
        )
    repos.session.flush()
    assert repos.buyers.erasable(NOW) == [buyers[1], buyers[3], buyers[5]]


def test_user_and_api_key_round_trip_and_revoke(repos: Repos) -> None:
    """Accounts read back by name and id; API keys list, and revoking keeps the first time."""
    dealer = add_enterprise(repos, "dealer", "130123")
    user = repos.users.add(
        username="dealer-1",
        password_hash="$argon2id$old",
        role="enterprise",
        scope_code="130123",
        enterprise_id=dealer,
        buyer_id=None,
        now=NOW,
    )
    assert repos.users.by_username("dealer-1") == user
    assert repos.users.by_username("nobody") is None
    repos.users.set_password_hash(user.id, "$argon2id$new")
    fetched = repos.users.get(user.id)
    assert fetched is not None
    assert (fetched.password_hash, fetched.disabled, fetched.enterprise_id) == (
        "$argon2id$new",
        False,
        dealer,
    )
    key = repos.users.add_api_key(
        key_id="k-0001", enterprise_id=dealer, name="DMS", secret_sha256="ab" * 32, now=NOW
    )
    second = repos.users.add_api_key(
        key_id="k-0002", enterprise_id=dealer, name="CRM", secret_sha256="cd" * 32, now=NOW
    )
    assert repos.users.api_key("k-0001") == key
    assert key.revoked_at is None
    revoked_on = NOW + dt.timedelta(days=1)
    repos.users.revoke_api_key("k-0001", revoked_on)
    repos.users.revoke_api_key("k-0001", revoked_on + dt.timedelta(days=1))
    keys = repos.users.api_keys_of(dealer)
    assert [k.key_id for k in keys] == ["k-0001", "k-0002"]
    assert keys[0].revoked_at == revoked_on
    assert keys[1] == second
    assert repos.users.api_key("k-none") is None


def test_audit_filters_newest_first(repos: Repos) -> None:
    """The audit log filters by county prefix, enterprise and action, newest first."""
    lines = (
        (0, "order.create", "130123", 7),
        (1, "buyer.read", "130124", None),
        (2, "order.create", "410102", 8),
        (3, "order.move", None, 7),
    )
    for minutes, action, county, enterprise in lines:
        repos.audit.add(
            at=NOW + dt.timedelta(minutes=minutes),
            actor="user:1",
            action=action,
            record_type="order",
            record_id=minutes,
            county_code=county,
            enterprise_id=enterprise,
            detail={"minutes": minutes},
        )
    every = repos.audit.list()
    assert [e.record_id for e in every] == [3, 2, 1, 0]
    assert every[0].at == NOW + dt.timedelta(minutes=3)
    assert every[1].detail == {"minutes": 2}
    assert [e.record_id for e in repos.audit.list(county_prefix="1301")] == [1, 0]
    assert [e.record_id for e in repos.audit.list(enterprise_id=7)] == [3, 0]
    assert [e.record_id for e in repos.audit.list(action="order.create")] == [2, 0]
    assert [e.record_id for e in repos.audit.list(action="order.create", enterprise_id=8)] == [2]
    assert len(repos.audit.list(limit=2)) == 2


def test_reserve_until_exhausted_and_change_stock(repos: Repos) -> None:
    """Reservations stop at the units on hand; deltas and stock settings keep the invariant."""
    shop = open_shop(repos, units=3)
    catalogue = repos.catalogue
    assert [catalogue.reserve(shop.dealer_id, shop.model_id) for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    stock = catalogue.stock(shop.dealer_id, shop.model_id)
    assert stock is not None
    assert (stock.on_hand_units, stock.reserved_units, stock.available_units) == (3, 3, 0)
    assert not catalogue.reserve(shop.dealer_id, shop.model_id + 1_000)
    with pytest.raises(ValueError, match="on_hand_units"):
        catalogue.set_stock(shop.dealer_id, shop.model_id, 2)
    with pytest.raises(ValueError, match="on_hand_units"):
        catalogue.set_stock(shop.dealer_id, shop.model_id, -1)
    assert catalogue.set_stock(shop.dealer_id, shop.model_id, 5).reserved_units == 3
    catalogue.change_stock(shop.dealer_id, shop.model_id, reserved=-1, on_hand=-1)
    catalogue.change_stock(shop.dealer_id, shop.model_id, reserved=-1, on_hand=0)
    assert catalogue.stock(shop.dealer_id, shop.model_id) == catalogue.stock_of(shop.dealer_id)[0]
    stock = catalogue.stock(shop.dealer_id, shop.model_id)
    assert stock is not None
    assert (stock.on_hand_units, stock.reserved_units) == (4, 1)
    with pytest.raises(ValueError, match="reserved_units"):
        catalogue.change_stock(shop.dealer_id, shop.model_id, reserved=-2, on_hand=0)
    with pytest.raises(ValueError, match="on_hand_units"):
        catalogue.change_stock(shop.dealer_id, shop.model_id, reserved=0, on_hand=-4)
    other = add_enterprise(repos, "dealer", "130124")
    available = catalogue.available_by_dealer(shop.model_id, [shop.dealer_id, other])
    assert available == {shop.dealer_id: 3, other: 0}
    assert catalogue.available_by_dealer(shop.model_id, []) == {}


def test_catalogue_models_points_events_and_livestreams(repos: Repos) -> None:
    """Models, service points, events and livestreams read back as stored."""
    maker = add_enterprise(repos, "automaker", "110105")
    other = add_enterprise(repos, "automaker", "110106")
    model = add_model(repos, maker)
    add_model(repos, other, code="VAN-2")
    record = repos.catalogue.model(model)
    assert record is not None
    assert record.price_cny == Decimal("62800.00")
    assert str(record.price_cny) == "62800.00"
    assert [m.id for m in repos.catalogue.models(maker)] == [model]
    assert len(repos.catalogue.models()) == 2
    point = repos.catalogue.add_service_point(
        enterprise_id=other,
        kind="mobile",
        name_zh="流动服务站",
        county_code="130123",
        lon=114.6,
        lat=38.2,
        is_open=True,
    )
    repos.catalogue.set_service_point_open(point.id, False)
    closed = repos.catalogue.service_point(point.id)
    assert closed is not None
    assert not closed.is_open
    assert repos.catalogue.service_points("1301") == [closed]
    assert repos.catalogue.service_points("41") == []
    assert repos.catalogue.service_points(enterprise_id=maker) == []
    fair = repos.catalogue.add_event(
        plan_event_ref="plan-1/e-1",
        county_code="130123",
        venue_zh="正定县城广场",
        held_on=dt.date(2026, 5, 1),
        lon=114.57,
        lat=38.15,
    )
    assert repos.catalogue.event(fair.id) == fair
    assert repos.catalogue.events("13") == [fair]
    assert repos.catalogue.events("41") == []
    stream = repos.catalogue.add_livestream(
        enterprise_id=maker,
        title_zh="下乡直播",
        county_code="130123",
        starts_at=NOW,
        ends_at=NOW + dt.timedelta(hours=2),
    )
    assert repos.catalogue.livestream(stream.id) == stream
    assert repos.catalogue.livestreams(maker) == [stream]
    assert repos.catalogue.livestreams(other) == []


def test_order_add_get_and_move(repos: Repos) -> None:
    """An order moves only from its current state; deposit and VIN ride on the move."""
    shop = open_shop(repos)
    order = place_order(repos, shop)
    assert repos.orders.get(order.id) == order
    assert (order.price_cny, order.deposit_cny, order.state) == (PRICE, Decimal("0.00"), "placed")
    assert str(order.price_cny) == "62800.00"
    assert order.created_at == NOW
    later = NOW + dt.timedelta(hours=1)
    paid = Decimal("2000")
    assert repos.orders.move(
        order.id, from_state="placed", to_state="deposit_paid", now=later, deposit_cny=paid
    )
    assert not repos.orders.move(order.id, from_state="placed", to_state="cancelled", now=later)
    vin = "LGWEF4A59NH000001"
    assert repos.orders.move(
        order.id, from_state="deposit_paid", to_state="allocated", now=later, vin=vin
    )
    moved = repos.orders.get(order.id)
    assert moved is not None
    assert (moved.state, moved.deposit_cny, moved.vin) == ("allocated", Decimal("2000.00"), vin)
    assert str(moved.deposit_cny) == "2000.00"
    assert (moved.created_at, moved.updated_at) == (NOW, later)
    assert repos.orders.get(order.id + 1_000) is None


def test_order_list_filters_and_counts(repos: Repos) -> None:
    """Order filters combine, newest first, with paging; counts group by state."""
    shop = open_shop(repos)
    other = add_enterprise(repos, "dealer", "410102")
    first = place_order(repos, shop)
    second = place_order(repos, shop, county_code="130124")
    third = place_order(repos, shop, county_code="410102", dealer_id=other)
    repos.orders.move(second.id, from_state="placed", to_state="cancelled", now=NOW)
    orders = repos.orders
    assert [o.id for o in orders.list()] == [third.id, second.id, first.id]
    assert [o.id for o in orders.list(dealer_id=shop.dealer_id)] == [second.id, first.id]
    assert [o.id for o in orders.list(county_prefix="1301")] == [second.id, first.id]
    assert [o.id for o in orders.list(state="placed")] == [third.id, first.id]
    assert [o.id for o in orders.list(county_prefix="41", state="placed")] == [third.id]
    assert orders.list(buyer_id=shop.buyer_id + 1_000) == []
    assert [o.id for o in orders.list(limit=1, offset=1)] == [second.id]
    assert orders.list(state="cancelled")[0].state == "cancelled"
    assert orders.count_by_state() == {"placed": 2, "cancelled": 1}
    assert orders.count_by_state(dealer_id=other) == {"placed": 1}
    assert orders.count_by_state(county_prefix="130123") == {"placed": 1}


def test_delivery_is_upserted_then_marked(repos: Repos) -> None:
    """Scheduling twice replaces the appointment; delivering stores the proof."""
    shop = open_shop(repos)
    order = place_order(repos, shop)
    assert repos.orders.delivery(order.id) is None
    with pytest.raises(ValueError, match="delivery"):
        repos.orders.mark_delivered(order.id, proof_ref="HANDOVER-1", now=NOW)
    fair = repos.catalogue.add_event(
        plan_event_ref="plan-1/e-1",
        county_code="130123",
        venue_zh="正定县城广场",
        held_on=dt.date(2026, 5, 1),
        lon=114.57,
        lat=38.15,
    )
    repos.orders.schedule_delivery(
        order.id, place="dealer", event_id=None, scheduled_on=dt.date(2026, 4, 20)
    )
    repos.orders.schedule_delivery(
        order.id, place="event", event_id=fair.id, scheduled_on=dt.date(2026, 5, 1)
    )
    delivery = repos.orders.delivery(order.id)
    assert delivery is not None
    assert (delivery.place, delivery.event_id, delivery.scheduled_on) == (
        "event",
        fair.id,
        dt.date(2026, 5, 1),
    )
    assert delivery.delivered_at is None
    repos.orders.mark_delivered(order.id, proof_ref="HANDOVER-1", now=NOW)
    delivered = repos.orders.delivery(order.id)
    assert delivered is not None
    assert (delivered.delivered_at, delivered.proof_ref) == (NOW, "HANDOVER-1")


def test_follow_ups_due_and_completed_once(repos: Repos) -> None:
    """Follow-ups come due with their orders; a second completion is refused."""
    shop = open_shop(repos)
    order = place_order(repos, shop)
    day = dt.date(2026, 5, 1)
    repos.orders.add_follow_ups(order.id, [(d, day + dt.timedelta(days=d)) for d in (90, 7, 30)])
    repos.orders.add_follow_ups(order.id, [])
    follow_ups = repos.orders.follow_ups(order.id)
    assert [f.offset_days for f in follow_ups] == [7, 30, 90]
    assert repos.orders.open_follow_up_count(order.id) == 3
    month = day + dt.timedelta(days=30)
    due = repos.orders.due_follow_ups(due_by=month)
    assert [(f.offset_days, o.id) for f, o in due] == [(7, order.id), (30, order.id)]
    assert (
        repos.orders.due_follow_ups(dealer_id=shop.dealer_id, due_by=month, limit=1)[0][0]
        == follow_ups[0]
    )
    assert repos.orders.due_follow_ups(dealer_id=shop.dealer_id + 1_000, due_by=month) == []
    assert len(repos.orders.due_follow_ups(county_prefix="1301", due_by=month)) == 2
    assert repos.orders.due_follow_ups(county_prefix="41", due_by=month) == []
    first = follow_ups[0].id
    assert repos.orders.complete_follow_up(first, satisfaction=5, note="满意", now=NOW)
    assert not repos.orders.complete_follow_up(first, satisfaction=1, note=None, now=NOW)
    done = repos.orders.follow_up(first)
    assert done is not None
    assert (done.done_at, done.satisfaction, done.note) == (NOW, 5, "满意")
    assert repos.orders.open_follow_up_count(order.id) == 2
    assert [f.offset_days for f, _ in repos.orders.due_follow_ups(due_by=month)] == [30]
    assert repos.orders.follow_up(first + 1_000) is None


def test_idempotency_key_is_remembered_once(repos: Repos) -> None:
    """A remembered response reads back; remembering the same key again raises."""
    assert repos.orders.idempotency("user:1", "key-1") is None
    repos.orders.remember(
        subject="user:1",
        key="key-1",
        request_sha256="ef" * 32,
        status_code=201,
        response={"id": 1, "state": "placed"},
        now=NOW,
    )
    stored = repos.orders.idempotency("user:1", "key-1")
    assert stored is not None
    assert (stored.status_code, stored.response, stored.created_at) == (
        201,
        {"id": 1, "state": "placed"},
        NOW,
    )
    assert repos.orders.idempotency("user:2", "key-1") is None
    with pytest.raises(DuplicateIdempotencyKeyError):
        repos.orders.remember(
            subject="user:1",
            key="key-1",
            request_sha256="00" * 32,
            status_code=409,
            response={},
            now=NOW,
        )
    repos.session.rollback()


def test_unit_of_work_commits_chain_writes_together(container: Container) -> None:
    """Writes through the unit of work's repositories persist on commit, and only then."""
    with container.uow() as uow:
        dealer = uow.enterprises.add(
            kind="dealer",
            name_zh="经销商",
            name_en="dealer",
            county_code="130123",
            lon=114.5,
            lat=38.1,
            lead_capacity=5,
            service_counties=("130123",),
            brand_ids=(),
            is_demo=False,
            now=NOW,
        )
        uow.audit.add(
            at=NOW,
            actor="user:1",
            action="enterprise.create",
            record_type="enterprise",
            record_id=dealer.id,
            county_code="130123",
            enterprise_id=dealer.id,
            detail={},
        )
        uow.commit()
    with container.uow() as uow:
        uow.catalogue.add_event(
            plan_event_ref="never-committed",
            county_code="130123",
            venue_zh="广场",
            held_on=dt.date(2026, 5, 1),
            lon=114.57,
            lat=38.15,
        )
    with container.uow() as uow:
        assert uow.enterprises.get(dealer.id) == dealer
        assert [e.record_id for e in uow.audit.list()] == [dealer.id]
        assert uow.catalogue.events() == []


@pytest.mark.postgres
def test_concurrent_reservations_never_oversell(postgres_container: Container) -> None:
    """Fifty units of work reserving ten units at once: exactly ten succeed."""
    _clear(postgres_container)
    try:
        with postgres_container.session_factory() as session:
            shop = open_shop(repos_on(session), units=10)
            session.commit()
        start = threading.Barrier(50)

        def reserve() -> bool:
            start.wait()
            with postgres_container.uow() as uow:
                if uow.catalogue.reserve(shop.dealer_id, shop.model_id):
                    uow.commit()
                    return True
                return False

        with ThreadPoolExecutor(max_workers=50) as pool:
            results = list(pool.map(lambda _: reserve(), range(50)))
        assert results.count(True) == 10
        with postgres_container.uow() as uow:
            stock = uow.catalogue.stock(shop.dealer_id, shop.model_id)
        assert stock is not None
        assert (stock.on_hand_units, stock.reserved_units) == (10, 10)
    finally:
        _clear(postgres_container)
