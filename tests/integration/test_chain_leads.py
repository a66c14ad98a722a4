"""Lead use cases on the real atlas (SQLite and PostgreSQL): routing, answers, expiry, privacy."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import text

from nevrural.core.geo import haversine_km
from nevrural.core.service.principal import Principal, Role
from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError
from nevrural.services.chain_errors import (
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)
from nevrural.services.chain_lead_reads import get_lead, lead_contact, list_leads
from nevrural.services.chain_lead_routing import sweep_expired_offers
from nevrural.services.chain_leads import (
    LeadSubmitParams,
    accept_lead,
    close_lead,
    decline_lead,
    submit_lead,
)
from nevrural.services.chain_livestreams import create_livestream, list_livestreams
from nevrural.services.chain_people import find_or_add_buyer
from nevrural.services.chain_test_drives import (
    TestDriveParams,
    act_on_test_drive,
    book_test_drive,
    list_test_drives,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nevrural.bootstrap import Container
    from nevrural.services.chain_context import ChainContext
    from nevrural.services.chain_ports import EnterpriseRecord

__all__: list[str] = []

LEAD_COUNTY = "130123"  # 正定县, Hebei
OTHER_COUNTY = "130125"  # 行唐县, Hebei
UNSERVED_COUNTY = "130129"  # 赞皇县: no test dealer serves it
START = dt.datetime(2026, 5, 1, 1, 0, tzinfo=dt.UTC)
EVENT_DAY = dt.date(2026, 5, 10)
PHONE = "13812345678"
# Every service-chain table, children first (the PostgreSQL atlas is shared by tests).
CHAIN_TABLES = (
    "audit_log",
    "follow_ups",
    "deliveries",
    "idempotency_keys",
    "trade_ins",
    "tickets",
    "orders",
    "test_drives",
    "lead_offers",
    "leads",
    "livestream_sessions",
    "sales_events",
    "service_points",
    "dealer_stock",
    "vehicle_models",
    "api_keys",
    "users",
    "enterprise_brands",
    "enterprise_service_areas",
    "buyers",
    "enterprises",
)


class Clock:
    """A clock that stands still until advanced (aware UTC)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        """The current test moment."""
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.now += dt.timedelta(**delta)


@dataclasses.dataclass
class World:
    """Seeded enterprises, a model, an event and two buyers, with a test clock."""

    ctx: ChainContext
    clock: Clock
    container: Container
    brand_a: EnterpriseRecord
    brand_b: EnterpriseRecord
    dealers: dict[str, EnterpriseRecord]
    model_id: int
    other_model_id: int
    event_id: int
    buyer_id: int
    other_buyer_id: int
    seat: tuple[float, float]

    def dealer(self, name: str) -> Principal:
        """The principal of a dealer's staff."""
        return Principal(Role.ENTERPRISE, user_id=500, enterprise_id=self.dealers[name].id)

    @property
    def buyer(self) -> Principal:
        """The principal of the first buyer."""
        return Principal(Role.BUYER, user_id=700, buyer_id=self.buyer_id)

    @property
    def other_buyer(self) -> Principal:
        """The principal of the second buyer."""
        return Principal(Role.BUYER, user_id=701, buyer_id=self.other_buyer_id)


def organiser(scope_code: str) -> Principal:
    """An organiser scoped to a division."""
    return Principal(Role.ORGANISER, user_id=900, scope_code=scope_code)


def wipe(container: Container) -> None:
    """Delete every service-chain row (on PostgreSQL in one TRUNCATE, so atomically)."""
    with container.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE TABLE {', '.join(CHAIN_TABLES)}"))
            return
        for table in CHAIN_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))


def add_enterprise(
    ctx: ChainContext,
    kind: str,
    name: str,
    position: tuple[float, float],
    *,
    counties: tuple[str, ...] = (),
    brands: tuple[int, ...] = (),
    capacity: int = 5,
) -> EnterpriseRecord:
    """Store an enterprise at a position (degrees)."""
    with ctx.uow_factory() as uow:
        record = uow.enterprises.add(
            kind=kind,
            name_zh=f"测试{name}",
            name_en=f"Test {name}",
            county_code=LEAD_COUNTY,
            lon=position[0],
            lat=position[1],
            lead_capacity=capacity,
            service_counties=counties,
            brand_ids=brands,
            is_demo=False,
            now=START,
        )
        uow.commit()
    return record


