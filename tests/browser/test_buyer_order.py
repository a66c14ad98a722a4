"""A buyer on a 360 px phone computes a quote on ``/offers`` and places an order."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import compute_quote, place_order, sign_in, t

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


def _money(amount: object) -> str:
    """How the pages write an amount of CNY (``12,345.60 元``)."""
    return t("service.money", amount=f"{Decimal(str(amount)):,.2f}")


def test_buyer_quotes_and_orders_on_a_phone(phone_page: Page, live_server: LiveServer) -> None:
    """Every subsidy with its reason and the monthly payment show; the order is listed."""
    page = phone_page
    sign_in(page, live_server, "buyer1", next_path="")
    quote_id = compute_quote(page, live_server)
    stored = page.request.get(live_server.url(f"/api/v1/quotes/{quote_id}")).json()

    quote = page.locator("#quote")
    expect(quote.locator("#quote-title")).to_have_text(t("service.quote.title", id=quote_id))
    items = quote.locator("[data-testid=quote-items] > li")
    expect(items).to_have_count(len(stored["items"]))
    assert stored["items"], "the demo quote stacks at least one subsidy"
    for item, row in zip(items.all(), stored["items"], strict=True):
        expect(item).to_contain_text(row["title_zh"])
        expect(item).to_contain_text(_money(row["amount_cny"]))
        expect(item.locator(".svc-reason")).to_contain_text(
            t("service.category." + row["category"])
        )
    assert Decimal(str(stored["monthly_payment_cny"])) > 0
    expect(quote.locator("[data-testid=monthly-payment] b")).to_have_text(
        _money(stored["monthly_payment_cny"])
    )
    expect(quote.locator("[data-testid=net-price] b")).to_have_text(_money(stored["net_price_cny"]))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"/offers is {width} px wide on a 360 px phone"

    order_id = place_order(page, live_server)
    expect(page.locator(".svc-done")).to_have_text(t("service.done.placed"))
    card = page.locator(f"#order-{order_id}")
    expect(card).to_be_visible()
    expect(card.locator("h2")).to_contain_text(t("service.order.number", id=order_id))
    expect(card.locator(".svc-state")).to_have_text(t("service.order.state.placed"))

    page.goto(live_server.url("/my/orders"))  # still there on a fresh load
    expect(page.locator(f"#order-{order_id} .svc-state")).to_have_text(
        t("service.order.state.placed")
    )
