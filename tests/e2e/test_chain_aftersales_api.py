"""After-sales through the API: tickets, trade-ins and service points with real tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nevrural.interfaces.api.app import create_app
from nevrural.services.chain_auth import sign_in
from tests.integration.test_chain_aftersales import (
    OLD_PETROL_2011,
    PASSWORD,
    World,
    forget_offers,
    quote_request,
    seed_world,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nevrural.bootstrap import Container

__all__: list[str] = []

TOKEN_PATH = "/api/v1/auth/token"


class Api:
    """A TestClient with the seeded world and a bearer header per account label."""

    def __init__(self, client: TestClient, container: Container, world: World) -> None:
        self.client = client
        self.container = container
        self.world = world
        self._headers: dict[str, dict[str, str]] = {}

    def auth(self, label: str) -> dict[str, str]:
        """The bearer header of an account (from the token endpoint when it is there)."""
        if label not in self._headers:
            username = f"as-{label.replace('_', '-')}"
            paths = {getattr(route, "path", "") for route in self.client.app.routes}  # type: ignore[attr-defined]
            if TOKEN_PATH in paths:
                response = self.client.post(
                    TOKEN_PATH, data={"username": username, "password": PASSWORD}
                )
                assert response.status_code == 200, response.text
                token = response.json()["access_token"]
            else:
                token = sign_in(self.container.chain, username, PASSWORD).access_token
            self._headers[label] = {"Authorization": f"Bearer {token}"}
        return self._headers[label]

    def call(self, method: str, path: str, label: str | None, expected: int, **kwargs: Any) -> Any:
        """Send a request as ``label`` (None: anonymous) and check the status."""
        headers = self.auth(label) if label is not None else {}
        response = self.client.request(method, path, headers=headers, **kwargs)
        assert response.status_code == expected, response.text
        return response.json()


@pytest.fixture
def api(chain_container: Container) -> Iterator[Api]:
    """The API on the seeded world of each backend; offer rows are removed afterwards."""
    world = seed_world(chain_container)
    with TestClient(create_app(chain_container)) as client:
        yield Api(client, chain_container, world)
    forget_offers(chain_container, world)


def _ticket_body(**fields: Any) -> dict[str, Any]:
    return {"severity": "breakdown", "summary": "刹车异响", **fields}


def test_ticket_flow_through_the_api(api: Api) -> None:
    """Open, read masked, start, read the audited contact; refusals map to 403/404/409."""
    ids = api.world.ids
    ticket = api.call("POST", "/api/v1/tickets", "buyer", 201, json=_ticket_body())
    tid = ticket["id"]
    assert ticket["service_point"]["id"] == ids["open_point"]
    assert ticket["buyer"]["phone"] == "139****7001"
    assert ticket["sla_breached"] is False
    assert api.call("GET", f"/api/v1/tickets/{tid}", "service", 200)["allowed_actions"] == ["start"]
    started = api.call(
        "POST", f"/api/v1/tickets/{tid}/actions", "service", 200, json={"action": "start"}
    )
    assert started["state"] == "in_progress"
    contact = api.call("GET", f"/api/v1/tickets/{tid}/contact", "service", 200)
    assert contact["phone"] == "13900007001"
    api.call("GET", f"/api/v1/tickets/{tid}/contact", "gansu", 403)
    api.call("GET", f"/api/v1/tickets/{tid}", "foreign_service", 404)
    api.call("GET", f"/api/v1/tickets/{tid}", "other_buyer", 404)
    api.call("POST", f"/api/v1/tickets/{tid}/actions", "buyer", 403, json={"action": "start"})
    api.call("POST", f"/api/v1/tickets/{tid}/actions", "service", 409, json={"action": "start"})
    assert [t["id"] for t in api.call("GET", "/api/v1/tickets", "buyer", 200)] == [tid]
    assert api.call("GET", "/api/v1/tickets?state=open", "buyer", 200) == []
    assert api.call("GET", "/api/v1/tickets", "ningxia", 200) == []
    api.call("POST", "/api/v1/tickets", "dealer", 403, json=_ticket_body())


def test_ticket_requests_are_validated(api: Api) -> None:
    """Unknown fields, bad values and out-of-range ids are 422; no credentials are 401."""
    bad_bodies = [
        _ticket_body(plate="甘D12345"),
        _ticket_body(severity="urgent"),
        _ticket_body(summary="x" * 1001),
        _ticket_body(summary="bad\u0000byte"),
        _ticket_body(lon=200.0, lat=36.0),
        _ticket_body(lon=104.7),
        _ticket_body(order_id=0),
    ]
    for body in bad_bodies:
        api.call("POST", "/api/v1/tickets", "buyer", 422, json=body)
    api.call("POST", "/api/v1/tickets", "buyer", 404, json=_ticket_body(order_id=2_000_000))
    for path in ("/api/v1/tickets/0", f"/api/v1/tickets/{2**40}", "/api/v1/tickets/x"):
        api.call("GET", path, "buyer", 422)
    api.call("GET", "/api/v1/tickets?state=lost", "buyer", 422)
    api.call("GET", "/api/v1/tickets?limit=0", "buyer", 422)
    api.call("POST", "/api/v1/tickets/1/actions", "buyer", 422, json={"action": "explode"})
    api.call("GET", "/api/v1/tickets", None, 401)
    api.call("POST", "/api/v1/tickets", None, 401, json=_ticket_body())


def test_trade_in_flow_through_the_api(api: Api) -> None:
    """A scrappage with the offer engine's quote runs to a paid claim; refusals by status."""
    quote = api.client.post("/api/v1/quotes", json=quote_request())
    assert quote.status_code == 201, quote.text
    quote_id = quote.json()["quote_id"]
    api.world.quotes.append(quote_id)
    body = {
        "kind": "scrappage",
        "dealer_id": api.world.ids["dealer"],
        "quote_id": quote_id,
        "old_vehicle": OLD_PETROL_2011,
    }
    created = api.call("POST", "/api/v1/trade-ins", "buyer", 201, json=body)
    tid, actions = created["id"], f"/api/v1/trade-ins/{created['id']}/actions"
    assert created["subsidy_cny"] == "20000.00"
    assert created["buyer"]["phone"] == "139****7001"
    api.call("POST", "/api/v1/trade-ins", "buyer", 409, json=body)
    api.call("POST", actions, "buyer", 403, json={"action": "appraise", "appraisal_cny": "1"})
    api.call("POST", actions, "dealer", 422, json={"action": "appraise", "appraisal_cny": 1.234})
    api.call("POST", actions, "dealer", 422, json={"action": "appraise", "appraisal_cny": -1})
    api.call("POST", actions, "dealer", 422, json={"action": "appraise"})
    api.call("POST", actions, "dealer", 200, json={"action": "appraise", "appraisal_cny": 3500.5})
    api.call("POST", actions, "dealer", 409, json={"action": "submit_claim"})
    too_long = {"action": "certify", "certificate_no": "B" * 61}
    api.call("POST", actions, "dealer", 422, json=too_long)
    api.call("POST", actions, "dealer", 422, json={"action": "certify", "certificate_no": "\u0000"})
    api.call("POST", actions, "dealer", 200, json={"action": "certify", "certificate_no": "BF-1"})
    claimed = api.call("POST", actions, "dealer", 200, json={"action": "submit_claim"})
    assert claimed["claim_id"] is not None
    api.call("POST", actions, "ningxia", 404, json={"action": "approve_claim"})
    api.call("POST", actions, "gansu", 200, json={"action": "approve_claim"})
    paid = api.call("POST", actions, "gansu", 200, json={"action": "pay_claim", "note": "已付"})
    assert (paid["state"], paid["claim_status"], paid["appraisal_cny"]) == (
        "claim_paid",
        "paid",
        "3500.50",
    )
    claims = api.client.get(f"/api/v1/quotes/{quote_id}").json()["claims"]
    assert [(c["claim_id"], c["amount_cny"]) for c in claims] == [(claimed["claim_id"], "20000.00")]
    assert api.call("GET", f"/api/v1/trade-ins/{tid}", "buyer", 200)["state"] == "claim_paid"
    api.call("GET", f"/api/v1/trade-ins/{tid}", "other_dealer", 404)
    assert [t["id"] for t in api.call("GET", "/api/v1/trade-ins", "gansu", 200)] == [tid]
    assert api.call("GET", "/api/v1/trade-ins", "ningxia", 200) == []


