"""Role × endpoint matrix: every cross-tenant read or write of the service chain is refused.

Tenant A (a buyer in 中牟县, the dealer there, the after-sales company serving it, the
Henan organiser) owns one record of every kind. Each outsider — the other buyer, the
other dealer, the automaker, a Hebei organiser, an API key of the other dealer, and no
credentials — calls every endpoint that names a record; each call must be refused
(401, 403 or 404) and leave the record as it was. Lists must not show tenant A's
records to outsiders. Every service-chain route must appear here: a new endpoint fails
the test until it is placed in the matrix.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nevrural.interfaces.api.app import create_app
from tests.chain_seed import HOME, PASSWORD, seed_small_chain

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from nevrural.bootstrap import Container

REFUSED = {401, 403, 404}

# Endpoints open to any signed-in caller: business facts, no tenant's records.
PUBLIC = {
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/register"),
    ("GET", "/api/v1/auth/me"),
    ("GET", "/api/v1/enterprises"),
    ("GET", "/api/v1/enterprises/{enterprise_id}"),
    ("GET", "/api/v1/models"),
    ("GET", "/api/v1/service-points"),
    ("GET", "/api/v1/livestreams"),
    ("GET", "/api/v1/dealers/{dealer_id}/stock"),
}
# Endpoints that create a record of the caller's own (checked in the use-case tests).
CREATE_OWN = {
    ("POST", "/api/v1/orders"),
    ("POST", "/api/v1/leads"),
    ("POST", "/api/v1/test-drives"),
    ("POST", "/api/v1/tickets"),
    ("POST", "/api/v1/trade-ins"),
    ("POST", "/api/v1/livestreams"),
    ("POST", "/api/v1/enterprises"),
    ("POST", "/api/v1/models"),
    ("POST", "/api/v1/auth/api-keys"),
    ("GET", "/api/v1/auth/api-keys"),
    ("DELETE", "/api/v1/auth/api-keys/{key_id}"),
    ("POST", "/api/v1/retention/run"),
}
# Lists: outsiders must not see tenant A's record (path, key of the record id).
LISTS = {
    ("GET", "/api/v1/orders"): "order",
    ("GET", "/api/v1/leads"): "lead",
    ("GET", "/api/v1/test-drives"): "test_drive",
    ("GET", "/api/v1/tickets"): "ticket",
    ("GET", "/api/v1/trade-ins"): "trade_in",
    ("GET", "/api/v1/follow-ups"): "follow_up",
    ("GET", "/api/v1/audit"): "audit",
}
# Record endpoints: (method, template) -> (record kind, JSON body or None).
RECORDS: dict[tuple[str, str], tuple[str, dict[str, Any] | None]] = {
    ("GET", "/api/v1/orders/{order_id}"): ("order", None),
    ("POST", "/api/v1/orders/{order_id}/actions"): ("order", {"action": "cancel"}),
    ("GET", "/api/v1/orders/{order_id}/contact"): ("order", None),
    ("POST", "/api/v1/follow-ups/{follow_up_id}/complete"): ("follow_up", {"satisfaction": 1}),
    ("GET", "/api/v1/leads/{lead_id}"): ("lead", None),
    ("POST", "/api/v1/leads/{lead_id}/accept"): ("lead", None),
    ("POST", "/api/v1/leads/{lead_id}/decline"): ("lead", {"note": "不要了"}),
    ("POST", "/api/v1/leads/{lead_id}/close"): ("lead", None),
    ("GET", "/api/v1/leads/{lead_id}/contact"): ("lead", None),
    ("POST", "/api/v1/test-drives/{test_drive_id}/cancel"): ("test_drive", None),
    ("POST", "/api/v1/test-drives/{test_drive_id}/done"): ("test_drive", None),
    ("GET", "/api/v1/tickets/{ticket_id}"): ("ticket", None),
    ("POST", "/api/v1/tickets/{ticket_id}/actions"): ("ticket", {"action": "start"}),
    ("GET", "/api/v1/tickets/{ticket_id}/contact"): ("ticket", None),
    ("GET", "/api/v1/trade-ins/{trade_in_id}"): ("trade_in", None),
    ("POST", "/api/v1/trade-ins/{trade_in_id}/actions"): (
        "trade_in",
        {"action": "appraise", "appraisal_cny": "100.00"},
    ),
    ("PUT", "/api/v1/dealers/{dealer_id}/stock/{model_id}"): ("stock", {"on_hand_units": 0}),
}
OUTSIDERS = ("other_buyer", "other_dealer", "automaker", "hebei", "api_key", "anonymous")


def _token(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _ok(response: Any) -> Any:
    assert response.status_code in {200, 201}, response.text
    return response.json()


@pytest.fixture
def world(chain_container: Container) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """Tenant A's records and every caller's credentials, through the API."""
    chain = seed_small_chain(chain_container)
    now = chain_container.chain.clock()
    with chain_container.uow() as uow:
        seat = uow.atlas.get_division(HOME)
        assert seat is not None
        company = uow.enterprises.add(
            kind="after_sales",
            name_zh="中牟售后",
            name_en="Zhongmu service",
            county_code=HOME,
            lon=seat.lon or 0,
            lat=seat.lat or 0,
            lead_capacity=0,
            service_counties=[HOME],
            brand_ids=[],
            is_demo=False,
            now=now,
        )
        uow.catalogue.add_service_point(
            enterprise_id=company.id,
            kind="maintenance",
            name_zh="中牟维修点",
            county_code=HOME,
            lon=seat.lon or 0,
            lat=seat.lat or 0,
            is_open=True,
        )
        uow.commit()
    from nevrural.core.service.principal import Role
    from nevrural.services.chain_auth import add_user

    add_user(
        chain_container.chain,
        username="service-zm",
        password=PASSWORD,
        role=Role.ENTERPRISE,
        enterprise_id=company.id,
    )
    with TestClient(create_app(chain_container)) as client:
        auth = {label: _token(client, name) for label, name in chain.users.items()}
        auth["service"] = _token(client, "service-zm")
        key = _ok(
            client.post("/api/v1/auth/api-keys", json={"name": "erp"}, headers=auth["other_dealer"])
        )
        auth["api_key"] = {"X-API-Key": key["token"]}
        auth["anonymous"] = {}
        buyer, dealer = auth["buyer"], auth["dealer"]
        order = _ok(
            client.post(
                "/api/v1/orders",
                json={"dealer_id": chain.dealer_id, "model_id": chain.model_id},
                headers={**buyer, "Idempotency-Key": "matrix-1"},
            )
        )
        delivered = _ok(
            client.post(
                "/api/v1/orders",
                json={"dealer_id": chain.dealer_id, "model_id": chain.truck_id},
                headers={**buyer, "Idempotency-Key": "matrix-2"},
            )
        )
        today = now.date().isoformat()
        for action in (
            {"action": "pay_deposit", "deposit_cny": "1000.00"},
            {"action": "allocate", "vin": "LGWEF4A59NH123456"},
            {"action": "schedule_delivery", "delivery_on": today, "delivery_place": "dealer"},
            {"action": "deliver", "proof_ref": "HANDOVER-MATRIX-1"},
        ):
            delivered = _ok(
                client.post(
                    f"/api/v1/orders/{delivered['id']}/actions",
                    json=action,
                    headers=buyer if action["action"] == "pay_deposit" else dealer,
                )
            )
        lead = _ok(
            client.post(
                "/api/v1/leads",
                json={
                    "channel": "consultation",
                    "consent": True,
                    "model_id": chain.model_id,
                },
                headers=buyer,
            )
        )
        assert lead["dealer_id"] == chain.dealer_id
        _ok(client.post(f"/api/v1/leads/{lead['id']}/accept", headers=dealer))
        drive = _ok(
            client.post(
                "/api/v1/test-drives",
                json={
                    "dealer_id": chain.dealer_id,
                    "model_id": chain.model_id,
                    "slot_at": (now + dt.timedelta(days=2)).isoformat(),
                },
                headers=buyer,
            )
        )
        ticket = _ok(
            client.post(
                "/api/v1/tickets",
                json={
                    "severity": "repair",
                    "summary": "刹车异响",
                },
                headers=buyer,
            )
        )
        trade_in = _ok(
            client.post(
                "/api/v1/trade-ins",
                json={
                    "kind": "replacement",
                    "dealer_id": chain.dealer_id,
                    "old_vehicle": {
                        "fuel": "petrol",
                        "first_registration_year": 2014,
                        "mileage_km": 120000,
                        "emission_standard": "国四",
                    },
                },
                headers=buyer,
            )
        )
        ids = {
            "order": order["id"],
            "follow_up": delivered["follow_ups"][0]["id"],
            "lead": lead["id"],
            "test_drive": drive["id"],
            "ticket": ticket["id"],
            "trade_in": trade_in["id"],
            "dealer": chain.dealer_id,
            "model": chain.model_id,
        }
        yield client, {"auth": auth, "ids": ids}


def _url(template: str, ids: dict[str, Any]) -> str:
    return template.format(
        order_id=ids["order"],
        follow_up_id=ids["follow_up"],
        lead_id=ids["lead"],
        test_drive_id=ids["test_drive"],
        ticket_id=ids["ticket"],
        trade_in_id=ids["trade_in"],
        dealer_id=ids["dealer"],
        model_id=ids["model"],
    )


def test_every_service_chain_route_is_in_the_matrix(tmp_path: Path) -> None:
    """A new endpoint must be classified here before it can ship."""
    from nevrural.bootstrap import build_container
    from nevrural.config import Settings

    schema = create_app(build_container(Settings(var_dir=tmp_path))).openapi()
    routes = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "service chain" in operation.get("tags", [])
    }
    classified = PUBLIC | CREATE_OWN | set(LISTS) | set(RECORDS)
    assert routes - classified == set()
    assert classified - routes == set()


def test_outsiders_are_refused_every_record(world) -> None:
    """Each outsider × each record endpoint: 401/403/404, and the record is unchanged."""
    client, data = world
    auth, ids = data["auth"], data["ids"]
    before = client.get(_url("/api/v1/orders/{order_id}", ids), headers=auth["buyer"]).json()
    granted = []
    for (method, template), (_, body) in RECORDS.items():
        for outsider in OUTSIDERS:
            response = client.request(
                method, _url(template, ids), json=body, headers=auth[outsider]
            )
            if response.status_code not in REFUSED:
                granted.append((outsider, method, template, response.status_code))
    assert granted == []
    after = client.get(_url("/api/v1/orders/{order_id}", ids), headers=auth["buyer"]).json()
    assert after == before


def test_owners_can_read_their_records(world) -> None:
    """Positive control: the buyer, the dealer and the Henan organiser read the records."""
    client, data = world
    auth, ids = data["auth"], data["ids"]
    readers = {
        "/api/v1/orders/{order_id}": ("buyer", "dealer", "henan", "nation"),
        "/api/v1/leads/{lead_id}": ("buyer", "dealer", "henan"),
        "/api/v1/tickets/{ticket_id}": ("buyer", "service", "henan"),
        "/api/v1/trade-ins/{trade_in_id}": ("buyer", "dealer", "henan"),
    }
    for template, labels in readers.items():
        for label in labels:
            response = client.get(_url(template, ids), headers=auth[label])
            assert response.status_code == 200, (template, label, response.text)


def test_lists_do_not_leak_across_tenants(world) -> None:
    """No outsider's list holds tenant A's record; the owner's list does."""
    client, data = world
    auth, ids = data["auth"], data["ids"]
    leaks = []
    for (_, path), kind in LISTS.items():
        for outsider in OUTSIDERS:
            response = client.get(path, headers=auth[outsider])
            if response.status_code in REFUSED:
                continue
            assert response.status_code == 200, (path, outsider, response.text)
            rows = response.json()
            if kind == "audit":
                leaked = [r for r in rows if r["county_code"] == HOME]
            else:
                leaked = [r for r in rows if r["id"] == ids[kind]]
            if leaked:
                leaks.append((outsider, path))
    assert leaks == []
    own = client.get("/api/v1/orders", headers=auth["buyer"]).json()
    assert ids["order"] in [r["id"] for r in own]


def test_personal_fields_are_masked_outside_contact(world) -> None:
    """Order, lead and ticket views never carry the clear phone; contact does, audited."""
    client, data = world
    auth, ids = data["auth"], data["ids"]
    for template in ("/api/v1/leads/{lead_id}", "/api/v1/tickets/{ticket_id}"):
        for label in ("dealer", "henan", "service"):
            response = client.get(_url(template, ids), headers=auth[label])
            assert "13812341234" not in response.text
    contact = client.get(_url("/api/v1/leads/{lead_id}/contact", ids), headers=auth["dealer"])
    assert contact.json()["phone"] == "13812341234"
    audit = client.get("/api/v1/audit?action=contact.read", headers=auth["henan"]).json()
    assert [(a["record_type"], a["record_id"]) for a in audit] == [("lead", ids["lead"])]
