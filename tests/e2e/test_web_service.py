"""The service pages through TestClient: offers and ordering, my orders and tickets, the dealer."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nevrural.services.demo_chain import DEMO_PASSWORD
from nevrural.services.demo_chain_flows import DEMO_BUYERS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi import FastAPI

    from nevrural.bootstrap import Container

_OLD_CAR = {
    "disposal": "scrap",
    "fuel_type": "petrol",
    "registration_date": "2011-04-18",
    "emission_standard": "3",
    "months_owned": "150",
}
_LOAN = {"has_loan": "on", "down_payment_pct": "30", "term_months": "36", "apr_pct": "4.5"}


@pytest.fixture
def app(seeded_container: Container) -> FastAPI:
    """The app on a private copy of the seeded demo, every message required."""
    from nevrural.interfaces.api.app import create_app
    from nevrural.interfaces.web.i18n import enable_strict_messages

    application = create_app(seeded_container)
    enable_strict_messages(application)
    return application


@pytest.fixture
def demo(seeded_container: Container) -> dict[str, Any]:
    """The first dealer (its account and id), a model it stocks, and buyer1's county."""
    with seeded_container.uow() as uow:
        dealer = uow.enterprises.list("dealer")[0]
        stocked = [s.model_id for s in uow.catalogue.stock_of(dealer.id) if s.available_units]
    return {
        "dealer_id": dealer.id,
        "dealer_user": f"dealer-{dealer.county_code}",
        "county": dealer.county_code,
        "model_id": stocked[0],
    }


def _client(app: FastAPI, username: str | None = None) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        if username is not None:
            response = client.post(
                "/sign-in", data={"username": username, "password": DEMO_PASSWORD, "next": ""}
            )
            assert response.status_code == 303, response.text
        yield client


@pytest.fixture
def buyer(app: FastAPI) -> Iterator[TestClient]:
    """A browser signed in as buyer1."""
    yield from _client(app, "buyer1")


@pytest.fixture
def dealer(app: FastAPI, demo: dict[str, Any]) -> Iterator[TestClient]:
    """A browser signed in as the first dealer."""
    yield from _client(app, demo["dealer_user"])


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    """A browser nobody signed in with."""
    yield from _client(app)


def _text(page: str) -> str:
    """The page's text without tags, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert match is not None, f"no hidden field {name}"
    return html.unescape(match.group(1))


def _money(amount: str) -> str:
    return f"{float(amount):,.2f} 元"


def _quote(client: TestClient, model_id: int, county: str, **fields: str) -> tuple[int, str]:
    """Post the calculator; return the quote id and the result page."""
    form = {"model_id": str(model_id), "county_code": county, "purchase_date": "2026-03-01"}
    response = client.post("/offers", data=form | fields)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    quote_id = int(re.search(r"quote_id=(\d+)", location).group(1))  # type: ignore[union-attr]
    page = client.get(location)
    assert page.status_code == 200
    return quote_id, page.text


def _order_count(container: Container) -> int:
    with container.engine.connect() as conn:
        from sqlalchemy import text

        return int(conn.execute(text("SELECT COUNT(*) FROM orders")).scalar_one())


def test_quote_shows_every_item_and_the_monthly_payment(
    buyer: TestClient, demo: dict[str, Any]
) -> None:
    """A buyer's quote lists the items with reasons, the net price and the monthly payment."""
    quote_id, page = _quote(buyer, demo["model_id"], demo["county"], **_OLD_CAR, **_LOAN)
    stored = buyer.get(f"/api/v1/quotes/{quote_id}").json()
    text = _text(page)
    assert f"报价单 #{quote_id}" in text
    assert stored["items"], "the demo's scrappage quote has items"
    for item in stored["items"]:
        assert item["title_zh"] in text
        assert _money(item["amount_cny"]) in text
    for refused in stored["not_applied"]:
        assert refused["reason_zh"] in text
    assert stored["monthly_payment_cny"] != "0.00"
    assert _money(stored["monthly_payment_cny"]) in text
    assert _money(stored["net_price_cny"]) in text
    assert _money(stored["tco_5y_cny"]) in text
    assert _money(stored["tco_5y_petrol_cny"]) in text
    assert stored["request"]["buyer"]["ref"].startswith("buyer-")