def seed(container: Container) -> World:
    """Two automakers, six dealers east of the county seat, stock, an event, two buyers.

    Dealers, nearest first: ``wrong_brand`` (sells only brand B), ``no_area`` (does not
    serve the lead county), ``no_stock`` (no unit of the model), ``full`` (capacity 0),
    ``near`` (qualified, capacity 2), ``far`` (qualified, 0.3 degrees east).
    """
    clock = Clock(START)
    ctx = dataclasses.replace(container.chain, clock=clock)
    with ctx.uow_factory() as uow:
        division = uow.atlas.get_division(LEAD_COUNTY)
        assert division is not None
        assert division.lon is not None
        assert division.lat is not None
        seat = (division.lon, division.lat)
    brand_a = add_enterprise(ctx, "automaker", "车企甲", seat, capacity=0)
    brand_b = add_enterprise(ctx, "automaker", "车企乙", seat, capacity=0)
    a, b = (brand_a.id,), (brand_b.id,)
    specs: dict[str, tuple[float, tuple[str, ...], tuple[int, ...], int]] = {
        "wrong_brand": (0.01, (LEAD_COUNTY,), b, 5),
        "no_area": (0.02, (OTHER_COUNTY,), a, 5),
        "no_stock": (0.03, (LEAD_COUNTY,), a, 5),
        "full": (0.04, (LEAD_COUNTY,), a, 0),
        "near": (0.05, (LEAD_COUNTY, OTHER_COUNTY), a, 2),
        "far": (0.30, (LEAD_COUNTY,), a, 5),
    }
    dealers = {
        name: add_enterprise(
            ctx, "dealer", name, (seat[0] + east, seat[1]), counties=c, brands=br, capacity=cap
        )
        for name, (east, c, br, cap) in specs.items()
    }
    with ctx.uow_factory() as uow:
        model = uow.catalogue.add_model(
            automaker_id=brand_a.id,
            code="TEST-VAN-1",
            name_zh="测试微面",
            name_en="Test micro van",
            vehicle_class="micro_van",
            powertrain="bev",
            seats=2,
            payload_kg=800,
            winter_range_km=180,
            price_cny=Decimal("62800"),
            is_demo=False,
        )
        other = uow.catalogue.add_model(
            automaker_id=brand_a.id,
            code="TEST-TRUCK-1",
            name_zh="测试微卡",
            name_en="Test micro truck",
            vehicle_class="micro_truck",
            powertrain="bev",
            seats=2,
            payload_kg=1500,
            winter_range_km=150,
            price_cny=Decimal("79800"),
            is_demo=False,
        )
        for name in ("wrong_brand", "no_area", "full", "near", "far"):
            uow.catalogue.set_stock(dealers[name].id, model.id, 3)
        event = uow.catalogue.add_event(
            plan_event_ref="test-lead-event-1",
            county_code=LEAD_COUNTY,
            venue_zh="测试广场",
            held_on=EVENT_DAY,
            lon=seat[0],
            lat=seat[1],
        )
        buyer = find_or_add_buyer(
            uow,
            ctx.vault,
            phone=PHONE,
            name="张三",
            id_card_no=None,
            county_code=LEAD_COUNTY,
            now=START,
        )
        other_buyer = find_or_add_buyer(
            uow,
            ctx.vault,
            phone="13900001111",
            name="李四",
            id_card_no=None,
            county_code=OTHER_COUNTY,
            now=START,
        )
        uow.commit()
    return World(
        ctx,
        clock,
        container,
        brand_a,
        brand_b,
        dealers,
        model.id,
        other.id,
        event.id,
        buyer.id,
        other_buyer.id,
        seat,
    )


@pytest.fixture
def world(any_container: Container) -> Iterator[World]:
    """The seeded world on each backend, wiped before and after."""
    wipe(any_container)
    yield seed(any_container)
    wipe(any_container)


