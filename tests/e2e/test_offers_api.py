"""The offer API (quotes, claims, policies) through TestClient."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nevrural.interfaces.api.app import create_app
from tests.integration.test_offer_service import REPLACEMENT, request, version

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nevrural.bootstrap import Container

__all__: list[str] = []


@pytest.fixture
def client(atlas_container: Container) -> Iterator[TestClient]:
    """A TestClient on a private copy of the full atlas (no demo seeded)."""
    with TestClient(create_app(atlas_container)) as test_client:
        yield test_client


def quote_count(container: Container) -> int:
    """How many quotes are stored."""
    with container.uow() as uow:
        return uow.quotes.count()


def post_quote(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    """POST a quote request and return the stored quote (201 expected)."""
    response = client.post("/api/v1/quotes", json=body)
    assert response.status_code == 201, response.text
    document = response.json()
    assert isinstance(document, dict)
    return document


def test_quote_is_created_and_read_back(client: TestClient) -> None:
    """POST returns the full quote with money as text; GET returns the same document."""
    quote = post_quote(client, request())
    for key in ("net_price_cny", "monthly_payment_cny", "tco_5y_cny", "tco_5y_petrol_cny"):
        assert re.fullmatch(r"\d+\.\d\d", quote[key]), key
    assert quote["modelled"]["petrol_comparison"] is True
    assert {i["rule_id"] for i in quote["items"]} >= {
        "national-nev-purchase-tax-exemption-2024-2025"
    }
    assert quote["request"]["new_vehicle"]["class"] == "micro_van"
    again = client.get(f"/api/v1/quotes/{quote['quote_id']}")
    assert again.status_code == 200
    assert again.json() == quote
    missing = client.get("/api/v1/quotes/999999")
    assert missing.status_code == 404
    assert "999999" in missing.json()["detail"]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("new_vehicle", "price_cny"), "-1", "new_vehicle.price_cny"),
        (("buyer", "county_code"), "130000", "buyer.county_code"),
        (("new_vehicle", "colour"), "red", "colour"),
        (("purchase_date",), "2025-13-01", "purchase_date"),
    ],
)
def test_malformed_request_is_422_naming_the_field(
    client: TestClient,
    atlas_container: Container,
    path: tuple[str, ...],
    value: str,
    field: str,
) -> None:
    """A bad or unknown field is refused with 422 naming it, and nothing is stored."""
    body = request()
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    response = client.post("/api/v1/quotes", json=body)
    assert response.status_code == 422
    assert field.split(".")[-1] in response.text
    assert quote_count(atlas_container) == 0


def test_claim_is_filed_and_shown_on_the_quote(client: TestClient) -> None:
    """A replacement subsidy is claimed once; other claims are refused; unknown quote 404."""
    assert client.post("/api/v1/policies", json=REPLACEMENT).status_code == 201
    quote_id = post_quote(client, request())["quote_id"]
    url = f"/api/v1/quotes/{quote_id}/claims"
    claim = client.post(url, json={"rule_id": REPLACEMENT["id"]})
    assert claim.status_code == 201, claim.text
    assert claim.json()["amount_cny"] == "5000.00"
    again = client.post(url, json={"rule_id": REPLACEMENT["id"]})
    assert again.status_code == 422
    assert "already claimed" in again.json()["detail"]
    unapplied = client.post(url, json={"rule_id": "national-scrappage-nev-2025"})
    assert unapplied.status_code == 422
    assert client.post("/api/v1/quotes/555555/claims", json={"rule_id": "x"}).status_code == 404
    claims = client.get(f"/api/v1/quotes/{quote_id}").json()["claims"]
    assert [c["claim_id"] for c in claims] == [claim.json()["claim_id"]]


def test_policies_in_force_for_a_region(client: TestClient) -> None:
    """In 2026 the halving is in force; a bad region is 422 naming it."""
    rules = client.get("/api/v1/policies", params={"at": "2026-03-01", "region": "130000"})
    assert rules.status_code == 200
    ids = {r["rule_id"] for r in rules.json()}
    assert "national-nev-purchase-tax-halving-2026-2027" in ids
    assert "national-nev-purchase-tax-exemption-2024-2025" not in ids
    halving = next(r for r in rules.json() if r["rule_id"].endswith("halving-2026-2027"))
    assert "2023年第10号" in halving["citation"]["document"]
    assert halving["amount"] == {"kind": "tax_relief", "share": "0.5", "cap_cny": "15000.00"}
    bad = client.get("/api/v1/policies", params={"region": "12345"})
    assert bad.status_code == 422
    assert "region" in bad.json()["detail"]


def test_retroactive_revision_returns_the_top_up(client: TestClient) -> None:
    """Raising the subsidy retroactively reports a 3,000 CNY top-up; a stale version is 422."""
    client.post("/api/v1/policies", json=version(1, "5000", "2025-01-10"))
    quote_id = post_quote(client, request())["quote_id"]
    response = client.post("/api/v1/policies", json=version(2, "8000", "2025-10-01"))
    assert response.status_code == 201, response.text
    impact = response.json()
    assert impact["quotes"][0]["quote_id"] == quote_id
    assert impact["totals"]["top_up_cny"] == "3000.00"
    stale = client.post("/api/v1/policies", json=version(2, "9000", "2025-11-01"))
    assert stale.status_code == 422
    assert "rules[0].version" in stale.json()["detail"]