def test_trade_in_requests_are_validated(api: Api) -> None:
    """No VIN or plate is accepted; kinds, ids and years are checked; anonymous is 401."""
    base = {"kind": "scrappage", "dealer_id": api.world.ids["dealer"]}
    bad_bodies = [
        {**base, "old_vehicle": {**OLD_PETROL_2011, "vin": "LGWEF4A59NH123456"}},
        {**base, "old_vehicle": {**OLD_PETROL_2011, "plate": "甘D12345"}},
        {**base, "old_vehicle": {**OLD_PETROL_2011, "mileage_km": -1}},
        {**base, "old_vehicle": {**OLD_PETROL_2011, "emission_standard": "Euro 3"}},
        {**base, "kind": "lease", "old_vehicle": OLD_PETROL_2011},
        {**base, "dealer_id": 2**40, "old_vehicle": OLD_PETROL_2011},
        {**base, "old_vehicle": {**OLD_PETROL_2011, "fuel": "nev"}},
    ]
    for body in bad_bodies:
        api.call("POST", "/api/v1/trade-ins", "buyer", 422, json=body)
    ok = {**base, "old_vehicle": OLD_PETROL_2011}
    api.call("POST", "/api/v1/trade-ins", "gansu", 403, json=ok)
    api.call("POST", "/api/v1/trade-ins", "buyer", 404, json={**ok, "quote_id": 2_000_000})
    api.call("GET", f"/api/v1/trade-ins/{2**40}", "buyer", 422)
    api.call("GET", "/api/v1/trade-ins", None, 401)