def params(**changes: Any) -> LeadSubmitParams:
    """A consented online consultation (overridable)."""
    fields: dict[str, Any] = {"channel": "consultation", "consent": True}
    fields.update(changes)
    return LeadSubmitParams(**fields)


def audit_lines(world: World, action: str) -> list[dict[str, Any]]:
    """Audit lines of an action, oldest first, as dicts."""
    with world.ctx.uow_factory() as uow:
        entries = uow.audit.list(action=action, limit=1000)
    return [dataclasses.asdict(e) for e in reversed(entries)]


def test_lead_goes_to_the_nearest_qualified_dealer(world: World) -> None:
    """Brand, area, stock and capacity rule out the nearer dealers; ``near`` gets it."""
    lead = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    near = world.dealers["near"]
    assert lead["state"] == "offered"
    assert lead["dealer_id"] == near.id
    assert lead["brand_id"] == world.brand_a.id
    assert lead["county_code"] == LEAD_COUNTY
    assert lead["consent_scope"] == "contact by the dealer about this purchase"
    [offer] = lead["offers"]
    expected_km = haversine_km(world.seat[0], world.seat[1], near.lon, near.lat)
    assert offer["distance_km"] == pytest.approx(expected_km, abs=1e-3)
    assert offer["outcome"] == "pending"
    assert offer["deadline_at"] == (START + dt.timedelta(hours=2)).isoformat()
    assert lead["deadline_at"] == offer["deadline_at"]
    [offered] = audit_lines(world, "lead.offered")
    assert offered["record_id"] == lead["id"]
    assert offered["detail"]["dealer_id"] == near.id
    assert len(audit_lines(world, "lead.submitted")) == 1


def test_full_dealer_passes_the_lead_on_and_brand_leads_ignore_stock(world: World) -> None:
    """``near`` (capacity 2) takes two leads, the third goes ``far``; a brand lead goes to
    ``no_stock`` (stock is not needed without a model, ``full`` has no capacity)."""
    first = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    second = submit_lead(
        world.ctx, world.other_buyer, params(model_id=world.model_id, county_code=LEAD_COUNTY)
    )
    third = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    assert [lead["dealer_id"] for lead in (first, second, third)] == [
        world.dealers["near"].id,
        world.dealers["near"].id,
        world.dealers["far"].id,
    ]
    brand_lead = submit_lead(world.ctx, world.buyer, params(brand_id=world.brand_a.id))
    assert brand_lead["dealer_id"] == world.dealers["no_stock"].id
    with pytest.raises(ValueError, match="brand_id"):
        submit_lead(
            world.ctx, world.buyer, params(model_id=world.model_id, brand_id=world.brand_b.id)
        )


def test_decline_moves_the_lead_on_then_unroutes_it(world: World) -> None:
    """``near`` declines: ``far`` gets it; ``far`` declines: unrouted, reasons audited."""
    lead = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    with pytest.raises(ValueError, match="note"):
        decline_lead(world.ctx, world.dealer("near"), lead["id"], note="  ")
    declined = decline_lead(world.ctx, world.dealer("near"), lead["id"], note="没有试驾车")
    assert declined["outcome"] == "declined"
    assert declined["note"] == "没有试驾车"
    with pytest.raises(ChainNotFoundError):
        get_lead(world.ctx, world.dealer("near"), lead["id"])
    moved = get_lead(world.ctx, world.dealer("far"), lead["id"])
    assert moved["dealer_id"] == world.dealers["far"].id
    assert [o["dealer_id"] for o in moved["offers"]] == [world.dealers["far"].id]
    decline_lead(world.ctx, world.dealer("far"), lead["id"], note="太远")
    final = get_lead(world.ctx, world.buyer, lead["id"])
    assert final["state"] == "unrouted"
    assert final["dealer_id"] is None
    assert [o["outcome"] for o in final["offers"]] == ["declined", "declined"]
    [unrouted] = audit_lines(world, "lead.unrouted")
    reasons = unrouted["detail"]["reasons"]
    assert f"dealer {world.dealers['near'].id} was offered this lead already" in reasons
    assert f"dealer {world.dealers['wrong_brand'].id} does not sell brand" in " ".join(reasons)
    assert any("has no stock" in r for r in reasons)
    assert any("lead capacity" in r for r in reasons)


