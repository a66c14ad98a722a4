"""offer engine: rule versions, quotes and claims

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 10:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "policy_rule_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_rule_versions")),
        sa.UniqueConstraint("rule_id", "version", name="uq_policy_rule_versions_rule_id"),
    )
    with op.batch_alter_table("policy_rule_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_rule_versions_rule_id"), ["rule_id"], unique=False
        )
    op.create_table(
        "offer_quotes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("buyer_ref", sa.String(length=100), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("purchase_date", sa.Date(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("net_price_cny", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("rule_versions", sa.JSON(), nullable=False),
        sa.Column("amounts", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_quotes")),
    )
    with op.batch_alter_table("offer_quotes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offer_quotes_county_code"), ["county_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_offer_quotes_purchase_date"), ["purchase_date"], unique=False
        )
    op.create_table(
        "offer_claims",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=100), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("amount_cny", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["offer_quotes.id"],
            name=op.f("fk_offer_claims_quote_id_offer_quotes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_claims")),
    )
    with op.batch_alter_table("offer_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_claims_quote_id"), ["quote_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("offer_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_claims_quote_id"))
    op.drop_table("offer_claims")
    with op.batch_alter_table("offer_quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_quotes_purchase_date"))
        batch_op.drop_index(batch_op.f("ix_offer_quotes_county_code"))
    op.drop_table("offer_quotes")
    with op.batch_alter_table("policy_rule_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_rule_versions_rule_id"))
    op.drop_table("policy_rule_versions")
