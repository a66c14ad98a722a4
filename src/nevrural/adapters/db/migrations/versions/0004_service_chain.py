"""service chain: enterprises, buyers (sealed personal fields), leads, orders, after-sales, audit

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("record_type", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("county_code", sa.String(length=6), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_county_code"), ["county_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_log_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "buyers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("name_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("phone_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("phone_index", sa.String(length=64), nullable=True),
        sa.Column("id_card_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("id_card_index", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_active_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buyers")),
        sa.UniqueConstraint("phone_index", name=op.f("uq_buyers_phone_index")),
    )
    with op.batch_alter_table("buyers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buyers_county_code"), ["county_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_buyers_id_card_index"), ["id_card_index"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_buyers_last_active_at"), ["last_active_at"], unique=False
        )

    op.create_table(
        "enterprises",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lead_capacity", sa.Integer(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprises")),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enterprises_county_code"), ["county_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enterprises_kind"), ["kind"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "sales_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_event_ref", sa.String(length=80), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("venue_zh", sa.String(length=120), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_events")),
        sa.UniqueConstraint("plan_event_ref", name=op.f("uq_sales_events_plan_event_ref")),
    )
    with op.batch_alter_table("sales_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_events_county_code"), ["county_code"], unique=False
        )

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_api_keys_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_api_keys_key_id")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_keys_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "enterprise_brands",
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("automaker_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["automaker_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_brands_automaker_id_enterprises"),
        ),
        sa.ForeignKeyConstraint(
            ["dealer_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_brands_dealer_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("dealer_id", "automaker_id", name=op.f("pk_enterprise_brands")),
    )
    op.create_table(
        "enterprise_service_areas",
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_enterprise_service_areas_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint(
            "enterprise_id", "county_code", name=op.f("pk_enterprise_service_areas")
        ),
    )
    with op.batch_alter_table("enterprise_service_areas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_enterprise_service_areas_county_code"), ["county_code"], unique=False
        )

    op.create_table(
        "livestream_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.String(length=120), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_livestream_sessions_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livestream_sessions")),
    )
    with op.batch_alter_table("livestream_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_livestream_sessions_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "service_points",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_service_points_enterprise_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_points")),
    )
    with op.batch_alter_table("service_points", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_points_county_code"), ["county_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_service_points_enterprise_id"), ["enterprise_id"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("scope_code", sa.String(length=6), nullable=False),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("buyer_id", sa.Integer(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"], name=op.f("fk_users_buyer_id_buyers")),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_users_enterprise_id_enterprises")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_enterprise_id"), ["enterprise_id"], unique=False)

    op.create_table(
        "vehicle_models",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("automaker_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("vehicle_class", sa.String(length=20), nullable=False),
        sa.Column("powertrain", sa.String(length=8), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("payload_kg", sa.Integer(), nullable=False),
        sa.Column("winter_range_km", sa.Integer(), nullable=False),
        sa.Column("price_cny", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["automaker_id"],
            ["enterprises.id"],
            name=op.f("fk_vehicle_models_automaker_id_enterprises"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_models")),
        sa.UniqueConstraint("code", name=op.f("uq_vehicle_models_code")),
    )
    with op.batch_alter_table("vehicle_models", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_vehicle_models_automaker_id"), ["automaker_id"], unique=False
        )

    op.create_table(
        "dealer_stock",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("on_hand_units", sa.Integer(), nullable=False),
        sa.Column("reserved_units", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "reserved_units <= on_hand_units", name=op.f("ck_dealer_stock_never_oversold")
        ),
        sa.CheckConstraint(
            "reserved_units >= 0", name=op.f("ck_dealer_stock_reserved_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["enterprises.id"], name=op.f("fk_dealer_stock_dealer_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["vehicle_models.id"],
            name=op.f("fk_dealer_stock_model_id_vehicle_models"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dealer_stock")),
        sa.UniqueConstraint("dealer_id", "model_id", name=op.f("uq_dealer_stock_dealer_id")),
    )
    with op.batch_alter_table("dealer_stock", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dealer_stock_dealer_id"), ["dealer_id"], unique=False)

    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("livestream_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("brand_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=True),
        sa.Column("consent_scope", sa.String(length=200), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["brand_id"], ["enterprises.id"], name=op.f("fk_leads_brand_id_enterprises")
        ),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"], name=op.f("fk_leads_buyer_id_buyers")),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["enterprises.id"], name=op.f("fk_leads_dealer_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["sales_events.id"], name=op.f("fk_leads_event_id_sales_events")
        ),
        sa.ForeignKeyConstraint(
            ["livestream_id"],
            ["livestream_sessions.id"],
            name=op.f("fk_leads_livestream_id_livestream_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["vehicle_models.id"], name=op.f("fk_leads_model_id_vehicle_models")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_dealer_id"), ["dealer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_leads_state"), ["state"], unique=False)

    op.create_table(
        "lead_offers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["enterprises.id"], name=op.f("fk_lead_offers_dealer_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_offers_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_offers")),
    )
    with op.batch_alter_table("lead_offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lead_offers_deadline_at"), ["deadline_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lead_offers_dealer_id"), ["dealer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_offers_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_offers_outcome"), ["outcome"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("quote_id", sa.Integer(), nullable=True),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("price_cny", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("deposit_cny", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("vin", sa.String(length=17), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_orders_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["enterprises.id"], name=op.f("fk_orders_dealer_id_enterprises")
        ),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name=op.f("fk_orders_lead_id_leads")),
        sa.ForeignKeyConstraint(
            ["model_id"], ["vehicle_models.id"], name=op.f("fk_orders_model_id_vehicle_models")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["offer_quotes.id"], name=op.f("fk_orders_quote_id_offer_quotes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_dealer_id"), ["dealer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_state"), ["state"], unique=False)

    op.create_table(
        "test_drives",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("slot_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_test_drives_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["enterprises.id"], name=op.f("fk_test_drives_dealer_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["sales_events.id"], name=op.f("fk_test_drives_event_id_sales_events")
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_test_drives_lead_id_leads")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["vehicle_models.id"], name=op.f("fk_test_drives_model_id_vehicle_models")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_drives")),
    )
    with op.batch_alter_table("test_drives", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_drives_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_test_drives_county_code"), ["county_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_test_drives_dealer_id"), ["dealer_id"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=8), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proof_ref", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["sales_events.id"], name=op.f("fk_deliveries_event_id_sales_events")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_deliveries_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("order_id", name=op.f("uq_deliveries_order_id")),
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_follow_ups_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_ups_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_order_id"), ["order_id"], unique=False)

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("service_point_id", sa.Integer(), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("distance_km", sa.Float(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_tickets_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"], ["enterprises.id"], name=op.f("fk_tickets_enterprise_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_tickets_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["service_point_id"],
            ["service_points.id"],
            name=op.f("fk_tickets_service_point_id_service_points"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tickets_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_county_code"), ["county_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tickets_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tickets_state"), ["state"], unique=False)

    op.create_table(
        "trade_ins",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("dealer_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("quote_id", sa.Integer(), nullable=True),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("old_vehicle", sa.JSON(), nullable=False),
        sa.Column("appraisal_cny", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("certificate_no", sa.String(length=60), nullable=True),
        sa.Column("subsidy_cny", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_trade_ins_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["offer_claims.id"], name=op.f("fk_trade_ins_claim_id_offer_claims")
        ),
        sa.ForeignKeyConstraint(
            ["dealer_id"], ["enterprises.id"], name=op.f("fk_trade_ins_dealer_id_enterprises")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_trade_ins_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"], ["offer_quotes.id"], name=op.f("fk_trade_ins_quote_id_offer_quotes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_ins")),
    )
    with op.batch_alter_table("trade_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trade_ins_buyer_id"), ["buyer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trade_ins_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_trade_ins_dealer_id"), ["dealer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_trade_ins_state"), ["state"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("trade_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trade_ins_state"))
        batch_op.drop_index(batch_op.f("ix_trade_ins_dealer_id"))
        batch_op.drop_index(batch_op.f("ix_trade_ins_county_code"))
        batch_op.drop_index(batch_op.f("ix_trade_ins_buyer_id"))

    op.drop_table("trade_ins")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_state"))
        batch_op.drop_index(batch_op.f("ix_tickets_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_tickets_county_code"))
        batch_op.drop_index(batch_op.f("ix_tickets_buyer_id"))

    op.drop_table("tickets")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_order_id"))
        batch_op.drop_index(batch_op.f("ix_follow_ups_due_on"))

    op.drop_table("follow_ups")
    op.drop_table("deliveries")
    with op.batch_alter_table("test_drives", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_drives_dealer_id"))
        batch_op.drop_index(batch_op.f("ix_test_drives_county_code"))
        batch_op.drop_index(batch_op.f("ix_test_drives_buyer_id"))

    op.drop_table("test_drives")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_state"))
        batch_op.drop_index(batch_op.f("ix_orders_dealer_id"))
        batch_op.drop_index(batch_op.f("ix_orders_county_code"))
        batch_op.drop_index(batch_op.f("ix_orders_buyer_id"))

    op.drop_table("orders")
    with op.batch_alter_table("lead_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_offers_outcome"))
        batch_op.drop_index(batch_op.f("ix_lead_offers_lead_id"))
        batch_op.drop_index(batch_op.f("ix_lead_offers_dealer_id"))
        batch_op.drop_index(batch_op.f("ix_lead_offers_deadline_at"))

    op.drop_table("lead_offers")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_state"))
        batch_op.drop_index(batch_op.f("ix_leads_dealer_id"))
        batch_op.drop_index(batch_op.f("ix_leads_county_code"))
        batch_op.drop_index(batch_op.f("ix_leads_buyer_id"))

    op.drop_table("leads")
    with op.batch_alter_table("dealer_stock", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dealer_stock_dealer_id"))

    op.drop_table("dealer_stock")
    with op.batch_alter_table("vehicle_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vehicle_models_automaker_id"))

    op.drop_table("vehicle_models")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_users_buyer_id"))

    op.drop_table("users")
    with op.batch_alter_table("service_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_points_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_service_points_county_code"))

    op.drop_table("service_points")
    with op.batch_alter_table("livestream_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_livestream_sessions_enterprise_id"))

    op.drop_table("livestream_sessions")
    with op.batch_alter_table("enterprise_service_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprise_service_areas_county_code"))

    op.drop_table("enterprise_service_areas")
    op.drop_table("enterprise_brands")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_enterprise_id"))

    op.drop_table("api_keys")
    with op.batch_alter_table("sales_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_events_county_code"))

    op.drop_table("sales_events")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprises_kind"))
        batch_op.drop_index(batch_op.f("ix_enterprises_county_code"))

    op.drop_table("enterprises")
    with op.batch_alter_table("buyers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buyers_last_active_at"))
        batch_op.drop_index(batch_op.f("ix_buyers_id_card_index"))
        batch_op.drop_index(batch_op.f("ix_buyers_county_code"))

    op.drop_table("buyers")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_enterprise_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_county_code"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor"))

    op.drop_table("audit_log")