def test_expired_offer_moves_on_by_sweep_and_dealer_listing(world: World) -> None:
    """Past the deadline a sweep (or the next dealer's list) moves the lead on."""
    lead = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    world.clock.advance(hours=2)
    assert sweep_expired_offers(world.ctx) == 0  # the deadline itself is still in time
    world.clock.advance(seconds=1)
    assert sweep_expired_offers(world.ctx) == 1
    moved = get_lead(world.ctx, world.buyer, lead["id"])
    assert moved["dealer_id"] == world.dealers["far"].id
    assert [o["outcome"] for o in moved["offers"]] == ["expired", "pending"]
    assert audit_lines(world, "lead.offer_expired")[0]["actor"] == "system:lead-sweep"
    world.clock.advance(hours=3)
    assert list_leads(world.ctx, world.dealer("far")) == []  # the listing swept it on
    assert get_lead(world.ctx, world.buyer, lead["id"])["state"] == "unrouted"
    assert sweep_expired_offers(world.ctx) == 0


def test_answer_after_the_deadline_is_refused_and_moves_on(world: World) -> None:
    """Accepting an expired offer is refused (409) and the lead goes to the next dealer."""
    lead = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    world.clock.advance(hours=3)
    with pytest.raises(ChainConflictError, match="expired"):
        accept_lead(world.ctx, world.dealer("near"), lead["id"])
    assert get_lead(world.ctx, world.buyer, lead["id"])["dealer_id"] == world.dealers["far"].id
    accepted = accept_lead(world.ctx, world.dealer("far"), lead["id"])
    assert accepted["state"] == "accepted"
    assert accepted["allowed_actions"] == ["close", "contact"]
    with pytest.raises(IllegalTransitionError):
        accept_lead(world.ctx, world.dealer("far"), lead["id"])


def test_unrouted_when_no_dealer_serves_the_county(world: World) -> None:
    """A lead in a county nobody serves is unrouted, the reason audited."""
    lead = submit_lead(world.ctx, world.buyer, params(county_code=UNSERVED_COUNTY))
    assert lead["state"] == "unrouted"
    assert lead["offers"] == []
    [line] = audit_lines(world, "lead.unrouted")
    assert line["detail"]["reasons"] == [f"no dealer serves county {UNSERVED_COUNTY}"]
    assert line["county_code"] == UNSERVED_COUNTY


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent": False}, "consent"),
        ({"consent_scope": "\x00"}, "consent_scope"),
        ({"channel": "fax"}, "channel"),
        ({"channel": "livestream"}, "livestream_id"),
        ({"channel": "event"}, "event_id"),
        ({"livestream_id": 1}, "livestream_id"),
        ({"county_code": "999999"}, "county_code"),
        ({"county_code": "130100"}, "county_code"),
        ({"phone": PHONE}, "phone"),
    ],
)
def test_submission_is_refused_naming_the_field(
    world: World, changes: dict[str, Any], field: str
) -> None:
    """Missing consent and malformed fields are refused, naming the field; nothing stored."""
    with pytest.raises(ValueError, match=field):
        submit_lead(world.ctx, world.buyer, params(**changes))
    assert list_leads(world.ctx, world.buyer) == []


def test_unknown_references_and_organisers_are_refused(world: World) -> None:
    """An unknown model or event is 404; organisers do not submit."""
    with pytest.raises(ChainNotFoundError, match="model_id"):
        submit_lead(world.ctx, world.buyer, params(model_id=999_999))
    with pytest.raises(ChainNotFoundError, match="event_id"):
        submit_lead(world.ctx, world.buyer, params(channel="event", event_id=999_999))
    with pytest.raises(ChainNotFoundError, match="brand_id"):
        submit_lead(world.ctx, world.buyer, params(brand_id=world.dealers["near"].id))
    with pytest.raises(ChainForbiddenError):
        submit_lead(world.ctx, organiser("000000"), params())


