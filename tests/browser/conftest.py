"""Fixtures of the browser tests: a live server on the seeded demo and Debian's Chromium.

The demo is seeded once per session and served by uvicorn on 127.0.0.1 (a free port)
in a background thread. Playwright launches the ``chromium`` of the system (Debian's
package, or ``NEVRURAL_CHROMIUM``), never a downloaded browser. In CI (``CI=true``) a
missing Chromium fails the tests; elsewhere they are skipped with the reason, before
the demo is seeded. The server and the browser live for the browser tests only
(``package`` scope): the rest of the suite runs without them.

Each test gets fresh cookies (``page``: 1280 × 800, ``phone_page``: 360 × 740, zh-CN);
an uncaught script error on any page fails the test. The app renders its messages
strictly, so a key missing from a catalogue fails the page that uses it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

from nevrural.services.demo_chain import DEMO_PASSWORD
from tests.conftest import REPO_ROOT, require
from tests.e2e.cli_runner import make_runner
from tests.e2e.conftest import copy_seeded

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, Page, Playwright, ViewportSize

    from nevrural.bootstrap import Container

__all__ = [
    "DEMO_PASSWORD",
    "LiveServer",
    "chromium_executable",
    "compute_quote",
    "drawn_pixels",
    "place_order",
    "screenshot_dir",
    "sign_in",
    "t",
    "wait_for_drawing",
]

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 740}
HEALTH_TIMEOUT_S = 30.0
# Each expectation waits at most this long (ms): generous for a loaded CI machine and
# for background runs (targeting), which report progress until they finish.
EXPECT_TIMEOUT_MS = 20_000


def t(key: str, **values: object) -> str:
    """The zh-CN text of a message, as the pages show it (the default language)."""
    from nevrural.interfaces.web.i18n import translator

    return translator("zh-CN", strict=True)(key, **values)


def chromium_executable() -> str | None:
    """The Chromium to drive: ``NEVRURAL_CHROMIUM``, else ``chromium`` on the PATH."""
    configured = os.environ.get("NEVRURAL_CHROMIUM", "")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium")


def screenshot_dir() -> Path | None:
    """``docs/screenshots`` when ``NEVRURAL_SCREENSHOTS=1``; None keeps the tree clean."""
    if os.environ.get("NEVRURAL_SCREENSHOTS", "") != "1":
        return None
    path = REPO_ROOT / "docs" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class LiveServer:
    """The running platform: its base URL and the demo's first dealer (login, record id)."""

    base_url: str
    dealer_username: str
    dealer_id: int

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (starting with ``/``)."""
        return self.base_url + path


@pytest.fixture(scope="session")
def seeded_db(built_atlas_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built atlas with the demo seeded once (as ``tests/e2e``'s fixture of that name)."""
    var_dir = tmp_path_factory.mktemp("seeded-browser")
    shutil.copyfile(built_atlas_db, var_dir / "nevrural.db")
    make_runner(var_dir)("demo", "seed", "--json")
    return var_dir / "nevrural.db"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_health(base_url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the live server stopped before it answered /healthz")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the live server did not answer /healthz within {HEALTH_TIMEOUT_S:.0f} s")


def _first_dealer(container: Container) -> tuple[str, int]:
    """Login and enterprise id of the demo's first dealer (``dealer-<county>``, seeded first).

    The demo's orders, buyers and livestream leads all belong to this dealer.
    """
    from sqlalchemy import text

    query = (
        "SELECT username, enterprise_id FROM users WHERE username LIKE 'dealer-%' "
        "ORDER BY id LIMIT 1"
    )
    with container.engine.connect() as conn:
        username, enterprise_id = conn.execute(text(query)).one()
    return str(username), int(enterprise_id)


