"""``nevrural offer quote|rules|revise|claim`` through Typer's CliRunner (demo seeded)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import yaml

from nevrural.bootstrap import build_container
from nevrural.config import Settings
from tests.integration.test_offer_service import request, version

if TYPE_CHECKING:
    from pathlib import Path

    from tests.e2e.cli_runner import Run

__all__: list[str] = []

HEADLINE = (
    "net_price_cny",
    "items",
    "not_applied",
    "monthly_payment_cny",
    "tco_5y_cny",
    "tco_5y_petrol_cny",
    "rule_versions",
    "quote_id",
)


def write_json(tmp_path: Path, body: dict[str, Any], name: str = "request.json") -> Path:
    """Write `body` as a JSON file."""
    path = tmp_path / name
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def counts(tmp_path: Path) -> tuple[int, int]:
    """(quotes, rule versions) stored in the CLI's database under ``tmp_path/var``."""
    container = build_container(Settings(var_dir=tmp_path / "var"))
    try:
        with container.uow() as uow:
            return uow.quotes.count(), len(uow.policies.list())
    finally:
        container.dispose()


def test_quote_json_has_the_headline_fields(run: Run, tmp_path: Path) -> None:
    """``--json`` prints one object with the headline fields; the text form a table."""
    path = write_json(tmp_path, request())
    quote = json.loads(run("offer", "quote", str(path), "--json").stdout)
    assert set(HEADLINE) <= set(quote)
    assert quote["rule_versions"]["national-scrappage-nev-2025"] == 1
    text = run("offer", "quote", str(path)).stdout
    assert "net price" in text
    assert quote["net_price_cny"] in text


def test_malformed_quote_exits_2_naming_the_field(run: Run, tmp_path: Path) -> None:
    """A bad field exits 2 naming it and stores nothing; so does a file that is not JSON."""
    before = counts(tmp_path)
    body = request()
    body["energy_prices"]["petrol_cny_per_l"] = "lots"
    result = run("offer", "quote", str(write_json(tmp_path, body)), exit_code=2)
    assert "energy_prices.petrol_cny_per_l" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert "broken.json" in run("offer", "quote", str(broken), exit_code=2).output
    assert counts(tmp_path) == before


def test_rules_show_the_demo_examples_for_a_province(run: Run) -> None:
    """The demo's example replacement subsidy is in force in its province in 2025."""
    every = json.loads(run("offer", "rules", "--json").stdout)["rules"]
    demo = [r for r in every if r["source"] == "demo" and r["rule_id"].endswith("replacement-2025")]
    province = demo[0]["jurisdiction"]
    listed = run("offer", "rules", "--at", "2025-06-01", "--region", province, "--json").stdout
    rules = json.loads(listed)["rules"]
    ids = {r["rule_id"] for r in rules}
    assert f"example-{province}-replacement-2025" in ids
    assert f"example-{province}-rural-nev-voucher-2026" not in ids
    assert all(r["is_example"] for r in rules if r["source"] == "demo")
    assert "national-scrappage-nev-2025" in run("offer", "rules", "--at", "2025-06-01").stdout
    assert "region" in run("offer", "rules", "--region", "1", exit_code=2).output


def standalone(number: int, cny: str, published_on: str) -> dict[str, Any]:
    """The test subsidy without its exclusivity group (the demo's examples may win it)."""
    rule = version(number, cny, published_on)
    del rule["exclusivity_group"]
    return rule


def test_revise_prints_the_impact_and_claim_files(run: Run, tmp_path: Path) -> None:
    """A retroactive raise tops up the earlier quote and its claim by exactly 3,000 CNY."""
    first = tmp_path / "v1.yaml"
    first.write_text(yaml.safe_dump({"rules": [standalone(1, "5000", "2025-01-10")]}), "utf-8")
    run("offer", "revise", str(first), "--json")
    quote = json.loads(run("offer", "quote", str(write_json(tmp_path, request())), "--json").stdout)
    claimed = run("offer", "claim", str(quote["quote_id"]), "--rule", "test-130000-replacement")
    assert "5000.00" in claimed.stdout
    second = tmp_path / "v2.yaml"
    second.write_text(yaml.safe_dump({"rules": [standalone(2, "8000", "2025-10-01")]}), "utf-8")
    impact = json.loads(run("offer", "revise", str(second), "--json").stdout)
    mine = next(c for c in impact["quotes"] if c["quote_id"] == quote["quote_id"])
    assert mine["total_change_cny"] == "3000.00"
    assert mine["claims"][0]["change_cny"] == "3000.00"
    assert "rules[0].version" in run("offer", "revise", str(second), exit_code=2).output


def test_malformed_revision_exits_2_and_stores_nothing(run: Run, tmp_path: Path) -> None:
    """A bad amount exits 2 naming rules[1].amount.cny; the good first rule is not stored."""
    before = counts(tmp_path)
    bad = version(1, "-3", "2025-01-10") | {"id": "test-other"}
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"rules": [version(1, "5000", "2025-01-10"), bad]}), "utf-8")
    result = run("offer", "revise", str(path), exit_code=2)
    assert "rules[1].amount.cny" in result.output
    assert counts(tmp_path) == before


def test_claim_on_unknown_quote_exits_2(run: Run) -> None:
    """Claiming on a quote that does not exist exits 2 naming its id."""
    assert (
        "no quote has id 777777"
        in run("offer", "claim", "777777", "--rule", "x", exit_code=2).output
    )