def test_staff_submit_for_a_buyer_from_a_livestream(world: World) -> None:
    """The automaker's host submits with the buyer's phone; the buyer is found or added."""
    host = Principal(Role.ENTERPRISE, user_id=501, enterprise_id=world.brand_a.id)
    session = create_livestream(
        world.ctx,
        host,
        title_zh="微面直播专场",
        county_code=LEAD_COUNTY,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=2),
    )
    with pytest.raises(ValueError, match="phone"):
        submit_lead(
            world.ctx,
            host,
            params(channel="livestream", livestream_id=session["id"], county_code=LEAD_COUNTY),
        )
    lead = submit_lead(
        world.ctx,
        host,
        params(
            channel="livestream",
            livestream_id=session["id"],
            county_code=LEAD_COUNTY,
            phone="+86 138-1234-5678",
            name="张三",
            model_id=world.model_id,
        ),
    )
    assert lead["channel"] == "livestream"
    assert lead["livestream_id"] == session["id"]
    assert lead["buyer"]["id"] == world.buyer_id  # the same phone, the same buyer
    new = submit_lead(
        world.ctx,
        host,
        params(
            channel="event", event_id=world.event_id, county_code=OTHER_COUNTY, phone="13700002222"
        ),
    )
    assert new["buyer"]["phone"] == "137****2222"
    assert new["buyer"]["name"] is None
    assert new["dealer_id"] == world.dealers["no_area"].id  # it serves 130125
    [line, _] = audit_lines(world, "lead.submitted")
    assert line["detail"]["on_behalf"] is True


def test_views_mask_the_buyer(world: World) -> None:
    """Dealer, organiser and buyer views show the buyer masked only."""
    lead = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    views = [
        get_lead(world.ctx, world.dealer("near"), lead["id"]),
        *list_leads(world.ctx, world.dealer("near")),
        *list_leads(world.ctx, organiser("130000")),
        *list_leads(world.ctx, organiser("130123")),
        *list_leads(world.ctx, world.buyer),
    ]
    assert len(views) == 5
    for view in views:
        assert view["buyer"]["phone"] == "138****5678"
        assert view["buyer"]["name"] == "张*"
        assert PHONE not in json.dumps(view, ensure_ascii=False)
        assert "张三" not in json.dumps(view, ensure_ascii=False)
    assert views[0]["allowed_actions"] == ["accept", "decline"]
    assert views[-1]["allowed_actions"] == ["close"]


def test_contact_only_for_the_accepting_dealer_and_audited(world: World) -> None:
    """A pending offer shows no contact; after accepting, the read is unmasked and audited."""
    lead = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    with pytest.raises(ChainForbiddenError):
        lead_contact(world.ctx, world.dealer("near"), lead["id"])
    with pytest.raises(ChainNotFoundError):
        lead_contact(world.ctx, world.dealer("far"), lead["id"])
    accept_lead(world.ctx, world.dealer("near"), lead["id"])
    contact = lead_contact(world.ctx, world.dealer("near"), lead["id"])
    assert contact == {"buyer_id": world.buyer_id, "name": "张三", "phone": PHONE, "erased": False}
    with pytest.raises(ChainForbiddenError):
        lead_contact(world.ctx, organiser("130000"), lead["id"])
    [read] = audit_lines(world, "contact.read")
    assert read["actor"] == world.dealer("near").subject
    assert read["record_type"] == "lead"
    assert read["record_id"] == lead["id"]
    assert read["enterprise_id"] == world.dealers["near"].id
    assert read["detail"]["fields"] == ["name", "phone"]


