"""The dealer sees a buyer's new order on ``/dealer``, accepts a lead, schedules delivery."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import compute_quote, place_order, sign_in, t

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

    from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


def _act(card: Locator, action: str, **fields: str) -> None:
    """Fill and submit the card's form for ``action`` (the page redirects back)."""
    form = card.locator(f"form:has(input[name=action][value={action}])")
    for name, value in fields.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()


def _expect_done(page: Page, action: str) -> None:
    page.wait_for_url(re.compile(rf"/dealer\?done={action}"))
    expect(page.locator(".svc-done")).to_have_text(t(f"service.done.{action}"))


def test_dealer_accepts_a_lead_and_schedules_the_delivery(
    page: Page, phone_page: Page, live_server: LiveServer
) -> None:
    """The buyer's order appears as placed; a lead moves to accepted; delivery is scheduled."""
    buyer = phone_page
    sign_in(buyer, live_server, "buyer1", next_path="")
    compute_quote(buyer, live_server)
    order_id = place_order(buyer, live_server)

    sign_in(page, live_server, live_server.dealer_username, next_path="/dealer")
    expect(page.locator("h1")).to_contain_text(t("service.dealer.title"))
    card = page.locator(f"#order-{order_id}")
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-state", "placed")
    expect(card.locator(".svc-state")).to_have_text(t("service.order.state.placed"))
    placed = page.locator("[data-testid=order-group][data-state=placed]")
    expect(placed.locator(f"#order-{order_id}")).to_have_count(1)

    # The demo's livestream left leads waiting for this dealer: accept the first.
    incoming = page.locator("[data-testid=incoming-lead]")
    waiting = incoming.count()
    assert waiting >= 1, "the demo offers the first dealer pending leads"
    expect(page.locator("#incoming")).to_have_text(t("service.dealer.incoming", count=waiting))
    lead = incoming.first
    lead_key = lead.get_attribute("id")
    assert lead_key is not None
    assert re.fullmatch(r"lead-\d+", lead_key), lead_key
    lead.locator("form[action$='/accept'] button[type=submit]").click()
    _expect_done(page, "accepted")
    expect(
        page.locator(f"section:has(#accepted) [data-testid=accepted-lead]#{lead_key}")
    ).to_be_visible()
    expect(page.locator(f"#{lead_key} .svc-state")).to_have_text(t("service.lead.state.accepted"))
    expect(page.locator("[data-testid=incoming-lead]")).to_have_count(waiting - 1)
    expect(page.locator("#incoming")).to_have_text(t("service.dealer.incoming", count=waiting - 1))

    # Deposit at the counter, a vehicle, then the delivery date at the dealer.
    _act(card, "pay_deposit", deposit_cny="2000")
    _expect_done(page, "pay_deposit")
    expect(card).to_have_attribute("data-state", "deposit_paid")
    vin = f"LNEVB{order_id:012d}"
    _act(card, "allocate", vin=vin)
    _expect_done(page, "allocate")
    expect(page.locator(f"section:has(#deliveries) #order-{order_id}")).to_be_visible()
    expect(card).to_have_attribute("data-state", "allocated")
    expect(card).to_contain_text(vin)
    schedule = card.locator("form[data-svc-schedule]")
    expect(schedule.locator("input[name=delivery_place][value=dealer]")).to_be_checked()
    day = schedule.locator("input[name=delivery_on]").input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day), day
    schedule.locator("button[type=submit]").click()
    _expect_done(page, "schedule_delivery")

    expect(card).to_have_attribute("data-state", "delivery_scheduled")
    expect(card.locator(".svc-state")).to_have_text(t("service.order.state.delivery_scheduled"))
    expect(card).to_contain_text(t("service.order.delivery_on", date=day))
    expect(card).to_contain_text(t("service.order.delivery_at_dealer"))
    group = page.locator("[data-testid=order-group][data-state=delivery_scheduled]")
    expect(group.locator(f"#order-{order_id}")).to_have_count(1)

    buyer.goto(live_server.url("/my/orders"))  # the buyer sees the date too
    mine = buyer.locator(f"#order-{order_id}")
    expect(mine.locator(".svc-state")).to_have_text(t("service.order.state.delivery_scheduled"))
    expect(mine).to_contain_text(vin)
    expect(mine).to_contain_text(t("service.order.delivery_on", date=day))
