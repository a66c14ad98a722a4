"""An organiser runs a targeting scenario on ``/targeting`` and sees its table and map."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, t, wait_for_drawing

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

N_COUNTIES = 20
# A drawn map colours far more than this many pixels; a blank canvas colours none.
MIN_MAP_PIXELS = 5_000


def test_organiser_runs_targeting_and_sees_the_map(page: Page, live_server: LiveServer) -> None:
    """Run 20 counties in the background: the ranked table lists 20 and the map is drawn."""
    sign_in(page, live_server, "organiser", next_path="/targeting")
    expect(page.locator("h1")).to_have_text(t("planning.targeting.title"))
    name = "浏览器测试 browser test · 20"
    form = page.locator("#targeting-form")
    form.locator("#f-n_counties").fill(str(N_COUNTIES))
    form.locator("#f-per_province_min").fill("0")
    form.locator("#f-min_spacing_km").fill("30")
    form.locator("#f-time_limit_s").fill("5")
    form.locator("details.planning-more > summary").click()
    form.locator("#f-name").fill(name)
    form.locator("#targeting-run").click()

    # The run goes to the background; the job panel polls until the scenario is stored.
    page.wait_for_url(re.compile(r"/targeting\?scenario=\d+"))
    result = page.locator("#targeting-result")
    expect(result.locator("#result-title")).to_have_text(name)
    expect(result.locator("[data-kpi=selected] .kpi-value")).to_have_text(str(N_COUNTIES))
    rows = result.locator("#targeting-table tbody tr[data-code]")
    expect(rows).to_have_count(N_COUNTIES)
    ranks = [int(r) for r in rows.locator("td.num:first-child").all_inner_texts()]
    assert ranks == list(range(1, N_COUNTIES + 1))
    codes = rows.evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert all(re.fullmatch(r"\d{6}", code) for code in codes), codes
    expect(page.locator("#targeting-recent")).to_contain_text(name)

    pixels = wait_for_drawing(page, "#targeting-map", MIN_MAP_PIXELS)
    assert pixels >= MIN_MAP_PIXELS, f"the targeting map drew {pixels} pixels"
    expect(page.locator("#targeting-map-status")).not_to_have_text(t("planning.map.failed"))
    expect(page.locator("#targeting-map-status")).not_to_have_text(t("planning.map.loading"))
    assert wait_for_drawing(page, "#targeting-contributions", 1_000) >= 1_000
