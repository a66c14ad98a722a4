"""The seeded demo's service chain: every order state, leads, after-sales, sealed data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from nevrural.services.demo_chain_flows import DEMO_BUYERS
from tests.conftest import CHAIN_TABLES

if TYPE_CHECKING:
    from nevrural.bootstrap import Container


def _count(container: Container, sql: str) -> list[tuple[object, ...]]:
    with container.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql)).all()]


def test_demo_has_orders_in_every_state(seeded_container: Container) -> None:
    """Placed to refunded: the demo shows each order state at least once."""
    states = dict(_count(seeded_container, "SELECT state, COUNT(*) FROM orders GROUP BY state"))
    assert set(states) == {
        "placed",
        "deposit_paid",
        "allocated",
        "delivery_scheduled",
        "delivered",
        "closed",
        "cancelled",
        "refunded",
    }


def test_demo_has_dealers_at_shortlisted_seats_and_the_chain_records(
    seeded_container: Container,
) -> None:
    """100 dealers at shortlisted county seats; a livestream with leads; a ticket; a trade-in."""
    with seeded_container.uow() as uow:
        shortlist = uow.scenarios.latest_demo("targeting")
        assert shortlist is not None
        codes = {row["code"] for row in shortlist.result["selected"]}
        dealers = uow.enterprises.list("dealer")
        assert {d.county_code for d in dealers} <= codes
        assert len(dealers) >= 95
        assert all(m.is_demo for m in uow.catalogue.models())
    counts = {
        table: _count(seeded_container, f"SELECT COUNT(*) FROM {table}")[0][0]
        for table in ("livestream_sessions", "leads", "tickets", "trade_ins", "service_points")
    }
    assert all(counts.values()), counts
    channels = _count(seeded_container, "SELECT DISTINCT channel FROM leads")
    assert channels == [("livestream",)]


def test_no_table_holds_a_demo_name_or_phone_in_clear(seeded_container: Container) -> None:
    """Every row of every service-chain table, as raw bytes: no buyer name or phone."""
    secrets = [value.encode() for pair in DEMO_BUYERS for value in pair]
    found = []
    with seeded_container.engine.connect() as conn:
        for table in CHAIN_TABLES:
            for row in conn.execute(text(f"SELECT * FROM {table}")).all():
                for cell in row:
                    blob = cell if isinstance(cell, bytes) else str(cell).encode()
                    found += [(table, s.decode()) for s in secrets if s in blob]
    assert found == []
