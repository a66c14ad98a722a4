"""``nevrural service``: accounts, the lead sweep and the retention job on the seeded demo."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.e2e.cli_runner import Run


def test_add_user_creates_an_organiser_and_refuses_a_repeat(run: Run) -> None:
    """A county organiser account is created once; the same name again exits 2."""
    args = ("service", "add-user", "county-410122", "--role", "organiser", "--scope", "410122")
    created = json.loads(run(*args, "--password", "Zhongmu-2026").stdout)
    assert created["role"] == "organiser"
    assert created["username"] == "county-410122"
    refused = run(*args, "--password", "Zhongmu-2026", exit_code=2)
    assert "taken" in refused.output


def test_add_user_refuses_a_weak_password_and_a_buyer_role(run: Run) -> None:
    """Weak passwords and buyer accounts are refused naming the field."""
    weak = run(
        "service", "add-user", "x-user", "--role", "organiser", "--password", "1234", exit_code=2
    )
    assert "password" in weak.output
    buyer = run(
        "service", "add-user", "x-user", "--role", "buyer", "--password", "Abcd-1234", exit_code=2
    )
    assert "role" in buyer.output


def test_sweep_and_retention_report_what_they_did(run: Run) -> None:
    """Nothing is past its SLA or retention in the fresh demo; both report zero."""
    assert json.loads(run("service", "sweep-leads").stdout) == {"leads_moved_on": 0}
    report = json.loads(run("service", "retention").stdout)
    assert report["erased_buyers"] == 0
    refused = run("service", "retention", "--inactive-days", "5", exit_code=2)
    assert "inactive_days" in refused.output
