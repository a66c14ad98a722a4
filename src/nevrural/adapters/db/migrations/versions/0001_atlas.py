"""atlas, indicators, imports and campaigns

Revision ID: 0001
Revises:
Create Date: 2026-11-22 17:28:26.949635
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "atlas_builds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atlas_builds")),
    )
    op.create_table(
        "atlas_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("values_applied", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_atlas_imports")),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("scope_code", sa.String(length=12), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("slug", name=op.f("uq_campaigns_slug")),
    )
    op.create_table(
        "divisions",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("location_quality", sa.String(length=16), nullable=True),
        sa.Column("location_source", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_divisions")),
    )
    with op.batch_alter_table("divisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_divisions_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_divisions_parent_code"), ["parent_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_divisions_province_code"), ["province_code"], unique=False
        )

    op.create_table(
        "county_boundaries",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("geojson", sa.Text(), nullable=False),
        sa.Column("geojson_simplified", sa.Text(), nullable=False),
        sa.Column("area_km2", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["code"],
            ["divisions.code"],
            name=op.f("fk_county_boundaries_code_divisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_county_boundaries")),
    )
    op.create_table(
        "indicator_values",
        sa.Column("county_code", sa.String(length=12), nullable=False),
        sa.Column("indicator", sa.String(length=48), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_code"],
            ["divisions.code"],
            name=op.f("fk_indicator_values_county_code_divisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("county_code", "indicator", name=op.f("pk_indicator_values")),
    )
    with op.batch_alter_table("indicator_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_values_indicator"), ["indicator"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("indicator_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_values_indicator"))

    op.drop_table("indicator_values")
    op.drop_table("county_boundaries")
    with op.batch_alter_table("divisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_divisions_province_code"))
        batch_op.drop_index(batch_op.f("ix_divisions_parent_code"))
        batch_op.drop_index(batch_op.f("ix_divisions_level"))

    op.drop_table("divisions")
    op.drop_table("campaigns")
    op.drop_table("atlas_imports")
    op.drop_table("atlas_builds")
