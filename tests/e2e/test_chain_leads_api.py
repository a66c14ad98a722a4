"""The lead API (leads, test drives, livestreams) through TestClient, signed in by role."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nevrural.bootstrap import build_container
from nevrural.config import Settings
from nevrural.core.service.principal import Role
from nevrural.interfaces.api.app import create_app
from nevrural.services.chain_auth import add_user, sign_in
from nevrural.services.chain_people import find_or_add_buyer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from nevrural.bootstrap import Container
    from nevrural.services.chain_context import ChainContext

__all__: list[str] = []

COUNTY = "130123"  # 正定县, Hebei
PASSWORD = "correct-horse-battery"
PHONE = "13812345678"


@dataclass
class Api:
    """A client and a bearer header per seeded user."""

    client: TestClient
    headers: dict[str, dict[str, str]]
    ids: dict[str, int]

    def call(self, method: str, path: str, who: str | None, **kwargs: Any) -> Any:
        """Send a request as ``who`` (None: anonymous)."""
        headers = self.headers[who] if who is not None else {}
        return self.client.request(method, path, headers=headers, **kwargs)


def _enterprise(ctx: ChainContext, kind: str, name: str, east_deg: float, **extra: Any) -> int:
    with ctx.uow_factory() as uow:
        seat = uow.atlas.get_division(COUNTY)
        assert seat is not None
        assert seat.lon is not None
        assert seat.lat is not None
        fields: dict[str, Any] = {
            "service_counties": (),
            "brand_ids": (),
            "lead_capacity": 5,
        }
        fields.update(extra)
        record = uow.enterprises.add(
            kind=kind,
            name_zh=f"测试{name}",
            name_en=f"Test {name}",
            county_code=COUNTY,
            lon=seat.lon + east_deg,
            lat=seat.lat,
            is_demo=False,
            now=dt.datetime.now(dt.UTC),
            **fields,
        )
        uow.commit()
    return record.id


def _seed(ctx: ChainContext) -> dict[str, int]:
    """An automaker, two dealers serving the county, a stocked model, two buyers."""
    ids = {"automaker": _enterprise(ctx, "automaker", "车企", 0.0, lead_capacity=0)}
    brand = (ids["automaker"],)
    ids["near"] = _enterprise(
        ctx, "dealer", "近", 0.05, service_counties=(COUNTY,), brand_ids=brand
    )
    ids["far"] = _enterprise(ctx, "dealer", "远", 0.3, service_counties=(COUNTY,), brand_ids=brand)
    with ctx.uow_factory() as uow:
        model = uow.catalogue.add_model(
            automaker_id=ids["automaker"],
            code="API-VAN-1",
            name_zh="测试微面",
            name_en="Test micro van",
            vehicle_class="micro_van",
            powertrain="bev",
            seats=2,
            payload_kg=800,
            winter_range_km=180,
            price_cny=Decimal("62800"),
            is_demo=False,
        )
        ids["model"] = model.id
        for dealer in ("near", "far"):
            uow.catalogue.set_stock(ids[dealer], model.id, 2)
        now = dt.datetime.now(dt.UTC)
        for name, phone in (("buyer", PHONE), ("other_buyer", "13900001111")):
            buyer = find_or_add_buyer(
                uow,
                ctx.vault,
                phone=phone,
                name="张三",
                id_card_no=None,
                county_code=COUNTY,
                now=now,
            )
            ids[name] = buyer.id
        uow.commit()
    return ids


def _token(client: TestClient, ctx: ChainContext, username: str) -> str:
    """A bearer token from the auth endpoint (or from the use case if it is not mounted)."""
    response = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    if response.status_code == 404:
        return sign_in(ctx, username, PASSWORD).access_token
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert isinstance(token, str)
    return token


@pytest.fixture
def container(built_atlas_db: Path, tmp_path: Path) -> Iterator[Container]:
    """A container on a private copy of the atlas, with cheap password hashing."""
    shutil.copyfile(built_atlas_db, tmp_path / "nevrural.db")
    settings = Settings(var_dir=tmp_path, argon2_time_cost=1, argon2_memory_kib=64)
    built = build_container(settings)
    yield built
    built.dispose()


@pytest.fixture
def api(container: Container) -> Iterator[Api]:
    """The app with seeded enterprises, buyers and one signed-in user per role."""
    ctx = container.chain
    ids = _seed(ctx)
    users: dict[str, dict[str, Any]] = {
        "buyer": {"role": Role.BUYER, "buyer_id": ids["buyer"]},
        "other_buyer": {"role": Role.BUYER, "buyer_id": ids["other_buyer"]},
        "near": {"role": Role.ENTERPRISE, "enterprise_id": ids["near"]},
        "far": {"role": Role.ENTERPRISE, "enterprise_id": ids["far"]},
        "host": {"role": Role.ENTERPRISE, "enterprise_id": ids["automaker"]},
        "hebei": {"role": Role.ORGANISER, "scope_code": "130000"},
        "henan": {"role": Role.ORGANISER, "scope_code": "410000"},
    }
    for name, fields in users.items():
        add_user(ctx, username=f"api-{name}", password=PASSWORD, **fields)
    with TestClient(create_app(container)) as client:
        headers = {
            name: {"Authorization": f"Bearer {_token(client, ctx, f'api-{name}')}"}
            for name in users
        }
        yield Api(client, headers, ids)


def _lead(api: Api, who: str = "buyer", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "consultation",
        "consent": True,
        "model_id": api.ids["model"],
    }
    body.update(changes)
    response = api.call("POST", "/api/v1/leads", who, json=body)
    assert response.status_code == 201, response.text
    document = response.json()
    assert isinstance(document, dict)
    return document


def test_lead_flow_masks_until_accepted_and_audits_contact(api: Api) -> None:
    """Submit, list (masked), contact refused while pending, accept, contact unmasked."""
    lead = _lead(api)
    assert lead["state"] == "offered"
    assert lead["dealer_id"] == api.ids["near"]
    assert lead["buyer"]["phone"] == "138****5678"
    lead_id = lead["id"]
    listed = api.call("GET", "/api/v1/leads", "near").json()
    assert [item["id"] for item in listed] == [lead_id]
    assert listed[0]["buyer"]["phone"] == "138****5678"
    assert PHONE not in api.call("GET", "/api/v1/leads", "hebei").text
    assert api.call("GET", f"/api/v1/leads/{lead_id}/contact", "near").status_code == 403
    accepted = api.call("POST", f"/api/v1/leads/{lead_id}/accept", "near")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "accepted"
    contact = api.call("GET", f"/api/v1/leads/{lead_id}/contact", "near")
    assert contact.status_code == 200
    assert contact.json() == {
        "buyer_id": api.ids["buyer"],
        "name": "张三",
        "phone": PHONE,
        "erased": False,
    }
    assert api.call("GET", f"/api/v1/leads/{lead_id}/contact", "hebei").status_code == 403
    closed = api.call("POST", f"/api/v1/leads/{lead_id}/close", "near", json={"reason": "成交"})
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    again = api.call("POST", f"/api/v1/leads/{lead_id}/close", "buyer")
    assert again.status_code == 409


def test_other_tenants_get_404_and_anonymous_401(api: Api) -> None:
    """Other buyers, dealers and organisers elsewhere see nothing; no token is 401."""
    lead_id = _lead(api)["id"]
    for who in ("other_buyer", "far", "henan"):
        for method, suffix in (("GET", ""), ("GET", "/contact"), ("POST", "/close")):
            response = api.call(method, f"/api/v1/leads/{lead_id}{suffix}", who)
            assert response.status_code == 404, (who, suffix, response.text)
        assert api.call("GET", "/api/v1/leads", who).json() == []
    assert api.call("POST", f"/api/v1/leads/{lead_id}/accept", "far").status_code == 404
    assert api.call("POST", f"/api/v1/leads/{lead_id}/accept", "buyer").status_code == 403
    assert api.call("GET", "/api/v1/leads", None).status_code == 401
    assert api.call("GET", f"/api/v1/leads/{lead_id}", "hebei").status_code == 200


def test_decline_moves_the_lead_to_the_next_dealer(api: Api) -> None:
    """A decline returns the declined offer; the next dealer then holds the lead."""
    lead_id = _lead(api)["id"]
    missing_note = api.call("POST", f"/api/v1/leads/{lead_id}/decline", "near", json={})
    assert missing_note.status_code == 422
    declined = api.call(
        "POST", f"/api/v1/leads/{lead_id}/decline", "near", json={"note": "没有库存"}
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["outcome"] == "declined"
    assert api.call("GET", f"/api/v1/leads/{lead_id}", "near").status_code == 404
    moved = api.call("GET", f"/api/v1/leads/{lead_id}", "far").json()
    assert moved["dealer_id"] == api.ids["far"]
    assert len(moved["offers"]) == 1  # the far dealer sees only its own offer
    assert len(api.call("GET", f"/api/v1/leads/{lead_id}", "buyer").json()["offers"]) == 2


def test_staff_submit_from_a_livestream(api: Api) -> None:
    """The host announces a session and submits a consented lead from it."""
    start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    session = api.call(
        "POST",
        "/api/v1/livestreams",
        "host",
        json={
            "title_zh": "微面直播",
            "county_code": COUNTY,
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        },
    )
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]
    lead = _lead(
        api,
        "host",
        channel="livestream",
        livestream_id=session_id,
        county_code=COUNTY,
        phone="13700002222",
        name="王五",
    )
    assert lead["buyer"]["phone"] == "137****2222"
    assert lead["buyer"]["name"] == "王*"
    listed = api.call("GET", "/api/v1/livestreams", "buyer")
    assert [s["id"] for s in listed.json()] == [session_id]
    assert (
        api.call(
            "POST",
            "/api/v1/livestreams",
            "buyer",
            json={
                "title_zh": "x",
                "county_code": COUNTY,
                "starts_at": start.isoformat(),
                "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
            },
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/leads", {"channel": "consultation", "consent": False}),
        ("POST", "/api/v1/leads", {"channel": "consultation"}),
        ("POST", "/api/v1/leads", {"channel": "fax", "consent": True}),
        ("POST", "/api/v1/leads", {"channel": "consultation", "consent": True, "x": 1}),
        ("POST", "/api/v1/leads", {"channel": "consultation", "consent": True, "model_id": 0}),
        ("POST", "/api/v1/leads", {"channel": "consultation", "consent": True, "model_id": 2**40}),
        (
            "POST",
            "/api/v1/leads",
            {"channel": "consultation", "consent": True, "county_code": "13012３"},
        ),
        (
            "POST",
            "/api/v1/leads",
            {"channel": "consultation", "consent": True, "consent_scope": "a\u0000b"},
        ),
        ("POST", "/api/v1/leads", {"channel": "livestream", "consent": True}),
        ("GET", "/api/v1/leads?state=lost", None),
        ("GET", "/api/v1/leads?limit=0", None),
        ("GET", "/api/v1/leads?offset=99999999999999999999", None),
        ("GET", "/api/v1/leads/0", None),
        ("GET", "/api/v1/leads/99999999999", None),
        (
            "POST",
            "/api/v1/test-drives",
            {"dealer_id": 1, "model_id": 1, "slot_at": "2030-01-01T09:00:00"},
        ),
        (
            "POST",
            "/api/v1/test-drives",
            {"dealer_id": 1, "model_id": 1, "slot_at": "9999-12-31T23:59:59-23:59"},
        ),
        ("GET", "/api/v1/test-drives?state=lost", None),
    ],
)
def test_malformed_requests_are_422(
    api: Api, method: str, path: str, body: dict[str, Any] | None
) -> None:
    """Types, bounds and values are refused with 422, never a server error."""
    response = api.call(method, path, "buyer", json=body)
    assert response.status_code == 422, response.text


def test_unknown_references_are_404(api: Api) -> None:
    """An unknown livestream, model or lead is 404, naming it."""
    response = api.call(
        "POST",
        "/api/v1/leads",
        "buyer",
        json={"channel": "livestream", "consent": True, "livestream_id": 77777},
    )
    assert response.status_code == 404
    assert "livestream_id" in response.json()["detail"]
    assert api.call("GET", "/api/v1/leads/77777", "buyer").status_code == 404
    assert api.call("POST", "/api/v1/test-drives/77777/cancel", "buyer").status_code == 404


def test_test_drive_booking_and_actions(api: Api) -> None:
    """A buyer books; the dealer marks it done; cancelling then is 409; roles are checked."""
    slot = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    body = {"dealer_id": api.ids["near"], "model_id": api.ids["model"], "slot_at": slot}
    assert api.call("POST", "/api/v1/test-drives", "near", json=body).status_code == 403
    booked = api.call("POST", "/api/v1/test-drives", "buyer", json=body)
    assert booked.status_code == 201, booked.text
    drive = booked.json()
    assert drive["buyer"]["phone"] == "138****5678"
    drive_id = drive["id"]
    assert api.call("POST", f"/api/v1/test-drives/{drive_id}/done", "buyer").status_code == 403
    assert api.call("POST", f"/api/v1/test-drives/{drive_id}/done", "far").status_code == 404
    done = api.call("POST", f"/api/v1/test-drives/{drive_id}/done", "near")
    assert done.status_code == 200
    assert done.json()["state"] == "done"
    cancel = api.call(
        "POST", f"/api/v1/test-drives/{drive_id}/cancel", "buyer", json={"reason": "改期"}
    )
    assert cancel.status_code == 409
    assert [d["id"] for d in api.call("GET", "/api/v1/test-drives", "near").json()] == [drive_id]
    assert api.call("GET", "/api/v1/test-drives", "far").json() == []
    assert api.call("GET", "/api/v1/test-drives?state=done", "hebei").json()[0]["id"] == drive_id
    assert api.call("GET", "/api/v1/test-drives", "henan").json() == []


def test_openapi_documents_the_lead_endpoints(api: Api) -> None:
    """Every lead endpoint is tagged and documents its refusals."""
    paths = api.client.get("/openapi.json").json()["paths"]
    expected = {
        ("/api/v1/leads", "post"),
        ("/api/v1/leads", "get"),
        ("/api/v1/leads/{lead_id}", "get"),
        ("/api/v1/leads/{lead_id}/accept", "post"),
        ("/api/v1/leads/{lead_id}/decline", "post"),
        ("/api/v1/leads/{lead_id}/close", "post"),
        ("/api/v1/leads/{lead_id}/contact", "get"),
        ("/api/v1/test-drives", "post"),
        ("/api/v1/test-drives", "get"),
        ("/api/v1/test-drives/{test_drive_id}/cancel", "post"),
        ("/api/v1/test-drives/{test_drive_id}/done", "post"),
        ("/api/v1/livestreams", "post"),
        ("/api/v1/livestreams", "get"),
    }
    for path, method in expected:
        operation = paths[path][method]
        assert operation["tags"] == ["service chain"]
        assert "401" in operation["responses"]
        assert "422" in operation["responses"]
