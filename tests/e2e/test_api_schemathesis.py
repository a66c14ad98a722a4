"""Schemathesis over the whole OpenAPI schema, signed in: no input gives a server error.

The app runs on a copy of the seeded demo (service chain included). Every operation is
called with generated inputs as a national organiser, as a dealer and as a buyer, with
an ``Idempotency-Key`` on every request; any 5xx fails. Long planning runs are bounded
by the schema itself (their request limits), so the examples per operation stay few.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from nevrural.interfaces.api.app import create_app
from nevrural.services.demo_chain import DEMO_PASSWORD

if TYPE_CHECKING:
    from nevrural.bootstrap import Container

ROLES = ("organiser", "buyer1")
EXAMPLES = 6
# Planning runs solve real models (seconds each): fewer examples, one role.
PLANNING = {
    ("POST", "/api/v1/targeting/scenarios"),
    ("POST", "/api/v1/linkage/scenarios"),
    ("POST", "/api/v1/siting/charging"),
    ("POST", "/api/v1/siting/repair"),
    ("POST", "/api/v1/events/plans"),
}
PLANNING_EXAMPLES = 2


@pytest.fixture
def api_schema(seeded_container: Container) -> Any:
    """The app's schema, loaded from the app itself (ASGI)."""
    app = create_app(seeded_container)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture
def credentials(seeded_container: Container) -> dict[str, dict[str, str]]:
    """Bearer headers for a national organiser, a dealer and a buyer of the demo."""
    client = TestClient(create_app(seeded_container))
    with seeded_container.uow() as uow:
        dealer = next(
            u
            for u in ("dealer-" + e.county_code for e in uow.enterprises.list("dealer")[:3])
            if uow.users.by_username(u) is not None
        )
    headers = {}
    for username in (*ROLES, dealer):
        response = client.post(
            "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200, response.text
        headers[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return headers


def _fuzz(
    operation: Any, callers: list[dict[str, str]], examples: int, failures: list[str]
) -> None:
    """Call one operation with generated inputs as each caller; record any 5xx."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case: Any) -> None:
        for headers in callers:
            try:
                response = case.call(headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
            except Exception as error:  # the test client re-raises server errors
                failures.append(f"{case.method} {case.formatted_path} -> {error!r}")
                continue
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{response.text[:300]}"
                )

    call()


def test_no_server_errors(api_schema: Any, credentials: dict[str, dict[str, str]]) -> None:
    """Every operation, generated inputs, each role: never a 5xx (all failures listed)."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 60
    for operation in operations:
        if (operation.method.upper(), operation.path) in PLANNING:
            _fuzz(operation, [credentials["organiser"]], PLANNING_EXAMPLES, failures)
        else:
            _fuzz(operation, list(credentials.values()), EXAMPLES, failures)
    assert sorted(set(failures)) == []