def test_other_tenants_cannot_read_or_act(world: World) -> None:
    """Another buyer, another dealer and an organiser elsewhere get 404."""
    lead = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    for stranger in (world.other_buyer, world.dealer("far"), organiser("410000")):
        with pytest.raises(ChainNotFoundError):
            get_lead(world.ctx, stranger, lead["id"])
        with pytest.raises(ChainNotFoundError):
            close_lead(world.ctx, stranger, lead["id"])
        with pytest.raises(ChainNotFoundError):
            lead_contact(world.ctx, stranger, lead["id"])
        assert list_leads(world.ctx, stranger) == []
    for stranger in (world.other_buyer, world.dealer("far")):
        with pytest.raises(ChainNotFoundError):
            accept_lead(world.ctx, stranger, lead["id"])
    with pytest.raises(ActionForbiddenError):
        accept_lead(world.ctx, world.buyer, lead["id"])
    with pytest.raises(ActionForbiddenError):
        accept_lead(world.ctx, organiser("130000"), lead["id"])
    with pytest.raises(ChainNotFoundError):
        get_lead(world.ctx, world.buyer, 999_999)


def test_close_and_convert(world: World) -> None:
    """The buyer closes an offered lead; the accepting dealer closes; an order converts."""
    lead = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    with pytest.raises(IllegalTransitionError, match="decline"):
        close_lead(world.ctx, world.dealer("near"), lead["id"])
    closed = close_lead(world.ctx, world.buyer, lead["id"], reason="已在别处购买")
    assert closed["state"] == "closed"
    assert closed["closed_at"] == START.isoformat()
    assert closed["offers"][0]["outcome"] == "expired"
    with pytest.raises(IllegalTransitionError):
        accept_lead(world.ctx, world.dealer("near"), lead["id"])
    with pytest.raises(IllegalTransitionError):
        close_lead(world.ctx, world.buyer, lead["id"])
    second = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    accept_lead(world.ctx, world.dealer("near"), second["id"])
    assert close_lead(world.ctx, world.dealer("near"), second["id"])["state"] == "closed"
    third = submit_lead(world.ctx, world.buyer, params(model_id=world.model_id))
    with world.ctx.uow_factory() as uow:
        uow.leads.mark_converted(third["id"], START)
        uow.commit()
    converted = get_lead(world.ctx, world.buyer, third["id"])
    assert converted["state"] == "converted"
    assert converted["offers"][0]["outcome"] == "expired"
    with world.ctx.uow_factory() as uow:
        assert uow.leads.count_by_state() == {"closed": 2, "converted": 1}
        assert uow.leads.open_counts([world.dealers["near"].id]) == {world.dealers["near"].id: 0}
    assert len(audit_lines(world, "lead.closed")) == 2


def test_leads_list_filters_and_pages(world: World) -> None:
    """Lists filter by state and page newest first; a bad state or page is refused."""
    ids = [submit_lead(world.ctx, world.buyer, params())["id"] for _ in range(3)]
    assert [v["id"] for v in list_leads(world.ctx, world.buyer)] == ids[::-1]
    assert [v["id"] for v in list_leads(world.ctx, world.buyer, limit=1, offset=1)] == [ids[1]]
    assert list_leads(world.ctx, world.buyer, state="accepted") == []
    with pytest.raises(ValueError, match="state"):
        list_leads(world.ctx, world.buyer, state="lost")
    with pytest.raises(ValueError, match="limit"):
        list_leads(world.ctx, world.buyer, limit=0)


