"""Orders on SQLite and PostgreSQL: idempotency, stock, the state machine, follow-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text

from nevrural.core.service.transitions import ActionForbiddenError, IllegalTransitionError
from nevrural.services.chain_errors import (
    ChainConflictError,
    ChainForbiddenError,
    ChainNotFoundError,
)
from nevrural.services.chain_orders import (
    OrderActionRequest,
    act_on_order,
    complete_follow_up,
    due_follow_ups,
    get_order,
    list_orders,
    order_contact,
    place_order,
)
from tests.chain_seed import SmallChain, seed_small_chain

if TYPE_CHECKING:
    from nevrural.bootstrap import Container
    from nevrural.core.service.principal import Principal


@pytest.fixture
def seeded(chain_container: Container) -> tuple[Container, SmallChain]:
    """The small chain in a fresh database of each backend."""
    return chain_container, seed_small_chain(chain_container, units=3)


def _place(container: Container, who: Principal, key: str, **body: int) -> dict[str, object]:
    return place_order(container.chain, who, key, body, buyer_county_code=None).body


def _stock(container: Container, dealer_id: int, model_id: int) -> tuple[int, int]:
    with container.uow() as uow:
        record = uow.catalogue.stock(dealer_id, model_id)
    assert record is not None
    return record.on_hand_units, record.reserved_units


def _act(container: Container, who: Principal, order_id: int, action: str, **fields: object):
    return act_on_order(container.chain, who, order_id, OrderActionRequest(action=action, **fields))


def test_same_key_same_body_returns_the_first_response(seeded) -> None:
    """A retry with the key and body replays the stored order; one unit is reserved."""
    container, chain = seeded
    buyer = chain.principal(container, "buyer")
    body = {"dealer_id": chain.dealer_id, "model_id": chain.model_id}
    first = place_order(container.chain, buyer, "k-1", body, buyer_county_code=None)
    again = place_order(container.chain, buyer, "k-1", body, buyer_county_code=None)
    assert (first.replayed, again.replayed) == (False, True)
    assert again.body == first.body
    assert first.status_code == 201
    assert _stock(container, chain.dealer_id, chain.model_id) == (3, 1)


def test_same_key_other_body_is_a_conflict(seeded) -> None:
    """Reusing a key for another request is refused and reserves nothing."""
    container, chain = seeded
    buyer = chain.principal(container, "buyer")
    _place(container, buyer, "k-2", dealer_id=chain.dealer_id, model_id=chain.model_id)
    with pytest.raises(ChainConflictError, match="Idempotency-Key"):
        _place(container, buyer, "k-2", dealer_id=chain.dealer_id, model_id=chain.truck_id)
    assert _stock(container, chain.dealer_id, chain.truck_id) == (3, 0)


def test_keys_are_per_caller(seeded) -> None:
    """Two buyers may use the same key text for their own orders."""
    container, chain = seeded
    body = {"dealer_id": chain.dealer_id, "model_id": chain.model_id}
    a = _place(container, chain.principal(container, "buyer"), "same", **body)
    b = _place(container, chain.principal(container, "other_buyer"), "same", **body)
    assert a["id"] != b["id"]


def test_no_unit_left_is_a_conflict_and_not_stored(seeded) -> None:
    """The fourth order of three units is refused; the key stays free for a retry."""
    container, chain = seeded
    buyer = chain.principal(container, "buyer")
    for n in range(3):
        _place(container, buyer, f"u-{n}", dealer_id=chain.dealer_id, model_id=chain.model_id)
    with pytest.raises(ChainConflictError, match="no unit left"):
        _place(container, buyer, "u-3", dealer_id=chain.dealer_id, model_id=chain.model_id)
    with container.uow() as uow:
        assert uow.orders.idempotency(buyer.subject, "u-3") is None
    assert _stock(container, chain.dealer_id, chain.model_id) == (3, 3)


def test_only_buyers_place_orders_and_keys_are_checked(seeded) -> None:
    """A dealer cannot place an order; a key with spaces is refused naming the header."""
    container, chain = seeded
    body = {"dealer_id": chain.dealer_id, "model_id": chain.model_id}
    with pytest.raises(ChainForbiddenError):
        _place(container, chain.principal(container, "dealer"), "k", **body)
    with pytest.raises(ValueError, match="Idempotency-Key"):
        _place(container, chain.principal(container, "buyer"), "has space", **body)
    with pytest.raises(ChainNotFoundError):
        _place(container, chain.principal(container, "buyer"), "k", dealer_id=999, model_id=1)


def test_full_path_to_closed_through_follow_ups(seeded) -> None:
    """Placed to closed: deposit, VIN, delivery at the dealer, proof, three follow-ups."""
    container, chain = seeded
    buyer = chain.principal(container, "buyer")
    dealer = chain.principal(container, "dealer")
    order = _place(container, buyer, "full", dealer_id=chain.dealer_id, model_id=chain.model_id)
    oid = int(order["id"])  # type: ignore[call-overload]
    _act(container, buyer, oid, "pay_deposit", deposit_cny=Decimal("2000.00"))
    _act(container, dealer, oid, "allocate", vin="LGWEF4A59NH123456")
    today = container.chain.clock().date()
    _act(container, dealer, oid, "schedule_delivery", delivery_on=today, delivery_place="dealer")
    view = _act(container, dealer, oid, "deliver", proof_ref="HANDOVER-2026-0001")
    assert view["state"] == "delivered"
    assert view["vin"] == "LGWEF4A59NH123456"
    assert [f["offset_days"] for f in view["follow_ups"]] == [7, 30, 90]
    assert view["follow_ups"][0]["due_on"] == (today + dt.timedelta(days=7)).isoformat()
    assert _stock(container, chain.dealer_id, chain.model_id) == (2, 0)
    with pytest.raises(IllegalTransitionError, match="follow-up"):
        _act(container, dealer, oid, "close")
    due = due_follow_ups(container.chain, dealer, due_by=today + dt.timedelta(days=100))
    assert len(due) == 3
    for item in due:
        view = complete_follow_up(container.chain, dealer, item["id"], satisfaction=5, note=None)
    assert view["state"] == "closed"


def test_cancel_releases_the_unit_and_refund_needs_a_deposit(seeded) -> None:
    """Cancelling frees the reservation; a refund follows only a paid deposit."""
    container, chain = seeded
    buyer = chain.principal(container, "buyer")
    dealer = chain.principal(container, "dealer")
    unpaid = _place(container, buyer, "c1", dealer_id=chain.dealer_id, model_id=chain.model_id)
    paid = _place(container, buyer, "c2", dealer_id=chain.dealer_id, model_id=chain.model_id)
    _act(container, buyer, int(paid["id"]), "pay_deposit", deposit_cny=Decimal("500"))  # type: ignore[call-overload]
    _act(container, buyer, int(unpaid["id"]), "cancel", reason="changed my mind")  # type: ignore[call-overload]
    _act(container, dealer, int(paid["id"]), "cancel")  # type: ignore[call-overload]
    assert _stock(container, chain.dealer_id, chain.model_id) == (3, 0)
    with pytest.raises(IllegalTransitionError, match="deposit"):
        _act(container, dealer, int(unpaid["id"]), "refund")  # type: ignore[call-overload]
    assert _act(container, dealer, int(paid["id"]), "refund")["state"] == "refunded"  # type: ignore[call-overload]


def test_illegal_transitions_and_roles_are_refused(seeded) -> None:
    """Delivering a placed order is a conflict; a buyer cannot allocate; others see 404."""
    container, chain = seeded
    buyer = chain.principal(container, "buyer")
    order = _place(container, buyer, "i", dealer_id=chain.dealer_id, model_id=chain.model_id)
    oid = int(order["id"])  # type: ignore[call-overload]
    dealer = chain.principal(container, "dealer")
    with pytest.raises(IllegalTransitionError):
        _act(container, dealer, oid, "deliver", proof_ref="HANDOVER-0002")
    with pytest.raises(ActionForbiddenError):
        _act(container, buyer, oid, "allocate", vin="LGWEF4A59NH123456")
    for outsider in ("other_dealer", "other_buyer", "hebei"):
        with pytest.raises(ChainNotFoundError):
            get_order(container.chain, chain.principal(container, outsider), oid)
        with pytest.raises(ChainNotFoundError):
            _act(container, chain.principal(container, outsider), oid, "cancel")
    assert get_order(container.chain, chain.principal(container, "henan"), oid)["id"] == oid


def test_lists_follow_tenancy(seeded) -> None:
    """Each role lists only its own orders; organisers their jurisdiction."""
    container, chain = seeded
    _place(
        container,
        chain.principal(container, "buyer"),
        "l1",
        dealer_id=chain.dealer_id,
        model_id=chain.model_id,
    )
    _place(
        container,
        chain.principal(container, "other_buyer"),
        "l2",
        dealer_id=chain.other_dealer_id,
        model_id=chain.model_id,
    )

    def count(label: str) -> int:
        return len(list_orders(container.chain, chain.principal(container, label)))

    assert [count(x) for x in ("buyer", "dealer", "other_dealer", "henan", "hebei")] == [
        1,
        1,
        1,
        2,
        0,
    ]


def test_contact_is_unmasked_for_the_dealer_and_audited(seeded) -> None:
    """The dealer reads the phone in clear, the read is audited; organisers cannot."""
    container, chain = seeded
    buyer = chain.principal(container, "buyer")
    order = _place(container, buyer, "p", dealer_id=chain.dealer_id, model_id=chain.model_id)
    oid = int(order["id"])  # type: ignore[call-overload]
    contact = order_contact(container.chain, chain.principal(container, "dealer"), oid)
    assert contact["phone"] == "13812341234"
    assert contact["name"] == "张三"
    with pytest.raises(ChainNotFoundError):
        order_contact(container.chain, chain.principal(container, "henan"), oid)
    with container.uow() as uow:
        reads = uow.audit.list(action="contact.read")
    assert [(r.record_type, r.record_id) for r in reads] == [("order", oid)]


def test_raw_rows_hold_no_personal_field_in_clear(seeded) -> None:
    """No column of any service-chain table contains a seeded name, phone or ID number."""
    container, _ = seeded
    secrets = ("13812341234", "张三", "11010519491231002X", "13900001111", "李四", "1234")
    with container.engine.connect() as conn:
        buyers = conn.execute(text("SELECT * FROM buyers")).all()
        users = conn.execute(text("SELECT * FROM users")).all()
    assert buyers
    for row in [*buyers, *users]:
        for cell in row:
            blob = cell if isinstance(cell, bytes) else str(cell).encode()
            for secret in secrets[:5]:
                assert secret.encode() not in blob


def test_fifty_buyers_for_the_last_ten_cars(chain_container: Container) -> None:
    """50 concurrent buyers, 10 units: exactly 10 orders, 40 refusals, nothing oversold."""
    from concurrent.futures import ThreadPoolExecutor

    from nevrural.core.service.principal import Principal, Role
    from nevrural.services.chain_people import find_or_add_buyer

    chain = seed_small_chain(chain_container, units=10)
    ctx = chain_container.chain
    with chain_container.uow() as uow:
        buyers = [
            find_or_add_buyer(
                uow,
                ctx.vault,
                phone=f"1370000{n:04d}",
                name=None,
                id_card_no=None,
                county_code="410122",
                now=ctx.clock(),
            ).id
            for n in range(50)
        ]
        uow.commit()

    def buy(buyer_id: int) -> str:
        who = Principal(role=Role.BUYER, user_id=buyer_id, buyer_id=buyer_id)
        try:
            body = {"dealer_id": chain.dealer_id, "model_id": chain.model_id}
            place_order(ctx, who, f"last-{buyer_id}", body, buyer_county_code="410122")
        except ChainConflictError:
            return "refused"
        return "placed"

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(buy, buyers))
    assert outcomes.count("placed") == 10
    assert outcomes.count("refused") == 40
    assert _stock(chain_container, chain.dealer_id, chain.model_id) == (10, 10)
    with chain_container.uow() as uow:
        assert len(uow.orders.list(dealer_id=chain.dealer_id, limit=500)) == 10


def test_twin_requests_with_one_key_place_one_order(chain_container: Container) -> None:
    """Two requests racing with the same key and body: one order, one replay of it."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    chain = seed_small_chain(chain_container, units=50)
    ctx = chain_container.chain
    buyer = chain.principal(chain_container, "buyer")
    body = {"dealer_id": chain.dealer_id, "model_id": chain.model_id}
    for n in range(10):
        barrier = threading.Barrier(2)

        def twin(_: int, key: str = f"twin-{n}", gate: threading.Barrier = barrier) -> object:
            gate.wait()
            return place_order(ctx, buyer, key, body, buyer_county_code="410122")

        with ThreadPoolExecutor(max_workers=2) as pool:
            first, second = pool.map(twin, range(2))
        assert first.body["id"] == second.body["id"]  # type: ignore[attr-defined]
        assert sorted([first.replayed, second.replayed]) == [False, True]  # type: ignore[attr-defined]
    assert _stock(chain_container, chain.dealer_id, chain.model_id) == (50, 10)