@pytest.fixture(scope="package")
def live_server(seeded_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """uvicorn serving the app on a private copy of the seeded demo, in a thread.

    Tests share it and its data: each creates what it acts on (a quote, an order).
    """
    import uvicorn

    from nevrural.bootstrap import build_container
    from nevrural.config import Settings
    from nevrural.interfaces.api.app import create_app
    from nevrural.interfaces.web.i18n import enable_strict_messages

    var_dir = copy_seeded(seeded_db, tmp_path_factory.mktemp("live") / "var")
    container = build_container(Settings(var_dir=var_dir, database_url=""))
    app = create_app(container)
    enable_strict_messages(app)  # a message missing from a catalogue fails its page
    port = _free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(base_url, thread)
        username, dealer_id = _first_dealer(container)
        yield LiveServer(base_url=base_url, dealer_username=username, dealer_id=dealer_id)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        container.dispose()


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; fails in CI, skips elsewhere, when there is none.

    Session-scoped so that pytest checks it before seeding the demo (higher scopes
    are set up first).
    """
    executable = chromium_executable()
    require(
        executable is not None,
        "Chromium not found (install Debian's `chromium` or set NEVRURAL_CHROMIUM)",
    )
    assert executable is not None
    return executable


@pytest.fixture(scope="package")
def playwright_session() -> Iterator[Playwright]:
    """Playwright's driver, once for the browser tests."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(chromium: str, playwright_session: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (never a browser Playwright downloads)."""
    browser = playwright_session.chromium.launch(executable_path=chromium)
    yield browser
    browser.close()


def _page_in(
    browser: Browser, server: LiveServer, viewport: ViewportSize, *, is_mobile: bool
) -> Iterator[Page]:
    """A page in a fresh context (own cookies); an uncaught script error fails the test."""
    context = browser.new_context(
        base_url=server.base_url,
        viewport=viewport,
        device_scale_factor=2 if is_mobile else 1,
        is_mobile=is_mobile,
        has_touch=is_mobile,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(EXPECT_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error.stack or error}"))
    yield page
    context.close()
    assert not errors, f"uncaught script errors: {errors}"


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh 1280 × 800 desktop page (own cookies) on the live server."""
    yield from _page_in(browser, live_server, DESKTOP, is_mobile=False)


@pytest.fixture
def phone_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh 360 × 740 phone page (touch, own cookies) on the live server."""
    yield from _page_in(browser, live_server, PHONE, is_mobile=True)


def sign_in(page: Page, server: LiveServer, username: str, next_path: str = "/") -> None:
    """Sign in through the form at ``/sign-in`` with the demo password, then open ``next_path``."""
    from playwright.sync_api import expect

    page.goto(server.url("/sign-in"))
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("[type=submit]").click()
    page.wait_for_load_state()
    expect(page).not_to_have_url(server.url("/sign-in"))
    if next_path:
        page.goto(server.url(next_path))


def drawn_pixels(page: Page, selector: str) -> int:
    """How many pixels the chart under ``selector`` has drawn (canvas or SVG renderer).

    A canvas counts its non-transparent pixels that differ from the top-left pixel
    (the background); an SVG counts the area of its filled shapes' boxes instead.
    """
    count: int = page.locator(selector).first.evaluate(
        """(root) => {
            let total = 0;
            for (const canvas of root.querySelectorAll("canvas")) {
                if (!canvas.width || !canvas.height) continue;
                const ctx = canvas.getContext("2d");
                const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
                const bg = [data[0], data[1], data[2], data[3]];
                for (let i = 0; i < data.length; i += 4) {
                    if (data[i + 3] === 0) continue;
                    if (data[i] !== bg[0] || data[i + 1] !== bg[1] || data[i + 2] !== bg[2]
                        || data[i + 3] !== bg[3]) total += 1;
                }
            }
            for (const shape of root.querySelectorAll("svg path, svg polygon")) {
                const fill = shape.getAttribute("fill");
                if (fill === "none" || fill === "transparent") continue;
                const box = shape.getBBox();
                total += Math.round(box.width * box.height);
            }
            return total;
        }"""
    )
    return count


def wait_for_drawing(page: Page, selector: str, min_pixels: int = 2_000) -> int:
    """Poll until the chart under ``selector`` has drawn ``min_pixels``; the count drawn.

    ECharts animates its first frame, so the count grows for about a second; the last
    count is returned when the expectation timeout passes first.
    """
    from playwright.sync_api import expect

    expect(page.locator(selector).first).to_be_visible()
    deadline = time.monotonic() + EXPECT_TIMEOUT_MS / 1000
    count = drawn_pixels(page, selector)
    while count < min_pixels and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        count = drawn_pixels(page, selector)
    return count


def compute_quote(page: Page, server: LiveServer) -> int:
    """As the signed-in buyer on ``/offers``: quote the default model on a 36-month loan.

    Returns the stored quote's id (from the URL the calculator redirects to).
    """
    from playwright.sync_api import expect

    page.goto(server.url("/offers"))
    form = page.locator("#quote-form")
    form.locator("#f-has_loan").check()
    expect(form.locator("#f-term_months")).to_be_visible()  # the loan fields open
    form.locator("#f-down_payment_pct").fill("30")
    form.locator("#f-term_months").select_option("36")
    form.locator("#f-apr_pct").fill("4.5")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/offers\?.*quote_id=\d+"))
    expect(page.locator("#quote")).to_be_visible()
    found = re.search(r"quote_id=(\d+)", page.url)
    assert found is not None, page.url
    return int(found.group(1))


def place_order(page: Page, server: LiveServer) -> int:
    """Under a quote on ``/offers``: order from the demo's first dealer; the order id.

    The page goes on to ``/my/orders?done=placed&order_id=N``.
    """
    section = page.locator("#order")
    section.locator(f"input[name=dealer_id][value='{server.dealer_id}']").check()
    section.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/my/orders\?.*order_id=\d+"))
    found = re.search(r"order_id=(\d+)", page.url)
    assert found is not None, page.url
    return int(found.group(1))