def test_service_points_are_public_to_signed_in_callers(api: Api) -> None:
    """Any account lists points, optionally under a county prefix; a bad prefix is 422."""
    ids = api.world.ids
    gansu = api.call("GET", "/api/v1/service-points?county_prefix=62", "other_buyer", 200)
    assert {p["id"] for p in gansu} == {ids["open_point"], ids["closed_point"]}
    everywhere = api.call("GET", "/api/v1/service-points", "dealer", 200)
    assert ids["foreign_point"] in {p["id"] for p in everywhere}
    api.call("GET", "/api/v1/service-points?county_prefix=62%25", "dealer", 422)
    api.call("GET", "/api/v1/service-points?county_prefix=1234567", "dealer", 422)
    api.call("GET", "/api/v1/service-points", None, 401)


def test_openapi_documents_the_after_sales_endpoints(api: Api) -> None:
    """Every after-sales operation is tagged and declares its 401 and 404/422 answers."""
    paths = api.client.get("/openapi.json").json()["paths"]
    operations = [
        ("/api/v1/tickets", "post"),
        ("/api/v1/tickets", "get"),
        ("/api/v1/tickets/{ticket_id}", "get"),
        ("/api/v1/tickets/{ticket_id}/actions", "post"),
        ("/api/v1/tickets/{ticket_id}/contact", "get"),
        ("/api/v1/trade-ins", "post"),
        ("/api/v1/trade-ins", "get"),
        ("/api/v1/trade-ins/{trade_in_id}", "get"),
        ("/api/v1/trade-ins/{trade_in_id}/actions", "post"),
        ("/api/v1/service-points", "get"),
    ]
    for path, method in operations:
        operation = paths[path][method]
        assert operation["tags"] == ["service chain"], path
        assert "401" in operation["responses"], path
        assert {"404", "422"} & set(operation["responses"]), path