def test_a_double_submitted_order_is_placed_once_and_listed(
    buyer: TestClient, dealer: TestClient, seeded_container: Container, demo: dict[str, Any]
) -> None:
    """The order form's key makes a second press replay the first order; /my/orders shows it."""
    quote_id, page = _quote(buyer, demo["model_id"], demo["county"])
    assert 'action="/offers/order"' in page
    form = {
        "model_id": _hidden(page, "model_id"),
        "quote_id": _hidden(page, "quote_id"),
        "idempotency_key": _hidden(page, "idempotency_key"),
        "back": _hidden(page, "back"),
        "dealer_id": str(demo["dealer_id"]),
    }
    assert form["quote_id"] == str(quote_id)
    before = _order_count(seeded_container)
    first = buyer.post("/offers/order", data=form)
    second = buyer.post("/offers/order", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert _order_count(seeded_container) == before + 1
    order_id = int(re.search(r"order_id=(\d+)", first.headers["location"]).group(1))  # type: ignore[union-attr]
    mine = _text(buyer.get(first.headers["location"]).text)
    assert f"订单 #{order_id}" in mine
    assert "订单已提交" in mine
    workspace = dealer.get("/dealer").text
    card = re.search(rf'id="order-{order_id}"[^>]*data-state="(\w+)"', workspace)
    assert card is not None
    assert card.group(1) == "placed"


def test_a_fresh_page_gets_a_fresh_key(buyer: TestClient, demo: dict[str, Any]) -> None:
    """Each drawing of the quote page carries a new idempotency key."""
    quote_id, page = _quote(buyer, demo["model_id"], demo["county"])
    again = buyer.get(f"/offers?model_id={demo['model_id']}&quote_id={quote_id}").text
    assert _hidden(page, "idempotency_key") != _hidden(again, "idempotency_key")


def test_no_order_form_for_a_quote_of_another_model(
    buyer: TestClient, seeded_container: Container, demo: dict[str, Any]
) -> None:
    """An order cites its quote only when the quote priced the model being ordered."""
    quote_id, page = _quote(buyer, demo["model_id"], demo["county"])
    assert 'action="/offers/order"' in page
    with seeded_container.uow() as uow:
        other = next(m.id for m in uow.catalogue.models() if m.id != demo["model_id"])
    mixed = buyer.get(f"/offers?model_id={other}&quote_id={quote_id}")
    assert mixed.status_code == 200
    assert 'action="/offers/order"' not in mixed.text
    assert buyer.get("/offers?quote_id=abc").status_code == 200


def test_a_refused_quote_names_its_field(buyer: TestClient, demo: dict[str, Any]) -> None:
    """A registration after the purchase date is shown next to the registration date."""
    fields = _OLD_CAR | {"registration_date": "2030-01-01"}
    form = {"model_id": str(demo["model_id"]), "county_code": demo["county"]}
    response = buyer.post("/offers", data=form | {"purchase_date": "2026-03-01"} | fields)
    assert response.status_code == 422
    assert 'id="err-quote-registration_date"' in response.text
    assert 'aria-describedby="err-quote-registration_date"' in response.text
    assert 'value="2030-01-01"' in response.text  # the form keeps what was typed


def test_signed_out_visitors_can_quote(anonymous: TestClient, demo: dict[str, Any]) -> None:
    """/offers is open to everyone; ordering asks to sign in."""
    assert anonymous.get("/offers").status_code == 200
    _, page = _quote(anonymous, demo["model_id"], demo["county"])
    assert 'action="/offers/order"' not in page
    assert "/sign-in?next=" in page


def test_my_orders_shows_state_dealer_delivery_and_follow_ups(buyer: TestClient) -> None:
    """buyer1's demo orders: states, the dealer, a delivery at an event, buyer actions."""
    page = buyer.get("/my/orders")
    assert page.status_code == 200
    text = _text(page.text)
    assert len(re.findall(r'data-testid="order"', page.text)) >= 3
    assert "已下单" in text
    assert "已约交车" in text
    assert "新能源汽车城（示例）" in text
    assert 'value="pay_deposit"' in page.text
    assert 'value="cancel"' in page.text


def test_buyer_pays_a_deposit_and_a_bad_amount_is_refused(buyer: TestClient) -> None:
    """Paying a deposit moves the order on; a non-number is shown next to the amount."""
    page = buyer.get("/my/orders").text
    payable = re.search(
        r'action="/my/orders/(\d+)/actions"[^>]*>\s*<input type="hidden" name="action" '
        r'value="pay_deposit">',
        page,
    )
    assert payable is not None, "buyer1 has a placed order"
    order_id = payable.group(1)
    bad = buyer.post(
        f"/my/orders/{order_id}/actions", data={"action": "pay_deposit", "deposit_cny": "abc"}
    )
    assert bad.status_code == 422
    assert f'id="err-order-{order_id}-deposit_cny"' in bad.text
    good = buyer.post(
        f"/my/orders/{order_id}/actions", data={"action": "pay_deposit", "deposit_cny": "2000"}
    )
    assert good.status_code == 303
    after = _text(buyer.get(good.headers["location"]).text)
    assert "定金已登记" in after
    assert "2,000.00 元" in after


def test_buyer_opens_a_ticket_with_an_sla(buyer: TestClient) -> None:
    """A ticket goes to a service point with a due time; an empty summary is refused."""
    empty = buyer.post("/my/tickets", data={"severity": "repair", "summary": " "})
    assert empty.status_code == 422
    assert 'id="err-ticket-summary"' in empty.text
    opened = buyer.post(
        "/my/tickets", data={"severity": "breakdown", "summary": "刹车异响，无法行驶"}
    )
    assert opened.status_code == 303
    page = buyer.get(opened.headers["location"]).text
    text = _text(page)
    assert "刹车异响，无法行驶" in text
    assert "承诺处理时限" in text
    assert "未超时" in text
    assert len(re.findall(r'data-testid="ticket"', page)) >= 2  # the demo's and this one


def test_dealer_accepts_a_lead_and_reveals_the_contact(
    dealer: TestClient, seeded_container: Container
) -> None:
    """Incoming leads are listed; accepting one moves it to accepted; contact is audited."""
    page = dealer.get("/dealer")
    assert page.status_code == 200
    incoming = re.findall(r'id="lead-(\d+)" data-testid="incoming-lead"', page.text)
    assert incoming, "the demo offers leads to the first dealer"
    lead_id = incoming[0]
    assert "138****01" in page.text  # buyers are masked
    accepted = dealer.post(f"/dealer/leads/{lead_id}/accept")
    assert accepted.status_code == 303
    after = dealer.get("/dealer").text
    assert f'id="lead-{lead_id}" data-testid="accepted-lead"' in after
    contact = dealer.post(f"/dealer/leads/{lead_id}/contact", headers={"HX-Request": "true"})
    assert contact.status_code == 200
    phones = [phone for _, phone in DEMO_BUYERS]
    assert any(phone in contact.text for phone in phones)
    assert "<html" not in contact.text  # htmx gets the contact only
    with seeded_container.engine.connect() as conn:
        from sqlalchemy import text

        reads = conn.execute(
            text("SELECT COUNT(*) FROM audit_log WHERE action = 'contact.read'")
        ).scalar_one()
    assert reads >= 1


def test_dealer_declines_a_lead_saying_why(dealer: TestClient) -> None:
    """A decline needs a note (shown next to it when empty); then the lead moves on."""
    page = dealer.get("/dealer").text
    lead_id = re.findall(r'id="lead-(\d+)" data-testid="incoming-lead"', page)[-1]
    empty = dealer.post(f"/dealer/leads/{lead_id}/decline", data={"note": ""})
    assert empty.status_code == 422
    assert f'id="err-lead-{lead_id}-note"' in empty.text
    done = dealer.post(f"/dealer/leads/{lead_id}/decline", data={"note": "本周无车"})
    assert done.status_code == 303
    assert f'id="lead-{lead_id}"' not in dealer.get("/dealer").text


def test_dealer_schedules_a_delivery_and_records_a_follow_up(dealer: TestClient) -> None:
    """An allocated order gets a delivery date; a follow-up call is recorded (1-5)."""
    page = dealer.get("/dealer").text
    assert "交车日期" in page
    allocated = re.findall(
        r'id="order-(\d+)" data-testid="dealer-order" data-state="allocated"', page
    )
    assert allocated, "the demo has an allocated order"
    order_id = allocated[0]
    today = re.search(r'name="delivery_on"\s+value="([0-9-]+)"', page).group(1)  # type: ignore[union-attr]
    bad = dealer.post(
        f"/dealer/orders/{order_id}/actions",
        data={
            "action": "schedule_delivery",
            "delivery_place": "dealer",
            "delivery_on": "2020-01-01",
        },
    )
    assert bad.status_code == 422
    assert f'id="err-order-{order_id}-delivery_on"' in bad.text
    done = dealer.post(
        f"/dealer/orders/{order_id}/actions",
        data={"action": "schedule_delivery", "delivery_place": "dealer", "delivery_on": today},
    )
    assert done.status_code == 303
    after = dealer.get("/dealer").text
    card = re.search(rf'id="order-{order_id}"[^>]*data-state="(\w+)"', after)
    assert card is not None
    assert card.group(1) == "delivery_scheduled"
    follow_ups = re.findall(r'action="/dealer/follow-ups/(\d+)"', after)
    assert follow_ups, "the demo's delivered order has follow-ups due"
    refused = dealer.post(f"/dealer/follow-ups/{follow_ups[0]}", data={"note": "x"})
    assert refused.status_code == 422
    assert f'id="err-follow-up-{follow_ups[0]}-satisfaction"' in refused.text
    recorded = dealer.post(
        f"/dealer/follow-ups/{follow_ups[0]}", data={"satisfaction": "4", "note": "满意"}
    )
    assert recorded.status_code == 303
    final = dealer.get("/dealer").text
    assert f'action="/dealer/follow-ups/{follow_ups[0]}"' not in final
    assert "回访已记录" in _text(dealer.get(recorded.headers["location"]).text)


def test_dealer_refusals_name_the_field(dealer: TestClient) -> None:
    """A malformed VIN is shown next to the VIN field of that order."""
    page = dealer.get("/dealer").text
    paid = re.findall(
        r'id="order-(\d+)" data-testid="dealer-order" data-state="deposit_paid"', page
    )
    assert paid
    response = dealer.post(
        f"/dealer/orders/{paid[0]}/actions", data={"action": "allocate", "vin": "TOO-SHORT"}
    )
    assert response.status_code == 422
    assert f'id="err-order-{paid[0]}-vin"' in response.text


def test_roles_and_sign_in_are_enforced(
    buyer: TestClient, dealer: TestClient, anonymous: TestClient
) -> None:
    """A buyer at /dealer gets 403, a dealer at /my/orders too; signed out → sign-in."""
    assert buyer.get("/dealer").status_code == 403
    assert dealer.get("/my/orders").status_code == 403
    assert buyer.post("/dealer/leads/1/accept").status_code == 403
    for path in ("/my/orders", "/my/tickets", "/dealer"):
        response = anonymous.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/sign-in?next=")
    assert anonymous.post("/offers/order", data={}).status_code == 303


def test_english_on_request(buyer: TestClient, dealer: TestClient) -> None:
    """?lang=en shows the pages in English (kept for the next page)."""
    offers = _text(buyer.get("/offers?lang=en").text)
    assert "Offer calculator" in offers
    assert "Calculate" in offers
    assert "My orders" in _text(buyer.get("/my/orders").text)
    assert "My after-sales tickets" in _text(buyer.get("/my/tickets").text)
    workspace = _text(dealer.get("/dealer?lang=en").text)
    assert "Dealer workspace" in workspace
    assert "Incoming leads" in workspace
    assert "购车优惠计算器" not in offers
