"""Every main page renders for its role; with ``NEVRURAL_SCREENSHOTS=1`` each is saved.

``NEVRURAL_SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py`` writes
``docs/screenshots/<name>.png`` (shown in the README); a normal run only checks the
pages and leaves the tree clean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import compute_quote, screenshot_dir, sign_in, wait_for_drawing

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

MAX_RESPONSE_MS = 1_000


@dataclass(frozen=True)
class MainPage:
    """A page to check and photograph, as ``username`` sees it ("dealer": the first one)."""

    name: str
    path: str
    username: str
    is_phone: bool = False
    focus: str | None = None  # the picture starts at this element (else at the top)
    height_px: int = 1_400  # the picture's height at most, CSS px


MAIN_PAGES = (
    MainPage("overview", "/", "organiser"),
    MainPage("atlas", "/atlas", "organiser", height_px=900),
    MainPage("targeting", "/targeting", "organiser", focus="#targeting-result"),
    MainPage("linkage", "/linkage", "organiser"),
    MainPage("siting", "/siting", "organiser"),
    MainPage("events", "/events", "organiser"),
    MainPage("offers-phone", "/offers", "buyer1", is_phone=True, focus="#quote", height_px=1_600),
    MainPage("my-orders", "/my/orders", "buyer1", is_phone=True, height_px=1_600),
    MainPage("dealer", "/dealer", "dealer"),
)


def _check_charts(page: Page, path: str) -> None:
    """Every visible ECharts chart of the page has drawn something."""
    charts = page.locator("[_echarts_instance_]")
    for index in range(charts.count()):
        chart = f"[_echarts_instance_] >> nth={index}"
        if page.locator(chart).is_visible():
            assert wait_for_drawing(page, chart) > 0, f"{path}: chart {index} is blank"


def _save(page: Page, spec: MainPage) -> None:
    """The PNG of ``spec`` under ``docs/screenshots`` (when asked for).

    The viewport grows to the picture's height (a resize the pages handle) instead of
    a full-page capture, which makes ECharts 6 throw in its geo resize on some maps.
    """
    folder = screenshot_dir()
    if folder is None:
        return
    width = page.viewport_size["width"] if page.viewport_size else 1280
    page.set_viewport_size({"width": width, "height": spec.height_px})
    if spec.focus is not None:
        page.evaluate(
            "(selector) => window.scrollTo(0, document.querySelector(selector).offsetTop - 8)",
            spec.focus,
        )
    page.wait_for_timeout(1_200)  # let ECharts redraw and finish its animation
    page.screenshot(path=folder / f"{spec.name}.png")


@pytest.mark.parametrize("spec", MAIN_PAGES, ids=[p.name for p in MAIN_PAGES])
def test_main_page_renders(request: pytest.FixtureRequest, spec: MainPage) -> None:
    """A main page answers 200 with its heading and drawn charts; saved on request."""
    page: Page = request.getfixturevalue("phone_page" if spec.is_phone else "page")
    live_server: LiveServer = request.getfixturevalue("live_server")
    user = live_server.dealer_username if spec.username == "dealer" else spec.username
    sign_in(page, live_server, user, next_path="")
    if spec.name == "offers-phone":  # show the calculator with a quote under it
        compute_quote(page, live_server)
    else:
        response = page.goto(live_server.url(spec.path))
        assert response is not None
        assert response.status == 200, (spec.path, response.status)
        # No page blocks longer than 1 s (the second load: caches warm, as in use).
        again = page.reload()
        assert again is not None
        timing = again.request.timing
        waited_ms = timing["responseStart"] - timing["requestStart"]
        assert waited_ms < MAX_RESPONSE_MS, f"{spec.path} answered in {waited_ms:.0f} ms"
    expect(page.locator("main h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    _check_charts(page, spec.path)
    if spec.is_phone:  # nothing may make a 360 px phone scroll sideways
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{spec.path} is {width} px wide on a 360 px phone"
    _save(page, spec)
