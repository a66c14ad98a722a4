"""The foundation pages through TestClient on the seeded demo: sign-in, overview, atlas.

Pages render with the strict translator: a message missing from the catalogues fails
the page instead of showing its key.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from nevrural.core.service.principal import Principal, Role, scope_prefix
from nevrural.interfaces.api.app import create_app
from nevrural.interfaces.web.assets import find_node_modules
from nevrural.interfaces.web.i18n import catalogues, enable_strict_messages, translator
from nevrural.services.campaign_overview import campaign_overview
from nevrural.services.chain_auth import principal_from_token, sign_in
from nevrural.services.demo_accounts import demo_accounts
from nevrural.services.demo_chain import DEMO_PASSWORD
from tests.conftest import require

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import httpx

    from nevrural.bootstrap import Container

TOKEN_COOKIE = "nevrural_token"
_KPI = re.compile(r'data-kpi="(\w+)">.*?<span class="kpi-value">([^<]*)</span>', re.DOTALL)


@pytest.fixture
def client(seeded_container: Container) -> Iterator[TestClient]:
    """A client of the app on the seeded demo, strict messages, redirects not followed."""
    app = create_app(seeded_container)
    enable_strict_messages(app)
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def usernames(container: Container) -> dict[str, str]:
    """The demo's first login of each kind: organiser, provincial, dealer, buyer."""
    names = [a.username for a in demo_accounts(container.chain)]
    return {
        "organiser": "organiser",
        "provincial": next(n for n in names if n.startswith("organiser-")),
        "dealer": next(n for n in names if n.startswith("dealer-")),
        "buyer": "buyer1",
    }


def principal_of(container: Container, username: str) -> Principal:
    """The principal a demo login stands for (through a real token)."""
    grant = sign_in(container.chain, username, DEMO_PASSWORD)
    return principal_from_token(container.chain, grant.access_token)[0]


def sign_in_as(client: TestClient, username: str, next_path: str = "") -> httpx.Response:
    """Post the sign-in form; the client keeps the cookie."""
    form = {"username": username, "password": DEMO_PASSWORD, "next": next_path}
    return client.post("/sign-in", data=form)


def visible_text(page: str) -> str:
    """The text a reader sees: no scripts, styles or tags, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def kpis(page: str) -> dict[str, str]:
    """The overview's figures by their ``data-kpi`` name."""
    return {name: value.strip() for name, value in _KPI.findall(page)}


def assert_no_message_keys(page: str) -> None:
    """No catalogue key shows as text (every string came from a catalogue)."""
    text = visible_text(page)
    shown = [
        key for key in catalogues()["zh-CN"] if re.search(rf"(?<![\w/.]){re.escape(key)}\b", text)
    ]
    assert shown == []