def test_test_drives_book_cancel_done_by_role(world: World) -> None:
    """A buyer books a model on hand; the dealer cancels or completes; others see nothing."""
    slot = START + dt.timedelta(days=2)
    near = world.dealers["near"].id

    def book(**changes: Any) -> dict[str, Any]:
        fields: dict[str, Any] = {"dealer_id": near, "model_id": world.model_id, "slot_at": slot}
        fields.update(changes)
        return book_test_drive(world.ctx, world.buyer, TestDriveParams(**fields))

    drive = book()
    assert drive["state"] == "booked"
    assert drive["buyer"]["phone"] == "138****5678"
    assert drive["allowed_actions"] == ["cancel"]
    with pytest.raises(ValueError, match="slot_at"):
        book(slot_at=START - dt.timedelta(minutes=1))
    with pytest.raises(ValueError, match="slot_at"):
        book(slot_at=dt.datetime(2026, 5, 3, 9, 0))  # naive: refused
    with pytest.raises(ChainConflictError, match="not on hand"):
        book(dealer_id=world.dealers["no_stock"].id)
    with pytest.raises(ChainNotFoundError, match="dealer_id"):
        book(dealer_id=world.brand_a.id)
    with pytest.raises(ValueError, match="event"):
        book(event_id=world.event_id)
    at_event = book(
        event_id=world.event_id,
        slot_at=dt.datetime(2026, 5, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )
    assert at_event["slot_at"] == "2026-05-10T01:00:00+00:00"
    with pytest.raises(ChainForbiddenError):
        book_test_drive(
            world.ctx,
            world.dealer("near"),
            TestDriveParams(dealer_id=near, model_id=world.model_id, slot_at=slot),
        )
    with pytest.raises(ActionForbiddenError):
        act_on_test_drive(world.ctx, world.buyer, drive["id"], "done")
    with pytest.raises(ChainNotFoundError):
        act_on_test_drive(world.ctx, world.dealer("far"), drive["id"], "cancel")
    with pytest.raises(ChainNotFoundError):
        act_on_test_drive(world.ctx, world.other_buyer, drive["id"], "cancel")
    done = act_on_test_drive(world.ctx, world.dealer("near"), drive["id"], "done")
    assert done["state"] == "done"
    with pytest.raises(IllegalTransitionError):
        act_on_test_drive(world.ctx, world.buyer, drive["id"], "cancel")
    cancelled = act_on_test_drive(world.ctx, world.buyer, at_event["id"], "cancel", reason="下雨")
    assert cancelled["state"] == "cancelled"
    assert [d["id"] for d in list_test_drives(world.ctx, world.buyer)] == [
        drive["id"],
        at_event["id"],
    ]
    assert len(list_test_drives(world.ctx, world.dealer("near"))) == 2
    assert list_test_drives(world.ctx, world.dealer("far")) == []
    assert list_test_drives(world.ctx, world.other_buyer) == []
    assert len(list_test_drives(world.ctx, organiser("130100"), state="done")) == 1
    assert list_test_drives(world.ctx, organiser("410000")) == []
    assert [line["detail"]["to_state"] for line in audit_lines(world, "test_drive.done")] == [
        "done"
    ]


def test_livestreams_created_by_enterprises_listed_for_all(world: World) -> None:
    """An enterprise announces sessions; bad times are refused; anyone lists them."""
    host = Principal(Role.ENTERPRISE, user_id=501, enterprise_id=world.brand_a.id)
    later = create_livestream(
        world.ctx,
        host,
        title_zh=" 微卡直播 ",
        county_code=OTHER_COUNTY,
        starts_at=START + dt.timedelta(days=1),
        ends_at=START + dt.timedelta(days=1, hours=1),
    )
    assert later["title_zh"] == "微卡直播"
    earlier = create_livestream(
        world.ctx,
        host,
        title_zh="微面直播",
        county_code=LEAD_COUNTY,
        starts_at=START,
        ends_at=START + dt.timedelta(hours=1),
    )
    for starts_at, ends_at, field in (
        (START, START, "ends_at"),
        (START, START + dt.timedelta(hours=25), "ends_at"),
        (START.replace(tzinfo=None), START + dt.timedelta(hours=1), "starts_at"),
    ):
        with pytest.raises(ValueError, match=field):
            create_livestream(
                world.ctx,
                host,
                title_zh="x",
                county_code=LEAD_COUNTY,
                starts_at=starts_at,
                ends_at=ends_at,
            )
    with pytest.raises(ValueError, match="county_code"):
        create_livestream(
            world.ctx,
            host,
            title_zh="x",
            county_code="000000",
            starts_at=START,
            ends_at=START + dt.timedelta(hours=1),
        )
    with pytest.raises(ChainForbiddenError):
        create_livestream(
            world.ctx,
            world.buyer,
            title_zh="x",
            county_code=LEAD_COUNTY,
            starts_at=START,
            ends_at=START + dt.timedelta(hours=1),
        )
    listed = list_livestreams(world.ctx, world.buyer)
    assert [s["id"] for s in listed] == [earlier["id"], later["id"]]
    assert list_livestreams(world.ctx, world.buyer, enterprise_id=world.brand_b.id) == []
    assert len(audit_lines(world, "livestream.created")) == 2