@pytest.mark.parametrize(
    ("kind", "home"), [("organiser", "/"), ("dealer", "/dealer"), ("buyer", "/offers")]
)
def test_sign_in_sets_the_cookie_and_goes_to_the_role_home(
    client: TestClient, seeded_container: Container, kind: str, home: str
) -> None:
    """A right password sets an HttpOnly, SameSite=Lax token cookie and redirects by role."""
    response = sign_in_as(client, usernames(seeded_container)[kind])
    assert response.status_code == 303
    assert response.headers["location"] == home
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(f"{TOKEN_COOKIE}=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert f"Max-Age={seeded_container.chain.tokens.ttl_seconds}" in cookie
    assert client.cookies.get(TOKEN_COOKIE)


def test_sign_in_returns_to_next_but_never_off_site(
    client: TestClient, seeded_container: Container
) -> None:
    """``next`` brings the organiser back to the page asked for; another host is ignored."""
    assert sign_in_as(client, "organiser", "/atlas?province=410000").headers["location"] == (
        "/atlas?province=410000"
    )
    for outside in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        assert sign_in_as(client, "organiser", outside).headers["location"] == "/"
    del seeded_container


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_wrong_password_shows_the_error_in_the_page_language(client: TestClient, lang: str) -> None:
    """A wrong password answers 401 with the catalogue's error text, no cookie, the name kept."""
    form = {"username": "organiser", "password": "not-the-password", "next": "/atlas"}
    response = client.post(f"/sign-in?lang={lang}", data=form)
    assert response.status_code == 401
    page = response.text
    assert f'<html lang="{lang}">' in page
    assert translator(lang, strict=True)("sign_in.error") in page
    assert 'value="organiser"' in page
    assert 'name="next" value="/atlas"' in page
    assert TOKEN_COOKIE not in response.headers.get("set-cookie", "")
    assert_no_message_keys(page)


def test_sign_in_page_lists_the_demo_accounts_per_role(
    client: TestClient, seeded_container: Container
) -> None:
    """On the demo database the form names each demo login and the demo password."""
    page = client.get("/sign-in").text
    for username in usernames(seeded_container).values():
        assert f"<code>{username}</code>" in page
    assert DEMO_PASSWORD in page
    assert_no_message_keys(page)


def test_overview_shows_the_national_figures(
    client: TestClient, seeded_container: Container
) -> None:
    """The national organiser's KPIs are campaign_overview's numbers, written for people."""
    sign_in_as(client, "organiser")
    response = client.get("/")
    assert response.status_code == 200
    expected = campaign_overview(
        seeded_container.chain, principal_of(seeded_container, "organiser")
    )
    shown = kpis(response.text)
    assert shown == {
        "counties_shortlisted": f"{expected['counties_shortlisted']:,}",
        "events_planned": f"{expected['events']['held']:,}",
        "leads": f"{expected['leads']:,}",
        "orders": f"{expected['orders']:,}",
        "deliveries_done": f"{expected['deliveries_done']:,}",
        "follow_ups_done": f"{expected['follow_ups_done']:,}",
        "follow_ups_due": f"{expected['follow_ups_due']:,}",
        "subsidy_quoted_cny": f"{expected['subsidy_quoted_cny']:,.2f}",
    }
    assert expected["counties_shortlisted"] == 100
    assert expected["orders"] == 8  # the demo: one order per state
    assert expected["events"]["held"] > 0
    assert expected["subsidy_quoted_cny"] > 0
    assert "活动总览 · 全国" in response.text
    assert_no_message_keys(response.text)


def test_overview_figures_agree_with_the_records(seeded_container: Container) -> None:
    """The counts equal a record-by-record tally (orders, follow-ups, quotes) in the scope."""
    principal = principal_of(seeded_container, "organiser")
    figures = campaign_overview(seeded_container.chain, principal)
    today = seeded_container.chain.clock().date()
    with seeded_container.uow() as uow:
        orders = uow.orders.list(county_prefix="", limit=500)
        follow_ups = [f for o in orders for f in uow.orders.follow_ups(o.id)]
        quotes = uow.quotes.in_scope("", dt.date.min, None)
    assert figures["orders"] == len(orders)
    assert figures["deliveries_done"] == sum(o.state in {"delivered", "closed"} for o in orders)
    assert figures["follow_ups_done"] == sum(f.done_at is not None for f in follow_ups)
    assert figures["follow_ups_due"] == sum(
        f.done_at is None and f.due_on <= today for f in follow_ups
    )
    assert figures["quotes"] == len(quotes)
    assert figures["subsidy_quoted_cny"] == sum(
        (Decimal(a) for q in quotes for a in q.draft.amounts.values()), Decimal("0.00")
    )


def test_provincial_organiser_sees_only_the_province(
    client: TestClient, seeded_container: Container
) -> None:
    """A provincial organiser's page counts only counties under the province's code."""
    username = usernames(seeded_container)["provincial"]
    principal = principal_of(seeded_container, username)
    prefix = scope_prefix(principal.scope_code)
    national = campaign_overview(
        seeded_container.chain, principal_of(seeded_container, "organiser")
    )
    provincial = campaign_overview(seeded_container.chain, principal)
    assert 0 < provincial["counties_shortlisted"] < national["counties_shortlisted"]
    assert all(row["code"].startswith(prefix) for row in provincial["shortlist"]["counties"])
    assert provincial["events"]["held"] < national["events"]["held"]
    sign_in_as(client, username)
    page = client.get("/").text
    assert kpis(page)["counties_shortlisted"] == f"{provincial['counties_shortlisted']:,}"
    assert kpis(page)["orders"] == f"{provincial['orders']:,}"
    assert provincial["scope_name"] in page
    codes = re.findall(r"<td[^>]*>[^<]* (\d{6})</td>", page)
    assert codes
    assert all(code.startswith(prefix) for code in codes)


@pytest.mark.parametrize(("kind", "home"), [("buyer", "/offers"), ("dealer", "/dealer")])
def test_non_organisers_at_the_root_go_home(
    client: TestClient, seeded_container: Container, kind: str, home: str
) -> None:
    """A buyer or a dealer asking for ``/`` is sent to their own home page."""
    sign_in_as(client, usernames(seeded_container)[kind])
    response = client.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == home


def test_signed_out_pages_send_to_sign_in(client: TestClient) -> None:
    """Without a session: a redirect with ``next``; htmx gets HX-Redirect, scripts a 401."""
    response = client.get("/atlas?province=410000")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/atlas%3Fprovince%3D410000"
    htmx = client.get("/events", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"] == "/sign-in?next=/events"
    script = client.get("/atlas/county-values.json", headers={"Accept": "application/json"})
    assert script.status_code == 401
    assert script.json()["sign_in"].startswith("/sign-in?next=")


def test_a_forged_cookie_is_dropped_and_sign_out_forgets_the_session(
    client: TestClient,
) -> None:
    """A token that does not verify redirects and is deleted; signing out clears the cookie."""
    client.cookies.set(TOKEN_COOKIE, "not.a.token")
    response = client.get("/atlas")
    assert response.status_code == 303
    assert f'{TOKEN_COOKIE}=""' in response.headers["set-cookie"]
    client.cookies.clear()
    sign_in_as(client, "organiser")
    assert client.get("/").status_code == 200
    out = client.post("/sign-out")
    assert out.status_code == 303
    assert out.headers["location"] == "/sign-in"
    assert client.get("/atlas").status_code == 303
    assert 'id="public-summary"' in client.get("/").text


def test_atlas_renders_with_the_vendor_map_library(
    client: TestClient, seeded_container: Container
) -> None:
    """``/atlas`` draws with our map.js on ECharts served from node_modules, no CDN."""
    sign_in_as(client, "organiser")
    response = client.get("/atlas")
    assert response.status_code == 200
    page = response.text
    assert '<script src="/static/vendor/echarts.min.js"></script>' in page
    assert "/static/map.js?v=" in page
    assert "/static/atlas.js?v=" in page
    assert not re.search(r"""(src|href)="(https?:)?//""", page)
    assert page.count('<option value="') >= 3 + 31  # indicators and provinces
    assert_no_message_keys(page)
    for path in ("/static/map.js", "/static/atlas.js", "/static/app.js", "/static/app.css"):
        assert client.get(path).status_code == 200
    assert client.get("/static/vendor/jquery.js").status_code == 404
    node_modules = find_node_modules(seeded_container.settings.node_modules_dir)
    require(
        (node_modules / "echarts" / "dist" / "echarts.min.js").is_file(),
        f"no ECharts under {node_modules} (make setup runs npm ci)",
    )
    vendor = client.get("/static/vendor/echarts.min.js")
    assert vendor.status_code == 200
    assert vendor.headers["content-type"].startswith("text/javascript")
    assert b"echarts" in vendor.content[:2000].lower()
    assert client.get("/static/vendor/htmx.min.js").status_code == 200


def test_a_missing_vendor_file_is_a_404_and_the_page_still_renders(
    seeded_container: Container, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With node_modules absent the vendor URL answers 404 and says how to install it."""
    settings = seeded_container.settings.model_copy(update={"node_modules_dir": tmp_path})
    seeded_container.settings = settings
    app = create_app(seeded_container)
    with TestClient(app, follow_redirects=False) as client:
        missing = client.get("/static/vendor/echarts.min.js")
        assert missing.status_code == 404
        assert "make setup" in missing.text
        sign_in_as(client, "organiser")
        assert client.get("/atlas").status_code == 200
    assert "npm ci" in caplog.text


def test_atlas_values_colour_every_county(client: TestClient) -> None:
    """The map's values: penetration (0–1), potential and score per county, 100 shortlisted."""
    sign_in_as(client, "organiser")
    counties = client.get("/atlas/county-values.json").json()["counties"]
    assert len(counties) > 2_000
    assert sum(v["is_shortlisted"] for v in counties.values()) == 100
    assert all(0 <= v["penetration"] <= 1 for v in counties.values())
    assert all(v["potential"] >= 0 for v in counties.values())
    henan = client.get("/atlas/county-values.json?province=410000").json()["counties"]
    assert henan
    assert all(code.startswith("41") for code in henan)
    assert client.get("/atlas/county-values.json?province=41").status_code == 422


def test_atlas_is_for_organisers(client: TestClient) -> None:
    """A buyer gets the 403 page, in words from the catalogue."""
    sign_in_as(client, "buyer1")
    response = client.get("/atlas")
    assert response.status_code == 403
    assert translator("zh-CN", strict=True)("error.403.title") in response.text
    assert_no_message_keys(response.text)


def test_lang_query_switches_and_is_kept_in_a_cookie(client: TestClient) -> None:
    """``?lang=en`` renders English and sets the cookie; later pages stay English."""
    first = client.get("/sign-in?lang=en")
    assert '<html lang="en">' in first.text
    assert "lang=en" in first.headers["set-cookie"]
    assert client.cookies.get("lang") == "en"
    sign_in_as(client, "organiser")
    page = client.get("/").text
    assert '<html lang="en">' in page
    assert "Campaign overview · Nation" in page
    assert 'href="/?lang=zh-CN"' in page
    assert_no_message_keys(page)
    back = client.get("/?lang=zh-CN")
    assert '<html lang="zh-CN">' in back.text
    assert client.cookies.get("lang") == "zh-CN"


def test_default_language_is_chinese(client: TestClient) -> None:
    """Without a choice the pages are zh-CN, with a link to English."""
    page = client.get("/sign-in").text
    assert '<html lang="zh-CN">' in page
    assert 'hreflang="en"' in page
    assert "跳到正文" in page


def test_nav_follows_the_role(client: TestClient, seeded_container: Container) -> None:
    """Organisers see the planning pages; buyers their orders and tickets, not the atlas."""
    sign_in_as(client, "organiser")
    organiser = client.get("/").text
    for href in ('"/atlas"', '"/targeting"', '"/siting"', '"/events"', '"/offers"'):
        assert f"href={href}" in organiser
    client.cookies.clear()
    sign_in_as(client, usernames(seeded_container)["buyer"])
    buyer = client.get("/sign-in").text
    assert 'href="/my/orders"' in buyer
    assert 'href="/atlas"' not in buyer


def test_a_buyer_principal_is_refused_the_overview(seeded_container: Container) -> None:
    """The use case itself refuses non-organisers (the page redirects before asking)."""
    from nevrural.services.chain_errors import ChainForbiddenError

    with pytest.raises(ChainForbiddenError):
        campaign_overview(seeded_container.chain, Principal(Role.BUYER, buyer_id=1))


def test_signed_out_home_is_the_national_public_summary(
    client: TestClient, seeded_container: Container
) -> None:
    """``/`` without a session: the national figures, no records, and a way to sign in."""
    from nevrural.core.service.principal import Principal, Role
    from nevrural.services.campaign_overview import campaign_overview

    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert 'lang="zh-CN"' in html
    assert 'id="public-summary"' in html
    assert "/sign-in?next=/" in html
    figures = campaign_overview(
        seeded_container.chain, Principal(role=Role.ORGANISER, scope_code="000000")
    )
    assert f"{figures['orders']:,}" in html
    assert f"{figures['counties_shortlisted']:,}" in html
    assert "****" not in html  # no masked (or unmasked) personal field on the page
